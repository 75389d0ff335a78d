"""Task lifecycle: non-blocking send, cancel, terminal immutability, contextId and taskId rules.

v1.0 §3.1.1, §3.1.5, §3.2.2, §3.3.1, §3.4; v0.3 §7.1, §7.4; digest §2.7, §2.9. Probes first:
a check that needs a running task asks for the ``slow`` behaviour and grades N/A when the agent
cannot keep a task in progress.
"""

from __future__ import annotations

import httpx
import pytest

from conformance.client.dialects import ACTIVE
from conformance.grading import Check
from conformance.target import Target

TASK_NOT_FOUND, TASK_NOT_CANCELABLE, UNSUPPORTED_OPERATION = -32001, -32002, -32004
IMMEDIATE_S = 3.0


@pytest.mark.requirement("OP-4")
def test_return_immediately(a2a: Target, check: Check) -> None:
    """``returnImmediately: true`` answers at once, with the task still in progress."""
    try:
        reply = a2a.send_reply("slow", blocking=False, timeout=IMMEDIATE_S)
    except httpx.ReadTimeout:
        check.fail(
            "SendMessage with returnImmediately: true did not answer",
            expected=f"an answer within {IMMEDIATE_S:g}s",
            actual="no answer (the agent waited for the task)",
        )
    read = a2a.read_send(reply)
    if read.kind != "task":
        check.not_applicable("the agent answered the 'slow' prompt with a Message, not a Task")
    a2a.to_cancel.append(read.body["id"])
    state = a2a.dialect.task_state(read.body)
    if state not in ACTIVE:
        # A task that really finished that fast cannot be told from one the agent waited for.
        elapsed = reply.response.elapsed if reply.response else 0.0
        check.not_applicable(f"the task was already {state} after {elapsed:.2f}s")


@pytest.mark.requirement("OP-9")
def test_cancel_running_task(a2a: Target, check: Check) -> None:
    """CancelTask on a running task returns the updated Task."""
    task = a2a.running_task()
    reply = a2a.cancel_reply(task["id"])
    result = reply.expect_result("CancelTask of a running task")
    canceled = a2a.dialect.read_task(result, what="the CancelTask result")
    check.equal(canceled["id"], task["id"], what="id of the canceled task")


@pytest.mark.requirement("STATE-2")
def test_cancel_leaves_canceled_state(a2a: Target, check: Check) -> None:
    """After a successful cancel the task is in the canceled state (answer and GetTask)."""
    task = a2a.running_task()
    reply = a2a.cancel_reply(task["id"])
    if reply.error is not None:
        check.not_applicable(f"the agent declined to cancel (error {reply.error_code})")
    answered = a2a.dialect.task_state(a2a.dialect.read_task(reply.result))
    stored = a2a.dialect.task_state(a2a.get_task(task["id"]))
    check.equal(
        [answered, stored], ["canceled", "canceled"], what="state after cancel (answer, GetTask)"
    )


@pytest.mark.requirement("OP-9b")
def test_cancel_terminal_task(a2a: Target, check: Check) -> None:
    """Cancelling a finished task fails with TaskNotCancelableError (-32002)."""
    task = a2a.task_or_na("echo")
    if not a2a.dialect.is_terminal(task):
        check.not_applicable("the probe task did not finish")
    a2a.cancel_reply(task["id"]).expect_error(TASK_NOT_CANCELABLE, "CancelTask of a finished task")


@pytest.mark.requirement("OP-9d")
def test_cancel_is_idempotent(a2a: Target, check: Check) -> None:
    """A repeated cancel has the same effect: the canceled Task again. TaskNotCancelableError is
    accepted (§3.3.1 vs §3.3.2, digest §2.23 item 15), and so is TaskNotFound once purged (OP-9e)."""
    task = a2a.running_task()
    first = a2a.cancel_reply(task["id"])
    if first.error is not None:
        check.not_applicable(f"the agent declined the first cancel (error {first.error_code})")
    second = a2a.cancel_reply(task["id"])
    if second.error_code == TASK_NOT_CANCELABLE:
        check.note("a repeated cancel answered TaskNotCancelableError (spec-ambiguous, accepted)")
        return
    if second.error_code == TASK_NOT_FOUND:
        check.note("a repeated cancel answered TaskNotFound (the task was purged; OP-9e allows it)")
        return
    result = second.expect_result("the repeated CancelTask")
    check.equal(a2a.dialect.task_state(a2a.dialect.read_task(result)), "canceled", what="state")


