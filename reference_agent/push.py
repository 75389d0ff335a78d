"""Push notification delivery: every task event, to every webhook of the task, at least once.

The sender knows nothing of wire dialects. The binding layer injects a :class:`PushEncoder`
that turns an event into the body and headers for one webhook, per the protocol version that
created the config:

* v1.0: a ``StreamResponse`` JSON, ``Content-Type: application/a2a+json`` and
  ``Authorization: {scheme} {credentials}`` (§4.3.3, §13.2);
* v0.3: the Task JSON, with the config's token in ``X-A2A-Notification-Token``.

The sender adds the W3C ``traceparent``/``tracestate`` of the request that caused the event.

Delivery rules: events of one task go out in generation order (one worker per task; the
webhooks of one event are posted concurrently); each POST has its own timeout; connection
errors, timeouts, 408/425/429 and 5xx are retried with exponential backoff up to
``max_attempts``; other statuses are final. Nothing here logs a header or a token.

SSRF guard (:func:`check_webhook_url`): only http/https, and unless private webhooks are
allowed, every address the host resolves to must be public; it is checked when the config is
created and again before each delivery (DNS may change in between).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from .errors import InvalidParamsError
from .model import PushConfig, StreamEvent, Task
from .service import ProtocolVersion

__all__ = [
    "PushEncoder",
    "PushSender",
    "PushStats",
    "check_webhook_url",
]

logger = logging.getLogger("reference_agent.push")

_RETRY_STATUSES = frozenset({408, 425, 429})
_DNS_TIMEOUT = 5.0


class PushEncoder(Protocol):
    """Builds one webhook POST: ``(body, headers)`` for ``event`` of ``task`` under ``config``.

    ``version`` is the protocol version of the request that created the config. ``task`` is the
    snapshot right after the event (the v0.3 payload is the whole Task). The headers must carry
    the content type and the config's credentials; the sender adds the trace headers.
    """

    def __call__(
        self, event: StreamEvent, task: Task, config: PushConfig, version: ProtocolVersion
    ) -> tuple[bytes, dict[str, str]]: ...


@dataclass(slots=True)
class PushStats:
    """Counters for tests, logs and the bench."""

    delivered: int = 0
    failed: int = 0
    attempts: int = 0
    dropped: int = 0


class _UnresolvableHostError(InvalidParamsError):
    """The webhook host does not resolve (now): final at creation, retried at delivery."""


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await asyncio.wait_for(
        loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), _DNS_TIMEOUT
    )
    return [str(info[4][0]) for info in infos]


async def check_webhook_url(url: str, *, allow_private: bool, field: str = "url") -> None:
    """Refuse (``InvalidParamsError`` naming ``field``) a webhook URL the agent must not call.

    >>> asyncio.run(check_webhook_url("https://93.184.216.34/hook", allow_private=False))
    """
    if not isinstance(url, str) or not url:
        raise InvalidParamsError("push notification config url is required", field=field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidParamsError("push notification url is not a valid URL", field=field) from None
    if parts.scheme not in ("http", "https"):
        raise InvalidParamsError(
            f"push notification url must use http or https, got scheme {parts.scheme!r}",
            field=field,
        )
    host = parts.hostname
    if not host:
        raise InvalidParamsError("push notification url has no host", field=field)
    if allow_private:
        return
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = await _resolve(host, port or (443 if parts.scheme == "https" else 80))
        except (OSError, TimeoutError):
            raise _UnresolvableHostError(
                f"push notification url host {host!r} cannot be resolved", field=field
            ) from None
    for address in addresses:
        if _forbidden(ipaddress.ip_address(address.split("%", 1)[0])):
            raise InvalidParamsError(
                f"push notification url host {host!r} resolves to {address}, a private, "
                "loopback, link-local, multicast or reserved address; refused to prevent SSRF "
                "(an operator can allow it with --allow-private-webhooks)",
                field=field,
            )


@dataclass(slots=True)
class _Delivery:
    task_id: str
    event: StreamEvent
    task: Task
    targets: Sequence[tuple[PushConfig, ProtocolVersion]]
    trace_headers: dict[str, str]


class PushSender:
    """Queues and delivers push notifications (see the module docstring for the rules)."""

    def __init__(
        self,
        encoder: PushEncoder,
        *,
        timeout_seconds: float = 10.0,
        max_attempts: int = 4,
        backoff_seconds: float = 0.2,
        allow_private: bool = False,
        max_pending: int = 10_000,
        max_connections: int = 32,
    ) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {max_attempts}")
        self._encode = encoder
        self.timeout_seconds = timeout_seconds
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.allow_private = allow_private
        self.max_pending = max_pending
        self._max_connections = max_connections
        self._client: httpx.AsyncClient | None = None
        self._queues: dict[str, deque[_Delivery]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._pending = 0
        self._closed = False
        self.stats = PushStats()

    async def validate_url(self, url: str, *, field: str = "url") -> None:
        """The SSRF guard with this sender's ``allow_private`` setting."""
        await check_webhook_url(url, allow_private=self.allow_private, field=field)

    def submit(
        self,
        task_id: str,
        event: StreamEvent,
        task: Task,
        targets: Sequence[tuple[PushConfig, ProtocolVersion]],
        *,
        traceparent: str | None = None,
        tracestate: str | None = None,
    ) -> None:
        """Queue one event for every target; returns at once (delivery runs in the background)."""
        if not targets:
            return
        if self._closed or self._pending >= self.max_pending:
            # Overload: dropping is the bounded-memory choice; it is counted and logged.
            self.stats.dropped += len(targets)
            logger.warning(
                "push notification dropped: %s",
                "sender closed" if self._closed else "queue full",
                extra={"task_id": task_id},
            )
            return
        trace: dict[str, str] = {}
        if traceparent:
            trace["traceparent"] = traceparent
            if tracestate:
                trace["tracestate"] = tracestate
        queue = self._queues.get(task_id)
        if queue is None:
            queue = self._queues[task_id] = deque()
        queue.append(_Delivery(task_id, event, task, targets, trace))
        self._pending += 1
        if task_id not in self._workers:
            self._workers[task_id] = asyncio.get_running_loop().create_task(
                self._drain(task_id, queue), name=f"push:{task_id}"
            )

    @property
    def pending(self) -> int:
        """Events queued or in flight."""
        return self._pending

    async def flush(self, timeout: float) -> None:
        """Wait up to ``timeout`` for queued deliveries, then abandon the rest (logged)."""
        workers = list(self._workers.values())
        if workers:
            _, late = await asyncio.wait(workers, timeout=timeout)
            for worker in late:
                worker.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
                logger.warning("push deliveries abandoned at shutdown: %d task(s)", len(late))

    async def aclose(self, timeout: float = 5.0) -> None:
        """Flush within ``timeout`` and close the HTTP client; later submissions are dropped."""
        self._closed = True
        await self.flush(timeout)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- internals -----------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout_seconds),
                limits=httpx.Limits(
                    max_connections=self._max_connections,
                    max_keepalive_connections=max(1, self._max_connections // 4),
                ),
                follow_redirects=False,  # a redirect could point anywhere: SSRF
                trust_env=False,
            )
        return self._client

    async def _drain(self, task_id: str, queue: deque[_Delivery]) -> None:
        try:
            while queue:
                delivery = queue.popleft()
                try:
                    await asyncio.gather(
                        *(
                            self._deliver(delivery, cfg, version)
                            for cfg, version in delivery.targets
                        )
                    )
                finally:
                    self._pending -= 1
        finally:
            if self._queues.get(task_id) is queue:
                self._pending -= len(queue)
                del self._queues[task_id]
            self._workers.pop(task_id, None)

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        if not self.allow_private:
            await check_webhook_url(url, allow_private=False)
        client = self._http()
        request = client.build_request("POST", url, content=body, headers=headers)
        # The receiver's body is never read: only the status matters, and it could be huge.
        response = await client.send(request, stream=True)
        await response.aclose()
        return response.status_code

    async def _deliver(
        self, delivery: _Delivery, config: PushConfig, version: ProtocolVersion
    ) -> None:
        host = urlsplit(config.url).hostname or "?"
        try:
            body, headers = self._encode(delivery.event, delivery.task, config, version)
        except Exception:
            logger.exception(
                "push payload could not be encoded", extra={"task_id": delivery.task_id}
            )
            self.stats.failed += 1
            return
        if delivery.trace_headers:
            headers = {**headers, **delivery.trace_headers}
        reason = ""
        for attempt in range(1, self.max_attempts + 1):
            if attempt > 1:
                await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 2))
            self.stats.attempts += 1
            try:
                # One bound for the whole attempt (httpx's own timeouts apply per phase).
                async with asyncio.timeout(self.timeout_seconds):
                    status = await self._post(config.url, body, headers)
            except _UnresolvableHostError as exc:  # DNS may come back: worth another attempt
                reason = exc.message
                continue
            except InvalidParamsError as exc:  # now resolves to a forbidden address: final
                reason = exc.message
                break
            except (httpx.TransportError, httpx.TimeoutException, TimeoutError) as exc:
                reason = type(exc).__name__
                continue
            if 200 <= status < 300:
                self.stats.delivered += 1
                return
            reason = f"HTTP {status}"
            if status < 500 and status not in _RETRY_STATUSES:
                break
        self.stats.failed += 1
        logger.warning(
            "push notification not delivered to %s after %d attempt(s): %s",
            host,
            attempt,
            reason,
            extra={"task_id": delivery.task_id, "config_id": config.id},
        )
