"""The buffering judge on hand-made timelines: live, held back, and too little to tell."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conformance.buffering import Arrival, arrivals_of, judge
from conformance.client.dialects import StreamItem

T0 = datetime(2026, 1, 1, tzinfo=UTC).timestamp()


def _stream(arrived_ms: list[float], generated_ms: list[float | None]) -> list[Arrival]:
    return [
        Arrival(
            i,
            "status-update" if g is not None else "artifact-update",
            a / 1000,
            None if g is None else T0 + g / 1000,
        )
        for i, (a, g) in enumerate(zip(arrived_ms, generated_ms, strict=True))
    ]


def test_live_stream_with_timestamps() -> None:
    verdict = judge(_stream([5, 6, 55, 105, 155, 205], [0, 1, None, None, None, 200]))
    assert verdict.held_back is False, verdict.reason
    assert "generated 200 ms apart" in verdict.reason and "arrived 200 ms apart" in verdict.reason


def test_held_back_stream_with_timestamps() -> None:
    verdict = judge(_stream([251, 251.5, 252, 252, 252.4, 252.6], [0, 1, None, None, None, 200]))
    assert verdict.held_back is True
    assert verdict.reason.startswith("held back: events 0..5 were generated 200 ms apart")
    assert [row["arrived_ms"] for row in verdict.timeline][:2] == [251.0, 251.5]
    assert verdict.timeline[5]["generated_ms"] == 200.0
    assert verdict.timeline[2]["generated_ms"] is None


def test_arrivals_alone_tell_a_burst_at_the_end() -> None:
    held = judge(_stream([240, 241, 242, 243], [None] * 4))
    assert held.held_back is True and "nothing arrived for 240 ms" in held.reason
    live = judge(_stream([4, 60, 120, 240], [None] * 4))
    assert live.held_back is False


def test_partial_flushes_are_not_a_burst() -> None:
    # A proxy flushing every other event still delivers progress: not "held back".
    verdict = judge(_stream([5, 5, 120, 121, 240, 241], [None] * 6))
    assert verdict.held_back is False


def test_too_short_or_too_few_is_inconclusive() -> None:
    assert judge(_stream([1, 2, 3, 4], [0, None, None, 2])).held_back is None
    assert "too short" in judge(_stream([1, 2, 3, 4], [None] * 4)).reason
    assert judge(_stream([5, 200], [0, 200])).held_back is None


def test_clock_offsets_do_not_matter() -> None:
    # The agent's clock is an hour off: only differences of timestamps are used.
    late = [None if g is None else g + 3_600_000 for g in (0, None, None, 200)]
    assert judge(_stream([5, 60, 120, 205], late)).held_back is False


def test_arrivals_of_reads_status_timestamps() -> None:
    stamp = datetime(2026, 1, 1, 12, tzinfo=UTC)
    items = [
        StreamItem("task", {"id": "t", "status": {"state": "TASK_STATE_SUBMITTED"}}),
        StreamItem(
            "status-update",
            {"status": {"state": "x", "timestamp": stamp.isoformat().replace("+00:00", "Z")}},
        ),
        StreamItem(
            "status-update",
            {
                "status": {
                    "timestamp": (stamp + timedelta(milliseconds=250)).strftime(
                        "%Y-%m-%dT%H:%M:%S.%fZ"
                    )
                }
            },
        ),
        StreamItem("artifact-update", {"artifact": {}}),
    ]
    arrivals = arrivals_of(items, [0.01, 0.02, 0.27, 0.28])
    assert [a.generated is not None for a in arrivals] == [False, True, True, False]
    assert arrivals[2].generated is not None and arrivals[1].generated is not None
    assert round(arrivals[2].generated - arrivals[1].generated, 3) == 0.25
