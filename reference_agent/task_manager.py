"""Applies task events: the single path from "something happened" to store, log and webhooks.

Every status or artifact update of every task goes through :meth:`TaskManager.apply`, one event
or a batch of them (a behaviour's events up to its next pause, see the executor):

1. the caller builds the events (:meth:`TaskManager.status_event`: a ``StatusUpdate`` stamped
   now, with the v0.3 ``final`` flag true at terminal and interrupted states; or an
   ``ArtifactUpdate``);
2. the store applies them in one atomic step (state machine checks, history, event log, push
   targets), all or none;
3. each state change gets one log line on ``reference_agent.tasks`` (``task_id``,
   ``context_id``, ``state``, ``trace_id``; see :func:`logs.log_state_change`);
4. every event goes to the push sender when the task has webhooks, with the task as it was
   right after that event;
5. at a terminal state the ``on_final`` hooks run (the executor stops timers and runners).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .logs import SINK, log_state_change
from .model import (
    INTERRUPTED_STATES,
    TERMINAL_STATES,
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
from .store.base import Applied, TaskEvent, TaskStore
from .telemetry import trace_id_of

__all__ = ["TaskManager", "agent_message"]

FinalHook = Callable[[str], None]

# States after which a v0.3 stream's cycle ends (``final: true``).
_ENDS_CYCLE = TERMINAL_STATES | INTERRUPTED_STATES


def agent_message(text: str, *, task_id: str | None, context_id: str) -> Message:
    """An agent-authored text message (status messages, message-only replies)."""
    return Message(
        message_id=new_id(),
        role=Role.AGENT,
        parts=[Part(kind="text", content=text)],
        context_id=context_id,
        task_id=task_id,
    )


class TaskManager:
    """Builds, applies, logs and fans out task events. See the module docstring."""

    def __init__(self, store: TaskStore, push: PushSender | None = None) -> None:
        self.store = store
        self.push = push
        self._final_hooks: list[FinalHook] = []
        store.add_reap_listener(self._reaped)

    def on_final(self, hook: FinalHook) -> None:
        """Call ``hook(task_id)`` whenever a task reaches a terminal state through this manager."""
        self._final_hooks.append(hook)

    async def create(
        self,
        task: Task,
        events: Sequence[TaskEvent] = (),
        origin: RequestContext | None = None,
        *,
        snapshot: bool = False,
    ) -> Applied | None:
        """Store a new task (normally SUBMITTED) and log its first state.

        With ``events``, they are applied in the same atomic step (:meth:`TaskStore.
        create_task_with_events`), then logged, pushed and hooked as by :meth:`apply`; the
        result is that step's :class:`Applied` (else ``None``).
        """
        first_state = task.status.state._value_  # a plain str: formatting an enum is slow
        applied = None
        if events:
            applied = await self.store.create_task_with_events(task, events, snapshot=snapshot)
        else:
            await self.store.create_task(task)
        if SINK.info:
            _log_states(task.id, task.context_id, events, origin, first_state)
        if applied is not None:
            self._after(task.id, applied, origin)
        return applied

    @staticmethod
    def status_event(
        task_id: str, context_id: str, state: TaskState, text: str | None = None
    ) -> StatusUpdate:
        """A status update to ``state``, stamped now, with an agent status message ``text``."""
        message = agent_message(text, task_id=task_id, context_id=context_id) if text else None
        return StatusUpdate(
            task_id,
            context_id,
            TaskStatus(state, now_timestamp(), message),
            state in _ENDS_CYCLE,
        )

    async def apply(
        self,
        task_id: str,
        events: Sequence[TaskEvent],
        *,
        user_message: Message | None = None,
        expect: frozenset[TaskState] | None = None,
        origin: RequestContext | None = None,
        snapshot: bool = True,
    ) -> Applied:
        """Apply ``events`` in one atomic store step, then log, push and run the final hooks.

        Arguments as in :meth:`TaskStore.apply_events`; raises the state machine's errors for
        an illegal move (and then nothing of the batch is applied).
        """
        applied = await self.store.apply_events(
            task_id, events, message=user_message, expect=expect, snapshot=snapshot
        )
        if SINK.info and events:
            _log_states(task_id, events[0].context_id, events, origin)
        self._after(task_id, applied, origin)
        return applied

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
        need (see :meth:`TaskStore.apply_events`). Raises the state machine's errors for an
        illegal move.
        """
        event = self.status_event(task_id, context_id, state, text)
        return await self.apply(
            task_id,
            (event,),
            user_message=user_message,
            expect=expect,
            origin=origin,
            snapshot=snapshot,
        )

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
        event = ArtifactUpdate(task_id, context_id, artifact, append, last_chunk)
        return await self.apply(task_id, (event,), origin=origin, snapshot=snapshot)

    # -- internals -----------------------------------------------------------------------------
    def _reaped(self, task_id: str, applied: Applied) -> None:
        # The store FAILED a task of a dead instance (lost execution lease): the same log line,
        # webhooks and final hooks as any step applied here.
        if SINK.info:
            _log_states(task_id, applied.event.context_id, applied.events, None)
        self._after(task_id, applied, None)

    def _after(self, task_id: str, applied: Applied, origin: RequestContext | None) -> None:
        if applied.push_targets and self.push is not None:
            self._fan_out(applied, origin)
        last = applied.events[-1]
        if type(last) is StatusUpdate and last.status.state in TERMINAL_STATES:
            for hook in self._final_hooks:
                hook(task_id)

    def _fan_out(self, applied: Applied, origin: RequestContext | None) -> None:
        assert self.push is not None
        targets = [(r.config, r.version) for r in applied.push_targets]
        traceparent = origin.traceparent if origin else None
        tracestate = origin.tracestate if origin else None
        for event, task in zip(applied.events, applied.snapshots, strict=True):
            self.push.submit(
                task.id, event, task, targets, traceparent=traceparent, tracestate=tracestate
            )


def _log_states(
    task_id: str,
    context_id: str,
    events: Sequence[TaskEvent],
    origin: RequestContext | None,
    first: str | None = None,
) -> None:
    # One log line per status update in ``events``, after ``first`` (a new task's own state).
    # Callers check SINK.info first, so nothing is built when info logging is off.
    states = [e.status.state._value_ for e in events if type(e) is StatusUpdate]
    if first is not None:
        states.insert(0, first)
    if states:
        log_state_change(task_id, context_id, states, _trace_id(origin))


def _trace_id(origin: RequestContext | None) -> str | None:
    # The validated trace id (hex) or None: log lines embed it as it is.
    if origin is None or not origin.traceparent:
        return None
    return trace_id_of(origin.traceparent)
