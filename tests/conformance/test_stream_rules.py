"""Stream rules on hand-made event lists: chunks, order, the end of a stream, v0.3 final."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client.dialects import StreamItem, dialect_for
from conformance.stream_rules import (
    after_terminal,
    comparable,
    final_flag_problems,
    order_problems,
    parse_timestamp,
    reassemble,
    states,
)

V1 = dialect_for("1.0")
V03 = dialect_for("0.3")


def status(state: str, ms: int | None = None, **extra: Any) -> StreamItem:
    body: dict[str, Any] = {"taskId": "t", "contextId": "c", "status": {"state": state}, **extra}
    if ms is not None:
        body["status"]["timestamp"] = f"2026-01-01T00:00:00.{ms:03d}Z"
    return StreamItem("status-update", body)


def chunk(artifact_id: str, text: str, **flags: bool) -> StreamItem:
    artifact = {"artifactId": artifact_id, "parts": [{"text": text}]}
    return StreamItem("artifact-update", {"taskId": "t", "artifact": artifact, **flags})


def task(state: str) -> StreamItem:
    return StreamItem("task", {"id": "t", "status": {"state": state}})


GOOD = [
    task("TASK_STATE_SUBMITTED"),
    status("TASK_STATE_WORKING", 1),
    chunk("a", "1"),
    chunk("a", "2", append=True),
    chunk("a", "3", append=True, lastChunk=True),
    status("TASK_STATE_COMPLETED", 90),
]


def test_a_good_stream_breaks_no_rule() -> None:
    artifacts, problems = reassemble(GOOD)
    assert problems == []
    assert artifacts["a"].parts == [{"text": "1"}, {"text": "2"}, {"text": "3"}]
    assert artifacts["a"].chunks == 3 and artifacts["a"].last_chunk
    assert order_problems(GOOD, V1) == []
    assert after_terminal(GOOD, V1) == []
    assert states(GOOD, V1) == [(0, "submitted"), (1, "working"), (5, "completed")]


def test_chunk_rules() -> None:
    items = [chunk("a", "2", append=True), chunk("b", "1", lastChunk=True), chunk("b", "2")]
    artifacts, problems = reassemble(items)
    assert problems == [
        "event 0: append to artifact 'a', which was never sent",
        "event 2: a chunk of artifact 'b' after its lastChunk",
    ]
    assert artifacts["b"].parts == [{"text": "2"}]  # a chunk without append replaces
    _, broken = reassemble([StreamItem("artifact-update", {"artifact": {"parts": []}})])
    assert broken == ["event 0: artifact update without artifact.artifactId"]


def test_order_problems() -> None:
    reversed_updates = [GOOD[0], GOOD[4], GOOD[3], GOOD[2], GOOD[1], GOOD[5]]
    problems = order_problems(reversed_updates, V1)
    assert "event 1: append to artifact 'a', which was never sent" in problems
    assert any(
        "earlier than" in p
        for p in order_problems(
            [status("TASK_STATE_WORKING", 50), status("TASK_STATE_WORKING", 10)], V1
        )
    )
    back = [
        task("TASK_STATE_SUBMITTED"),
        status("TASK_STATE_WORKING"),
        status("TASK_STATE_SUBMITTED"),
    ]
    assert order_problems(back, V1) == ["event 2: the task is back to submitted after progressing"]


def test_events_after_terminal() -> None:
    snapshot_ok = [*GOOD, task("TASK_STATE_COMPLETED")]
    assert after_terminal(snapshot_ok, V1) == []
    extra = [*GOOD, chunk("a", "late"), task("TASK_STATE_WORKING")]
    assert after_terminal(extra, V1) == [
        "event 6: artifact-update after the terminal completed status",
        "event 7: task (working) after the terminal completed status",
    ]
    # A task already terminal in its first snapshot (a subscription to a finished task).
    assert after_terminal([task("TASK_STATE_COMPLETED")], V1) == []


def test_v03_final_flag() -> None:
    good = [task("submitted"), status("working", final=False), status("completed", final=True)]
    assert final_flag_problems(good, V03) == []
    paused = [status("input-required", final=True)]
    assert final_flag_problems(paused, V03) == []
    early = [status("working", final=True), status("completed", final=True)]
    problems = final_flag_problems(early, V03)
    assert problems[0] == "event 0: final: true on a working status (not an end state)"
    assert problems[1].startswith("events after final: true (event 0)")


def test_comparable_ignores_key_order() -> None:
    a = StreamItem("status-update", {"x": 1, "y": {"b": 2, "a": 1}})
    b = StreamItem("status-update", {"y": {"a": 1, "b": 2}, "x": 1})
    assert comparable(a) == comparable(b) != comparable(StreamItem("task", a.body))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-01-01T00:00:00.354Z", "2026-01-01T00:00:00.354000+00:00"),
        ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00+00:00"),
        ("2026-01-01T02:00:00.123456789+02:00", "2026-01-01T02:00:00.123456+02:00"),
        ("2025-04-02T16:59:25.331844", "2025-04-02T16:59:25.331844+00:00"),  # v0.3 examples
        ("yesterday", None),
        (1234, None),
    ],
)
def test_parse_timestamp(raw: Any, expected: str | None) -> None:
    parsed = parse_timestamp(raw)
    assert (parsed.isoformat() if parsed else None) == expected
