"""Streaming (SSE): stream shape per version, closing rules, SubscribeToTask, capability gating.

v1.0 §3.1.2, §3.1.6, §3.3.4, §9.4.2; v0.3 §3.3, §7.2, §7.9; digest §2.8, §2.13. Checks that need
streaming grade N/A when the card does not declare ``capabilities.streaming``; the gating checks
grade N/A when it does.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client.dialects import TERMINAL
from conformance.client.jsonrpc import RpcStream
from conformance.grading import Check
from conformance.target import StreamRecord, Target

TASK_NOT_FOUND, UNSUPPORTED_OPERATION = -32001, -32004
UPDATES = ("status-update", "artifact-update")


def _needs_streaming(a2a: Target, check: Check) -> None:
    if not a2a.declares("streaming"):
        check.not_applicable("the card does not declare capabilities.streaming")


def _stream_error(stream: RpcStream, check: Check, what: str) -> dict[str, Any]:
    """The JSON-RPC error a streaming call answered, as plain JSON or as its first SSE event."""
    if stream.plain is not None:
        error = stream.plain.error
        check.that(error is not None, f"{what}: expected a JSON-RPC error", actual=stream.plain.doc)
        assert error is not None
        return error
    docs = []
    try:
        for doc in stream.documents():
            docs.append(doc)
            break
    finally:
        stream.close()
    first = docs[0] if docs else None
    error = first.get("error") if isinstance(first, dict) else None
    check.that(isinstance(error, dict), f"{what}: the stream carried no error", actual=first)
    assert isinstance(error, dict)
    return error


def _statuses(record: StreamRecord) -> list[str]:
    return [
        str(item.body.get("status", {}).get("state"))
        for item in record.items
        if item.kind == "status-update" and isinstance(item.body.get("status"), dict)
    ]


@pytest.mark.requirement("GATE-STREAM-WORKS")
def test_declared_streaming_works(a2a: Target, check: Check) -> None:
    """With streaming declared, SendStreamingMessage answers an SSE stream of events."""
    _needs_streaming(a2a, check)
    record = a2a.stream("stream")
    check.that(record.items, "the stream carried no event", expected="at least one event")


@pytest.mark.requirement("OP-5")
def test_stream_opens(a2a: Target, check: Check) -> None:
    """SendStreamingMessage opens a stream of updates about the request's task or message."""
    _needs_streaming(a2a, check)
    record = a2a.stream("stream")
    check.that(record.items, "the stream carried no event", expected="at least one event")
    first = record.items[0]
    check.that(
        first.kind in ("task", "message", *UPDATES), "unexpected first event", actual=first.kind
    )


@pytest.mark.requirement("STREAM-1")
def test_stream_http_shape(a2a: Target, check: Check) -> None:
    """A stream answers HTTP 200, ``text/event-stream``, one JSON object per ``data:``."""
    _needs_streaming(a2a, check)
    record = a2a.stream("stream")
    check.equal(record.status, 200, what="HTTP status of the stream")
    check.equal(record.content_type, "text/event-stream", what="Content-Type of the stream")
    bad = [d for d in record.documents if not isinstance(d, dict)]
    check.that(not bad, "an SSE data field is not a JSON object", actual=bad[:3])


def _envelope_problems(a2a: Target, record: StreamRecord, request_id: Any) -> list[str]:
    problems = []
    for i, doc in enumerate(record.documents):
        if doc.get("jsonrpc") != "2.0":
            problems.append(f"event {i}: jsonrpc is {doc.get('jsonrpc')!r}")
        if doc.get("id") != request_id:
            problems.append(f"event {i}: id {doc.get('id')!r} is not the request id {request_id!r}")
    return problems


@pytest.mark.requirement("STREAM-2")
def test_v03_events_are_jsonrpc_responses(a2a: Target, check: Check) -> None:
    """Each v0.3 event is a JSON-RPC response whose result has a ``kind``."""
    _needs_streaming(a2a, check)
    params = a2a.dialect.send_params(a2a.message("stream"))
    stream = a2a.open_stream("stream", params)
    check.that(
        stream.is_sse,
        "message/stream was not answered with SSE",
        actual=stream.plain and stream.plain.doc,
    )
    record = a2a.read_stream(stream)  # read_stream_item checks ``kind``
    problems = _envelope_problems(a2a, record, stream.request_id)
    check.that(
        not problems, "events are not JSON-RPC responses to the request", actual=problems[:5]
    )


