"""A2A v0.3 JSON-RPC objects (a2a.json) ⇄ model: Message, Part, Task, Artifact, events, push configs.

Used by the v0.3 dialect (:mod:`.v03`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from ..model import (
    Artifact,
    ArtifactUpdate,
    Message,
    Part,
    PushAuthentication,
    PushConfig,
    Role,
    StatusUpdate,
    Task,
    TaskStatus,
)
from ._common import decode_push_url
from ._fields import (
    as_object,
    fail,
    opt_object,
    opt_str,
    opt_str_list,
    read_base64,
    req_str,
)

__all__ = [
    "ROLE_IN",
    "STREAM_ENCODERS",
    "decode_message",
    "decode_part",
    "decode_push_config",
    "encode_artifact",
    "encode_artifact_update",
    "encode_message",
    "encode_part",
    "encode_push_config",
    "encode_status",
    "encode_status_update",
    "encode_task",
]

ROLE_IN = {"user": Role.USER, "agent": Role.AGENT}


def decode_message(value: Any, path: str) -> Message:
    """A v0.3 ``Message`` (``kind`` may be omitted, but if present must be ``message``)."""
    obj = as_object(value, path)
    kind = obj.get("kind")
    if kind is not None and kind != "message":
        raise fail(f"{path}.kind", f"expected 'message', got {str(kind)[:40]!r}")
    message_id = obj.get("messageId")
    if type(message_id) is not str or not message_id:
        message_id = req_str(obj, "messageId", path)
    role_raw = obj.get("role")
    role = ROLE_IN.get(role_raw) if type(role_raw) is str else None
    if role is None:
        if role_raw is None:
            raise fail(f"{path}.role", "is required (user or agent)")
        raise fail(f"{path}.role", f"expected user or agent, got {str(role_raw)[:40]!r}")
    parts_raw = obj.get("parts")
    if type(parts_raw) is not list:
        if parts_raw is None:
            raise fail(f"{path}.parts", "is required")
        raise fail(f"{path}.parts", "expected an array", parts_raw)
    if not parts_raw:
        raise fail(f"{path}.parts", "must contain at least one part")
    parts = []
    for index, raw in enumerate(parts_raw):
        # Fast path for {"kind": "text", "text": "..."}; everything else is fully checked.
        if (
            type(raw) is dict
            and len(raw) == 2
            and raw.get("kind") == "text"
            and type(raw.get("text")) is str
        ):
            parts.append(Part("text", raw["text"]))
        else:
            parts.append(decode_part(raw, f"{path}.parts[{index}]"))
    if len(obj) == 3 + (kind is not None):  # messageId, role, parts (and kind) only
        return Message(message_id, role, parts)
    return Message(
        message_id=message_id,
        role=role,
        parts=parts,
        context_id=opt_str(obj, "contextId", path),
        task_id=opt_str(obj, "taskId", path),
        reference_task_ids=opt_str_list(obj, "referenceTaskIds", path),
        extensions=opt_str_list(obj, "extensions", path),
        metadata=opt_object(obj, "metadata", path),
    )


def decode_part(value: Any, path: str) -> Part:
    """A v0.3 Part: ``text``, ``file`` (bytes or uri) or ``data`` (an object), by ``kind``."""
    obj = as_object(value, path)
    kind = obj.get("kind")
    metadata = opt_object(obj, "metadata", path)
    if kind == "text":
        text = obj.get("text")
        if type(text) is not str:
            raise fail(f"{path}.text", "expected a string", text)
        return Part(kind="text", content=text, metadata=metadata)
    if kind == "data":
        data = obj.get("data")
        if type(data) is not dict:
            raise fail(f"{path}.data", "expected an object", data)
        return Part(kind="data", content=data, metadata=metadata)
    if kind == "file":
        fpath = f"{path}.file"
        file = as_object(obj.get("file"), fpath)
        has_bytes = file.get("bytes") is not None
        has_uri = file.get("uri") is not None
        if has_bytes == has_uri:
            raise fail(fpath, "expected exactly one of bytes|uri")
        media_type = opt_str(file, "mimeType", fpath)
        filename = opt_str(file, "name", fpath)
        if has_bytes:
            content = read_base64(file["bytes"], f"{fpath}.bytes")
            return Part("raw", content, media_type, filename, metadata)
        uri = file["uri"]
        if type(uri) is not str or not uri:
            raise fail(f"{fpath}.uri", "expected a non-empty URI string", uri)
        return Part("url", uri, media_type, filename, metadata)
    if kind is None:
        raise fail(f"{path}.kind", "is required (text|file|data)")
    raise fail(f"{path}.kind", f"expected one of text|file|data, got {str(kind)[:40]!r}")


def decode_push_config(value: Any, path: str, task_id: str) -> PushConfig:
    """A v0.3 ``PushNotificationConfig`` (``authentication.schemes`` is a non-empty list)."""
    obj = as_object(value, path)
    authentication = None
    auth = opt_object(obj, "authentication", path)
    if auth is not None:
        apath = f"{path}.authentication"
        if auth.get("schemes") is None:
            raise fail(f"{apath}.schemes", "is required")
        schemes = opt_str_list(auth, "schemes", apath)
        authentication = PushAuthentication(
            schemes=schemes, credentials=opt_str(auth, "credentials", apath)
        )
    return PushConfig(
        id=opt_str(obj, "id", path) or "",
        task_id=task_id,
        url=decode_push_url(obj, path),
        token=opt_str(obj, "token", path),
        authentication=authentication,
    )


def encode_part(part: Part) -> dict[str, Any]:
    """A model Part as a v0.3 TextPart, FilePart or DataPart."""
    out: dict[str, Any]
    if part.kind == "text":
        out = {"kind": "text", "text": part.content}
        if not part.metadata:
            return out
    elif part.kind == "data":
        data = part.content
        out = {"kind": "data", "data": data if type(data) is dict else {"value": data}}
    else:
        file: dict[str, Any]
        if part.kind == "raw":
            file = {"bytes": base64.b64encode(part.content).decode("ascii")}
        else:
            file = {"uri": part.content}
        if part.media_type:
            file["mimeType"] = part.media_type
        if part.filename:
            file["name"] = part.filename
        out = {"kind": "file", "file": file}
    if part.metadata:
        out["metadata"] = part.metadata
    return out


def encode_message(message: Message) -> dict[str, Any]:
    """A model Message as a v0.3 ``Message`` (with ``kind``)."""
    out: dict[str, Any] = {
        "kind": "message",
        "messageId": message.message_id,
        "role": message.role.value,
        "parts": [encode_part(p) for p in message.parts],
    }
    if message.context_id:
        out["contextId"] = message.context_id
    if message.task_id:
        out["taskId"] = message.task_id
    if message.reference_task_ids:
        out["referenceTaskIds"] = message.reference_task_ids
    if message.extensions:
        out["extensions"] = message.extensions
    if message.metadata:
        out["metadata"] = message.metadata
    return out


def encode_status(status: TaskStatus) -> dict[str, Any]:
    """A model TaskStatus with the lower-case v0.3 state."""
    out: dict[str, Any] = {"state": status.state.value, "timestamp": status.timestamp}
    if status.message is not None:
        out["message"] = encode_message(status.message)
    return out


def encode_artifact(artifact: Artifact) -> dict[str, Any]:
    """A model Artifact as a v0.3 ``Artifact``."""
    out: dict[str, Any] = {
        "artifactId": artifact.artifact_id,
        "parts": [encode_part(p) for p in artifact.parts],
    }
    if artifact.name:
        out["name"] = artifact.name
    if artifact.description:
        out["description"] = artifact.description
    if artifact.metadata:
        out["metadata"] = artifact.metadata
    if artifact.extensions:
        out["extensions"] = artifact.extensions
    return out


def encode_task(task: Task) -> dict[str, Any]:
    """A model Task as a v0.3 ``Task`` (with ``kind``; ``owner`` is never serialised)."""
    out: dict[str, Any] = {
        "kind": "task",
        "id": task.id,
        "contextId": task.context_id,
        "status": encode_status(task.status),
    }
    if task.artifacts:
        out["artifacts"] = [encode_artifact(a) for a in task.artifacts]
    if task.history:
        out["history"] = [encode_message(m) for m in task.history]
    if task.metadata:
        out["metadata"] = task.metadata
    return out


def encode_status_update(event: StatusUpdate) -> dict[str, Any]:
    """``TaskStatusUpdateEvent`` with the required ``final`` flag."""
    out: dict[str, Any] = {
        "kind": "status-update",
        "taskId": event.task_id,
        "contextId": event.context_id,
        "status": encode_status(event.status),
        "final": event.final,
    }
    if event.metadata:
        out["metadata"] = event.metadata
    return out


def encode_artifact_update(event: ArtifactUpdate) -> dict[str, Any]:
    """``TaskArtifactUpdateEvent``; ``append``/``lastChunk`` only when true."""
    out: dict[str, Any] = {
        "kind": "artifact-update",
        "taskId": event.task_id,
        "contextId": event.context_id,
        "artifact": encode_artifact(event.artifact),
    }
    if event.append:
        out["append"] = True
    if event.last_chunk:
        out["lastChunk"] = True
    if event.metadata:
        out["metadata"] = event.metadata
    return out


def encode_push_config(config: PushConfig) -> dict[str, Any]:
    """A nested v0.3 ``TaskPushNotificationConfig``."""
    inner: dict[str, Any] = {"id": config.id, "url": config.url}
    if config.token:
        inner["token"] = config.token
    if config.authentication is not None:
        auth: dict[str, Any] = {"schemes": list(config.authentication.schemes)}
        if config.authentication.credentials:
            auth["credentials"] = config.authentication.credentials
        inner["authentication"] = auth
    return {"taskId": config.task_id, "pushNotificationConfig": inner}


STREAM_ENCODERS: dict[type, Callable[[Any], dict[str, Any]]] = {
    Task: encode_task,
    Message: encode_message,
    StatusUpdate: encode_status_update,
    ArtifactUpdate: encode_artifact_update,
}
