"""Applies task events: the single path from "something happened" to store, log and webhooks.

Every status or artifact update of every task goes through :class:`TaskManager`:

1. it builds the event (``StatusUpdate`` with a ``utc_timestamp`` and the v0.3 ``final`` flag,
   true at terminal and interrupted states; or an ``ArtifactUpdate``);
2. the store applies it atomically (state machine check, history, event log, push targets);
3. it logs state changes on ``reference_agent.tasks`` (one record each, with ``task_id``,
   ``context_id``, ``state`` and ``trace_id`` extra fields for the JSON formatter);
4. it hands the event to the push sender when the task has webhooks;
5. at a terminal state it tells the ``on_final`` hooks (the executor stops timers and runners).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from .model import (
    Artifact,
    ArtifactUpdate,
    Message,
    Part,
    Role,
    StatusUpdate,
    Task,
    TaskState,
    TaskStatus,
)
from .push import PushSender
from .service import RequestContext
from .stamps import new_id, now_timestamp
from .store.base import Applied, TaskStore

__all__ = ["TaskManager", "agent_message", "trace_id_of"]

logger = logging.getLogger("reference_agent.tasks")

FinalHook = Callable[[str], None]


def agent_message(text: str, *, task_id: str | None, context_id: str) -> Message:
    """An agent-authored text message (status messages, message-only replies)."""
    return Message(
        message_id=new_id(),
        role=Role.AGENT,
        parts=[Part(kind="text", content=text)],
        context_id=context_id,
        task_id=task_id,
    )


def trace_id_of(traceparent: str | None) -> str | None:
    """The trace id of a W3C ``traceparent`` (``00-<trace id>-<span id>-<flags>``), if valid."""
    if traceparent and len(traceparent) >= 55 and traceparent[2] == "-":
        return traceparent[3:35]
    return None


class TaskManager:
    """Builds, applies, logs and fans out task events. See the module docstring."""

    def __init__(self, store: TaskStore, push: PushSender | None = None) -> None:
        self.store = store
        self.push = push
        self._final_hooks: list[FinalHook] = []

    def on_final(self, hook: FinalHook) -> None:
        """Call ``hook(task_id)`` whenever a task reaches a terminal state through this manager."""
        self._final_hooks.append(hook)

    async def create(self, task: Task, origin: RequestContext | None = None) -> None:
        """Store a new task (normally SUBMITTED) and log its first state."""
        await self.store.create_task(task)
        self._log_state(task.id, task.context_id, task.status.state, origin)

    async def set_status(
        self,
        task_id: str,
        context_id: str,
        state: TaskState,
        text: str | None = None,
        *,
        user_message: Message | None = None,
        expect: frozenset[TaskState] | None = None,
        origin: RequestContext | None = None,
        snapshot: bool = True,
    ) -> Applied:
        """Move a task to ``state`` with an optional agent status message ``text``.

        ``user_message`` (a client follow-up) is stored in the history in the same atomic step;
        ``expect`` guards against races, ``snapshot=False`` spares a copy the caller does not
        need (see :meth:`TaskStore.apply_event`). Raises the state machine's errors for an
        illegal move.
        """
        message = agent_message(text, task_id=task_id, context_id=context_id) if text else None
        event = StatusUpdate(
            task_id=task_id,
            context_id=context_id,
            status=TaskStatus(state=state, timestamp=now_timestamp(), message=message),
            final=state.is_terminal or state.is_interrupted,
        )
        applied = await self.store.apply_event(
            task_id, event, message=user_message, expect=expect, snapshot=snapshot
        )
        self._log_state(task_id, context_id, state, origin)
        self._fan_out(applied, origin)
        if state.is_terminal:
            for hook in self._final_hooks:
                hook(task_id)
        return applied

    async def add_artifact(
        self,
        task_id: str,
        context_id: str,
        artifact: Artifact,
        *,
        append: bool = False,
        last_chunk: bool = False,
        origin: RequestContext | None = None,
        snapshot: bool = True,
    ) -> Applied:
        """Publish an artifact or one chunk of it (refused once the task is terminal).

        ``snapshot=False``: the caller does not need :attr:`Applied.task` (see the store).
        """
        event = ArtifactUpdate(
            task_id=task_id,
            context_id=context_id,
            artifact=artifact,
            append=append,
            last_chunk=last_chunk,
        )
        applied = await self.store.apply_event(task_id, event, snapshot=snapshot)
        self._fan_out(applied, origin)
        return applied

    # -- internals -----------------------------------------------------------------------------
    def _fan_out(self, applied: Applied, origin: RequestContext | None) -> None:
        if applied.push_targets and self.push is not None and applied.task is not None:
            self.push.submit(
                applied.task.id,
                applied.event,
                applied.task,
                [(r.config, r.version) for r in applied.push_targets],
                traceparent=origin.traceparent if origin else None,
                tracestate=origin.tracestate if origin else None,
            )

    @staticmethod
    def _log_state(
        task_id: str, context_id: str, state: TaskState, origin: RequestContext | None
    ) -> None:
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "task %s %s",
                task_id,
                state.value,
                extra={
                    "task_id": task_id,
                    "context_id": context_id,
                    "state": state.value,
                    "trace_id": trace_id_of(origin.traceparent) if origin else None,
                },
            )
