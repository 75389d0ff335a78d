"""OpenTelemetry spans around checks, and the ``traceparent`` every request carries.

Each check runs in its own span; each HTTP request is a child span whose context goes out as a
W3C ``traceparent`` header, so a user can find the agent-side trace of a failed check from the
trace id in its evidence. Spans are exported over OTLP/HTTP only when
``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (and the ``otlp`` extra is installed). The SDK is
imported when a tracer is first built: the plugin module stays import-light.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["CheckTracer"]

EXPORT_TIMEOUT_S = 5.0


class CheckTracer:
    """A private tracer provider for the run (the global one belongs to the user's process)."""

    def __init__(self, service_name: str = "a2a-harness") -> None:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider

        self._provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        self.export_note = "spans not exported (OTEL_EXPORTER_OTLP_ENDPOINT not set)"
        endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
        if endpoint:
            self.export_note = self._add_otlp_exporter(endpoint)
        self._tracer = self._provider.get_tracer("conformance")

    def _add_otlp_exporter(self, endpoint: str) -> str:
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            return "OTEL_EXPORTER_OTLP_ENDPOINT is set but the otlp extra is not installed"
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        # Bounded: an unreachable collector must not hold the end of the run for long.
        exporter = OTLPSpanExporter(timeout=EXPORT_TIMEOUT_S)
        self._provider.add_span_processor(
            BatchSpanProcessor(exporter, export_timeout_millis=int(EXPORT_TIMEOUT_S * 1000))
        )
        return f"spans exported over OTLP/HTTP to {endpoint}"

    @contextmanager
    def check_span(self, name: str, attributes: dict[str, Any] | None = None) -> Iterator[str]:
        """Run a check inside a span; yields its trace id (32 hex digits)."""
        with self._tracer.start_as_current_span(name, attributes=attributes or {}) as span:
            yield f"{span.get_span_context().trace_id:032x}"

    @contextmanager
    def request_span(self, method: str, url: str) -> Iterator[tuple[str, str]]:
        """A client span for one request; yields ``(traceparent, trace_id)``."""
        from opentelemetry.trace import SpanKind

        with self._tracer.start_as_current_span(
            f"{method} {url}", kind=SpanKind.CLIENT, attributes={"http.request.method": method}
        ) as span:
            ctx = span.get_span_context()
            flags = int(ctx.trace_flags) & 0x01  # level-1 traceparent: only "sampled"
            yield f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{flags:02x}", f"{ctx.trace_id:032x}"

    def shutdown(self) -> None:
        """Flush and stop exporting (bounded by the SDK's own timeouts)."""
        self._provider.shutdown()
