"""The Redis store's pipelined connection, against a real redis-server.

Many callers share one connection, so the properties that matter are: every caller gets its own
reply (never a neighbour's), error replies keep their redis-py class (the store maps them to
503/500), a lost or silent Redis fails the callers in bounded time, and the next call reconnects
by itself. Credentials and the database number of the URL are honoured.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator

import pytest
import redis
import redis.asyncio as aioredis
from redis.exceptions import AuthenticationError, NoScriptError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from fixtures.redis_server import RedisServer
from reference_agent.store._redis_mux import RedisMux

BOUND = 10.0  # seconds any single step may take


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    with RedisServer() as started:
        yield started


def _mux(url: str, timeout: float = 5.0) -> RedisMux:
    return RedisMux(aioredis.Redis.from_url(url), connect_timeout=2.0, timeout=timeout)


async def test_concurrent_callers_each_get_their_own_reply(server: RedisServer) -> None:
    mux = _mux(server.url)
    try:
        replies = await asyncio.wait_for(
            asyncio.gather(*(mux.execute("ECHO", f"caller-{i}") for i in range(500))), BOUND
        )
    finally:
        await mux.close()
    assert replies == [f"caller-{i}".encode() for i in range(500)]


async def test_a_caller_that_gives_up_does_not_shift_the_others(server: RedisServer) -> None:
    mux = _mux(server.url)
    try:
        await mux.execute("PING")  # connected
        abandoned = asyncio.ensure_future(mux.execute("ECHO", "abandoned"))
        await asyncio.sleep(0)  # let it queue its command
        abandoned.cancel()
        after = await asyncio.wait_for(mux.execute("ECHO", "mine"), BOUND)
    finally:
        await mux.close()
    assert after == b"mine"


async def test_error_replies_keep_their_class_and_the_connection(server: RedisServer) -> None:
    mux = _mux(server.url)
    try:
        with pytest.raises(ResponseError, match="unknown command"):
            await mux.execute("NO-SUCH-COMMAND")
        with pytest.raises(NoScriptError):
            await mux.execute("EVALSHA", "0" * 40, 0)
        assert await mux.execute("ECHO", "still here") == b"still here"
    finally:
        await mux.close()


async def test_a_script_survives_a_flushed_script_cache(server: RedisServer) -> None:
    mux = _mux(server.url)
    script = mux.script("return {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1}")
    try:
        assert await script(keys=["k"], args=["v", 41]) == [b"k", b"v", 42]
        await mux.execute("SCRIPT", "FLUSH")  # what a Redis restart does to the cache
        assert await script(keys=["k2"], args=["w", 1]) == [b"k2", b"w", 2]
    finally:
        await mux.close()


async def test_a_redis_restart_fails_callers_then_reconnects() -> None:
    with RedisServer() as server:
        mux = _mux(server.url)
        try:
            assert await mux.execute("SET", "kept", "1") == b"OK"
            server.stop()
            with pytest.raises(RedisConnectionError):
                await asyncio.wait_for(mux.execute("GET", "kept"), BOUND)
            server.start()
            assert await asyncio.wait_for(mux.execute("ECHO", "back"), BOUND) == b"back"
        finally:
            await mux.close()


async def test_a_read_after_a_restart_is_sent_again_on_a_fresh_connection() -> None:
    # The restart is synchronous: the event loop has not yet seen the old connection close, so
    # the first command goes out on a dead connection (what a load run right after a Redis
    # restart hit). A read is retried once; a write is not (it may have run).
    with RedisServer() as server:
        mux = _mux(server.url)
        try:
            assert await mux.execute("ECHO", "before") == b"before"
            server.restart()
            assert await asyncio.wait_for(mux.read("ECHO", "after"), BOUND) == b"after"
            server.restart()
            with pytest.raises(RedisConnectionError):
                await asyncio.wait_for(mux.execute("SET", "k", "v"), BOUND)
            # And a read against a Redis that is really down still fails, fast.
            server.stop()
            with pytest.raises(RedisConnectionError):
                await asyncio.wait_for(mux.read("ECHO", "down"), BOUND)
        finally:
            await mux.close()


async def test_a_silent_redis_times_out_and_the_next_call_reconnects() -> None:
    with RedisServer() as server:
        mux = _mux(server.url, timeout=0.5)
        pid = server.pid
        assert pid is not None
        try:
            await mux.execute("PING")
            os.kill(pid, signal.SIGSTOP)  # our own redis-server: alive, but answering nothing
            try:
                with pytest.raises(RedisTimeoutError):
                    await asyncio.wait_for(mux.execute("ECHO", "lost"), BOUND)
            finally:
                os.kill(pid, signal.SIGCONT)
            assert await asyncio.wait_for(mux.execute("ECHO", "again"), BOUND) == b"again"
        finally:
            await mux.close()


async def test_the_url_password_and_database_are_used() -> None:
    with RedisServer(extra_args=["--requirepass", "s3cret"]) as server:
        base = f"redis://:s3cret@{server.host}:{server.port}"
        mux = _mux(f"{base}/3")
        wrong = _mux(f"redis://:nope@{server.host}:{server.port}/0")
        try:
            assert await mux.execute("SET", "in-db-3", "yes") == b"OK"
            with pytest.raises(AuthenticationError):
                await wrong.execute("PING")
        finally:
            await mux.close()
            await wrong.close()
        direct = redis.Redis.from_url(f"{base}/3")
        try:
            assert direct.get("in-db-3") == b"yes"
        finally:
            direct.close()


def test_tls_urls_fall_back_to_the_plain_client() -> None:
    # No TLS server here: only the choice is checked (redis-py then does the TLS work).
    assert not _mux("rediss://127.0.0.1:6390/0").pipelined
    assert _mux("redis://127.0.0.1:6390/0").pipelined
    assert _mux("unix:///tmp/redis.sock?db=2").pipelined
