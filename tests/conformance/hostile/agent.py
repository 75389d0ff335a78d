"""A hostile A2A agent: a valid card, then every way an answer can try to hang or crash a client.

It declares v1.0 and v0.3 JSON-RPC, streaming and push notifications, so the whole suite runs
against it, and misbehaves per operation:

===================== =================================================================
operation             what it does
===================== =================================================================
send, ``slow``        a slowloris answer: JSON headers, then one byte every 0.2 s, forever
send, ``fail``        HTTP 500 with an HTML page
send, ``input-…``     a 24 MiB body (past the client's size cap)
send, other prompts   a correct, completed Task (so probes get past the first step)
send with a webhook   floods the webhook with :data:`FLOOD` POSTs (and answers the Task)
stream                an endless stream: a valid event every 5 ms, never a terminal one
stream with a webhook a short correct stream, and a webhook flood
subscribe             a silent stream: headers, then nothing at all
get                   invalid UTF-8 in the JSON body
cancel                a JSON bomb (arrays nested 100 000 deep)
list                  a redirect to itself
push-config create    the config back with an id, then a webhook flood
other push-config ops an empty (valid) answer
extended card         ``application/json`` that is not JSON
malformed requests    HTTP 500 with a Python traceback
===================== =================================================================

Every behaviour ends when the client goes away or after :data:`HOSTILE_LIMIT_S`, so the agent
itself never outlives a test.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from conformance.webhook import FLOOD_PER_ENDPOINT

__all__ = ["FLOOD", "HostileAgent"]

FLOOD = 250  # notifications per registered webhook: more than any check expects
HOSTILE_LIMIT_S = 120.0

V1 = {
    "SendMessage": "send",
    "SendStreamingMessage": "stream",
    "GetTask": "get",
    "CancelTask": "cancel",
    "ListTasks": "list",
    "SubscribeToTask": "subscribe",
    "CreateTaskPushNotificationConfig": "push-create",
    "GetTaskPushNotificationConfig": "push-get",
    "ListTaskPushNotificationConfigs": "push-list",
    "DeleteTaskPushNotificationConfig": "push-delete",
    "GetExtendedAgentCard": "extended-card",
}
V03 = {
    "message/send": "send",
    "message/stream": "stream",
    "tasks/get": "get",
    "tasks/cancel": "cancel",
    "tasks/resubscribe": "subscribe",
    "tasks/pushNotificationConfig/set": "push-create",
    "tasks/pushNotificationConfig/get": "push-get",
    "tasks/pushNotificationConfig/list": "push-list",
    "tasks/pushNotificationConfig/delete": "push-delete",
    "agent/getAuthenticatedExtendedCard": "extended-card",
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class HostileAgent:
    """ASGI app; set :attr:`base_url` once bound (the card names it)."""

    def __init__(self) -> None:
        self.base_url = ""
        self.flooded = 0  # notifications sent so far
        self._client: httpx.AsyncClient | None = None
        self._background: set[asyncio.Task[None]] = set()

    def card(self) -> dict[str, Any]:
        return {
            "name": "hostile agent",
            "description": "An agent that tries to hang or crash the client judging it.",
            "supportedInterfaces": [
                {"url": self.base_url, "protocolBinding": "JSONRPC", "protocolVersion": "1.0"},
                {"url": self.base_url, "protocolBinding": "JSONRPC", "protocolVersion": "0.3"},
            ],
            "protocolVersion": "0.3.0",
            "url": self.base_url,
            "preferredTransport": "JSONRPC",
            "version": "0.0.1",
            "capabilities": {
                "streaming": True,
                "pushNotifications": True,
                "extendedAgentCard": True,
            },
            "supportsAuthenticatedExtendedCard": True,
            "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain"],
            "skills": [
                {"id": "hostile", "name": "Hostile", "description": "Misbehaves.", "tags": ["x"]}
            ],
        }

    # -- ASGI ------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["method"] == "GET" and scope["path"].startswith("/.well-known/"):
            await _send(send, 200, json.dumps(self.card()).encode())
            return
        try:
            doc = json.loads(body)
        except (ValueError, RecursionError):
            doc = None
        if not isinstance(doc, dict) or not isinstance(doc.get("method"), str):
            await _send(
                send, 500, b"Traceback (most recent call last):\n  ...\nKeyError", "text/plain"
            )
            return
        headers = dict((k.decode().lower(), v.decode()) for k, v in scope["headers"])
        version = "1.0" if headers.get("a2a-version", "").startswith("1") else "0.3"
        op = (V1 if version == "1.0" else V03).get(doc["method"])
        params = doc.get("params") if isinstance(doc.get("params"), dict) else {}
        handler = getattr(self, "_" + (op or "unknown").replace("-", "_"))
        work = handler(send, receive, doc.get("id"), params, version)
        with contextlib.suppress(OSError, TimeoutError):
            await asyncio.wait_for(_while_connected(receive, work), HOSTILE_LIMIT_S)

    # -- operations ------------------------------------------------------------------------
    async def _send(
        self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str
    ) -> None:
        text = _text_of(params)
        raw_config = params.get("configuration")
        config: dict[str, Any] = raw_config if isinstance(raw_config, dict) else {}
        floods = [
            self._flood(config[key].get("url"))
            for key in ("taskPushNotificationConfig", "pushNotificationConfig")
            if isinstance(config.get(key), dict)
        ]
        await _flood_landed(*floods)
        if text.startswith("slow"):
            await _slowloris(send, receive)
        elif text.startswith("fail"):
            await _send(send, 500, b"<html><body><h1>500</h1></body></html>", "text/html")
        elif text.startswith("input-required"):
            await _huge(send)
        else:
            await _send(send, 200, _rpc(rid, _task_result(v)))

    async def _stream(
        self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str
    ) -> None:
        await _start(send, 200, "text/event-stream")
        task_id = str(uuid.uuid4())
        first = _task_result(v, state="working", task_id=task_id)
        await _event(send, _rpc(rid, first))
        config = params.get("configuration")
        for key in ("taskPushNotificationConfig", "pushNotificationConfig"):
            if isinstance(config, dict) and isinstance(config.get(key), dict):
                # A short, correct stream: the flood on the webhook is the hostile part here.
                landed = self._flood(config[key].get("url"))
                # SSE comments keep the stream visibly alive while the flood lands, so the
                # harness judges the webhook (a flood), not a silent stream.
                for _ in range(50):
                    if landed.is_set():
                        break
                    await send(
                        {"type": "http.response.body", "body": b": flooding\n\n", "more_body": True}
                    )
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(landed.wait(), 0.2)
                await _event(send, _rpc(rid, _status(v, task_id, "completed")))
                await send({"type": "http.response.body", "body": b""})
                return
        n = 0
        while True:  # never terminal, never closed: only the client's bounds end this
            update = {
                "taskId": task_id,
                "contextId": "c",
                "artifact": {"artifactId": "a", "parts": [{"text": str(n)}]},
            }
            result = (
                {"artifactUpdate": update} if v == "1.0" else {"kind": "artifact-update", **update}
            )
            await _event(send, _rpc(rid, result))
            n += 1
            await asyncio.sleep(0.005)

    async def _subscribe(
        self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str
    ) -> None:
        await _start(send, 200, "text/event-stream")
        await asyncio.Event().wait()  # silence, until the client goes away

    async def _get(self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str) -> None:
        await _send(send, 200, b'{"jsonrpc": "2.0", "id": 1, "result": {"id": "\xff\xfe"}}')

    async def _cancel(
        self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str
    ) -> None:
        await _send(send, 200, b"[" * 100_000 + b"]" * 100_000)

    async def _list(
        self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str
    ) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 302,
                "headers": [(b"location", self.base_url.encode()), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _push_create(
        self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str
    ) -> None:
        config = params if v == "1.0" else params.get("pushNotificationConfig", {})
        url = config.get("url") if isinstance(config, dict) else None
        await _flood_landed(self._flood(url))
        answer = dict(params)
        if v == "1.0":
            answer["id"] = "hostile-config"
        elif isinstance(answer.get("pushNotificationConfig"), dict):
            answer["pushNotificationConfig"] = {
                **answer["pushNotificationConfig"],
                "id": "hostile-config",
            }
        await _send(send, 200, _rpc(rid, answer))

    async def _push_get(
        self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str
    ) -> None:
        await _send(send, 200, _rpc(rid, {}))

    _push_list = _push_get
    _push_delete = _push_get

    async def _extended_card(
        self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str
    ) -> None:
        await _send(send, 200, b"this is not JSON at all")

    async def _unknown(
        self, send: Any, receive: Any, rid: Any, params: dict[str, Any], v: str
    ) -> None:
        await _send(
            send, 200, _rpc(rid, None, error={"code": -32601, "message": "Method not found"})
        )

    # -- the flood --------------------------------------------------------------------------
    def _flood(self, url: Any) -> asyncio.Event:
        """Start flooding ``url``; the event is set once the flood is past the harness's limit.

        Callers answer only after that (bounded), so the harness always sees the flood while it
        judges the notifications: without it the verdict depended on scheduling.
        """
        landed = asyncio.Event()
        if not isinstance(url, str) or not url.startswith("http"):
            landed.set()
            return landed
        task = asyncio.get_running_loop().create_task(self._post_many(url, landed))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return landed

    async def _post_many(self, url: str, landed: asyncio.Event) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=2.0, trust_env=False)
        client = self._client
        gate = asyncio.Semaphore(16)
        sent = 0

        async def one(n: int) -> None:
            nonlocal sent
            async with gate:
                with contextlib.suppress(httpx.HTTPError):
                    await client.post(url, json={"statusUpdate": {"taskId": "flood", "n": n}})
                    self.flooded += 1
                    sent += 1
                    if sent > FLOOD_PER_ENDPOINT:
                        landed.set()

        try:
            await asyncio.gather(*(one(n) for n in range(FLOOD)))
        finally:
            landed.set()


async def _flood_landed(*events: asyncio.Event) -> None:
    """Wait (bounded) until every flood is past the harness's limit."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), 10.0)


