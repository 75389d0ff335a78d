"""The task store seam: what the engine needs from any store (memory now, Redis later).

Everything is ``async`` and every record is plain data from :mod:`reference_agent.model`, so a
store backed by another process can implement the same contract. The store owns three things
that must change together:

* the task records (with owner/tenant scoping: a caller only ever sees its own tasks);
* each live task's **event log**: every status/artifact event, appended in generation order by
  the same atomic step that applies it to the task, numbered ``1, 2, …`` (the ``seq``);
* the task's push notification configs, read in that same step so that a deletion is never
  followed by a delivery.

Because a snapshot and the log share one sequence, :meth:`TaskStore.open_subscription` can hand
out "the task as of event *k*, then events *k+1…*" with no gap and no duplicate, whatever
happens concurrently. That is what makes SubscribeToTask and multi-instance streaming correct.
"""

from __future__ import annotations

import abc
import base64
import binascii
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from ..errors import InternalError, InvalidParamsError
from ..model import (
    ArtifactUpdate,
    ListTasksQuery,
    ListTasksResult,
    Message,
    PushConfig,
    StatusUpdate,
    Task,
    TaskState,
)
from ..service import ProtocolVersion
from ..state_machine import check_events

__all__ = [
    "MAX_PUSH_CONFIGS_PER_TASK",
    "Applied",
    "CancelListener",
    "PushRegistration",
    "ReapListener",
    "StateConflictError",
    "Subscription",
    "TaskEvent",
    "TaskScope",
    "TaskStore",
    "decode_cursor",
    "encode_cursor",
]

TaskEvent = StatusUpdate | ArtifactUpdate
"""What the event log holds: the updates a task goes through after its creation."""

CancelListener = Callable[[str], None]
"""Called with a task id when some instance asked for that task's executor to stop."""

ReapListener = Callable[[str, "Applied"], None]
"""Called with a task id and the step that FAILED it because the instance running it died."""

MAX_PUSH_CONFIGS_PER_TASK = 32
"""Bound on push configs per task, so one client cannot make the agent fan out without limit."""


class TaskScope(NamedTuple):
    """Who may see a task: the authenticated principal and the tenant it was created under.

    ``None`` is a value like any other: an anonymous caller sees exactly the anonymous tasks.
    (A NamedTuple: it is hashed and compared on every lookup, and tuples do that in C.)
    """

    owner: str | None = None
    tenant: str | None = None


@dataclass(slots=True)
class PushRegistration:
    """A push config together with the protocol version of the request that created it.

    The version decides the payload shape of every delivery (v0.3 Task vs v1.0 StreamResponse).
    """

    config: PushConfig
    version: ProtocolVersion


@dataclass(slots=True)
class Applied:
    """The outcome of one atomic :meth:`TaskStore.apply_events` step (one event or several)."""

    # A snapshot after the last event (the caller may keep it; the store never mutates it).
    # None only when the caller passed ``snapshot=False`` and the task has no push targets.
    task: Task | None
    events: Sequence[TaskEvent]  # as applied, in order
    seq: int  # position of the last event in the task's log (1-based)
    previous_state: TaskState  # the state before the first event
    push_targets: tuple[PushRegistration, ...]  # configs active when the events were applied
    # With push targets: the task right after each event (a v0.3 payload is the whole Task).
    snapshots: Sequence[Task] = ()

    @property
    def event(self) -> TaskEvent:
        """The last (for a single-event step: the only) event applied."""
        return self.events[-1]


class StateConflictError(InternalError):
    """The task was not in one of the states the caller required (a lost race, not a bug)."""

    def __init__(self, task_id: str, current: TaskState) -> None:
        super().__init__(f"task {task_id} is {current.value}", metadata={"taskId": task_id})
        self.task_id = task_id
        self.current = current


class Subscription(abc.ABC):
    """Events of one task after a given point, in log order; ends once the task is terminal.

    Each subscriber has its own cursor: closing one never affects another.
    """

    def __aiter__(self) -> AsyncIterator[TaskEvent]:
        return self

    @abc.abstractmethod
    async def __anext__(self) -> TaskEvent:
        """The next event, waiting for it if needed; ``StopAsyncIteration`` after the last."""

    @abc.abstractmethod
    async def aclose(self) -> None:
        """Stop this subscription and release what it holds."""


