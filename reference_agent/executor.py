"""Runs behaviours, enforces deadlines, and stops runners when their task ends.

A behaviour normally runs as its own asyncio task (so a streaming or non-blocking request can
return while it works). A blocking request for an *instant* behaviour (one that never waits on
a timer, e.g. ``echo``) may run it inline in the request's task instead: the outcome is the
same events in the same order, minus a task spawn on the hot path. A new task run that way is
stored together with its events in one step (nobody could have watched it in between).

A behaviour's events are applied in batches, at its next pause or its end: one atomic store
step each, delivered to subscribers and webhooks exactly as if applied one by one.

Who ends a task, and how the runner learns of it:

* the behaviour itself (``finish``);
* CancelTask: the engine applies CANCELED, then ``store.signal_cancel`` reaches
  :meth:`Executor.stop` on whichever instance runs the task;
* the deadline (``task_timeout_seconds`` after creation, whatever the state, interrupted
  included): FAILED with "task deadline exceeded";
* shutdown: FAILED with "agent shutting down".

A runner that tries to emit after its task ended gets the state machine's TerminalStateError,
which ends it quietly. A runner that dies of an unexpected exception FAILS its task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

from .behaviours import Invocation
from .errors import ServiceUnavailableError, TaskNotFoundError
from .model import TERMINAL_STATES, Artifact, ArtifactUpdate, Task, TaskState
from .service import RequestContext
from .state_machine import IllegalTransitionError, TerminalStateError
from .store.base import TaskEvent
from .task_manager import TaskManager

__all__ = ["DEADLINE_MESSAGE", "STORE_LOST_MESSAGE", "Executor"]

logger = logging.getLogger("reference_agent.executor")

DEADLINE_MESSAGE = "task deadline exceeded"
_CRASHED = "internal error in the agent"
STORE_LOST_MESSAGE = "the task store was unavailable while the task recorded its progress"
# Retry pacing while the store is away (not synchronisation: nothing else signals its return).
_STORE_RETRY_FIRST, _STORE_RETRY_MAX = 0.05, 1.0


class _TaskEnded(Exception):
    """Raised inside a behaviour whose task became terminal under it (cancel, deadline…)."""


class _TaskRun:
    """The :class:`behaviours.TaskActions` a running behaviour drives its task through.

    Events are collected and applied in one atomic step when the behaviour finishes, pauses or
    returns (:meth:`commit`): subscribers and webhooks get the same events in the same order,
    and an instant behaviour such as ``echo`` costs one store step instead of one per event.

    A *deferred* run belongs to a task not stored yet (a blocking request for an instant
    behaviour): nothing is applied while the behaviour runs, and the executor then stores the
    task together with every event in one step (:meth:`Executor.run_inline`).
    """

    __slots__ = (
        "context_id",
        "deferred",
        "ended_at",
        "final",
        "manager",
        "origin",
        "pending",
        "settled",
        "task_id",
    )

    def __init__(
        self,
        manager: TaskManager,
        task_id: str,
        context_id: str,
        origin: RequestContext | None,
        deferred: bool = False,
    ) -> None:
        self.manager = manager
        self.task_id = task_id
        self.context_id = context_id
        self.origin = origin
        self.deferred = deferred
        self.ended_at: int | None = None  # deferred: how many events led to a terminal state
        self.pending: list[TaskEvent] = []
        self.settled = False  # reached a terminal/interrupted state, or found the task ended
        self.final: Task | None = None  # snapshot after this run's own finish()

    async def working(self, text: str | None = None) -> None:
        self.pending.append(
            self.manager.status_event(self.task_id, self.context_id, TaskState.WORKING, text)
        )

    async def artifact(
        self, artifact: Artifact, *, append: bool = False, last_chunk: bool = False
    ) -> None:
        self.pending.append(
            ArtifactUpdate(self.task_id, self.context_id, artifact, append, last_chunk)
        )

    async def finish(
        self, state: TaskState, text: str | None = None, *, keep_open: bool = False
    ) -> None:
        event = self.manager.status_event(self.task_id, self.context_id, state, text)
        if keep_open:  # an interruption that open streams wait through (v0.3 final: false)
            event.final = False
        self.pending.append(event)
        if not self.deferred:
            self.final = await self.commit(snapshot=True)
        elif self.ended_at is None and state in TERMINAL_STATES:
            self.ended_at = len(self.pending)
        self.settled = True

    async def pause(self, seconds: float) -> None:
        if self.deferred:
            raise RuntimeError("an instant behaviour must not pause (declare instant=False)")
        await self.commit()  # what happened so far is visible while the behaviour waits
        await asyncio.sleep(seconds)

    async def commit(self, *, snapshot: bool = False) -> Task | None:
        """Apply the collected events; raises :class:`_TaskEnded` if the task ended meanwhile."""
        if not self.pending or self.deferred:
            return None
        events, self.pending = self.pending, []
        try:
            applied = await self.manager.apply(
                self.task_id, events, origin=self.origin, snapshot=snapshot
            )
        except (TerminalStateError, TaskNotFoundError):
            self.settled = True
            raise _TaskEnded from None
        return applied.task

    async def fail(self, reason: str) -> None:
        """End the task FAILED with ``reason`` after what the behaviour emitted, unless it ended.

        Events that the state machine refuses (a behaviour's bug) are dropped: the failure
        itself must still reach the task.
        """
        failed = self.manager.status_event(self.task_id, self.context_id, TaskState.FAILED, reason)
        self.pending.append(failed)
        try:
            await self.commit()
        except _TaskEnded:
            return
        except IllegalTransitionError:  # the batch was refused as a whole: fail without it
            self.pending = [failed]
            with contextlib.suppress(_TaskEnded, IllegalTransitionError):
                await self.commit()
        self.settled = True


class Executor:
    """Starts behaviour runs, tracks them per task id, and owns the per-task deadlines."""

    def __init__(self, manager: TaskManager, *, task_timeout_seconds: float) -> None:
        self.manager = manager
        self.task_timeout_seconds = task_timeout_seconds
        self._running: dict[str, asyncio.Task[None]] = {}
        self._deadlines: dict[str, asyncio.TimerHandle] = {}
        self._background: set[asyncio.Task[Any]] = set()
        manager.on_final(self._on_final)
        manager.store.add_cancel_listener(self.stop)

    # -- runs ----------------------------------------------------------------------------------
    def start(
        self, invocation: Invocation, task_id: str, context_id: str, origin: RequestContext | None
    ) -> None:
        """Run the behaviour in its own asyncio task (and arm the task's deadline)."""
        self.schedule_deadline(task_id, context_id)
        run = _TaskRun(self.manager, task_id, context_id, origin)
        runner = asyncio.get_running_loop().create_task(
            self._run(invocation, run), name=f"task:{task_id}"
        )
        self._running[task_id] = runner
        runner.add_done_callback(lambda _: self._forget_runner(task_id, runner))

    async def run_inline(
        self,
        invocation: Invocation,
        task_id: str,
        context_id: str,
        origin: RequestContext | None,
        *,
        new_task: Task | None = None,
    ) -> Task | None:
        """Run an instant behaviour in the caller's task; the snapshot after its finish, if any.

        With ``new_task`` (not stored yet, no push config), the task is stored together with
        every event of the run in one atomic step: nobody could observe it in between anyway,
        and the hot path saves a store step. Errors of that step (store full) propagate.

        The deadline is armed only if the task is still live afterwards (interrupted): an
        instant behaviour cannot outlive it, and the hot path saves a timer.
        """
        run = _TaskRun(self.manager, task_id, context_id, origin, new_task is not None)
        await self._run(invocation, run)
        if new_task is None:
            final = run.final
        else:
            events = run.pending
            if run.ended_at is not None:  # a stored task would refuse what follows its end
                del events[run.ended_at :]
            try:
                applied = await self.manager.create(new_task, events, origin, snapshot=True)
            except IllegalTransitionError:  # the behaviour emitted nonsense: it is a crash
                logger.error("behaviour %s emitted an illegal event", invocation.behaviour.name)
                failed = self.manager.status_event(task_id, context_id, TaskState.FAILED, _CRASHED)
                applied = await self.manager.create(new_task, (failed,), origin, snapshot=True)
            final = None if applied is None else applied.task  # None: the run emitted nothing
        if final is None or final.status.state not in TERMINAL_STATES:
            self.schedule_deadline(task_id, context_id)
        return final

    def abandon(self, task_id: str, context_id: str) -> None:
        """FAIL (in the background) a task whose runner could not be started.

        Usable from a cancelled or failing request: it does not await.
        """
        self._spawn(self.fail_if_live(task_id, context_id, "the task could not be started"))

    def stop(self, task_id: str) -> None:
        """Cancel the task's runner on this instance, if any (a no-op from inside the runner)."""
        runner = self._running.get(task_id)
        if runner is not None and runner is not asyncio.current_task():
            runner.cancel()

    def running(self) -> list[str]:
        """Ids of the tasks whose runner is active on this instance."""
        return list(self._running)

    async def drain(self, timeout: float) -> None:
        """Wait up to ``timeout`` for the active runners to end by themselves."""
        runners = list(self._running.values())
        if runners and timeout > 0:
            await asyncio.wait(runners, timeout=timeout)

    async def stop_all(self, timeout: float = 1.0) -> None:
        """Cancel every runner and wait (bounded) for them to unwind; drop every deadline."""
        runners = list(self._running.values())
        for runner in runners:
            runner.cancel()
        if runners:
            await asyncio.wait(runners, timeout=timeout)
        for handle in self._deadlines.values():
            handle.cancel()
        self._deadlines.clear()
        if self._background:
            await asyncio.wait(list(self._background), timeout=timeout)

    # -- deadlines -----------------------------------------------------------------------------
    def schedule_deadline(self, task_id: str, context_id: str) -> None:
        """FAIL the task ``task_timeout_seconds`` from now unless it ends first.

        Armed once per task and instance: a resumed task keeps the deadline of its creation.
        """
        if task_id in self._deadlines:
            return
        self._deadlines[task_id] = asyncio.get_running_loop().call_later(
            self.task_timeout_seconds, self._expire, task_id, context_id
        )

    def _expire(self, task_id: str, context_id: str) -> None:
        self._deadlines.pop(task_id, None)
        self._spawn(self.fail_if_live(task_id, context_id, DEADLINE_MESSAGE))

    async def fail_if_live(self, task_id: str, context_id: str, reason: str) -> bool:
        """FAIL the task with ``reason`` unless it already ended; whether it was failed."""
        try:
            await self.manager.set_status(task_id, context_id, TaskState.FAILED, reason)
        except (IllegalTransitionError, TaskNotFoundError):
            return False
        return True

    async def _fail_when_store_returns(self, task_id: str, context_id: str) -> None:
        """FAIL the task with :data:`STORE_LOST_MESSAGE` once the store answers (bounded).

        Retried with backoff for at most the task deadline; the compare-and-set of the store
        leaves a task that ended meanwhile untouched.
        """
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.task_timeout_seconds
        delay = _STORE_RETRY_FIRST
        while True:
            try:
                await self.fail_if_live(task_id, context_id, STORE_LOST_MESSAGE)
                return
            except ServiceUnavailableError:
                if loop.time() + delay > give_up:
                    logger.warning(
                        "task %s: store still unavailable, left to its deadline", task_id
                    )
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, _STORE_RETRY_MAX)

    # -- internals -----------------------------------------------------------------------------
    async def _run(self, invocation: Invocation, run: _TaskRun) -> None:
        body = invocation.behaviour.body
        assert body is not None, f"behaviour {invocation.behaviour.name} has no task body"
        try:
            await body(run, invocation)
            if run.pending:  # events of a behaviour that returned without finish()
                await run.commit()
        except _TaskEnded:
            return
        except asyncio.CancelledError:
            # Whoever cancelled us normally ended the task first; if not (the request running
            # an inline behaviour was cancelled), make sure it does not stay live. A deferred
            # run's task does not exist yet: there is nothing to fail.
            if not run.settled and not run.deferred:
                self._spawn(self.fail_if_live(run.task_id, run.context_id, "execution interrupted"))
            raise
        except ServiceUnavailableError:
            # The store went away mid-run (a Redis outage): the progress it could not record is
            # lost, and this instance's lease stays alive, so no reaper would end the task.
            # Fail it as soon as the store answers again, so it never stays WORKING.
            if not run.settled and not run.deferred:
                self._spawn(self._fail_when_store_returns(run.task_id, run.context_id))
            return
        except Exception:
            logger.exception("behaviour %s crashed", invocation.behaviour.name)
            await run.fail(_CRASHED)  # what it did before crashing still happened
            return
        if not run.settled:
            await run.fail("behaviour ended without a final state")

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task: asyncio.Task[Any] = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _forget_runner(self, task_id: str, runner: asyncio.Task[None]) -> None:
        if self._running.get(task_id) is runner:
            del self._running[task_id]

    def _on_final(self, task_id: str) -> None:
        handle = self._deadlines.pop(task_id, None)
        if handle is not None:
            handle.cancel()
        if task_id in self._running:
            self.stop(task_id)
