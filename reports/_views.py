"""What the HTML template shows, prepared from the model: card excerpt, failures, transcripts.

Everything here is plain data (strings already clipped, JSON pretty-printed); the template
escapes it. Bounds keep a large run's report small: the last :data:`MAX_EXCHANGES` exchanges of
a failure, :data:`MAX_EVENTS` listed SSE events, bodies clipped to :data:`BODY_CLIP` characters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ._model import CheckResult, Exchange, RequirementInfo, SseEvent
from .grades import FAILURE_GRADES, NOT_APPLICABLE, PASS
from .matrix import Column
from .svg import sse_timeline

__all__ = [
    "CheckView",
    "ExchangeView",
    "card_excerpt",
    "check_views",
    "finding_rows",
    "pretty",
]

MAX_EXCHANGES = 8
MAX_EVENTS = 24
BODY_CLIP = 4096
EVENT_CLIP = 500
VALUE_CLIP = 2000


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a marker saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"… [{len(text) - limit} more characters not shown]"


def pretty(value: Any, limit: int = VALUE_CLIP) -> str:
    """A JSON value (or a string holding JSON) indented for reading, clipped."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "[") and len(stripped) < 50_000:
            try:
                value = json.loads(stripped)
            except (ValueError, RecursionError):  # a hostile body may nest thousands deep
                return clip(value, limit)
        else:
            return clip(value, limit)
    return clip(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False), limit)


@dataclass(slots=True)
class EventView:
    """One listed SSE event, with its number in the stream."""

    number: int
    at_ms: str
    event: str
    data: str


@dataclass(slots=True)
class ExchangeView:
    """One request/response of a failure's transcript, ready to print."""

    number: int
    exchange: Exchange
    request_body: str
    response_body: str
    timeline: Markup | None
    events: list[EventView | None]
    more_events: int


@dataclass(slots=True)
class CheckView:
    """One non-passing check with what the report shows about it."""

    anchor: str
    column: Column
    check: CheckResult
    info: RequirementInfo
    expected: str | None
    actual: str | None
    exchanges: list[ExchangeView] = field(default_factory=list)
    omitted: int = 0

    @property
    def trace_ids(self) -> list[str]:
        """The check's trace id and any other the exchanges carried."""
        ids = [self.check.trace_id] if self.check.trace_id else []
        ids += [x.exchange.trace_id for x in self.exchanges if x.exchange.trace_id]
        return list(dict.fromkeys(ids))


def _listed_events(events: list[SseEvent]) -> list[EventView | None]:
    """The events to list: all, or the first and the last ones with a gap (None) between.

    The end of a stream matters as much as its start (final events, the terminal state).
    """
    numbered: list[tuple[int, SseEvent | None]] = list(enumerate(events, 1))
    if len(events) > MAX_EVENTS:
        tail = MAX_EVENTS // 3
        numbered = [*numbered[: MAX_EVENTS - tail], (0, None), *numbered[-tail:]]
    return [
        EventView(n, f"{e.at_s * 1000:.1f}", e.event or "message", clip(e.data, EVENT_CLIP))
        if e is not None
        else None
        for n, e in numbered
    ]


def _exchange_view(number: int, exchange: Exchange) -> ExchangeView:
    events = exchange.events
    return ExchangeView(
        number=number,
        exchange=exchange,
        request_body=pretty(exchange.request_body, BODY_CLIP),
        response_body=pretty(exchange.response_body, BODY_CLIP),
        timeline=sse_timeline(events, exchange.elapsed_s) if events else None,
        events=_listed_events(events),
        more_events=max(len(events) - MAX_EVENTS, 0),
    )


