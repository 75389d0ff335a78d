"""The behaviour contract (docs/behaviour-contract.md): selection, arguments, final states."""

from __future__ import annotations

import base64

import pytest

from reference_agent.behaviours import BEHAVIOURS, TCK_PREFIXES, select_behaviour
from reference_agent.errors import InvalidParamsError
from reference_agent.model import Message, Part, Task, TaskState

from .engine_support import collect, ctx, make_service, message, send, states


@pytest.mark.parametrize(
    ("msg", "name", "args"),
    [
        (message("hello there"), "echo", ()),
        (message("SLOW 2"), "slow", (2.0,)),
        (message("slow"), "slow", (5.0,)),
        (message("slow 0.5 extra words"), "slow", (0.5,)),
        (message("stream 7 15"), "stream", (7.0, 15.0)),
        (message("complete"), "complete", (3.0,)),
        (message("input-required now"), "input-required", ()),
        (message("file report"), "file", ()),
        (message("echo", metadata={"behaviour": "stream 2 1"}), "stream", (2.0, 1.0)),
        (message("reject", message_id="tck-complete-task-42"), "complete", (1.0,)),
        (message("x", message_id="tck-artifact-file-url-1"), "file", ()),
        (message("x", message_id="tck-cancel-7"), "slow", (30.0,)),
        (message("x", parts=[Part("data", {"a": 1}), Part("text", "fail please")]), "fail", ()),
        (message("", parts=[Part("data", {"slow": 1})]), "echo", ()),
    ],
)
def test_selection_order_and_arguments(msg: Message, name: str, args: tuple[float, ...]) -> None:
    chosen = select_behaviour(msg)
    assert chosen.behaviour.name == name
    assert chosen.args == args


def test_metadata_wins_over_prefix_and_text() -> None:
    msg = message("fail", message_id="tck-reject-task-1", metadata={"behaviour": "data"})
    assert select_behaviour(msg).behaviour.name == "data"


def test_only_the_first_text_part_selects() -> None:
    msg = message("", parts=[Part("text", "hello"), Part("text", "fail")])
    assert select_behaviour(msg).behaviour.name == "echo"


@pytest.mark.parametrize(
    ("msg", "needle", "field"),
    [
        (message("slow abc"), "'seconds' must be a number", "message.parts[0].text"),
        (message("slow 601"), "between 0 and 600", "message.parts[0].text"),
        (message("stream 0"), "'count'", "message.parts[0].text"),
        (message("stream 5 fast"), "'interval_ms'", "message.parts[0].text"),
        (message("complete 2.5"), "'chunks' must be an integer", "message.parts[0].text"),
        (
            message("x", metadata={"behaviour": "dance"}),
            "unknown behaviour",
            "message.metadata.behaviour",
        ),
        (message("x", metadata={"behaviour": 3}), "must be a string", "message.metadata.behaviour"),
    ],
)
def test_bad_arguments_are_invalid_params_naming_the_argument(
    msg: Message, needle: str, field: str
) -> None:
    with pytest.raises(InvalidParamsError) as info:
        select_behaviour(msg)
    assert needle in info.value.message
    assert info.value.field == field


def test_every_tck_prefix_maps_to_a_known_behaviour() -> None:
    for prefix, spec in TCK_PREFIXES:
        chosen = select_behaviour(message("hello", message_id=prefix + "-1"))
        assert chosen.behaviour.name == spec.split()[0]


def test_registry_matches_the_contract() -> None:
    assert set(BEHAVIOURS) == {
        "echo", "complete", "message", "input-required", "auth-required", "auth-step-up",
        "admin", "fail", "reject", "slow", "stream", "data", "file",
    }  # fmt: skip
    assert all(b.description and b.examples for b in BEHAVIOURS.values())
    assert not BEHAVIOURS["slow"].instant and not BEHAVIOURS["stream"].instant


# -- final states through the engine -----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "final", "artifact_ids"),
    [
        ("hello", TaskState.COMPLETED, ["echo"]),
        ("complete 2", TaskState.COMPLETED, ["result"]),
        ("input-required", TaskState.INPUT_REQUIRED, []),
        ("auth-required", TaskState.AUTH_REQUIRED, []),
        ("fail", TaskState.FAILED, []),
        ("reject", TaskState.REJECTED, []),
        ("slow 0.01", TaskState.COMPLETED, []),
        ("stream 3 1", TaskState.COMPLETED, ["stream"]),
        ("data", TaskState.COMPLETED, ["data"]),
        ("file", TaskState.COMPLETED, ["file"]),
    ],
)
async def test_every_behaviour_reaches_its_final_state(
    text: str, final: TaskState, artifact_ids: list[str]
) -> None:
    service = make_service()
    result = await service.send_message(send(text), ctx())
    assert isinstance(result, Task)
    assert result.status.state is final
    assert [a.artifact_id for a in result.artifacts] == artifact_ids
    if final in (
        TaskState.INPUT_REQUIRED,
        TaskState.AUTH_REQUIRED,
        TaskState.FAILED,
        TaskState.REJECTED,
    ):
        assert result.status.message is not None and result.status.message.parts[0].content
    await service.shutdown(0)


async def test_message_behaviour_replies_without_a_task() -> None:
    service = make_service()
    reply = await service.send_message(send("message hi"), ctx())
    assert isinstance(reply, Message)
    assert reply.role.value == "agent" and reply.context_id and reply.task_id is None
    assert reply.parts[0].content == "message hi"


async def test_chunked_artifacts_are_reassembled_in_order() -> None:
    service = make_service()
    events = await collect(service.send_streaming_message(send("complete 3"), ctx()))
    chunks = [e for e in events if hasattr(e, "artifact")]
    assert [(c.append, c.last_chunk) for c in chunks] == [
        (False, False),
        (True, False),
        (True, True),
    ]  # type: ignore[attr-defined]
    task = await service.get_task(events[0].id, None, ctx())  # type: ignore[union-attr]
    assert [p.content for p in task.artifacts[0].parts] == [
        "chunk 1 of 3",
        "chunk 2 of 3",
        "chunk 3 of 3",
    ]


async def test_stream_behaviour_emits_count_chunks() -> None:
    service = make_service()
    events = await collect(service.send_streaming_message(send("stream 4 1"), ctx()))
    assert sum(1 for e in events if hasattr(e, "artifact")) == 4
    assert states(events) == ["task:submitted", "working", "completed"]


async def test_file_and_data_parts() -> None:
    service = make_service()
    file_task = await service.send_message(send("file abc"), ctx())
    assert isinstance(file_task, Task)
    raw, url = file_task.artifacts[0].parts
    assert raw.kind == "raw" and raw.content == b"file abc" and raw.media_type == "text/plain"
    assert url.kind == "url" and url.content.startswith("https://")
    assert base64.b64encode(raw.content)
    data_task = await service.send_message(send("data xyz"), ctx())
    assert isinstance(data_task, Task)
    assert data_task.artifacts[0].parts[0].content == {"echo": "data xyz"}


async def test_follow_up_resumes_an_interrupted_task_to_completed() -> None:
    for kind in ("input-required", "auth-required"):
        service = make_service()
        first = await service.send_message(send(kind), ctx())
        assert isinstance(first, Task)
        done = await service.send_message(
            send("here you go", message_id="m-2", task_id=first.id), ctx()
        )
        assert isinstance(done, Task)
        assert done.status.state is TaskState.COMPLETED
        assert done.artifacts[0].parts[0].content == "here you go"
        assert [m.message_id for m in done.history if m.role.value == "user"] == ["m-1", "m-2"]
