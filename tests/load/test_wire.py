"""The load package's A2A wire helpers and header option (pure units)."""

from __future__ import annotations

import pytest

from load._a2a import ProtocolError, dialect
from load.cli import UsageError, parse_headers


def test_v1_and_v03_requests() -> None:
    v1, v03 = dialect("1.0"), dialect("0.3")
    assert v1.send("echo", non_blocking=True)["params"]["configuration"] == {
        "returnImmediately": True
    }
    assert v1.send("x", stream=True)["method"] == "SendStreamingMessage"
    assert v03.send("x", stream=True)["method"] == "message/stream"
    assert v03.send("x", non_blocking=True)["params"]["configuration"] == {"blocking": False}
    assert v03.send("x")["params"]["message"]["parts"] == [{"kind": "text", "text": "x"}]
    assert v1.headers["A2A-Version"] == "1.0" and "A2A-Version" not in v03.headers
    assert v03.get_task("t")["method"] == "tasks/get"
    with pytest.raises(ProtocolError, match=r"v1\.0 only"):
        v03.list_tasks(10)


def test_answers_are_validated() -> None:
    v1, v03 = dialect("1.0"), dialect("0.3")
    with pytest.raises(ProtocolError, match="-32001"):
        v1.result({"jsonrpc": "2.0", "id": 1, "error": {"code": -32001, "message": "gone"}})
    with pytest.raises(ProtocolError, match=r"JSON-RPC 2\.0"):
        v1.result({"result": {}})
    with pytest.raises(ProtocolError, match="neither task nor message"):
        v1.task_of_send({"status": {}})
    with pytest.raises(ProtocolError, match="string id"):
        v1.task_of_send({"task": {"status": {"state": "TASK_STATE_COMPLETED"}}})
    assert v1.task_of_send({"message": {}}) is None
    task = {"kind": "task", "id": "t", "status": {"state": "input-required"}}
    assert v03.task_state(v03.task_of_send(task) or {}) == "TASK_STATE_INPUT_REQUIRED"
    assert v1.stream_event({"artifactUpdate": {"taskId": "t"}}) == ("t", None)
    update = {"kind": "status-update", "taskId": "t", "status": {"state": "completed"}}
    assert v03.stream_event(update) == ("t", "TASK_STATE_COMPLETED")
    with pytest.raises(ProtocolError):
        v1.stream_event({"surprise": {}})
    with pytest.raises(ValueError, match=r"1\.0 or 0\.3"):
        dialect("2.0")


def test_headers_expand_variables_and_never_echo_a_bad_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOAD_TOKEN", "abc123")
    assert parse_headers(["Authorization:Bearer $LOAD_TOKEN", "X-A: b:c"]) == {
        "Authorization": "Bearer abc123",
        "X-A": "b:c",
    }
    with pytest.raises(UsageError) as caught:
        parse_headers(["Bearer-abc123"])
    assert "abc123" not in str(caught.value)
