"""TaskService: send (blocking / non-blocking), streams, subscribe, cancel, deadlines, shutdown,
ListTasks, history, contextId/taskId rules, limits, capability gating, push config CRUD."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from reference_agent import behaviours
from reference_agent.engine import SHUTDOWN_MESSAGE, TaskService
from reference_agent.errors import (
    ExtendedAgentCardNotConfiguredError,
    ExtensionSupportRequiredError,
    InvalidParamsError,
    PushNotificationNotSupportedError,
    ServiceUnavailableError,
    TaskNotCancelableError,
    TaskNotFoundError,
    UnsupportedOperationError,
)
from reference_agent.executor import DEADLINE_MESSAGE
from reference_agent.model import (
    ArtifactUpdate,
    ListTasksQuery,
    Message,
    Part,
    PushConfig,
    Role,
    StatusUpdate,
    Task,
    TaskState,
)

from .engine_support import BOUND, captured_log_lines, collect, ctx, make_service, send, states

S = TaskState


async def _task(service: TaskService, text: str, **kw: Any) -> Task:
    result = await service.send_message(send(text, **kw), ctx())
    assert isinstance(result, Task)
    return result


async def _until_final(service: TaskService, task_id: str) -> Task:
    """Wait (bounded) for the task to reach a terminal or interrupted state, via a subscription."""
    with contextlib.suppress(UnsupportedOperationError):  # already terminal
        await collect(service.subscribe_to_task(task_id, ctx()))
    return await service.get_task(task_id, None, ctx())


# -- SendMessage -------------------------------------------------------------------------------
async def test_blocking_send_returns_the_final_task_with_artifacts_and_history() -> None:
    service = make_service()
    task = await _task(service, "hello")
    assert task.status.state is S.COMPLETED
    assert task.artifacts[0].parts[0].content == "hello"
    assert task.context_id and task.id and task.history[0].task_id == task.id
    assert task.history[0].context_id == task.context_id
    assert task.status.timestamp.endswith("Z") and len(task.status.timestamp) == 24


async def test_non_blocking_send_returns_at_creation_and_work_continues() -> None:
    service = make_service()
    task = await _task(service, "slow 0.05", blocking=False)
    assert task.status.state is S.SUBMITTED
    assert (await service.get_task(task.id, None, ctx())).status.state in (S.SUBMITTED, S.WORKING)
    final = await _until_final(service, task.id)
    assert final.status.state is S.COMPLETED


async def test_non_blocking_instant_behaviour_still_returns_in_progress() -> None:
    service = make_service()
    task = await _task(service, "hello", blocking=False)
    assert task.status.state is S.SUBMITTED and task.artifacts == []
    assert (await _until_final(service, task.id)).status.state is S.COMPLETED


async def test_blocking_send_of_a_spawned_behaviour_waits_for_the_end() -> None:
    service = make_service()
    task = await _task(service, "stream 3 1")
    assert task.status.state is S.COMPLETED
    assert len(task.artifacts[0].parts) == 3


async def test_context_id_generated_when_absent_and_kept_when_given() -> None:
    service = make_service()
    generated = await _task(service, "hello")
    assert generated.context_id
    kept = await _task(service, "hello", context_id="my-context")
    assert kept.context_id == "my-context"
    reply = await service.send_message(send("message x", context_id="c-9"), ctx())
    assert isinstance(reply, Message) and reply.context_id == "c-9"


async def test_task_id_rules() -> None:
    service = make_service()
    with pytest.raises(TaskNotFoundError):
        await service.send_message(send("x", task_id="no-such-task"), ctx())
    waiting = await _task(service, "input-required")
    with pytest.raises(InvalidParamsError) as mismatch:
        await service.send_message(send("x", task_id=waiting.id, context_id="other"), ctx())
    assert mismatch.value.field == "message.contextId"
    with pytest.raises(TaskNotFoundError):  # another principal cannot even see it
        await service.send_message(send("x", task_id=waiting.id), ctx(principal="mallory"))
    done = await _task(service, "hello")
    with pytest.raises(UnsupportedOperationError, match="terminal"):
        await service.send_message(send("x", task_id=done.id), ctx())
    busy = await _task(service, "slow 5", blocking=False)
    with pytest.raises(UnsupportedOperationError, match="not waiting for input"):
        await service.send_message(send("x", task_id=busy.id), ctx())
    await service.cancel_task(busy.id, ctx())
    resumed = await service.send_message(
        send("more", message_id="m-2", task_id=waiting.id, context_id=waiting.context_id), ctx()
    )
    assert isinstance(resumed, Task) and resumed.status.state is S.COMPLETED


async def test_history_length_semantics_and_status_messages_in_history() -> None:
    service = make_service()
    first = await _task(service, "input-required")
    done = await _task(service, "answer", message_id="m-2", task_id=first.id)
    roles = [m.role for m in done.history]
    assert roles == [Role.USER, Role.AGENT, Role.USER]  # user, status message, follow-up
    assert len((await service.get_task(done.id, 0, ctx())).history) == 0
    last = (await service.get_task(done.id, 1, ctx())).history
    assert [m.message_id for m in last] == ["m-2"]
    assert len((await service.get_task(done.id, None, ctx())).history) == 3
    short = await service.send_message(send("hello", history_length=0), ctx())
    assert isinstance(short, Task) and short.history == []
    with pytest.raises(InvalidParamsError):
        await service.get_task(done.id, -1, ctx())


@pytest.mark.parametrize(
    ("request_kw", "settings", "needle"),
    [
        ({"parts": []}, {}, "must not be empty"),
        ({"parts": [Part("text", "x")] * 3}, {"max_parts_per_message": 2}, "max_parts_per_message"),
        ({"parts": [Part("text", "é" * 60)]}, {"max_message_bytes": 100}, "max_message_bytes"),
        ({"parts": [Part("raw", b"x" * 101)]}, {"max_message_bytes": 100}, "max_message_bytes"),
        (
            {"parts": [Part("data", {"k": "v" * 100})]},
            {"max_message_bytes": 100},
            "max_message_bytes",
        ),
        ({"message_id": ""}, {}, "messageId"),
    ],
)
async def test_limits_and_validation_are_invalid_params(
    request_kw: dict[str, Any], settings: dict[str, Any], needle: str
) -> None:
    service = make_service(**settings)
    with pytest.raises(InvalidParamsError, match=needle):
        await service.send_message(send("hello", **request_kw), ctx())
    assert await service.store.live_task_ids() == []  # nothing was created


async def test_agent_role_is_refused() -> None:
    service = make_service()
    request = send("hello")
    request.message.role = Role.AGENT
    with pytest.raises(InvalidParamsError, match="role"):
        await service.send_message(request, ctx())


async def test_bad_behaviour_argument_creates_no_task() -> None:
    service = make_service()
    with pytest.raises(InvalidParamsError, match="'seconds'"):
        await service.send_message(send("slow abc"), ctx())
    assert (await service.list_tasks(ListTasksQuery(), ctx())).total_size == 0


# -- streaming ---------------------------------------------------------------------------------
async def test_stream_starts_with_the_task_and_ends_at_terminal() -> None:
    service = make_service()
    events = await collect(service.send_streaming_message(send("hello"), ctx()))
    assert isinstance(events[0], Task) and events[0].status.state is S.SUBMITTED
    assert states(events) == ["task:submitted", "working", "completed"]
    assert isinstance(events[2], ArtifactUpdate)
    final = events[-1]
    assert isinstance(final, StatusUpdate) and final.final


async def test_stream_ends_at_an_interrupted_state_with_final_flag() -> None:
    service = make_service()
    events = await collect(service.send_streaming_message(send("input-required"), ctx()))
    assert states(events) == ["task:submitted", "input-required"]
    last = events[-1]
    assert isinstance(last, StatusUpdate) and last.final
    first = events[0]
    assert isinstance(first, Task)
    follow = await collect(
        service.send_streaming_message(send("go on", message_id="m-2", task_id=first.id), ctx())
    )
    assert states(follow) == ["task:working", "completed"]


async def test_message_only_stream_yields_exactly_one_message() -> None:
    service = make_service()
    events = await collect(service.send_streaming_message(send("message hi"), ctx()))
    assert len(events) == 1 and isinstance(events[0], Message)


async def test_stream_errors_raise_on_first_anext() -> None:
    service = make_service(streaming=False)
    stream = service.send_streaming_message(send("hello"), ctx())
    with pytest.raises(UnsupportedOperationError, match="streaming"):
        await stream.__anext__()
    service = make_service()
    stream = service.send_streaming_message(send("slow zz"), ctx())
    with pytest.raises(InvalidParamsError):
        await stream.__anext__()


# -- SubscribeToTask ---------------------------------------------------------------------------
async def test_two_subscribers_get_identical_sequences_in_generation_order() -> None:
    service = make_service()
    task = await _task(service, "stream 6 5", blocking=False)
    first = asyncio.create_task(collect(service.subscribe_to_task(task.id, ctx())))
    second = asyncio.create_task(collect(service.subscribe_to_task(task.id, ctx())))
    a, b = await asyncio.wait_for(asyncio.gather(first, second), BOUND)
    assert isinstance(a[0], Task) and isinstance(b[0], Task)
    # Each subscriber's snapshot + its tail must rebuild the whole artifact: no gap, no repeat.
    for events in (a, b):
        snapshot = events[0]
        assert isinstance(snapshot, Task)
        chunks_before = len(snapshot.artifacts[0].parts) if snapshot.artifacts else 0
        chunks_after = sum(1 for e in events[1:] if isinstance(e, ArtifactUpdate))
        assert chunks_before + chunks_after == 6
        assert states(events)[-1] == "completed"
    tail_a = [e for e in a[1:] if isinstance(e, ArtifactUpdate | StatusUpdate)]
    tail_b = [e for e in b[1:] if isinstance(e, ArtifactUpdate | StatusUpdate)]
    common = min(len(tail_a), len(tail_b))
    assert tail_a[-common:] == tail_b[-common:]
    texts = [e.artifact.parts[0].content for e in tail_a if isinstance(e, ArtifactUpdate)]
    assert texts == sorted(texts, key=lambda t: int(t.split()[1]))


async def test_subscribe_errors_and_interrupted_snapshot() -> None:
    service = make_service()
    with pytest.raises(TaskNotFoundError):
        await service.subscribe_to_task("nope", ctx()).__anext__()
    done = await _task(service, "hello")
    with pytest.raises(UnsupportedOperationError, match="terminal"):
        await service.subscribe_to_task(done.id, ctx()).__anext__()
    waiting = await _task(service, "input-required")
    events = await collect(service.subscribe_to_task(waiting.id, ctx()))
    assert len(events) == 1 and isinstance(events[0], Task)
    assert events[0].status.state is S.INPUT_REQUIRED
    with pytest.raises(UnsupportedOperationError, match="streaming"):
        await make_service(streaming=False).subscribe_to_task(waiting.id, ctx()).__anext__()


async def test_closing_one_stream_does_not_affect_another() -> None:
    service = make_service()
    task = await _task(service, "stream 4 5", blocking=False)
    quitter = service.subscribe_to_task(task.id, ctx())
    assert isinstance(await asyncio.wait_for(quitter.__anext__(), BOUND), Task)
    stayer = asyncio.create_task(collect(service.subscribe_to_task(task.id, ctx())))
    await quitter.aclose()  # type: ignore[attr-defined]
    events = await asyncio.wait_for(stayer, BOUND)
    assert states(events)[-1] == "completed"


# -- CancelTask --------------------------------------------------------------------------------
async def test_cancel_stops_the_runner_and_is_not_repeatable() -> None:
    service = make_service()
    task = await _task(service, "stream 1000 20", blocking=False)
    subscription = service.subscribe_to_task(task.id, ctx())
    assert isinstance(await subscription.__anext__(), Task)  # subscribed before the cancel
    canceled = await service.cancel_task(task.id, ctx())
    assert canceled.status.state is S.CANCELED
    events = await collect(subscription)
    assert states(events)[-1] == "canceled"
    assert service.executor.running() == []  # the runner is gone, not just ignored
    after = await service.get_task(task.id, None, ctx())
    assert after.status.state is S.CANCELED
    delivered = len(after.artifacts[0].parts) if after.artifacts else 0
    assert delivered < 1000
    with pytest.raises(TaskNotCancelableError, match="canceled"):
        await service.cancel_task(task.id, ctx())
    done = await _task(service, "hello")
    with pytest.raises(TaskNotCancelableError, match="completed"):
        await service.cancel_task(done.id, ctx())
    with pytest.raises(TaskNotFoundError):
        await service.cancel_task("nope", ctx())


async def test_cancel_releases_a_blocking_send_and_interrupted_tasks_cancel_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = make_service()
    started: asyncio.Queue[str] = asyncio.Queue()
    original = service.executor.start

    def spy(invocation: Any, task_id: str, context_id: str, origin: Any) -> None:
        original(invocation, task_id, context_id, origin)
        started.put_nowait(task_id)

    monkeypatch.setattr(service.executor, "start", spy)
    blocked = asyncio.create_task(service.send_message(send("slow 30"), ctx()))
    created = await asyncio.wait_for(started.get(), BOUND)
    await service.cancel_task(created, ctx())
    result = await asyncio.wait_for(blocked, BOUND)
    assert isinstance(result, Task) and result.status.state is S.CANCELED
    waiting = await _task(service, "auth-required")
    assert (await service.cancel_task(waiting.id, ctx())).status.state is S.CANCELED


# -- deadlines and shutdown --------------------------------------------------------------------
async def test_deadline_fails_running_and_interrupted_tasks() -> None:
    service = make_service(task_timeout_seconds=0.2)
    slow = await _task(service, "slow 30", blocking=False)
    waiting = await _task(service, "input-required")
    for task_id in (slow.id, waiting.id):
        final = await _until_final(service, task_id)
        if final.status.state is S.INPUT_REQUIRED:  # interrupted: wait for the deadline event
            final = await _until_deadline(service, task_id)
        assert final.status.state is S.FAILED
        assert final.status.message is not None
        assert final.status.message.parts[0].content == DEADLINE_MESSAGE
    assert service.executor.running() == []


async def _until_deadline(service: TaskService, task_id: str) -> Task:
    _, subscription = await service.store.open_subscription(task_id)

    async def _wait() -> None:
        async for event in subscription:
            if isinstance(event, StatusUpdate) and event.status.state.is_terminal:
                return

    await asyncio.wait_for(_wait(), BOUND)
    return await service.get_task(task_id, None, ctx())


async def test_shutdown_fails_what_is_left_and_refuses_new_work() -> None:
    service = make_service()
    slow = await _task(service, "slow 30", blocking=False)
    waiting = await _task(service, "input-required")
    quick = await _task(service, "slow 0.01", blocking=False)
    streaming = service.send_streaming_message(send("slow 30"), ctx())
    first = await streaming.__anext__()
    assert isinstance(first, Task)
    await asyncio.wait_for(service.shutdown(grace_seconds=0.3), BOUND)
    assert await service.store.live_task_ids() == []
    for task_id in (slow.id, waiting.id, first.id):
        task = await service.get_task(task_id, None, ctx())
        assert task.status.state is S.FAILED
        assert task.status.message is not None
        assert task.status.message.parts[0].content == SHUTDOWN_MESSAGE
    assert (await service.get_task(quick.id, None, ctx())).status.state is S.COMPLETED
    rest = await collect(streaming)  # the open stream ends instead of hanging
    assert states(rest)[-1] == "failed"
    with pytest.raises(ServiceUnavailableError):
        await service.send_message(send("hello"), ctx())
    assert not await service.ready() and not service.accepting
    await service.shutdown(0)  # idempotent


async def test_crashing_behaviour_fails_its_task(monkeypatch: pytest.MonkeyPatch) -> None:
    async def crash(run: behaviours.TaskActions, inv: behaviours.Invocation) -> None:
        await run.working()
        raise RuntimeError("boom")

    monkeypatch.setitem(
        behaviours.BEHAVIOURS,  # type: ignore[arg-type]
        "crash",
        behaviours.Behaviour("crash", "crashes", ("crash",), body=crash),
    )
    service = make_service()
    task = await _task(service, "crash")
    assert task.status.state is S.FAILED
    assert "boom" not in task.status.message.parts[0].content  # type: ignore[union-attr]


def _register(monkeypatch: pytest.MonkeyPatch, name: str, body: Any) -> None:
    monkeypatch.setitem(
        behaviours.BEHAVIOURS,  # type: ignore[arg-type]
        name,
        behaviours.Behaviour(name, name, (name,), body=body),
    )


async def _states_of(service: TaskService, text: str) -> tuple[Task, list[str]]:
    """Run a blocking send (an instant behaviour: the task is stored with its events at once)."""
    with captured_log_lines() as lines:
        task = await _task(service, text)
    return task, [r["state"] for r in lines if r["logger"] == "reference_agent.tasks"]


async def test_instant_behaviour_ending_without_a_final_state_fails_its_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def unfinished(run: behaviours.TaskActions, inv: behaviours.Invocation) -> None:
        await run.working("half way")

    _register(monkeypatch, "unfinished", unfinished)
    task, states = await _states_of(make_service(), "unfinished")
    assert task.status.state is S.FAILED and states == ["submitted", "working", "failed"]
    assert task.status.message is not None
    assert task.status.message.parts[0].content == "behaviour ended without a final state"
    assert [m.parts[0].content for m in task.history[1:]] == [
        "half way",
        "behaviour ended without a final state",
    ]


async def test_events_after_the_end_are_dropped_as_a_stored_task_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def chatty(run: behaviours.TaskActions, inv: behaviours.Invocation) -> None:
        await run.finish(S.COMPLETED)
        await run.working("too late")
        raise RuntimeError("and then it crashed")

    _register(monkeypatch, "chatty", chatty)
    service = make_service()
    task, states = await _states_of(service, "chatty")
    assert task.status.state is S.COMPLETED and states == ["submitted", "completed"]
    stored = await service.get_task(task.id, None, ctx())
    assert stored.status.state is S.COMPLETED and len(stored.history) == 1


async def test_illegal_events_of_an_instant_behaviour_fail_the_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def confused(run: behaviours.TaskActions, inv: behaviours.Invocation) -> None:
        await run.finish(S.INPUT_REQUIRED)
        await run.finish(S.AUTH_REQUIRED)  # no switching between interruptions

    async def restless(run: behaviours.TaskActions, inv: behaviours.Invocation) -> None:
        await run.working()
        await run.pause(0.01)  # instant behaviours declare they never wait

    _register(monkeypatch, "confused", confused)
    _register(monkeypatch, "restless", restless)
    service = make_service()
    for name, expected in (
        ("confused", ["submitted", "failed"]),
        ("restless", ["submitted", "working", "failed"]),
    ):
        task, logged = await _states_of(service, name)
        assert task.status.state is S.FAILED and logged == expected, name
        assert task.status.message is not None
        assert task.status.message.parts[0].content == "internal error in the agent"


async def test_a_full_store_refuses_a_blocking_send_with_service_unavailable() -> None:
    service = make_service(max_tasks=1)
    live = await _task(service, "input-required")
    with pytest.raises(ServiceUnavailableError, match="max_tasks"):
        await service.send_message(send("hello"), ctx())
    assert await service.store.live_task_ids() == [live.id]  # nothing else was stored


# -- ListTasks -----------------------------------------------------------------------------------
async def test_list_tasks_validation_artifacts_and_scoping() -> None:
    service = make_service()
    for i in range(3):
        await _task(service, "hello", message_id=f"m{i}")
    await service.send_message(send("hello"), ctx(principal="bob"))
    listed = await service.list_tasks(ListTasksQuery(page_size=2), ctx())
    assert len(listed.tasks) == 2 and listed.total_size == 3 and listed.next_page_token
    assert all(t.artifacts == [] for t in listed.tasks)
    with_artifacts = await service.list_tasks(
        ListTasksQuery(include_artifacts=True, history_length=0), ctx()
    )
    assert all(t.artifacts and t.history == [] for t in with_artifacts.tasks)
    assert (await service.list_tasks(ListTasksQuery(), ctx(principal="bob"))).total_size == 1
    for bad in (0, 101):
        with pytest.raises(InvalidParamsError, match="pageSize"):
            await service.list_tasks(ListTasksQuery(page_size=bad), ctx())
    with pytest.raises(InvalidParamsError, match="pageToken"):
        await service.list_tasks(ListTasksQuery(page_token="garbage"), ctx())
    with pytest.raises(InvalidParamsError, match="statusTimestampAfter"):
        await service.list_tasks(ListTasksQuery(status_timestamp_after="yesterday"), ctx())
    future = await service.list_tasks(
        ListTasksQuery(status_timestamp_after="2999-01-01T00:00:00+00:00"), ctx()
    )
    assert future.tasks == [] and future.total_size == 0 and future.next_page_token == ""


# -- capability gating -------------------------------------------------------------------------
async def test_push_disabled_gates_every_push_operation() -> None:
    service = make_service(push_notifications=False)
    task = await _task(service, "hello")
    config = PushConfig(id="", task_id=task.id, url="https://93.184.216.34/hook")
    calls = [
        service.create_push_config(config, ctx()),
        service.get_push_config(task.id, "c", ctx()),
        service.list_push_configs(task.id, None, None, ctx()),
        service.delete_push_config(task.id, "c", ctx()),
        service.send_message(send("hello", push_config=config), ctx()),
    ]
    for call in calls:
        with pytest.raises(PushNotificationNotSupportedError):
            await call


async def test_extended_card_gating() -> None:
    with pytest.raises(UnsupportedOperationError):
        await make_service(extended_card=False).get_extended_card(ctx())
    with pytest.raises(ExtendedAgentCardNotConfiguredError):
        await make_service(card=None).get_extended_card(ctx())
    assert await make_service(card={"name": "x"}).get_extended_card(ctx()) == {"name": "x"}


async def test_required_extension_must_be_declared() -> None:
    uri = "urn:example:ext"
    service = make_service(required_extensions=[uri])
    with pytest.raises(ExtensionSupportRequiredError) as info:
        await service.send_message(send("hello"), ctx())
    assert info.value.metadata["extension"] == uri
    with pytest.raises(ExtensionSupportRequiredError):
        await service.get_task("x", None, ctx())
    ok = await service.send_message(send("hello"), ctx(extensions=[uri]))
    assert isinstance(ok, Task)
    carded = make_service(required_extensions=[uri], card={"name": "x"})
    assert await carded.get_extended_card(ctx()) == {"name": "x"}  # exempt (see engine doc)


# -- push config CRUD --------------------------------------------------------------------------
async def test_push_config_crud() -> None:
    service = make_service()
    task = await _task(service, "input-required")
    created = await service.create_push_config(
        PushConfig(id="", task_id=task.id, url="https://93.184.216.34/hook", token="tok"), ctx()
    )
    assert created.id and created.task_id == task.id
    named = await service.create_push_config(
        PushConfig(id="mine", task_id=task.id, url="https://93.184.216.34/b"), ctx("0.3")
    )
    assert named.id == "mine"
    assert (await service.get_push_config(task.id, "mine", ctx())).url.endswith("/b")
    assert (await service.get_push_config(task.id, None, ctx("0.3"))).id == created.id
    with pytest.raises(TaskNotFoundError, match="push notification config"):
        await service.get_push_config(task.id, "unknown", ctx())
    page, token = await service.list_push_configs(task.id, 1, None, ctx())
    assert [c.id for c in page] == [created.id] and token
    page, token = await service.list_push_configs(task.id, 1, token, ctx())
    assert [c.id for c in page] == ["mine"] and token == ""
    with pytest.raises(InvalidParamsError):
        await service.list_push_configs(task.id, 1, "bogus", ctx())
    await service.delete_push_config(task.id, "mine", ctx())
    await service.delete_push_config(task.id, "mine", ctx())  # idempotent
    assert [c.id for c in (await service.list_push_configs(task.id, None, None, ctx()))[0]] == [
        created.id
    ]
    for call in (
        service.create_push_config(PushConfig("", "nope", "https://93.184.216.34/"), ctx()),
        service.get_push_config("nope", "x", ctx()),
        service.list_push_configs("nope", None, None, ctx()),
        service.delete_push_config("nope", "x", ctx()),
    ):
        with pytest.raises(TaskNotFoundError):
            await call


async def test_push_config_ssrf_guard_at_creation() -> None:
    service = make_service()
    task = await _task(service, "input-required")
    for url in ("http://127.0.0.1:9/x", "http://10.0.0.1/", "ftp://93.184.216.34/"):
        with pytest.raises(InvalidParamsError) as info:
            await service.create_push_config(PushConfig("", task.id, url), ctx())
        assert info.value.field == "url"
    # The refused inline URL is named as the request's version spells it.
    for version, field in (
        ("1.0", "configuration.taskPushNotificationConfig.url"),
        ("0.3", "configuration.pushNotificationConfig.url"),
    ):
        with pytest.raises(InvalidParamsError) as inline:
            await service.send_message(
                send("hello", push_config=PushConfig("", "", "http://192.168.1.1/")), ctx(version)
            )
        assert inline.value.field == field
    allowed = make_service(allow_private_webhooks=True)
    task = await _task(allowed, "input-required")
    await allowed.create_push_config(PushConfig("", task.id, "http://127.0.0.1:9/x"), ctx())


# -- logging -----------------------------------------------------------------------------------
async def test_state_changes_are_logged_with_task_fields() -> None:
    service = make_service()
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with captured_log_lines() as lines:
        task = await service.send_message(send("hello"), ctx(traceparent=traceparent))
    assert isinstance(task, Task)
    records = [r for r in lines if r["logger"] == "reference_agent.tasks"]
    assert [r["state"] for r in records] == ["submitted", "working", "completed"]
    for record in records:
        assert record["task_id"] == task.id
        assert record["context_id"] == task.context_id
        assert record["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
        assert record["msg"] == f"task {task.id} {record['state']}"


async def test_a_batch_of_events_logs_one_line_per_state_change_in_order() -> None:
    service = make_service()
    with captured_log_lines() as lines:
        task = await service.send_message(send("complete 3"), ctx())
    assert isinstance(task, Task) and len(task.artifacts) == 1
    states = [r["state"] for r in lines if r["logger"] == "reference_agent.tasks"]
    assert states == ["submitted", "working", "completed"]  # artifacts are not state changes


async def test_message_reply_has_agent_role_and_new_id() -> None:
    service = make_service()
    reply = await service.send_message(send("message ping", message_id="client-1"), ctx())
    assert isinstance(reply, Message) and reply.message_id != "client-1"
    assert reply.role is Role.AGENT and reply.parts == [Part("text", "message ping")]


async def test_a_task_whose_runner_cannot_start_is_failed_not_left_submitted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = make_service()
    original = service.store.open_subscription

    async def store_outage(*args: Any, **kw: Any) -> Any:
        raise ConnectionError("store went away")

    monkeypatch.setattr(service.store, "open_subscription", store_outage)
    with pytest.raises(ConnectionError):
        await service.send_streaming_message(send("slow 1"), ctx()).__anext__()
    with pytest.raises(ConnectionError):
        await service.send_message(send("slow 1"), ctx())
    monkeypatch.setattr(service.store, "open_subscription", original)
    tasks = (await service.list_tasks(ListTasksQuery(), ctx())).tasks
    assert len(tasks) == 2
    for task in tasks:
        final = await _until_deadline(service, task.id)
        assert final.status.state is S.FAILED
    assert service.executor.running() == []
