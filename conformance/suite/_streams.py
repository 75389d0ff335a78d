"""Helpers the streaming, subscription and buffering checks share.

:func:`read_to_end` reads a stream like :meth:`Target.read_stream`, but notices the end of the
task (a terminal state, or v0.3 ``final: true``) and then gives the stream only a short grace
to close: a stream that stays open is reported with its timeline instead of hanging the check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from conformance.client.dialects import INTERRUPTED, TERMINAL, StreamItem
from conformance.client.jsonrpc import RpcStream
from conformance.client.sse import SseLimitExceeded
from conformance.grading import Check, CheckFailed
from conformance.target import StreamRecord, Target

__all__ = [
    "CLOSE_GRACE_S",
    "Ended",
    "needs_streaming",
    "open_sse",
    "read_to_end",
    "stream_error",
    "timeline",
]

CLOSE_GRACE_S = 2.0  # how long a stream may stay open after its last event


def needs_streaming(a2a: Target, check: Check) -> None:
    """N/A unless the card declares ``capabilities.streaming``."""
    if not a2a.declares("streaming"):
        check.not_applicable("the card does not declare capabilities.streaming")


def open_sse(a2a: Target, check: Check, op: str, params: dict[str, Any]) -> RpcStream:
    """Open a streaming call that must answer SSE (a plain answer is a check failure)."""
    stream = a2a.open_stream(op, params)
    if not stream.is_sse:
        assert stream.plain is not None
        check.fail(
            f"{a2a.dialect.method(op)} was not answered with text/event-stream",
            expected="HTTP 200 text/event-stream",
            actual=stream.plain.doc if stream.plain.is_object else stream.plain.parse_error,
        )
    return stream


@dataclass(slots=True)
class Ended:
    """A stream read to its end: the record, and how it ended."""

    record: StreamRecord
    end_at: int | None = None  # index of the event that ended the task (terminal / final)
    stayed_open: str | None = None  # set when the stream did not close within the grace


def _ends_task(a2a: Target, item: StreamItem) -> bool:
    if item.kind == "message":
        return True
    if item.kind not in ("status-update", "task"):
        return False
    state = a2a.dialect.task_state({"status": item.body.get("status")})
    if a2a.version == "0.3" and item.body.get("final") is True:
        return True
    # v1.0 §11.7 lets a stream close at an interrupted state too (AMBIG-6).
    return state in TERMINAL or (item.kind == "status-update" and state in INTERRUPTED)


def read_to_end(a2a: Target, stream: RpcStream, *, grace: float = CLOSE_GRACE_S) -> Ended:
    """Read every event; once the task has ended, allow ``grace`` seconds for the close."""
    assert stream.stream is not None
    sse = stream.stream
    ended = Ended(StreamRecord(sse.status, sse.content_type))
    record = ended.record
    try:
        for doc in stream.documents():
            record.documents.append(doc)
            record.arrivals.append(sse.exchange.events[-1].at)
            if not isinstance(doc, dict) or "result" not in doc:
                raise CheckFailed("an SSE event is not a JSON-RPC success response", actual=doc)
            item = a2a.dialect.read_stream_item(doc["result"])
            a2a.observe_item(item)
            record.items.append(item)
            # The first event (the Task snapshot) never ends a stream, a Message always does.
            first = len(record.items) == 1
            if (
                ended.end_at is None
                and _ends_task(a2a, item)
                and (not first or item.kind == "message")
            ):
                ended.end_at = len(record.items) - 1
                sse.deadline = min(sse.deadline, time.monotonic() + grace)
    except SseLimitExceeded as exc:
        if ended.end_at is None:
            ended.stayed_open = f"the task never ended and the stream did not close: {exc}"
        else:
            ended.stayed_open = (
                f"the stream stayed open more than {grace:g}s after the event that ended the "
                f"task (event {ended.end_at}): {exc}"
            )
    finally:
        stream.close()
    return ended


def timeline(record: StreamRecord) -> list[str]:
    """``"+12.3 ms status-update (working)"`` per event: evidence a user can read."""
    rows = []
    for item, at in zip(record.items, record.arrivals, strict=False):
        extra = ""
        status = item.body.get("status")
        if isinstance(status, dict):
            extra = f" ({status.get('state')})"
        rows.append(f"+{at * 1000:.1f} ms {item.kind}{extra}")
    return rows


def stream_error(stream: RpcStream, check: Check, what: str) -> tuple[dict[str, Any], str]:
    """The JSON-RPC error a streaming call answered, and its form (``"json"`` or ``"sse"``)."""
    if stream.plain is not None:
        error = stream.plain.error
        check.that(
            error is not None,
            f"{what}: expected a JSON-RPC error",
            actual=stream.plain.doc if stream.plain.is_object else stream.plain.parse_error,
        )
        assert error is not None
        return error, "json"
    first: Any = None
    try:
        for doc in stream.documents():
            first = doc
            break
    finally:
        stream.close()
    error = first.get("error") if isinstance(first, dict) else None
    check.that(isinstance(error, dict), f"{what}: the stream carried no error", actual=first)
    assert isinstance(error, dict)
    return error, "sse"
