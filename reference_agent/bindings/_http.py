"""HTTP plumbing shared by the HTTP-based bindings (JSON-RPC now, HTTP+JSON later), on raw ASGI.

* :func:`read_body`: the request body, refused past a byte limit without reading the rest;
* :func:`send_json` / :func:`send_no_content`: complete responses in two ASGI messages;
* :func:`is_json_media_type`, :func:`version_from_query`, :func:`split_extensions`: the request
  headers and parameters A2A cares about;
* :class:`AccessLog`: the one structured log line per request.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from ..logs import SINK, log_request
from ..telemetry import trace_id_of

__all__ = [
    "ACCEPTED_CONTENT_TYPES",
    "AccessLog",
    "BodyTooLarge",
    "ClientGone",
    "is_json_media_type",
    "read_body",
    "send_json",
    "send_no_content",
    "split_extensions",
    "version_from_query",
]

_JSON_HEADERS = ((b"content-type", b"application/json"),)
ACCEPTED_CONTENT_TYPES = frozenset({b"application/json", b"application/a2a+json"})
"""The exact ``Content-Type`` values of nearly every request (tested before parsing one)."""
_ACCEPTED_MEDIA_TYPES = frozenset(
    {b"application/json", b"application/a2a+json", b"application/json-rpc"}
)


class BodyTooLarge(Exception):
    """The request body exceeds the limit (known from Content-Length or while reading)."""


class ClientGone(Exception):
    """The client disconnected before its request body arrived."""


async def read_body(receive: Any, content_length: bytes | None, limit: int) -> bytes:
    """The whole request body; raises :class:`BodyTooLarge` as soon as it exceeds ``limit``."""
    if content_length is not None:
        try:
            if int(content_length) > limit:
                raise BodyTooLarge
        except ValueError:
            pass  # the HTTP parser already refused malformed lengths
    message = await receive()
    if message["type"] == "http.disconnect":
        raise ClientGone
    body: bytes = message.get("body", b"")
    if len(body) > limit:
        raise BodyTooLarge
    if not message.get("more_body"):
        return body
    chunks = [body]
    size = len(body)
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def send_json(
    send: Any, status: int, body: bytes, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    """A complete ``application/json`` response with ``body`` (already serialised)."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*_JSON_HEADERS, (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_no_content(send: Any) -> int:
    """HTTP 204 with no body; returns the status for the access log."""
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})
    return 204


def is_json_media_type(content_type: bytes) -> bool:
    """``application/json`` or ``application/a2a+json``, parameters (``charset``) allowed."""
    if content_type in ACCEPTED_CONTENT_TYPES:
        return True
    return content_type.split(b";", 1)[0].strip().lower() in _ACCEPTED_MEDIA_TYPES


def version_from_query(query: bytes) -> bytes | None:
    """The ``A2A-Version`` query parameter (v1.0 §3.6.1 allows it instead of the header)."""
    if b"a2a-version" not in query.lower():
        return None
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if key.lower() == "a2a-version":
            return value.encode("latin-1")
    return None


def split_extensions(header: bytes | None) -> list[str]:
    """The URIs of a comma-separated ``A2A-Extensions`` / ``X-A2A-Extensions`` value."""
    if not header:
        return []
    return [uri for uri in (part.strip() for part in header.decode("latin-1").split(",")) if uri]


class AccessLog:
    """What the access log line of one request needs; :meth:`done` writes it, once, at the end."""

    __slots__ = ("a2a_method", "path", "started", "trace_id", "version")

    def __init__(self, scope: dict[str, Any], version: str | None, traceparent: str | None) -> None:
        self.path = scope["path"]
        self.version = version
        self.trace_id = trace_id_of(traceparent) if traceparent else None
        self.a2a_method: str | None = None
        self.started = time.perf_counter()

    def done(
        self,
        status: int,
        error_code: int | None = None,
        *,
        task_id: str | None = None,
        events: int | None = None,
        http_method: str = "POST",
    ) -> None:
        if not SINK.info:
            return
        log_request(
            http_method,
            self.path,
            status,
            self.started,
            self.a2a_method,
            self.version,
            task_id,
            self.trace_id,
            error_code,
            events,
        )
