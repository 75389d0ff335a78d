"""The harness's schemas of Task, Message, events and results, cross-checked like the cards.

Same method as ``test_schemas.py`` (its docstring explains the oracles and their gap): v0.3
documents are judged by the official ``a2a.json`` as well, v1.0 documents by the a2a-sdk 1.x
protobuf types through ``ParseDict``. v1.0 "presence" documents break rules protobuf cannot
see: REQUIRED fields, non-empty REQUIRED arrays, an empty oneof, enum numbers instead of names
(§5.5), timestamps with an offset other than 'Z' (§5.6.1) and ``null`` for a value.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from conformance.schema import KINDS, find_violations, validate_object

from .schema_oracles import (
    OFFICIAL_REF,
    PROTO_MESSAGE,
    official_v03,
    protobuf_accepts,
    with_,
)

# ---------------------------------------------------------------- v1.0 objects

V10_MESSAGE: dict[str, Any] = {
    "messageId": "m-1",
    "contextId": "c-1",
    "taskId": "t-1",
    "role": "ROLE_AGENT",
    "parts": [
        {"text": "hello", "mediaType": "text/plain"},
        {"raw": "aGVsbG8=", "filename": "hello.txt", "mediaType": "text/plain"},
        {"url": "https://files.example/report.pdf", "filename": "report.pdf"},
        {"data": {"answer": 42}, "metadata": {"k": "v"}},
        {"data": [1, "two", None]},
    ],
    "metadata": {"trace": "x"},
    "extensions": ["https://ext.example/geo/v1"],
    "referenceTaskIds": ["t-0"],
}
V10_ARTIFACT: dict[str, Any] = {"artifactId": "a-1", "name": "out", "parts": [{"text": "result"}]}
V10_TASK: dict[str, Any] = {
    "id": "t-1",
    "contextId": "c-1",
    "status": {
        "state": "TASK_STATE_COMPLETED",
        "timestamp": "2025-10-28T10:30:00.123Z",
        "message": V10_MESSAGE,
    },
    "artifacts": [V10_ARTIFACT],
    "history": [V10_MESSAGE],
    "metadata": {},
}
V10_STATUS = {"taskId": "t-1", "contextId": "c-1", "status": {"state": "TASK_STATE_WORKING"}}
V10_ARTIFACT_UPDATE = {
    "taskId": "t-1",
    "contextId": "c-1",
    "artifact": V10_ARTIFACT,
    "append": True,
    "lastChunk": False,
}
V10_PUSH = {
    "id": "p-1",
    "taskId": "t-1",
    "url": "https://hooks.example/a2a",
    "token": "tok",
    "authentication": {"scheme": "Bearer", "credentials": "secret"},
}

V10_VALID: list[tuple[str, str, Any]] = [
    ("task", "full task", V10_TASK),
    ("task", "minimal task", {"id": "t", "status": {"state": "TASK_STATE_SUBMITTED"}}),
    ("task", "timestamp without fraction (§5.6.1 MAY)", with_(V10_TASK, status={"state": "TASK_STATE_WORKING", "timestamp": "2025-10-28T10:30:00Z"})),
    ("message", "user message", with_(V10_MESSAGE, role="ROLE_USER")),
    ("artifact", "artifact", V10_ARTIFACT),
    ("status-update", "status update", V10_STATUS),
    ("artifact-update", "artifact update", V10_ARTIFACT_UPDATE),
    ("stream-response", "task event", {"task": V10_TASK}),
    ("stream-response", "status event", {"statusUpdate": V10_STATUS}),
    ("stream-response", "artifact event", {"artifactUpdate": V10_ARTIFACT_UPDATE}),
    ("send-result", "message result", {"message": V10_MESSAGE}),
    ("send-result", "task result", {"task": V10_TASK}),
    ("list-tasks-result", "one page", {"tasks": [V10_TASK], "nextPageToken": "", "pageSize": 50, "totalSize": 1}),
    ("list-tasks-result", "empty page (AMBIG-20)", {"tasks": [], "nextPageToken": "", "pageSize": 50, "totalSize": 0}),
    ("list-tasks-result", "int32 as a decimal string", {"tasks": [], "nextPageToken": "", "pageSize": "50", "totalSize": "0"}),
    ("push-config", "push config", V10_PUSH),
    ("push-config", "url only", {"url": "https://hooks.example/a2a"}),
    ("push-config-list", "config list", {"configs": [V10_PUSH], "nextPageToken": ""}),
]  # fmt: skip

V10_WIRE_INVALID: list[tuple[str, str, Any]] = [
    ("task", "unknown state", with_(V10_TASK, status={"state": "TASK_STATE_DONE"})),
    ("task", "v0.3 state name", with_(V10_TASK, status={"state": "completed"})),
    ("task", "timestamp is not a date", with_(V10_TASK, status={"state": "TASK_STATE_WORKING", "timestamp": "yesterday"})),
    ("task", "history is a string", with_(V10_TASK, history="none")),
    ("task", "metadata is a list", with_(V10_TASK, metadata=[1])),
    ("message", "role user (v0.3 name)", with_(V10_MESSAGE, role="user")),
    ("message", "part with text and url", with_(V10_MESSAGE, parts=[{"text": "a", "url": "https://x"}])),
    ("message", "raw is not base64", with_(V10_MESSAGE, parts=[{"raw": "not base64!"}])),
    ("message", "text is a number", with_(V10_MESSAGE, parts=[{"text": 5}])),
    ("artifact-update", "append is a string", with_(V10_ARTIFACT_UPDATE, append="yes")),
    ("stream-response", "task and status together", {"task": V10_TASK, "statusUpdate": V10_STATUS}),
    ("send-result", "task and message together", {"task": V10_TASK, "message": V10_MESSAGE}),
    ("list-tasks-result", "pageSize is not a number", {"tasks": [], "nextPageToken": "", "pageSize": "fifty", "totalSize": 0}),
    ("list-tasks-result", "totalSize beyond int32", {"tasks": [], "nextPageToken": "", "pageSize": 1, "totalSize": 2**40}),
    ("push-config", "authentication is a string", with_(V10_PUSH, authentication="Bearer x")),
    ("push-config-list", "configs is an object", {"configs": V10_PUSH}),
]  # fmt: skip

V10_PRESENCE_INVALID: list[tuple[str, str, Any]] = [
    ("task", "no id", with_(V10_TASK, id=None)),
    ("task", "no status", with_(V10_TASK, status=None)),
    ("task", "status without state", with_(V10_TASK, status={"timestamp": "2025-10-28T10:30:00Z"})),
    ("task", "state as a number (§5.5)", with_(V10_TASK, status={"state": 3})),
    ("task", "timestamp with +01:00 (§5.6.1)", with_(V10_TASK, status={"state": "TASK_STATE_WORKING", "timestamp": "2025-10-28T10:30:00+01:00"})),
    ("task", "artifact without parts", with_(V10_TASK, artifacts=[{"artifactId": "a", "parts": []}])),
    ("message", "no parts", with_(V10_MESSAGE, parts=[])),
    ("message", "no messageId", with_(V10_MESSAGE, messageId=None)),
    ("message", "no role", with_(V10_MESSAGE, role=None)),
    ("message", "part without content", with_(V10_MESSAGE, parts=[{"mediaType": "text/plain"}])),
    ("artifact", "no artifactId", with_(V10_ARTIFACT, artifactId=None)),
    ("status-update", "no contextId", with_(V10_STATUS, contextId=None)),
    ("artifact-update", "no artifact", with_(V10_ARTIFACT_UPDATE, artifact=None)),
    ("stream-response", "empty event", {}),
    ("send-result", "empty result", {}),
    ("list-tasks-result", "no nextPageToken (OP-8b)", {"tasks": [], "pageSize": 50, "totalSize": 0}),
    ("list-tasks-result", "no tasks on an empty page", {"nextPageToken": "", "pageSize": 50, "totalSize": 0}),
    ("push-config", "no url", with_(V10_PUSH, url=None)),
    ("push-config", "authentication without scheme", with_(V10_PUSH, authentication={"credentials": "x"})),
    ("message", "metadata is null", with_(V10_MESSAGE, metadata=None) | {"metadata": None}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "doc", "expected"),
    [pytest.param(k, d, True, id=f"{k} valid: {n}") for k, n, d in V10_VALID]
    + [pytest.param(k, d, False, id=f"{k} invalid: {n}") for k, n, d in V10_WIRE_INVALID],
)
def test_v10_objects_agree_with_protobuf(kind: str, doc: Any, expected: bool) -> None:
    # Our verdict first: it is checked even where the oracle is missing and the test skips.
    ours = validate_object(kind, doc, "1.0")
    assert (ours == []) is expected, ours
    assert protobuf_accepts(PROTO_MESSAGE[kind], doc) is expected, (
        "corpus label disagrees with protobuf"
    )


@pytest.mark.parametrize(
    ("kind", "doc"),
    [pytest.param(k, d, id=f"{k}: {n}") for k, n, d in V10_PRESENCE_INVALID],
)
def test_v10_objects_are_stricter_than_protobuf_on_presence(kind: str, doc: Any) -> None:
    assert validate_object(kind, doc, "1.0") != []
    assert protobuf_accepts(PROTO_MESSAGE[kind], doc), (
        "protobuf now sees this rule: move it to the wire list"
    )


# ---------------------------------------------------------------- v0.3 objects

V03_MESSAGE: dict[str, Any] = {
    "kind": "message",
    "messageId": "m-1",
    "role": "agent",
    "parts": [
        {"kind": "text", "text": "hello", "metadata": {}},
        {"kind": "file", "file": {"bytes": "aGVsbG8=", "mimeType": "text/plain", "name": "h.txt"}},
        {"kind": "file", "file": {"uri": "https://files.example/r.pdf"}},
        {"kind": "file", "file": {"bytes": "aGk=", "uri": "https://files.example/r.pdf"}},
        {"kind": "data", "data": {"answer": 42}},
    ],
    "contextId": "c-1",
    "taskId": "t-1",
}
V03_ARTIFACT: dict[str, Any] = {"artifactId": "a-1", "parts": [{"kind": "text", "text": "result"}]}
V03_TASK: dict[str, Any] = {
    "kind": "task",
    "id": "t-1",
    "contextId": "c-1",
    "status": {
        "state": "completed",
        "timestamp": "2025-04-02T16:59:25.331844",
        "message": V03_MESSAGE,
    },
    "artifacts": [V03_ARTIFACT],
    "history": [with_(V03_MESSAGE, role="user")],
    "metadata": {"k": 1},
}
V03_STATUS = {
    "kind": "status-update",
    "taskId": "t-1",
    "contextId": "c-1",
    "status": {"state": "working"},
    "final": False,
}
V03_ARTIFACT_UPDATE = {
    "kind": "artifact-update",
    "taskId": "t-1",
    "contextId": "c-1",
    "artifact": V03_ARTIFACT,
    "lastChunk": True,
}
V03_PUSH = {
    "taskId": "t-1",
    "pushNotificationConfig": {
        "id": "p-1",
        "url": "https://hooks.example/a2a",
        "token": "tok",
        "authentication": {"schemes": ["Bearer"], "credentials": "secret"},
    },
}

V03_CORPUS: list[tuple[str, str, Any, bool]] = [
    ("task", "full task (zone-less timestamp, TS-5)", V03_TASK, True),
    ("task", "no kind", with_(V03_TASK, kind=None), False),
    ("task", "kind Task", with_(V03_TASK, kind="Task"), False),
    ("task", "no contextId (CTX-7)", with_(V03_TASK, contextId=None), False),
    ("task", "v1.0 state name", with_(V03_TASK, status={"state": "TASK_STATE_COMPLETED"}), False),
    ("task", "state unknown (schema-valid, STATE-5)", with_(V03_TASK, status={"state": "unknown"}), True),
    ("message", "every part kind", V03_MESSAGE, True),
    ("message", "empty parts (no non-empty rule in v0.3)", with_(V03_MESSAGE, parts=[]), True),
    ("message", "role system", with_(V03_MESSAGE, role="system"), False),
    ("message", "part kind image", with_(V03_MESSAGE, parts=[{"kind": "image", "url": "x"}]), False),
    ("message", "part without kind (v1.0 style)", with_(V03_MESSAGE, parts=[{"text": "hi"}]), False),
    ("message", "file with neither bytes nor uri", with_(V03_MESSAGE, parts=[{"kind": "file", "file": {"name": "x"}}]), False),
    ("message", "file bytes wrong type, uri fine (a2a.json anyOf)", with_(V03_MESSAGE, parts=[{"kind": "file", "file": {"bytes": 5, "uri": "https://x"}}]), True),
    ("message", "data part holding a list", with_(V03_MESSAGE, parts=[{"kind": "data", "data": [1]}]), False),
    ("message", "text part metadata is a string", with_(V03_MESSAGE, parts=[{"kind": "text", "text": "a", "metadata": "m"}]), False),
    ("artifact", "artifact", V03_ARTIFACT, True),
    ("artifact", "no parts", with_(V03_ARTIFACT, parts=None), False),
    ("status-update", "status update", V03_STATUS, True),
    ("status-update", "no final", with_(V03_STATUS, final=None), False),
    ("artifact-update", "artifact update", V03_ARTIFACT_UPDATE, True),
    ("artifact-update", "no artifact", with_(V03_ARTIFACT_UPDATE, artifact=None), False),
    ("stream-response", "status update result", V03_STATUS, True),
    ("stream-response", "task result", V03_TASK, True),
    ("stream-response", "unknown kind", with_(V03_STATUS, kind="progress"), False),
    ("stream-response", "v1.0 wrapper", {"statusUpdate": V03_STATUS}, False),
    ("send-result", "message result", V03_MESSAGE, True),
    ("send-result", "status update is no send result", V03_STATUS, False),
    ("push-config", "push config", V03_PUSH, True),
    ("push-config", "v1.0 flattened config", {"taskId": "t-1", "url": "https://hooks.example"}, False),
    ("push-config", "schemes is a string", with_(V03_PUSH, pushNotificationConfig={"url": "u", "authentication": {"schemes": "Bearer"}}), False),
    ("push-config-list", "config list", [V03_PUSH, V03_PUSH], True),
    ("push-config-list", "list item without taskId", [with_(V03_PUSH, taskId=None)], False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "doc", "expected"),
    [pytest.param(k, d, e, id=f"{k}: {n}") for k, n, d, e in V03_CORPUS],
)
def test_v03_objects_agree_with_the_official_schema(kind: str, doc: Any, expected: bool) -> None:
    ours = validate_object(kind, doc, "0.3")
    assert (ours == []) is expected, ours
    assert official_v03(kind, doc) is expected, "corpus label disagrees with a2a.json"


def test_every_kind_is_covered_by_the_corpora() -> None:
    assert {k for k, *_ in V10_VALID} == set(PROTO_MESSAGE) == KINDS - {"agent-card"}
    assert (
        {k for k, *_ in V03_CORPUS}
        == set(OFFICIAL_REF) - {"agent-card"}
        == KINDS - {"agent-card", "list-tasks-result"}
    )


def test_object_violations_are_readable() -> None:
    task = with_(V10_TASK, status={"state": 3, "timestamp": "2025-10-28T10:30:00+01:00"})
    assert validate_object("task", task, "1.0") == [
        "$.status.state: expected string, got integer 3",
        "$.status.timestamp: must be an ISO 8601 UTC timestamp ending in 'Z', e.g. "
        '2025-10-28T10:30:00.000Z (§5.6.1), got "2025-10-28T10:30:00+01:00"',
    ]
    event = {"task": V10_TASK, "message": V10_MESSAGE}
    [violation] = find_violations("stream-response", event, "1.0")
    assert violation.keyword == "oneOf"
    assert violation.message.endswith("(found task, message)")


def test_agent_card_is_a_kind_too() -> None:
    assert (
        validate_object("agent-card", {}, "1.0")[0] == "$.capabilities: required field is missing"
    )


def test_unknown_and_version_less_kinds_raise_clear_errors() -> None:
    with pytest.raises(
        ValueError, match=re.escape("A2A v0.3 defines no 'list-tasks-result' object")
    ):
        validate_object("list-tasks-result", {}, "0.3")
    with pytest.raises(ValueError, match="unknown A2A object kind 'tasks'"):
        validate_object("tasks", {}, "1.0")
