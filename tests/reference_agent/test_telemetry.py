"""OpenTelemetry: spans parented on the caller's ``traceparent``, exported over OTLP/HTTP to a
real loopback collector, and the same trace carried on to push webhooks."""

from __future__ import annotations

import logging
import sys

import httpx
import pytest

from fixtures.agent_process import AgentProcess
from fixtures.webhook_receiver import WebhookReceiver
from reference_agent.telemetry import Telemetry, trace_id_of

from .rpc import msg10

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_SPAN}-01"
EXPORTER = "opentelemetry.exporter.otlp.proto.http.trace_exporter"


def test_spans_are_exported_as_children_of_the_callers_trace() -> None:
    trace_pb2 = pytest.importorskip("opentelemetry.proto.collector.trace.v1.trace_service_pb2")
    pytest.importorskip(EXPORTER)
    with WebhookReceiver() as collector:
        env = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url.rstrip("/"),
            "OTEL_BSP_SCHEDULE_DELAY": "50",
        }
        with AgentProcess(["--allow-private-webhooks"], env=env) as agent:
            push = {"taskPushNotificationConfig": {"url": collector.webhook_url("hook")}}
            payload = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "SendMessage",
                "params": {"message": msg10("echo traced"), "configuration": push},
            }
            headers = {"A2A-Version": "1.0", "traceparent": TRACEPARENT}
            task = httpx.post(agent.url, json=payload, headers=headers, timeout=10).json()[
                "result"
            ]["task"]
            hook = collector.wait_for(1, path="/hook", timeout=10)[0]
        # Stopping the agent flushes the span exporter.
        exports = collector.wait_for(1, path="/v1/traces", timeout=10)

    child_traceparent = hook.headers["traceparent"]
    assert trace_id_of(child_traceparent) == TRACE_ID
    forwarded_parent = child_traceparent.split("-")[2]
    assert forwarded_parent != PARENT_SPAN, "webhooks must be children of the agent's span"

    spans = []
    for export in exports:
        request = trace_pb2.ExportTraceServiceRequest()
        request.ParseFromString(export.body)
        for resource_spans in request.resource_spans:
            for scope_spans in resource_spans.scope_spans:
                spans.extend(scope_spans.spans)
    server = [s for s in spans if s.name == "A2A SendMessage"]
    assert server, [s.name for s in spans]
    span = server[0]
    assert span.trace_id.hex() == TRACE_ID
    assert span.parent_span_id.hex() == PARENT_SPAN
    assert span.span_id.hex() == forwarded_parent
    assert task["status"]["state"] == "TASK_STATE_COMPLETED"


def test_missing_exporter_is_one_clear_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setitem(sys.modules, EXPORTER, None)  # makes the import fail
    with caplog.at_level(logging.WARNING, logger="reference_agent.telemetry"):
        telemetry = Telemetry()
    assert telemetry.enabled is False
    [record] = caplog.records
    assert "not installed" in record.getMessage() and "a2a-harness[otlp]" in record.getMessage()
    assert telemetry.start_span("x", TRACEPARENT, None) is None


def test_no_endpoint_means_no_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert Telemetry().enabled is False


@pytest.mark.parametrize(
    ("header", "trace_id"),
    [
        (TRACEPARENT, TRACE_ID),
        (None, None),
        ("", None),
        ("garbage", None),
        (f"00-{'0' * 32}-{PARENT_SPAN}-01", None),  # all-zero trace id is invalid
        (f"ff-{TRACE_ID}-{PARENT_SPAN}-01", None),  # version ff is invalid
        (f"00-{TRACE_ID.upper()}-{PARENT_SPAN}-01", None),  # hex must be lower case
    ],
)
def test_trace_id_of(header: str | None, trace_id: str | None) -> None:
    assert trace_id_of(header) == trace_id
