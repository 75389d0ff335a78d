"""The in-memory task store: one process, bounded, fast.

Bounds (so a long-running agent never grows without limit):

* a terminal task is evicted ``task_ttl_seconds`` after it ended (checked lazily, amortised
  O(1): terminal tasks sit in a queue ordered by end time);
* at ``max_tasks`` the oldest terminal task is evicted to make room; when every stored task is
  still live, a new task is refused with ``ServiceUnavailableError`` (HTTP 503, retry later);
* a task's event log is dropped as soon as the task is terminal (subscribers that are still
  reading keep their own reference), so finished tasks cost only their record.

ListTasks uses one sorted index per scope of ``(status timestamp, task id)`` keys. Keys are
never deleted in place (deleting near the front of a 100k-entry list moves the whole list, and
eviction always deletes the oldest): an updated or evicted task leaves a *stale* key behind,
listing skips stale keys, and the index is compacted once stale keys outnumber live ones. A
status update therefore costs one insertion near the end of the list, and eviction costs O(1)
amortised.

Every method runs without yielding to the event loop, which is what makes each one atomic here.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left, insort
from collections import OrderedDict
from collections.abc import Callable, Sequence

from ..errors import InternalError, InvalidParamsError, ServiceUnavailableError, TaskNotFoundError
from ..model import (
    TERMINAL_STATES,
    ListTasksQuery,
    ListTasksResult,
    Message,
    Task,
    TaskState,
)
from ..state_machine import check_events
from ._records import apply_event, copy_task
from .base import (
    MAX_PUSH_CONFIGS_PER_TASK,
    Applied,
    CancelListener,
    PushRegistration,
    StateConflictError,
    Subscription,
    TaskEvent,
    TaskScope,
    TaskStore,
    decode_cursor,
    encode_cursor,
)

__all__ = ["MemoryTaskStore"]

_IndexKey = tuple[str, str]  # (status timestamp, task id)
_ANONYMOUS = TaskScope()


class _EventLog:
    """A live task's events in generation order, with wake-ups for waiting subscribers."""

    __slots__ = ("_waiters", "closed", "events")

    def __init__(self) -> None:
        self.events: list[TaskEvent] = []
        self.closed = False
        # One future per waiter: cancelling one waiting subscriber must not wake the others
        # with CancelledError, which a single shared future would do. Most tasks never have a
        # waiter, so the list is made on the first one.
        self._waiters: list[asyncio.Future[None]] | None = None

    def extend(self, events: Sequence[TaskEvent]) -> None:
        self.events.extend(events)
        if self._waiters:
            self._wake()

    def close(self) -> None:
        self.closed = True
        if self._waiters:
            self._wake()

    def wait(self) -> asyncio.Future[None]:
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        return waiter

    def _wake(self) -> None:
        assert self._waiters is not None
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()


class _LogSubscription(Subscription):
    __slots__ = ("_log", "_next")

    def __init__(self, log: _EventLog | None, start: int) -> None:
        self._log = log
        self._next = start

    async def __anext__(self) -> TaskEvent:
        while True:
            log = self._log
            if log is None:
                raise StopAsyncIteration
            if self._next < len(log.events):
                event = log.events[self._next]
                self._next += 1
                return event
            if log.closed:
                self._log = None
                raise StopAsyncIteration
            await log.wait()

    async def aclose(self) -> None:
        self._log = None


class _ScopeIndex:
    """Sorted ``(timestamp, task id)`` keys of one scope, stale ones included (see module doc)."""

    __slots__ = ("keys", "live", "stale")

    def __init__(self) -> None:
        self.keys: list[_IndexKey] = []
        self.live = 0
        self.stale = 0


class _Entry:
    __slots__ = ("ended_at", "key", "log", "push", "scope", "seq", "task")

    def __init__(self, task: Task, scope: TaskScope, live: bool = True) -> None:
        self.task = task
        self.scope = scope
        self.key: _IndexKey = (task.status.timestamp, task.id)
        self.log: _EventLog | None = _EventLog() if live else None  # dropped once terminal
        self.seq = 0
        self.ended_at: float | None = None
        self.push: dict[str, PushRegistration] | None = None


def _insert_key(keys: list[_IndexKey], key: _IndexKey) -> None:
    # Timestamps mostly grow: the new key is usually the largest (append), or belongs among the
    # last few keys of the same millisecond (a short bisect); else a full one.
    if not keys or keys[-1] < key:
        keys.append(key)
        return
    near = len(keys) - 16
    insort(keys, key, near if near > 0 and keys[near] < key else 0)


