"""The in-memory task store: atomic apply, event log, scoping, bounds, ListTasks, push configs."""

from __future__ import annotations

import asyncio

import pytest

from reference_agent.errors import (
    InternalError,
    InvalidParamsError,
    ServiceUnavailableError,
    TaskNotFoundError,
)
from reference_agent.model import (
    Artifact,
    ArtifactUpdate,
    ListTasksQuery,
    Message,
    Part,
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
    Subscription,
    TaskEvent,
    TaskScope,
    TaskStore,
    open_store,
)
from reference_agent.store.base import MAX_PUSH_CONFIGS_PER_TASK, decode_cursor, encode_cursor

from .engine_support import BOUND

S = TaskState
ANON = TaskScope()


class FakeClock:
    """Monotonic seconds under the test's control (TTL tests without sleeping)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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


async def test_create_get_and_scoping() -> None:
    store = MemoryTaskStore()
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
    assert await store.get_task("alice", None) is not None  # engine-internal, unscoped
    assert await store.get_task("missing", ANON) is None


async def test_snapshots_are_isolated_from_the_store() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    snap = await store.get_task("t", ANON)
    assert snap is not None
    snap.history.append(Message("x", Role.USER, [Part("text", "x")]))
    snap.artifacts.append(Artifact("z", [Part("text", "z")]))
    again = await store.get_task("t", ANON)
    assert again is not None and again.history == [] and again.artifacts == []


async def test_apply_status_appends_history_and_checks_the_state_machine() -> None:
    store = MemoryTaskStore()
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


async def test_apply_with_expect_and_unknown_task() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    with pytest.raises(StateConflictError) as info:
        await store.apply_event("t", status("t", S.WORKING), expect=frozenset({S.INPUT_REQUIRED}))
    assert info.value.current is S.SUBMITTED
    with pytest.raises(TaskNotFoundError):
        await store.apply_event("nope", status("nope", S.WORKING))


async def test_snapshot_false_skips_the_copy_unless_push_targets_need_it() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    applied = await store.apply_event("t", status("t", S.WORKING), snapshot=False)
    assert applied.task is None
    await store.set_push_config(PushRegistration(PushConfig("c", "t", "http://x/"), "1.0"))
    applied = await store.apply_event("t", artifact("t", "x"), snapshot=False)
    assert applied.task is not None and len(applied.push_targets) == 1


async def test_artifacts_add_replace_and_append_chunks() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    await store.apply_event("t", artifact("t", "one"))
    await store.apply_event("t", artifact("t", "two", append=True))
    await store.apply_event("t", artifact("t", "other", aid="b"))
    await store.apply_event("t", artifact("t", "new", aid="b"))  # same id, no append: replace
    await store.apply_event("t", artifact("t", "fresh", aid="c", append=True))  # unknown: start
    snap = await store.get_task("t", ANON)
    assert snap is not None
    assert [(a.artifact_id, [p.content for p in a.parts]) for a in snap.artifacts] == [
        ("a", ["one", "two"]),
        ("b", ["new"]),
        ("c", ["fresh"]),
    ]


async def test_subscribers_see_the_same_sequence_and_end_at_terminal() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    _, first = await store.open_subscription("t")
    _, second = await store.open_subscription("t")

    async def read(sub: object) -> list[object]:
        return [e async for e in sub]  # type: ignore[attr-defined]

    readers = [asyncio.create_task(read(first)), asyncio.create_task(read(second))]
    events = [
        status("t", S.WORKING),
        artifact("t", "1"),
        artifact("t", "2", append=True),
        status("t", S.COMPLETED, "2025-01-01T00:00:09.000Z"),
    ]
    for event in events:
        await store.apply_event("t", event)
        await asyncio.sleep(0)  # let readers interleave with the writer (not for sync)
    seen = await asyncio.wait_for(asyncio.gather(*readers), BOUND)
    assert seen[0] == events and seen[1] == events


async def test_late_subscriber_replays_from_start_and_snapshot_has_no_gap() -> None:
    store = MemoryTaskStore()
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
    assert [e async for e in replay] == [e1, e2, e3]
    assert [e async for e in tail] == [e3]  # exactly the events after the snapshot


async def test_closing_or_cancelling_one_subscriber_leaves_the_others() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    _, doomed = await store.open_subscription("t")
    _, closed = await store.open_subscription("t")
    _, survivor = await store.open_subscription("t")
    waiting = asyncio.create_task(doomed.__anext__())
    other = asyncio.create_task(survivor.__anext__())
    # One loop turn runs both new tasks to their first suspension (FIFO scheduling): the log
    # then holds their two waiters. Asserted, so the precondition cannot silently fail.
    await asyncio.sleep(0)
    log = store._tasks["t"].log
    assert log is not None and log._waiters is not None and len(log._waiters) == 2
    waiting.cancel()
    await closed.aclose()
    event = status("t", S.WORKING)
    await store.apply_event("t", event)
    assert await asyncio.wait_for(other, BOUND) == event
    with pytest.raises(StopAsyncIteration):
        await closed.__anext__()
    with pytest.raises(asyncio.CancelledError):
        await waiting


async def test_subscription_to_unknown_or_foreign_task() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t", owner="alice"))
    with pytest.raises(TaskNotFoundError):
        await store.open_subscription("nope")
    with pytest.raises(TaskNotFoundError):
        await store.open_subscription("t", TaskScope("bob"))


async def test_terminal_task_log_is_dropped_but_readers_finish() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    _, reader = await store.open_subscription("t")
    done = status("t", S.FAILED)
    await store.apply_event("t", done)
    assert [e async for e in reader] == [done]
    snap, after = await store.open_subscription("t")
    assert snap.status.state is S.FAILED and [e async for e in after] == []


async def test_ttl_evicts_terminal_tasks_only() -> None:
    clock = FakeClock()
    store = MemoryTaskStore(task_ttl_seconds=60, clock=clock)
    await store.create_task(task("done"))
    await store.create_task(task("live"))
    await store.apply_event("done", status("done", S.COMPLETED))
    clock.now += 59.9
    assert await store.get_task("done", ANON) is not None
    clock.now += 0.2
    assert await store.get_task("done", ANON) is None
    clock.now += 10_000
    await store.create_task(task("new"))
    assert await store.get_task("live", ANON) is not None
    assert len(store) == 2


async def test_max_tasks_evicts_oldest_terminal_first_then_refuses() -> None:
    clock = FakeClock()
    store = MemoryTaskStore(max_tasks=3, clock=clock)
    for name in ("a", "b", "c"):
        await store.create_task(task(name))
    await store.apply_event("b", status("b", S.COMPLETED))
    clock.now += 1
    await store.apply_event("a", status("a", S.COMPLETED))
    await store.create_task(task("d"))  # evicts b (ended first), not a
    assert await store.get_task("b", ANON) is None
    assert await store.get_task("a", ANON) is not None
    await store.create_task(task("e"))  # evicts a
    assert await store.get_task("a", ANON) is None
    with pytest.raises(ServiceUnavailableError, match="max_tasks"):
        await store.create_task(task("f"))
    assert sorted(await store.live_task_ids()) == ["c", "d", "e"]


async def _seed_for_listing(store: MemoryTaskStore) -> None:
    # Five tasks; t2 and t3 share a timestamp (tie broken by id, descending).
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


async def test_list_orders_by_status_timestamp_desc_with_stable_tiebreak() -> None:
    store = MemoryTaskStore()
    await _seed_for_listing(store)
    result = await store.list_tasks(ANON, ListTasksQuery(page_size=50))
    assert [t.id for t in result.tasks] == ["t5", "t4", "t3", "t2", "t1"]
    assert result.total_size == 5 and result.next_page_token == "" and result.page_size == 50


async def test_list_paginates_with_opaque_cursor_without_gaps_or_repeats() -> None:
    store = MemoryTaskStore()
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


async def test_list_filters_context_status_and_timestamp_inclusive() -> None:
    store = MemoryTaskStore()
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


async def test_list_rejects_a_forged_page_token() -> None:
    store = MemoryTaskStore()
    await _seed_for_listing(store)
    with pytest.raises(InvalidParamsError) as info:
        await store.list_tasks(ANON, ListTasksQuery(page_token="!!not-base64!!"))
    assert info.value.field == "pageToken"
    assert decode_cursor(encode_cursor("2025-01-01T00:00:00.000Z", "x")) == (
        "2025-01-01T00:00:00.000Z",
        "x",
    )


async def test_push_configs_crud_cap_and_targets() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    first = PushRegistration(PushConfig("c1", "t", "https://a/"), "1.0")
    await store.set_push_config(first)
    await store.set_push_config(PushRegistration(PushConfig("c2", "t", "https://b/"), "0.3"))
    assert [r.config.id for r in await store.list_push_configs("t")] == ["c1", "c2"]
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
    await store.set_push_config(PushRegistration(PushConfig("c2", "t", "https://c/"), "1.0"))


async def test_cancel_signal_reaches_listeners() -> None:
    store = MemoryTaskStore()
    heard: list[str] = []
    store.add_cancel_listener(heard.append)
    await store.signal_cancel("t9")
    assert heard == ["t9"]


def test_open_store_supports_memory_and_names_unsupported_schemes() -> None:
    from reference_agent.config import AgentSettings

    assert isinstance(open_store(AgentSettings()), MemoryTaskStore)
    with pytest.raises(ValueError, match="'postgres'"):
        open_store(AgentSettings(store_url="postgres://h:1"))


async def test_index_stays_bounded_under_updates_and_eviction() -> None:
    clock = FakeClock()
    store = MemoryTaskStore(max_tasks=50, task_ttl_seconds=1e9, clock=clock)
    for i in range(2000):
        tid = f"t{i:05d}"
        await store.create_task(task(tid, ts=f"2025-01-01T00:00:00.{i % 1000:03d}Z"))
        await store.apply_event(
            tid, status(tid, S.WORKING, f"2025-01-02T{i // 1000:02d}:00:00.{i % 1000:03d}Z")
        )
        await store.apply_event(
            tid, status(tid, S.COMPLETED, f"2025-01-03T{i // 1000:02d}:00:00.{i % 1000:03d}Z")
        )
        clock.now += 1
    index = store._index[ANON]
    assert index.live == len(store) == 50
    assert len(index.keys) <= 2 * 50 + 33  # stale keys are compacted away
    listed = await store.list_tasks(ANON, ListTasksQuery(page_size=100))
    assert [t.id for t in listed.tasks] == [f"t{i:05d}" for i in range(1999, 1949, -1)]
    assert listed.total_size == 50


# -- batches and creation with events --------------------------------------------------------------
async def _drain(subscription: Subscription) -> list[TaskEvent]:
    """Every event until the subscription ends (bounded: a hang is a failure)."""

    async def read() -> list[TaskEvent]:
        return [event async for event in subscription]

    return await asyncio.wait_for(read(), BOUND)


async def test_a_batch_is_applied_in_order_or_not_at_all() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    _, subscription = await store.open_subscription("t")
    refused: list[TaskEvent] = [
        status("t", S.WORKING),
        status("t", S.COMPLETED),
        artifact("t", "late"),
    ]
    with pytest.raises(TerminalStateError):
        await store.apply_events("t", refused)
    unchanged = await store.get_task("t", ANON)
    assert unchanged is not None and unchanged.status.state is S.SUBMITTED
    assert unchanged.artifacts == []
    batch: list[TaskEvent] = [
        status("t", S.WORKING),
        artifact("t", "x"),
        status("t", S.COMPLETED, text="done"),
    ]
    applied = await store.apply_events("t", batch)
    assert applied.seq == 3 and applied.previous_state is S.SUBMITTED
    assert applied.event is batch[-1] and list(applied.events) == batch
    assert applied.task is not None and applied.task.status.state is S.COMPLETED
    assert [a.artifact_id for a in applied.task.artifacts] == ["a"]
    assert await _drain(subscription) == batch  # it ends: the batch made the task terminal
    with pytest.raises(ValueError, match="at least one event"):
        await store.apply_events("t", [])


async def test_a_batch_gives_push_payloads_a_snapshot_after_each_event() -> None:
    store = MemoryTaskStore()
    await store.create_task(task("t"))
    await store.set_push_config(PushRegistration(PushConfig("c", "t", "http://x/"), "0.3"))
    applied = await store.apply_events(
        "t", [status("t", S.WORKING), artifact("t", "x"), status("t", S.COMPLETED)], snapshot=False
    )
    states = [s.status.state for s in applied.snapshots]
    assert states == [S.WORKING, S.WORKING, S.COMPLETED]
    assert [len(s.artifacts) for s in applied.snapshots] == [0, 1, 1]
    assert applied.task is applied.snapshots[-1]


async def test_create_with_events_stores_the_task_as_after_its_events() -> None:
    store = MemoryTaskStore()
    events: list[TaskEvent] = [status("t", S.WORKING), artifact("t", "x"), status("t", S.COMPLETED)]
    applied = await store.create_task_with_events(task("t"), events)
    assert applied.seq == 3 and applied.previous_state is S.SUBMITTED
    assert applied.push_targets == () and applied.task is not None
    stored = await store.get_task("t", ANON)
    assert stored is not None and stored.status.state is S.COMPLETED
    assert stored is not applied.task and stored.artifacts == applied.task.artifacts
    # Terminal at birth: nothing to subscribe to, but listed and evictable like any other.
    _, subscription = await store.open_subscription("t")
    assert await _drain(subscription) == []
    assert (await store.list_tasks(ANON, ListTasksQuery())).total_size == 1
    assert await store.live_task_ids() == []


async def test_create_with_events_keeps_the_log_of_a_task_that_stays_live() -> None:
    store = MemoryTaskStore()
    events = [status("t", S.WORKING), status("t", S.INPUT_REQUIRED)]
    await store.create_task_with_events(task("t"), events, snapshot=False)
    assert await store.live_task_ids() == ["t"]
    _, replay = await store.open_subscription("t", from_start=True)
    await store.apply_event("t", status("t", S.CANCELED))
    replayed = await _drain(replay)
    assert [e.status.state for e in replayed] == [  # type: ignore[union-attr]
        S.WORKING,
        S.INPUT_REQUIRED,
        S.CANCELED,
    ]


async def test_create_with_refused_events_stores_nothing() -> None:
    store = MemoryTaskStore()
    with pytest.raises(TerminalStateError):
        await store.create_task_with_events(
            task("t"), [status("t", S.COMPLETED), status("t", S.WORKING)]
        )
    assert await store.get_task("t", None) is None and len(store) == 0
    await store.create_task(task("dup"))
    with pytest.raises(InternalError, match="already exists"):
        await store.create_task_with_events(task("dup"), [status("dup", S.WORKING)])


async def test_create_with_events_refuses_a_full_store_of_live_tasks() -> None:
    store = MemoryTaskStore(max_tasks=1)
    await store.create_task(task("live"))
    with pytest.raises(ServiceUnavailableError, match="max_tasks"):
        await store.create_task_with_events(task("t"), [status("t", S.COMPLETED)])
    assert await store.get_task("t", None) is None


async def test_the_seam_default_for_create_with_events_is_create_then_apply() -> None:
    # What a store that does not override it (Redis) gets: same outcome, same refusals.
    store = MemoryTaskStore()
    default = TaskStore.create_task_with_events
    applied = await default(store, task("t"), [status("t", S.WORKING), status("t", S.COMPLETED)])
    assert applied.seq == 2 and applied.task is not None
    assert applied.task.status.state is S.COMPLETED
    with pytest.raises(TerminalStateError):
        await default(store, task("u"), [status("u", S.COMPLETED), artifact("u", "late")])
    assert await store.get_task("u", None) is None
