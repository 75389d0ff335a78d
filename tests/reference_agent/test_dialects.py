"""Unit tests of the wire codecs: round trips, exact shapes, rejections with field paths."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_agent.dialects import (
    V03_DIALECT,
    V10_DIALECT,
    Operation,
    encode_push,
    negotiate_version,
    v03,
    v10,
)
from reference_agent.errors import (
    InvalidParamsError,
    TaskNotFoundError,
    VersionNotSupportedError,
)
from reference_agent.model import (
    Artifact,
    ArtifactUpdate,
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

STAMP = "2025-01-02T03:04:05.678Z"


def _task(**kw: Any) -> Task:
    status = TaskStatus(TaskState.WORKING, STAMP)
    return Task(id="t1", context_id="c1", status=status, **kw)


# -- version negotiation ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "version"),
    [
        (None, "0.3"),
        ("", "0.3"),
        ("  ", "0.3"),
        ("0.3", "0.3"),
        ("0.3.0", "0.3"),
        ("1.0", "1.0"),
        ("1.0.1", "1.0"),
        (" 1.0 ", "1.0"),
        ("01.0", "1.0"),
    ],
)
def test_negotiate_version(value: str | None, version: str) -> None:
    assert negotiate_version(value) == version


@pytest.mark.parametrize("value", ["1", "2.0", "1.1", "0.2", "1.0.1.1", "v1.0", "1.x", "latest"])
def test_unsupported_versions(value: str) -> None:
    with pytest.raises(VersionNotSupportedError) as raised:
        negotiate_version(value)
    assert raised.value.metadata["supportedVersions"] == "1.0,0.3"


def test_method_tables_cover_every_operation() -> None:
    assert set(V10_DIALECT.methods.values()) == set(Operation)
    assert set(V03_DIALECT.methods.values()) == set(Operation) - {Operation.LIST_TASKS}


# -- round trips --------------------------------------------------------------------------------
texts = st.text(max_size=20)
ids = st.text(alphabet="abcdef0123456789-", min_size=1, max_size=12)
json_objects = st.dictionaries(
    st.text(max_size=5),
    st.integers(-(2**63), 2**63 - 1) | st.text(max_size=5) | st.booleans(),
    max_size=3,
)
media = st.none() | st.sampled_from(["text/plain", "image/png"])
parts = st.one_of(
    st.builds(
        Part, kind=st.just("text"), content=texts, metadata=st.none() | json_objects.filter(bool)
    ),
    st.builds(
        Part,
        kind=st.just("raw"),
        content=st.binary(max_size=20),
        media_type=media,
        filename=st.none() | st.just("f.bin"),
    ),
    st.builds(
        Part, kind=st.just("url"), content=st.just("https://example.com/x"), media_type=media
    ),
    st.builds(Part, kind=st.just("data"), content=json_objects),
)
messages = st.builds(
    Message,
    message_id=ids,
    role=st.sampled_from(Role),
    parts=st.lists(parts, min_size=1, max_size=4),
    context_id=st.none() | ids,
    task_id=st.none() | ids,
    reference_task_ids=st.lists(ids, max_size=2),
    extensions=st.lists(st.just("urn:x"), max_size=1),
    metadata=st.none() | json_objects.filter(bool),
)


@given(messages)
def test_v10_message_round_trip(message: Message) -> None:
    wire = orjson.loads(orjson.dumps(v10.encode_message(message)))
    assert v10.decode_message(wire, "m") == message


@given(messages)
def test_v03_message_round_trip(message: Message) -> None:
    # v0.3 text parts carry no media type or filename, so the model's extras are dropped.
    for part in message.parts:
        if part.kind == "text":
            part.media_type = part.filename = None
    wire = orjson.loads(orjson.dumps(v03.encode_message(message)))
    assert v03.decode_message(wire, "m") == message


# -- exact shapes -------------------------------------------------------------------------------
def test_v10_shapes() -> None:
    status = TaskStatus(
        TaskState.INPUT_REQUIRED,
        STAMP,
        Message("a", Role.AGENT, [Part("text", "more?")], "c1", "t1"),
    )
    task = Task(
        "t1",
        "c1",
        status,
        artifacts=[Artifact("a1", [Part("raw", b"hi", "text/plain", "h.txt")], name="n")],
    )
    assert V10_DIALECT.encode_send_result(task) == {
        "task": {
            "id": "t1",
            "contextId": "c1",
            "status": {
                "state": "TASK_STATE_INPUT_REQUIRED",
                "timestamp": STAMP,
                "message": {
                    "messageId": "a",
                    "role": "ROLE_AGENT",
                    "parts": [{"text": "more?"}],
                    "contextId": "c1",
                    "taskId": "t1",
                },
            },
            "artifacts": [
                {
                    "artifactId": "a1",
                    "name": "n",
                    "parts": [{"raw": "aGk=", "mediaType": "text/plain", "filename": "h.txt"}],
                }
            ],
        }
    }
    update = StatusUpdate("t1", "c1", TaskStatus(TaskState.COMPLETED, STAMP), final=True)
    assert V10_DIALECT.encode_stream_event(update) == {
        "statusUpdate": {
            "taskId": "t1",
            "contextId": "c1",
            "status": {"state": "TASK_STATE_COMPLETED", "timestamp": STAMP},
        }
    }
    chunk = ArtifactUpdate(
        "t1", "c1", Artifact("a1", [Part("data", [1, 2])]), append=True, last_chunk=False
    )
    assert V10_DIALECT.encode_stream_event(chunk) == {
        "artifactUpdate": {
            "taskId": "t1",
            "contextId": "c1",
            "append": True,
            "artifact": {"artifactId": "a1", "parts": [{"data": [1, 2]}]},
        }
    }


def test_v03_shapes() -> None:
    update = StatusUpdate("t1", "c1", TaskStatus(TaskState.CANCELED, STAMP), final=True)
    assert V03_DIALECT.encode_stream_event(update) == {
        "kind": "status-update",
        "taskId": "t1",
        "contextId": "c1",
        "final": True,
        "status": {"state": "canceled", "timestamp": STAMP},
    }
    task = _task(
        artifacts=[Artifact("a", [Part("url", "https://x/y", "image/png"), Part("data", [1])])]
    )
    encoded = V03_DIALECT.encode_send_result(task)
    assert encoded["kind"] == "task" and encoded["status"]["state"] == "working"
    assert encoded["artifacts"][0]["parts"] == [
        {"kind": "file", "file": {"uri": "https://x/y", "mimeType": "image/png"}},
        {"kind": "data", "data": {"value": [1]}},  # v0.3 data must be an object
    ]


def test_push_config_shapes() -> None:
    config = PushConfig("p1", "t1", "https://h/x", "tok", PushAuthentication(["Bearer"], "cred"))
    assert V10_DIALECT.encode_push_config(config) == {
        "id": "p1",
        "taskId": "t1",
        "url": "https://h/x",
        "token": "tok",
        "authentication": {"scheme": "Bearer", "credentials": "cred"},
    }
    assert V03_DIALECT.encode_push_config(config) == {
        "taskId": "t1",
        "pushNotificationConfig": {
            "id": "p1",
            "url": "https://h/x",
            "token": "tok",
            "authentication": {"schemes": ["Bearer"], "credentials": "cred"},
        },
    }
    assert V10_DIALECT.encode_push_list([config], "") == {
        "configs": [V10_DIALECT.encode_push_config(config)],
        "nextPageToken": "",
    }
    assert V03_DIALECT.encode_push_list([config], "") == [V03_DIALECT.encode_push_config(config)]
    assert V10_DIALECT.encode_push_deleted() == {} and V03_DIALECT.encode_push_deleted() is None


def test_error_shapes() -> None:
    error = TaskNotFoundError("gone", metadata={"taskId": "t1"})
    assert V10_DIALECT.encode_error(error) == {
        "code": -32001,
        "message": "gone",
        "data": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "TASK_NOT_FOUND",
                "domain": "a2a-protocol.org",
                "metadata": {"taskId": "t1"},
            }
        ],
    }
    assert V03_DIALECT.encode_error(error) == {
        "code": -32001,
        "message": "gone",
        "data": {"taskId": "t1"},
    }
    invalid = InvalidParamsError(
        "params.message.parts: must contain at least one part", field="params.message.parts"
    )
    [bad_request] = V10_DIALECT.encode_error(invalid)["data"]
    assert bad_request == {
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": "message.parts", "description": invalid.message}],
    }
    assert "data" not in V03_DIALECT.encode_error(TaskNotFoundError())
    assert V10_DIALECT.encode_error(TaskNotFoundError())["data"][0]["metadata"] == {}


def test_push_payloads_per_version() -> None:
    event = StatusUpdate("t1", "c1", TaskStatus(TaskState.WORKING, STAMP))
    task = _task()
    v10_config = PushConfig(
        "p", "t1", "https://h", token="tk", authentication=PushAuthentication(["Bearer"], "cr")
    )
    body, headers = encode_push(event, task, v10_config, "1.0")
    assert orjson.loads(body) == V10_DIALECT.encode_stream_event(event)
    assert headers == {
        "Content-Type": "application/a2a+json",
        "Authorization": "Bearer cr",
        "X-A2A-Notification-Token": "tk",
    }

    v03_config = PushConfig("p", "t1", "https://h", token="tk")
    body, headers = encode_push(event, task, v03_config, "0.3")
    assert orjson.loads(body) == V03_DIALECT.encode_task(task)
    assert headers == {"Content-Type": "application/json", "X-A2A-Notification-Token": "tk"}

    # A scheme without credentials borrows the token (Bearer <token>).
    token_only = PushConfig(
        "p", "t1", "https://h", token="tk", authentication=PushAuthentication(["Bearer"])
    )
    assert encode_push(event, task, token_only, "1.0")[1]["Authorization"] == "Bearer tk"


# -- decoding details ---------------------------------------------------------------------------
def test_v10_send_configuration() -> None:
    request = V10_DIALECT.decode_send(
        {
            "tenant": "acme",
            "message": {"messageId": "m", "role": 1, "parts": [{"text": ""}]},
            "configuration": {
                "returnImmediately": True,
                "historyLength": 3,
                "acceptedOutputModes": ["text/plain"],
                "taskPushNotificationConfig": {
                    "url": "https://h/x",
                    "authentication": {"scheme": "Bearer"},
                },
            },
        }
    )
    assert request.tenant == "acme" and request.blocking is False and request.history_length == 3
    assert request.message.role is Role.USER and request.message.parts[0].content == ""
    assert request.push_config is not None and request.push_config.task_id == ""
    assert request.push_config.authentication == PushAuthentication(["Bearer"], None)


def test_v03_send_configuration_defaults_to_blocking() -> None:
    request = V03_DIALECT.decode_send(
        {
            "message": {"messageId": "m", "role": "user", "parts": [{"kind": "text", "text": "x"}]},
            "configuration": {"historyLength": 0},
        }
    )
    assert request.blocking is True and request.history_length is None


def test_list_query_decoding() -> None:
    query = V10_DIALECT.decode_list_tasks(
        {"status": "TASK_STATE_WORKING", "statusTimestampAfter": "2025-01-02T03:04:05+02:00"}
    )
    assert query.status is TaskState.WORKING and query.page_size == 50
    assert query.status_timestamp_after == "2025-01-02T01:04:05.000Z"
    assert V10_DIALECT.decode_list_tasks({"status": "TASK_STATE_UNSPECIFIED"}).status is None


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"statusTimestampAfter": "2025-01-02T03:04:05"}, "must be UTC"),
        ({"pageSize": "10"}, "params.pageSize: expected an integer, got string"),
        ({"includeArtifacts": 1}, "params.includeArtifacts: expected a boolean, got number"),
        ({"status": True}, "params.status"),
    ],
)
def test_list_query_rejections(params: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidParamsError) as raised:
        V10_DIALECT.decode_list_tasks(params)
    assert fragment in raised.value.message
    assert raised.value.field is not None and raised.value.field.startswith("params.")


@pytest.mark.parametrize(
    ("dialect", "method", "params", "fragment"),
    [
        (V10_DIALECT, "decode_get_task", {}, "params.id: is required"),
        (V10_DIALECT, "decode_get_task", {"id": 5}, "params.id: expected a string, got number"),
        (V10_DIALECT, "decode_push_get", {"taskId": "t"}, "params.id: is required"),
        (V10_DIALECT, "decode_push_create", {"taskId": "t"}, "params.url: is required"),
        (
            V10_DIALECT,
            "decode_push_create",
            {"taskId": "t", "url": "http://"},
            "params.url: expected an absolute",
        ),
        (
            V03_DIALECT,
            "decode_push_create",
            {"taskId": "t"},
            "params.pushNotificationConfig: is required",
        ),
        (
            V03_DIALECT,
            "decode_push_create",
            {"taskId": "t", "pushNotificationConfig": {"url": "https://h", "authentication": {}}},
            "authentication.schemes: is required",
        ),
        (
            V03_DIALECT,
            "decode_push_delete",
            {"id": "t"},
            "params.pushNotificationConfigId: is required",
        ),
        (
            V03_DIALECT,
            "decode_send",
            {"message": {"kind": "task", "messageId": "m"}},
            "params.message.kind: expected 'message'",
        ),
    ],
)
def test_decoder_rejections_name_the_field(
    dialect: Any, method: str, params: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidParamsError) as raised:
        getattr(dialect, method)(params)
    assert fragment in raised.value.message
