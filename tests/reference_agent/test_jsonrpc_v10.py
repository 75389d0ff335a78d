"""Every A2A v1.0 JSON-RPC method over real HTTP, with v1.0 shapes (digest §2.12, §2.14, §2.16)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest

from .rpc import TIMESTAMP, Rpc, assert_clean_json, msg10

ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


def send(rpc: Rpc, text: str, **params: Any) -> dict[str, Any]:
    return rpc.result("SendMessage", {"message": msg10(text), **params})


def error_info(error: dict[str, Any]) -> dict[str, Any]:
    infos = [d for d in error.get("data", []) if d.get("@type") == ERROR_INFO]
    assert len(infos) == 1, error
    assert infos[0]["domain"] == "a2a-protocol.org"
    assert all(isinstance(v, str) for v in infos[0]["metadata"].values())
    return infos[0]


def test_send_message_echo_returns_a_completed_task_in_v10_shape(rpc: Rpc) -> None:
    result = send(rpc, "echo hello there")
    assert set(result) == {"task"}
    task = result["task"]
    assert_clean_json(task)
    assert "kind" not in task
    assert task["status"]["state"] == "TASK_STATE_COMPLETED"
    assert TIMESTAMP.match(task["status"]["timestamp"])
    assert task["contextId"]
    [artifact] = task["artifacts"]
    assert artifact["parts"] == [{"text": "echo hello there"}]
    user = task["history"][0]
    assert user["role"] == "ROLE_USER"
    assert user["parts"] == [{"text": "echo hello there"}]


def test_message_behaviour_returns_a_message_with_context_id(rpc: Rpc) -> None:
    result = send(rpc, "message hi")
    assert set(result) == {"message"}
    message = result["message"]
    assert_clean_json(message)
    assert message["role"] == "ROLE_AGENT"
    assert message["contextId"]
    assert "taskId" not in message
    assert message["parts"] and "text" in message["parts"][0]


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("fail", "TASK_STATE_FAILED"),
        ("reject", "TASK_STATE_REJECTED"),
        ("input-required", "TASK_STATE_INPUT_REQUIRED"),
        ("auth-required", "TASK_STATE_AUTH_REQUIRED"),
        ("complete 2", "TASK_STATE_COMPLETED"),
    ],
)
def test_blocking_send_returns_terminal_or_interrupted_states(
    rpc: Rpc, text: str, state: str
) -> None:
    task = send(rpc, text)["task"]
    assert task["status"]["state"] == state
    if state in ("TASK_STATE_FAILED", "TASK_STATE_AUTH_REQUIRED", "TASK_STATE_INPUT_REQUIRED"):
        status_message = task["status"]["message"]
        assert status_message["role"] == "ROLE_AGENT"
        assert status_message["parts"][0]["text"]


def test_chunked_artifact_is_reassembled_in_the_task(rpc: Rpc) -> None:
    task = send(rpc, "complete 3")["task"]
    [artifact] = task["artifacts"]
    assert len(artifact["parts"]) == 3


def test_data_and_file_parts_use_v10_part_members(rpc: Rpc) -> None:
    data_task = send(rpc, "data payload")["task"]
    [data_part] = data_task["artifacts"][0]["parts"]
    assert set(data_part) - {"mediaType", "metadata"} == {"data"}
    assert data_part["data"] == {"echo": "data payload"}

    file_task = send(rpc, "file content")["task"]
    parts = [p for a in file_task["artifacts"] for p in a["parts"]]
    raw = next(p for p in parts if "raw" in p)
    assert base64.b64decode(raw["raw"]) == b"file content"
    assert raw["mediaType"] == "text/plain"
    assert any("url" in p for p in parts)
    assert all("kind" not in p and "file" not in p for p in parts)


def test_raw_part_input_is_accepted_as_base64(rpc: Rpc) -> None:
    message = msg10("echo x")
    message["parts"].append(
        {
            "raw": base64.b64encode(b"\x00\x01binary").decode(),
            "mediaType": "application/octet-stream",
            "filename": "b.bin",
        }
    )
    task = rpc.result("SendMessage", {"message": message})["task"]
    stored = task["history"][0]["parts"][1]
    assert stored == {
        "raw": "AAFiaW5hcnk=",
        "mediaType": "application/octet-stream",
        "filename": "b.bin",
    }


def test_input_required_then_follow_up_completes(rpc: Rpc) -> None:
    task = send(rpc, "input-required")["task"]
    follow = msg10("here is the input", taskId=task["id"], contextId=task["contextId"])
    done = rpc.result("SendMessage", {"message": follow})["task"]
    assert done["id"] == task["id"]
    assert done["status"]["state"] == "TASK_STATE_COMPLETED"
    roles = [m["role"] for m in done["history"]]
    assert roles.count("ROLE_USER") == 2


def test_non_blocking_send_get_and_cancel(rpc: Rpc) -> None:
    task = send(rpc, "slow 30", configuration={"returnImmediately": True})["task"]
    assert task["status"]["state"] in ("TASK_STATE_SUBMITTED", "TASK_STATE_WORKING")

    fetched = rpc.result("GetTask", {"id": task["id"]})
    assert fetched["id"] == task["id"]
    assert "kind" not in fetched

    canceled = rpc.result("CancelTask", {"id": task["id"]})
    assert canceled["status"]["state"] == "TASK_STATE_CANCELED"
    assert rpc.result("GetTask", {"id": task["id"]})["status"]["state"] == "TASK_STATE_CANCELED"

    again = rpc.error("CancelTask", {"id": task["id"]})
    assert again["code"] == -32002
    assert error_info(again)["reason"] == "TASK_NOT_CANCELABLE"


def test_get_task_history_length(rpc: Rpc) -> None:
    task = send(rpc, "input-required")["task"]
    rpc.result("SendMessage", {"message": msg10("more", taskId=task["id"])})
    full = rpc.result("GetTask", {"id": task["id"]})
    assert len(full["history"]) >= 2
    assert "history" not in rpc.result("GetTask", {"id": task["id"], "historyLength": 0})
    assert len(rpc.result("GetTask", {"id": task["id"], "historyLength": 1})["history"]) == 1


def test_unknown_task_is_task_not_found_with_error_info(rpc: Rpc) -> None:
    for method in ("GetTask", "CancelTask"):
        error = rpc.error(method, {"id": "no-such-task"})
        assert error["code"] == -32001
        assert error_info(error)["reason"] == "TASK_NOT_FOUND"


def test_message_to_unknown_task_is_task_not_found(rpc: Rpc) -> None:
    error = rpc.error("SendMessage", {"message": msg10("hi", taskId=str(uuid.uuid4()))})
    assert error["code"] == -32001


def test_message_to_terminal_task_is_unsupported_operation(rpc: Rpc) -> None:
    task = send(rpc, "echo done")["task"]
    error = rpc.error("SendMessage", {"message": msg10("again", taskId=task["id"])})
    assert error["code"] == -32004
    assert error_info(error)["reason"] == "UNSUPPORTED_OPERATION"


def test_list_tasks_filters_pages_and_omits_artifacts(rpc: Rpc) -> None:
    context = send(rpc, "echo one")["task"]["contextId"]
    for text in ("echo two", "fail"):
        rpc.result("SendMessage", {"message": msg10(text, contextId=context)})

    page1 = rpc.result("ListTasks", {"contextId": context, "pageSize": 2})
    assert set(page1) == {"tasks", "nextPageToken", "pageSize", "totalSize"}
    assert page1["pageSize"] == 2 and page1["totalSize"] == 3
    assert len(page1["tasks"]) == 2 and page1["nextPageToken"]
    assert all("artifacts" not in t for t in page1["tasks"])
    page2 = rpc.result(
        "ListTasks", {"contextId": context, "pageSize": 2, "pageToken": page1["nextPageToken"]}
    )
    assert len(page2["tasks"]) == 1 and page2["nextPageToken"] == ""
    ids = [t["id"] for t in page1["tasks"] + page2["tasks"]]
    assert len(set(ids)) == 3
    stamps = [t["status"]["timestamp"] for t in page1["tasks"] + page2["tasks"]]
    assert stamps == sorted(stamps, reverse=True)

    failed = rpc.result("ListTasks", {"contextId": context, "status": "TASK_STATE_FAILED"})
    assert [t["status"]["state"] for t in failed["tasks"]] == ["TASK_STATE_FAILED"]
    with_artifacts = rpc.result("ListTasks", {"contextId": context, "includeArtifacts": True})
    assert any("artifacts" in t for t in with_artifacts["tasks"])
    after = rpc.result(
        "ListTasks", {"contextId": context, "statusTimestampAfter": "2999-01-01T00:00:00Z"}
    )
    assert after["tasks"] == [] and after["totalSize"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pageSize": 0}, "pageSize"),
        ({"pageSize": 101}, "pageSize"),
        ({"status": "TASK_STATE_BOGUS"}, "status"),
        ({"statusTimestampAfter": "yesterday"}, "statusTimestampAfter"),
        ({"pageToken": "not-a-cursor"}, "pageToken"),
    ],
)
def test_list_tasks_rejects_bad_params(rpc: Rpc, params: dict[str, Any], field: str) -> None:
    error = rpc.error("ListTasks", params)
    assert error["code"] == -32602
    assert field in error["message"]


def test_push_config_crud_in_flattened_shape(rpc: Rpc) -> None:
    task = send(rpc, "slow 30", configuration={"returnImmediately": True})["task"]
    created = rpc.result(
        "CreateTaskPushNotificationConfig",
        {
            "taskId": task["id"],
            "url": "http://127.0.0.1:9/hook",
            "token": "tok-1",
            "authentication": {"scheme": "Bearer", "credentials": "secret-1"},
        },
    )
    assert_clean_json(created)
    assert created["taskId"] == task["id"] and created["id"]
    assert created["authentication"] == {"scheme": "Bearer", "credentials": "secret-1"}
    assert "pushNotificationConfig" not in created

    got = rpc.result("GetTaskPushNotificationConfig", {"taskId": task["id"], "id": created["id"]})
    assert got == created
    listed = rpc.result("ListTaskPushNotificationConfigs", {"taskId": task["id"]})
    assert listed["configs"] == [created]
    assert listed.get("nextPageToken", "") == ""

    assert (
        rpc.result("DeleteTaskPushNotificationConfig", {"taskId": task["id"], "id": created["id"]})
        == {}
    )
    # Delete is idempotent (v1.0 §3.1.10).
    assert (
        rpc.result("DeleteTaskPushNotificationConfig", {"taskId": task["id"], "id": created["id"]})
        == {}
    )
    assert rpc.result("ListTaskPushNotificationConfigs", {"taskId": task["id"]})["configs"] == []
    missing = rpc.error(
        "GetTaskPushNotificationConfig", {"taskId": task["id"], "id": created["id"]}
    )
    assert missing["code"] == -32001
    rpc.result("CancelTask", {"id": task["id"]})


def test_push_config_needs_an_http_url(rpc: Rpc) -> None:
    task = send(rpc, "input-required")["task"]
    error = rpc.error(
        "CreateTaskPushNotificationConfig", {"taskId": task["id"], "url": "ftp://example.com/x"}
    )
    assert error["code"] == -32602
    violations = next(d for d in error["data"] if d["@type"] == BAD_REQUEST)["fieldViolations"]
    assert violations[0]["field"] == "url"


def test_extended_card_is_v10_shaped(rpc: Rpc) -> None:
    card = rpc.result("GetExtendedAgentCard")
    assert card["supportedInterfaces"][0]["protocolVersion"] == "1.0"
    assert "extended-info" in {s["id"] for s in card["skills"]}
    assert card["capabilities"]["extendedAgentCard"] is True


def test_tenant_is_passed_through_and_scopes_tasks(rpc: Rpc) -> None:
    task = rpc.result("SendMessage", {"tenant": "acme", "message": msg10("echo tenant")})["task"]
    assert rpc.result("GetTask", {"tenant": "acme", "id": task["id"]})["id"] == task["id"]
    assert rpc.error("GetTask", {"id": task["id"]})["code"] == -32001
    assert rpc.error("GetTask", {"tenant": "other", "id": task["id"]})["code"] == -32001


def test_context_id_mismatch_is_invalid_params(rpc: Rpc) -> None:
    task = send(rpc, "input-required")["task"]
    error = rpc.error("SendMessage", {"message": msg10("x", taskId=task["id"], contextId="wrong")})
    assert error["code"] == -32602


def test_required_extension_missing_is_32008(rpc_ext: Rpc) -> None:
    error = rpc_ext.error("SendMessage", {"message": msg10("echo")})
    assert error["code"] == -32008
    assert error_info(error)["reason"] == "EXTENSION_SUPPORT_REQUIRED"


def test_requested_extensions_are_activated_and_echoed(rpc_ext: Rpc) -> None:
    from .conftest import REQUIRED_EXTENSION

    payload = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "SendMessage",
        "params": {"message": msg10("echo")},
    }
    header = f"{REQUIRED_EXTENSION}, urn:not-supported:ext"
    response = rpc_ext.post(payload, headers={"A2A-Extensions": header})
    assert "task" in response.json()["result"]
    # Only the extensions the agent supports are echoed as activated.
    assert response.headers["a2a-extensions"] == REQUIRED_EXTENSION
