"""The suite's webhook receiver (a real loopback server) and the push dialect helpers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from conformance import push
from conformance.evidence import Evidence, Redactor
from conformance.webhook import FLOOD_PER_ENDPOINT, FloodedError, Webhooks, record_notifications


@pytest.fixture
def webhooks() -> Iterator[Webhooks]:
    hooks = Webhooks.start(max_notifications=FLOOD_PER_ENDPOINT + 20)
    yield hooks
    hooks.stop()


def test_endpoints_are_fresh_and_waits_are_bounded(webhooks: Webhooks) -> None:
    a, b = webhooks.endpoint(), webhooks.endpoint()
    assert a.path != b.path and a.token != b.token and a.credentials != b.credentials
    assert a.url == webhooks.receiver.url + a.path.lstrip("/")
    assert a.authorization == f"Bearer {a.credentials}"
    httpx.post(a.url, json={"task": {"id": "t1", "status": {"state": "TASK_STATE_WORKING"}}})
    got = webhooks.wait(a, lambda notes: len(notes) >= 1, timeout=5)
    assert [n.task_id for n in got] == ["t1"] and webhooks.received(b) == []
    # Nothing more comes: the wait gives up at its bound and returns what arrived.
    assert len(webhooks.wait(a, lambda notes: len(notes) >= 2, timeout=0.2)) == 1


def test_a_flood_on_one_endpoint_is_refused_to_judge(webhooks: Webhooks) -> None:
    endpoint = webhooks.endpoint()
    with httpx.Client() as client:
        for i in range(FLOOD_PER_ENDPOINT + 1):
            client.post(endpoint.url, json={"n": i})
    with pytest.raises(FloodedError, match="webhook flood"):
        webhooks.wait(endpoint, lambda notes: False, timeout=5)


def test_the_receiver_stops_recording_when_full() -> None:
    hooks = Webhooks.start(max_notifications=3)
    try:
        endpoint = hooks.endpoint()
        statuses = [httpx.post(endpoint.url, json={"n": i}).status_code for i in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        assert len(hooks.received(endpoint)) == 3 and hooks.receiver.dropped == 2
        with pytest.raises(FloodedError, match="refused 2 more with HTTP 429"):
            hooks.wait(endpoint, lambda notes: False, timeout=1)
    finally:
        hooks.stop()


def test_public_url_and_reachability(webhooks: Webhooks) -> None:
    assert webhooks.unreachable_reason("http://127.0.0.1:9999/") is None
    reason = webhooks.unreachable_reason("https://agent.example.com/")
    assert reason is not None and "--a2a-webhook-url" in reason
    tunnel = Webhooks(webhooks.receiver, "https://hooks.example.com/base/")
    assert tunnel.unreachable_reason("https://agent.example.com/") is None
    assert tunnel.endpoint().url.startswith("https://hooks.example.com/base/a2a-harness/")


def test_notifications_in_evidence_are_redacted(webhooks: Webhooks) -> None:
    endpoint = webhooks.endpoint()
    httpx.post(
        endpoint.url,
        json={"statusUpdate": {"taskId": "t"}},
        headers={
            "Authorization": endpoint.authorization,
            "X-A2A-Notification-Token": endpoint.token,
        },
    )
    notes = webhooks.wait(endpoint, lambda n: bool(n), timeout=5)
    evidence = Evidence()
    record_notifications(evidence, endpoint, notes, Redactor())
    text = repr(evidence.to_json())
    assert endpoint.credentials not in text and endpoint.token not in text
    assert evidence.exchanges[0].url == endpoint.url and evidence.exchanges[0].status == 200


@pytest.mark.parametrize("version", ["1.0", "0.3"])
def test_config_round_trip(version: str, webhooks: Webhooks) -> None:
    endpoint = webhooks.endpoint()
    params = push.create_params(version, "t1", endpoint)
    # What a conformant agent answers: the params it got, with an id.
    if version == "1.0":
        answer = {**params, "id": "c1"}
        assert answer["authentication"] == {"scheme": "Bearer", "credentials": endpoint.credentials}
    else:
        answer = {
            "taskId": "t1",
            "pushNotificationConfig": {**params["pushNotificationConfig"], "id": "c1"},
        }
    view = push.read_config(version, answer)
    assert (view.id, view.task_id, view.url, view.token, view.problems) == (
        "c1",
        "t1",
        endpoint.url,
        endpoint.token,
        [],
    )
    listed, problems = push.read_config_list(
        version, {"configs": [answer], "nextPageToken": ""} if version == "1.0" else [answer]
    )
    assert problems == [] and [v.id for v in listed] == ["c1"]
    member, inline = push.inline_config(version, endpoint)
    assert member == (
        "taskPushNotificationConfig" if version == "1.0" else "pushNotificationConfig"
    )
    assert inline["url"] == endpoint.url


def test_malformed_configs_are_named() -> None:
    assert push.read_config("1.0", {"taskId": "t", "url": 42}).problems == [
        "url is missing or not a string"
    ]
    nested = push.read_config("1.0", {"taskId": "t", "pushNotificationConfig": {"url": "u"}})
    assert "v1.0 configs are flat, not nested in pushNotificationConfig" in nested.problems
    v03 = push.read_config(
        "0.3",
        {
            "taskId": "t",
            "pushNotificationConfig": {"url": "u", "authentication": {"schemes": "Bearer"}},
        },
    )
    assert v03.problems == ["authentication must be {schemes: [string], credentials?}"]
    assert push.read_config_list("0.3", {"configs": []})[1] == [
        "the result is not an array of TaskPushNotificationConfig"
    ]


def test_notification_payloads() -> None:
    update = {
        "statusUpdate": {
            "taskId": "t",
            "contextId": "c",
            "status": {"state": "TASK_STATE_COMPLETED"},
        }
    }
    assert push.notification_shape_problems("1.0", update) == []
    assert push.notification_task_id("1.0", update) == "t"
    assert push.notification_state("1.0", update) == "completed"
    assert push.notification_shape_problems("1.0", {"task": {}, "statusUpdate": {}})[0].startswith(
        "a StreamResponse holds exactly one of"
    )
    assert push.notification_shape_problems("1.0", {"id": "t", "status": {}}) != []
    task = {"kind": "task", "id": "t", "contextId": "c", "status": {"state": "working"}}
    assert push.notification_shape_problems("0.3", task) == []
    assert push.notification_state("0.3", task) == "working"
    # v0.3 does not define the body strictly: the v1.0 shape some SDKs send is accepted.
    assert push.notification_shape_problems("0.3", update) == []
    assert push.notification_state("0.3", update) == "completed"
    assert push.notification_task_id("0.3", update) == "t"
    assert push.notification_shape_problems("0.3", {"hello": "world"}) == [
        "the notification does not identify its task (no Task id or taskId)"
    ]
