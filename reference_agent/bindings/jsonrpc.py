"""The JSON-RPC 2.0 binding as a raw ASGI handler (v1.0 §9; v0.3 §7).

Both dialects answer at the same URL; the ``A2A-Version`` header (or ``?A2A-Version=``) picks one
per request (:func:`~reference_agent.dialects.negotiate_version`).

Envelope rules and the choices made where the specs leave room:

==================================  ==========================================================
request                             answer
==================================  ==========================================================
not POST                            HTTP 405, ``Allow: POST``, JSON-RPC error -32600
``Content-Type`` not JSON           HTTP 415, -32600 naming the content type received
                                    (``application/json`` and ``application/a2a+json`` are
                                    accepted; a missing header is tolerated)
body larger than max_body_bytes     HTTP 413, -32600; the body is not read past the limit
invalid JSON / bad UTF-8            -32700 with ``"id": null``
a batch (JSON array)                -32600 "batch requests are not supported", ``id: null``
not an object, ``jsonrpc`` ≠ "2.0", -32600 (the id is echoed when it was a valid id)
missing method, id not str/number
unsupported ``A2A-Version``         -32009 (v1.0 shape, supported versions in ErrorInfo)
unknown method (also: a method of   -32601, naming the version that has it
the other version)
bad params                          -32602 naming the field (``params.message.parts[0]…``)
a notification (no ``id``)          the method runs (streaming ones do not), HTTP 204, no body
unexpected exception                -32603 "Internal error"; the stack goes to the log only
service unavailable (shutdown)      HTTP 503 + ``Retry-After``, -32603
==================================  ==========================================================

Every other answer is HTTP 200 with ``Content-Type: application/json``, the request's id echoed
exactly, and exactly one of ``result`` / ``error``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import orjson

from ..auth.middleware import PRINCIPAL_KEY
from ..config import AgentSettings
from ..dialects import V03_DIALECT, V10_DIALECT, Dialect, Operation, dialect_for, negotiate_version
from ..dialects._fields import json_type as _json_type
from ..errors import (
    A2AError,
    AuthenticationError,
    AuthorizationError,
    InternalError,
    InvalidParamsError,
    InvalidRequestError,
    MethodNotFoundError,
    ParseError,
    ServiceUnavailableError,
    VersionNotSupportedError,
)
from ..service import A2AService, RequestContext
from ..sse import stream_events
from ..telemetry import Telemetry
from ._http import (
    ACCEPTED_CONTENT_TYPES,
    AccessLog,
    BodyTooLarge,
    ClientGone,
    is_json_media_type,
    read_body,
    send_json,
    send_no_content,
    split_extensions,
    version_from_query,
)
from .operations import open_stream, run_unary

__all__ = ["JsonRpcBinding"]

logger = logging.getLogger("reference_agent.jsonrpc")

_METHODS_OF = {version: frozenset(dialect_for(version).methods) for version in ("1.0", "0.3")}
_HOW_TO_ASK = {"1.0": "send A2A-Version: 1.0", "0.3": "send A2A-Version: 0.3 or no A2A-Version"}


_STREAMING = frozenset({Operation.STREAM, Operation.SUBSCRIBE})
_NO_SCOPES: frozenset[str] = frozenset()
# Version header values seen on every request, resolved without parsing (None: header absent).
_DIALECT_BY_HEADER: dict[bytes | None, Dialect] = {
    None: V03_DIALECT,
    b"": V03_DIALECT,
    b"0.3": V03_DIALECT,
    b"0.3.0": V03_DIALECT,
    b"1.0": V10_DIALECT,
    b"1.0.0": V10_DIALECT,
    b"1.0.1": V10_DIALECT,
}


class JsonRpcBinding:
    """Serves JSON-RPC POSTs for one :class:`A2AService` (see the module docstring)."""

    def __init__(
        self,
        service: A2AService,
        settings: AgentSettings,
        *,
        telemetry: Telemetry | None = None,
        closing: asyncio.Event | None = None,
    ) -> None:
        self.service = service
        self.max_body_bytes = settings.max_body_bytes
        self.keepalive = settings.keepalive_seconds
        self.declared_extensions = frozenset(settings.required_extensions)
        self.telemetry = telemetry or Telemetry.disabled()
        self.closing = closing

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["method"] != "POST":
            error: A2AError = InvalidRequestError(
                f"HTTP method {scope['method'][:20]} is not allowed here; JSON-RPC requests use POST"
            )
            await send_json(send, 405, _error_body(V10_DIALECT, None, error), [(b"allow", b"POST")])
            AccessLog(scope, None, None).done(405, error.code, http_method=scope["method"])
            return

        content_type = content_length = version_raw = ext10 = ext03 = None
        traceparent = tracestate = None
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value
            elif name == b"content-length":
                content_length = value
            elif name == b"a2a-version":
                version_raw = value
            elif name == b"a2a-extensions":
                ext10 = value if ext10 is None else ext10 + b"," + value
            elif name == b"x-a2a-extensions":
                ext03 = value if ext03 is None else ext03 + b"," + value
            elif name == b"traceparent":
                traceparent = value.decode("latin-1")
            elif name == b"tracestate":
                tracestate = value.decode("latin-1")
        if version_raw is None and scope.get("query_string"):
            version_raw = version_from_query(scope["query_string"])

        # The common values are looked up; anything else goes through negotiate_version.
        dialect = _DIALECT_BY_HEADER.get(version_raw)
        version_error: VersionNotSupportedError | None = None
        if dialect is None:
            try:
                assert version_raw is not None
                dialect = dialect_for(negotiate_version(version_raw.decode("latin-1")))
            except VersionNotSupportedError as exc:
                version_error, dialect = exc, V10_DIALECT
        exchange = AccessLog(scope, None if version_error else dialect.version, traceparent)

        if (
            content_type is not None
            and content_type not in ACCEPTED_CONTENT_TYPES
            and not is_json_media_type(content_type)
        ):
            error = InvalidRequestError(
                "Content-Type must be application/json, got "
                + repr(content_type.decode("latin-1")[:100])
            )
            await send_json(send, 415, _error_body(dialect, None, error))
            exchange.done(415, error.code)
            return
        try:
            raw = await read_body(receive, content_length, self.max_body_bytes)
        except BodyTooLarge:
            error = InvalidRequestError(
                f"request body exceeds the limit of {self.max_body_bytes} bytes"
            )
            await send_json(send, 413, _error_body(dialect, None, error))
            exchange.done(413, error.code)
            return
        except ClientGone:
            return

        # -- envelope ------------------------------------------------------------------------
        try:
            message = orjson.loads(raw)
        except orjson.JSONDecodeError:
            await send_json(send, 200, _error_body(dialect, None, ParseError()))
            exchange.done(200, ParseError.code)
            return
        rid, envelope_error = _check_envelope(message)
        if envelope_error is None and version_error is not None:
            envelope_error, dialect = version_error, V10_DIALECT
        if envelope_error is not None:
            await send_json(send, 200, _error_body(dialect, rid, envelope_error))
            exchange.done(200, envelope_error.code)
            return
        method: str = message["method"]
        exchange.a2a_method = method
        notification = "id" not in message

        operation = dialect.methods.get(method)
        params = message.get("params")
        if operation is None:
            error = _method_not_found(method, dialect)
        elif params is None:
            params = {}
        elif type(params) is not dict:
            error = InvalidParamsError(
                f"params: expected an object (A2A uses named parameters), got {_json_type(params)}",
                field="params",
            )
            operation = None
        if operation is None:
            status = await self._answer_error(send, dialect, rid, error, notification, ())
            exchange.done(status, error.code)
            return

        header = ext10 if dialect is V10_DIALECT else ext03
        requested = split_extensions(header) if header else []
        # Set by the auth middleware (absent with --auth none): owner scoping and skill scopes.
        principal = scope.get(PRINCIPAL_KEY)
        # Positional, in field order (version, principal, scopes, tenant, extensions,
        # traceparent, tracestate, request_id): one per request, and keywords cost more.
        ctx = RequestContext(
            dialect.version,
            None if principal is None else principal.subject,
            _NO_SCOPES if principal is None else principal.scopes,
            None,
            requested,
            traceparent,
            tracestate,
            None if rid is None else str(rid),
        )
        extra_headers: Sequence[tuple[bytes, bytes]] = ()
        if requested:
            activated = [uri for uri in requested if uri in self.declared_extensions]
            if activated:
                extra_headers = [(dialect.extensions_header, ", ".join(activated).encode())]
        span = None
        if self.telemetry.enabled:
            span = self.telemetry.start_span(
                f"A2A {method}",
                traceparent,
                tracestate,
                {"rpc.system": "jsonrpc", "rpc.method": method, "a2a.version": dialect.version},
            )
            ctx.traceparent = self.telemetry.traceparent_of(span)
            exchange.trace_id = ctx.traceparent.split("-")[1]

        error_code: int | None = None
        status = 200
        events: int | None = None
        try:
            if "tenant" in params:
                ctx.tenant = dialect.decode_tenant(params)
            if operation in _STREAMING:
                if notification:  # a stream nobody will read: nothing to do
                    status = await send_no_content(send)
                    return
                first, stream = await open_stream(self.service, dialect, operation, params, ctx)
                try:
                    events = await self._stream(
                        send, receive, dialect, rid, first, stream, extra_headers
                    )
                except Exception:  # the response has started: it can only be cut short
                    logger.exception("stream of %s broke", method)
                return
            result = await run_unary(self.service, dialect, operation, params, ctx)
        except A2AError as exc:
            error_code = exc.code
            status = await self._answer_error(send, dialect, rid, exc, notification, extra_headers)
        except Exception:
            logger.exception(
                "unexpected error in %s", method, extra={"trace_id": exchange.trace_id}
            )
            error_code = InternalError.code
            status = await self._answer_error(
                send, dialect, rid, InternalError(), notification, extra_headers
            )
        else:
            if notification:
                status = await send_no_content(send)
            else:
                body = orjson.dumps({"jsonrpc": "2.0", "id": rid, "result": result})
                await send_json(send, 200, body, extra_headers)
        finally:
            if span is not None:
                self.telemetry.end_span(span, error_code=error_code, http_status=status)
            exchange.done(status, error_code, task_id=ctx.extra.get("task_id"), events=events)

    # -- helpers ---------------------------------------------------------------------------------
    async def _answer_error(
        self,
        send: Any,
        dialect: Dialect,
        rid: Any,
        error: A2AError,
        notification: bool,
        extra_headers: Sequence[tuple[bytes, bytes]],
    ) -> int:
        """Answer ``error`` (or nothing, for a notification); returns the HTTP status sent."""
        status, headers = _http_status(error)
        if notification and status == 200:
            return await send_no_content(send)
        await send_json(send, status, _error_body(dialect, rid, error), [*headers, *extra_headers])
        return status

    async def _stream(
        self,
        send: Any,
        receive: Any,
        dialect: Dialect,
        rid: Any,
        first: Any,
        events: Any,
        extra_headers: Sequence[tuple[bytes, bytes]],
    ) -> int:
        encode = dialect.encode_stream_event

        def frame(event: Any) -> bytes:
            return (
                b"data: "
                + orjson.dumps({"jsonrpc": "2.0", "id": rid, "result": encode(event)})
                + b"\n\n"
            )

        def error_frame(error: A2AError) -> bytes:
            return b"data: " + _error_body(dialect, rid, error) + b"\n\n"

        return await stream_events(
            send=send,
            receive=receive,
            first=None if first is None else frame(first),
            events=events,
            frame=frame,
            error_frame=error_frame,
            keepalive=self.keepalive,
            closing=self.closing,
            headers=extra_headers,
        )


def _check_envelope(message: Any) -> tuple[Any, A2AError | None]:
    """The id to answer with and the envelope error, if any (JSON-RPC 2.0 §4)."""
    if type(message) is not dict:
        if type(message) is list:
            return None, InvalidRequestError(
                "batch requests are not supported; send one request per POST"
            )
        return None, InvalidRequestError(
            f"expected a JSON-RPC request object, got {_json_type(message)}"
        )
    rid = message.get("id")
    if type(rid) not in (str, int, float, type(None)):
        return None, InvalidRequestError(
            f"id: expected a string, a number or null, got {_json_type(rid)}"
        )
    if message.get("jsonrpc") != "2.0":
        return rid, InvalidRequestError('jsonrpc: must be exactly "2.0"')
    method = message.get("method")
    if type(method) is not str or not method:
        what = (
            "is required"
            if method is None
            else f"expected a non-empty string, got {_json_type(method)}"
        )
        return rid, InvalidRequestError(f"method: {what}")
    return rid, None


def _method_not_found(method: str, dialect: Dialect) -> MethodNotFoundError:
    other = "0.3" if dialect.version == "1.0" else "1.0"
    hint = ""
    if method in _METHODS_OF[other]:
        hint = f"; it is an A2A {other} method ({_HOW_TO_ASK[other]})"
    return MethodNotFoundError(f"Method {method[:100]!r} not found in A2A {dialect.version}{hint}")


def _error_body(dialect: Dialect, rid: Any, error: A2AError) -> bytes:
    return orjson.dumps({"jsonrpc": "2.0", "id": rid, "error": dialect.encode_error(error)})


def _http_status(error: A2AError) -> tuple[int, list[tuple[bytes, bytes]]]:
    if isinstance(error, ServiceUnavailableError):
        return 503, [(b"retry-after", b"1")]
    if isinstance(error, AuthenticationError):
        return 401, [(b"www-authenticate", error.challenge.encode("latin-1"))]
    if isinstance(error, AuthorizationError):
        if error.challenge is not None:  # set for a missing skill scope
            return 403, [(b"www-authenticate", error.challenge.encode("latin-1", "replace"))]
        return 403, []
    return 200, []
