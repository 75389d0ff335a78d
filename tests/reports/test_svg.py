"""The inline drawings: one mark per event or series, hostile text escaped."""

from __future__ import annotations

from reports._model import LoadSample, SseEvent
from reports.svg import grade_bar, latency_chart, sse_timeline


def test_timeline_one_dot_per_event_on_a_scale_to_the_end() -> None:
    events = [SseEvent(0.001 * i, "message", "{}") for i in range(5)]
    svg = str(sse_timeline(events, elapsed_s=0.010))
    assert svg.count("<circle") == 5
    assert "10.0 ms" in svg and "#5 at 4.0 ms: message" in svg


def test_timeline_escapes_event_names() -> None:
    svg = str(sse_timeline([SseEvent(0.0, "</title><script>x()</script>", "")]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_burst_gets_one_number() -> None:
    # Buffered events arrive together: their numbers would overlap, so only the first shows.
    events = [SseEvent(0.5, "message", "{}") for _ in range(4)] + [SseEvent(1.0, "m", "{}")]
    svg = str(sse_timeline(events))
    assert svg.count('text-anchor="middle">') - 3 == 2  # 3 tick labels + numbers 1 and 5


def test_latency_chart_series_and_empty() -> None:
    stats = [LoadSample(t, 10, 20, 30, 100, 0) for t in (1, 2, 3)]
    assert str(latency_chart(stats)).count("<polyline") == 3
    assert "No latency statistics" in str(latency_chart([]))


def test_grade_bar_segments() -> None:
    svg = str(grade_bar({"PASS": 3, "FAIL": 1, "N/A": 0}, ["FAIL", "N/A", "PASS"]))
    assert svg.count("<rect") == 2 and "3 PASS" in svg
    assert str(grade_bar({}, ["PASS"])) == ""
