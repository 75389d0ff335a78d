"""Shared pieces of the issue-4 mutations: method names and readers of JSON-RPC documents.

Internal to :mod:`tests.conformance.broken` (``streams``, ``push``, ``robustness``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .proxy import ProxiedRequest, ProxiedResponse

STREAMS = ("SendStreamingMessage", "message/stream")
SUBSCRIBES = ("SubscribeToTask", "tasks/resubscribe")
SENDS = ("SendMessage", "message/send")
TERMINAL = {
    "TASK_STATE_COMPLETED", "TASK_STATE_FAILED", "TASK_STATE_CANCELED", "TASK_STATE_REJECTED",
    "completed", "failed", "canceled", "rejected",
}  # fmt: skip
PUSH = {
    "create": ("CreateTaskPushNotificationConfig", "tasks/pushNotificationConfig/set"),
    "get": ("GetTaskPushNotificationConfig", "tasks/pushNotificationConfig/get"),
    "list": ("ListTaskPushNotificationConfigs", "tasks/pushNotificationConfig/list"),
    "delete": ("DeleteTaskPushNotificationConfig", "tasks/pushNotificationConfig/delete"),
}


def doc_of(req: ProxiedRequest) -> dict[str, Any]:
    doc = req.json()
    return doc if isinstance(doc, dict) else {}


def method_of(req: ProxiedRequest) -> str | None:
    method = doc_of(req).get("method")
    return method if isinstance(method, str) else None


def json_reply(req: ProxiedRequest, doc: dict[str, Any], status: int = 200) -> ProxiedResponse:
    body = json.dumps({"jsonrpc": "2.0", "id": doc_of(req).get("id"), **doc}).encode()
    return ProxiedResponse(status, {"content-type": "application/json"}, body, req)


def kind_of(doc: Any) -> str | None:
    result = doc.get("result") if isinstance(doc, dict) else None
    if not isinstance(result, dict):
        return None
    for key, kind in (
        ("task", "task"),
        ("message", "message"),
        ("statusUpdate", "status-update"),
        ("artifactUpdate", "artifact-update"),
    ):
        if key in result:
            return kind
    kind = result.get("kind")
    return kind if isinstance(kind, str) else None


def event_of(doc: Any) -> dict[str, Any]:
    """The event object inside a stream document (v1.0 wrapper or v0.3 bare)."""
    result = doc["result"]
    for key in ("statusUpdate", "artifactUpdate", "task", "message"):
        if isinstance(result.get(key), dict):
            inner: dict[str, Any] = result[key]
            return inner
    return dict(result)


def state_of(doc: Any) -> str | None:
    status = event_of(doc).get("status") if kind_of(doc) in ("status-update", "task") else None
    return status.get("state") if isinstance(status, dict) else None


def per_stream(
    methods: tuple[str, ...], make: Callable[[], Callable[[Any], list[Any]]]
) -> Callable[[Any, ProxiedRequest], list[Any]]:
    """An event hook with its own state for each stream (``make`` builds a fresh editor)."""
    editors: dict[int, Callable[[Any], list[Any]]] = {}

    def hook(doc: Any, req: ProxiedRequest) -> list[Any]:
        if method_of(req) not in methods or not isinstance(doc, dict) or "result" not in doc:
            return [doc]
        editor = editors.setdefault(id(req), make())
        return editor(doc)

    return hook