def _text_of(params: dict[str, Any]) -> str:
    message = params.get("message")
    parts = message.get("parts") if isinstance(message, dict) else None
    for part in parts if isinstance(parts, list) else []:
        if isinstance(part, dict) and isinstance(part.get("text"), str):
            return part["text"].strip().lower()
    return ""


def _task_result(v: str, *, state: str = "completed", task_id: str | None = None) -> dict[str, Any]:
    task = {
        "id": task_id or str(uuid.uuid4()),
        "contextId": "hostile-context",
        "status": {
            "state": f"TASK_STATE_{state.upper()}" if v == "1.0" else state,
            "timestamp": _now(),
        },
    }
    return {"task": task} if v == "1.0" else {"kind": "task", **task}


def _status(v: str, task_id: str, state: str) -> dict[str, Any]:
    event = {
        "taskId": task_id,
        "contextId": "hostile-context",
        "status": {
            "state": f"TASK_STATE_{state.upper()}" if v == "1.0" else state,
            "timestamp": _now(),
        },
    }
    if v == "1.0":
        return {"statusUpdate": event}
    return {"kind": "status-update", **event, "final": True}


def _rpc(rid: Any, result: Any, *, error: dict[str, Any] | None = None) -> bytes:
    doc: dict[str, Any] = {"jsonrpc": "2.0", "id": rid}
    if error is not None:
        doc["error"] = error
    else:
        doc["result"] = result
    return json.dumps(doc).encode()


async def _start(send: Any, status: int, ctype: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", ctype.encode())],
        }
    )


async def _send(send: Any, status: int, body: bytes, ctype: str = "application/json") -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", ctype.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _event(send: Any, data: bytes) -> None:
    await send(
        {"type": "http.response.body", "body": b"data: " + data + b"\n\n", "more_body": True}
    )


async def _slowloris(send: Any, receive: Any) -> None:
    await _start(send, 200, "application/json")
    while True:
        await send({"type": "http.response.body", "body": b" ", "more_body": True})
        await asyncio.sleep(0.2)  # the hostile pace


async def _huge(send: Any) -> None:
    await _start(send, 200, "application/json")
    chunk = b" " * (1024 * 1024)
    for _ in range(24):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"{}"})


async def _while_connected(receive: Any, work: Any) -> None:
    """Run ``work`` until it ends or the client goes away (uvicorn drops writes to a gone
    client silently, so an endless answer would otherwise run on)."""
    job = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_until_disconnect(receive))
    _, pending = await asyncio.wait({job, gone}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


async def _until_disconnect(receive: Any) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
