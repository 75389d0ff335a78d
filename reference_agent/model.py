"""The reference agent's internal, version-neutral A2A data model.

Every binding and dialect (v0.3 JSON-RPC, v1.0 JSON-RPC, later HTTP+JSON and gRPC) decodes wire
payloads into these types and encodes them back; the engine (task manager, store, executor,
push sender) only ever sees these. Records are plain data: no live objects, no locks, nothing
that would stop a store from serialising them to Redis.

Names follow the v1.0 proto (``a2a.proto``); v0.3-only concepts are mapped by the v0.3 dialect:

* v0.3 ``file.bytes`` → ``Part(kind="raw")``; ``file.uri`` → ``Part(kind="url")``.
* v0.3 ``final`` on status updates → ``StatusUpdate.final`` (computed by the engine, ignored by
  the v1.0 dialect, which signals the end of a stream by closing it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

__all__ = [
    "INTERRUPTED_STATES",
    "TERMINAL_STATES",
    "Artifact",
    "ArtifactUpdate",
    "ListTasksQuery",
    "ListTasksResult",
    "Message",
    "Part",
    "PartKind",
    "PushAuthentication",
    "PushConfig",
    "Role",
    "SendMessageRequest",
    "StatusUpdate",
    "StreamEvent",
    "Task",
    "TaskState",
    "TaskStatus",
    "utc_timestamp",
]


class TaskState(enum.StrEnum):
    """Task lifecycle states (v1.0 §4.1.3); values are the v0.3 JSON-RPC spellings."""

    SUBMITTED = "submitted"
    WORKING = "working"
    INPUT_REQUIRED = "input-required"
    AUTH_REQUIRED = "auth-required"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"
    REJECTED = "rejected"

    @property
    def is_terminal(self) -> bool:
        """Terminal states never change again (life-of-a-task "Task Immutability")."""
        return self in _TERMINAL

    @property
    def is_interrupted(self) -> bool:
        """Interrupted states wait for the client (input) or for credentials (auth)."""
        return self in _INTERRUPTED


_TERMINAL = frozenset(
    {TaskState.COMPLETED, TaskState.FAILED, TaskState.CANCELED, TaskState.REJECTED}
)
_INTERRUPTED = frozenset({TaskState.INPUT_REQUIRED, TaskState.AUTH_REQUIRED})
TERMINAL_STATES = _TERMINAL
"""The states :attr:`TaskState.is_terminal` names (a set test skips a property call)."""
INTERRUPTED_STATES = _INTERRUPTED
"""The states :attr:`TaskState.is_interrupted` names."""


class Role(enum.StrEnum):
    """Who sent a message; values are the v0.3 spellings (v1.0: ``ROLE_USER``/``ROLE_AGENT``)."""

    USER = "user"
    AGENT = "agent"


PartKind = Literal["text", "raw", "url", "data"]


def utc_timestamp(moment: datetime | None = None) -> str:
    """An ISO 8601 UTC timestamp with millisecond precision and a ``Z`` suffix (v1.0 §5.6.1)."""
    moment = moment or datetime.now(UTC)
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


@dataclass(slots=True)
class Part:
    """One piece of content. ``content`` is ``str`` for text/url, ``bytes`` for raw, any JSON for data."""

    kind: PartKind
    content: Any
    media_type: str | None = None
    filename: str | None = None
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class Message:
    """One unit of communication (v1.0 ``Message``)."""

    message_id: str
    role: Role
    parts: list[Part]
    context_id: str | None = None
    task_id: str | None = None
    reference_task_ids: list[str] = field(default_factory=list)
    extensions: list[str] = field(default_factory=list)
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class Artifact:
    """An output of a task; ``artifact_id`` is unique within its task."""

    artifact_id: str
    parts: list[Part]
    name: str | None = None
    description: str | None = None
    metadata: dict[str, Any] | None = None
    extensions: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TaskStatus:
    """A task's state, an optional message, and when it was recorded (``utc_timestamp``)."""

    state: TaskState
    timestamp: str
    message: Message | None = None


@dataclass(slots=True)
class Task:
    """A task record. ``owner`` is the authenticated principal (never serialised to clients)."""

    id: str
    context_id: str
    status: TaskStatus
    history: list[Message] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    owner: str | None = None
    tenant: str | None = None


@dataclass(slots=True)
class StatusUpdate:
    """``TaskStatusUpdateEvent``. ``final`` is the v0.3 end-of-cycle flag (terminal or interrupted)."""

    task_id: str
    context_id: str
    status: TaskStatus
    final: bool = False
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class ArtifactUpdate:
    """``TaskArtifactUpdateEvent``: a whole artifact or one chunk of it."""

    task_id: str
    context_id: str
    artifact: Artifact
    append: bool = False
    last_chunk: bool = False
    metadata: dict[str, Any] | None = None


StreamEvent = Task | Message | StatusUpdate | ArtifactUpdate
"""What a stream (and a v1.0 push notification) carries: exactly one of these per event."""


@dataclass(slots=True)
class PushAuthentication:
    """Credentials the agent presents to a webhook.

    v1.0 has a single ``scheme``; v0.3 a list of ``schemes`` (the first is used for sending).
    """

    schemes: list[str]
    credentials: str | None = None


@dataclass(slots=True)
class PushConfig:
    """A task's push notification config (v1.0 flattened ``TaskPushNotificationConfig``)."""

    id: str
    task_id: str
    url: str
    token: str | None = None
    authentication: PushAuthentication | None = None
    tenant: str | None = None


@dataclass(slots=True)
class SendMessageRequest:
    """``SendMessageRequest`` in version-neutral form.

    ``blocking`` is v1.0 ``not returnImmediately`` / v0.3 ``configuration.blocking`` (default True).
    """

    message: Message
    blocking: bool = True
    history_length: int | None = None
    accepted_output_modes: list[str] = field(default_factory=list)
    push_config: PushConfig | None = None
    metadata: dict[str, Any] | None = None
    tenant: str | None = None


@dataclass(slots=True)
class ListTasksQuery:
    """``ListTasksRequest`` (v1.0 §3.1.4) after validation (page size already bounded 1..100)."""

    context_id: str | None = None
    status: TaskState | None = None
    page_size: int = 50
    page_token: str | None = None
    history_length: int | None = None
    status_timestamp_after: str | None = None
    include_artifacts: bool = False
    tenant: str | None = None


@dataclass(slots=True)
class ListTasksResult:
    """``ListTasksResponse``: ``next_page_token`` is ``""`` on the last page."""

    tasks: list[Task]
    next_page_token: str
    page_size: int
    total_size: int
