"""Execution leases of the Redis store, against a real Redis: a dead instance's running tasks are
FAILED (with the reason) by a survivor, atomically with the state machine, exactly once.

Instances are store objects in this process (two stores on one Redis and prefix behave as two
agent processes); an instance "dies" by stopping its lease renewal without releasing the lease,
which is what a kill -9 leaves in Redis. The process-level chaos tests are in test_chaos.py.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from fixtures.redis_server import RedisServer
from reference_agent.cli import parse_settings
from reference_agent.model import StatusUpdate, Task, TaskState, TaskStatus
from reference_agent.store import MemoryTaskStore
from reference_agent.store._redis_codec import decode_event
from reference_agent.store._redis_leases import RUNNING_STATES, lost_lease_reason
from reference_agent.store.base import Applied
from reference_agent.store.redis import RedisTaskStore
from reference_agent.task_manager import TaskManager

S = TaskState
TTL = 0.4  # seconds: short, so a takeover takes about half a second
_prefixes = itertools.count()
_ids = itertools.count()


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer(appendfsync="always") as server:
        yield server


Cluster = Callable[[int], list[RedisTaskStore]]


@pytest.fixture
async def cluster(redis_server: RedisServer) -> AsyncIterator[Cluster]:
    """``cluster(n)``: n store instances on one Redis and one prefix (fresh per test)."""
    prefix = f"lease{next(_prefixes)}"
    made: list[RedisTaskStore] = []

    def make(count: int) -> list[RedisTaskStore]:
        stores = [
            RedisTaskStore(redis_server.url, prefix=prefix, lease_ttl_seconds=TTL)
            for _ in range(count)
        ]
        made.extend(stores)
        return stores

    yield make
    for store in made:
        await store.close()


def _task(state: TaskState = S.SUBMITTED) -> Task:
    return Task(f"t{next(_ids)}", "ctx", TaskStatus(state, "2025-01-01T00:00:00.000Z"))


def _status(task_id: str, state: TaskState) -> StatusUpdate:
    return StatusUpdate(task_id, "ctx", TaskStatus(state, "2025-01-01T00:00:01.000Z"), False)


async def _running(store: RedisTaskStore) -> str:
    """A WORKING task run by ``store`` (created there, as the engine does)."""
    task = _task()
    await store.create_task(task)
    await store.apply_events(task.id, [_status(task.id, S.WORKING)])
    return task.id


async def _until(
    check: Callable[[], Awaitable[bool]], timeout: float, what: str, *, poll: float = 0.02
) -> float:
    """Poll ``check`` until true; the seconds it took. Fails naming ``what`` after ``timeout``."""
    start = time.monotonic()
    while not await check():
        assert time.monotonic() - start < timeout, f"{what}: not within {timeout}s"
        await asyncio.sleep(poll)  # polling interval of a condition with a deadline
    return time.monotonic() - start


async def _terminal_events(store: RedisTaskStore, task_id: str) -> list[StatusUpdate]:
    entries: Any = await store._redis.xrange(store._key("events", task_id))
    events = [decode_event(fields[b"e"]) for _, fields in entries]
    return [e for e in events if isinstance(e, StatusUpdate) and e.status.state.is_terminal]


async def _state(store: RedisTaskStore, task_id: str) -> TaskState:
    task = await store.get_task(task_id, None)
    assert task is not None, task_id
    return task.status.state


async def _die(store: RedisTaskStore) -> None:
    """What kill -9 leaves behind: the lease stays until its TTL, nobody renews it."""
    await store._leases.close(release=False)


async def test_a_dead_instances_running_tasks_are_failed_with_the_reason(
    cluster: Cluster,
) -> None:
    a, b = cluster(2)
    reaped: list[tuple[str, Applied]] = []
    b.add_reap_listener(lambda task_id, applied: reaped.append((task_id, applied)))
    await b.ping()  # starts B's keeper
    running = [await _running(a) for _ in range(3)]
    submitted = _task()
    await a.create_task(submitted)  # SUBMITTED counts as running: a runner was about to start
    waiting = await _running(a)
    await a.apply_events(waiting, [_status(waiting, S.INPUT_REQUIRED)])
    done = await _running(a)
    await a.apply_events(done, [_status(done, S.COMPLETED)])
    runs = a._leases.runs_key(a._instance)
    assert await a._redis.smembers(runs) == {t.encode() for t in [*running, submitted.id]}

    await _die(a)
    took = await _until(
        lambda: _all_failed(b, [*running, submitted.id]), 4 * TTL + 2.0, "tasks of A failed"
    )
    for task_id in [*running, submitted.id]:
        task = await b.get_task(task_id, None)
        assert task is not None and task.status.state is S.FAILED
        assert task.status.message is not None
        assert task.status.message.parts[0].content == lost_lease_reason(a._instance)
        assert len(await _terminal_events(b, task_id)) == 1
    # Not running: an interrupted task waits for its client; an ended one is left as it is.
    assert await _state(b, waiting) is S.INPUT_REQUIRED
    assert await _state(b, done) is S.COMPLETED
    assert sorted(t for t, _ in reaped) == sorted([*running, submitted.id])
    assert all(applied.task is not None for _, applied in reaped)
    # Nothing of A is left to reap: the registry forgets it.
    await _until(lambda: _not_registered(b, a._instance), 4 * TTL + 2.0, "dead instance forgotten")
    assert not await b._redis.exists(runs)
    assert took < 4 * TTL + 2.0


async def _all_failed(store: RedisTaskStore, ids: list[str]) -> bool:
    return all([await _state(store, task_id) is S.FAILED for task_id in ids])


async def _not_registered(store: RedisTaskStore, instance: str) -> bool:
    members = await store._redis.smembers(store._leases.registry_key)
    return instance.encode() not in members


async def test_racing_reapers_commit_exactly_one_terminal_event(cluster: Cluster) -> None:
    a, b, c, d = cluster(4)
    ids = [await _running(a) for _ in range(12)]
    # Reaping does not itself look at the lease (the renewal round does): calling it on a live
    # instance's tasks races three reapers without waiting for an expiry.
    results = await asyncio.gather(
        *(s._leases.reap(task_id, a._instance) for task_id in ids for s in (b, c, d))
    )
    for i, task_id in enumerate(ids):
        assert sum(results[3 * i : 3 * i + 3]) == 1, task_id
        terminal = await _terminal_events(a, task_id)
        assert [e.status.state for e in terminal] == [S.FAILED]
    assert not await a._redis.smembers(a._leases.runs_key(a._instance))


async def test_a_task_that_completed_meanwhile_is_not_touched(cluster: Cluster) -> None:
    a, b = cluster(2)
    finished = await _running(a)
    await a.apply_events(finished, [_status(finished, S.COMPLETED)])
    assert await b._leases.reap(finished, a._instance) is False
    assert await _state(b, finished) is S.COMPLETED
    # The real race: the runner's last step against a reaper, many times.
    ids = [await _running(a) for _ in range(16)]
    outcomes = await asyncio.gather(
        *(_race_completion(a, b, task_id) for task_id in ids), return_exceptions=True
    )
    for task_id, outcome in zip(ids, outcomes, strict=True):
        terminal = await _terminal_events(a, task_id)
        assert len(terminal) == 1, (task_id, terminal)
        state = await _state(a, task_id)
        assert state is terminal[0].status.state
        # Whoever lost saw the winner's terminal state and changed nothing.
        assert (outcome == "reaped") == (state is S.FAILED), (task_id, outcome, state)


async def _race_completion(a: RedisTaskStore, b: RedisTaskStore, task_id: str) -> str:
    completed, reaped = await asyncio.gather(
        a.apply_events(task_id, [_status(task_id, S.COMPLETED)]),
        b._leases.reap(task_id, a._instance),
        return_exceptions=True,
    )
    if reaped is True:
        assert isinstance(completed, Exception)  # the runner's step was refused
        return "reaped"
    assert isinstance(completed, Applied), completed
    return "completed"


async def test_a_resumed_task_is_run_by_the_instance_that_resumed_it(cluster: Cluster) -> None:
    a, b = cluster(2)
    task_id = await _running(a)
    await a.apply_events(task_id, [_status(task_id, S.INPUT_REQUIRED)])
    assert not await a._redis.sismember(a._leases.runs_key(a._instance), task_id)
    await b.apply_events(task_id, [_status(task_id, S.WORKING)])  # the client's follow-up on B
    assert await b._redis.hget(b._key("task", task_id), "own") == b._instance.encode()
    assert await b._redis.sismember(b._leases.runs_key(b._instance), task_id)
    # A dying no longer concerns the task: the guard refuses to fail it on A's account.
    assert await b._leases.reap(task_id, a._instance) is False
    assert await _state(b, task_id) is S.WORKING
    await b.apply_events(task_id, [_status(task_id, S.COMPLETED)])
    assert not await b._redis.smembers(b._leases.runs_key(b._instance))
    assert await b._redis.hget(b._key("task", task_id), "own") is None


async def test_a_task_created_ended_is_run_by_nobody(cluster: Cluster) -> None:
    # The blocking hot path stores an instant task with its final events: no lease bookkeeping.
    (a,) = cluster(1)
    task = _task()
    await a.create_task_with_events(task, [_status(task.id, S.COMPLETED)])
    assert await a._redis.hget(a._key("task", task.id), "own") is None
    assert not await a._redis.exists(a._leases.runs_key(a._instance))
    assert S.COMPLETED not in RUNNING_STATES


async def test_reaped_steps_reach_the_managers_final_hooks(cluster: Cluster) -> None:
    a, b = cluster(2)
    manager = TaskManager(b)  # registers itself as b's reap listener
    ended: list[str] = []
    manager.on_final(ended.append)
    task_id = await _running(a)
    assert await b._leases.reap(task_id, a._instance) is True
    assert ended == [task_id]


async def test_an_outage_longer_than_the_ttl_fails_no_running_task() -> None:
    # Every lease lapses while Redis is down; a survivor that reaped at once would fail the
    # tasks of instances that are alive. They must wait until everyone renewed again.
    with RedisServer(appendfsync="always") as server:
        a = RedisTaskStore(server.url, prefix="outage", lease_ttl_seconds=TTL)
        b = RedisTaskStore(server.url, prefix="outage", lease_ttl_seconds=TTL)
        try:
            await b.ping()
            task_id = await _running(a)
            rounds = b._leases.reap_rounds
            await _until(_rounds_after(b, rounds), 10 * TTL, "B reaps before the outage")
            server.stop()
            await asyncio.sleep(3 * TTL)  # the outage itself: longer than every lease
            server.start()
            rounds = b._leases.reap_rounds
            await _until(_rounds_after(b, rounds + 2), 10 * TTL + 5, "B reaps after the outage")
            assert await _state(b, task_id) is S.WORKING
            assert await b._redis.exists(a._leases.lease_key(a._instance))
        finally:
            await a.close()
            await b.close()


def _rounds_after(store: RedisTaskStore, rounds: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return store._leases.reap_rounds > rounds

    return check


async def test_memory_store_has_no_leases() -> None:
    store = MemoryTaskStore()
    store.add_reap_listener(lambda *_: None)  # accepted, never called: one process
    task = _task()
    await store.create_task(task)
    assert await store.live_task_ids() == [task.id]


def test_lease_ttl_option() -> None:
    assert parse_settings(["--lease-ttl", "1.5"]).lease_ttl_seconds == 1.5
    assert parse_settings([]).lease_ttl_seconds == 5.0
    with pytest.raises(ValueError, match="lease_ttl_seconds must be a finite number > 0"):
        RedisTaskStore("redis://127.0.0.1:1/0", lease_ttl_seconds=0)


def test_lease_ttl_option_rejects_bad_values(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("0", "-1", "soon"):
        with pytest.raises(SystemExit):
            parse_settings(["--lease-ttl", bad])
        err = capsys.readouterr().err
        assert "--lease-ttl" in err and repr(bad) in err, err
