"""What a check saw: requests, responses, SSE events with arrival times, a curl reproduction.

Everything recorded passes through a :class:`Redactor` first, so credentials never reach the
terminal, the results file or a report: ``Authorization``, cookies, API-key-like headers, every
``--a2a-header`` value, and JSON members named like secrets (``token``, ``credentials``…).
"""

from __future__ import annotations

import re
import shlex
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Evidence", "Exchange", "Redactor", "SseRecord"]

REDACTED = "<redacted>"
BODY_LIMIT = 4096
_SECRET_HEADER = re.compile(
    r"^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key)$|token|secret|"
    r"password|credential|api[-_]?key",
    re.I,
)
_SECRET_MEMBER = re.compile(
    r'("(?:token|credentials|password|secret|apiKey|api_key|accessToken|access_token|'
    r'refreshToken|refresh_token|clientSecret|client_secret)"\s*:\s*)"(?:[^"\\]|\\.)*"'
)


class Redactor:
    """Removes secrets from headers and text. ``secrets`` are literal values to hide anywhere."""

    def __init__(self, secrets: list[str] | None = None, secret_headers: list[str] | None = None):
        self.secrets = sorted({s for s in (secrets or []) if len(s) >= 4}, key=len, reverse=True)
        self.secret_headers = {h.lower() for h in (secret_headers or [])}

    def header_value(self, name: str, value: str) -> str:
        """``value`` or the redaction marker when the header carries a credential."""
        if name.lower() in self.secret_headers or _SECRET_HEADER.search(name):
            return REDACTED
        return self.text(value)

    def headers(self, headers: dict[str, str] | list[tuple[str, str]]) -> dict[str, str]:
        """A redacted copy of ``headers`` (multiple values comma-joined)."""
        items = headers.items() if isinstance(headers, dict) else headers
        out: dict[str, str] = {}
        for name, value in items:
            shown = self.header_value(name, value)
            out[name] = f"{out[name]}, {shown}" if name in out else shown
        return out

    def text(self, text: str) -> str:
        """``text`` with known secret values and secret-named JSON members hidden."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _SECRET_MEMBER.sub(rf'\1"{REDACTED}"', text)


@dataclass(slots=True)
class SseRecord:
    """One SSE event as received: seconds since the request started, event name, data."""

    at: float
    event: str
    data: str

    def to_json(self) -> dict[str, Any]:
        return {"at_s": round(self.at, 4), "event": self.event, "data": self.data}


@dataclass(slots=True)
class Exchange:
    """One HTTP request and its response (already redacted; bodies truncated)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    elapsed_s: float | None = None
    error: str | None = None
    events: list[SseRecord] = field(default_factory=list)
    curl: str = ""
    trace_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form for the results file."""
        return {
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": self.request_headers,
                "body": self.request_body,
            },
            "response": None
            if self.status is None
            else {
                "status": self.status,
                "headers": self.response_headers,
                "body": self.response_body,
            },
            "events": [e.to_json() for e in self.events],
            "elapsed_s": None if self.elapsed_s is None else round(self.elapsed_s, 4),
            "error": self.error,
            "curl": self.curl,
            "trace_id": self.trace_id,
        }

    def summary(self) -> str:
        """A few lines for a failure message: request line, status, body start, curl."""
        lines = [f"  {self.method} {self.url}"]
        if self.request_body:
            lines.append(f"  request body: {_clip(self.request_body, 300)}")
        if self.error:
            lines.append(f"  transport error: {self.error}")
        if self.status is not None:
            ctype = self.response_headers.get("content-type", "?")
            lines.append(f"  -> HTTP {self.status} ({ctype}) in {self.elapsed_s or 0:.3f}s")
            if self.response_body:
                lines.append(f"  response body: {_clip(self.response_body, 300)}")
        if self.events:
            lines.append(
                f"  {len(self.events)} SSE event(s); last: {_clip(self.events[-1].data, 200)}"
            )
        if self.trace_id:
            lines.append(f"  trace id: {self.trace_id}")
        lines.append(f"  reproduce: {self.curl}")
        return "\n".join(lines)


@dataclass(slots=True)
class Evidence:
    """Everything one check recorded, in order."""

    exchanges: list[Exchange] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    trace_id: str | None = None

    def add(self, exchange: Exchange) -> Exchange:
        self.exchanges.append(exchange)
        return exchange

    def to_json(self) -> dict[str, Any]:
        return {"trace_id": self.trace_id, "exchanges": [x.to_json() for x in self.exchanges]}

    def summary(self, last: int = 2) -> str:
        """The last ``last`` exchanges, for a failure message."""
        shown = self.exchanges[-last:]
        if not shown:
            return ""
        head = f"evidence (last {len(shown)} of {len(self.exchanges)} request(s)):"
        return "\n".join([head, *(x.summary() for x in shown)])


def clip_body(raw: bytes, limit: int = BODY_LIMIT) -> str:
    """Body bytes as text for evidence: decoded leniently and truncated with a marker."""
    text = raw[:limit].decode("utf-8", errors="replace")
    return text if len(raw) <= limit else text + f"… [truncated, {len(raw)} bytes]"


def curl_command(
    method: str,
    url: str,
    headers: dict[str, str],
    body: str,
    *,
    templates: dict[str, str] | None = None,
) -> str:
    """A shell-safe curl line. Secret headers show their ``${VAR}`` template or the marker."""
    templates = {k.lower(): v for k, v in (templates or {}).items()}
    parts = ["curl", "-sS", "-i", "-X", method, shlex.quote(url)]
    for name, value in headers.items():
        shown = templates.get(name.lower(), value)
        # Double quotes so that "${TOKEN}" still expands in the user's shell.
        if "${" in shown:
            parts += ["-H", '"' + f"{name}: {shown}".replace('"', '\\"') + '"']
        else:
            parts += ["-H", shlex.quote(f"{name}: {shown}")]
    if body:
        parts += ["--data-binary", shlex.quote(body)]
    return " ".join(parts)


def _clip(text: str, limit: int) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + "…"
