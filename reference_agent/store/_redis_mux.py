"""One pipelined Redis connection shared by every request of an instance: the store's hot path.

Why not redis-py's asyncio client for this: each of its calls checks a connection out of a pool,
packs the command in Python and sends and reads on that connection alone, so 64 concurrent
SendMessage requests cost 64 connections, 64 writes and 64 reads, and the packing alone was
about a fifth of the agent's time in Redis mode. Here every caller writes to one connection:

* commands issued in the same event-loop turn leave in one write (Redis then reads them in one
  read and answers them in one write as well);
* hiredis packs the commands and parses the replies (C);
* replies come back in command order (RESP guarantees it), so each caller's future is simply
  the oldest one waiting.

Only non-blocking commands may go through here (script calls, HMGET…): a ``BLOCK`` command
would stall every caller behind it. Blocking reads and pub/sub stay on redis-py.

Failures map to redis-py's exception classes, which the store already turns into HTTP 503
(unreachable, timeout, still loading) or 500: a lost connection fails every waiting caller at
once, the next call reconnects, and a caller that waits longer than ``timeout`` drops the
connection (a Redis that stopped answering would otherwise pile up callers without bound).
URLs other than ``redis://`` and ``unix://`` (TLS) fall back to redis-py for the same calls.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, cast

import hiredis
import redis.asyncio as aioredis
from redis.exceptions import (
    AuthenticationError,
    BusyLoadingError,
    NoScriptError,
    ReadOnlyError,
    ResponseError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["MuxScript", "RedisMux"]

Arg = str | bytes | int | float
# hiredis's stub types the argument as a 1-tuple; it takes a tuple of any length.
_pack: Callable[[tuple[Arg, ...]], bytes] = hiredis.pack_command  # type: ignore[assignment]

# Error replies whose prefix has its own redis-py class (the store maps them by class).
_ERRORS: dict[str, type[Exception]] = {
    "NOSCRIPT": NoScriptError,
    "LOADING": BusyLoadingError,
    "READONLY": ReadOnlyError,
    "NOAUTH": AuthenticationError,
    "WRONGPASS": AuthenticationError,
}


def _error(reply: hiredis.ReplyError) -> Exception:
    message = str(reply)
    kind = _ERRORS.get(message.split(" ", 1)[0], ResponseError)
    return kind(message)


class _Protocol(asyncio.Protocol):
    """The connection: writes coalesced per loop turn, replies matched to callers in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        self.loop = loop
        self.timeout = timeout
        self.reader = hiredis.Reader()
        # (caller's future, when its command was queued), oldest first: replies come in order.
        self.waiting: collections.deque[tuple[asyncio.Future[Any], float]] = collections.deque()
        self.transport: asyncio.Transport | None = None
        self.outbox: list[bytes] = []
        self.closed = False
        # One timer per connection, not per call: it checks the oldest waiting command.
        self._watchdog: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods.
        self.transport = cast(asyncio.Transport, transport)

    def send(self, packed: bytes) -> asyncio.Future[Any]:
        if self.closed:
            raise RedisConnectionError("connection to Redis lost")
        loop = self.loop
        future = loop.create_future()
        if not self.outbox:
            loop.call_soon(self._flush)
        self.outbox.append(packed)
        self.waiting.append((future, loop.time()))
        if self._watchdog is None:
            self._watchdog = loop.call_later(self.timeout, self._watch)
        return future

    def _watch(self) -> None:
        self._watchdog = None
        if self.closed or not self.waiting:
            return
        age = self.loop.time() - self.waiting[0][1]
        if age >= self.timeout:
            # Redis stopped answering: fail everyone now rather than let callers pile up.
            self.abort(RedisTimeoutError(f"Redis did not answer within {self.timeout:g} s"))
        else:
            self._watchdog = self.loop.call_later(self.timeout - age, self._watch)

    def _flush(self) -> None:
        if self.outbox and self.transport is not None and not self.closed:
            self.transport.write(b"".join(self.outbox))
        self.outbox.clear()

    def data_received(self, data: bytes) -> None:
        reader = self.reader
        reader.feed(data)
        waiting = self.waiting
        while True:
            try:
                reply = reader.gets()
            except hiredis.ProtocolError as exc:
                self.abort(RedisConnectionError(f"Redis protocol error: {exc}"))
                return
            if reply is False:
                return
            if not waiting:  # a reply nobody asked for: the stream is out of step
                self.abort(RedisConnectionError("unexpected reply from Redis"))
                return
            future = waiting.popleft()[0]
            if future.done():  # its caller gave up (cancelled); the order still holds
                continue
            if isinstance(reply, hiredis.ReplyError):
                future.set_exception(_error(reply))
            else:
                future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail_all(RedisConnectionError("connection to Redis lost"))

    def abort(self, error: Exception) -> None:
        """Drop the connection and fail every waiting caller with ``error``."""
        self._fail_all(error)
        if self.transport is not None:
            self.transport.abort()

    def _fail_all(self, error: Exception) -> None:
        self.closed = True
        self.outbox.clear()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        while self.waiting:
            future = self.waiting.popleft()[0]
            if not future.done():
                future.set_exception(error)


