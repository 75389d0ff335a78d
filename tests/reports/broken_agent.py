"""A deliberately broken agent for report tests: the reference agent behind a small ASGI proxy.

The proxy breaks three rules cheaply, so a real suite run yields failures worth reporting:

* the agent card loses its ``ETag`` (CACHE-2, a SHOULD: NON-STRICT);
* a body that is not JSON is answered ``-32700`` with ``"id": 1`` instead of ``null`` (ERR-1,
  a MUST: FAIL), and the error message is hostile HTML, to prove the report escapes it;
* SSE events carry another ``id`` than the request's (STREAM-2 / STREAM-3, MUST: FAIL), so a
  failure comes with an SSE timeline.

Card URLs naming the upstream are rewritten to the proxy; everything else passes unchanged.
The proxy runs in a :class:`fixtures._threaded_server.ThreadedServer` (uvicorn on a socket bound
before it starts: no race, no sleep).
"""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx

from fixtures._threaded_server import ThreadedServer

__all__ = ["HOSTILE_MESSAGE", "BrokenAgentProxy"]

HOSTILE_MESSAGE = (
    '<script>window.__a2a_pwned = 1</script><img src=x onerror="window.__a2a_pwned = 2">Parse error'
)
# Hop-by-hop headers, and those uvicorn sets itself on the proxy's answer.
_DROP = {
    "host",
    "content-length",
    "connection",
    "accept-encoding",
    "transfer-encoding",
    "date",
    "server",
}


_NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


class BrokenAgentProxy:
    """``with BrokenAgentProxy(upstream_url) as proxy: run the suite against proxy.url``."""

    def __init__(self, upstream: str, *, timeout: float = 10.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.url = ""
        self.timeout = timeout
        self._server = ThreadedServer(self, name="broken agent proxy")

    # -- lifecycle --------------------------------------------------------------------------
    def __enter__(self) -> BrokenAgentProxy:
        self.url = self._server.start().url
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    # -- ASGI -------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if scope["method"] == "POST" and _not_json(body):
            await _send(send, 200, {"content-type": "application/json"}, _parse_error_id_1())
            return
        headers = {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in scope["headers"]
            if k.decode("latin-1").lower() not in _DROP
        }
        query = scope.get("query_string", b"").decode()
        url = self.upstream + scope["path"] + (f"?{query}" if query else "")
        # One client per request: nothing outlives the request, so nothing leaks at shutdown.
        # TCP_NODELAY: httpx writes headers and body separately; with Nagle's algorithm the
        # body would wait for a delayed ACK (40 ms per request).
        transport = httpx.AsyncHTTPTransport(socket_options=_NODELAY)
        async with httpx.AsyncClient(
            timeout=self.timeout, trust_env=False, transport=transport
        ) as client:
            request = client.build_request(scope["method"], url, headers=headers, content=body)
            upstream = await client.send(request, stream=True)
            try:
                out = {k: v for k, v in upstream.headers.items() if k.lower() not in _DROP}
                out.pop("content-encoding", None)
                if upstream.headers.get("content-type", "").startswith("text/event-stream"):
                    await _send_start(send, upstream.status_code, out)
                    await self._relay_events(send, upstream)
                    return
                data = await upstream.aread()
            finally:
                await upstream.aclose()
        if scope["path"].startswith("/.well-known/"):
            out = {k: v for k, v in out.items() if k.lower() != "etag"}
            data = data.replace((self.upstream + "/").encode(), self.url.encode())
        await _send(send, upstream.status_code, out, data)

    async def _relay_events(self, send: Any, upstream: httpx.Response) -> None:
        buffer = b""
        async for chunk in upstream.aiter_raw():
            buffer += chunk.replace(b"\r\n", b"\n")
            while b"\n\n" in buffer:
                raw, buffer = buffer.split(b"\n\n", 1)
                await send(
                    {"type": "http.response.body", "body": _wrong_id(raw), "more_body": True}
                )
        await send({"type": "http.response.body", "body": buffer})


def _not_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return True
    except RecursionError:
        return False  # deeply nested but JSON: the agent's to judge
    return False


def _parse_error_id_1() -> bytes:
    error = {"code": -32700, "message": HOSTILE_MESSAGE}
    return json.dumps({"jsonrpc": "2.0", "id": 1, "error": error}).encode()


def _wrong_id(raw: bytes) -> bytes:
    """One SSE event with its JSON-RPC id replaced (other lines unchanged)."""
    lines = raw.decode("utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("data:"):
            try:
                doc = json.loads(line[5:])
            except ValueError:
                continue
            if isinstance(doc, dict) and "id" in doc:
                doc["id"] = "not-the-request-id"
                lines[i] = "data: " + json.dumps(doc)
    return "\n".join(lines).encode() + b"\n\n"


async def _send_start(send: Any, status: int, headers: dict[str, str]) -> None:
    encoded = [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": encoded})


async def _send(send: Any, status: int, headers: dict[str, str], body: bytes) -> None:
    await _send_start(send, status, {**headers, "content-length": str(len(body))})
    await send({"type": "http.response.body", "body": body})
