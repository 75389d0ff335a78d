"""The JSON-RPC binding, behind the :class:`Binding` seam (HTTP+JSON and gRPC plug in later).

A binding turns an abstract operation (``send``, ``get``, ``cancel``…) with dialect-built params
into a call on one interface URL, with the service parameters of its version (``A2A-Version``
for v1.0, none for v0.3). :meth:`JsonRpcBinding.post_raw` sends any bytes, for the envelope
checks that must send what a well-behaved client never would.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..grading import CheckFailed
from .dialects import Dialect
from .http import HttpClient, HttpResponse, SseStream

__all__ = ["Binding", "JsonRpcBinding", "RpcReply", "RpcStream"]

_MISSING = object()


@dataclass(slots=True)
class RpcReply:
    """One JSON-RPC answer as received; ``doc`` is the parsed body or None when not JSON."""

    response: HttpResponse | None
    doc: Any
    parse_error: str | None = None

    @property
    def status(self) -> int | None:
        return self.response.status if self.response else None

    @property
    def is_object(self) -> bool:
        return isinstance(self.doc, dict)

    @property
    def has_result(self) -> bool:
        return self.is_object and "result" in self.doc

    @property
    def has_error(self) -> bool:
        return self.is_object and "error" in self.doc

    @property
    def result(self) -> Any:
        return self.doc.get("result") if self.is_object else None

    @property
    def error(self) -> dict[str, Any] | None:
        err = self.doc.get("error") if self.is_object else None
        return err if isinstance(err, dict) else None

    @property
    def error_code(self) -> Any:
        return self.error.get("code") if self.error else None

    @property
    def id(self) -> Any:
        """The response ``id`` (``_MISSING`` sentinel excluded: use :attr:`has_id`)."""
        return self.doc.get("id") if self.is_object else None

    @property
    def has_id(self) -> bool:
        return self.is_object and "id" in self.doc

    def expect_result(self, what: str) -> Any:
        """The ``result``, or a check failure naming the call and what came back instead."""
        if self.parse_error:
            raise CheckFailed(
                f"{what}: the answer is not JSON ({self.parse_error})", actual=self.status
            )
        if self.error is not None:
            raise CheckFailed(
                f"{what} answered a JSON-RPC error", expected="a result", actual=self.error
            )
        if not self.has_result:
            raise CheckFailed(f"{what}: no result member in the answer", actual=self.doc)
        return self.result

    def expect_error(self, code: int, what: str) -> dict[str, Any]:
        """The error object, or a check failure unless it carries ``code``."""
        if self.parse_error:
            raise CheckFailed(
                f"{what}: the answer is not JSON ({self.parse_error})",
                expected=f"JSON-RPC error {code}",
                actual=f"HTTP {self.status}",
            )
        if self.error is None:
            raise CheckFailed(
                f"{what}: expected a JSON-RPC error",
                expected=f"error.code {code}",
                actual=self.doc,
            )
        if self.error_code != code:
            raise CheckFailed(
                f"{what}: wrong JSON-RPC error code", expected=code, actual=self.error
            )
        return self.error


@dataclass(slots=True)
class RpcStream:
    """A streaming call: either SSE events (each a JSON-RPC response) or one plain reply."""

    stream: SseStream | None
    plain: RpcReply | None = None
    items: list[Any] = field(default_factory=list)
    request_id: Any = None

    @property
    def is_sse(self) -> bool:
        return self.stream is not None

    def documents(self) -> Iterator[Any]:
        """Each event's JSON document; a non-JSON ``data:`` is a check failure."""
        if self.stream is None:
            return
        for event in self.stream.events():
            try:
                doc = json.loads(event.data)
            except (ValueError, RecursionError) as exc:
                # RecursionError: a "JSON bomb" nested deeper than any parser should follow.
                raise CheckFailed(
                    f"an SSE data line is not acceptable JSON ({type(exc).__name__})",
                    actual=event.data[:300],
                ) from None
            self.items.append(doc)
            yield doc

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


class Binding(Protocol):
    """What a check needs from a protocol binding."""

    name: str
    url: str
    dialect: Dialect

    def call(
        self,
        op: str,
        params: dict[str, Any],
        *,
        headers: dict[str, str | None] | None = None,
        timeout: float | None = None,
    ) -> RpcReply:
        """Invoke an operation and return its (single) answer."""
        ...

    def open_stream(
        self,
        op: str,
        params: dict[str, Any],
        *,
        max_events: int = 200,
        total_timeout: float | None = None,
        headers: dict[str, str | None] | None = None,
    ) -> RpcStream:
        """Invoke a streaming operation."""
        ...


