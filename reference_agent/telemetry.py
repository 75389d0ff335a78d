"""OpenTelemetry request spans, parented on the caller's W3C ``traceparent``.

Spans are exported only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (OTLP over HTTP; the exporter
package is imported lazily and its absence is one clear warning, not a crash). Without it the
agent creates no spans at all: the hot path only parses ``traceparent`` for the trace id that the
logs carry, and forwards the caller's header unchanged to push webhooks.

With an exporter, each request gets a SERVER span whose parent is the incoming ``traceparent``;
the span's own context becomes :attr:`RequestContext.traceparent`, so webhook calls made for the
task join the same trace as children of the request.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from . import __version__

__all__ = ["Telemetry", "format_traceparent", "trace_id_of"]

logger = logging.getLogger("reference_agent.telemetry")

_HEX = frozenset("0123456789abcdef")


def trace_id_of(traceparent: str | None) -> str | None:
    """The trace id of a valid W3C ``traceparent`` (version 00 layout), else ``None``."""
    if not traceparent or len(traceparent) < 55:
        return None
    parts = traceparent.split("-")
    if len(parts) < 4 or len(parts[0]) != 2 or len(parts[1]) != 32 or len(parts[2]) != 16:
        return None
    trace_id = parts[1]
    if not _HEX.issuperset(trace_id) or trace_id == "0" * 32 or parts[0] == "ff":
        return None
    return trace_id


def format_traceparent(trace_id: int, span_id: int, flags: int) -> str:
    """A version-00 ``traceparent`` header value."""
    return f"00-{trace_id:032x}-{span_id:016x}-{flags:02x}"


class Telemetry:
    """The process's tracer; :attr:`enabled` is False unless an OTLP endpoint is configured."""

    def __init__(self, service_name: str = "a2a-harness-reference-agent") -> None:
        self.enabled = False
        self._tracer: Any = None
        self._provider: Any = None
        if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
        ):
            self._setup(service_name)

    @classmethod
    def disabled(cls) -> Telemetry:
        """A Telemetry that never creates spans, whatever the environment says."""
        telemetry = cls.__new__(cls)
        telemetry.enabled = False
        telemetry._tracer = telemetry._provider = None
        return telemetry

    def _setup(self, service_name: str) -> None:
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            logger.warning(
                "OTEL_EXPORTER_OTLP_ENDPOINT is set but the OTLP exporter is not installed; "
                "spans will not be exported (pip install 'a2a-harness[otlp]')"
            )
            return
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.trace import SpanKind
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        provider = TracerProvider(
            resource=Resource.create({"service.name": service_name, "service.version": __version__})
        )
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        self._provider = provider
        self._tracer = provider.get_tracer("reference_agent", __version__)
        self._propagator = TraceContextTextMapPropagator()
        self._server_kind = SpanKind.SERVER
        self.enabled = True
        logger.info("exporting spans over OTLP/HTTP")

    def start_span(
        self,
        name: str,
        traceparent: str | None,
        tracestate: str | None,
        attributes: dict[str, Any] | None = None,
    ) -> Any:
        """A started SERVER span (child of ``traceparent`` when valid), or None when disabled."""
        if not self.enabled:
            return None
        carrier: dict[str, str] = {}
        if traceparent:
            carrier["traceparent"] = traceparent
            if tracestate:
                carrier["tracestate"] = tracestate
        parent = self._propagator.extract(carrier)
        return self._tracer.start_span(
            name, context=parent, kind=self._server_kind, attributes=attributes or {}
        )

    @staticmethod
    def traceparent_of(span: Any) -> str:
        """The ``traceparent`` that makes a callee a child of ``span``."""
        ctx = span.get_span_context()
        return format_traceparent(ctx.trace_id, ctx.span_id, int(ctx.trace_flags))

    @staticmethod
    def end_span(
        span: Any, *, error_code: int | None = None, http_status: int | None = None
    ) -> None:
        """Record the outcome and end the span."""
        if span is None:
            return
        from opentelemetry.trace import Status, StatusCode

        if http_status is not None:
            span.set_attribute("http.response.status_code", http_status)
        if error_code is not None:
            span.set_attribute("rpc.jsonrpc.error_code", error_code)
            span.set_status(Status(StatusCode.ERROR))
        span.end()

    def shutdown(self) -> None:
        """Flush and stop the exporter (bounded by the SDK's own export timeout)."""
        if self._provider is not None:
            self._provider.shutdown()
