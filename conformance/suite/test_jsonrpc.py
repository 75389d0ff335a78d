"""JSON-RPC 2.0 envelope: error codes, id echo, result/error exclusivity, content type.

Digest §2.15-2.16; v1.0 §9; v0.3 §6.11, §8.1; JSON-RPC 2.0 §5.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client.jsonrpc import RpcReply
from conformance.grading import Check
from conformance.target import Target

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602


@pytest.mark.requirement("ERR-1")
def test_parse_error_has_null_id(a2a: Target, check: Check) -> None:
    """Invalid JSON gets -32700 and ``"id": null`` (the member present, its value null)."""
    reply = a2a.rpc.post_raw(b'{"jsonrpc": "2.0", "method": "SendMessage", "id": 1, ')
    reply.expect_error(PARSE_ERROR, "a body that is not valid JSON")
    check.that(
        reply.has_id and reply.id is None,
        "a parse error response must carry id null",
        expected='"id": null',
        actual=f'"id": {reply.id!r}' if reply.has_id else "no id member",
    )


@pytest.mark.requirement("ERR-2")
def test_invalid_request(a2a: Target, check: Check) -> None:
    """JSON that is not a Request object (no ``method``; wrong ``jsonrpc``) gets -32600."""
    no_method = a2a.rpc.post_raw({"jsonrpc": "2.0", "id": 11})
    no_method.expect_error(INVALID_REQUEST, "a request without method")
    method = a2a.dialect.method("get")
    wrong_version = a2a.rpc.post_raw({"jsonrpc": "1.0", "id": 12, "method": method, "params": {}})
    wrong_version.expect_error(INVALID_REQUEST, 'a request with "jsonrpc": "1.0"')


@pytest.mark.requirement("ERR-3")
def test_method_not_found(a2a: Target, check: Check) -> None:
    """An unknown method gets -32601."""
    reply = a2a.rpc.call_method("a2a-harness/NoSuchMethod", {})
    reply.expect_error(METHOD_NOT_FOUND, "an unknown method")


@pytest.mark.requirement("ERR-4")
def test_invalid_params(a2a: Target, check: Check) -> None:
    """SendMessage whose ``message`` is not an object gets -32602."""
    method = a2a.dialect.method("send")
    reply = a2a.rpc.call_method(method or "", {"message": "not-a-message"})
    reply.expect_error(INVALID_PARAMS, "SendMessage with params.message a string")


@pytest.mark.requirement("RPC-4")
def test_id_echoed(a2a: Target, check: Check) -> None:
    """The response id equals the request id, for a string and for a number (same JSON type)."""
    method = a2a.dialect.method("get") or ""
    params = a2a.dialect.get_task_params(a2a.unknown_task_id())
    for request_id in ("a2a-harness-é-1", 4242):
        reply = a2a.rpc.call_method(method, params, request_id=request_id)
        check.that(reply.is_object, "the answer is not a JSON object", actual=reply.parse_error)
        check.that(
            reply.has_id, "the response has no id member", expected=request_id, actual=reply.doc
        )
        check.equal(reply.id, request_id, what="response id")


def _envelope_problems(reply: RpcReply) -> list[str]:
    if not reply.is_object:
        return [f"not a JSON object ({reply.parse_error or type(reply.doc).__name__})"]
    problems = []
    if reply.has_result == reply.has_error:
        problems.append(
            "has both result and error" if reply.has_result else "has neither result nor error"
        )
    if reply.has_error:
        err = reply.error
        if (
            err is None
            or not isinstance(err.get("code"), int)
            or not isinstance(err.get("message"), str)
        ):
            problems.append(f"error is not {{code: int, message: str}}: {reply.doc.get('error')!r}")
    return problems


@pytest.mark.requirement("RPC-5")
def test_result_error_exclusive(a2a: Target, check: Check) -> None:
    """A success and an error answer each carry exactly one of ``result`` and ``error``."""
    success = a2a.send_reply("message")
    failure = a2a.get_task_reply(a2a.unknown_task_id())
    problems = [f"success answer {p}" for p in _envelope_problems(success)]
    problems += [f"error answer {p}" for p in _envelope_problems(failure)]
    check.that(
        not problems, "result/error are not exclusive", expected="exactly one", actual=problems
    )


@pytest.mark.requirement("RPC-3")
def test_jsonrpc_member(a2a: Target, check: Check) -> None:
    """Every response has ``"jsonrpc": "2.0"`` (success and error)."""
    for reply in (a2a.send_reply("message"), a2a.get_task_reply(a2a.unknown_task_id())):
        check.that(reply.is_object, "the answer is not a JSON object", actual=reply.parse_error)
        check.equal(reply.doc.get("jsonrpc"), "2.0", what='"jsonrpc" member')


@pytest.mark.requirement("RPC-2")
def test_response_content_type(a2a: Target, check: Check) -> None:
    """Non-streaming responses use ``Content-Type: application/json``."""
    for reply in (a2a.send_reply("message"), a2a.get_task_reply(a2a.unknown_task_id())):
        assert reply.response is not None
        ctype = reply.response.content_type
        if ctype == "application/a2a+json":
            check.spec_ambiguous(
                "application/a2a+json on JSON-RPC (§9.1 says application/json)", item=3
            )
            continue
        check.equal(ctype, "application/json", what="response Content-Type")


@pytest.mark.requirement("ERR-12")
def test_error_data_is_typed_array(a2a: Target, check: Check) -> None:
    """A v1.0 JSON-RPC error's ``data``, when present, is an array of ``@type`` objects."""
    reply = a2a.get_task_reply(a2a.unknown_task_id())
    error = reply.expect_error(-32001, "GetTask of an unknown task")
    if "data" not in error:
        check.not_applicable("the error carries no data member to judge")
    data = error["data"]
    check.that(
        isinstance(data, list), "error.data is not an array", expected="[{@type…}]", actual=data
    )
    untyped = [d for d in data if not isinstance(d, dict) or not isinstance(d.get("@type"), str)]
    check.that(not untyped, "error.data holds objects without @type", actual=untyped)


