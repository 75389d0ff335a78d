"""Small inline SVG drawings for the report: SSE arrival timeline, latency chart, grade bar.

Each function returns :class:`markupsafe.Markup` built from numbers and escaped text only, so a
hostile event name or metric cannot break out of the drawing. No scripts, no external
references: the report stays self-contained and readable offline.

Example::

    sse_timeline([SseEvent(0.006, "message", "{…}"), SseEvent(0.027, "message", "{…}")], 0.03)
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from ._model import LoadSample, SseEvent

__all__ = ["grade_bar", "latency_chart", "sse_timeline"]

GRADE_COLOURS = {
    "PASS": "#1a7f37",
    "FAIL": "#cf222e",
    "ERROR": "#8250df",
    "NON-STRICT": "#bc4c00",
    "WARNING": "#9a6700",
    "INFO": "#0969da",
    "N/A": "#6e7781",
    "untested": "#d0d7de",
}
_SERIES = (("p50", "#0969da"), ("p95", "#bc4c00"), ("p99", "#cf222e"))


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms"


def sse_timeline(events: Sequence[SseEvent], elapsed_s: float | None = None) -> Markup:
    """Arrival times of SSE events on one axis from 0 to the end of the exchange.

    Each event is a numbered dot (its number matches the event table); the gaps show whether
    the agent streamed events as they happened or buffered them into one burst.
    """
    width, height, left, right = 760, 64, 14, 14
    end = max([e.at_s for e in events] + [elapsed_s or 0.0, 1e-6])
    span = width - left - right
    axis_y = 34
    parts = [
        f'<svg class="timeline" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{len(events)} SSE event(s) over {escape(_ms(end))}</title>",
        f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#8c959f"/>',
    ]
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = left + span * frac
        anchor = "start" if frac == 0 else "end" if frac == 1 else "middle"
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y - 4}" x2="{x:.1f}" y2="{axis_y + 4}" '
            'stroke="#8c959f"/>'
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" fill="#57606a" '
            f'text-anchor="{anchor}">{escape(_ms(end * frac))}</text>'
        )
    numbered = len(events) <= 40
    last_label_x = -100.0
    for i, event in enumerate(events):
        x = left + span * max(event.at_s, 0.0) / end
        label = f"#{i + 1} at {_ms(event.at_s)}: {event.event or 'message'}"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{axis_y}" r="5" fill="#0969da" fill-opacity="0.8">'
            f"<title>{escape(label)}</title></circle>"
        )
        # Numbers only where they do not overlap the previous one (bursts show as one label).
        if numbered and x - last_label_x >= 14:
            parts.append(
                f'<text x="{x:.1f}" y="{axis_y - 10}" font-size="11" fill="#24292f" '
                f'text-anchor="middle">{i + 1}</text>'
            )
            last_label_x = x
    parts.append(
        f'<text x="{width - right}" y="12" font-size="11" fill="#57606a" text-anchor="end">'
        f"{len(events)} event(s), arrival time since the request was sent</text></svg>"
    )
    return Markup("".join(parts))


def latency_chart(stats: Sequence[LoadSample]) -> Markup:
    """p50/p95/p99 latency (ms) over time, with error intervals marked, as one line chart."""
    width, height, left, bottom, top, right = 640, 220, 52, 28, 14, 12
    points = [s for s in stats if any(getattr(s, k) is not None for k, _ in _SERIES)]
    if not points:
        return Markup('<p class="muted">No latency statistics over time.</p>')
    t_max = max(max(s.t for s in points), 1e-6)
    y_max = max(getattr(s, k) or 0.0 for s in points for k, _ in _SERIES) or 1.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(t: float, v: float) -> str:
        return f"{left + plot_w * t / t_max:.1f},{top + plot_h * (1 - v / y_max):.1f}"

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>latency percentiles over time</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#8c959f"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#8c959f"/>',
    ]
    for frac in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - frac)
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" fill="#57606a" '
            f'text-anchor="end">{y_max * frac:.0f}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 8}" font-size="11" fill="#57606a">0 s</text>'
        f'<text x="{left + plot_w}" y="{height - 8}" font-size="11" fill="#57606a" '
        f'text-anchor="end">{t_max:.0f} s</text>'
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 8}" font-size="11" fill="#57606a" '
        'text-anchor="middle">time since the start (s)</text>'
        f'<text x="12" y="{top + plot_h / 2:.0f}" font-size="11" fill="#57606a" '
        f'text-anchor="middle" transform="rotate(-90 12 {top + plot_h / 2:.0f})">latency (ms)</text>'
    )
    for key, colour in _SERIES:
        coords = [xy(s.t, v) for s in points if (v := getattr(s, key)) is not None]
        if coords:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(coords)}"><title>{key}</title></polyline>'
            )
    for s in points:
        if s.errors:
            parts.append(
                f'<circle cx="{xy(s.t, 0).split(",")[0]}" cy="{top + plot_h}" r="4" '
                f'fill="#cf222e"><title>{escape(f"{s.errors:g} error(s) at {s.t:g} s")}</title>'
                "</circle>"
            )
    for i, (key, colour) in enumerate(_SERIES):
        x = left + 10 + i * 60
        parts.append(
            f'<rect x="{x}" y="{top}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{top + 9}" font-size="11" fill="#24292f">{key}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def grade_bar(counts: dict[str, int], order: Sequence[str]) -> Markup:
    """A stacked horizontal bar of ``counts`` per grade (in ``order``)."""
    total = sum(counts.get(g, 0) for g in order)
    width, height = 320, 14
    if total == 0:
        return Markup("")
    parts = [
        f'<svg class="bar" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    x = 0.0
    for grade in order:
        n = counts.get(grade, 0)
        if not n:
            continue
        w = width * n / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
            f'fill="{GRADE_COLOURS.get(grade, "#6e7781")}"><title>{escape(f"{n} {grade}")}'
            "</title></rect>"
        )
        x += w
    parts.append("</svg>")
    return Markup("".join(parts))
