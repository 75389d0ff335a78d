"""Pieces the Redis task store is built from: error mapping, key encodings, the stream reader."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ..errors import InternalError, ServiceUnavailableError
from ..model import TERMINAL_STATES, StatusUpdate
from ._redis_codec import decode_event
from .base import Subscription, TaskEvent, TaskScope

__all__ = [
    "BLOCK_MS",
    "SEP",
    "StreamSubscription",
    "available",
    "member_id",
    "redacted",
    "scope_bytes",
    "scope_key",
    "text",
]

BLOCK_MS = 1000  # one XREAD BLOCK; between blocks a subscriber re-checks the task still exists
SEP = "\x00"  # below every printable char: "ts\0id" sorts like the tuple (ts, id)


def redacted(url: str) -> str:
    # redis://user:secret@host → redis://***@host: a password never reaches logs or errors.
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return f"{scheme}{sep}{rest}"


class available:  # lower case: used like the function it replaced, `async with available(…)`
    """Turn "Redis is unreachable" into the A2A 503 the bindings already know how to send.

    A class rather than ``@asynccontextmanager``: it wraps every store call, and a generator
    based one costs about three times as much per use.
    """

    __slots__ = ("where",)

    def __init__(self, where: str) -> None:
        self.where = where

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if exc is None:
            return False
        if isinstance(exc, RedisConnectionError | RedisTimeoutError | OSError):
            raise ServiceUnavailableError(
                f"task store unavailable ({self.where}): {type(exc).__name__}; retry later"
            ) from None
        if isinstance(exc, RedisError):
            raise InternalError(f"task store error ({self.where}): {exc}") from None
        return False


def scope_key(owner: str | None, tenant: str | None) -> str:
    return orjson.dumps([owner, tenant]).decode()


def scope_bytes(scope: TaskScope) -> bytes:
    return scope_key(scope.owner, scope.tenant).encode()


def member_id(member: bytes | str) -> str:
    return text(member).split(SEP, 1)[1]


def text(value: bytes | str | None) -> str:
    # redis-py types replies as bytes | str; this client never sets decode_responses.
    if value is None:
        raise InternalError("task store record is incomplete")
    return value.decode() if isinstance(value, bytes) else value


class StreamSubscription(Subscription):
    """Reads one task's stream after a given seq until a terminal status update."""

    def __init__(
        self, client: aioredis.Redis, task_key: str, events_key: str, after: int, done: bool
    ) -> None:
        self._client = client
        self._task_key = task_key
        self._events_key = events_key
        self._after = after
        self._buffer: list[TaskEvent] = []
        self._done = done

    async def __anext__(self) -> TaskEvent:
        while not self._buffer:
            if self._done:
                raise StopAsyncIteration
            await self._fill()
        event = self._buffer.pop(0)
        if type(event) is StatusUpdate and event.status.state in TERMINAL_STATES:
            self._done = True
            self._buffer.clear()
        return event

    async def _fill(self) -> None:
        async with available("subscribe"):
            # redis-py types replies for every decoding mode; this client always gets bytes.
            reply: Any = await self._client.xread(
                {self._events_key: f"0-{self._after}"}, count=100, block=BLOCK_MS
            )
            if not reply:
                # Nothing within one block: stop if the task has gone (expired or never ended).
                if not await self._client.exists(self._task_key):
                    self._done = True
                return
        for entry_id, fields in reply[0][1]:
            self._after = int(entry_id.split(b"-", 1)[1])
            self._buffer.append(decode_event(fields[b"e"]))

    async def aclose(self) -> None:
        self._done = True
        self._buffer.clear()
