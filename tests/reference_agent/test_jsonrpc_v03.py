"""Every A2A v0.3 JSON-RPC method over real HTTP, with v0.3 shapes (a2a.json, digest §3).

No ``A2A-Version`` header is sent (VER-4: absent means 0.3), except where a test says so.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from .rpc import Rpc, msg03

V03 = {"version": None}
STATES_03 = {
    "submitted",
    "working",
    "input-required",
    "auth-required",
    "completed",
    "failed",
    "canceled",
    "rejected",
}


def send(rpc: Rpc, text: str, **params: Any) -> dict[str, Any]:
    return rpc.result("message/send", {"message": msg03(text), **params}, **V03)


def test_message_send_returns_a_bare_task_with_kind(rpc: Rpc) -> None:
    task = send(rpc, "echo hi")
    assert task["kind"] == "task"
    assert task["status"]["state"] == "completed"
    assert task["contextId"] and task["id"]
    [artifact] = task["artifacts"]
    assert artifact["parts"] == [{"kind": "text", "text": "echo hi"}]
    assert task["history"][0]["kind"] == "message"
    assert task["history"][0]["role"] == "user"


@pytest.mark.parametrize("version", ["0.3", "0.3.0", ""])
def test_explicit_03_versions_select_the_v03_dialect(rpc: Rpc, version: str) -> None:
    task = rpc.result("message/send", {"message": msg03("echo v")}, version=version)
    assert task["kind"] == "task"


def test_message_behaviour_returns_a_bare_message(rpc: Rpc) -> None:
    message = send(rpc, "message hello")
    assert message["kind"] == "message"
    assert message["role"] == "agent"
    assert message["contextId"]


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("fail", "failed"),
        ("reject", "rejected"),
        ("input-required", "input-required"),
        ("auth-required", "auth-required"),
    ],
)
def test_states_are_lower_case(rpc: Rpc, text: str, state: str) -> None:
    task = send(rpc, text)
    assert task["status"]["state"] == state
    assert task["status"]["state"] in STATES_03


def test_file_and_data_parts_use_the_v03_union(rpc: Rpc) -> None:
    data = send(rpc, "data x")["artifacts"][0]["parts"][0]
    assert data == {"kind": "data", "data": {"echo": "data x"}}
    parts = [p for a in send(rpc, "file abc")["artifacts"] for p in a["parts"]]
    files = [p["file"] for p in parts if p["kind"] == "file"]
    with_bytes = next(f for f in files if "bytes" in f)
    assert base64.b64decode(with_bytes["bytes"]) == b"file abc"
    assert with_bytes["mimeType"] == "text/plain"
    assert any("uri" in f for f in files)


def test_file_part_input_round_trips(rpc: Rpc) -> None:
    message = msg03("echo with file")
    message["parts"].append(
        {"kind": "file", "file": {"bytes": "aGVsbG8=", "mimeType": "text/plain", "name": "h.txt"}}
    )
    message["parts"].append(
        {"kind": "file", "file": {"uri": "https://example.com/a.png", "mimeType": "image/png"}}
    )
    message["parts"].append({"kind": "data", "data": {"k": [1, 2]}})
    task = rpc.result("message/send", {"message": message}, **V03)
    assert task["history"][0]["parts"][1:] == message["parts"][1:]


def test_non_blocking_get_and_cancel(rpc: Rpc) -> None:
    task = send(rpc, "slow 30", configuration={"blocking": False})
    assert task["status"]["state"] in ("submitted", "working")
    assert rpc.result("tasks/get", {"id": task["id"]}, **V03)["kind"] == "task"
    canceled = rpc.result("tasks/cancel", {"id": task["id"]}, **V03)
    assert canceled["status"]["state"] == "canceled"
    error = rpc.error("tasks/cancel", {"id": task["id"]}, **V03)
    assert error["code"] == -32002
    assert not isinstance(error.get("data"), list)


def test_history_length(rpc: Rpc) -> None:
    task = send(rpc, "input-required")
    rpc.result("message/send", {"message": msg03("more", taskId=task["id"])}, **V03)
    assert (
        len(rpc.result("tasks/get", {"id": task["id"], "historyLength": 1}, **V03)["history"]) == 1
    )
    # v0.3 leaves 0 undefined; like the v0.3 SDK, it means "no limit".
    assert (
        len(rpc.result("tasks/get", {"id": task["id"], "historyLength": 0}, **V03)["history"]) >= 2
    )


def test_unknown_task_errors_have_free_form_data(rpc: Rpc) -> None:
    error = rpc.error("tasks/get", {"id": "nope"}, **V03)
    assert error["code"] == -32001
    assert "data" not in error or isinstance(error["data"], dict)


def test_push_config_set_get_list_delete_in_nested_shape(rpc: Rpc) -> None:
    task = send(rpc, "input-required")
    params = {
        "taskId": task["id"],
        "pushNotificationConfig": {
            "url": "http://127.0.0.1:9/hook03",
            "token": "tok-03",
            "authentication": {"schemes": ["Bearer"], "credentials": "cred-03"},
        },
    }
    created = rpc.result("tasks/pushNotificationConfig/set", params, **V03)
    inner = created["pushNotificationConfig"]
    assert created["taskId"] == task["id"] and inner["id"]
    assert inner["authentication"] == {"schemes": ["Bearer"], "credentials": "cred-03"}
    assert "url" not in created  # nested, not flattened

    config_id = inner["id"]
    got = rpc.result(
        "tasks/pushNotificationConfig/get",
        {"id": task["id"], "pushNotificationConfigId": config_id},
        **V03,
    )
    assert got == created
    # v0.3 lets the config id be omitted: the task's config.
    assert rpc.result("tasks/pushNotificationConfig/get", {"id": task["id"]}, **V03) == created
    assert rpc.result("tasks/pushNotificationConfig/list", {"id": task["id"]}, **V03) == [created]
    deleted = rpc.call(
        "tasks/pushNotificationConfig/delete",
        {"id": task["id"], "pushNotificationConfigId": config_id},
        **V03,
    )
    assert deleted["result"] is None
    assert rpc.result("tasks/pushNotificationConfig/list", {"id": task["id"]}, **V03) == []


def test_authenticated_extended_card_is_v03_shaped(rpc: Rpc) -> None:
    card = rpc.result("agent/getAuthenticatedExtendedCard", **V03)
    assert card["protocolVersion"] == "0.3.0"
    assert card["preferredTransport"] == "JSONRPC"
    assert card["url"].startswith("http://127.0.0.1:")
    assert card["supportsAuthenticatedExtendedCard"] is True
    assert "supportedInterfaces" not in card
    assert "extendedAgentCard" not in card["capabilities"]
    assert "extended-info" in {s["id"] for s in card["skills"]}
    for key in (
        "name",
        "description",
        "version",
        "capabilities",
        "defaultInputModes",
        "defaultOutputModes",
        "skills",
    ):
        assert key in card


def test_list_tasks_does_not_exist_in_v03(rpc: Rpc) -> None:
    error = rpc.error("ListTasks", {}, **V03)
    assert error["code"] == -32601
    assert "A2A-Version: 1.0" in error["message"]
    error = rpc.error("tasks/list", {}, **V03)
    assert error["code"] == -32601


def test_v10_shapes_are_rejected_by_the_v03_dialect(rpc: Rpc) -> None:
    v10_message = {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "hi"}]}
    error = rpc.error("message/send", {"message": v10_message}, **V03)
    assert error["code"] == -32602
    assert "params.message.role" in error["message"]


def test_v03_extensions_use_the_x_header(rpc_ext: Rpc) -> None:
    from .conftest import REQUIRED_EXTENSION

    payload = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "message/send",
        "params": {"message": msg03("echo")},
    }
    response = rpc_ext.post(payload, version=None, headers={"X-A2A-Extensions": REQUIRED_EXTENSION})
    assert response.json()["result"]["kind"] == "task"
    assert response.headers["x-a2a-extensions"] == REQUIRED_EXTENSION
    # The v1.0 header does not activate anything for a v0.3 request.
    response = rpc_ext.post(payload, version=None, headers={"A2A-Extensions": REQUIRED_EXTENSION})
    assert response.json()["error"]["code"] == -32008
