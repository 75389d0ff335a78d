"""The dialect interface: :class:`Operation`, :class:`Dialect` and version negotiation."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Protocol

from ..errors import A2AError, VersionNotSupportedError
from ..model import (
    ListTasksQuery,
    ListTasksResult,
    Message,
    PushConfig,
    SendMessageRequest,
    StreamEvent,
    Task,
)
from ..service import ProtocolVersion

__all__ = ["SUPPORTED_VERSIONS", "Dialect", "Operation", "negotiate_version"]

SUPPORTED_VERSIONS: tuple[ProtocolVersion, ...] = ("1.0", "0.3")


class Operation(enum.StrEnum):
    """The abstract A2A operations (v1.0 §3.1), whatever a version calls them.

    A StrEnum because every request looks one up in a dict: a plain Enum hashes in Python.
    """

    SEND = "send"
    STREAM = "stream"
    GET_TASK = "get_task"
    LIST_TASKS = "list_tasks"
    CANCEL_TASK = "cancel_task"
    SUBSCRIBE = "subscribe"
    PUSH_CREATE = "push_create"
    PUSH_GET = "push_get"
    PUSH_LIST = "push_list"
    PUSH_DELETE = "push_delete"
    EXTENDED_CARD = "extended_card"

    @property
    def is_streaming(self) -> bool:
        """Streaming operations answer with SSE instead of one JSON-RPC response."""
        return self in (Operation.STREAM, Operation.SUBSCRIBE)


class Dialect(Protocol):
    """The codec of one protocol version. ``decode_*`` raise InvalidParamsError naming the field."""

    version: ProtocolVersion
    methods: Mapping[str, Operation]
    #: lower-case HTTP header carrying the client's extension URIs for this version
    extensions_header: bytes

    def decode_tenant(self, params: dict[str, Any]) -> str | None: ...
    def decode_send(self, params: dict[str, Any]) -> SendMessageRequest: ...
    def decode_get_task(self, params: dict[str, Any]) -> tuple[str, int | None]: ...
    def decode_list_tasks(self, params: dict[str, Any]) -> ListTasksQuery: ...
    def decode_task_id(self, params: dict[str, Any]) -> str: ...
    def decode_push_create(self, params: dict[str, Any]) -> PushConfig: ...
    def decode_push_get(self, params: dict[str, Any]) -> tuple[str, str | None]: ...
    def decode_push_list(self, params: dict[str, Any]) -> tuple[str, int | None, str | None]: ...
    def decode_push_delete(self, params: dict[str, Any]) -> tuple[str, str]: ...

    def encode_send_result(self, result: Task | Message) -> Any: ...
    def encode_stream_event(self, event: StreamEvent) -> Any: ...
    def encode_task(self, task: Task) -> dict[str, Any]: ...
    def encode_list_tasks(self, result: ListTasksResult) -> dict[str, Any]: ...
    def encode_push_config(self, config: PushConfig) -> dict[str, Any]: ...
    def encode_push_list(self, configs: list[PushConfig], next_page_token: str) -> Any: ...
    def encode_push_deleted(self) -> Any: ...
    def encode_card(self, card: dict[str, Any]) -> dict[str, Any]: ...
    def encode_error(self, error: A2AError) -> dict[str, Any]: ...
    def encode_push_notification(
        self, event: StreamEvent, task: Task, config: PushConfig
    ) -> tuple[bytes, dict[str, str]]: ...


def negotiate_version(requested: str | None) -> ProtocolVersion:
    """Map an ``A2A-Version`` value to a supported version (v1.0 §3.6).

    Empty or absent means 0.3 (VER-4). Only ``Major.Minor`` matters: a patch part such as
    ``1.0.1`` is accepted and ignored (VER-1). Anything else raises VersionNotSupportedError with
    the supported versions in its ErrorInfo metadata.
    """
    if requested is None:
        return "0.3"
    value = requested.strip()
    if not value:
        return "0.3"
    parts = value.split(".")
    if len(parts) in (2, 3) and all(p.isdigit() for p in parts):
        major_minor = f"{int(parts[0])}.{int(parts[1])}"
        if major_minor == "1.0":
            return "1.0"
        if major_minor == "0.3":
            return "0.3"
    raise VersionNotSupportedError(
        f"A2A-Version {requested[:64]!r} is not supported; supported versions: "
        + ", ".join(SUPPORTED_VERSIONS),
        metadata={
            "requestedVersion": requested[:64],
            "supportedVersions": ",".join(SUPPORTED_VERSIONS),
        },
    )