@pytest.mark.requirement("OP-2")
def test_send_to_terminal_task_rejected(a2a: Target, check: Check) -> None:
    """A message to a finished task is rejected (v1.0: UnsupportedOperationError, -32004)."""
    task = a2a.task_or_na("echo")
    if not a2a.dialect.is_terminal(task):
        check.not_applicable("the probe task did not finish")
    reply = a2a.send_reply(
        text="a2a-harness: one more turn", task_id=task["id"], context_id=task.get("contextId")
    )
    if a2a.version == "1.0":
        reply.expect_error(UNSUPPORTED_OPERATION, "SendMessage to a finished task")
    else:
        check.that(
            reply.error is not None,
            "a message to a finished task was accepted",
            expected="a JSON-RPC error",
            actual=reply.doc,
        )
    after = a2a.get_task(task["id"])
    check.equal(
        a2a.dialect.raw_state(after), a2a.dialect.raw_state(task), what="state of the finished task"
    )


@pytest.mark.requirement("OP-2b")
def test_send_with_unknown_task_id(a2a: Target, check: Check) -> None:
    """A message naming a taskId the agent never issued fails with TaskNotFoundError (-32001)."""
    reply = a2a.send_reply(text="a2a-harness: continue", task_id=a2a.unknown_task_id())
    reply.expect_error(TASK_NOT_FOUND, "SendMessage with an unknown taskId")


@pytest.mark.requirement("CTX-1")
def test_generated_context_id_returned(a2a: Target, check: Check) -> None:
    """A message without contextId gets an answer (Task or Message) that carries one."""
    reply = a2a.send("echo")
    check.that(
        isinstance(reply.body.get("contextId"), str) and reply.body["contextId"],
        f"the {reply.kind} reply carries no contextId",
        expected="a non-empty contextId",
        actual=reply.body.get("contextId"),
    )


@pytest.mark.requirement("CTX-7")
def test_v03_task_has_context_id(a2a: Target, check: Check) -> None:
    """Every v0.3 Task carries a contextId (the schema requires it)."""
    task = a2a.task_or_na("echo")
    check.that(
        isinstance(task.get("contextId"), str) and task["contextId"],
        "Task has no contextId",
        actual=task,
    )


def _paused_task(a2a: Target, check: Check) -> dict[str, object]:
    task = a2a.task_or_na("input-required")
    if a2a.dialect.task_state(task) != "input-required":
        check.not_applicable("the 'input-required' prompt did not pause a task for input")
    return task


@pytest.mark.requirement("CTX-5")
def test_context_inferred_from_task_id(a2a: Target, check: Check) -> None:
    """A follow-up naming only the taskId lands in the task's context."""
    task = _paused_task(a2a, check)
    reply = a2a.send(text="a2a-harness follow-up", task_id=str(task["id"]))
    check.equal(
        reply.body.get("contextId"), task.get("contextId"), what="contextId of the follow-up reply"
    )


@pytest.mark.requirement("CTX-5b")
def test_mismatched_context_rejected(a2a: Target, check: Check) -> None:
    """A follow-up whose contextId differs from its task's is rejected with an error."""
    task = _paused_task(a2a, check)
    reply = a2a.send_reply(
        text="a2a-harness follow-up",
        task_id=str(task["id"]),
        context_id=f"a2a-harness-other-{task['id']}",
    )
    check.that(
        reply.error is not None,
        "a follow-up with a foreign contextId was accepted",
        expected="a JSON-RPC error",
        actual=reply.doc,
    )
