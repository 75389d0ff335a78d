"""The ceiling: a bare ASGI app on the same server stack as the reference agent.

uvicorn + httptools + uvloop, one worker, no framework. Each POST body is read and parsed with
orjson (as the agent must), and the answer is a JSON-RPC result of exactly ``--response-bytes``
bytes (the bench measures the agent's own response size first), carrying the completed state the
bench's wrk script checks for. Whatever the agent does beyond this (validation, the task state
machine, the store, serialisation) is what the ratio agent/bare measures.

Usage::

    python bench/bare_asgi.py --port 8002 --response-bytes 620
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_HEAD = b'{"jsonrpc":"2.0","id":'
_MIDDLE = b',"result":{"task":{"status":{"state":"TASK_STATE_COMPLETED"},"pad":"'
_TAIL = b'"}}}'


def response_body(request_id: Any, size: int) -> bytes:
    """A JSON-RPC result for ``request_id``, padded to ``size`` bytes (when it fits)."""
    head = _HEAD + orjson.dumps(request_id) + _MIDDLE
    return head + b"x" * max(0, size - len(head) - len(_TAIL)) + _TAIL


def build_app(response_bytes: int) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI app answering every request with a ``response_bytes`` JSON-RPC result."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            request = orjson.loads(body) if body else {}
            request_id = request.get("id") if isinstance(request, dict) else None
        except orjson.JSONDecodeError:
            request_id = None
        payload = response_body(request_id, response_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--response-bytes", type=int, default=512)
    args = parser.parse_args()
    uvicorn.run(
        build_app(args.response_bytes),
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        ws="none",
        server_header=False,  # as the reference agent: same response headers on all sides
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
