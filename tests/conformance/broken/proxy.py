"""A mutating reverse proxy: a real agent behind it, one named rule broken in front of it.

The proxy is an ASGI app (run with uvicorn on a free loopback port by
:class:`tests.conformance.asgi_server.ThreadedServer`). It forwards every request to the
upstream agent with httpx, and applies one :class:`Mutation` to the request, the response, or
both. Card URLs naming the upstream are rewritten to the proxy, so the harness talks to the
proxy only. SSE answers are passed through unchanged, chunk by chunk (or held back, or kept
open, when the mutation says so).

Webhooks: a mutation with ``on_webhook`` sits on the agent's push notifications too. The proxy
rewrites the webhook URLs in push configs to its own relay path (``/__webhook__/<target>``) and
back in answers, and the relay forwards each notification the agent POSTs to the real target
through the hook, which may change, drop or duplicate it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["MutatingProxy", "Mutation", "ProxiedRequest", "ProxiedResponse"]


@dataclass(slots=True)
class ProxiedRequest:
    """A request on its way to the agent (mutable)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply
            return None


@dataclass(slots=True)
class ProxiedResponse:
    """A response on its way back to the harness (mutable)."""

    status: int
    headers: dict[str, str]
    body: bytes
    request: ProxiedRequest
    request_doc: Any = None

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply
            return None

    def set_json(self, doc: Any) -> None:
        self.body = json.dumps(doc).encode()


@dataclass(slots=True)
class Mutation:
    """One broken rule: hooks run on every request and response (return None to keep as is)."""

    name: str
    rule: str
    on_request: Callable[[ProxiedRequest], ProxiedResponse | None] | None = None
    on_response: Callable[[ProxiedResponse], None] | None = None
    # SSE: called per event with its JSON document and the request; returns the documents to
    # send instead ([] drops the event, [doc, doc] duplicates it).
    on_event: Callable[[Any, ProxiedRequest], list[Any]] | None = None
    # Webhooks: called per notification; returns the notifications to forward instead.
    on_webhook: Callable[[ProxiedRequest], list[ProxiedRequest]] | None = None
    hold_stream_open: bool = False  # keep SSE answers open after the agent closed them
    buffer_stream: bool = False  # send an SSE answer only once the agent has finished it
    tags: tuple[str, ...] = field(default=())


