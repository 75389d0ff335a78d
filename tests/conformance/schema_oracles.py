"""Shared by the schema tests: corpus helpers and the two independent oracles.

* :func:`official_v03`: the official v0.3 JSON Schema ``a2a.json`` (draft-07), read from
  ``../shared/reference/a2a-spec/v0.3.0`` at test time; the calling test is skipped with a
  reason when it is absent.
* :func:`protobuf_accepts`: the a2a-sdk 1.x protobuf types (``a2a.types.a2a_pb2``) parsed
  with ``google.protobuf.json_format.ParseDict``; the calling test is skipped with a reason
  when the SDK is not installed.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

SHARED = Path(__file__).resolve().parents[3] / "shared"
A2A_JSON = SHARED / "reference" / "a2a-spec" / "v0.3.0" / "a2a.json"
SCHEMAS = Path(__file__).resolve().parents[2] / "conformance" / "schemas"

DELETE = object()  # marker: remove the key instead of setting it


def variant(base: dict[str, Any], path: str, value: Any = DELETE) -> dict[str, Any]:
    """A deep copy of ``base`` with ``path`` ("skills.0.tags") set to ``value`` or deleted."""
    doc = copy.deepcopy(base)
    *parents, last = path.split(".")
    node: Any = doc
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    key_: Any = int(last) if isinstance(node, list) else last
    if value is DELETE:
        del node[key_]
    else:
        node[key_] = value
    return doc


def with_(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``doc`` with top-level keys replaced (``None`` value: key removed)."""
    out = copy.deepcopy(doc)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


# The a2a-sdk 1.x protobuf message of each kind.
PROTO_MESSAGE = {
    "task": "Task",
    "message": "Message",
    "artifact": "Artifact",
    "status-update": "TaskStatusUpdateEvent",
    "artifact-update": "TaskArtifactUpdateEvent",
    "stream-response": "StreamResponse",
    "send-result": "SendMessageResponse",
    "list-tasks-result": "ListTasksResponse",
    "push-config": "TaskPushNotificationConfig",
    "push-config-list": "ListTaskPushNotificationConfigsResponse",
}

# Where each kind lives in the official schema.
OFFICIAL_REF = {
    "agent-card": "#/definitions/AgentCard",
    "task": "#/definitions/Task",
    "message": "#/definitions/Message",
    "artifact": "#/definitions/Artifact",
    "status-update": "#/definitions/TaskStatusUpdateEvent",
    "artifact-update": "#/definitions/TaskArtifactUpdateEvent",
    "stream-response": "#/definitions/SendStreamingMessageSuccessResponse/properties/result",
    "send-result": "#/definitions/SendMessageSuccessResponse/properties/result",
    "push-config": "#/definitions/TaskPushNotificationConfig",
    "push-config-list": "#/definitions/ListTaskPushNotificationConfigSuccessResponse/properties/result",
}


def _known_fields_only(value: Any, descriptor: Any) -> Any:
    """``value`` without the keys ``descriptor`` does not define, at every message level.

    §5.7 says unknown fields are ignored, but ``ignore_unknown_fields=True`` would also let
    unknown enum values through (and iterate a string given for a message), so the oracle
    drops unknown keys itself and then parses strictly.
    """
    if not isinstance(value, dict) or descriptor.full_name.startswith("google.protobuf."):
        return value
    fields = {f.json_name: f for f in descriptor.fields} | {f.name: f for f in descriptor.fields}
    known: dict[str, Any] = {}
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            continue
        message = field.message_type
        if message is not None and message.GetOptions().map_entry:
            inner = message.fields_by_name["value"].message_type
            if inner is not None and isinstance(item, dict):
                item = {k: _known_fields_only(v, inner) for k, v in item.items()}
        elif message is not None and field.is_repeated and isinstance(item, list):
            item = [_known_fields_only(i, message) for i in item]
        elif message is not None:
            item = _known_fields_only(item, message)
        known[key] = item
    return known


def protobuf_accepts(message_name: str, doc: Any) -> bool:
    """Whether ProtoJSON parsing accepts ``doc`` as the named a2a-sdk 1.x protobuf message."""
    a2a_pb2 = pytest.importorskip(
        "a2a.types.a2a_pb2", reason="a2a-sdk 1.x (pip install 'a2a-sdk>=1,<2') is the v1.0 oracle"
    )
    json_format = pytest.importorskip("google.protobuf.json_format")
    message = getattr(a2a_pb2, message_name)()
    try:
        json_format.ParseDict(_known_fields_only(doc, message.DESCRIPTOR), message)
    except (json_format.ParseError, TypeError, ValueError, AttributeError):
        return False
    return True


def official_v03(kind: str, doc: Any) -> bool:
    """Whether the official v0.3 JSON Schema (draft-07) accepts ``doc`` as ``kind``."""
    return _official_v03_validators()[kind].is_valid(doc)


def official_v03_schema() -> dict[str, Any]:
    """The official v0.3 JSON Schema document (the calling test skips when it is absent)."""
    if not A2A_JSON.exists():
        pytest.skip(f"{A2A_JSON} is absent (the shared/ reference folder is not beside the repo)")
    schema: dict[str, Any] = json.loads(A2A_JSON.read_text("utf-8"))
    return schema


@cache
def _official_v03_validators() -> dict[str, Draft7Validator]:
    official = official_v03_schema()
    return {k: Draft7Validator({**official, "$ref": ref}) for k, ref in OFFICIAL_REF.items()}
