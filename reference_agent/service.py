"""The seam between bindings and the engine.

A binding (JSON-RPC today; HTTP+JSON and gRPC later) decodes a request with its dialect codec into
:mod:`reference_agent.model` types, builds a :class:`RequestContext`, and calls one method of an
:class:`A2AService`. It never touches the store, the executor or the state machine; that is what
lets a new binding plug in without changing the handlers.

Streaming methods return async iterators. Errors that happen *before* the first event (unknown
task, terminal task, validation) are raised by the first ``__anext__`` call, so a binding can
answer them as a plain JSON error instead of an SSE stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .model import (
    ListTasksQuery,
    ListTasksResult,
    Message,
    PushConfig,
    SendMessageRequest,
    StreamEvent,
    Task,
)

__all__ = ["A2AService", "ProtocolVersion", "RequestContext"]

ProtocolVersion = Literal["0.3", "1.0"]


@dataclass(slots=True)
class RequestContext:
    """Who is calling, in which protocol version, and with which service parameters."""

    version: ProtocolVersion
    principal: str | None = None
    scopes: frozenset[str] = frozenset()
    tenant: str | None = None
    extensions: list[str] = field(default_factory=list)
    traceparent: str | None = None
    tracestate: str | None = None
    request_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class A2AService(Protocol):
    """The A2A operations (v1.0 §3.1), version- and binding-neutral."""

    async def send_message(
        self, request: SendMessageRequest, ctx: RequestContext
    ) -> Task | Message:
        """SendMessage / ``message/send``: a Task (blocking: terminal or interrupted) or a Message."""
        ...

    def send_streaming_message(
        self, request: SendMessageRequest, ctx: RequestContext
    ) -> AsyncIterator[StreamEvent]:
        """SendStreamingMessage / ``message/stream``: a Message, or a Task then its updates."""
        ...

    async def get_task(self, task_id: str, history_length: int | None, ctx: RequestContext) -> Task:
        """GetTask / ``tasks/get`` (history trimmed per v1.0 §3.2.4)."""
        ...

    async def list_tasks(self, query: ListTasksQuery, ctx: RequestContext) -> ListTasksResult:
        """ListTasks (v1.0 only): the caller's tasks, newest status first, cursor-paginated."""
        ...

    async def cancel_task(self, task_id: str, ctx: RequestContext) -> Task:
        """CancelTask / ``tasks/cancel``: the updated task, or TaskNotCancelable/TaskNotFound."""
        ...

    def subscribe_to_task(self, task_id: str, ctx: RequestContext) -> AsyncIterator[StreamEvent]:
        """SubscribeToTask / ``tasks/resubscribe``: the current Task first, then live updates."""
        ...

    async def create_push_config(self, config: PushConfig, ctx: RequestContext) -> PushConfig:
        """Create (v1.0) / ``set`` (v0.3) a push config; the id is generated when empty."""
        ...

    async def get_push_config(
        self, task_id: str, config_id: str | None, ctx: RequestContext
    ) -> PushConfig:
        """Get one config (v0.3 allows omitting the id: the task's first config)."""
        ...

    async def list_push_configs(
        self, task_id: str, page_size: int | None, page_token: str | None, ctx: RequestContext
    ) -> tuple[list[PushConfig], str]:
        """All active configs of a task and the next page token (``""`` on the last page)."""
        ...

    async def delete_push_config(self, task_id: str, config_id: str, ctx: RequestContext) -> None:
        """Delete a config; idempotent (v1.0 §3.1.10)."""
        ...

    async def get_extended_card(self, ctx: RequestContext) -> dict[str, Any]:
        """The extended agent card as a v1.0-shaped dict (the dialect converts for v0.3)."""
        ...