class MemoryTaskStore(TaskStore):
    """In-process :class:`TaskStore`. ``clock`` (monotonic seconds) is injectable for tests."""

    durable = False

    def __init__(
        self,
        *,
        task_ttl_seconds: float = 3600.0,
        max_tasks: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_tasks < 1:
            raise ValueError(f"max_tasks must be >= 1, got {max_tasks}")
        self.task_ttl_seconds = task_ttl_seconds
        self.max_tasks = max_tasks
        self._clock = clock
        self._tasks: dict[str, _Entry] = {}
        self._index: dict[TaskScope, _ScopeIndex] = {}
        self._ended: OrderedDict[str, float] = OrderedDict()  # terminal tasks, oldest end first
        # When the oldest terminal task expires (never later; earlier only after evictions).
        self._sweep_at = float("inf")
        self._cancel_listeners: list[CancelListener] = []

    def __len__(self) -> int:
        return len(self._tasks)

    # -- tasks ---------------------------------------------------------------------------------
    async def create_task(self, task: Task) -> None:
        self._insert(task, task.status.state)

    async def create_task_with_events(
        self, task: Task, events: Sequence[TaskEvent], *, snapshot: bool = True
    ) -> Applied:
        # One step: validate, apply to the new record, then insert it with its final state.
        # Nobody can hold a subscription yet and no push config exists, so the events need no
        # log unless the task stays live (a later subscriber may replay from the start).
        previous = task.status.state
        state = check_events(task.id, previous, events)
        if task.id in self._tasks:
            raise InternalError(f"task id {task.id} already exists")
        for event in events:
            apply_event(task, event)
        entry = self._insert(task, state)
        if entry.log is not None:
            entry.log.extend(events)
        entry.seq = len(events)
        return Applied(copy_task(task) if snapshot else None, events, entry.seq, previous, ())

    def _insert(self, task: Task, state: TaskState) -> _Entry:
        now = self._clock()
        if now >= self._sweep_at:
            self._sweep(now)
        if task.id in self._tasks:
            raise InternalError(f"task id {task.id} already exists")
        if len(self._tasks) >= self.max_tasks:
            if not self._ended:
                raise ServiceUnavailableError(
                    f"task store is full: {self.max_tasks} tasks are still in progress "
                    "(max_tasks); retry later"
                )
            self._evict(next(iter(self._ended)))
        if task.owner is None and task.tenant is None:
            scope = _ANONYMOUS
        else:
            scope = TaskScope(task.owner, task.tenant)
        entry = _Entry(task, scope, state not in TERMINAL_STATES)
        self._tasks[task.id] = entry
        index = self._index.get(scope)
        if index is None:
            index = self._index[scope] = _ScopeIndex()
        _insert_key(index.keys, entry.key)
        index.live += 1
        if entry.log is None:  # created terminal
            self._mark_ended(entry, now)
        return entry

    async def get_task(self, task_id: str, scope: TaskScope | None) -> Task | None:
        entry = self._visible(task_id, scope)
        return None if entry is None else copy_task(entry.task)

    async def apply_events(
        self,
        task_id: str,
        events: Sequence[TaskEvent],
        *,
        message: Message | None = None,
        expect: frozenset[TaskState] | None = None,
        snapshot: bool = True,
    ) -> Applied:
        if not events:
            raise ValueError("apply_events needs at least one event")
        entry = self._tasks.get(task_id)
        if entry is None:
            raise TaskNotFoundError(f"task {task_id} not found", metadata={"taskId": task_id})
        task = entry.task
        previous = task.status.state
        if expect is not None and previous not in expect:
            raise StateConflictError(task_id, previous)
        # The whole batch is validated before the task changes: all or nothing.
        state = check_events(task_id, previous, events)
        if message is not None:
            task.history.append(message)
        targets = tuple(entry.push.values()) if entry.push else ()
        snapshots: list[Task] = []
        for event in events:
            apply_event(task, event)
            if targets:
                snapshots.append(copy_task(task))
        entry.seq += len(events)
        if entry.log is not None:
            entry.log.extend(events)
        self._reindex(entry, task.status.timestamp)
        if state in TERMINAL_STATES:
            self._mark_ended(entry, self._clock())
        if snapshots:
            copy: Task | None = snapshots[-1]
        else:
            copy = copy_task(task) if snapshot else None
        return Applied(copy, events, entry.seq, previous, targets, snapshots)

    async def open_subscription(
        self, task_id: str, scope: TaskScope | None = None, *, from_start: bool = False
    ) -> tuple[Task, Subscription]:
        entry = self._visible(task_id, scope)
        if entry is None:
            raise TaskNotFoundError(f"task {task_id} not found", metadata={"taskId": task_id})
        log = entry.log
        start = 0 if from_start or log is None else len(log.events)
        return copy_task(entry.task), _LogSubscription(log, start)

    async def list_tasks(self, scope: TaskScope, query: ListTasksQuery) -> ListTasksResult:
        self._sweep(self._clock())
        index = self._index.get(scope)
        keys = index.keys if index is not None else []
        lo = 0
        if query.status_timestamp_after:
            lo = bisect_left(keys, (query.status_timestamp_after, ""))
        hi = len(keys)
        if query.page_token:
            hi = max(lo, bisect_left(keys, decode_cursor(query.page_token)))
        tasks = self._tasks
        context_id, state = query.context_id, query.status

        def matches(key: _IndexKey) -> bool:
            entry = tasks.get(key[1])
            if entry is None or entry.key != key:  # stale: evicted or updated since
                return False
            task = entry.task
            if context_id is not None and task.context_id != context_id:
                return False
            return state is None or task.status.state == state

        page: list[Task] = []
        last: _IndexKey | None = None
        i = hi - 1
        while i >= lo and len(page) < query.page_size:
            key = keys[i]
            if matches(key):
                page.append(copy_task(tasks[key[1]].task))
                last = key
            i -= 1
        more = any(matches(keys[j]) for j in range(i, lo - 1, -1))
        if lo == 0 and context_id is None and state is None:
            total = index.live if index is not None else 0
        else:
            total = sum(1 for k in keys[lo:] if matches(k))
        token = encode_cursor(*last) if more and last is not None else ""
        return ListTasksResult(
            tasks=page, next_page_token=token, page_size=query.page_size, total_size=total
        )

    async def live_task_ids(self) -> list[str]:
        return [tid for tid, e in self._tasks.items() if e.ended_at is None]

    # -- push configs --------------------------------------------------------------------------
    async def set_push_config(self, registration: PushRegistration) -> None:
        config = registration.config
        entry = self._tasks.get(config.task_id)
        if entry is None:
            raise TaskNotFoundError(f"task {config.task_id} not found")
        if entry.push is None:
            entry.push = {}
        if config.id not in entry.push and len(entry.push) >= MAX_PUSH_CONFIGS_PER_TASK:
            raise InvalidParamsError(
                f"task {config.task_id} already has {MAX_PUSH_CONFIGS_PER_TASK} push "
                "notification configs (the maximum); delete one first"
            )
        entry.push[config.id] = registration

    async def get_push_config(self, task_id: str, config_id: str) -> PushRegistration | None:
        entry = self._tasks.get(task_id)
        if entry is None or entry.push is None:
            return None
        return entry.push.get(config_id)

    async def list_push_configs(self, task_id: str) -> list[PushRegistration]:
        entry = self._tasks.get(task_id)
        return [] if entry is None or entry.push is None else list(entry.push.values())

    async def delete_push_config(self, task_id: str, config_id: str) -> bool:
        entry = self._tasks.get(task_id)
        if entry is None or entry.push is None:
            return False
        return entry.push.pop(config_id, None) is not None

    # -- signals -------------------------------------------------------------------------------
    def add_cancel_listener(self, listener: CancelListener) -> None:
        self._cancel_listeners.append(listener)

    async def signal_cancel(self, task_id: str) -> None:
        for listener in self._cancel_listeners:
            listener(task_id)

    # -- internals -----------------------------------------------------------------------------
    def _visible(self, task_id: str, scope: TaskScope | None) -> _Entry | None:
        entry = self._tasks.get(task_id)
        if entry is None or (scope is not None and entry.scope != scope):
            return None
        if entry.ended_at is not None and self._clock() - entry.ended_at >= self.task_ttl_seconds:
            self._evict(task_id)
            return None
        return entry

    def _reindex(self, entry: _Entry, timestamp: str) -> None:
        if entry.key[0] == timestamp:
            return
        index = self._index[entry.scope]
        entry.key = (timestamp, entry.task.id)  # the old key is now stale
        _insert_key(index.keys, entry.key)
        index.stale += 1
        self._maybe_compact(entry.scope, index)

    def _maybe_compact(self, scope: TaskScope, index: _ScopeIndex) -> None:
        # Amortised O(1): a compaction costs O(live + stale) and needs > live + 32 new stale keys.
        if index.stale <= index.live + 32:
            return
        tasks = self._tasks

        def live(key: _IndexKey) -> bool:
            entry = tasks.get(key[1])
            return entry is not None and entry.key == key

        index.keys = [k for k in index.keys if live(k)]
        index.stale = 0
        if not index.keys:
            del self._index[scope]

    def _mark_ended(self, entry: _Entry, now: float) -> None:
        entry.ended_at = now
        if not self._ended:
            self._sweep_at = now + self.task_ttl_seconds
        self._ended[entry.task.id] = now
        if entry.log is not None:
            entry.log.close()
            entry.log = None

    def _sweep(self, now: float) -> None:
        if now < self._sweep_at:  # the oldest terminal task has not expired yet
            return
        ttl = self.task_ttl_seconds
        ended = self._ended
        self._sweep_at = float("inf")
        while ended:
            task_id, ended_at = next(iter(ended.items()))
            if now - ended_at < ttl:
                self._sweep_at = ended_at + ttl
                break
            self._evict(task_id)

    def _evict(self, task_id: str) -> None:
        entry = self._tasks.pop(task_id, None)
        self._ended.pop(task_id, None)
        if entry is None:
            return
        index = self._index.get(entry.scope)
        if index is not None:
            index.live -= 1
            index.stale += 1
            self._maybe_compact(entry.scope, index)
        if entry.log is not None:
            entry.log.close()
