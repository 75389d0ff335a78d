"""A bounded HTTP client that records evidence of every exchange.

Bounded: every request has a total time budget (``--a2a-timeout``: headers and body together,
enforced per socket read by :mod:`conformance.client._budget`, so a slowloris answer cannot hold
a check), a response larger than the size cap (after decompression) is cut and reported,
redirects are never followed silently (a 3xx is returned as it is, so a check sees it), and an
SSE stream stops after a total time and an event count. Recorded: each
exchange goes into the current check's :class:`~conformance.evidence.Evidence`, redacted, with a
curl reproduction and the trace id of its span.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from ..evidence import Evidence, Exchange, Redactor, SseRecord, clip_body, curl_command
from ._budget import budget_until, install
from .sse import SseEvent, SseParser

if TYPE_CHECKING:
    from ..tracing import CheckTracer

__all__ = ["TRANSPORT_ERRORS", "HttpClient", "HttpResponse", "ResponseTooLarge", "SseStream"]

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
CURL_BODY_LIMIT = 16 * 1024  # longer request bodies are cut in the curl reproduction
USER_AGENT = "a2a-harness-conformance/0.1"

# Exceptions that mean "the agent could not be talked to": graded ERROR, never FAIL or PASS.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (httpx.TransportError,)


class ResponseTooLarge(httpx.TransportError):
    """The response exceeded the size cap; the check cannot judge it (ERROR)."""


@dataclass(slots=True)
class HttpResponse:
    """A complete (size-capped) response."""

    status: int
    headers: httpx.Headers
    body: bytes
    elapsed: float
    exchange: Exchange

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case (``application/json``)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class HttpClient:
    """One connection pool for the run; :attr:`evidence` is switched per check by the plugin."""

    def __init__(
        self,
        *,
        timeout: float,
        headers: dict[str, str] | None = None,
        header_templates: dict[str, str] | None = None,
        redactor: Redactor | None = None,
        tracer: CheckTracer | None = None,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.timeout = timeout
        self.extra_headers = dict(headers or {})
        self.header_templates = dict(header_templates or {})
        self.redactor = redactor or Redactor()
        self.tracer = tracer
        self.max_bytes = max_bytes
        self.evidence: Evidence | None = None
        transport = httpx.HTTPTransport()
        if not install(transport):
            raise RuntimeError("cannot bound request times: httpx/httpcore internals changed")
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT},
            transport=transport,
            trust_env=False,  # the target is what the user typed, never a proxy from the env
        )

    def close(self) -> None:
        self._client.close()

    # -- plain requests -------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str | None] | None = None,
        body: bytes | None = None,
        timeout: float | None = None,
    ) -> HttpResponse:
        """Send one request and read the whole (capped) response; transport errors propagate.

        A None header value drops that run-wide header (e.g. the credential) from this request.

        ``timeout`` (default: the client's) bounds the whole exchange, not just each read."""
        with self._exchange(method, url, headers, body) as (exchange, sent_headers):
            start = time.monotonic()
            budget = self.timeout if timeout is None else timeout
            req = self._client.build_request(
                method, url, headers=sent_headers, content=body, **self._timeout(timeout)
            )
            with budget_until(start + budget):
                response = self._client.send(req, stream=True)
                try:
                    data = self._read_capped(response)
                finally:
                    response.close()
            elapsed = time.monotonic() - start
            self._record_response(exchange, response, data, elapsed)
            return HttpResponse(response.status_code, response.headers, data, elapsed, exchange)

    # -- SSE --------------------------------------------------------------------------------
    def open_stream(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str | None] | None = None,
        body: bytes | None = None,
        max_events: int = 200,
        total_timeout: float | None = None,
    ) -> SseStream:
        """Start a request whose answer may be an SSE stream; read it with :meth:`SseStream.events`."""
        hdrs: dict[str, str | None] = {"Accept": "text/event-stream", **(headers or {})}
        cm = self._exchange(method, url, hdrs, body)
        exchange, sent_headers = cm.__enter__()
        start = time.monotonic()
        deadline = start + (total_timeout if total_timeout is not None else self.timeout * 3)
        try:
            req = self._client.build_request(method, url, headers=sent_headers, content=body)
            # The answer must start within one request timeout, and end by the stream deadline.
            with budget_until(min(deadline, start + self.timeout)):
                response = self._client.send(req, stream=True)
        except BaseException as exc:
            cm.__exit__(type(exc), exc, exc.__traceback__)
            raise
        exchange.status = response.status_code
        exchange.response_headers = self.redactor.headers(list(response.headers.items()))
        return SseStream(
            self,
            response,
            exchange,
            cm,
            start,
            max_events=max_events,
            deadline=deadline,
        )

    # -- internals ------------------------------------------------------------------------
    def _timeout(self, timeout: float | None) -> dict[str, Any]:
        return {} if timeout is None else {"timeout": httpx.Timeout(timeout)}

    def _read_capped(self, response: httpx.Response) -> bytes:
        # The cap counts decoded bytes, so a compressed "bomb" is stopped as it inflates.
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise ResponseTooLarge(f"response larger than {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _record_response(
        self, exchange: Exchange, response: httpx.Response, data: bytes, elapsed: float
    ) -> None:
        exchange.status = response.status_code
        exchange.response_headers = self.redactor.headers(list(response.headers.items()))
        exchange.response_body = self.redactor.text(clip_body(data))
        exchange.elapsed_s = elapsed

    def _exchange(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str | None] | None,
        body: bytes | None,
    ) -> _ExchangeContext:
        return _ExchangeContext(self, method, url, headers, body)


