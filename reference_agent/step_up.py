"""The ``auth-step-up`` behaviour: in-task authorization (v1.0 §7.6.1, AUTH-11…AUTH-14).

The task goes WORKING, then AUTH_REQUIRED with a status message saying what is needed, and
open streams stay open (the status update's v0.3 ``final`` is false). A follow-up on the task
that carries the credential (text ``credential …`` or ``metadata.credential``) completes it; any
other follow-up is answered with the explanation again, because AUTH_REQUIRED on its own is no
authorization (v1.0 §7.6.4). See docs/behaviour-contract.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Artifact, Message, Part, TaskState

if TYPE_CHECKING:  # behaviours imports this module
    from .behaviours import Invocation, TaskActions

__all__ = ["STEP_UP_MARKER", "auth_step_up", "carries_credential", "step_up_resume"]

STEP_UP_MARKER = "credential"
"""First word of a follow-up that carries the credential an ``auth-step-up`` task waits for."""

_STEP_UP_NEEDED = (
    "Authorization is required to continue: send a follow-up message on this task (same "
    "taskId) whose text starts with 'credential ' followed by the credential, or with "
    "metadata.credential set. This stream stays open until the task completes."
)


async def auth_step_up(run: TaskActions, inv: Invocation) -> None:
    """Body of ``auth-step-up``: WORKING, then AUTH_REQUIRED with streams kept open."""
    await run.working()
    await run.finish(TaskState.AUTH_REQUIRED, _STEP_UP_NEEDED, keep_open=True)


def carries_credential(message: Message) -> bool:
    """True when ``message`` brings the step-up credential (text marker or metadata)."""
    metadata = message.metadata
    if metadata and isinstance(metadata.get(STEP_UP_MARKER), str) and metadata[STEP_UP_MARKER]:
        return True
    for part in message.parts:
        if part.kind == "text":
            words = part.content.split(None, 2)
            return len(words) >= 2 and words[0].lower() == STEP_UP_MARKER
    return False


async def step_up_resume(run: TaskActions, inv: Invocation) -> None:
    """Body of a follow-up to an ``auth-step-up`` task."""
    # AUTH_REQUIRED on its own is no authorization (v1.0 §7.6.4): only a follow-up that carries
    # the credential completes the task; any other follow-up gets the explanation again.
    if not carries_credential(inv.message):
        await run.finish(
            TaskState.AUTH_REQUIRED,
            "The follow-up carried no credential. " + _STEP_UP_NEEDED,
            keep_open=True,
        )
        return
    reply = Part(kind="text", content="credential accepted; the task is complete")
    await run.artifact(Artifact(artifact_id="reply", name="reply", parts=[reply]))
    await run.finish(TaskState.COMPLETED, "credential accepted")
