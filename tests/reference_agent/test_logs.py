"""Structured logs: one JSON line per request and per state change, with ids; secrets redacted."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import threading
from typing import Any

import httpx

from fixtures.agent_process import AgentProcess
from reference_agent.logs import SINK, JsonFormatter, LogSink, log_request, log_state_change, redact

from .engine_support import BOUND
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


# -- the sink: cheap, ordered, never losing a line ---------------------------------------------
def _sink() -> tuple[LogSink, io.StringIO]:
    stream = io.StringIO()
    return LogSink(stream, info=True), stream


async def test_sink_writes_a_loop_iterations_lines_at_its_end_in_order() -> None:
    sink, stream = _sink()
    sink.write(b'{"n":1}\n')
    sink.write(b'{"n":2}\n')
    assert stream.getvalue() == ""  # buffered: one write for the whole iteration
    # call_soon runs callbacks in order: the sink's flush was scheduled first.
    done = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_soon(done.set_result, None)
    await asyncio.wait_for(done, BOUND)
    assert stream.getvalue() == '{"n":1}\n{"n":2}\n'


async def test_sink_writes_at_once_what_must_not_wait() -> None:
    sink, stream = _sink()
    sink.write(b"a\n", urgent=True)  # warnings and errors
    assert stream.getvalue() == "a\n"
    burst = b"x" * (LogSink.max_buffered - 1) + b"\n"  # memory stays bounded
    sink.write(burst)
    assert stream.getvalue() == "a\n" + burst.decode()
    other = threading.Thread(target=sink.write, args=(b"from a thread\n",))
    other.start()
    other.join(BOUND)
    assert stream.getvalue().endswith("from a thread\n")


def test_sink_without_a_running_loop_writes_at_once_and_redirect_keeps_order() -> None:
    sink, stream = _sink()
    sink.write(b"1\n")
    assert stream.getvalue() == "1\n"
    later = io.StringIO()
    assert sink.redirect(later, info=False) == (stream, True)
    assert not sink.info
    sink.write(b"2\n")  # INFO off only tells hot paths to skip; a line given is written
    assert (stream.getvalue(), later.getvalue()) == ("1\n", "2\n")
    sink.redirect(None, info=True)
    sink.write(b"3\n")  # nowhere to go: dropped, no error
    assert not sink.info and later.getvalue() == "2\n"


def test_hot_lines_stay_valid_json_and_redacted_whatever_the_values() -> None:
    stream = io.StringIO()
    previous = SINK.redirect(stream, info=True)
    try:
        log_state_change('we"ird\\id\n', 'ctx "x" Bearer s3cret\n', ["working", "failed"], 'b"d')
        log_request("POST", "/", 200, 0.0, 'Send"Message', "1.0", "Bearer t0k", None, -32001, 3)
    finally:
        SINK.redirect(previous[0], info=previous[1])
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["state"] for line in lines[:2]] == ["working", "failed"]
    assert lines[0]["task_id"] == 'we"ird\\id\n' and lines[0]["trace_id"] == 'b"d'
    assert lines[0]["msg"] == 'task we"ird\\id\n working'
    assert lines[2]["a2a_method"] == 'Send"Message' and lines[2]["error_code"] == -32001
    assert "s3cret" not in stream.getvalue() and "t0k" not in stream.getvalue()
