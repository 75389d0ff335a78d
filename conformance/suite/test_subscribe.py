"""Subscriptions: several streams on one task, their end, and errors before the first event.

v1.0 §3.1.6, §3.5.2, §9.4.6; v0.3 §7.9, §8.2; digest §2.13, §2.23 item (errors before a
stream). The probe task is the ``stream-long`` behaviour (about one second of chunks), sent
non-blocking and canceled when the check ends.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client.dialects import TERMINAL
from conformance.grading import Check
from conformance.stream_rules import after_terminal, comparable, states
from conformance.target import Target

from ._streams import Ended, needs_streaming, open_sse, read_to_end, stream_error, timeline

TASK_NOT_FOUND = -32001


def _running_streaming_task(a2a: Target, check: Check) -> dict[str, Any]:
    needs_streaming(a2a, check)
    task = a2a.task_or_na("stream-long", blocking=False, timeout=min(5.0, a2a.http.timeout))
    a2a.to_cancel.append(task["id"])
    if a2a.dialect.is_terminal(task):
        check.not_applicable("the 'stream-long' task had already finished when the send answered")
    return task


def _updates(ended: Ended) -> list[str]:
    """The events after the subscription's initial Task, comparable across streams."""
    items = ended.record.items
    start = 1 if items[:1] and items[0].kind == "task" else 0
    return [comparable(item) for item in items[start:]]


def _ends_terminal(a2a: Target, ended: Ended) -> bool:
    found = states(ended.record.items, a2a.dialect)
    return bool(found) and found[-1][1] in TERMINAL


@pytest.mark.requirement("STREAM-5")
def test_concurrent_subscribers_see_the_same_events(a2a: Target, check: Check) -> None:
    """Two SubscribeToTask streams on one running task get the same events in the same order
    (the later subscriber may miss what came before it subscribed, nothing else)."""
    task = _running_streaming_task(a2a, check)
    params = a2a.dialect.task_id_params(task["id"])
    first = open_sse(a2a, check, "subscribe", params)
    second = a2a.open_stream("subscribe", params)
    if not second.is_sse:
        first.close()
        check.not_applicable(
            "the agent does not serve a second concurrent stream on a task (STREAM-7: MAY)"
        )
    one, two = read_to_end(a2a, first), read_to_end(a2a, second)
    for name, ended in (("first", one), ("second", two)):
        check.that(
            ended.stayed_open is None and _ends_terminal(a2a, ended),
            f"the {name} subscription did not end at the task's terminal state",
            actual=timeline(ended.record),
        )
    a, b = _updates(one), _updates(two)
    longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
    check.that(
        bool(shorter) and longer[len(longer) - len(shorter) :] == shorter,
        "the two subscriptions received different events or orders",
        expected="one sequence the tail of the other",
        actual={"first": timeline(one.record), "second": timeline(two.record)},
    )


@pytest.mark.requirement("OP-10c")
def test_subscription_ends_at_terminal_state(a2a: Target, check: Check) -> None:
    """A SubscribeToTask stream ends once the task is terminal, and nothing but a Task snapshot
    follows the terminal status (bounded wait for the close)."""
    task = _running_streaming_task(a2a, check)
    stream = open_sse(a2a, check, "subscribe", a2a.dialect.task_id_params(task["id"]))
    ended = read_to_end(a2a, stream)
    check.that(
        _ends_terminal(a2a, ended),
        "the subscription ended before the task reached a terminal state",
        actual=timeline(ended.record),
    )
    extra = after_terminal(ended.record.items, a2a.dialect)
    check.that(not extra, "events followed the terminal status", actual=extra[:5])
    check.that(ended.stayed_open is None, ended.stayed_open or "", actual=timeline(ended.record))


@pytest.mark.requirement("OP-10f")
def test_v03_resubscribe_unknown_task(a2a: Target, check: Check) -> None:
    """tasks/resubscribe on an unknown id fails with TaskNotFoundError (-32001)."""
    needs_streaming(a2a, check)
    stream = a2a.open_stream("subscribe", a2a.dialect.task_id_params(a2a.unknown_task_id()))
    error, _ = stream_error(stream, check, "tasks/resubscribe of an unknown id")
    check.equal(error.get("code"), TASK_NOT_FOUND, what="error code")


@pytest.mark.requirement("AMBIG-16")
def test_error_before_first_event_in_either_form(a2a: Target, check: Check) -> None:
    """An error raised before a stream starts comes as a plain JSON-RPC error or as the first
    SSE event; both are accepted, anything else is not."""
    needs_streaming(a2a, check)
    stream = a2a.open_stream("subscribe", a2a.dialect.task_id_params(a2a.unknown_task_id()))
    _, form = stream_error(stream, check, "a subscription to an unknown task")
    where = "a plain JSON-RPC error response" if form == "json" else "the first SSE event"
    check.note(f"the error came as {where}")
