"""Execution leases of the Redis task store: a dead instance's tasks are FAILED, never left WORKING.

The model (``P`` is the store's key prefix):

* **one lease per instance**, not per task: the key ``P:lease:<instance>`` with a ``PX`` TTL,
  renewed every ``ttl / 3`` by one background task per instance with one script call
  (:data:`RENEW`), however many tasks the instance runs. Redis's own clock expires it, so the
  instances' clocks never have to agree;
* **who runs a task** is recorded by the steps that already exist, with no extra round trip:
  the create and apply scripts set the task's ``own`` field and add the id to
  ``P:runs:<instance>`` when a step leaves the task SUBMITTED or WORKING (the instance that
  moved it there runs it: the creator, or whoever resumed an interrupted task), and remove it
  when a step leaves it terminal or interrupted (nobody runs a task waiting for its client);
* ``P:instances`` lists the instances that may have running tasks;
* **the reaper**: the same renewal call lists the registered instances whose lease key is gone.
  For each of their running tasks the surviving instance applies FAILED with the status message
  "instance <id> lost its execution lease" through the store's ordinary compare-and-set step,
  guarded by "still SUBMITTED/WORKING and still run by that instance" on the record it read.
  The step commits only if the task did not change since that read, so a task that completed
  meanwhile is not touched and, of several reapers racing, exactly one commits the FAILED event.

Bound: an instance killed right after renewing loses its lease ``ttl`` later; the next renewal
of a survivor (at most ``ttl / 3`` later) fails its tasks: within ``ttl + interval``.

**Outages.** When Redis is unreachable for longer than the TTL every lease lapses, also those
of healthy instances. So an instance reaps only after renewing without a failure for one whole
TTL (also right after it starts): by then every live instance has renewed its lease again, and a
Redis restart does not fail the tasks that are running. An instance that finds its own lease had
lapsed logs it: its tasks may have been failed meanwhile, and its runners then end quietly on
the terminal state (the state machine refuses their next event).

The memory store has no leases: its tasks live in the process that runs them and die with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Sequence
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from ..errors import A2AError
from ..model import Message, Part, Role, StatusUpdate, TaskState, TaskStatus
from ..stamps import new_id, now_timestamp
from ._redis_codec import decode_task
from ._redis_support import text
from .base import Applied, ReapListener, TaskEvent

__all__ = [
    "RUNNING_STATES",
    "LeaseKeeper",
    "ReapListener",
    "lost_lease_reason",
]

_log = logging.getLogger(__name__)

RUNNING_STATES = frozenset({TaskState.SUBMITTED, TaskState.WORKING})
"""States in which a task is being run by an instance (interrupted tasks wait for a client)."""

_REAP_CONCURRENCY = 32  # tasks of a dead instance failed at once (each is one or two calls)

# KEYS: my lease, registry.  ARGV: my id, ttl ms, lease key prefix, reap (0/1).
# Returns {1 if my lease was still there else 0, ids of registered instances without a lease...}
RENEW = """
local had = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
local out = {had}
if ARGV[4] == '1' then
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    if redis.call('EXISTS', ARGV[3] .. id) == 0 then out[#out + 1] = id end
  end
end
return out
"""

# KEYS: registry, the instance's lease, its runs set.  ARGV: instance id.
# Drops a dead instance from the registry once nothing of it is left to reap.
FORGET = """
if redis.call('EXISTS', KEYS[2]) == 0 and redis.call('SCARD', KEYS[3]) == 0 then
  redis.call('SREM', KEYS[1], ARGV[1])
  return 1
end
return 0
"""


def lost_lease_reason(instance: str) -> str:
    """The status message of a task failed because the instance running it died."""
    return f"instance {instance} lost its execution lease"


class _Store(Protocol):
    """What the keeper needs of the Redis store: its guarded compare-and-set step."""

    async def apply_events(
        self,
        task_id: str,
        events: Sequence[TaskEvent],
        *,
        expect: frozenset[TaskState] | None = None,
        snapshot: bool = True,
        runner: str | None = None,
    ) -> Applied: ...


class LeaseKeeper:
    """Renews this instance's lease and reaps the tasks of instances that lost theirs.

    One per store; :meth:`start` needs a running event loop (the store calls it lazily).
    """

    def __init__(
        self,
        client: aioredis.Redis,
        store: _Store,
        *,
        prefix: str,
        instance: str,
        ttl_seconds: float,
    ) -> None:
        if not ttl_seconds > 0 or math.isinf(ttl_seconds):
            raise ValueError(f"lease_ttl_seconds must be a finite number > 0, got {ttl_seconds}")
        self.instance = instance
        self.ttl_seconds = ttl_seconds
        self.interval = ttl_seconds / 3
        self._client = client
        self._store = store
        self._prefix = prefix
        self._ttl_ms = max(1, math.ceil(ttl_seconds * 1000))
        self._renew = client.register_script(RENEW)
        self._forget = client.register_script(FORGET)
        self._listeners: list[ReapListener] = []
        self._task: asyncio.Task[None] | None = None
        self._healthy_since: float | None = None  # loop time of the first renewal after a failure
        self._renewed = False  # at least one renewal succeeded (a later miss is a lapse)
        self._closed = False
        self.reap_rounds = 0  # renewals that also looked for dead instances (tests, metrics)

    # -- keys ----------------------------------------------------------------------------------
    def lease_key(self, instance: str) -> str:
        """The lease key of ``instance``."""
        return f"{self._prefix}:lease:{instance}"

    def runs_key(self, instance: str) -> str:
        """The set of the ids of the tasks ``instance`` runs."""
        return f"{self._prefix}:runs:{instance}"

    @property
    def runs_prefix(self) -> str:
        """``runs_key`` without the instance id (the store's scripts append the owner's id)."""
        return f"{self._prefix}:runs:"

    @property
    def registry_key(self) -> str:
        return f"{self._prefix}:instances"

    # -- lifecycle -----------------------------------------------------------------------------
    def add_listener(self, listener: ReapListener) -> None:
        """Call ``listener`` after each task this instance reaped (logs, webhooks, hooks)."""
        self._listeners.append(listener)

    def start(self) -> None:
        """Start the background renewal (idempotent; a no-op without a running loop)."""
        if self._task is not None or self._closed:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._run(), name=f"lease:{self.instance}")

    async def close(self, *, release: bool = True) -> None:
        """Stop renewing; with ``release``, drop the lease now so survivors reap what is left.

        ``release=False`` leaves the lease to expire, as a crash would (tests).
        """
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if release:
            with contextlib.suppress(RedisError, OSError):
                await asyncio.wait_for(self._client.delete(self.lease_key(self.instance)), 2.0)

    async def _run(self) -> None:
        while not self._closed:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # never let the keeper die: the next tick tries again
                _log.exception("execution lease round failed")
            await asyncio.sleep(self.interval)  # the renewal period, not synchronisation

    # -- one round -----------------------------------------------------------------------------
    async def tick(self) -> list[str]:
        """Renew this instance's lease, then reap dead instances if allowed; the reaped ids."""
        loop = asyncio.get_running_loop()
        since = self._healthy_since
        may_reap = since is not None and loop.time() - since >= self.ttl_seconds
        try:
            # Bounded: a renewal that cannot finish within one period counts as a failure.
            reply: Any = await asyncio.wait_for(
                self._renew(
                    keys=[self.lease_key(self.instance), self.registry_key],
                    args=[
                        self.instance,
                        self._ttl_ms,
                        f"{self._prefix}:lease:",
                        "1" if may_reap else "0",
                    ],
                ),
                timeout=max(self.interval, 0.5),
            )
        except (RedisError, OSError, TimeoutError) as exc:
            if self._healthy_since is not None:
                _log.warning(
                    "cannot renew the execution lease (%s); reaping paused", type(exc).__name__
                )
            self._healthy_since = None
            return []
        if self._healthy_since is None:
            self._healthy_since = loop.time()
        if self._renewed and not int(reply[0]):
            _log.warning(
                "execution lease of instance %s had lapsed; other instances may have failed "
                "its running tasks",
                self.instance,
            )
        self._renewed = True
        reaped: list[str] = []
        try:
            for raw in reply[1:]:
                reaped += await self._reap_instance(text(raw))
        except (RedisError, OSError) as exc:  # Redis went away mid-round: the next one resumes
            _log.warning("reaping interrupted (%s)", type(exc).__name__)
        if may_reap:
            self.reap_rounds += 1
        return reaped

    async def _reap_instance(self, lost: str) -> list[str]:
        runs = self.runs_key(lost)
        ids = sorted(text(i) for i in await self._client.smembers(runs))
        reaped: list[str] = []
        if ids:
            _log.warning(
                "instance %s lost its execution lease: failing its %d running task(s)",
                lost,
                len(ids),
            )
        for start in range(0, len(ids), _REAP_CONCURRENCY):
            batch = ids[start : start + _REAP_CONCURRENCY]
            done = await asyncio.gather(*(self.reap(task_id, lost) for task_id in batch))
            reaped += [task_id for task_id, ok in zip(batch, done, strict=True) if ok]
        await self._forget(keys=[self.registry_key, self.lease_key(lost), runs], args=[lost])
        return reaped

    async def reap(self, task_id: str, lost: str) -> bool:
        """FAIL ``task_id`` if it is still running under ``lost``; whether this call did it.

        Safe to race with other reapers and with the task's own steps (see the module doc).
        """
        try:
            key = f"{self._prefix}:task:{task_id}"
            data, owner = await self._client.hmget(key, ["d", "own"])
            task = None if data is None else decode_task(data)
            if (
                task is None
                or owner is None
                or text(owner) != lost
                or task.status.state not in RUNNING_STATES
            ):
                # Ended, interrupted or resumed elsewhere since: the entry is stale.
                await self._client.srem(self.runs_key(lost), task_id)
                return False
            event = _failed(task_id, task.context_id, lost_lease_reason(lost))
            applied = await self._store.apply_events(
                task_id, (event,), expect=RUNNING_STATES, snapshot=True, runner=lost
            )
        except (A2AError, RedisError, OSError):
            # StateConflictError (ended or taken over meanwhile), TaskNotFoundError (expired),
            # an outage (the next round retries): in every case this call failed nothing.
            return False
        for listener in self._listeners:
            try:
                listener(task_id, applied)
            except Exception:  # a listener's bug must not stop the reaping of the others
                _log.exception("reap listener failed")
        return True


def _failed(task_id: str, context_id: str, reason: str) -> StatusUpdate:
    message = Message(
        message_id=new_id(),
        role=Role.AGENT,
        parts=[Part(kind="text", content=reason)],
        context_id=context_id,
        task_id=task_id,
    )
    return StatusUpdate(
        task_id, context_id, TaskStatus(TaskState.FAILED, now_timestamp(), message), final=True
    )