@pytest.mark.requirement("STREAM-3")
def test_v1_events_wrap_stream_responses(a2a: Target, check: Check) -> None:
    """Each v1.0 event is a JSON-RPC response holding exactly one StreamResponse member."""
    _needs_streaming(a2a, check)
    params = a2a.dialect.send_params(a2a.message("stream"))
    stream = a2a.open_stream("stream", params)
    check.that(stream.is_sse, "SendStreamingMessage was not answered with SSE")
    record = a2a.read_stream(stream)  # read_stream_item checks the StreamResponse oneof
    problems = _envelope_problems(a2a, record, stream.request_id)
    check.that(
        not problems, "events are not JSON-RPC responses to the request", actual=problems[:5]
    )


@pytest.mark.requirement("OP-5c")
def test_task_stream_starts_with_task(a2a: Target, check: Check) -> None:
    """A task stream starts with the Task; then only status and artifact updates (and at most a
    final Task snapshot)."""
    _needs_streaming(a2a, check)
    record = a2a.stream("stream")
    kinds = [item.kind for item in record.items]
    if "message" in kinds and "task" not in kinds:
        check.not_applicable("the agent answered the 'stream' prompt with a Message stream")
    check.equal(kinds[:1], ["task"], what="first event kind")
    middle = kinds[1:-1] if kinds[-1:] == ["task"] else kinds[1:]
    check.that(all(k in UPDATES for k in middle), "unexpected events after the Task", actual=kinds)


@pytest.mark.requirement("OP-5d")
def test_task_stream_closes_at_terminal_state(a2a: Target, check: Check) -> None:
    """The stream ends once the task is terminal, and nothing but a Task snapshot follows."""
    _needs_streaming(a2a, check)
    record = a2a.stream("stream")
    if not any(item.kind == "task" for item in record.items):
        check.not_applicable("the agent answered the 'stream' prompt without a task")
    last_states = [
        a2a.dialect.task_state({"status": item.body.get("status")})
        for item in record.items
        if item.kind in ("status-update", "task")
    ]
    check.that(
        last_states and last_states[-1] in TERMINAL,
        "the stream closed before the task reached a terminal state",
        expected="a terminal state last",
        actual=_statuses(record) or last_states,
    )
    terminal_at = next(i for i, s in enumerate(last_states) if s in TERMINAL)
    check.that(
        terminal_at >= len(last_states) - 2,
        "events continued after the terminal state",
        actual=last_states,
    )


@pytest.mark.requirement("OP-5b")
def test_message_stream_is_one_message(a2a: Target, check: Check) -> None:
    """A stream answered with a Message carries exactly that one Message, then closes."""
    _needs_streaming(a2a, check)
    record = a2a.stream("message")
    kinds = [item.kind for item in record.items]
    if "message" not in kinds:
        check.not_applicable("the agent answered the 'message' prompt with a task stream")
    check.equal(kinds, ["message"], what="events of a message stream")


@pytest.mark.requirement("STREAM-9")
def test_v03_final_flag(a2a: Target, check: Check) -> None:
    """A v0.3 stream marks its last status update ``final: true``."""
    _needs_streaming(a2a, check)
    record = a2a.stream("stream")
    updates = [item.body for item in record.items if item.kind == "status-update"]
    if not updates:
        check.not_applicable("the stream carried no status update")
    check.equal(updates[-1].get("final"), True, what="final flag of the last status update")


@pytest.mark.requirement("CTX-7b")
def test_update_events_carry_ids(a2a: Target, check: Check) -> None:
    """Status and artifact update events carry taskId and contextId."""
    _needs_streaming(a2a, check)
    record = a2a.stream("stream")
    updates = [item for item in record.items if item.kind in UPDATES]
    if not updates:
        check.not_applicable("the stream carried no update event")
    missing = [
        f"{item.kind} without {key}"
        for item in updates
        for key in ("taskId", "contextId")
        if not isinstance(item.body.get(key), str) or not item.body[key]
    ]
    check.that(not missing, "update events lack ids", actual=missing[:5])


