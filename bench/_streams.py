"""Streaming measurements: time to first SSE event, and memory with many open streams.

Time to first event is taken from just before the request is sent to the arrival of the first
``data:`` line (httpx's async client on loopback; the client's own overhead is included, so the
figure is an upper bound of the server's). Streams are read to their end so connections are
reused, as a real client would.
"""

from __future__ import annotations

import asyncio
import math
import resource
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from _servers import V1_HEADERS, require_loopback

STREAM_HEADERS = {**V1_HEADERS, "Accept": "text/event-stream"}


class StreamError(RuntimeError):
    """A stream did not start as an SSE stream with at least one event."""


def stream_body(text: str, message_id: str) -> dict[str, Any]:
    """A v1.0 JSON-RPC ``SendStreamingMessage`` request with one text part."""
    return {
        "jsonrpc": "2.0",
        "id": message_id,
        "method": "SendStreamingMessage",
        "params": {
            "message": {"role": "ROLE_USER", "messageId": message_id, "parts": [{"text": text}]}
        },
    }


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def summarize_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/max of a sample of durations, in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p90_ms": round(percentile(ms, 90), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3),
    }


async def _first_event(client: httpx.AsyncClient, url: str, text: str, message_id: str) -> float:
    started = time.perf_counter()
    first: float | None = None
    async with client.stream(
        "POST", url, json=stream_body(text, message_id), headers=STREAM_HEADERS
    ) as response:
        kind = response.headers.get("content-type", "")
        if response.status_code != 200 or not kind.startswith("text/event-stream"):
            body = (await response.aread())[:300]
            raise StreamError(f"HTTP {response.status_code} {kind!r}: {body!r}")
        async for line in response.aiter_lines():
            if first is None and line.startswith("data:"):
                first = time.perf_counter() - started
    if first is None:
        raise StreamError("the stream closed before its first data event")
    return first


async def time_to_first_event(
    url: str, *, sequential: int = 200, concurrent: int = 100, warmup: int = 20
) -> dict[str, Any]:
    """TTFE of ``sequential`` one-at-a-time streams and of ``concurrent`` simultaneous ones."""
    require_loopback(url)
    limits = httpx.Limits(max_connections=concurrent + 10, max_keepalive_connections=concurrent)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        for i in range(warmup):
            await _first_event(client, url, "hello", f"ttfe-seq-warm-{i}")
        one_by_one = [
            await _first_event(client, url, "hello", f"ttfe-seq-{i}") for i in range(sequential)
        ]
        together: list[float] = []
        # The first burst opens the connections (costly for a Python client: it would dominate);
        # the second, measured, starts `concurrent` streams at once on open connections.
        for burst in ("warm", "par"):
            together = await asyncio.wait_for(
                asyncio.gather(
                    *(
                        _first_event(client, url, "hello", f"ttfe-{burst}-{i}")
                        for i in range(concurrent)
                    )
                ),
                timeout=120,
            )
    return {"sequential": summarize_ms(one_by_one), "concurrent": summarize_ms(together)}


def raise_fd_limit(needed: int) -> int:
    """Raise this process's open-file soft limit to at least ``needed`` (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        ceiling = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
        soft = ceiling
    if soft < needed:
        raise RuntimeError(f"open-file limit {soft} < {needed}; raise it (ulimit -n)")
    return soft


async def rss_with_open_streams(
    url: str, count: int, measure: Callable[[], int], *, text: str = "slow 120"
) -> dict[str, Any]:
    """Open ``count`` streams on long tasks, wait until each got its first event, then measure.

    ``measure`` returns the server's RSS in KiB. Streams are opened at most 100 at a time (a
    connect storm measures the accept queue, not the agent), and all stay open until measured.
    """
    require_loopback(url)
    opened = 0
    all_open = asyncio.Event()
    release = asyncio.Event()
    gate = asyncio.Semaphore(100)
    limits = httpx.Limits(max_connections=count + 10, max_keepalive_connections=0)
    timeout = httpx.Timeout(30.0, read=None)  # the streams are meant to stay silent

    async def hold(client: httpx.AsyncClient, i: int) -> None:
        nonlocal opened
        async with gate:
            request = client.stream(
                "POST", url, json=stream_body(text, f"rss-{i}"), headers=STREAM_HEADERS
            )
            response = await request.__aenter__()
            try:
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        break
                else:
                    raise StreamError(f"stream {i} closed before its first event")
            except BaseException:
                await request.__aexit__(None, None, None)
                raise
        opened += 1
        if opened == count:
            all_open.set()
        try:
            await release.wait()
        finally:
            await request.__aexit__(None, None, None)

    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        holders = [asyncio.create_task(hold(client, i)) for i in range(count)]
        try:
            started = time.perf_counter()
            waiter = asyncio.create_task(all_open.wait())
            # Holders only finish early by failing; the waiter finishes when all are open.
            done, _ = await asyncio.wait(
                [waiter, *holders], timeout=180, return_when=asyncio.FIRST_COMPLETED
            )
            waiter.cancel()
            failed = [t for t in done if t is not waiter and t.exception() is not None]
            if failed:
                raise StreamError(f"a stream failed: {failed[0].exception()!r}")
            if not all_open.is_set():
                raise StreamError(f"only {opened} of {count} streams opened within 180 s")
            open_seconds = time.perf_counter() - started
            rss = measure()
        finally:
            release.set()
            await asyncio.wait_for(asyncio.gather(*holders, return_exceptions=True), 60)
    return {"streams": count, "rss_kib": rss, "open_seconds": round(open_seconds, 2)}
