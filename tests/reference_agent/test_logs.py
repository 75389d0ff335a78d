"""Structured logs: one JSON line per request and per state change, with ids; secrets redacted."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from fixtures.agent_process import AgentProcess
from reference_agent.logs import JsonFormatter, redact

from .rpc import Rpc, msg10

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _records(agent: AgentProcess) -> list[dict[str, Any]]:
    # The agent writes a request's log line in the same event-loop step that sends its response,
    # so once a later request is answered, every earlier line is on disk.
    httpx.get(agent.url + "healthz", timeout=5)
    lines = agent.log_path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_every_log_line_is_json(rpc: Rpc, agent: AgentProcess) -> None:
    rpc.result("SendMessage", {"message": msg10("echo json")})
    for record in _records(agent):
        assert {"ts", "level", "logger", "msg"} <= set(record)
        assert record["ts"].endswith("Z")


def test_request_and_state_change_lines_carry_task_and_trace_ids(
    rpc: Rpc, agent: AgentProcess
) -> None:
    task = rpc.result(
        "SendMessage", {"message": msg10("echo logged")}, headers={"traceparent": TRACEPARENT}
    )["task"]
    records = _records(agent)
    requests = [
        r
        for r in records
        if r["logger"] == "reference_agent.access" and r.get("task_id") == task["id"]
    ]
    assert len(requests) == 1
    line = requests[0]
    assert line["a2a_method"] == "SendMessage" and line["version"] == "1.0"
    assert line["status"] == 200 and line["http_method"] == "POST" and line["duration_ms"] >= 0
    assert line["trace_id"] == TRACEPARENT.split("-")[1]
    changes = [
        r
        for r in records
        if r["logger"] == "reference_agent.tasks" and r.get("task_id") == task["id"]
    ]
    assert [c["state"] for c in changes][-1] == "completed"
    assert all(c["trace_id"] == TRACEPARENT.split("-")[1] for c in changes)


def test_error_requests_log_the_error_code(rpc: Rpc, agent: AgentProcess) -> None:
    rpc.error("GetTask", {"id": "log-missing-task"})
    records = [r for r in _records(agent) if r.get("task_id") == "log-missing-task"]
    assert records and records[-1]["error_code"] == -32001


def test_formatter_redacts_secret_fields_and_bearer_strings() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "sent Authorization: Bearer abc.def to %s", ("h",), None
    )
    record.headers = {"Authorization": "Bearer abc.def", "Accept": "*/*"}
    record.push = {"url": "https://h", "token": "t0ken", "authentication": {"credentials": "cr3d"}}
    out = json.loads(JsonFormatter().format(record))
    assert "abc.def" not in json.dumps(out)
    assert "t0ken" not in json.dumps(out) and "cr3d" not in json.dumps(out)
    assert out["headers"]["Accept"] == "*/*"
    assert out["push"]["url"] == "https://h"
    assert out["msg"] == "sent Authorization: Bearer [REDACTED] to h"


def test_redact_keeps_ordinary_values() -> None:
    assert redact("task_id", "t-1") == "t-1"
    assert redact("api_key", "k") == "[REDACTED]"
    assert redact("items", [{"password": "p"}, 3]) == [{"password": "[REDACTED]"}, 3]
