"""A total time budget for every network wait, so an agent cannot hang the harness.

httpx bounds each *phase* of a request (connect, each read, each write), but not the whole: an
agent that sends one byte every few seconds (a slowloris response) never trips a read timeout
and would hold a check forever. This module closes that gap one level down, in httpcore's
network backend: every socket read and write made while a budget is active gets its timeout
clamped to what is left of the budget, and fails with :class:`httpcore.ReadTimeout` /
:class:`httpcore.WriteTimeout` once it is spent (httpx maps those to its own timeouts, which
the grading turns into ERROR).

The budget is per thread (the sync client does its I/O in the caller's thread), so pooled
connections need no bookkeeping: whichever connection a request uses, its reads are bounded by
the budget of the request being served.

Example::

    with time_budget(5.0):
        client.get(url)        # all of it (headers and body) within 5 s, or a timeout
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore

__all__ = ["BudgetBackend", "budget_until", "install", "remaining", "time_budget"]


class _Budget(threading.local):
    deadline: float | None = None


_BUDGET = _Budget()


@contextlib.contextmanager
def budget_until(deadline: float | None) -> Iterator[None]:
    """Bound the network waits in this block to end by ``deadline`` (``time.monotonic()``).

    Nested budgets keep the earlier deadline; None adds no bound.
    """
    previous = _BUDGET.deadline
    if deadline is not None and (previous is None or deadline < previous):
        _BUDGET.deadline = deadline
    try:
        yield
    finally:
        _BUDGET.deadline = previous


def time_budget(seconds: float | None) -> contextlib.AbstractContextManager[None]:
    """:func:`budget_until` ``seconds`` from now."""
    return budget_until(None if seconds is None else time.monotonic() + seconds)


def remaining() -> float | None:
    """Seconds left in the current thread's budget (None: no budget)."""
    if _BUDGET.deadline is None:
        return None
    return _BUDGET.deadline - time.monotonic()


def _clamp(timeout: float | None, phase: str) -> float | None:
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        error = httpcore.ReadTimeout if phase == "read" else httpcore.WriteTimeout
        raise error(f"total time budget of the request exhausted while waiting to {phase}")
    return left if timeout is None else min(timeout, left)


class _BudgetStream(httpcore.NetworkStream):
    """A network stream whose reads and writes respect the thread's budget."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, "read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, "write"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, "read"))
        return _BudgetStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class BudgetBackend(httpcore.NetworkBackend):
    """Wraps httpcore's backend: connections are bounded by the budget too."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host,
            port,
            timeout=_clamp(timeout, "read"),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _BudgetStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(
            path, timeout=_clamp(timeout, "read"), socket_options=socket_options
        )
        return _BudgetStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(transport: Any) -> bool:
    """Put :class:`BudgetBackend` under an ``httpx.HTTPTransport``; False if it cannot.

    httpx does not expose the backend, so this reaches into the transport's connection pool;
    a test pins the attribute so an httpcore upgrade that moves it fails loudly.
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is None:
        return False
    if not isinstance(backend, BudgetBackend):
        pool._network_backend = BudgetBackend(backend)  # type: ignore[union-attr]
    return True
