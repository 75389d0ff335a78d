"""Messages and tasks: send replies, blocking mode, GetTask, CancelTask of unknown ids, history.

v1.0 §3.1, §3.2.2, §3.2.4; v0.3 §7; digest §2.7, §2.10. Behaviour checks probe first: when the
agent answers with a Message (no task), the task checks grade N/A with that reason.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client.dialects import INTERRUPTED, TERMINAL
from conformance.grading import Check
from conformance.target import Target

TASK_NOT_FOUND = -32001


def _task_with_history(a2a: Target, check: Check) -> dict[str, Any]:
    """A finished task with at least two messages of history (an input-required turn resumed)."""
    first = a2a.task_or_na("input-required")
    if a2a.dialect.task_state(first) == "input-required":
        a2a.send(
            text="a2a-harness follow-up",
            task_id=first["id"],
            context_id=first.get("contextId"),
        )
    task = a2a.get_task(first["id"])
    if len(a2a.dialect.history(task)) < 2:
        check.not_applicable(
            f"the task's history holds {len(a2a.dialect.history(task))} message(s) even after "
            "a second turn: too short to judge trimming"
        )
    return task


@pytest.mark.requirement("OP-1")
def test_send_returns_task_or_message(a2a: Target, check: Check) -> None:
    """SendMessage answers with a Task or a Message in the version's shape."""
    reply = a2a.send("echo")
    if reply.kind == "task":
        a2a.dialect.read_task(reply.body, what="the Task reply")
    else:
        body = reply.body
        check.that(
            isinstance(body.get("messageId"), str) and isinstance(body.get("parts"), list),
            "the Message reply lacks messageId or parts",
            actual=body,
        )


@pytest.mark.requirement("OP-3")
def test_blocking_send_waits_v1(a2a: Target, check: Check) -> None:
    """A blocking SendMessage (v1.0 default) returns a terminal or interrupted task."""
    task = a2a.task_or_na()
    state = a2a.dialect.task_state(task)
    check.that(
        state in TERMINAL | INTERRUPTED,
        "a blocking SendMessage returned a task that is still in progress",
        expected="a terminal or interrupted state",
        actual=a2a.dialect.raw_state(task),
    )


@pytest.mark.requirement("OP-4b")
def test_blocking_send_waits_v03(a2a: Target, check: Check) -> None:
    """``configuration.blocking: true`` (v0.3) returns a terminal or interrupted task."""
    task = a2a.task_or_na(blocking=True)
    state = a2a.dialect.task_state(task)
    check.that(
        state in TERMINAL | INTERRUPTED,
        "message/send with blocking: true returned a task that is still in progress",
        expected="a terminal or interrupted state",
        actual=a2a.dialect.raw_state(task),
    )


@pytest.mark.requirement("OP-7")
def test_get_task_returns_current_state(a2a: Target, check: Check) -> None:
    """GetTask of a finished task returns that task, in the state the send reported."""
    task = a2a.task_or_na()
    if not a2a.dialect.is_terminal(task):
        check.not_applicable("the probe task did not finish, so its current state can move")
    got = a2a.get_task(task["id"])
    check.equal(got["id"], task["id"], what="task id")
    check.equal(a2a.dialect.raw_state(got), a2a.dialect.raw_state(task), what="task state")


@pytest.mark.requirement("OP-7b")
def test_get_unknown_task(a2a: Target, check: Check) -> None:
    """GetTask of an id the agent never issued fails with TaskNotFoundError (-32001)."""
    a2a.get_task_reply(a2a.unknown_task_id()).expect_error(
        TASK_NOT_FOUND, "GetTask of an unknown id"
    )


@pytest.mark.requirement("OP-9c")
def test_cancel_unknown_task(a2a: Target, check: Check) -> None:
    """CancelTask of an id the agent never issued fails with TaskNotFoundError (-32001)."""
    a2a.cancel_reply(a2a.unknown_task_id()).expect_error(
        TASK_NOT_FOUND, "CancelTask of an unknown id"
    )


@pytest.mark.requirement("HIST-1")
def test_get_task_history_length(a2a: Target, check: Check) -> None:
    """GetTask with historyLength 1 returns at most one message (the most recent)."""
    task = _task_with_history(a2a, check)
    full = a2a.dialect.history(task)
    trimmed = a2a.dialect.history(a2a.get_task(task["id"], history_length=1))
    check.that(
        len(trimmed) <= 1,
        "GetTask returned more history than historyLength allows",
        expected="at most 1 message",
        actual=f"{len(trimmed)} messages",
    )
    if trimmed and isinstance(trimmed[0], dict) and isinstance(full[-1], dict):
        check.equal(
            trimmed[0].get("messageId"),
            full[-1].get("messageId"),
            what="kept message (most recent)",
        )


@pytest.mark.requirement("HIST-2")
def test_get_task_history_length_zero(a2a: Target, check: Check) -> None:
    """GetTask with historyLength 0 omits the history (v1.0 §3.2.4)."""
    task = _task_with_history(a2a, check)
    got = a2a.get_task(task["id"], history_length=0)
    check.that(
        not got.get("history"),
        "historyLength 0 still returned history messages",
        expected="no history",
        actual=f"{len(a2a.dialect.history(got))} messages",
    )