@pytest.mark.requirement("OP-10")
def test_subscribe_first_event_is_task(a2a: Target, check: Check) -> None:
    """SubscribeToTask on a running task sends the current Task first."""
    _needs_streaming(a2a, check)
    task = a2a.running_task()
    stream = a2a.open_stream("subscribe", a2a.dialect.task_id_params(task["id"]))
    check.that(
        stream.is_sse,
        "SubscribeToTask was not answered with SSE",
        actual=stream.plain and stream.plain.doc,
    )
    record = a2a.read_stream(stream, stop_after=1)
    check.that(record.items, "the subscription carried no event")
    first = record.items[0]
    check.equal(first.kind, "task", what="first event kind")
    check.equal(first.body.get("id"), task["id"], what="id of the first event's Task")


@pytest.mark.requirement("OP-10b")
def test_v03_resubscribe_streams_updates(a2a: Target, check: Check) -> None:
    """tasks/resubscribe on a running task opens a stream that carries its further updates."""
    _needs_streaming(a2a, check)
    # A task that keeps producing events for a while by itself (no second request needed).
    task = a2a.task_or_na("stream-long", blocking=False, timeout=5.0)
    a2a.to_cancel.append(task["id"])
    if a2a.dialect.is_terminal(task):
        check.not_applicable("the 'stream-long' task had already finished when the send answered")
    stream = a2a.open_stream("subscribe", a2a.dialect.task_id_params(task["id"]))
    check.that(
        stream.is_sse,
        "tasks/resubscribe was not answered with SSE",
        actual=stream.plain and stream.plain.doc,
    )
    record = a2a.read_stream(stream)
    ids = {item.body.get("taskId", item.body.get("id")) for item in record.items}
    check.that(
        task["id"] in ids,
        "the stream carried no event about the task",
        actual=[i.kind for i in record.items],
    )


@pytest.mark.requirement("OP-10d")
def test_subscribe_to_terminal_task(a2a: Target, check: Check) -> None:
    """SubscribeToTask on a finished task fails with UnsupportedOperationError (-32004)."""
    _needs_streaming(a2a, check)
    task = a2a.task_or_na("echo")
    if not a2a.dialect.is_terminal(task):
        check.not_applicable("the probe task did not finish")
    stream = a2a.open_stream("subscribe", a2a.dialect.task_id_params(task["id"]))
    error = _stream_error(stream, check, "SubscribeToTask of a finished task")
    check.equal(error.get("code"), UNSUPPORTED_OPERATION, what="error code")


@pytest.mark.requirement("OP-10e")
def test_subscribe_to_unknown_task(a2a: Target, check: Check) -> None:
    """SubscribeToTask on an unknown id fails with TaskNotFoundError (-32001)."""
    _needs_streaming(a2a, check)
    stream = a2a.open_stream("subscribe", a2a.dialect.task_id_params(a2a.unknown_task_id()))
    error = _stream_error(stream, check, "SubscribeToTask of an unknown id")
    check.equal(error.get("code"), TASK_NOT_FOUND, what="error code")


def _gated_stream_error(a2a: Target, check: Check) -> dict[str, Any]:
    if a2a.declares("streaming"):
        check.not_applicable("the card declares capabilities.streaming")
    params = a2a.dialect.send_params(a2a.message("stream"))
    return _stream_error(
        a2a.open_stream("stream", params), check, "a streaming call without the capability"
    )


@pytest.mark.requirement("GATE-STREAM")
def test_undeclared_streaming_refused(a2a: Target, check: Check) -> None:
    """Without the streaming capability, SendStreamingMessage fails with -32004."""
    error = _gated_stream_error(a2a, check)
    check.equal(error.get("code"), UNSUPPORTED_OPERATION, what="error code")


@pytest.mark.requirement("GATE-STREAM-V03")
def test_undeclared_streaming_refused_v03(a2a: Target, check: Check) -> None:
    """Without the streaming capability, message/stream fails (-32004 expected)."""
    error = _gated_stream_error(a2a, check)
    check.equal(error.get("code"), UNSUPPORTED_OPERATION, what="error code")
