"""What a stream's events say, taken together: order, artifact chunks, the end of the stream.

v1.0 §3.1.2, §3.5.2, §4.2.2, §11.7; v0.3 §7.2, §7.2.2, §7.2.3; digest §2.13. All of them need
``capabilities.streaming`` (N/A otherwise) and use the short ``stream`` behaviour. A stream
that stays open after the task ended is read with a bounded grace and FAILs with its timeline.
"""

from __future__ import annotations

import pytest

from conformance.grading import Check
from conformance.stream_rules import (
    after_terminal,
    final_flag_problems,
    order_problems,
    reassemble,
)
from conformance.target import Target

from ._streams import Ended, needs_streaming, open_sse, read_to_end, timeline


def _stream(a2a: Target, check: Check, behaviour: str = "stream") -> Ended:
    needs_streaming(a2a, check)
    params = a2a.dialect.send_params(a2a.message(behaviour))
    ended = read_to_end(a2a, open_sse(a2a, check, "stream", params))
    if ended.stayed_open is None and not any(i.kind == "task" for i in ended.record.items):
        check.not_applicable(f"the agent answered the {behaviour!r} prompt without a task")
    return ended


@pytest.mark.requirement("STREAM-4")
def test_events_in_generation_order(a2a: Target, check: Check) -> None:
    """Events arrive in the order they were generated: status timestamps never go back, an
    artifact's appended chunks follow its first chunk, a task never returns to submitted."""
    ended = _stream(a2a, check)
    problems = order_problems(ended.record.items, a2a.dialect)
    check.that(
        not problems,
        "the events were not delivered in generation order",
        actual={"problems": problems[:5], "timeline": timeline(ended.record)},
    )


@pytest.mark.requirement("STREAM-10")
def test_artifact_chunks_reassemble(a2a: Target, check: Check) -> None:
    """Chunks reassemble by artifactId (append extends a sent artifact, nothing after
    lastChunk), and the result is what GetTask reports for the task."""
    ended = _stream(a2a, check)
    items = ended.record.items
    chunked = [i for i in items if i.kind == "artifact-update"]
    if not chunked:
        check.not_applicable("the stream carried no artifact update")
    artifacts, problems = reassemble(items)
    check.that(not problems, "artifact chunks do not reassemble", actual=problems[:5])
    task_id = next(i.body["id"] for i in items if i.kind == "task")
    stored = a2a.get_task(task_id).get("artifacts")
    stored_by_id = {
        a.get("artifactId"): a.get("parts")
        for a in (stored if isinstance(stored, list) else [])
        if isinstance(a, dict)
    }
    different = {
        artifact_id: {"streamed": built.parts, "GetTask": stored_by_id.get(artifact_id)}
        for artifact_id, built in artifacts.items()
        if stored_by_id.get(artifact_id) != built.parts
    }
    check.that(
        not different,
        "the reassembled artifacts differ from the task's artifacts (GetTask)",
        actual=different,
    )


@pytest.mark.requirement("OP-5d")
def test_nothing_after_terminal_event(a2a: Target, check: Check) -> None:
    """After the terminal status update, only a final Task snapshot may follow (§11.7)."""
    ended = _stream(a2a, check)
    extra = after_terminal(ended.record.items, a2a.dialect)
    check.that(
        not extra,
        "events followed the terminal status",
        actual={"extra": extra[:5], "timeline": timeline(ended.record)},
    )


@pytest.mark.requirement("OP-5d")
def test_stream_closes_after_terminal_event(a2a: Target, check: Check) -> None:
    """The stream closes once the task is terminal (checked with a bounded wait)."""
    ended = _stream(a2a, check)
    check.that(
        ended.stayed_open is None,
        ended.stayed_open or "",
        expected="the connection closed after the terminal event",
        actual=timeline(ended.record),
    )


@pytest.mark.requirement("STREAM-9")
def test_v03_final_marks_the_end(a2a: Target, check: Check) -> None:
    """v0.3 ``final: true`` is set only at an end state, on the last status update, and the
    stream closes after it (bounded wait)."""
    ended = _stream(a2a, check)
    problems = final_flag_problems(ended.record.items, a2a.dialect)
    check.that(not problems, "the final flag is misused", actual=problems[:5])
    check.that(
        ended.stayed_open is None,
        ended.stayed_open or "",
        expected="the connection closed after final: true",
        actual=timeline(ended.record),
    )
