"""Serialising the store's records to and from compact JSON (orjson) for the Redis store.

The format is private to the store (short keys, no wire-protocol conventions): only the Redis
store writes and reads it. ``raw`` part content (``bytes``) travels as base64 because JSON has no
bytes type; every other content is JSON already.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson

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
from ..service import ProtocolVersion
from .base import PushRegistration, TaskEvent

__all__ = [
    "decode_event",
    "decode_registration",
    "decode_task",
    "encode_event",
    "encode_registration",
    "encode_task",
]

_Obj = dict[str, Any]


def _part(part: Part) -> _Obj:
    content = part.content
    if part.kind == "raw" and isinstance(content, bytes | bytearray):
        content = base64.b64encode(content).decode("ascii")
    return {
        "k": part.kind,
        "c": content,
        "m": part.media_type,
        "f": part.filename,
        "x": part.metadata,
    }


def _unpart(obj: _Obj) -> Part:
    content = obj["c"]
    if obj["k"] == "raw" and isinstance(content, str):
        content = base64.b64decode(content)
    return Part(obj["k"], content, obj["m"], obj["f"], obj["x"])


def _message(msg: Message) -> _Obj:
    return {
        "i": msg.message_id,
        "r": msg.role.value,
        "p": [_part(p) for p in msg.parts],
        "c": msg.context_id,
        "t": msg.task_id,
        "ref": msg.reference_task_ids,
        "ext": msg.extensions,
        "x": msg.metadata,
    }


def _unmessage(obj: _Obj) -> Message:
    return Message(
        message_id=obj["i"],
        role=Role(obj["r"]),
        parts=[_unpart(p) for p in obj["p"]],
        context_id=obj["c"],
        task_id=obj["t"],
        reference_task_ids=obj["ref"],
        extensions=obj["ext"],
        metadata=obj["x"],
    )


def _artifact(art: Artifact) -> _Obj:
    return {
        "i": art.artifact_id,
        "p": [_part(p) for p in art.parts],
        "n": art.name,
        "d": art.description,
        "x": art.metadata,
        "ext": art.extensions,
    }


def _unartifact(obj: _Obj) -> Artifact:
    return Artifact(
        artifact_id=obj["i"],
        parts=[_unpart(p) for p in obj["p"]],
        name=obj["n"],
        description=obj["d"],
        metadata=obj["x"],
        extensions=obj["ext"],
    )


def _status(status: TaskStatus) -> _Obj:
    msg = status.message
    return {"s": status.state.value, "ts": status.timestamp, "m": _message(msg) if msg else None}


def _unstatus(obj: _Obj) -> TaskStatus:
    msg = obj["m"]
    return TaskStatus(TaskState(obj["s"]), obj["ts"], _unmessage(msg) if msg else None)


def encode_task(task: Task) -> bytes:
    """The task record as JSON bytes."""
    return orjson.dumps(
        {
            "i": task.id,
            "c": task.context_id,
            "s": _status(task.status),
            "h": [_message(m) for m in task.history],
            "a": [_artifact(a) for a in task.artifacts],
            "x": task.metadata,
            "o": task.owner,
            "tn": task.tenant,
        }
    )


def decode_task(data: bytes | str) -> Task:
    """Inverse of :func:`encode_task`."""
    obj = orjson.loads(data)
    return Task(
        id=obj["i"],
        context_id=obj["c"],
        status=_unstatus(obj["s"]),
        history=[_unmessage(m) for m in obj["h"]],
        artifacts=[_unartifact(a) for a in obj["a"]],
        metadata=obj["x"],
        owner=obj["o"],
        tenant=obj["tn"],
    )


def encode_event(event: TaskEvent) -> bytes:
    """A status or artifact update as JSON bytes (``"k"`` tells which)."""
    if type(event) is StatusUpdate:
        return orjson.dumps(
            {
                "k": "s",
                "t": event.task_id,
                "c": event.context_id,
                "s": _status(event.status),
                "f": event.final,
                "x": event.metadata,
            }
        )
    assert isinstance(event, ArtifactUpdate)
    return orjson.dumps(
        {
            "k": "a",
            "t": event.task_id,
            "c": event.context_id,
            "a": _artifact(event.artifact),
            "ap": event.append,
            "l": event.last_chunk,
            "x": event.metadata,
        }
    )


def decode_event(data: bytes | str) -> TaskEvent:
    """Inverse of :func:`encode_event`."""
    obj = orjson.loads(data)
    if obj["k"] == "s":
        return StatusUpdate(obj["t"], obj["c"], _unstatus(obj["s"]), obj["f"], obj["x"])
    return ArtifactUpdate(obj["t"], obj["c"], _unartifact(obj["a"]), obj["ap"], obj["l"], obj["x"])


def encode_registration(registration: PushRegistration) -> bytes:
    """A push config and the protocol version that created it, as JSON bytes."""
    config = registration.config
    auth = config.authentication
    return orjson.dumps(
        {
            "v": registration.version,
            "i": config.id,
            "t": config.task_id,
            "u": config.url,
            "tk": config.token,
            "au": None if auth is None else {"s": auth.schemes, "c": auth.credentials},
            "tn": config.tenant,
        }
    )


def decode_registration(data: bytes | str) -> PushRegistration:
    """Inverse of :func:`encode_registration`."""
    obj = orjson.loads(data)
    auth = obj["au"]
    config = PushConfig(
        id=obj["i"],
        task_id=obj["t"],
        url=obj["u"],
        token=obj["tk"],
        authentication=None if auth is None else PushAuthentication(auth["s"], auth["c"]),
        tenant=obj["tn"],
    )
    version: ProtocolVersion = obj["v"]
    return PushRegistration(config, version)