class JsonRpcBinding:
    """JSON-RPC 2.0 over HTTP POST to one interface URL."""

    name = "JSONRPC"

    def __init__(
        self,
        http: HttpClient,
        url: str,
        dialect: Dialect,
        *,
        version_header: str | None,
        tenant: str | None = None,
        extensions: list[str] | None = None,
    ) -> None:
        self.http, self.url, self.dialect = http, url, dialect
        self.version_header = version_header
        self.tenant = tenant
        # A conformant client opts in to every extension the card marks required.
        self.extensions = list(extensions or [])
        self._ids = itertools.count(1)

    def headers(self, extra: dict[str, str | None] | None = None) -> dict[str, str | None]:
        """Headers for a call: JSON, ``A2A-Version`` for v1.0 interfaces, required extensions.

        ``extra`` overrides them; a None value removes a header (also a run-wide one such as
        the credential: the HTTP client drops it)."""
        out: dict[str, str | None] = {
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if self.version_header is not None:
            out["A2A-Version"] = self.version_header
        if self.extensions:
            name = "X-A2A-Extensions" if self.dialect.version == "0.3" else "A2A-Extensions"
            out[name] = ",".join(self.extensions)
        out.update(extra or {})
        return out

    def envelope(
        self, method: str, params: Any = _MISSING, request_id: Any = _MISSING
    ) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "jsonrpc": "2.0",
            "id": next(self._ids) if request_id is _MISSING else request_id,
            "method": method,
        }
        if params is not _MISSING:
            doc["params"] = params
        return doc

    def call(
        self,
        op: str,
        params: dict[str, Any],
        *,
        headers: dict[str, str | None] | None = None,
        timeout: float | None = None,
    ) -> RpcReply:
        method = self.dialect.method(op)
        if method is None:
            raise CheckFailed(f"operation {op!r} does not exist in v{self.dialect.version}")
        return self.call_method(method, self._with_tenant(params), headers=headers, timeout=timeout)

    def call_method(
        self,
        method: str,
        params: Any = _MISSING,
        *,
        headers: dict[str, str | None] | None = None,
        request_id: Any = _MISSING,
        timeout: float | None = None,
    ) -> RpcReply:
        """Call ``method`` by name (also names the spec does not define)."""
        envelope = self.envelope(method, params, request_id)
        return self.post_raw(envelope, headers=headers, timeout=timeout)

    def post_raw(
        self,
        body: bytes | dict[str, Any] | list[Any],
        *,
        headers: dict[str, str | None] | None = None,
        timeout: float | None = None,
    ) -> RpcReply:
        """POST any body (a dict/list is JSON-encoded) and parse whatever comes back."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = self.http.request(
            "POST", self.url, headers=self.headers(headers), body=data, timeout=timeout
        )
        return parse_reply(response)

    def open_stream(
        self,
        op: str,
        params: dict[str, Any],
        *,
        max_events: int = 200,
        total_timeout: float | None = None,
        headers: dict[str, str | None] | None = None,
    ) -> RpcStream:
        method = self.dialect.method(op)
        if method is None:
            raise CheckFailed(f"operation {op!r} does not exist in v{self.dialect.version}")
        envelope = self.envelope(method, self._with_tenant(params))
        body = json.dumps(envelope).encode()
        hdrs = self.headers({"Accept": "text/event-stream", **(headers or {})})
        stream = self.http.open_stream(
            "POST",
            self.url,
            headers=hdrs,
            body=body,
            max_events=max_events,
            total_timeout=total_timeout,
        )
        if stream.content_type == "text/event-stream":
            return RpcStream(stream, request_id=envelope["id"])
        # An error before the first event may come back as a plain JSON answer (digest §2.13).
        data = stream.read_body()
        return RpcStream(None, plain=_parse(data, stream.status, None), request_id=envelope["id"])

    def _with_tenant(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.tenant and "tenant" not in params:
            return {"tenant": self.tenant, **params}
        return params


def parse_reply(response: HttpResponse) -> RpcReply:
    """Parse a response body as a JSON-RPC document, keeping the parse error when it is not."""
    return _parse(response.body, response.status, response)


def _parse(data: bytes, status: int, response: HttpResponse | None) -> RpcReply:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return RpcReply(response, None, f"HTTP {status}, body is not UTF-8")
    try:
        return RpcReply(response, json.loads(text))
    except ValueError:
        return RpcReply(response, None, f"HTTP {status}, body is not JSON: {text[:120]!r}")
    except RecursionError:
        # A "JSON bomb": nesting deeper than the parser's recursion limit.
        return RpcReply(response, None, f"HTTP {status}, body is JSON nested too deeply to parse")
