"""The harness's own v0.3 and v1.0 dialects."""

from __future__ import annotations

import pytest

from conformance.client.dialects import ShapeError, dialect_for


def test_v1_builders_and_readers() -> None:
    d = dialect_for("1.0")
    msg = d.user_message("hi", message_id="m1", task_id="t1")
    assert msg == {
        "messageId": "m1",
        "role": "ROLE_USER",
        "parts": [{"text": "hi"}],
        "taskId": "t1",
    }
    assert d.send_params(msg, blocking=False, history_length=2)["configuration"] == {
        "returnImmediately": True,
        "historyLength": 2,
    }
    assert "configuration" not in d.send_params(msg, blocking=True)
    reply = d.read_send_result(
        {"task": {"id": "t", "status": {"state": "TASK_STATE_INPUT_REQUIRED"}}}
    )
    assert reply.kind == "task" and d.task_state(reply.body) == "input-required"
    with pytest.raises(ShapeError):
        d.read_send_result({"task": {}, "message": {}})
    with pytest.raises(ShapeError):
        d.read_send_result({"kind": "task", "id": "t"})
    assert d.read_stream_item({"statusUpdate": {"taskId": "t"}}).kind == "status-update"


def test_v03_builders_and_readers() -> None:
    d = dialect_for("0.3")
    msg = d.user_message("hi", message_id="m1")
    assert msg["kind"] == "message" and msg["role"] == "user" and msg["parts"][0]["kind"] == "text"
    assert d.send_params(msg, blocking=True)["configuration"] == {"blocking": True}
    assert d.method("send") == "message/send" and d.method("list") is None
    reply = d.read_send_result({"kind": "message", "messageId": "x", "parts": []})
    assert reply.kind == "message"
    assert d.task_state({"status": {"state": "TASK_STATE_COMPLETED"}}).startswith("invalid:")
    with pytest.raises(ShapeError):
        d.read_stream_item({"statusUpdate": {}})