def check_views(
    columns: list[Column], catalogue: dict[str, RequirementInfo]
) -> tuple[list[CheckView], dict[tuple[str, str], str]]:
    """Failures of every column (FAIL, NON-STRICT, ERROR), and the anchor of each (column, req)."""
    views: list[CheckView] = []
    anchors: dict[tuple[str, str], str] = {}
    for column in columns:
        for i, check in enumerate(column.checks):
            if check.grade not in FAILURE_GRADES:
                continue
            anchor = f"f-{column.key}-{i}"
            anchors.setdefault((column.key, check.requirement), anchor)
            shown = check.exchanges[-MAX_EXCHANGES:]
            first = len(check.exchanges) - len(shown)
            views.append(
                CheckView(
                    anchor=anchor,
                    column=column,
                    check=check,
                    info=catalogue.get(check.requirement)
                    or RequirementInfo(check.requirement, check.level, check.section),
                    expected=None if check.expected is None else pretty(check.expected),
                    actual=None if check.actual is None else pretty(check.actual),
                    exchanges=[_exchange_view(first + n + 1, x) for n, x in enumerate(shown)],
                    omitted=first,
                )
            )
    order = {"ERROR": 0, "FAIL": 1, "NON-STRICT": 2}
    views.sort(key=lambda v: (order.get(v.check.grade, 3), bool(v.check.baselined)))
    return views, anchors


@dataclass(slots=True, frozen=True)
class FindingRow:
    """A WARNING, INFO, N/A reason or note of a check that did not fail."""

    column: Column
    check: CheckResult
    grade: str
    message: str


def finding_rows(columns: list[Column]) -> list[FindingRow]:
    """Non-failing checks that still have something to say."""
    rows = []
    for column in columns:
        for check in column.checks:
            if check.grade in FAILURE_GRADES:
                continue
            if check.grade != PASS and check.message:
                rows.append(FindingRow(column, check, check.grade, check.message))
            for finding in check.findings:
                if finding.message and finding.message != check.message:
                    grade = "note" if finding.grade == PASS else finding.grade
                    rows.append(FindingRow(column, check, grade, finding.message))
    order = {"WARNING": 0, "INFO": 1, NOT_APPLICABLE: 2}
    rows.sort(key=lambda r: order.get(r.grade, 3))
    return rows


def _text(value: Any, limit: int = 300) -> str:
    return clip(value, limit) if isinstance(value, str) else ""


def card_excerpt(column: Column) -> tuple[list[tuple[str, str]], str]:
    """Label/value lines of the agent card, and where the card came from."""
    card, origin = column.card, column.card_origin
    if card is None:
        return [], ""
    lines: list[tuple[str, str]] = []

    def add(label: str, value: str) -> None:
        if value:
            lines.append((label, value))

    add("Name", _text(card.get("name"), 120))
    add("Description", _text(card.get("description")))
    add("Agent version", _text(card.get("version"), 60))
    provider = card.get("provider")
    if isinstance(provider, dict):
        add("Provider", _text(provider.get("organization"), 120))
    interfaces = card.get("supportedInterfaces")
    if isinstance(interfaces, list):
        add(
            "Interfaces",
            "; ".join(
                f"{i.get('protocolBinding', '?')} v{i.get('protocolVersion', '?')}"
                for i in interfaces[:6]
                if isinstance(i, dict)
            ),
        )
    elif card.get("protocolVersion"):
        add(
            "Interfaces",
            f"{_text(card.get('preferredTransport'), 30) or 'JSONRPC'} "
            f"v{_text(card.get('protocolVersion'), 20)}",
        )
    caps = card.get("capabilities")
    if isinstance(caps, dict):
        add("Capabilities", ", ".join(k for k, v in caps.items() if v is True) or "none declared")
    skills = card.get("skills")
    if isinstance(skills, list):
        names = [_text(s.get("name") or s.get("id"), 40) for s in skills if isinstance(s, dict)]
        more = f" and {len(names) - 8} more" if len(names) > 8 else ""
        add("Skills", f"{len(names)}: " + ", ".join(names[:8]) + more)
    schemes = card.get("securitySchemes")
    if isinstance(schemes, dict) and schemes:
        add("Security schemes", ", ".join(list(schemes)[:8]))
    signatures = card.get("signatures")
    if isinstance(signatures, list):
        add("Signed", f"{len(signatures)} signature(s)")
    return lines, origin
