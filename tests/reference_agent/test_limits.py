"""Limits and malformed input: clear errors, never a 500, never a hang, the agent keeps serving."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import STRICT_LIMITS
from .rpc import Rpc, msg03, msg10


def _padded_request(size: int) -> bytes:
    message = msg10("echo")
    message["metadata"] = {"pad": "x" * size}
    return orjson.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": {"message": message}}
    )


def test_body_over_the_limit_is_413(rpc_strict: Rpc) -> None:
    body = _padded_request(STRICT_LIMITS["max_body_bytes"])
    response = rpc_strict.post(None, raw=body)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == -32600
    assert str(STRICT_LIMITS["max_body_bytes"]) in error["message"]


def test_chunked_body_over_the_limit_is_413(rpc_strict: Rpc) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(64):  # 64 KiB, sent without a Content-Length
            yield b" " * 1024

    response = rpc_strict.http.post(
        rpc_strict.url,
        content=chunks(),
        headers={"Content-Type": "application/json", "A2A-Version": "1.0"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == -32600


def test_body_under_the_limit_is_served(rpc_strict: Rpc) -> None:
    response = rpc_strict.post(None, raw=_padded_request(1000))
    assert response.status_code == 200
    assert response.json()["result"]["task"]["status"]["state"] == "TASK_STATE_COMPLETED"


def test_too_many_parts_is_invalid_params(rpc_strict: Rpc) -> None:
    message = msg10("echo")
    message["parts"] = [{"text": str(i)} for i in range(STRICT_LIMITS["max_parts"] + 1)]
    error = rpc_strict.error("SendMessage", {"message": message})
    assert error["code"] == -32602
    assert "parts" in error["message"]


def test_message_over_the_size_limit_is_invalid_params(rpc_strict: Rpc) -> None:
    message = msg03("echo " + "y" * STRICT_LIMITS["max_message_bytes"])
    error = rpc_strict.error("message/send", {"message": message}, version=None)
    assert error["code"] == -32602
    assert not isinstance(error.get("data"), list)


@pytest.mark.parametrize(
    ("part", "fragment"),
    [
        ({}, "params.message.parts[0]: expected one of text|raw|url|data"),
        ({"text": "a", "url": "https://x"}, "params.message.parts[0]: expected exactly one"),
        ({"text": 5}, "params.message.parts[0].text: expected a string, got number"),
        ({"raw": "@@not base64@@"}, "params.message.parts[0].raw: invalid base64"),
        ({"url": ""}, "params.message.parts[0].url"),
        (
            {"text": "x", "metadata": []},
            "params.message.parts[0].metadata: expected an object, got array",
        ),
        ("text", "params.message.parts[0]: expected an object, got string"),
    ],
)
def test_malformed_v10_parts_name_the_field(rpc: Rpc, part: Any, fragment: str) -> None:
    message = msg10("echo")
    message["parts"] = [part]
    error = rpc.error("SendMessage", {"message": message})
    assert error["code"] == -32602
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("message", "fragment"),
    [
        ({"role": "ROLE_USER", "parts": [{"text": "x"}]}, "params.message.messageId: is required"),
        (
            {"messageId": "", "role": "ROLE_USER", "parts": [{"text": "x"}]},
            "messageId: must not be empty",
        ),
        ({"messageId": "m", "role": "user", "parts": [{"text": "x"}]}, "params.message.role"),
        (
            {"messageId": "m", "role": "ROLE_USER", "parts": []},
            "parts: must contain at least one part",
        ),
        ({"messageId": "m", "role": "ROLE_USER"}, "params.message.parts: is required"),
        (
            {"messageId": "m", "role": "ROLE_USER", "parts": {}},
            "parts: expected an array, got object",
        ),
        (
            {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "x"}], "taskId": 3},
            "taskId: expected a string",
        ),
    ],
)
def test_malformed_v10_messages_name_the_field(
    rpc: Rpc, message: dict[str, Any], fragment: str
) -> None:
    error = rpc.error("SendMessage", {"message": message})
    assert error["code"] == -32602
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("configuration", "fragment"),
    [
        ({"returnImmediately": "yes"}, "returnImmediately: expected a boolean"),
        ({"historyLength": -1}, "historyLength: must be >= 0"),
        ({"historyLength": True}, "historyLength: expected an integer"),
        ({"acceptedOutputModes": [1]}, "acceptedOutputModes[0]: expected a string"),
        (
            {"taskPushNotificationConfig": {"url": "https://e.com", "authentication": {}}},
            "authentication.scheme: is required",
        ),
    ],
)
def test_malformed_configuration_names_the_field(
    rpc: Rpc, configuration: dict[str, Any], fragment: str
) -> None:
    error = rpc.error("SendMessage", {"message": msg10("echo"), "configuration": configuration})
    assert error["code"] == -32602
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("part", "fragment"),
    [
        ({"text": "x"}, "parts[0].kind: is required"),
        ({"kind": "image", "text": "x"}, "parts[0].kind: expected one of text|file|data"),
        (
            {"kind": "file", "file": {"bytes": "aGk=", "uri": "https://x"}},
            "parts[0].file: expected exactly one of bytes|uri",
        ),
        ({"kind": "file", "file": {"bytes": "%%%"}}, "parts[0].file.bytes: invalid base64"),
        ({"kind": "data", "data": [1, 2]}, "parts[0].data: expected an object, got array"),
    ],
)
def test_malformed_v03_parts_name_the_field(rpc: Rpc, part: dict[str, Any], fragment: str) -> None:
    message = msg03("echo")
    message["parts"] = [part]
    error = rpc.error("message/send", {"message": message}, version=None)
    assert error["code"] == -32602
    assert fragment in error["message"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(
        [
            "SendMessage",
            "GetTask",
            "ListTasks",
            "CancelTask",
            "CreateTaskPushNotificationConfig",
            "message/send",
            "tasks/get",
            "tasks/pushNotificationConfig/set",
            "Nope",
        ]
    ),
    params=json_values,
    version=st.sampled_from(["1.0", None]),
)
def test_arbitrary_params_never_crash_the_agent(
    rpc: Rpc, method: str, params: Any, version: str | None
) -> None:
    response = rpc.post(
        {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, version=version
    )
    assert response.status_code == 200, response.text
    body = response.json()
    if "error" in body:
        assert body["error"]["code"] in (-32600, -32601, -32602, -32001, -32004), body
        assert body["error"]["code"] != -32603


def test_agent_is_still_healthy_after_the_abuse(rpc: Rpc, rpc_strict: Rpc) -> None:
    for client in (rpc, rpc_strict):
        assert client.http.get(client.url + "healthz").status_code == 200
        assert "task" in client.result("SendMessage", {"message": msg10("echo ok")})
