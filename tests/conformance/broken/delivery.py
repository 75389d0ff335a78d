"""Named mutations for streaming, subscriptions, buffering, push and robustness (issue 4).

Each breaks one rule in front of the correct reference agent; :mod:`.mutations` merges them into
``MUTATIONS``. Webhook mutations use the proxy's relay (``on_webhook``): the agent's push
notifications pass through the proxy on their way to the harness's receiver.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from .proxy import Mutation, ProxiedRequest, ProxiedResponse

__all__ = ["DELIVERY_MUTATIONS"]

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


def _doc(req: ProxiedRequest) -> dict[str, Any]:
    doc = req.json()
    return doc if isinstance(doc, dict) else {}


def _method(req: ProxiedRequest) -> str | None:
    method = _doc(req).get("method")
    return method if isinstance(method, str) else None


def _json_reply(req: ProxiedRequest, doc: dict[str, Any], status: int = 200) -> ProxiedResponse:
    body = json.dumps({"jsonrpc": "2.0", "id": _doc(req).get("id"), **doc}).encode()
    return ProxiedResponse(status, {"content-type": "application/json"}, body, req)


def _kind(doc: Any) -> str | None:
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


def _event(doc: Any) -> dict[str, Any]:
    """The event object inside a stream document (v1.0 wrapper or v0.3 bare)."""
    result = doc["result"]
    for key in ("statusUpdate", "artifactUpdate", "task", "message"):
        if isinstance(result.get(key), dict):
            inner: dict[str, Any] = result[key]
            return inner
    return dict(result)


def _state(doc: Any) -> str | None:
    status = _event(doc).get("status") if _kind(doc) in ("status-update", "task") else None
    return status.get("state") if isinstance(status, dict) else None


def _per_stream(
    methods: tuple[str, ...], make: Callable[[], Callable[[Any], list[Any]]]
) -> Callable[[Any, ProxiedRequest], list[Any]]:
    """An event hook with its own state for each stream (``make`` builds a fresh editor)."""
    editors: dict[int, Callable[[Any], list[Any]]] = {}

    def hook(doc: Any, req: ProxiedRequest) -> list[Any]:
        if _method(req) not in methods or not isinstance(doc, dict) or "result" not in doc:
            return [doc]
        editor = editors.setdefault(id(req), make())
        return editor(doc)

    return hook


# -- streams -----------------------------------------------------------------------------------
def _reverse_updates() -> Callable[[Any], list[Any]]:
    """Hold the updates between the Task and the terminal status, then send them reversed."""
    held: list[Any] = []

    def edit(doc: Any) -> list[Any]:
        if _kind(doc) in ("status-update", "artifact-update") and _state(doc) not in TERMINAL:
            held.append(doc)
            return []
        out = [*reversed(held), doc]
        held.clear()
        return out

    return edit


def _rename_appends() -> Callable[[Any], list[Any]]:
    def edit(doc: Any) -> list[Any]:
        event = _event(doc)
        if _kind(doc) == "artifact-update" and event.get("append") is True:
            event["artifact"]["artifactId"] = event["artifact"]["artifactId"] + "-elsewhere"
        return [doc]

    return edit


def _drop_second_chunk() -> Callable[[Any], list[Any]]:
    seen = [0]

    def edit(doc: Any) -> list[Any]:
        if _kind(doc) == "artifact-update":
            seen[0] += 1
            if seen[0] == 2:
                return []
        return [doc]

    return edit


def _extra_after_terminal() -> Callable[[Any], list[Any]]:
    last_chunk: list[Any] = []

    def edit(doc: Any) -> list[Any]:
        if _kind(doc) == "artifact-update":
            last_chunk[:] = [copy.deepcopy(doc)]
        if _kind(doc) == "status-update" and _state(doc) in TERMINAL and last_chunk:
            return [doc, *last_chunk]
        return [doc]

    return edit


def _final_early() -> Callable[[Any], list[Any]]:
    def edit(doc: Any) -> list[Any]:
        if _kind(doc) == "status-update" and "final" in doc["result"]:
            doc["result"]["final"] = True
        return [doc]

    return edit


def _swap_on_even_ids(
    doc_filter: Callable[[Any], bool],
) -> Callable[[Any, ProxiedRequest], list[Any]]:
    """On subscriptions whose JSON-RPC id is even, swap the first two matching events."""
    held: dict[int, Any] = {}
    done: set[int] = set()

    def hook(doc: Any, req: ProxiedRequest) -> list[Any]:
        request_id = _doc(req).get("id")
        if _method(req) not in SUBSCRIBES or not isinstance(request_id, int) or request_id % 2:
            return [doc]
        key = id(req)
        if key in done or not doc_filter(doc):
            return [doc]
        if key not in held:
            held[key] = doc
            return []
        done.add(key)
        return [doc, held.pop(key)]

    return hook


def _drop_terminal() -> Callable[[Any], list[Any]]:
    def edit(doc: Any) -> list[Any]:
        return [] if _kind(doc) == "status-update" and _state(doc) in TERMINAL else [doc]

    return edit


def _errors_as(kind: str) -> Callable[[ProxiedResponse], None]:
    """Plain JSON-RPC errors of streaming calls answered as an SSE event, or as an HTML 500."""

    def hook(resp: ProxiedResponse) -> None:
        doc = resp.json()
        if _method(resp.request) not in (*STREAMS, *SUBSCRIBES) or not isinstance(doc, dict):
            return
        if "error" not in doc:
            return
        if kind == "sse":
            resp.headers["content-type"] = "text/event-stream"
            resp.body = b"data: " + json.dumps(doc).encode() + b"\n\n"
        else:
            resp.status = 500
            resp.headers["content-type"] = "text/html"
            resp.body = b"<html><body>Internal Server Error</body></html>"

    return hook


# -- push configs --------------------------------------------------------------------------------
def _push_result(
    op: str, edit: Callable[[dict[str, Any], ProxiedResponse], None]
) -> Callable[[ProxiedResponse], None]:
    def hook(resp: ProxiedResponse) -> None:
        doc = resp.json()
        if _method(resp.request) in PUSH[op] and isinstance(doc, dict):
            edit(doc, resp)
            resp.set_json(doc)

    return hook


def _forget(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    if "result" in doc:
        doc.pop("result")
        doc["error"] = {"code": -32001, "message": "no such push notification config"}


def _empty_list(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    if isinstance(doc.get("result"), dict):
        doc["result"]["configs"] = []
    elif isinstance(doc.get("result"), list):
        doc["result"] = []


def _config_of(result: Any) -> dict[str, Any]:
    if isinstance(result, dict) and isinstance(result.get("pushNotificationConfig"), dict):
        inner: dict[str, Any] = result["pushNotificationConfig"]
        return inner
    return result if isinstance(result, dict) else {}


def _strip_id(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    _config_of(doc.get("result")).pop("id", None)


def _url_number(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    config = _config_of(doc.get("result"))
    if "url" in config:
        config["url"] = 42


def _refuse_create(req: ProxiedRequest) -> ProxiedResponse | None:
    if _method(req) in PUSH["create"]:
        return _json_reply(req, {"error": {"code": -32603, "message": "push is broken"}})
    return None


def _ignore_delete(req: ProxiedRequest) -> ProxiedResponse | None:
    if _method(req) in PUSH["delete"]:
        return _json_reply(req, {"result": {} if _method(req) == PUSH["delete"][0] else None})
    return None


def _second_delete_fails() -> Callable[[ProxiedRequest], ProxiedResponse | None]:
    deleted: set[str] = set()

    def hook(req: ProxiedRequest) -> ProxiedResponse | None:
        if _method(req) not in PUSH["delete"]:
            return None
        key = json.dumps(_doc(req).get("params"), sort_keys=True)
        if key in deleted:
            return _json_reply(req, {"error": {"code": -32001, "message": "already deleted"}})
        deleted.add(key)
        return None

    return hook


def _strip_inline_config(req: ProxiedRequest) -> ProxiedResponse | None:
    doc = _doc(req)
    config = (
        doc.get("params", {}).get("configuration") if _method(req) in (*SENDS, *STREAMS) else None
    )
    if isinstance(config, dict):
        config.pop("pushNotificationConfig", None)
        config.pop("taskPushNotificationConfig", None)
        req.body = json.dumps(doc).encode()
    return None


# -- webhooks (through the relay) --------------------------------------------------------------
def _without(*names: str) -> Callable[[ProxiedRequest], list[ProxiedRequest]]:
    def hook(req: ProxiedRequest) -> list[ProxiedRequest]:
        for name in names:
            req.headers.pop(name, None)
        return [req]

    return hook


def _content_type(value: str) -> Callable[[ProxiedRequest], list[ProxiedRequest]]:
    def hook(req: ProxiedRequest) -> list[ProxiedRequest]:
        req.headers["content-type"] = value
        return [req]

    return hook


def _garbage_body(req: ProxiedRequest) -> list[ProxiedRequest]:
    req.body = b'{"hello": "world"}'
    return [req]


def _other_task(req: ProxiedRequest) -> list[ProxiedRequest]:
    doc = req.json()
    inner = doc
    if isinstance(doc, dict):
        for key in ("task", "statusUpdate", "artifactUpdate", "message"):
            if isinstance(doc.get(key), dict):
                inner = doc[key]
        if isinstance(inner, dict):
            for key in ("taskId", "id"):
                if isinstance(inner.get(key), str):
                    inner[key] = "a2a-harness-some-other-task"
                    break
        req.body = json.dumps(doc).encode()
    return [req]


def _first_only() -> Callable[[ProxiedRequest], list[ProxiedRequest]]:
    seen: set[str] = set()

    def hook(req: ProxiedRequest) -> list[ProxiedRequest]:
        if req.path in seen:
            return []
        seen.add(req.path)
        return [req]

    return hook


# -- robustness ------------------------------------------------------------------------------------
def _data_parts_crash(req: ProxiedRequest) -> ProxiedResponse | None:
    """A 500 for any message holding a structured-data part (what fuzzing must find)."""
    message = _doc(req).get("params", {}).get("message") if _method(req) in SENDS else None
    parts = message.get("parts") if isinstance(message, dict) else None
    if isinstance(parts, list) and any(isinstance(p, dict) and "data" in p for p in parts):
        return ProxiedResponse(500, {"content-type": "text/html"}, b"<h1>500</h1>", req)
    return None


def _bad_json_crash(req: ProxiedRequest) -> ProxiedResponse | None:
    if req.method == "POST" and req.body and req.json() is None:
        return ProxiedResponse(500, {"content-type": "text/plain"}, b"Internal Server Error", req)
    return None


def _dies_after_large_body() -> Callable[[ProxiedRequest], ProxiedResponse | None]:
    dead = [False]

    def hook(req: ProxiedRequest) -> ProxiedResponse | None:
        if req.method != "POST":
            return None
        if len(req.body) > 1024 * 1024:
            dead[0] = True
        if dead[0]:
            return ProxiedResponse(503, {"content-type": "text/plain"}, b"unavailable", req)
        return None

    return hook


DELIVERY_MUTATIONS: dict[str, Mutation] = {
    m.name: m
    for m in (
        # streams
        Mutation(
            "stream-reordered",
            "updates delivered in reverse order",
            on_event=_per_stream(STREAMS, _reverse_updates),
        ),
        Mutation(
            "stream-append-renamed",
            "appended chunks name another artifact",
            on_event=_per_stream(STREAMS, _rename_appends),
        ),
        Mutation(
            "stream-chunk-dropped",
            "an artifact chunk is lost",
            on_event=_per_stream(STREAMS, _drop_second_chunk),
        ),
        Mutation(
            "stream-event-after-terminal",
            "an artifact chunk after the terminal status",
            on_event=_per_stream(STREAMS, _extra_after_terminal),
        ),
        Mutation("stream-held-open", "streams never close", hold_stream_open=True),
        Mutation(
            "stream-final-early",
            "final: true on every v0.3 status update",
            on_event=_per_stream(STREAMS, _final_early),
        ),
        Mutation("stream-buffered", "streams held back until their end", buffer_stream=True),
        Mutation(
            "subscribers-diverge",
            "a second subscriber gets events in another order",
            on_event=_swap_on_even_ids(lambda d: _kind(d) == "artifact-update"),
        ),
        Mutation(
            "subscribe-no-terminal",
            "subscriptions end before the terminal status",
            on_event=_per_stream(SUBSCRIBES, _drop_terminal),
        ),
        Mutation(
            "stream-errors-as-sse",
            "errors before a stream come as an SSE event",
            on_response=_errors_as("sse"),
        ),
        Mutation(
            "stream-errors-as-html",
            "errors before a stream come as an HTML 500",
            on_response=_errors_as("html"),
        ),
        # push configs
        Mutation(
            "push-create-refused", "push configs cannot be created", on_request=_refuse_create
        ),
        Mutation(
            "push-create-no-id",
            "created configs come back without id",
            on_response=_push_result("create", _strip_id),
        ),
        Mutation(
            "push-config-malformed",
            "fetched configs have a numeric url",
            on_response=_push_result("get", _url_number),
        ),
        Mutation(
            "push-get-forgets",
            "configs cannot be fetched",
            on_response=_push_result("get", _forget),
        ),
        Mutation(
            "push-list-empty",
            "listing shows no config",
            on_response=_push_result("list", _empty_list),
        ),
        Mutation("push-delete-ignored", "delete does nothing", on_request=_ignore_delete),
        Mutation(
            "push-delete-twice-fails",
            "a second delete fails",
            on_request=_second_delete_fails(),
        ),
        Mutation(
            "push-inline-ignored",
            "push configs inside SendMessage are dropped",
            on_request=_strip_inline_config,
        ),
        # webhooks
        Mutation(
            "push-no-auth",
            "notifications without credentials",
            on_webhook=_without("authorization"),
        ),
        Mutation(
            "push-no-token",
            "notifications without the token",
            on_webhook=_without("x-a2a-notification-token"),
        ),
        Mutation(
            "push-plain-json",
            "notifications as application/json",
            on_webhook=_content_type("application/json"),
        ),
        Mutation(
            "push-garbage-body", "notification bodies of no A2A shape", on_webhook=_garbage_body
        ),
        Mutation("push-wrong-task", "notifications name another task", on_webhook=_other_task),
        Mutation(
            "push-no-trace",
            "notifications without trace context",
            on_webhook=_without("traceparent", "tracestate"),
        ),
        Mutation(
            "push-first-only", "only the first notification is sent", on_webhook=_first_only()
        ),
        Mutation("push-dropped", "no notification is ever sent", on_webhook=lambda req: []),
        # robustness
        Mutation(
            "fuzz-data-part-500", "a data part crashes the agent", on_request=_data_parts_crash
        ),
        Mutation(
            "malformed-json-500", "invalid JSON crashes the agent", on_request=_bad_json_crash
        ),
        Mutation(
            "dies-after-large-body",
            "the agent stops answering after a large request",
            on_request=_dies_after_large_body(),
        ),
    )
}