class _ExchangeContext:
    """Opens the request span, builds headers, records the exchange and any transport error."""

    def __init__(
        self,
        client: HttpClient,
        method: str,
        url: str,
        headers: Mapping[str, str | None] | None,
        body: bytes | None,
    ) -> None:
        self.client, self.method, self.url, self.body = client, method, url, body
        given = dict(headers or {})
        dropped = {name.lower() for name, value in given.items() if value is None}
        merged = {
            name: value
            for name, value in client.extra_headers.items()
            if name.lower() not in dropped
        }
        merged.update({name: value for name, value in given.items() if value is not None})
        self.headers: dict[str, str] = merged
        self._span: Any = None

    def __enter__(self) -> tuple[Exchange, dict[str, str]]:
        client = self.client
        trace_id = None
        if client.tracer is not None:
            self._span = client.tracer.request_span(self.method, self.url)
            traceparent, trace_id = self._span.__enter__()
            self.headers.setdefault("traceparent", traceparent)
        body_text = client.redactor.text(clip_body(self.body or b""))
        shown_headers = client.redactor.headers(self.headers)
        templates = {
            k: client.header_templates[k]
            for k in self.headers
            if k in client.header_templates and "${" in client.header_templates[k]
        }
        # The URL too: a credential may travel in the query string (and must not be shown).
        shown_url = client.redactor.text(self.url)
        self.exchange = Exchange(
            method=self.method,
            url=shown_url,
            request_headers=shown_headers,
            request_body=body_text,
            trace_id=trace_id,
            curl=curl_command(
                self.method,
                shown_url,
                shown_headers,
                client.redactor.text(_curl_body(self.body or b"")),
                templates=templates,
            ),
        )
        if client.evidence is not None:
            client.evidence.add(self.exchange)
        return self.exchange, self.headers

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is not None:
            self.exchange.error = self.client.redactor.text(f"{type(exc).__name__}: {exc}")
        if self._span is not None:
            self._span.__exit__(exc_type, exc, tb)
            self._span = None


def _curl_body(body: bytes) -> str:
    """The body for a curl reproduction; a huge one is cut (and says so) to keep reports sane."""
    if len(body) <= CURL_BODY_LIMIT:
        return body.decode("utf-8", errors="replace")
    head = body[:CURL_BODY_LIMIT].decode("utf-8", errors="replace")
    return f"{head}… [reproduction cut: the request body had {len(body)} bytes]"


class SseStream:
    """An open response that is read as SSE, with arrival times, a deadline and an event cap."""

    def __init__(
        self,
        client: HttpClient,
        response: httpx.Response,
        exchange: Exchange,
        context: _ExchangeContext,
        start: float,
        *,
        max_events: int,
        deadline: float,
    ) -> None:
        self.client, self.response, self.exchange = client, response, exchange
        self._context, self._start = context, start
        self.max_events, self.deadline = max_events, deadline
        self.closed = False

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def content_type(self) -> str:
        return self.response.headers.get("content-type", "").split(";")[0].strip().lower()

    def read_body(self) -> bytes:
        """Read the whole answer as a plain body (for an error answered instead of a stream)."""
        try:
            with budget_until(self.deadline):
                data = self.client._read_capped(self.response)
        finally:
            self.close()
        self.client._record_response(
            self.exchange, self.response, data, time.monotonic() - self._start
        )
        return data

    def elapsed(self) -> float:
        """Seconds since the request started."""
        return time.monotonic() - self._start

    def _chunks(self) -> Iterator[bytes]:
        """The body's chunks, each read within the stream's deadline (which may move)."""
        from .sse import SseLimitExceeded

        chunks = self.response.iter_bytes()
        while True:
            try:
                with budget_until(self.deadline):
                    chunk = next(chunks, None)
            except httpx.TimeoutException as exc:
                raise SseLimitExceeded(
                    f"stream still open after {self.elapsed():.1f}s with no end in sight "
                    f"({type(exc).__name__}: {exc})"
                ) from None
            if chunk is None:
                return
            yield chunk

    def events(self) -> Iterator[SseEvent]:
        """Yield events until the stream ends; raises :class:`SseLimitExceeded` past a bound.

        The bounds are :attr:`max_events` and :attr:`deadline` (``time.monotonic()``); a check
        may pull the deadline in (e.g. a short grace once the terminal event has arrived).
        """
        from .sse import SseLimitExceeded

        parser = SseParser()
        count = 0
        try:
            for chunk in self._chunks():
                for event in parser.feed(chunk):
                    event.at = time.monotonic() - self._start
                    self.exchange.events.append(
                        SseRecord(
                            event.at, event.event, self.client.redactor.text(event.data[:4096])
                        )
                    )
                    count += 1
                    yield event
                    if count >= self.max_events:
                        raise SseLimitExceeded(f"more than {self.max_events} SSE events")
                if time.monotonic() > self.deadline:
                    raise SseLimitExceeded(
                        f"stream still open after {self.deadline - self._start:.1f}s"
                    )
            for event in parser.finish():
                event.at = time.monotonic() - self._start
                self.exchange.events.append(
                    SseRecord(event.at, event.event, self.client.redactor.text(event.data[:4096]))
                )
                yield event
        finally:
            self.exchange.elapsed_s = time.monotonic() - self._start
            self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.response.close()
            self._context.__exit__(None, None, None)
