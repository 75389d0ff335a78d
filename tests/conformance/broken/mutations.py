"""Named mutations: each breaks one A2A rule in front of a correct agent.

Used by the proof tests: the suite must grade the matching requirement FAIL (or NON-STRICT for a
SHOULD, WARNING for a spec-ambiguous point) through the mutated proxy, and PASS without it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .proxy import Mutation, ProxiedRequest, ProxiedResponse
from .push import PUSH_MUTATIONS
from .robustness import ROBUSTNESS_MUTATIONS
from .streams import STREAM_MUTATIONS

__all__ = ["MUTATIONS"]

CARD = "/.well-known/agent-card.json"
LEGACY = "/.well-known/agent.json"
V1_TERMINAL_TO_WORKING = {"TASK_STATE_COMPLETED": "TASK_STATE_WORKING", "completed": "working"}


# -- helpers --------------------------------------------------------------------------------------
def _is_card(resp: ProxiedResponse) -> bool:
    return resp.request.path == CARD and resp.status == 200


def _card(edit: Callable[[dict[str, Any]], None]) -> Callable[[ProxiedResponse], None]:
    def hook(resp: ProxiedResponse) -> None:
        if _is_card(resp):
            doc = resp.json()
            edit(doc)
            resp.set_json(doc)

    return hook


def _rpc_method(resp: ProxiedResponse) -> str | None:
    doc = resp.request_doc
    return doc.get("method") if isinstance(doc, dict) else None


def _rpc(
    edit: Callable[[dict[str, Any], ProxiedResponse], None],
) -> Callable[[ProxiedResponse], None]:
    def hook(resp: ProxiedResponse) -> None:
        if resp.request.method != "POST" or resp.request.path.startswith("/.well-known"):
            return
        doc = resp.json()
        if isinstance(doc, dict):
            edit(doc, resp)
            resp.set_json(doc)

    return hook


def _error_code(old: int, new: int) -> Callable[[ProxiedResponse], None]:
    def edit(doc: dict[str, Any], resp: ProxiedResponse) -> None:
        if isinstance(doc.get("error"), dict) and doc["error"].get("code") == old:
            doc["error"]["code"] = new

    return _rpc(edit)


def _task_of(doc: dict[str, Any]) -> dict[str, Any] | None:
    result = doc.get("result")
    if not isinstance(result, dict):
        return None
    if isinstance(result.get("task"), dict):
        return result["task"]
    if "status" in result and "id" in result:
        return result
    return None


def _on_tasks(
    methods: tuple[str, ...], edit: Callable[[dict[str, Any]], None]
) -> Callable[[ProxiedResponse], None]:
    def hook(doc: dict[str, Any], resp: ProxiedResponse) -> None:
        task = _task_of(doc) if _rpc_method(resp) in methods else None
        if task is not None:
            edit(task)

    return _rpc(hook)


def _set_state(table: dict[str, str]) -> Callable[[dict[str, Any]], None]:
    def edit(task: dict[str, Any]) -> None:
        state = task.get("status", {}).get("state")
        if state in table:
            task["status"]["state"] = table[state]

    return edit


def _reply(
    status: int, body: bytes, request: ProxiedRequest, ctype: str = "text/html"
) -> ProxiedResponse:
    return ProxiedResponse(status, {"content-type": ctype}, body, request)


# -- request-side mutations -----------------------------------------------------------------------
def _card_404(req: ProxiedRequest) -> ProxiedResponse | None:
    if req.path in (CARD, LEGACY):
        return _reply(404, b"not here", req)
    return None


def _legacy_only(req: ProxiedRequest) -> ProxiedResponse | None:
    if req.path == CARD:
        return _reply(404, b"not here", req)
    if req.path == LEGACY:
        req.path = CARD
    return None


def _strip_if_none_match(req: ProxiedRequest) -> ProxiedResponse | None:
    req.headers.pop("if-none-match", None)
    return None


def _dead_path(req: ProxiedRequest) -> ProxiedResponse | None:
    if req.path == "/dead/":
        return _reply(404, b"<html>nothing here</html>", req)
    return None


def _accept_any_version(req: ProxiedRequest) -> ProxiedResponse | None:
    if req.headers.get("a2a-version") == "99.0":
        req.headers["a2a-version"] = "1.0"
    return None


def _reject_v1_get(req: ProxiedRequest) -> ProxiedResponse | None:
    doc = req.json()
    if (
        req.headers.get("a2a-version") == "1.0"
        and isinstance(doc, dict)
        and doc.get("method") == "GetTask"
    ):
        body = {"jsonrpc": "2.0", "id": doc.get("id"), "error": {"code": -32009, "message": "no"}}
        return ProxiedResponse(200, {"content-type": "application/json"}, _dumps(body), req)
    return None


def _absent_version_is_v1(req: ProxiedRequest) -> ProxiedResponse | None:
    if req.method == "POST" and not req.headers.get("a2a-version"):
        req.headers["a2a-version"] = "1.0"
    return None


def _ignore_history_length(req: ProxiedRequest) -> ProxiedResponse | None:
    doc = req.json()
    if isinstance(doc, dict) and isinstance(doc.get("params"), dict):
        doc["params"].pop("historyLength", None)
        req.body = _dumps(doc)
    return None


def _dumps(doc: Any) -> bytes:
    import json

    return json.dumps(doc).encode()


# -- response-side edits ---------------------------------------------------------------------------
def _drop(name: str) -> Callable[[ProxiedResponse], None]:
    def hook(resp: ProxiedResponse) -> None:
        if resp.request.path == CARD:
            resp.headers.pop(name, None)

    return hook


def _add_dead_v1_interface(card: dict[str, Any]) -> None:
    first = card["supportedInterfaces"][0]
    card["supportedInterfaces"].append(dict(first, url=first["url"].rstrip("/") + "/dead/"))


def _dead_v03_url(card: dict[str, Any]) -> None:
    dead = card["supportedInterfaces"][0]["url"].rstrip("/") + "/dead/"
    card["supportedInterfaces"] = [
        i for i in card["supportedInterfaces"] if i["protocolVersion"] != "0.3"
    ]
    card["supportedInterfaces"].append(
        {"url": dead, "protocolBinding": "JSONRPC", "protocolVersion": "0.3"}
    )
    if "url" in card:
        card["url"] = dead


def _parse_error_id(value: Any) -> Callable[[ProxiedResponse], None]:
    def edit(doc: dict[str, Any], resp: ProxiedResponse) -> None:
        if isinstance(doc.get("error"), dict) and doc["error"].get("code") == -32700:
            if value is _ABSENT:
                doc.pop("id", None)
            else:
                doc["id"] = value

    return _rpc(edit)


_ABSENT = object()


def _stringify_id(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    if isinstance(doc.get("id"), int):
        doc["id"] = str(doc["id"])


def _result_with_error(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    if "error" in doc:
        doc["result"] = None


def _drop_jsonrpc(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    doc.pop("jsonrpc", None)


def _text_plain(resp: ProxiedResponse) -> None:
    if resp.request.method == "POST" and resp.headers.get("content-type", "").startswith(
        "application/json"
    ):
        resp.headers["content-type"] = "text/plain"


def _error_data_object(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    if isinstance(doc.get("error"), dict):
        doc["error"]["data"] = {"reason": "TASK_NOT_FOUND"}


def _garbage_send_result(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    if _rpc_method(resp) in ("SendMessage", "message/send") and "result" in doc:
        doc["result"] = {"status": "ok"}


def _v1_lower_case_states(task: dict[str, Any]) -> None:
    state = task.get("status", {}).get("state", "")
    if isinstance(state, str) and state.startswith("TASK_STATE_"):
        task["status"]["state"] = state.removeprefix("TASK_STATE_").lower().replace("_", "-")


def _timestamps(new: Callable[[str], str]) -> Callable[[dict[str, Any]], None]:
    def edit(task: dict[str, Any]) -> None:
        status = task.get("status", {})
        if isinstance(status.get("timestamp"), str):
            status["timestamp"] = new(status["timestamp"])

    return edit


GETS = ("GetTask", "tasks/get")
SENDS = ("SendMessage", "message/send")
ALL_TASKS = GETS + SENDS + ("CancelTask", "tasks/cancel")

MUTATIONS: dict[str, Mutation] = {
    m.name: m
    for m in (
        Mutation("card-404", "no card at the well-known path", on_request=_card_404),
        Mutation(
            "card-legacy-only", "card only at /.well-known/agent.json", on_request=_legacy_only
        ),
        Mutation(
            "card-no-description",
            "card lacks a required field",
            on_response=_card(lambda c: c.pop("description", None)),
        ),
        Mutation(
            "card-empty-input-modes",
            "defaultInputModes is []",
            on_response=_card(lambda c: c.__setitem__("defaultInputModes", [])),
        ),
        Mutation(
            "card-http-interface",
            "an interface on plain HTTP off loopback",
            on_response=_card(
                lambda c: c["supportedInterfaces"].append(
                    {
                        "url": "http://agent.example.com/a2a",
                        "protocolBinding": "HTTP+JSON",
                        "protocolVersion": "1.0",
                    }
                )
            ),
        ),
        Mutation(
            "card-duplicate-skill",
            "two skills share an id",
            on_response=_card(lambda c: c["skills"].append(copy.deepcopy(c["skills"][0]))),
        ),
        Mutation("card-no-cache-control", "no Cache-Control", on_response=_drop("cache-control")),
        Mutation("card-no-etag", "no ETag", on_response=_drop("etag")),
        Mutation(
            "card-ignore-if-none-match",
            "conditional GET answered 200",
            on_request=_strip_if_none_match,
        ),
        Mutation(
            "card-dead-v1-interface",
            "a declared v1.0 interface does not answer",
            on_request=_dead_path,
            on_response=_card(_add_dead_v1_interface),
        ),
        Mutation(
            "card-dead-v03-url",
            "the v0.3 main url does not answer",
            on_request=_dead_path,
            on_response=_card(_dead_v03_url),
        ),
        Mutation(
            "version-accept-any", "A2A-Version 99.0 is served", on_request=_accept_any_version
        ),
        Mutation("version-reject-v1", "A2A-Version 1.0 is refused", on_request=_reject_v1_get),
        Mutation(
            "version-absent-is-v1",
            "no A2A-Version is served as 1.0",
            on_request=_absent_version_is_v1,
        ),
        Mutation(
            "parse-error-id-1", "parse error answered with id 1", on_response=_parse_error_id(1)
        ),
        Mutation(
            "parse-error-no-id",
            "parse error answered without id",
            on_response=_parse_error_id(_ABSENT),
        ),
        Mutation(
            "invalid-request-as-internal",
            "-32600 answered as -32603",
            on_response=_error_code(-32600, -32603),
        ),
        Mutation(
            "method-not-found-as-invalid-request",
            "-32601 answered as -32600",
            on_response=_error_code(-32601, -32600),
        ),
        Mutation(
            "invalid-params-as-internal",
            "-32602 answered as -32603",
            on_response=_error_code(-32602, -32603),
        ),
        Mutation(
            "task-not-found-as-internal",
            "-32001 answered as -32603",
            on_response=_error_code(-32001, -32603),
        ),
        Mutation(
            "id-stringified", "numeric ids echoed as strings", on_response=_rpc(_stringify_id)
        ),
        Mutation(
            "result-with-error",
            "error answers also carry result",
            on_response=_rpc(_result_with_error),
        ),
        Mutation("no-jsonrpc-member", "responses lack jsonrpc", on_response=_rpc(_drop_jsonrpc)),
        Mutation("content-type-text", "JSON-RPC answered as text/plain", on_response=_text_plain),
        Mutation(
            "error-data-object", "error.data is an object", on_response=_rpc(_error_data_object)
        ),
        Mutation(
            "send-garbage",
            "SendMessage result is neither Task nor Message",
            on_response=_rpc(_garbage_send_result),
        ),
        Mutation(
            "blocking-returns-working",
            "blocking send answers an in-progress task",
            on_response=_on_tasks(SENDS, _set_state(V1_TERMINAL_TO_WORKING)),
        ),
        Mutation(
            "get-regresses-state",
            "GetTask answers a finished task as submitted",
            on_response=_on_tasks(
                GETS,
                _set_state(
                    {"TASK_STATE_COMPLETED": "TASK_STATE_SUBMITTED", "completed": "submitted"}
                ),
            ),
        ),
        Mutation(
            "history-untrimmed", "historyLength is ignored", on_request=_ignore_history_length
        ),
        Mutation(
            "v1-lower-case-states",
            "v1.0 states in v0.3 spelling",
            on_response=_on_tasks(GETS, _v1_lower_case_states),
        ),
        Mutation(
            "state-unspecified",
            "GetTask answers TASK_STATE_UNSPECIFIED / unknown",
            on_response=_on_tasks(
                GETS,
                _set_state(
                    {"TASK_STATE_COMPLETED": "TASK_STATE_UNSPECIFIED", "completed": "unknown"}
                ),
            ),
        ),
        Mutation(
            "timestamp-offset",
            "timestamps with +02:00 instead of Z",
            on_response=_on_tasks(ALL_TASKS, _timestamps(lambda t: t.replace("Z", "+02:00"))),
        ),
        Mutation(
            "timestamp-garbage",
            "timestamps that are not ISO 8601",
            on_response=_on_tasks(ALL_TASKS, _timestamps(lambda t: "yesterday at noon")),
        ),
    )
}


# -- task lifecycle, streaming, capabilities, ListTasks ----------------------------------------------
STREAMS = ("SendStreamingMessage", "message/stream")
SUBSCRIBES = ("SubscribeToTask", "tasks/resubscribe")
CANCELS = ("CancelTask", "tasks/cancel")
REQUIRED_EXTENSION = "urn:a2a-harness:test:required"  # what the gated reference agent requires


def _params(req: ProxiedRequest) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    doc = req.json()
    if isinstance(doc, dict) and isinstance(doc.get("params"), dict):
        return doc, doc["params"]
    return None, None


def _method_of(req: ProxiedRequest) -> str | None:
    doc = req.json()
    return doc.get("method") if isinstance(doc, dict) else None


def _ignore_return_immediately(req: ProxiedRequest) -> ProxiedResponse | None:
    doc, params = _params(req)
    if doc is not None and params is not None and isinstance(params.get("configuration"), dict):
        params["configuration"].pop("returnImmediately", None)
        req.body = _dumps(doc)
    return None


def _on_methods(
    methods: tuple[str, ...], edit: Callable[[dict[str, Any], ProxiedResponse], None]
) -> Callable[[ProxiedResponse], None]:
    def hook(doc: dict[str, Any], resp: ProxiedResponse) -> None:
        if _rpc_method(resp) in methods:
            edit(doc, resp)

    return _rpc(hook)


def _cancel_result_garbage(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    if "result" in doc:
        doc["result"] = {"ok": True}


def _cancel_answers_working(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    task = _task_of(doc)
    if task is not None:
        _set_state({"TASK_STATE_CANCELED": "TASK_STATE_WORKING", "canceled": "working"})(task)


def _request_task_id(resp: ProxiedResponse) -> str | None:
    doc = resp.request_doc
    msg = doc.get("params", {}).get("message") if isinstance(doc, dict) else None
    return msg.get("taskId") if isinstance(msg, dict) else None


def _accept_send_to_task(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    task_id = _request_task_id(resp)
    if task_id and "error" in doc:
        v1 = _rpc_method(resp) == "SendMessage"
        task = {
            "id": task_id,
            "contextId": "a2a-harness-fake",
            "status": {"state": "TASK_STATE_COMPLETED" if v1 else "completed"},
        }
        doc.pop("error")
        doc["result"] = {"task": task} if v1 else {"kind": "task", **task}


def _strip_context(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    result = doc.get("result")
    if isinstance(result, dict):
        for obj in (result, result.get("task"), result.get("message")):
            if isinstance(obj, dict):
                obj.pop("contextId", None)


def _follow_up_new_context(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    task = _task_of(doc)
    if task is not None and _request_task_id(resp):
        task["contextId"] = "a2a-harness-elsewhere"


def _stream_as_json(req: ProxiedRequest) -> ProxiedResponse | None:
    doc = req.json()
    if isinstance(doc, dict) and doc.get("method") in STREAMS:
        doc["method"] = {"SendStreamingMessage": "SendMessage", "message/stream": "message/send"}[
            doc["method"]
        ]
        req.body = _dumps(doc)
        req.headers["accept"] = "application/json"
    return None


def _result_kind(doc: Any) -> str | None:
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
    named = result.get("kind")
    return named if isinstance(named, str) else None


def _status_of(doc: Any) -> str | None:
    result = doc.get("result", {}) if isinstance(doc, dict) else {}
    event = result.get("statusUpdate", result)
    status = event.get("status") if isinstance(event, dict) else None
    return status.get("state") if isinstance(status, dict) else None


def _in(
    methods: tuple[str, ...], edit: Callable[[Any], list[Any]]
) -> Callable[[Any, ProxiedRequest], list[Any]]:
    def hook(doc: Any, req: ProxiedRequest) -> list[Any]:
        return edit(doc) if _method_of(req) in methods else [doc]

    return hook


def _bare(doc: Any) -> list[Any]:
    return [doc.get("result", doc)] if isinstance(doc, dict) else [doc]


def _drop_tasks(doc: Any) -> list[Any]:
    return [] if _result_kind(doc) == "task" else [doc]


def _drop_terminal(doc: Any) -> list[Any]:
    terminal = {
        "TASK_STATE_COMPLETED",
        "TASK_STATE_FAILED",
        "TASK_STATE_CANCELED",
        "TASK_STATE_REJECTED",
    }
    return [] if _result_kind(doc) == "status-update" and _status_of(doc) in terminal else [doc]


def _twice_messages(doc: Any) -> list[Any]:
    return [doc, doc] if _result_kind(doc) == "message" else [doc]


def _final_false(doc: Any) -> list[Any]:
    if _result_kind(doc) == "status-update" and "final" in doc["result"]:
        doc["result"]["final"] = False
    return [doc]


def _updates_without_context(doc: Any) -> list[Any]:
    result = doc.get("result") if isinstance(doc, dict) else None
    if isinstance(result, dict):
        for key in ("statusUpdate", "artifactUpdate"):
            if isinstance(result.get(key), dict):
                result[key].pop("contextId", None)
    return [doc]


def _task_as_status_update(doc: Any) -> list[Any]:
    if _result_kind(doc) == "task" and isinstance(doc["result"].get("task"), dict):
        task = doc["result"]["task"]
        doc["result"] = {
            "statusUpdate": {
                "taskId": task["id"],
                "contextId": task.get("contextId", ""),
                "status": task["status"],
            }
        }
    return [doc]


def _refuse_resubscribe(req: ProxiedRequest) -> ProxiedResponse | None:
    doc = req.json()
    if isinstance(doc, dict) and doc.get("method") == "tasks/resubscribe":
        body = {"jsonrpc": "2.0", "id": doc.get("id"), "error": {"code": -32004, "message": "no"}}
        return ProxiedResponse(200, {"content-type": "application/json"}, _dumps(body), req)
    return None


def _hide_capability(name: str) -> Callable[[ProxiedResponse], None]:
    def edit(card: dict[str, Any]) -> None:
        card.setdefault("capabilities", {})[name] = False
        if name == "extendedAgentCard":
            card.pop("supportsAuthenticatedExtendedCard", None)

    return _card(edit)


def _extended_card_error(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    doc.pop("result", None)
    doc["error"] = {"code": -32603, "message": "extended card unavailable"}


def _opt_in_everything(req: ProxiedRequest) -> ProxiedResponse | None:
    req.headers["a2a-extensions"] = REQUIRED_EXTENSION
    req.headers["x-a2a-extensions"] = REQUIRED_EXTENSION
    return None


def _list_edit(edit: Callable[[dict[str, Any]], None]) -> Callable[[ProxiedResponse], None]:
    def hook(doc: dict[str, Any], resp: ProxiedResponse) -> None:
        if isinstance(doc.get("result"), dict):
            edit(doc["result"])

    return _on_methods(("ListTasks",), hook)


def _drop_empty_token(result: dict[str, Any]) -> None:
    if result.get("nextPageToken") == "":
        del result["nextPageToken"]


def _list_request(
    edit: Callable[[dict[str, Any]], None],
) -> Callable[[ProxiedRequest], ProxiedResponse | None]:
    def hook(req: ProxiedRequest) -> ProxiedResponse | None:
        doc, params = _params(req)
        if doc is not None and params is not None and doc.get("method") == "ListTasks":
            edit(params)
            req.body = _dumps(doc)
        return None

    return hook


MUTATIONS.update(
    (m.name, m)
    for m in (
        Mutation(
            "ignore-return-immediately",
            "returnImmediately is ignored",
            on_request=_ignore_return_immediately,
        ),
        Mutation(
            "cancel-returns-garbage",
            "CancelTask result is not a Task",
            on_response=_on_methods(CANCELS, _cancel_result_garbage),
        ),
        Mutation(
            "cancel-answers-working",
            "a canceled task is reported working",
            on_response=_on_methods(CANCELS, _cancel_answers_working),
        ),
        Mutation(
            "not-cancelable-as-internal",
            "-32002 answered as -32603",
            on_response=_error_code(-32002, -32603),
        ),
        Mutation(
            "send-to-task-accepted",
            "messages naming a bad task are accepted",
            on_response=_on_methods(SENDS, _accept_send_to_task),
        ),
        Mutation(
            "strip-context-id",
            "send replies carry no contextId",
            on_response=_on_methods(SENDS, _strip_context),
        ),
        Mutation(
            "follow-up-new-context",
            "a follow-up lands in another context",
            on_response=_on_methods(SENDS, _follow_up_new_context),
        ),
        Mutation("stream-as-json", "streaming answered as plain JSON", on_request=_stream_as_json),
        Mutation(
            "stream-bare-results",
            "SSE events without the JSON-RPC envelope",
            on_event=_in(STREAMS, _bare),
        ),
        Mutation(
            "stream-drops-task",
            "task streams do not start with the Task",
            on_event=_in(STREAMS, _drop_tasks),
        ),
        Mutation(
            "stream-no-terminal",
            "task streams close before the terminal state",
            on_event=_in(STREAMS, _drop_terminal),
        ),
        Mutation(
            "message-stream-twice",
            "message streams carry two Messages",
            on_event=_in(STREAMS, _twice_messages),
        ),
        Mutation(
            "stream-final-false",
            "v0.3 streams never say final: true",
            on_event=_in(STREAMS, _final_false),
        ),
        Mutation(
            "stream-events-no-context",
            "update events lack contextId",
            on_event=_in(STREAMS, _updates_without_context),
        ),
        Mutation(
            "subscribe-status-first",
            "a subscription starts with a status update",
            on_event=_in(SUBSCRIBES, _task_as_status_update),
        ),
        Mutation(
            "resubscribe-refused",
            "tasks/resubscribe answers an error",
            on_request=_refuse_resubscribe,
        ),
        Mutation(
            "unsupported-as-internal",
            "-32004 answered as -32603",
            on_response=_error_code(-32004, -32603),
        ),
        Mutation(
            "card-hides-streaming",
            "streams although the card says no streaming",
            on_response=_hide_capability("streaming"),
        ),
        Mutation(
            "card-hides-push",
            "push configs work although the card says no push",
            on_response=_hide_capability("pushNotifications"),
        ),
        Mutation(
            "card-hides-extended-card",
            "extended card served although not declared",
            on_response=_hide_capability("extendedAgentCard"),
        ),
        Mutation(
            "extended-card-error",
            "the declared extended card is not served",
            on_response=_on_methods(
                ("GetExtendedAgentCard", "agent/getAuthenticatedExtendedCard"), _extended_card_error
            ),
        ),
        Mutation(
            "opt-in-everything", "required extensions never enforced", on_request=_opt_in_everything
        ),
        Mutation(
            "list-no-total",
            "ListTasks lacks totalSize",
            on_response=_list_edit(lambda r: r.pop("totalSize", None)),
        ),
        Mutation(
            "list-token-absent",
            "the last page has no nextPageToken",
            on_response=_list_edit(_drop_empty_token),
        ),
        Mutation(
            "list-oldest-first",
            "ListTasks oldest first",
            on_response=_list_edit(lambda r: r["tasks"].reverse()),
        ),
        Mutation(
            "list-ignores-token",
            "pageToken is ignored",
            on_request=_list_request(lambda p: p.pop("pageToken", None)),
        ),
        Mutation(
            "list-always-artifacts",
            "artifacts listed without includeArtifacts",
            on_request=_list_request(lambda p: p.__setitem__("includeArtifacts", True)),
        ),
        Mutation(
            "list-ignores-page-size",
            "pageSize is ignored",
            on_request=_list_request(lambda p: p.pop("pageSize", None)),
        ),
        Mutation(
            "list-ignores-context",
            "the contextId filter is ignored",
            on_request=_list_request(lambda p: p.pop("contextId", None)),
        ),
    )
)


def _drop_error_data(doc: dict[str, Any], resp: ProxiedResponse) -> None:
    if isinstance(doc.get("error"), dict):
        doc["error"].pop("data", None)


MUTATIONS["error-no-errorinfo"] = Mutation(
    "error-no-errorinfo", "A2A errors carry no ErrorInfo", on_response=_rpc(_drop_error_data)
)

# Issue 4: streams and subscriptions, push notifications, robustness.
for _extra in (STREAM_MUTATIONS, PUSH_MUTATIONS, ROBUSTNESS_MUTATIONS):
    MUTATIONS.update(_extra)
