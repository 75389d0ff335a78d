"""JSON-RPC 2.0 envelope, version negotiation and method errors over real HTTP.

Every malformed request must get the right JSON-RPC error (never a 500, never a hang), with the
id echoed when it could be read and ``null`` when it could not.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import httpx
import orjson
import pytest

from reference_agent.app import A2AApp
from reference_agent.config import AgentSettings

from .rpc import Rpc, msg03, msg10

ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"


def error_of(response: httpx.Response, status: int = 200) -> tuple[Any, dict[str, Any]]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["jsonrpc"] == "2.0" and "result" not in body
    return body["id"], body["error"]


@pytest.mark.parametrize(
    "raw", [b"{", b"", b"not json", b'{"jsonrpc": "2.0",}', b"\xff\xfe{}", b"[" * 5000]
)
def test_parse_error_has_null_id(rpc: Rpc, raw: bytes) -> None:
    rid, error = error_of(rpc.post(None, raw=raw))
    assert rid is None
    assert error["code"] == -32700


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ([], "batch"),
        ([{"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}}], "batch"),
        ("a string", "string"),
        (42, "number"),
        (None, "null"),
    ],
)
def test_non_object_requests_are_invalid_with_null_id(
    rpc: Rpc, payload: Any, fragment: str
) -> None:
    rid, error = error_of(rpc.post(payload))
    assert rid is None
    assert error["code"] == -32600
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"id": 7, "method": "GetTask"}, "jsonrpc"),
        ({"jsonrpc": "1.0", "id": 7, "method": "GetTask"}, "jsonrpc"),
        ({"jsonrpc": 2.0, "id": 7, "method": "GetTask"}, "jsonrpc"),
        ({"jsonrpc": "2.0", "id": 7}, "method"),
        ({"jsonrpc": "2.0", "id": 7, "method": 12}, "method"),
        ({"jsonrpc": "2.0", "id": 7, "method": ""}, "method"),
    ],
)
def test_invalid_request_echoes_a_valid_id(
    rpc: Rpc, payload: dict[str, Any], fragment: str
) -> None:
    rid, error = error_of(rpc.post(payload))
    assert rid == 7
    assert error["code"] == -32600
    assert fragment in error["message"]


@pytest.mark.parametrize("bad_id", [{"a": 1}, [1], True])
def test_id_of_the_wrong_type_is_invalid_with_null_id(rpc: Rpc, bad_id: Any) -> None:
    rid, error = error_of(rpc.post({"jsonrpc": "2.0", "id": bad_id, "method": "GetTask"}))
    assert rid is None
    assert error["code"] == -32600


@pytest.mark.parametrize("rid", ["abc", "", 0, -5, 2**53, 1.5, None])
def test_ids_are_echoed_exactly(rpc: Rpc, rid: Any) -> None:
    body = rpc.call("GetTask", {"id": "unknown-task"}, rid=rid)
    assert body["id"] == rid and type(body["id"]) is type(rid)


def test_unknown_method_is_method_not_found(rpc: Rpc) -> None:
    assert rpc.error("DoSomething", {})["code"] == -32601
    assert rpc.error("DoSomething", {}, version=None)["code"] == -32601


def test_methods_of_the_other_version_are_not_found_with_a_hint(rpc: Rpc) -> None:
    error = rpc.error("message/send", {"message": msg03("x")}, version="1.0")
    assert error["code"] == -32601
    assert "0.3" in error["message"]
    error = rpc.error("SendMessage", {"message": msg10("x")}, version=None)
    assert error["code"] == -32601
    assert "A2A-Version: 1.0" in error["message"]


@pytest.mark.parametrize("params", [[1, 2], "x", 3])
def test_params_must_be_an_object(rpc: Rpc, params: Any) -> None:
    error = rpc.error("GetTask", params)
    assert error["code"] == -32602
    assert "params" in error["message"]


def test_missing_params_name_the_required_field(rpc: Rpc) -> None:
    error = rpc.error("SendMessage")
    assert error["code"] == -32602
    assert "params.message" in error["message"]


@pytest.mark.parametrize("version", ["2.0", "1", "latest", "1.1", "0.2.5"])
def test_unsupported_version_is_32009_with_supported_versions(rpc: Rpc, version: str) -> None:
    error = rpc.error("GetTask", {"id": "x"}, version=version)
    assert error["code"] == -32009
    [info] = [d for d in error["data"] if d["@type"] == ERROR_INFO]
    assert info["reason"] == "VERSION_NOT_SUPPORTED"
    assert set(info["metadata"]["supportedVersions"].split(",")) == {"1.0", "0.3"}


def test_patch_versions_do_not_affect_negotiation(rpc: Rpc) -> None:
    result = rpc.result("SendMessage", {"message": msg10("echo p")}, version="1.0.1")
    assert "task" in result


def test_version_may_come_from_the_query_string(rpc: Rpc) -> None:
    payload = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "SendMessage",
        "params": {"message": msg10("echo q")},
    }
    response = rpc.http.post(
        rpc.url + "?A2A-Version=1.0",
        content=orjson.dumps(payload),
        headers={"Content-Type": "application/json"},
    )
    assert "task" in response.json()["result"]
    # The header wins over the query parameter.
    response = rpc.http.post(
        rpc.url + "?A2A-Version=1.0",
        content=orjson.dumps(payload),
        headers={"Content-Type": "application/json", "A2A-Version": "0.3"},
    )
    assert response.json()["error"]["code"] == -32601


def test_notification_runs_the_method_and_gets_no_body(rpc: Rpc) -> None:
    context = f"ctx-{uuid.uuid4()}"
    payload = {
        "jsonrpc": "2.0",
        "method": "SendMessage",
        "params": {"message": msg10("echo n", contextId=context)},
    }
    response = rpc.post(payload)
    assert response.status_code == 204
    assert response.content == b""
    listed = rpc.result("ListTasks", {"contextId": context})
    assert listed["totalSize"] == 1


def test_failing_notification_gets_no_body_either(rpc: Rpc) -> None:
    response = rpc.post({"jsonrpc": "2.0", "method": "NoSuchMethod"})
    assert response.status_code == 204 and response.content == b""


def test_get_on_the_rpc_endpoint_is_405(rpc: Rpc) -> None:
    response = rpc.http.get(rpc.url)
    _, error = error_of(response, 405)
    assert response.headers["allow"] == "POST"
    assert error["code"] == -32600


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_wrong_content_type_is_415_with_a_clear_message(rpc: Rpc, content_type: str) -> None:
    payload = {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}}
    response = rpc.post(payload, headers={"Content-Type": content_type})
    _, error = error_of(response, 415)
    assert error["code"] == -32600
    assert content_type in error["message"]


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/a2a+json"]
)
def test_json_content_types_are_accepted(rpc: Rpc, content_type: str) -> None:
    payload = {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}}
    response = rpc.post(payload, headers={"Content-Type": content_type})
    assert response.json()["error"]["code"] == -32001


def test_unknown_paths_are_json_404(rpc: Rpc) -> None:
    response = rpc.http.get(rpc.url + "no/such/path")
    assert response.status_code == 404
    assert response.json()["error"] == "not found"


def test_health_endpoints(rpc: Rpc) -> None:
    assert rpc.http.get(rpc.url + "healthz").json() == {"status": "ok"}
    assert rpc.http.get(rpc.url + "readyz").status_code == 200


# -- unexpected exceptions (in-process: a service that breaks on purpose) -----------------------
class _BrokenService:
    async def get_task(self, task_id: str, history_length: int | None, ctx: Any) -> Any:
        raise RuntimeError("database password=hunter2 leaked in exception text")


async def _asgi_post(
    app: A2AApp, body: bytes, headers: list[tuple[bytes, bytes]]
) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else await asyncio.Future()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers, "query_string": b""}
    await asyncio.wait_for(app(scope, receive, send), timeout=5)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def test_unexpected_exception_is_32603_without_details(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = A2AApp(AgentSettings(), _BrokenService())  # type: ignore[arg-type]
    payload = orjson.dumps({"jsonrpc": "2.0", "id": 9, "method": "GetTask", "params": {"id": "t"}})
    with caplog.at_level(logging.ERROR, logger="reference_agent.jsonrpc"):
        status, body = await _asgi_post(app, payload, [(b"a2a-version", b"1.0")])
    assert status == 200
    response = orjson.loads(body)
    assert response == {
        "jsonrpc": "2.0",
        "id": 9,
        "error": {"code": -32603, "message": "Internal error"},
    }
    assert "hunter2" not in body.decode()
    assert any(r.exc_info for r in caplog.records), "the stack trace must reach the log"
