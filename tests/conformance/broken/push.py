"""Named mutations of push notifications: config CRUD, and webhooks through the proxy's relay.

Merged into ``MUTATIONS`` by :mod:`.mutations`. Webhook mutations (``on_webhook``) act on the
notifications the agent POSTs, which the proxy relays to the harness's receiver.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ._rpc import PUSH, SENDS, STREAMS, doc_of, json_reply, method_of
from .proxy import Mutation, ProxiedRequest, ProxiedResponse

__all__ = ["PUSH_MUTATIONS"]


def _push_result(
    op: str, edit: Callable[[dict[str, Any], ProxiedResponse], None]
) -> Callable[[ProxiedResponse], None]:
    def hook(resp: ProxiedResponse) -> None:
        doc = resp.json()
        if method_of(resp.request) in PUSH[op] and isinstance(doc, dict):
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
    if method_of(req) in PUSH["create"]:
        return json_reply(req, {"error": {"code": -32603, "message": "push is broken"}})
    return None


def _ignore_delete(req: ProxiedRequest) -> ProxiedResponse | None:
    if method_of(req) in PUSH["delete"]:
        return json_reply(req, {"result": {} if method_of(req) == PUSH["delete"][0] else None})
    return None


def _second_delete_fails() -> Callable[[ProxiedRequest], ProxiedResponse | None]:
    deleted: set[str] = set()

    def hook(req: ProxiedRequest) -> ProxiedResponse | None:
        if method_of(req) not in PUSH["delete"]:
            return None
        key = json.dumps(doc_of(req).get("params"), sort_keys=True)
        if key in deleted:
            return json_reply(req, {"error": {"code": -32001, "message": "already deleted"}})
        deleted.add(key)
        return None

    return hook


def _strip_inline_config(req: ProxiedRequest) -> ProxiedResponse | None:
    doc = doc_of(req)
    config = (
        doc.get("params", {}).get("configuration") if method_of(req) in (*SENDS, *STREAMS) else None
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


PUSH_MUTATIONS: dict[str, Mutation] = {
    m.name: m
    for m in (
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
    )
}
