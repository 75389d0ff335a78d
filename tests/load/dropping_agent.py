"""A deliberately broken agent for the lost-task check: it forgets some of the tasks it created.

An ASGI proxy in front of a real agent: every JSON-RPC call is forwarded unchanged, except
GetTask (``tasks/get``) for a task whose id is in the dropped share (the first hex digit of the
id is even, about half the tasks): that answers -32001 TaskNotFound, as an agent that lost the
task would. ``--drop none`` forwards everything (the variant that keeps the rule).

    python tests/load/dropping_agent.py --port 8100 --upstream http://127.0.0.1:9999/
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import orjson
import uvicorn

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_GET_TASK = ("GetTask", "tasks/get")


def dropped(task_id: str) -> bool:
    """Whether this agent "loses" ``task_id`` (deterministic: about half of random UUIDs)."""
    return bool(task_id) and task_id[0] in "02468ace"


def build_app(upstream: str, drop: bool) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The proxy app forwarding to ``upstream``."""
    client = httpx.AsyncClient(timeout=30.0)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        request = orjson.loads(body) if body else None
        if (
            drop
            and isinstance(request, dict)
            and request.get("method") in _GET_TASK
            and dropped(str((request.get("params") or {}).get("id", "")))
        ):
            error = {"code": -32001, "message": "task not found"}
            payload = orjson.dumps({"jsonrpc": "2.0", "id": request.get("id"), "error": error})
            status = 200
        else:
            headers = {
                k.decode(): v.decode()
                for k, v in scope["headers"]
                if k.lower() not in (b"host", b"content-length")
            }
            url = upstream.rstrip("/") + scope["path"]
            answer = await client.request(scope["method"], url, content=body, headers=headers)
            payload, status = answer.content, answer.status_code
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--drop", choices=["half", "none"], default="half")
    args = parser.parse_args()
    app = build_app(args.upstream, args.drop == "half")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