def _error_info(error: dict[str, Any]) -> dict[str, Any] | None:
    data = error.get("data")
    for detail in data if isinstance(data, list) else []:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith(
            "google.rpc.ErrorInfo"
        ):
            return detail
    return None


@pytest.mark.requirement("ERR-11")
def test_a2a_error_carries_error_info(a2a: Target, check: Check) -> None:
    """An A2A error (TaskNotFound) details a google.rpc.ErrorInfo with its reason and domain."""
    error = a2a.get_task_reply(a2a.unknown_task_id()).expect_error(
        -32001, "GetTask of an unknown task"
    )
    info = _error_info(error)
    check.that(info is not None, "no google.rpc.ErrorInfo in error.data", actual=error.get("data"))
    assert info is not None
    check.equal(
        [info.get("reason"), info.get("domain")],
        ["TASK_NOT_FOUND", "a2a-protocol.org"],
        what="ErrorInfo reason and domain",
    )


@pytest.mark.requirement("AMBIG-19")
def test_error_info_under_errata(a2a: Target, check: Check) -> None:
    """ErrorInfo in JSON-RPC A2A errors: MUST under the 1.0.0 errata, SHOULD under 1.0.1.

    Its absence is judged as ERR-11 (SHOULD); under ``--a2a-errata 1.0.0`` it is also reported
    here as a warning, since the two errata disagree."""
    error = a2a.get_task_reply(a2a.unknown_task_id()).expect_error(
        -32001, "GetTask of an unknown task"
    )
    if _error_info(error) is None:
        if a2a.errata == "1.0.0":
            check.spec_ambiguous(
                "no ErrorInfo in error.data: required by 1.0.0, optional in 1.0.1", item=2
            )
        else:
            check.note("no ErrorInfo in error.data (allowed by the 1.0.1 errata; see ERR-11)")
