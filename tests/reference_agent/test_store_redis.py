"""The Redis task store keeps the memory store's contract, across instances, against a real Redis.

The behavioural scenarios run against both stores (``store`` is parametrized), so the two cannot
drift apart; the Redis-only tests cover what one process cannot show: two store instances on
one Redis (atomic transitions under a race, cross-instance subscription and cancel), TTL on
the server, and an outage turning into ``ServiceUnavailableError`` and back.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest

from fixtures.redis_server import RedisServer
from reference_agent.config import AgentSettings
from reference_agent.errors import InvalidParamsError, ServiceUnavailableError, TaskNotFoundError
from reference_agent.model import (
    Artifact,
    ArtifactUpdate,
    ListTasksQuery,
    Message,
    Part,
    PushAuthentication,
    PushConfig,
    Role,
    StatusUpdate,
    Task,
    TaskState,
    TaskStatus,
)
from reference_agent.state_machine import TerminalStateError
from reference_agent.store import (
    MemoryTaskStore,
    PushRegistration,
    StateConflictError,
    TaskScope,
    TaskStore,
    open_store,
)
from reference_agent.store.base import MAX_PUSH_CONFIGS_PER_TASK, TaskEvent
from reference_agent.store.redis import RedisTaskStore

from .engine_support import BOUND

S = TaskState
ANON = TaskScope()
_prefixes = itertools.count()


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def _redis_store(server: RedisServer, **kwargs: float) -> RedisTaskStore:
    # A fresh key prefix per store family keeps tests independent on one server.
    return RedisTaskStore(server.url, prefix=f"t{next(_prefixes)}", **kwargs)  # type: ignore[arg-type]


@pytest.fixture(params=["memory", "redis"])
async def store(
    request: pytest.FixtureRequest, redis_server: RedisServer
) -> AsyncIterator[TaskStore]:
    made: TaskStore = MemoryTaskStore() if request.param == "memory" else _redis_store(redis_server)
    yield made
    await made.close()


@pytest.fixture
async def pair(redis_server: RedisServer) -> AsyncIterator[tuple[RedisTaskStore, RedisTaskStore]]:
    """Two store instances (as in two agent processes) sharing one Redis and prefix."""
    prefix = f"pair{next(_prefixes)}"
    a = RedisTaskStore(redis_server.url, prefix=prefix)
    b = RedisTaskStore(redis_server.url, prefix=prefix)
    yield a, b
    await a.close()
    await b.close()


def task(
    task_id: str,
    *,
    ts: str = "2025-01-01T00:00:00.000Z",
    context_id: str = "ctx",
    state: TaskState = S.SUBMITTED,
    owner: str | None = None,
    tenant: str | None = None,
) -> Task:
    return Task(
        id=task_id,
        context_id=context_id,
        status=TaskStatus(state=state, timestamp=ts),
        owner=owner,
        tenant=tenant,
    )


def status(
    task_id: str, state: TaskState, ts: str = "2025-01-01T00:00:01.000Z", text: str = ""
) -> StatusUpdate:
    msg = (
        Message(message_id=f"s-{ts}", role=Role.AGENT, parts=[Part("text", text)]) if text else None
    )
    return StatusUpdate(task_id, "ctx", TaskStatus(state, ts, msg), final=state.is_terminal)


def artifact(task_id: str, text: str, *, aid: str = "a", append: bool = False) -> ArtifactUpdate:
    return ArtifactUpdate(task_id, "ctx", Artifact(aid, [Part("text", text)]), append=append)


async def _drain(sub: AsyncIterator[TaskEvent]) -> list[TaskEvent]:
    return await asyncio.wait_for(_collect(sub), BOUND)


async def _collect(sub: AsyncIterator[TaskEvent]) -> list[TaskEvent]:
    return [e async for e in sub]


# -- the shared contract ------------------------------------------------------------------------
async def test_create_get_and_scoping(store: TaskStore) -> None:
    await store.create_task(task("anon"))
    await store.create_task(task("alice", owner="alice"))
    await store.create_task(task("alice-t1", owner="alice", tenant="t1"))
    assert (await store.get_task("anon", ANON)) is not None
    assert await store.get_task("anon", TaskScope("alice")) is None
    assert await store.get_task("alice", ANON) is None
    assert await store.get_task("alice", TaskScope("bob")) is None
    assert await store.get_task("alice", TaskScope("alice")) is not None
    assert await store.get_task("alice-t1", TaskScope("alice")) is None
    assert await store.get_task("alice-t1", TaskScope("alice", "t1")) is not None
    assert await store.get_task("alice", None) is not None
    assert await store.get_task("missing", ANON) is None


async def test_records_round_trip_every_field(store: TaskStore) -> None:
    rich = task("t", owner="o", tenant="tn")
    rich.metadata = {"k": [1, 2.5, None, "x"]}
    rich.history.append(
        Message(
            "m1",
            Role.USER,
            [
                Part("text", "hi", "text/plain", None, {"a": 1}),
                Part("raw", b"\x00\xffbytes", "application/octet-stream", "f.bin"),
                Part("url", "https://e/x", "image/png", "x.png"),
                Part("data", {"nested": {"v": [True]}}),
            ],
            context_id="ctx",
            task_id="t",
            reference_task_ids=["r1"],
            extensions=["urn:e"],
            metadata={"m": "d"},
        )
    )
    await store.create_task(rich)
    got = await store.get_task("t", TaskScope("o", "tn"))
    assert got == rich
    reg = PushRegistration(
        PushConfig("c", "t", "https://h/", "tok", PushAuthentication(["Bearer"], "cred"), "tn"),
        "0.3",
    )
    await store.set_push_config(reg)
    assert await store.get_push_config("t", "c") == reg


async def test_snapshots_are_isolated_from_the_store(store: TaskStore) -> None:
    await store.create_task(task("t"))
    snap = await store.get_task("t", ANON)
    assert snap is not None
    snap.history.append(Message("x", Role.USER, [Part("text", "x")]))
    snap.artifacts.append(Artifact("z", [Part("text", "z")]))
    again = await store.get_task("t", ANON)
    assert again is not None and again.history == [] and again.artifacts == []


async def test_apply_status_appends_history_and_checks_the_state_machine(store: TaskStore) -> None:
    await store.create_task(task("t"))
    follow_up = Message("u1", Role.USER, [Part("text", "more")])
    applied = await store.apply_event(
        "t", status("t", S.WORKING, text="thinking"), message=follow_up
    )
    assert applied.seq == 1 and applied.previous_state is S.SUBMITTED
    assert applied.task is not None and applied.task.status.state is S.WORKING
    assert [m.message_id for m in applied.task.history] == ["u1", "s-2025-01-01T00:00:01.000Z"]
    await store.apply_event("t", status("t", S.COMPLETED, "2025-01-01T00:00:02.000Z"))
    with pytest.raises(TerminalStateError):
        await store.apply_event("t", status("t", S.WORKING, "2025-01-01T00:00:03.000Z"))
    with pytest.raises(TerminalStateError):
        await store.apply_event("t", artifact("t", "late"))
    final = await store.get_task("t", ANON)
    assert final is not None and final.status.state is S.COMPLETED


async def test_a_batch_is_all_or_nothing(store: TaskStore) -> None:
    await store.create_task(task("t"))
    with pytest.raises(TerminalStateError):
        await store.apply_events(
            "t", [status("t", S.COMPLETED), status("t", S.WORKING, "2025-01-01T00:00:02.000Z")]
        )
    snap = await store.get_task("t", ANON)
    assert snap is not None and snap.status.state is S.SUBMITTED
    applied = await store.apply_events("t", [status("t", S.WORKING), artifact("t", "x")])
    assert applied.seq == 2


async def test_apply_with_expect_and_unknown_task(store: TaskStore) -> None:
    await store.create_task(task("t"))
    with pytest.raises(StateConflictError) as info:
        await store.apply_event("t", status("t", S.WORKING), expect=frozenset({S.INPUT_REQUIRED}))
    assert info.value.current is S.SUBMITTED
    with pytest.raises(TaskNotFoundError):
        await store.apply_event("nope", status("nope", S.WORKING))


async def test_snapshot_false_and_push_snapshots_per_event(store: TaskStore) -> None:
    await store.create_task(task("t"))
    applied = await store.apply_event("t", status("t", S.WORKING), snapshot=False)
    assert applied.task is None
    await store.set_push_config(PushRegistration(PushConfig("c", "t", "http://x/"), "1.0"))
    applied = await store.apply_events(
        "t", [artifact("t", "x"), artifact("t", "y", append=True)], snapshot=False
    )
    assert applied.task is not None and len(applied.push_targets) == 1
    assert [[p.content for p in s.artifacts[0].parts] for s in applied.snapshots] == [
        ["x"],
        ["x", "y"],
    ]


async def test_artifacts_add_replace_and_append_chunks(store: TaskStore) -> None:
    await store.create_task(task("t"))
    await store.apply_event("t", artifact("t", "one"))
    await store.apply_event("t", artifact("t", "two", append=True))
    await store.apply_event("t", artifact("t", "other", aid="b"))
    await store.apply_event("t", artifact("t", "new", aid="b"))
    await store.apply_event("t", artifact("t", "fresh", aid="c", append=True))
    snap = await store.get_task("t", ANON)
    assert snap is not None
    assert [(a.artifact_id, [p.content for p in a.parts]) for a in snap.artifacts] == [
        ("a", ["one", "two"]),
        ("b", ["new"]),
        ("c", ["fresh"]),
    ]


async def test_subscribers_see_the_same_sequence_and_end_at_terminal(store: TaskStore) -> None:
    await store.create_task(task("t"))
    _, first = await store.open_subscription("t")
    _, second = await store.open_subscription("t")
    readers = [asyncio.create_task(_drain(first)), asyncio.create_task(_drain(second))]
    events: list[TaskEvent] = [
        status("t", S.WORKING),
        artifact("t", "1"),
        artifact("t", "2", append=True),
        status("t", S.COMPLETED, "2025-01-01T00:00:09.000Z"),
    ]
    for event in events:
        await store.apply_event("t", event)
    seen = await asyncio.wait_for(asyncio.gather(*readers), BOUND)
    assert seen[0] == events and seen[1] == events


async def test_late_subscriber_replays_from_start_and_snapshot_has_no_gap(
    store: TaskStore,
) -> None:
    await store.create_task(task("t"))
    e1, e2, e3 = (
        status("t", S.WORKING),
        artifact("t", "x"),
        status("t", S.COMPLETED, "2025-01-01T00:00:05.000Z"),
    )
    await store.apply_event("t", e1)
    await store.apply_event("t", e2)
    _, replay = await store.open_subscription("t", from_start=True)
    snap, tail = await store.open_subscription("t", ANON)
    assert snap.status.state is S.WORKING and len(snap.artifacts) == 1
    await store.apply_event("t", e3)
    assert await _drain(replay) == [e1, e2, e3]
    assert await _drain(tail) == [e3]


async def test_closing_one_subscriber_leaves_the_others(store: TaskStore) -> None:
    await store.create_task(task("t"))
    _, closed = await store.open_subscription("t")
    _, survivor = await store.open_subscription("t")
    await closed.aclose()
    event = status("t", S.WORKING)
    await store.apply_event("t", event)
    assert await asyncio.wait_for(survivor.__anext__(), BOUND) == event
    with pytest.raises(StopAsyncIteration):
        await closed.__anext__()


async def test_subscription_to_unknown_or_foreign_task(store: TaskStore) -> None:
    await store.create_task(task("t", owner="alice"))
    with pytest.raises(TaskNotFoundError):
        await store.open_subscription("nope")
    with pytest.raises(TaskNotFoundError):
        await store.open_subscription("t", TaskScope("bob"))


async def test_terminal_task_subscription_is_empty(store: TaskStore) -> None:
    await store.create_task(task("t"))
    _, reader = await store.open_subscription("t")
    done = status("t", S.FAILED)
    await store.apply_event("t", done)
    assert await _drain(reader) == [done]
    snap, after = await store.open_subscription("t")
    assert snap.status.state is S.FAILED and await _drain(after) == []


async def _seed_for_listing(store: TaskStore) -> None:
    stamps = {
        "t1": "2025-01-01T00:00:01.000Z",
        "t2": "2025-01-01T00:00:03.000Z",
        "t3": "2025-01-01T00:00:03.000Z",
        "t4": "2025-01-01T00:00:04.000Z",
        "t5": "2025-01-01T00:00:02.000Z",
    }
    for tid, ts in stamps.items():
        await store.create_task(
            task(tid, ts=ts, context_id="even" if tid in ("t2", "t4") else "odd")
        )
    await store.create_task(task("foreign", ts="2025-01-01T00:00:09.000Z", owner="bob"))
    await store.apply_event("t5", status("t5", S.COMPLETED, "2025-01-01T00:00:05.000Z"))


async def test_list_orders_by_status_timestamp_desc_with_stable_tiebreak(store: TaskStore) -> None:
    await _seed_for_listing(store)
    result = await store.list_tasks(ANON, ListTasksQuery(page_size=50))
    assert [t.id for t in result.tasks] == ["t5", "t4", "t3", "t2", "t1"]
    assert result.total_size == 5 and result.next_page_token == "" and result.page_size == 50


async def test_list_paginates_with_opaque_cursor_without_gaps_or_repeats(store: TaskStore) -> None:
    await _seed_for_listing(store)
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        page = await store.list_tasks(ANON, ListTasksQuery(page_size=2, page_token=token))
        assert page.total_size == 5
        seen += [t.id for t in page.tasks]
        pages += 1
        if not page.next_page_token:
            break
        token = page.next_page_token
    assert seen == ["t5", "t4", "t3", "t2", "t1"] and pages == 3


async def test_list_filters_context_status_and_timestamp_inclusive(store: TaskStore) -> None:
    await _seed_for_listing(store)
    even = await store.list_tasks(ANON, ListTasksQuery(context_id="even", page_size=1))
    assert [t.id for t in even.tasks] == ["t4"] and even.total_size == 2
    rest = await store.list_tasks(
        ANON, ListTasksQuery(context_id="even", page_size=1, page_token=even.next_page_token)
    )
    assert [t.id for t in rest.tasks] == ["t2"] and rest.next_page_token == ""
    done = await store.list_tasks(ANON, ListTasksQuery(status=S.COMPLETED))
    assert [t.id for t in done.tasks] == ["t5"] and done.total_size == 1
    recent = await store.list_tasks(
        ANON, ListTasksQuery(status_timestamp_after="2025-01-01T00:00:03.000Z")
    )
    assert [t.id for t in recent.tasks] == ["t5", "t4", "t3", "t2"] and recent.total_size == 4
    bobs = await store.list_tasks(TaskScope("bob"), ListTasksQuery())
    assert [t.id for t in bobs.tasks] == ["foreign"]


async def test_list_rejects_a_forged_page_token(store: TaskStore) -> None:
    await _seed_for_listing(store)
    with pytest.raises(InvalidParamsError) as info:
        await store.list_tasks(ANON, ListTasksQuery(page_token="!!not-base64!!"))
    assert info.value.field == "pageToken"


async def test_push_configs_crud_cap_and_targets(store: TaskStore) -> None:
    await store.create_task(task("t"))
    await store.set_push_config(PushRegistration(PushConfig("c1", "t", "https://a/"), "1.0"))
    await store.set_push_config(PushRegistration(PushConfig("c2", "t", "https://b/"), "0.3"))
    await store.set_push_config(PushRegistration(PushConfig("c1", "t", "https://a2/"), "1.0"))
    listed = await store.list_push_configs("t")
    assert [(r.config.id, r.config.url) for r in listed] == [
        ("c1", "https://a2/"),
        ("c2", "https://b/"),
    ]
    assert (await store.get_push_config("t", "c2")).version == "0.3"  # type: ignore[union-attr]
    applied = await store.apply_event("t", status("t", S.WORKING))
    assert [r.config.id for r in applied.push_targets] == ["c1", "c2"]
    assert await store.delete_push_config("t", "c1") is True
    assert await store.delete_push_config("t", "c1") is False
    applied = await store.apply_event("t", artifact("t", "x"))
    assert [r.config.id for r in applied.push_targets] == ["c2"]
    with pytest.raises(TaskNotFoundError):
        await store.set_push_config(PushRegistration(PushConfig("c", "nope", "https://a/"), "1.0"))
    for i in range(MAX_PUSH_CONFIGS_PER_TASK - 1):
        await store.set_push_config(PushRegistration(PushConfig(f"x{i}", "t", "https://a/"), "1.0"))
    with pytest.raises(InvalidParamsError, match="push notification configs"):
        await store.set_push_config(PushRegistration(PushConfig("over", "t", "https://a/"), "1.0"))


async def test_cancel_signal_reaches_local_listeners(store: TaskStore) -> None:
    heard: list[str] = []
    store.add_cancel_listener(heard.append)
    await store.signal_cancel("t9")
    assert heard == ["t9"]


async def test_live_task_ids(store: TaskStore) -> None:
    await store.create_task(task("a"))
    await store.create_task(task("b"))
    await store.apply_event("a", status("a", S.COMPLETED))
    assert await store.live_task_ids() == ["b"]


# -- Redis only ---------------------------------------------------------------------------------
async def test_open_store_picks_redis_for_redis_urls(redis_server: RedisServer) -> None:
    made = open_store(AgentSettings(store_url=redis_server.url))
    assert isinstance(made, RedisTaskStore) and made.durable
    await made.ping()
    await made.close()
    with pytest.raises(ValueError, match="'postgres'"):
        open_store(AgentSettings(store_url="postgres://u:secret@h/db"))


def test_password_never_appears_in_the_store_url() -> None:
    made = RedisTaskStore("redis://user:s3cret@127.0.0.1:1/0")
    assert "s3cret" not in made.url and made.url == "redis://***@127.0.0.1:1/0"


async def test_terminal_tasks_expire_on_the_server(redis_server: RedisServer) -> None:
    made = _redis_store(redis_server, task_ttl_seconds=30)
    try:
        await made.create_task(task("done"))
        await made.create_task(task("live"))
        await made.set_push_config(PushRegistration(PushConfig("c", "done", "https://a/"), "1.0"))
        await made.apply_event("done", status("done", S.COMPLETED))
        raw = made._redis
        for kind in ("task", "events", "push", "pushord"):
            assert 0 < await raw.pttl(made._key(kind, "done")) <= 30_000, kind
        assert await raw.pttl(made._key("task", "live")) == -1  # live tasks never expire
        # Expiry is Redis's job; simulate it having happened and check the index follows.
        ended = f"{made.prefix}:ended"
        (entry,) = await raw.zrange(ended, 0, -1)
        assert isinstance(entry, bytes)
        await raw.delete(made._key("task", "done"))
        await raw.zadd(ended, {entry: 0})  # its expiry time is now in the past
        listed = await made.list_tasks(ANON, ListTasksQuery())
        assert [t.id for t in listed.tasks] == ["live"] and listed.total_size == 1
    finally:
        await made.close()


async def test_max_tasks_bounds_live_tasks(redis_server: RedisServer) -> None:
    made = _redis_store(redis_server, max_tasks=2)
    try:
        await made.create_task(task("a"))
        await made.create_task(task("b"))
        with pytest.raises(ServiceUnavailableError, match="max_tasks"):
            await made.create_task(task("c"))
        await made.apply_event("a", status("a", S.COMPLETED))
        await made.create_task(task("c"))  # a terminal task no longer counts
    finally:
        await made.close()


async def test_racing_instances_end_in_one_terminal_state(
    pair: tuple[RedisTaskStore, RedisTaskStore],
) -> None:
    a, b = pair
    for i in range(20):
        tid = f"race{i}"
        await a.create_task(task(tid))
        await a.apply_event(tid, status(tid, S.WORKING))
        results = await asyncio.gather(
            a.apply_event(tid, status(tid, S.COMPLETED, "2025-01-01T00:00:02.000Z")),
            b.apply_event(tid, status(tid, S.CANCELED, "2025-01-01T00:00:02.000Z")),
            return_exceptions=True,
        )
        won = [r for r in results if not isinstance(r, BaseException)]
        lost = [r for r in results if isinstance(r, BaseException)]
        assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], TerminalStateError)
        final = await b.get_task(tid, ANON)
        assert final is not None and final.status.state is won[0].event.status.state  # type: ignore[union-attr]
        _, replay = await b.open_subscription(tid, from_start=True)
        assert len(await _drain(replay)) == 2  # WORKING and the single terminal event


async def test_subscriber_on_b_sees_every_event_applied_on_a(
    pair: tuple[RedisTaskStore, RedisTaskStore],
) -> None:
    a, b = pair
    await a.create_task(task("t"))
    _, on_a = await a.open_subscription("t")
    _, on_b = await b.open_subscription("t")
    readers = [asyncio.create_task(_drain(on_a)), asyncio.create_task(_drain(on_b))]
    events: list[TaskEvent] = [status("t", S.WORKING)] + [
        artifact("t", str(i), append=i > 0) for i in range(50)
    ]
    events.append(status("t", S.COMPLETED, "2025-01-01T00:00:09.000Z"))
    for i, event in enumerate(events):
        await (a if i % 2 else b).apply_event("t", event)  # writers alternate between instances
    seen_a, seen_b = await asyncio.wait_for(asyncio.gather(*readers), BOUND)
    assert seen_a == events and seen_b == events


async def test_cancel_signal_reaches_the_other_instance(
    pair: tuple[RedisTaskStore, RedisTaskStore],
) -> None:
    a, b = pair
    heard_a: list[str] = []
    heard_b: asyncio.Queue[str] = asyncio.Queue()
    a.add_cancel_listener(heard_a.append)
    b.add_cancel_listener(heard_b.put_nowait)
    await b.ping()  # the channel is subscribed once ping answers: wait for the subscription
    await _until(lambda: _subscribed(a, b))
    await a.signal_cancel("t1")
    assert await asyncio.wait_for(heard_b.get(), BOUND) == "t1"
    assert heard_a == ["t1"]  # locally once, not again through the channel


async def _subscribed(a: RedisTaskStore, b: RedisTaskStore) -> bool:
    counts = await a._redis.pubsub_numsub(f"{a.prefix}:cancel")
    return bool(counts and counts[0][1] >= 1)


async def _until(check: Callable[[], Awaitable[bool]]) -> None:
    async def poll() -> None:
        while not await check():
            await asyncio.sleep(0.01)  # polling an observable condition, bounded below

    await asyncio.wait_for(poll(), BOUND)


async def test_outage_is_a_clear_503_and_the_store_recovers() -> None:
    with RedisServer() as server:
        made = RedisTaskStore(server.url, prefix="outage")
        try:
            await made.create_task(task("t"))
            server.stop()
            with pytest.raises(ServiceUnavailableError, match="task store unavailable"):
                await made.ping()
            with pytest.raises(ServiceUnavailableError):
                await made.get_task("t", ANON)
            server.start()
            await made.ping()
            snap = await made.get_task("t", ANON)  # acknowledged before the outage: kept
            assert snap is not None and snap.status.state is S.SUBMITTED
        finally:
            await made.close()


async def test_create_with_events_is_one_step_with_a_replayable_log(store: TaskStore) -> None:
    events: list[TaskEvent] = [status("t", S.WORKING), artifact("t", "x")]
    applied = await store.create_task_with_events(task("t"), events)
    assert applied.seq == 2 and applied.previous_state is S.SUBMITTED
    assert applied.task is not None and applied.task.status.state is S.WORKING
    snap, tail = await store.open_subscription("t")
    assert snap.artifacts[0].parts[0].content == "x"
    _, replay = await store.open_subscription("t", from_start=True)
    done = status("t", S.COMPLETED, "2025-01-01T00:00:02.000Z")
    assert (await store.apply_event("t", done)).seq == 3
    assert await _drain(replay) == [*events, done]
    assert await _drain(tail) == [done]
    with pytest.raises(TerminalStateError):
        await store.create_task_with_events(task("u"), [done, status("u", S.WORKING)])
    assert await store.get_task("u", ANON) is None  # refused events: nothing stored


async def test_a_stale_local_copy_never_decides(
    pair: tuple[RedisTaskStore, RedisTaskStore],
) -> None:
    a, b = pair
    await a.create_task(task("t"))
    await a.apply_event("t", status("t", S.WORKING))  # A now remembers WORKING at seq 1
    await b.apply_event("t", status("t", S.INPUT_REQUIRED, "2025-01-01T00:00:02.000Z"))
    # A's copy says WORKING; the expectation holds on the real task, so the step must pass.
    resumed = await a.apply_event(
        "t",
        status("t", S.WORKING, "2025-01-01T00:00:03.000Z"),
        expect=frozenset({S.INPUT_REQUIRED}),
    )
    assert resumed.seq == 3 and resumed.previous_state is S.INPUT_REQUIRED
    await b.apply_event("t", status("t", S.CANCELED, "2025-01-01T00:00:04.000Z"))
    with pytest.raises(TerminalStateError):  # A's copy says WORKING: the CAS catches it
        await a.apply_event("t", artifact("t", "late"))
    _, replay = await b.open_subscription("t", from_start=True)
    assert [e.status.state for e in await _drain(replay) if isinstance(e, StatusUpdate)] == [
        S.WORKING,
        S.INPUT_REQUIRED,
        S.WORKING,
        S.CANCELED,
    ]
