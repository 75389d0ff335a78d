"""A2A v1.0 ProtoJSON objects ⇄ model: Message, Part, Task, Artifact, events, push configs.

Shared by the v1.0 JSON-RPC dialect (:mod:`.v10`) and, later, the HTTP+JSON binding.
Fast paths cover the common minimal shapes; everything else is fully checked.
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
    TaskState,
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
    "PART_KINDS",
    "ROLE_IN",
    "ROLE_OUT",
    "STATE_IN",
    "STATE_OUT",
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

STATE_OUT: dict[TaskState, str] = {s: "TASK_STATE_" + s.name for s in TaskState}
STATE_IN: dict[Any, TaskState] = {v: k for k, v in STATE_OUT.items()}
# ProtoJSON parsers accept enum numbers too (a2a.proto TaskState numbering).
STATE_IN.update(
    {
        1: TaskState.SUBMITTED,
        2: TaskState.WORKING,
        3: TaskState.COMPLETED,
        4: TaskState.FAILED,
        5: TaskState.CANCELED,
        6: TaskState.INPUT_REQUIRED,
        7: TaskState.REJECTED,
        8: TaskState.AUTH_REQUIRED,
    }
)
ROLE_OUT = {Role.USER: "ROLE_USER", Role.AGENT: "ROLE_AGENT"}
ROLE_IN: dict[Any, Role] = {
    "ROLE_USER": Role.USER,
    "ROLE_AGENT": Role.AGENT,
    1: Role.USER,
    2: Role.AGENT,
}
PART_KINDS = ("text", "raw", "url", "data")


def decode_message(value: Any, path: str) -> Message:
    """A v1.0 ``Message``: messageId, role, non-empty parts; optional ids, extensions, metadata."""
    obj = as_object(value, path)
    message_id = obj.get("messageId")
    if type(message_id) is not str or not message_id:
        message_id = req_str(obj, "messageId", path)
    role_raw = obj.get("role")
    role = ROLE_IN.get(role_raw) if type(role_raw) is not bool else None
    if role is None:
        if role_raw is None:
            raise fail(f"{path}.role", "is required (ROLE_USER or ROLE_AGENT)")
        raise fail(f"{path}.role", f"expected ROLE_USER or ROLE_AGENT, got {str(role_raw)[:40]!r}")
    parts_raw = obj.get("parts")
    if type(parts_raw) is not list:
        if parts_raw is None:
            raise fail(f"{path}.parts", "is required")
        raise fail(f"{path}.parts", "expected an array", parts_raw)
    if not parts_raw:
        raise fail(f"{path}.parts", "must contain at least one part")
    parts = []
    for index, raw in enumerate(parts_raw):
        # Fast path for the most common part, {"text": "..."}; everything else is fully checked.
        if type(raw) is dict and len(raw) == 1 and type(raw.get("text")) is str:
            parts.append(Part("text", raw["text"]))
        else:
            parts.append(decode_part(raw, f"{path}.parts[{index}]"))
    if len(obj) == 3:  # messageId, role, parts and nothing else
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
    """A v1.0 ``Part``: exactly one of text | raw | url | data."""
    obj = as_object(value, path)
    kind: str | None = None
    for candidate in PART_KINDS:
        if obj.get(candidate) is not None:
            if kind is not None:
                raise fail(
                    path, f"expected exactly one of text|raw|url|data, got {kind} and {candidate}"
                )
            kind = candidate
    if kind is None:
        raise fail(path, "expected one of text|raw|url|data")
    content = obj[kind]
    if kind == "text":
        if type(content) is not str:
            raise fail(f"{path}.text", "expected a string", content)
    elif kind == "raw":
        content = read_base64(content, f"{path}.raw")
    elif kind == "url" and (type(content) is not str or not content):
        raise fail(f"{path}.url", "expected a non-empty URL string", content)
    return Part(
        kind=kind,  # type: ignore[arg-type]
        content=content,
        media_type=opt_str(obj, "mediaType", path),
        filename=opt_str(obj, "filename", path),
        metadata=opt_object(obj, "metadata", path),
    )


def decode_push_config(value: Any, path: str, *, inline: bool) -> PushConfig:
    """A flattened v1.0 ``TaskPushNotificationConfig``; ``inline`` ones (in SendMessage) have no task."""
    obj = as_object(value, path)
    task_id = opt_str(obj, "taskId", path) if inline else req_str(obj, "taskId", path)
    auth = opt_object(obj, "authentication", path)
    authentication = None
    if auth is not None:
        apath = f"{path}.authentication"
        authentication = PushAuthentication(
            schemes=[req_str(auth, "scheme", apath)],
            credentials=opt_str(auth, "credentials", apath),
        )
    return PushConfig(
        id=opt_str(obj, "id", path) or "",
        task_id=task_id or "",
        url=decode_push_url(obj, path),
        token=opt_str(obj, "token", path),
        authentication=authentication,
        tenant=opt_str(obj, "tenant", path),
    )


def encode_part(part: Part) -> dict[str, Any]:
    """A model Part as a v1.0 ``Part`` object."""
    if (
        part.kind == "text"
        and part.media_type is None
        and part.filename is None
        and not part.metadata
    ):
        return {"text": part.content}
    content = part.content
    if part.kind == "raw":
        content = base64.b64encode(content).decode("ascii")
    out: dict[str, Any] = {part.kind: content}
    if part.media_type:
        out["mediaType"] = part.media_type
    if part.filename:
        out["filename"] = part.filename
    if part.metadata:
        out["metadata"] = part.metadata
    return out


def encode_message(message: Message) -> dict[str, Any]:
    """A model Message as a v1.0 ``Message``."""
    out: dict[str, Any] = {
        "messageId": message.message_id,
        "role": ROLE_OUT[message.role],
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
    """A model TaskStatus as a v1.0 ``TaskStatus``."""
    out: dict[str, Any] = {"state": STATE_OUT[status.state], "timestamp": status.timestamp}
    if status.message is not None:
        out["message"] = encode_message(status.message)
    return out


def encode_artifact(artifact: Artifact) -> dict[str, Any]:
    """A model Artifact as a v1.0 ``Artifact``."""
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
    """A model Task as a v1.0 ``Task`` (``owner`` is never serialised)."""
    out: dict[str, Any] = {
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
    """``TaskStatusUpdateEvent``; v1.0 has no ``final`` (the stream closes instead)."""
    out: dict[str, Any] = {
        "taskId": event.task_id,
        "contextId": event.context_id,
        "status": encode_status(event.status),
    }
    if event.metadata:
        out["metadata"] = event.metadata
    return out


def encode_artifact_update(event: ArtifactUpdate) -> dict[str, Any]:
    """``TaskArtifactUpdateEvent``; ``append``/``lastChunk`` only when true (ProtoJSON defaults)."""
    out: dict[str, Any] = {
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
    """A flattened v1.0 ``TaskPushNotificationConfig``."""
    out: dict[str, Any] = {"id": config.id, "taskId": config.task_id, "url": config.url}
    if config.token:
        out["token"] = config.token
    if config.authentication is not None and config.authentication.schemes:
        auth: dict[str, Any] = {"scheme": config.authentication.schemes[0]}
        if config.authentication.credentials:
            auth["credentials"] = config.authentication.credentials
        out["authentication"] = auth
    if config.tenant:
        out["tenant"] = config.tenant
    return out


STREAM_ENCODERS: dict[type, tuple[str, Callable[[Any], dict[str, Any]]]] = {
    Task: ("task", encode_task),
    Message: ("message", encode_message),
    StatusUpdate: ("statusUpdate", encode_status_update),
    ArtifactUpdate: ("artifactUpdate", encode_artifact_update),
}