class TaskStore(abc.ABC):
    """Async task store. See the module docstring for the guarantees an implementation gives."""

    durable: ClassVar[bool] = False
    """True when tasks outlive this process (shared store): shutdown then leaves interrupted
    tasks for another instance instead of failing them."""

    # -- tasks ---------------------------------------------------------------------------------
    @abc.abstractmethod
    async def create_task(self, task: Task) -> None:
        """Insert a new task (its log starts empty, at seq 0).

        The store takes ownership of ``task``: the caller must not mutate it afterwards.

        Raises ``ServiceUnavailableError`` when the store is full of live tasks.
        """

    async def create_task_with_events(
        self, task: Task, events: Sequence[TaskEvent], *, snapshot: bool = True
    ) -> Applied:
        """:meth:`create_task`, then :meth:`apply_events` on it, as one step where possible.

        Nobody can subscribe to a task before it exists, so a store may insert the task with
        its events already applied (the memory store does); this default takes two steps.
        Raises what either step raises; if the events are refused, the task is not stored.
        """
        check_events(task.id, task.status.state, events)  # refuse before storing anything
        await self.create_task(task)
        return await self.apply_events(task.id, events, snapshot=snapshot)

    @abc.abstractmethod
    async def get_task(self, task_id: str, scope: TaskScope | None) -> Task | None:
        """A snapshot of the task, or ``None`` if it does not exist *or* is not in ``scope``.

        ``scope=None`` skips the visibility check (engine-internal use only).
        """

    async def apply_event(
        self,
        task_id: str,
        event: TaskEvent,
        *,
        message: Message | None = None,
        expect: frozenset[TaskState] | None = None,
        snapshot: bool = True,
    ) -> Applied:
        """:meth:`apply_events` for one event."""
        return await self.apply_events(
            task_id, (event,), message=message, expect=expect, snapshot=snapshot
        )

    @abc.abstractmethod
    async def apply_events(
        self,
        task_id: str,
        events: Sequence[TaskEvent],
        *,
        message: Message | None = None,
        expect: frozenset[TaskState] | None = None,
        snapshot: bool = True,
    ) -> Applied:
        """Atomically validate and apply events in order, append them to the log, read push
        targets. Either every event is applied or (on any error) none is.

        * a :class:`StatusUpdate` goes through :func:`state_machine.check_transition` (from the
          state the previous event of the batch left); its status message (if any) is appended
          to the history;
        * an :class:`ArtifactUpdate` adds, replaces (same ``artifactId``) or extends
          (``append``) an artifact; it is refused on a terminal task;
        * ``message`` (a user follow-up) is appended to the history before the first event;
        * ``expect``: the current state must be one of these, else :class:`StateConflictError`;
        * ``snapshot=False`` skips copying the task into :attr:`Applied.task` (hot path) unless
          the task has push targets, whose payloads need a snapshot after every event.

        Raises ``TaskNotFoundError`` for an unknown (or evicted) task, ``ValueError`` for an
        empty ``events``.
        """

    @abc.abstractmethod
    async def open_subscription(
        self, task_id: str, scope: TaskScope | None = None, *, from_start: bool = False
    ) -> tuple[Task, Subscription]:
        """The current snapshot and a subscription to every later event, taken atomically.

        With ``from_start`` the subscription replays the log from its first event (a late
        subscriber that wants the whole story). ``scope=None`` skips the visibility check
        (engine-internal use). Raises ``TaskNotFoundError`` if missing or out of scope.
        """

    @abc.abstractmethod
    async def list_tasks(self, scope: TaskScope, query: ListTasksQuery) -> ListTasksResult:
        """Tasks in ``scope`` matching the query, by status timestamp descending, id descending.

        ``query.status_timestamp_after`` is already normalised to :func:`model.utc_timestamp`
        form; ``page_token`` is opaque (an invalid one raises ``InvalidParamsError``).
        """

    @abc.abstractmethod
    async def live_task_ids(self) -> list[str]:
        """Ids of every non-terminal task this store holds (used at shutdown)."""

    # -- push configs --------------------------------------------------------------------------
    @abc.abstractmethod
    async def set_push_config(self, registration: PushRegistration) -> None:
        """Create or replace (same id) a config of an existing task."""

    @abc.abstractmethod
    async def get_push_config(self, task_id: str, config_id: str) -> PushRegistration | None:
        """One config, or ``None``."""

    @abc.abstractmethod
    async def list_push_configs(self, task_id: str) -> list[PushRegistration]:
        """A task's configs in creation order."""

    @abc.abstractmethod
    async def delete_push_config(self, task_id: str, config_id: str) -> bool:
        """Remove a config; ``False`` if it did not exist (deletion is idempotent)."""

    # -- cross-instance signals ----------------------------------------------------------------
    @abc.abstractmethod
    def add_cancel_listener(self, listener: CancelListener) -> None:
        """Register a callback for :meth:`signal_cancel` (every instance registers its executor)."""

    @abc.abstractmethod
    async def signal_cancel(self, task_id: str) -> None:
        """Ask whichever instance runs the task to stop its executor."""

    def add_reap_listener(self, listener: ReapListener) -> None:  # noqa: B027 - optional hook
        """Register a callback for the tasks this instance FAILED because the instance running
        them lost its execution lease (it died): the listener logs, pushes and runs the final
        hooks of that step, as for any other.

        Only a shared store has leases (Redis, see ``_redis_leases``). An in-process store never
        calls the listener: its tasks live in the process that runs them and end with it.
        """

    # -- lifecycle -----------------------------------------------------------------------------
    async def ping(self) -> None:  # noqa: B027 - optional hook, a no-op for in-process stores
        """Raise if the store is unreachable (``/readyz``)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


def encode_cursor(timestamp: str, task_id: str) -> str:
    """An opaque page token for "strictly after (timestamp, id) in descending order"."""
    raw = f"{timestamp}\n{task_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(token: str) -> tuple[str, str]:
    """Inverse of :func:`encode_cursor`; ``InvalidParamsError`` naming ``pageToken`` if bad."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        timestamp, task_id = raw.split("\n", 1)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParamsError(
            f"invalid pageToken {token[:64]!r}: not a token this agent issued", field="pageToken"
        ) from None
    if not timestamp or not task_id:
        raise InvalidParamsError(f"invalid pageToken {token[:64]!r}", field="pageToken")
    return timestamp, task_id
