"""The load generator's ceiling target: a bare ASGI app that answers A2A v1.0 JSON-RPC instantly.

uvicorn + httptools + uvloop, no framework, no store. Every call is answered with a completed
Task (a fresh id); ``SendStreamingMessage`` is answered with a two-event SSE stream (the task,
then its COMPLETED status update). Whatever the generator measures against it is the
generator's own limit, not an agent's.

    python load/tools/bare_a2a.py --port 8003
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
import uvicorn

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _task(request_id: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    task_id = str(uuid.uuid4())
    status = {"state": "TASK_STATE_COMPLETED"}
    task = {"id": task_id, "contextId": task_id, "status": status}
    update = {"taskId": task_id, "contextId": task_id, "status": status}
    return (
        {"jsonrpc": "2.0", "id": request_id, "result": {"task": task}},
        {"jsonrpc": "2.0", "id": request_id, "result": {"statusUpdate": update}},
    )


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer every POST at once; GET (readiness) with 200."""
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    request = orjson.loads(body) if body else {}
    request_id = request.get("id") if isinstance(request, dict) else None
    task, update = _task(request_id)
    stream = isinstance(request, dict) and request.get("method") == "SendStreamingMessage"
    content_type = b"text/event-stream" if stream else b"application/json"
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type)]}
    )
    if stream:
        await send(
            {
                "type": "http.response.body",
                "body": b"data: " + orjson.dumps(task) + b"\n\n",
                "more_body": True,
            }
        )
        await send(
            {"type": "http.response.body", "body": b"data: " + orjson.dumps(update) + b"\n\n"}
        )
    else:
        # A GetTask answers with the bare Task, a send with {"task": …}.
        result = task["result"]["task"] if request.get("method") == "GetTask" else task["result"]
        await send({"type": "http.response.body", "body": orjson.dumps({**task, "result": result})})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, log_level="warning", http="httptools", loop="uvloop"
    )


if __name__ == "__main__":
    main()
