"""A minimal hand-written A2A agent (JSON-RPC, v1.0 and v0.3) for testing the plugin machinery.

Not a reference implementation: just enough of the protocol for the bundled checks to pass
(card with ETag and Cache-Control, envelope errors, version negotiation, send/get/cancel, history),
so that the plugin's grading, options and results can be tested fast, in-process, without the
reference agent. Knobs: ``dual_stack`` (declare and serve v0.3 too), ``card`` overrides.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

__all__ = ["StubAgent"]

V1_METHODS = {"SendMessage": "send", "GetTask": "get", "CancelTask": "cancel"}
V03_METHODS = {"message/send": "send", "tasks/get": "get", "tasks/cancel": "cancel"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class StubAgent:
    """ASGI app. ``base_url`` must be set (after binding) before the card is served."""

    def __init__(
        self, *, dual_stack: bool = True, card_extra: dict[str, Any] | None = None
    ) -> None:
        self.dual_stack = dual_stack
        self.card_extra = card_extra or {}
        self.base_url = ""
        self.tasks: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []

    def card(self) -> dict[str, Any]:
        card: dict[str, Any] = {
            "name": "stub agent",
            "description": "test stub",
            "version": "1.0.0",
            "supportedInterfaces": [
                {"url": self.base_url, "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
            ],
            "capabilities": {"streaming": False, "pushNotifications": False},
            "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain"],
            "skills": [{"id": "echo", "name": "echo", "description": "echo", "tags": ["echo"]}],
        }
        if self.dual_stack:
            card.update(url=self.base_url, protocolVersion="0.3.0", preferredTransport="JSONRPC")
        card.update(self.card_extra)
        return card

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.append({"path": scope["path"], "headers": headers})
        if scope["method"] == "GET" and scope["path"] == "/.well-known/agent-card.json":
            await self._card(send, headers)
        elif scope["method"] == "POST" and scope["path"] == "/":
            status, doc = self._rpc(body, headers)
            await _send(send, status, json.dumps(doc).encode(), "application/json")
        else:
            await _send(send, 404, b'{"error": "not found"}', "application/json")

    async def _card(self, send: Any, headers: dict[str, str]) -> None:
        data = json.dumps(self.card()).encode()
        etag = f'"{uuid.uuid5(uuid.NAMESPACE_URL, data.decode()).hex}"'
        extra = [(b"etag", etag.encode()), (b"cache-control", b"public, max-age=60")]
        if headers.get("if-none-match") == etag:
            await _send(send, 304, b"", None, extra)
        else:
            await _send(send, 200, data, "application/json", extra)

    # -- JSON-RPC ----------------------------------------------------------------------------
    def _rpc(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            req = json.loads(body)
        except ValueError:
            return 200, _error(None, -32700, "Invalid JSON payload")
        if not isinstance(req, dict):
            return 200, _error(None, -32600, "Request payload validation error")
        req_id = req.get("id")
        if req.get("jsonrpc") != "2.0" or not isinstance(req.get("method"), str):
            return 200, _error(req_id, -32600, "Request payload validation error")
        version = (headers.get("a2a-version") or "0.3").strip()
        version = ".".join(version.split(".")[:2])
        if version not in ("1.0", "0.3") or (version == "0.3" and not self.dual_stack):
            return 200, _error(req_id, -32009, f"version {version} is not supported", version)
        table = V1_METHODS if version == "1.0" else V03_METHODS
        op = table.get(req["method"])
        if op is None:
            return 200, _error(req_id, -32601, "Method not found", version)
        params = req.get("params")
        try:
            if not isinstance(params, dict):
                raise RpcError(-32602, "Invalid parameters")
            result = getattr(self, f"_op_{op}")(params, version)
        except RpcError as exc:
            return 200, _error(req_id, exc.code, exc.message, version)
        return 200, {"jsonrpc": "2.0", "id": req_id, "result": result}

    def _op_send(self, params: dict[str, Any], version: str) -> Any:
        msg = params.get("message")
        if not isinstance(msg, dict) or not isinstance(msg.get("parts"), list):
            raise RpcError(-32602, "Invalid parameters: message")
        text = " ".join(str(p.get("text", "")) for p in msg["parts"] if isinstance(p, dict))
        context_id = msg.get("contextId") or uuid.uuid4().hex
        behaviour = (msg.get("metadata") or {}).get("behaviour") or text
        if behaviour.split(" ")[0] == "message":
            reply = self._message(version, "hello", context_id)
            return {"message": reply} if version == "1.0" else reply
        task_id = uuid.uuid4().hex
        task = {
            "id": task_id,
            "contextId": context_id,
            "status": {"state": "completed", "timestamp": _now()},
            "history": [
                dict(msg, taskId=task_id, contextId=context_id),
                self._message(version, text, context_id, task_id),
            ],
            "artifacts": [{"artifactId": "echo", "parts": [{"kind": "text", "text": text}]}],
        }
        self.tasks[task_id] = task
        shown = self._show(task, version, None)
        return {"task": shown} if version == "1.0" else shown

    def _op_get(self, params: dict[str, Any], version: str) -> Any:
        task = self.tasks.get(str(params.get("id")))
        if task is None:
            raise RpcError(-32001, "Task not found")
        return self._show(task, version, params.get("historyLength"))

    def _op_cancel(self, params: dict[str, Any], version: str) -> Any:
        task = self.tasks.get(str(params.get("id")))
        if task is None:
            raise RpcError(-32001, "Task not found")
        raise RpcError(-32002, "Task cannot be canceled")

    def _message(
        self, version: str, text: str, context_id: str, task_id: str | None = None
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "messageId": uuid.uuid4().hex,
            "role": "agent",
            "contextId": context_id,
            "parts": [{"kind": "text", "text": text}],
            "kind": "message",
        }
        if task_id:
            msg["taskId"] = task_id
        return _v1_message(msg) if version == "1.0" else msg

    def _show(self, task: dict[str, Any], version: str, history_length: Any) -> dict[str, Any]:
        history = list(task["history"])
        if isinstance(history_length, int):
            history = history[-history_length:] if history_length > 0 else []
        out = {
            "id": task["id"],
            "contextId": task["contextId"],
            "status": dict(task["status"]),
            "artifacts": task["artifacts"],
            "history": history,
        }
        if version == "0.3":
            out["kind"] = "task"
            return out
        out["status"]["state"] = "TASK_STATE_" + task["status"]["state"].upper().replace("-", "_")
        out["history"] = [_v1_message(m) for m in history]
        out["artifacts"] = [
            {"artifactId": a["artifactId"], "parts": [{"text": p["text"]} for p in a["parts"]]}
            for a in task["artifacts"]
        ]
        if not history:
            del out["history"]
        return out


def _v1_message(msg: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in msg.items() if k != "kind"}
    out["role"] = {"agent": "ROLE_AGENT", "user": "ROLE_USER"}.get(
        out.get("role", ""), out.get("role")
    )
    out["parts"] = [
        {"text": p.get("text", "")} for p in out.get("parts", []) if isinstance(p, dict)
    ]
    return out


def _error(req_id: Any, code: int, message: str, version: str = "0.3") -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if version == "1.0":
        error["data"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "STUB",
                "domain": "a2a-protocol.org",
            }
        ]
    return {"jsonrpc": "2.0", "id": req_id, "error": error}


async def _send(
    send: Any,
    status: int,
    body: bytes,
    ctype: str | None,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if ctype:
        headers.append((b"content-type", ctype.encode()))
    headers += extra or []
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
