"""Helpers for the engine's unit tests: messages, a service factory, bounded stream reading,
and a real loopback webhook receiver (an ``asyncio`` HTTP/1.1 server, no mocks)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from reference_agent.config import AgentSettings
from reference_agent.engine import TaskService
from reference_agent.logs import SINK
from reference_agent.model import (
    Message,
    Part,
    PushConfig,
    Role,
    SendMessageRequest,
    StatusUpdate,
    StreamEvent,
    Task,
)
from reference_agent.service import ProtocolVersion, RequestContext
from reference_agent.store import MemoryTaskStore

T = TypeVar("T")

BOUND = 10.0  # seconds: every wait in these tests is bounded by this


@contextlib.contextmanager
def captured_log_lines() -> Iterator[list[dict[str, Any]]]:
    """The JSON log lines written inside the block (INFO on), parsed; filled at its end."""
    stream = io.StringIO()
    previous_stream, previous_info = SINK.redirect(stream, info=True)
    lines: list[dict[str, Any]] = []
    try:
        yield lines
    finally:
        SINK.redirect(previous_stream, info=previous_info)  # writes what is still buffered
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


def message(
    text: str = "hello",
    *,
    message_id: str = "m-1",
    task_id: str | None = None,
    context_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    parts: list[Part] | None = None,
) -> Message:
    """A user message with one text part (or the given parts)."""
    return Message(
        message_id=message_id,
        role=Role.USER,
        parts=parts if parts is not None else [Part(kind="text", content=text)],
        task_id=task_id,
        context_id=context_id,
        metadata=metadata,
    )


def send(text: str = "hello", *, blocking: bool = True, **kw: Any) -> SendMessageRequest:
    """A SendMessageRequest; ``history_length``/``push_config`` go to the request, rest to
    :func:`message`."""
    request_kw = {k: kw.pop(k) for k in ("history_length", "push_config", "tenant") if k in kw}
    return SendMessageRequest(message=message(text, **kw), blocking=blocking, **request_kw)


def ctx(version: ProtocolVersion = "1.0", **kw: Any) -> RequestContext:
    """A request context (anonymous by default)."""
    return RequestContext(version=version, **kw)


def json_encoder(
    event: StreamEvent, task: Task, config: PushConfig, version: ProtocolVersion
) -> tuple[bytes, dict[str, str]]:
    """A test push encoder: a small JSON summary, the token as a header."""
    kind = type(event).__name__
    payload: dict[str, Any] = {"kind": kind, "taskId": task.id, "version": version}
    if isinstance(event, StatusUpdate):
        payload["state"] = event.status.state.value
    headers = {"Content-Type": "application/json"}
    if config.token:
        headers["X-A2A-Notification-Token"] = config.token
    return json.dumps(payload).encode(), headers


def make_service(
    store: MemoryTaskStore | None = None, card: dict[str, Any] | None = None, **settings: Any
) -> TaskService:
    """A TaskService over a memory store with the given AgentSettings overrides."""
    merged = AgentSettings(**settings)
    return TaskService(
        merged,
        store
        or MemoryTaskStore(task_ttl_seconds=merged.task_ttl_seconds, max_tasks=merged.max_tasks),
        json_encoder,
        lambda _ctx: card,
    )


async def collect(stream: AsyncIterator[T], limit: int = 10_000) -> list[T]:
    """Every item of ``stream``, bounded in time and count."""

    async def _all() -> list[T]:
        items: list[T] = []
        async for item in stream:
            items.append(item)
            if len(items) >= limit:
                break
        return items

    return await asyncio.wait_for(_all(), BOUND)


def states(events: Iterable[object]) -> list[str]:
    """The states of the status updates (and Task snapshots) in ``events``."""
    out = []
    for event in events:
        if isinstance(event, StatusUpdate):
            out.append(event.status.state.value)
        elif isinstance(event, Task):
            out.append("task:" + event.status.state.value)
    return out


@dataclass
class Received:
    """One request the webhook receiver got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """A real HTTP/1.1 server on 127.0.0.1 that records requests.

    ``statuses`` are answered in order (then 200 forever), so a test can make the first
    deliveries fail. ``hang_first`` makes the first N requests never answer (timeouts).
    """

    statuses: list[int] = field(default_factory=list)
    hang_first: int = 0
    received: list[Received] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _changed: asyncio.Condition | None = None
    _hung: asyncio.Event | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}/hook"

    async def __aenter__(self) -> WebhookReceiver:
        self._changed = asyncio.Condition()
        self._hung = asyncio.Event()
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None and self._hung is not None
        self._hung.set()
        self._server.close()
        await asyncio.wait_for(self._server.wait_closed(), BOUND)

    async def wait_for(self, count: int) -> list[Received]:
        """Block (bounded) until at least ``count`` requests arrived."""
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.received) >= count), BOUND
            )
        return list(self.received)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._changed is not None and self._hung is not None
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                method, path, _ = line.decode().split(" ", 2)
                headers: dict[str, str] = {}
                while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, value = raw.decode().split(":", 1)
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                async with self._changed:
                    self.received.append(Received(method, path, headers, body))
                    index = len(self.received)
                    self._changed.notify_all()
                if index <= self.hang_first:
                    await self._hung.wait()
                    return
                status = self.statuses[index - 1] if index <= len(self.statuses) else 200
                writer.write(f"HTTP/1.1 {status} X\r\ncontent-length: 0\r\n\r\n".encode())
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()