class RedisMux:
    """Runs non-blocking commands for many concurrent callers over one pipelined connection.

    Built from the store's redis-py client (same URL, credentials and database); the connection
    opens on first use and again after it was lost.
    """

    def __init__(self, client: aioredis.Redis, *, connect_timeout: float, timeout: float) -> None:
        self._client = client
        self.connect_timeout = connect_timeout
        self.timeout = timeout
        pool = client.connection_pool
        kwargs = pool.connection_kwargs
        kind = pool.connection_class
        unix = kind is aioredis.UnixDomainSocketConnection
        self._path: str | None = kwargs.get("path") if unix else None
        self._host: str = kwargs.get("host", "localhost")
        self._port: int = int(kwargs.get("port", 6379))
        self._db = int(kwargs.get("db", 0) or 0)
        self._username: str | None = kwargs.get("username")
        self._password: str | None = kwargs.get("password")
        # TLS and anything unusual: redis-py does the work (correct, only slower).
        self.pipelined = kind in (aioredis.Connection, aioredis.UnixDomainSocketConnection)
        self._protocol: _Protocol | None = None
        # One connect at a time per event loop (tests may run the store on several loops).
        self._connecting: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    def script(self, source: str) -> MuxScript:
        """A Lua script called by SHA, loaded on the first ``NOSCRIPT`` (Redis restarted)."""
        return MuxScript(self, source)

    async def execute(self, *args: Arg) -> Any:
        """Send one command and return its raw reply (bytes, int, list, or None)."""
        if not self.pipelined:
            return await self._client.execute_command(*args)
        protocol = self._protocol
        loop = asyncio.get_running_loop()
        if protocol is None or protocol.closed or protocol.loop is not loop:
            protocol = await self._connect(loop)
        return await protocol.send(_pack(args))

    async def read(self, *args: Arg) -> Any:
        """A read-only command, retried once on a fresh connection if the shared one was dead.

        After a Redis restart the shared connection is only found dead when a command is sent on
        it; a read may safely be sent again. Writes and scripts go through :meth:`execute` and
        are never retried: they may have run before the connection broke.
        """
        try:
            return await self.execute(*args)
        except RedisConnectionError:
            return await self.execute(*args)

    async def _connect(self, loop: asyncio.AbstractEventLoop) -> _Protocol:
        if self._connecting is None or self._connecting[0] is not loop:
            self._connecting = (loop, asyncio.Lock())
        async with self._connecting[1]:
            current = self._protocol
            if current is not None and not current.closed and current.loop is loop:
                return current  # another caller connected while we waited
            protocol = _Protocol(loop, self.timeout)
            try:
                async with asyncio.timeout(self.connect_timeout):
                    if self._path is not None:
                        await loop.create_unix_connection(lambda: protocol, self._path)
                    else:
                        await loop.create_connection(lambda: protocol, self._host, self._port)
            except TimeoutError:
                raise RedisTimeoutError("timed out connecting to Redis") from None
            except OSError as exc:
                raise RedisConnectionError(
                    f"cannot connect to Redis: {exc.strerror or exc}"
                ) from None
            try:
                if self._password is not None:
                    auth = (self._username, self._password) if self._username else (self._password,)
                    await self._handshake(protocol, "AUTH", *auth)
                if self._db:
                    await self._handshake(protocol, "SELECT", self._db)
            except BaseException:
                protocol.abort(RedisConnectionError("connection to Redis closed"))
                raise
            self._protocol = protocol
            return protocol

    async def _handshake(self, protocol: _Protocol, *args: Arg) -> None:
        async with asyncio.timeout(self.connect_timeout):
            await protocol.send(_pack(args))

    async def close(self) -> None:
        """Close the connection (callers still waiting get a connection error)."""
        protocol, self._protocol = self._protocol, None
        if protocol is not None and not protocol.closed:
            protocol.abort(RedisConnectionError("the task store was closed"))


class MuxScript:
    """A Lua script run with ``EVALSHA`` on a :class:`RedisMux`; same call as redis-py's Script."""

    def __init__(self, mux: RedisMux, source: str) -> None:
        self.mux = mux
        self.source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()

    async def __call__(self, keys: Sequence[Arg] = (), args: Sequence[Arg] = ()) -> Any:
        try:
            return await self.mux.execute("EVALSHA", self.sha, len(keys), *keys, *args)
        except NoScriptError:
            # Redis restarted or flushed its script cache: EVAL runs it and caches it again.
            return await self.mux.execute("EVAL", self.source, len(keys), *keys, *args)
