"""Push notifications delivered to a real loopback webhook receiver, per protocol version.

v1.0 (§4.3.3): each POST is a StreamResponse, ``Content-Type: application/a2a+json``,
``Authorization: {scheme} {credentials}``. v0.3: each POST is the Task, with the config's token in
``X-A2A-Notification-Token``. Credentials must never show up in the agent's logs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fixtures.agent_process import AgentProcess
from fixtures.webhook_receiver import WebhookReceiver

from .rpc import Rpc, msg03, msg10

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture(scope="module")
def hooks() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


def test_v10_inline_config_delivers_stream_responses(
    rpc: Rpc, agent: AgentProcess, hooks: WebhookReceiver
) -> None:
    url = hooks.webhook_url("v10-inline")
    config = {
        "url": url,
        "token": "tok-v10",
        "authentication": {"scheme": "Bearer", "credentials": "s3cret-v10"},
    }
    task = rpc.result(
        "SendMessage",
        {"message": msg10("complete 2"), "configuration": {"taskPushNotificationConfig": config}},
        headers={"traceparent": TRACEPARENT},
    )["task"]
    assert task["status"]["state"] == "TASK_STATE_COMPLETED"

    notes = hooks.wait_for(
        1,
        path="/v10-inline",
        timeout=15,
        predicate=lambda n: (
            n.json is not None
            and n.json.get("statusUpdate", {}).get("status", {}).get("state")
            == "TASK_STATE_COMPLETED"
        ),
    )
    notes = hooks.matching(path="/v10-inline")
    for note in notes:
        assert note.headers["content-type"] == "application/a2a+json"
        assert note.headers["authorization"] == "Bearer s3cret-v10"
        assert note.json is not None and len(note.json) == 1
        assert next(iter(note.json)) in ("task", "statusUpdate", "artifactUpdate")
        assert note.task_id == task["id"]
        assert note.headers["traceparent"].split("-")[1] == TRACEPARENT.split("-")[1]
    kinds = [next(iter(n.json)) for n in notes]
    assert kinds.count("artifactUpdate") == 2
    states = [n.json["statusUpdate"]["status"]["state"] for n in notes if "statusUpdate" in n.json]
    assert states[-1] == "TASK_STATE_COMPLETED"
    assert "s3cret-v10" not in agent.log_path.read_text(encoding="utf-8")


def test_v03_config_delivers_tasks_with_the_token(
    rpc: Rpc, agent: AgentProcess, hooks: WebhookReceiver
) -> None:
    task = rpc.result("message/send", {"message": msg03("input-required")}, version=None)
    config = {
        "taskId": task["id"],
        "pushNotificationConfig": {"url": hooks.webhook_url("v03"), "token": "tok-v03-secret"},
    }
    rpc.result("tasks/pushNotificationConfig/set", config, version=None)
    done = rpc.result(
        "message/send", {"message": msg03("the input", taskId=task["id"])}, version=None
    )
    assert done["status"]["state"] == "completed"

    hooks.wait_for(
        1,
        path="/v03",
        timeout=15,
        predicate=lambda n: (
            n.json is not None and n.json.get("status", {}).get("state") == "completed"
        ),
    )
    for note in hooks.matching(path="/v03"):
        assert note.headers["content-type"] == "application/json"
        assert note.headers["x-a2a-notification-token"] == "tok-v03-secret"
        assert "authorization" not in note.headers
        assert note.json["kind"] == "task" and note.json["id"] == task["id"]
        assert note.json["status"]["state"] in ("working", "completed")
    assert "tok-v03-secret" not in agent.log_path.read_text(encoding="utf-8")


def test_v03_authentication_schemes_become_an_authorization_header(
    rpc: Rpc, hooks: WebhookReceiver
) -> None:
    push = {
        "url": hooks.webhook_url("v03-auth"),
        "authentication": {"schemes": ["Basic"], "credentials": "dXNlcjpwdw=="},
    }
    params = {"message": msg03("echo pushed"), "configuration": {"pushNotificationConfig": push}}
    task = rpc.result("message/send", params, version=None)
    notes = hooks.wait_for(
        1,
        path="/v03-auth",
        timeout=15,
        predicate=lambda n: (
            n.json is not None and n.json.get("status", {}).get("state") == "completed"
        ),
    )
    assert notes[-1].headers["authorization"] == "Basic dXNlcjpwdw=="
    assert notes[-1].json["id"] == task["id"]


def test_cancel_is_pushed(rpc: Rpc, hooks: WebhookReceiver) -> None:
    push = {
        "url": hooks.webhook_url("cancel"),
        "authentication": {"scheme": "Bearer", "credentials": "c"},
    }
    params = {
        "message": msg10("slow 30"),
        "configuration": {"returnImmediately": True, "taskPushNotificationConfig": push},
    }
    task = rpc.result("SendMessage", params)["task"]
    rpc.result("CancelTask", {"id": task["id"]})
    hooks.wait_for(
        1,
        path="/cancel",
        timeout=15,
        predicate=lambda n: (
            n.json is not None
            and n.json.get("statusUpdate", {}).get("status", {}).get("state")
            == "TASK_STATE_CANCELED"
        ),
    )


def test_private_webhooks_are_refused_by_default(rpc_strict: Rpc, hooks: WebhookReceiver) -> None:
    task = rpc_strict.result("SendMessage", {"message": msg10("input-required")})["task"]
    error = rpc_strict.error(
        "CreateTaskPushNotificationConfig", {"taskId": task["id"], "url": hooks.webhook_url("ssrf")}
    )
    assert error["code"] == -32602
    assert "127.0.0.1" in error["message"]
    inline = {
        "message": msg10("echo"),
        "configuration": {"taskPushNotificationConfig": {"url": hooks.webhook_url("ssrf")}},
    }
    assert rpc_strict.error("SendMessage", inline)["code"] == -32602
    assert hooks.matching(path="/ssrf") == []


@pytest.mark.parametrize(
    ("method", "params", "version"),
    [
        (
            "CreateTaskPushNotificationConfig",
            {"taskId": "t", "url": "https://example.com/h"},
            "1.0",
        ),
        ("GetTaskPushNotificationConfig", {"taskId": "t", "id": "c"}, "1.0"),
        ("ListTaskPushNotificationConfigs", {"taskId": "t"}, "1.0"),
        ("DeleteTaskPushNotificationConfig", {"taskId": "t", "id": "c"}, "1.0"),
        (
            "tasks/pushNotificationConfig/set",
            {"taskId": "t", "pushNotificationConfig": {"url": "https://example.com/h"}},
            None,
        ),
        ("tasks/pushNotificationConfig/get", {"id": "t"}, None),
        ("tasks/pushNotificationConfig/list", {"id": "t"}, None),
        ("tasks/pushNotificationConfig/delete", {"id": "t", "pushNotificationConfigId": "c"}, None),
    ],
)
def test_push_off_is_push_notification_not_supported(
    rpc_off: Rpc, method: str, params: dict, version: str | None
) -> None:
    assert rpc_off.error(method, params, version=version)["code"] == -32003
