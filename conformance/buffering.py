"""Tell a live event stream from one an intermediary held back, from arrival times alone.

The classic production failure of streaming: an ingress or proxy buffers the response (or
compresses it), so the client sees nothing until the end and then everything at once. The
agent is fine; what the client gets is not a stream. The judge compares when events were
*generated* with when they *arrived*:

1. When status updates carry timestamps (the agent's clock), the events they span must arrive
   spread over a comparable time: events generated over 250 ms that arrive within 3 ms were
   held back. Only differences of timestamps are used, so clock offsets do not matter.
2. Without usable timestamps, the arrival times alone: a held-back stream shows a long silence
   and then every event in a burst at the end.

A stream too short to tell (under :data:`MIN_SPAN_S`) or with fewer than three events is
inconclusive, never a verdict. Example::

    verdict = judge([Arrival(0, "task", 0.012, None), ..., Arrival(7, "status-update", 0.26, t)])
    if verdict.held_back:
        check.fail(verdict.reason, actual=verdict.timeline)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .client.dialects import StreamItem
from .stream_rules import parse_timestamp

__all__ = ["MIN_SPAN_S", "RATIO", "Arrival", "BufferingVerdict", "arrivals_of", "judge"]

MIN_SPAN_S = 0.08  # a stream must span at least this long for its timing to mean anything
RATIO = 0.25  # held back: arrivals packed into under a quarter of the generation time


@dataclass(frozen=True, slots=True)
class Arrival:
    """One event: its index, kind, arrival (s since the request) and generation time (epoch s,
    from its status timestamp) when it has one."""

    index: int
    kind: str
    at: float
    generated: float | None = None


@dataclass(slots=True)
class BufferingVerdict:
    """``held_back``: True (held back), False (live), None (cannot tell), with the reason and
    the timeline to show as evidence."""

    held_back: bool | None
    reason: str
    timeline: list[dict[str, Any]] = field(default_factory=list)


def arrivals_of(items: list[StreamItem], arrivals: list[float]) -> list[Arrival]:
    """Arrivals from a stream's items and their arrival times (seconds since the request)."""
    out = []
    for index, (item, at) in enumerate(zip(items, arrivals, strict=False)):
        generated = None
        if item.kind in ("status-update", "task"):
            status = item.body.get("status")
            generated = _epoch(status.get("timestamp") if isinstance(status, dict) else None)
        out.append(Arrival(index, item.kind, at, generated))
    return out


def judge(
    arrivals: list[Arrival], *, min_span: float = MIN_SPAN_S, ratio: float = RATIO
) -> BufferingVerdict:
    """Judge one stream's timeline (see the module docstring for the rules)."""
    timeline = [
        {
            "event": a.index,
            "kind": a.kind,
            "arrived_ms": round(a.at * 1000, 1),
            "generated_ms": None,
        }
        for a in arrivals
    ]
    stamped = [a for a in arrivals if a.generated is not None]
    if stamped:
        origin = min(a.generated for a in stamped if a.generated is not None)
        for a, row in zip(arrivals, timeline, strict=True):
            if a.generated is not None:
                row["generated_ms"] = round((a.generated - origin) * 1000, 1)
    if len(arrivals) < 3:
        return BufferingVerdict(None, f"only {len(arrivals)} event(s): too few to tell", timeline)
    if len(stamped) >= 2:
        first = min(stamped, key=lambda a: a.generated or 0.0)
        last = max(stamped, key=lambda a: a.generated or 0.0)
        generated_span = (last.generated or 0.0) - (first.generated or 0.0)
        if generated_span >= min_span:
            arrived_span = abs(last.at - first.at)
            held = arrived_span < ratio * generated_span
            verb = "held back" if held else "live"
            return BufferingVerdict(
                held,
                f"{verb}: events {first.index}..{last.index} were generated "
                f"{generated_span * 1000:.0f} ms apart (status timestamps) and arrived "
                f"{arrived_span * 1000:.0f} ms apart",
                timeline,
            )
    total = arrivals[-1].at
    if total < min_span:
        return BufferingVerdict(
            None,
            f"the stream lasted {total * 1000:.0f} ms: too short to tell a live stream from a "
            "buffered one",
            timeline,
        )
    spread = arrivals[-1].at - arrivals[0].at
    held = spread < ratio * total and arrivals[0].at > (1 - ratio) * total
    if held:
        reason = (
            f"held back: nothing arrived for {arrivals[0].at * 1000:.0f} ms, then all "
            f"{len(arrivals)} events within {spread * 1000:.0f} ms"
        )
    else:
        reason = (
            f"live: the first event arrived after {arrivals[0].at * 1000:.0f} ms and the "
            f"events spread over {spread * 1000:.0f} ms of the stream's {total * 1000:.0f} ms"
        )
    return BufferingVerdict(held, reason, timeline)


def _epoch(raw: Any) -> float | None:
    value = parse_timestamp(raw)
    return None if value is None else value.timestamp()
