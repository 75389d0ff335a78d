"""The Redis task store: many agent instances, one consistent set of tasks (issue 6).

Every instance pointed at the same Redis behaves like one agent:

* task records, push configs and each task's event log (a Redis Stream) live in Redis; a
  terminal task and everything attached to it expire ``task_ttl_seconds`` after it ended;
* a step (:meth:`RedisTaskStore.apply_events`) is validated in Python by the one state machine
  and committed by a compare-and-set Lua script that also appends the events to the stream and
  reads the push targets, so no two instances can both move a task (see
  :mod:`._redis_scripts` for the why and the key layout);
* a subscriber reads the stream from the snapshot's position with bounded ``XREAD BLOCK``
  calls, so whichever instance applies an event, every subscriber gets the whole sequence;
* a cancel is published on a channel every instance listens to, and also delivered to this
  instance's listeners directly;
* each instance holds an execution lease, and a survivor FAILS the running tasks of an
  instance whose lease expired (it died): see :mod:`._redis_leases`.

Redis being unreachable surfaces as ``ServiceUnavailableError`` (HTTP 503) and a failing
:meth:`ping` (``/readyz`` 503); the client reconnects by itself once Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

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
from . import _redis_scripts as scripts
from ._records import apply_event, copy_task
from ._redis_codec import (
    decode_registration,
    decode_task,
    encode_event,
    encode_registration,
    encode_task,
)
from ._redis_leases import RUNNING_STATES, LeaseKeeper, ReapListener
from ._redis_mux import RedisMux
from ._redis_support import (
    BLOCK_MS,
    SEP,
    StreamSubscription,
    available,
    member_id,
    redacted,
    scope_bytes,
    scope_key,
    text,
)
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

__all__ = ["RedisTaskStore"]

_log = logging.getLogger(__name__)
_MAX_CAS_ATTEMPTS = 100  # a step loses the race only to another step that made progress
_SCAN_BATCH = 500
_RECENT_TASKS = 4096  # live tasks whose last write this instance remembers


class RedisTaskStore(TaskStore):
    """:class:`TaskStore` shared by every instance that uses the same Redis URL and prefix."""

    durable = True

    def __init__(
        self,
        url: str,
        *,
        task_ttl_seconds: float = 3600.0,
        max_tasks: int = 100_000,
        prefix: str = "a2a",
        lease_ttl_seconds: float = 5.0,
    ) -> None:
        if max_tasks < 1:
            raise ValueError(f"max_tasks must be >= 1, got {max_tasks}")
        self.url = redacted(url)
        self.task_ttl_seconds = task_ttl_seconds
        self.max_tasks = max_tasks
        self.prefix = prefix
        self._ttl_ms = max(1, math.ceil(task_ttl_seconds * 1000))
        # socket_timeout above one XREAD block, so a blocked read is never cut short.
        self._redis = aioredis.Redis.from_url(
            url, socket_connect_timeout=2.0, socket_timeout=BLOCK_MS / 1000 + 4.0
        )
        # The per-request calls share one pipelined connection (see _redis_mux for why).
        self._mux = RedisMux(self._redis, connect_timeout=2.0, timeout=BLOCK_MS / 1000 + 4.0)
        self._apply = self._mux.script(scripts.APPLY)
        self._create = self._mux.script(scripts.CREATE)
        self._set_push = self._redis.register_script(scripts.SET_PUSH)
        self._sweep = self._redis.register_script(scripts.SWEEP)
        self._instance = uuid.uuid4().hex
        # Execution leases: one renewal per period for the whole instance, and the reaper of
        # dead instances' tasks (see _redis_leases). Started with the cancel listener.
        self._leases = LeaseKeeper(
            self._redis,
            self,
            prefix=prefix,
            instance=self._instance,
            ttl_seconds=lease_ttl_seconds,
        )
        self._my_runs = self._leases.runs_key(self._instance)
        self._runs_prefix = self._leases.runs_prefix
        # task id -> (seq, scope key, task) as this instance last wrote it: lets the executor's
        # next step skip a read. Bounded; a stale entry only costs one failed compare-and-set.
        self._recent: OrderedDict[str, tuple[str, str, Task]] = OrderedDict()
        self._cancel_listeners: list[CancelListener] = []
        self._cancel_task: asyncio.Task[None] | None = None
        self._closed = False

    def _remember(self, task_id: str, entry: tuple[str, str, Task]) -> None:
        self._recent[task_id] = entry
        if len(self._recent) > _RECENT_TASKS:
            self._recent.popitem(last=False)

    def _subscription(self, task_id: str, after: int, done: bool) -> StreamSubscription:
        task_key, events_key = self._key("task", task_id), self._key("events", task_id)
        return StreamSubscription(self._redis, task_key, events_key, after, done)

    def _key(self, kind: str, name: str) -> str:
        return f"{self.prefix}:{kind}:{name}"

    # -- tasks ---------------------------------------------------------------------------------
    async def create_task(self, task: Task) -> None:
        await self._insert(task, ())

    async def create_task_with_events(
        self, task: Task, events: Sequence[TaskEvent], *, snapshot: bool = True
    ) -> Applied:
        # One script call: nobody can read the task before it exists, so it is inserted with
        # its first events applied and already in its stream (seq 1..n).
        if not events:
            raise ValueError("create_task_with_events needs at least one event")
        previous = task.status.state
        check_events(task.id, previous, events)  # refuse before storing anything
        final = _apply_all(copy_task(task), None, events)
        await self._insert(final, [encode_event(e) for e in events])
        if final.status.state not in TERMINAL_STATES:
            scope = scope_key(final.owner, final.tenant)
            self._remember(final.id, (str(len(events)), scope, copy_task(final)))
        return Applied(final if snapshot else None, events, len(events), previous, ())

    async def _insert(self, task: Task, encoded: Sequence[bytes]) -> None:
        self._ensure_cancel_listener()
        scope = scope_key(task.owner, task.tenant)
        ts = task.status.timestamp
        terminal = task.status.state in TERMINAL_STATES
        async with available("create task"):
            created = await self._create(
                keys=[
                    self._key("task", task.id),
                    self._key("idx", scope),
                    f"{self.prefix}:live",
                    f"{self.prefix}:ended",
                    self._key("events", task.id),
                    self._my_runs,
                ],
                args=[
                    task.id,
                    encode_task(task),
                    ts,
                    task.status.state.value,
                    task.context_id,
                    scope,
                    f"{ts}{SEP}{task.id}",
                    "1" if terminal else "0",
                    self._ttl_ms,
                    self.max_tasks,
                    self._instance if task.status.state in RUNNING_STATES else "",
                    len(encoded),
                    *encoded,
                ],
            )
        if created == 0:
            raise InternalError(f"task id {task.id} already exists")
        if created == -1:
            raise ServiceUnavailableError(
                f"task store is full: {self.max_tasks} tasks are still in progress "
                "(max_tasks); retry later"
            )

    async def get_task(self, task_id: str, scope: TaskScope | None) -> Task | None:
        async with available("get task"):
            data, stored_scope = await self._mux.read(
                "HMGET", self._key("task", task_id), "d", "sc"
            )
        if data is None or (scope is not None and stored_scope != scope_bytes(scope)):
            return None
        return decode_task(data)

    async def apply_events(
        self,
        task_id: str,
        events: Sequence[TaskEvent],
        *,
        message: Message | None = None,
        expect: frozenset[TaskState] | None = None,
        snapshot: bool = True,
        runner: str | None = None,
    ) -> Applied:
        """:meth:`TaskStore.apply_events`; with ``runner``, only while that instance runs the
        task (the lease reaper's guard: else :class:`StateConflictError`)."""
        if not events:
            raise ValueError("apply_events needs at least one event")
        self._ensure_cancel_listener()
        key = self._key("task", task_id)
        encoded = [encode_event(e) for e in events]
        # The reaper's guard needs the stored owner: never decide it on a cached copy.
        cached = self._recent.pop(task_id, None) if runner is None else None
        owner: bytes | None = None
        for _ in range(_MAX_CAS_ATTEMPTS):
            if cached is not None:
                # What this instance last wrote: right unless another instance moved the task
                # since, and then the compare-and-set below fails and we read it fresh.
                seq, scope, before = cached
            else:
                async with available("apply events"):
                    data, raw_seq, raw_scope, owner = await self._mux.read(
                        "HMGET", key, "d", "seq", "sc", "own"
                    )
                if data is None:
                    raise TaskNotFoundError(
                        f"task {task_id} not found", metadata={"taskId": task_id}
                    )
                seq, scope, before = text(raw_seq), text(raw_scope), decode_task(data)
            previous = before.status.state
            try:
                if expect is not None and previous not in expect:
                    raise StateConflictError(task_id, previous)
                if runner is not None and (owner is None or text(owner) != runner):
                    raise StateConflictError(task_id, previous)  # taken over meanwhile
                state = check_events(task_id, previous, events)
            except InternalError:
                if cached is None:
                    raise
                cached = None  # never refuse on a possibly stale copy: re-check on a fresh read
                continue
            cached = None
            task = _apply_all(copy_task(before), message, events)
            old_ts, new_ts = before.status.timestamp, task.status.timestamp
            async with available("apply events"):
                reply = await self._apply(
                    keys=[
                        key,
                        self._key("events", task_id),
                        self._key("push", task_id),
                        self._key("pushord", task_id),
                        self._key("idx", scope),
                        f"{self.prefix}:live",
                        f"{self.prefix}:ended",
                        self._my_runs,
                    ],
                    args=[
                        task_id,
                        seq,
                        encode_task(task),
                        new_ts,
                        state.value,
                        "1" if state in TERMINAL_STATES else "0",
                        self._ttl_ms,
                        f"{old_ts}{SEP}{task_id}",
                        f"{new_ts}{SEP}{task_id}",
                        self._instance if state in RUNNING_STATES else "",
                        self._runs_prefix,
                        len(encoded),
                        *encoded,
                    ],
                )
            if reply[0] == -1:
                raise TaskNotFoundError(f"task {task_id} not found", metadata={"taskId": task_id})
            if reply[0] == -2:
                continue  # another instance moved the task first: re-read and re-check
            if state not in TERMINAL_STATES:
                self._remember(task_id, (str(reply[0]), scope, copy_task(task)))
            targets = tuple(decode_registration(r) for r in reply[1:])
            snapshots: list[Task] = []
            if targets and events:
                # A v0.3 push payload is the whole task after each event: replay all but the
                # last one; the task after the last event is `task`, computed above.
                replay = _apply_all(copy_task(before), message, ())
                for event in events[:-1]:
                    apply_event(replay, event)
                    snapshots.append(copy_task(replay))
                snapshots.append(task)
            copy = snapshots[-1] if snapshots else (task if snapshot else None)
            return Applied(copy, events, int(reply[0]), previous, targets, snapshots)
        raise ServiceUnavailableError(
            f"task {task_id} is updated too concurrently to apply an event; retry later"
        )

    async def open_subscription(
        self, task_id: str, scope: TaskScope | None = None, *, from_start: bool = False
    ) -> tuple[Task, Subscription]:
        self._ensure_cancel_listener()
        async with available("subscribe"):
            data, seq, stored_scope = await self._mux.read(
                "HMGET", self._key("task", task_id), "d", "seq", "sc"
            )
        if data is None or (scope is not None and stored_scope != scope_bytes(scope)):
            raise TaskNotFoundError(f"task {task_id} not found", metadata={"taskId": task_id})
        task = decode_task(data)
        # d and seq come from one HMGET, so the snapshot is exactly "as of event seq".
        terminal = task.status.state in TERMINAL_STATES
        if from_start:
            return task, self._subscription(task_id, 0, False)
        return task, self._subscription(task_id, int(text(seq)), terminal)

    async def list_tasks(self, scope: TaskScope, query: ListTasksQuery) -> ListTasksResult:
        index = self._key("idx", scope_key(scope.owner, scope.tenant))
        low = f"[{query.status_timestamp_after}" if query.status_timestamp_after else "-"
        high = "+"
        if query.page_token:
            cursor_ts, cursor_id = decode_cursor(query.page_token)
            high = f"({cursor_ts}{SEP}{cursor_id}"
        size = query.page_size
        async with available("list tasks"):
            await self._sweep(keys=[f"{self.prefix}:ended"], args=[1000])
            if query.context_id is None and query.status is None:
                total = await self._redis.zlexcount(index, low, "+")
                members = await self._redis.zrevrangebylex(index, high, low, 0, size + 1)
                more = len(members) > size
                page_ids = [member_id(m) for m in members[:size]]
            else:
                matching = await self._matching(index, low, query)
                total = len(matching)
                cursor = high[1:] if high != "+" else None
                after = [m for m in matching if cursor is None or text(m) < cursor]
                more = len(after) > size
                page_ids = [member_id(m) for m in after[:size]]
            pipe = self._redis.pipeline(transaction=False)
            for task_id in page_ids:
                pipe.hget(self._key("task", task_id), "d")
            blobs = await pipe.execute() if page_ids else []
        tasks = [decode_task(b) for b in blobs if b is not None]
        token = ""
        if more and tasks:
            last = tasks[-1]
            token = encode_cursor(last.status.timestamp, last.id)
        return ListTasksResult(tasks=tasks, next_page_token=token, page_size=size, total_size=total)

    async def _matching(self, index: str, low: str, query: ListTasksQuery) -> list[bytes | str]:
        """Index members (descending) of tasks that match the context/status filters."""
        out: list[bytes | str] = []
        offset = 0
        while True:
            members = await self._redis.zrevrangebylex(index, "+", low, offset, _SCAN_BATCH)
            if not members:
                return out
            pipe = self._redis.pipeline(transaction=False)
            for member in members:
                pipe.hmget(self._key("task", member_id(member)), ["st", "c"])
            for member, (state, context) in zip(members, await pipe.execute(), strict=True):
                if state is None:
                    continue
                if query.status is not None and text(state) != query.status.value:
                    continue
                if query.context_id is not None and text(context) != query.context_id:
                    continue
                out.append(member)
            offset += len(members)

    async def live_task_ids(self) -> list[str]:
        async with available("live tasks"):
            ids = await self._redis.smembers(f"{self.prefix}:live")
        return sorted(text(i) for i in ids)

    # -- push configs --------------------------------------------------------------------------
    async def set_push_config(self, registration: PushRegistration) -> None:
        config = registration.config
        async with available("set push config"):
            result = await self._set_push(
                keys=[
                    self._key("task", config.task_id),
                    self._key("push", config.task_id),
                    self._key("pushord", config.task_id),
                ],
                args=[config.id, encode_registration(registration), MAX_PUSH_CONFIGS_PER_TASK],
            )
        if result == -1:
            raise TaskNotFoundError(f"task {config.task_id} not found")
        if result == -2:
            raise InvalidParamsError(
                f"task {config.task_id} already has {MAX_PUSH_CONFIGS_PER_TASK} push "
                "notification configs (the maximum); delete one first"
            )

    async def get_push_config(self, task_id: str, config_id: str) -> PushRegistration | None:
        async with available("get push config"):
            data = await self._redis.hget(self._key("push", task_id), config_id)
        return None if data is None else decode_registration(data)

    async def list_push_configs(self, task_id: str) -> list[PushRegistration]:
        async with available("list push configs"):
            ids: Any = await self._redis.zrange(self._key("pushord", task_id), 0, -1)
            blobs = await self._redis.hmget(self._key("push", task_id), ids) if ids else []
        return [decode_registration(b) for b in blobs if b is not None]

    async def delete_push_config(self, task_id: str, config_id: str) -> bool:
        async with available("delete push config"):
            pipe = self._redis.pipeline(transaction=True)
            pipe.hdel(self._key("push", task_id), config_id)
            pipe.zrem(self._key("pushord", task_id), config_id)
            removed, _ = await pipe.execute()
        return bool(removed)

    # -- signals -------------------------------------------------------------------------------
    def add_reap_listener(self, listener: ReapListener) -> None:
        self._leases.add_listener(listener)
        self._ensure_cancel_listener()

    def add_cancel_listener(self, listener: CancelListener) -> None:
        self._cancel_listeners.append(listener)
        self._ensure_cancel_listener()

    async def signal_cancel(self, task_id: str) -> None:
        for listener in self._cancel_listeners:
            listener(task_id)
        payload = orjson.dumps({"i": self._instance, "t": task_id})
        async with available("signal cancel"):
            await self._redis.publish(f"{self.prefix}:cancel", payload)

    def _ensure_cancel_listener(self) -> None:
        self._leases.start()  # the lease keeper runs from the first store call on
        # Started lazily: listeners register before the event loop runs (executor set-up).
        if self._cancel_task is not None or self._closed or not self._cancel_listeners:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._cancel_task = loop.create_task(self._listen_for_cancels())

    async def _listen_for_cancels(self) -> None:
        channel = f"{self.prefix}:cancel"
        backoff = 0.05
        while not self._closed:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(channel)
                backoff = 0.05
                while not self._closed:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None:
                        self._deliver_cancel(message["data"])
            except (RedisError, OSError) as exc:
                # Redis went away: retry with a bounded backoff so the agent recovers by itself.
                _log.warning("cancel channel lost (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(backoff)  # a reconnect delay, not synchronisation
                backoff = min(backoff * 2, 1.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _deliver_cancel(self, data: bytes) -> None:
        try:
            payload = orjson.loads(data)
            origin, task_id = payload["i"], payload["t"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            _log.warning("ignoring a malformed cancel signal")
            return
        if origin == self._instance:
            return  # already delivered locally by signal_cancel
        for listener in self._cancel_listeners:
            listener(task_id)

    # -- lifecycle -----------------------------------------------------------------------------
    async def ping(self) -> None:
        self._ensure_cancel_listener()
        async with available(f"ping {self.url}"):
            await self._redis.ping()

    async def close(self) -> None:
        self._closed = True
        if self._cancel_task is not None:
            self._cancel_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._cancel_task
        await self._leases.close()  # releases the lease: survivors reap what is left at once
        await self._mux.close()
        await self._redis.aclose()


def _apply_all(task: Task, message: Message | None, events: Sequence[TaskEvent]) -> Task:
    # The same effects as the memory store: follow-up first, then each event in order.
    if message is not None:
        task.history.append(message)
    for event in events:
        apply_event(task, event)
    return task