class MutatingProxy:
    """ASGI app forwarding to ``upstream`` (``http://127.0.0.1:PORT/``) with one mutation."""

    def __init__(self, upstream: str, mutation: Mutation | None) -> None:
        self.upstream = upstream.rstrip("/")
        self.mutation = mutation
        self.public_url = ""  # set once the proxy is bound: card URLs are rewritten to it
        self._client: httpx.AsyncClient | None = None
        self._etags: dict[str, str] = {}  # ETag we show -> the upstream's ETag

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers: dict[str, str] = {}
        for k, v in scope["headers"]:
            name = k.decode("latin-1").lower()
            if name not in ("host", "content-length", "connection", "accept-encoding"):
                headers[name] = v.decode("latin-1")
        request = ProxiedRequest(
            scope["method"], scope["path"], scope.get("query_string", b"").decode(), headers, body
        )
        if request.path.startswith(RELAY_PREFIX):
            await self._relay(send, request)
            return
        relaying = bool(self.mutation and self.mutation.on_webhook)
        if relaying:
            self._to_relay(request)
        if headers.get("if-none-match") in self._etags:
            headers["if-none-match"] = self._etags[headers["if-none-match"]]
        if self.mutation and self.mutation.on_request:
            early = self.mutation.on_request(request)
            if early is not None:
                await _respond(send, early)
                return
        if self._client is None:
            # TCP_NODELAY: headers and body go out in two writes; with Nagle's algorithm the
            # second waits for a delayed ACK (40 ms per request).
            nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            self._client = httpx.AsyncClient(
                timeout=30.0,
                trust_env=False,
                transport=httpx.AsyncHTTPTransport(socket_options=nodelay),
            )
        url = self.upstream + request.path + (f"?{request.query}" if request.query else "")
        upstream_req = self._client.build_request(
            request.method, url, headers=request.headers, content=request.body
        )
        upstream = await self._client.send(upstream_req, stream=True)
        try:
            if upstream.headers.get("content-type", "").startswith("text/event-stream"):
                await self._stream(send, receive, upstream, request)
                return
            data = await upstream.aread()
        finally:
            await upstream.aclose()
        out_headers = {
            k.lower(): v
            for k, v in upstream.headers.items()
            if k.lower()
            not in ("content-length", "transfer-encoding", "connection", "content-encoding")
        }
        response = ProxiedResponse(upstream.status_code, out_headers, data, request, request.json())
        self._rewrite_card_urls(response)
        if relaying:
            response.body = self._from_relay(response.body)
        if self.mutation and self.mutation.on_response:
            self.mutation.on_response(response)
        await _respond(send, response)

    def _rewrite_card_urls(self, response: ProxiedResponse) -> None:
        if not response.request.path.startswith("/.well-known/") or response.status != 200:
            return
        text = response.body.decode("utf-8", errors="replace")
        response.body = text.replace(self.upstream + "/", self.public_url).encode()
        if "etag" in response.headers:
            # The body changed, so the upstream ETag no longer names it: show one that does and
            # translate it back on conditional requests.
            shown = '"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
            self._etags[shown] = response.headers["etag"]
            response.headers["etag"] = shown

    async def _stream(
        self, send: Any, receive: Any, upstream: httpx.Response, request: ProxiedRequest
    ) -> None:
        headers = [
            (k.encode(), v.encode())
            for k, v in upstream.headers.items()
            if k.lower() not in ("content-length", "transfer-encoding", "connection")
        ]
        await send(
            {"type": "http.response.start", "status": upstream.status_code, "headers": headers}
        )
        mutation = self.mutation
        on_event = mutation.on_event if mutation else None
        held: list[bytes] = []

        async def out(body: bytes) -> None:
            if mutation is not None and mutation.buffer_stream:
                held.append(body)  # an intermediary that buffers the whole answer
            else:
                await send({"type": "http.response.body", "body": body, "more_body": True})

        buffer = b""
        async for chunk in upstream.aiter_raw():
            if on_event is None:
                await out(chunk)
                continue
            # Events are forwarded one by one as they complete, so live streams stay live.
            buffer += chunk.replace(b"\r\n", b"\n")
            while b"\n\n" in buffer:
                raw, buffer = buffer.split(b"\n\n", 1)
                data = _transform_event(raw, request, on_event)
                if data:
                    await out(data)
        if held:
            await send({"type": "http.response.body", "body": b"".join(held), "more_body": True})
        if mutation is not None and mutation.hold_stream_open:
            await _until_disconnect(receive, HOLD_OPEN_S)
        await send({"type": "http.response.body", "body": b""})

    # -- webhook relay ---------------------------------------------------------------------
    def _relay_url(self, target: str) -> str:
        token = base64.urlsafe_b64encode(target.encode()).decode().rstrip("=")
        return f"{self.public_url}{RELAY_PREFIX.lstrip('/')}{token}"

    def _to_relay(self, request: ProxiedRequest) -> None:
        doc = request.json()
        if not isinstance(doc, dict) or not isinstance(doc.get("params"), dict):
            return
        params = doc["params"]
        configs: list[dict[str, Any]] = []
        if doc.get("method") == "CreateTaskPushNotificationConfig":
            configs.append(params)
        for holder in (params, params.get("configuration")):
            if isinstance(holder, dict):
                for key in ("pushNotificationConfig", "taskPushNotificationConfig"):
                    if isinstance(holder.get(key), dict):
                        configs.append(holder[key])
        for config in configs:
            if isinstance(config.get("url"), str):
                config["url"] = self._relay_url(config["url"])
        request.body = json.dumps(doc).encode()

    def _from_relay(self, body: bytes) -> bytes:
        pattern = re.escape(self.public_url + RELAY_PREFIX.lstrip("/")) + r"([A-Za-z0-9_-]+)"
        return re.sub(pattern.encode(), lambda m: _target_of(m.group(1).decode()).encode(), body)

    async def _relay(self, send: Any, request: ProxiedRequest) -> None:
        target = _target_of(request.path[len(RELAY_PREFIX) :])
        hook = self.mutation.on_webhook if self.mutation else None
        forwarded = hook(request) if hook else [request]
        status = 200
        assert self._client is not None  # the agent learnt the relay URL through the proxy
        for item in forwarded:
            answer = await self._client.post(target, headers=item.headers, content=item.body)
            status = answer.status_code
        await _respond(send, ProxiedResponse(status, {}, b"", request))


RELAY_PREFIX = "/__webhook__/"
HOLD_OPEN_S = 60.0  # a held-open stream ends by then even if the client never leaves


def _target_of(token: str) -> str:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()


async def _until_disconnect(receive: Any, limit: float) -> None:
    """Wait until the client goes away (bounded): an agent that never closes its stream."""

    async def wait() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wait(), limit)


def _transform_event(raw: bytes, request: ProxiedRequest, on_event: Any) -> bytes:
    lines = raw.decode("utf-8").split("\n")
    data = "\n".join(line[5:].lstrip() for line in lines if line.startswith("data:"))
    if not data:
        return raw + b"\n\n"  # comments and keep-alives pass unchanged
    try:
        doc = json.loads(data)
    except ValueError:
        return raw + b"\n\n"
    return b"".join(f"data: {json.dumps(d)}\n\n".encode() for d in on_event(doc, request))


async def _respond(send: Any, response: ProxiedResponse) -> None:
    headers = [(k.encode(), v.encode()) for k, v in response.headers.items()]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
