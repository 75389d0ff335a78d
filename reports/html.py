"""The HTML report: one self-contained file (inline CSS, JS and SVG, no network), from runs.

Sections: summary per agent (card excerpt, versions, grade counts, compliance level per version,
registry coverage), requirement matrix grouped by spec area with grade/area filters, each
failure with its paraphrase, expected vs actual, transcript, SSE timeline, curl reproduction and
trace id, findings and N/A reasons, load gates and latency chart, the diff against a baseline,
and the run details.

Safety: Jinja2 autoescaping on every value, every printed string redacted once more
(:func:`reports.redaction.redact_text`), and a Content-Security-Policy that allows only the
report's own inline script and style (by hash) and no network at all — so even a string that
escaped escaping could neither run nor load anything.

Example::

    html = render_html([load_results(Path("results.json"))])
    write_html(Path("report.html"), html)
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ._views import card_excerpt, check_views, finding_rows, pretty
from .compliance import Compliance, Coverage, compliance_by_version, coverage
from .diff import RunDiff
from .grades import ERROR, FAIL, GRADES, UNTESTED
from .matrix import Column, Matrix, build_matrix
from .redaction import redact_text
from .results import Results, _write_atomic
from .svg import GRADE_COLOURS, grade_bar, latency_chart

__all__ = ["ColumnView", "grade_css", "render_html", "write_html"]

TEMPLATES = Path(__file__).parent / "templates"


def grade_css(grade: str) -> str:
    """The CSS class of a grade (``N/A`` -> ``g-na``, ``NON-STRICT`` -> ``g-nonstrict``)."""
    return "g-" + "".join(ch for ch in grade.lower() if ch.isalnum())


def _finalize(value: Any) -> Any:
    # Every {{ value }} passes here before escaping: the last redaction pass.
    if isinstance(value, Markup) or not isinstance(value, str):
        return "" if value is None else value
    return redact_text(value)


def _number(value: float | str | None) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else f"{value:g}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["grade_css"] = grade_css
    env.filters["ms"] = lambda s: "" if s is None else f"{s * 1000:.1f} ms"
    env.filters["num"] = _number
    env.filters["pretty"] = pretty
    return env


@dataclass(slots=True)
class ColumnView:
    """What the summary shows about one column."""

    column: Column
    counts: dict[str, int]
    bar: Markup
    compliance: list[Compliance]
    coverage: Coverage
    card: list[tuple[str, str]]
    card_origin: str
    load_chart: Markup | None

    @property
    def failing(self) -> int:
        """FAIL and ERROR checks not expected by a baseline."""
        return sum(1 for c in self.column.checks if c.grade in (FAIL, ERROR) and not c.baselined)


def _column_view(column: Column, matrix: Matrix) -> ColumnView:
    counts = column.counts()
    card, origin = card_excerpt(column)
    return ColumnView(
        column=column,
        counts=counts,
        bar=grade_bar(counts, GRADES),
        compliance=compliance_by_version(column, matrix.catalogue),
        coverage=coverage(column),
        card=card,
        card_origin=origin,
        load_chart=latency_chart(column.load.stats) if column.load else None,
    )


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def render_html(
    runs: list[Results],
    *,
    diffs: list[RunDiff] | None = None,
    title: str | None = None,
    generated: str | None = None,
) -> str:
    """The report of ``runs`` (one column per agent of each run), with ``diffs`` if given."""
    if not runs:
        raise ValueError("render_html needs at least one run")
    env = _environment()
    matrix = build_matrix(runs)
    views = [_column_view(c, matrix) for c in matrix.columns]
    failures, anchors = check_views(matrix.columns, matrix.catalogue)
    css = env.get_template("style.css.j2").render(colours=GRADE_COLOURS, grade_css=grade_css)
    js = env.get_template("script.js.j2").render()
    grades_present = [g for g in (*GRADES, UNTESTED) if any(g in r.grades for r in matrix.rows)]
    page = env.get_template("report.html.j2").render(
        title=title or _default_title(matrix),
        generated=generated or datetime.now(UTC).isoformat(timespec="seconds"),
        runs=runs,
        matrix=matrix,
        views=views,
        failures=failures,
        anchors=anchors,
        findings=finding_rows(matrix.columns),
        diffs=diffs or [],
        grades_present=grades_present,
        areas=list(dict.fromkeys(t for r in matrix.rows for t in (r.info.tags or (r.info.area,)))),
        css=Markup(css),
        js=Markup(js),
        csp=(
            "default-src 'none'; base-uri 'none'; form-action 'none'; "
            f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}"
        ),
        total_failing=sum(v.failing for v in views),
        totals=_totals(views),
    )
    return page


def _totals(views: list[ColumnView]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for view in views:
        for grade in GRADES:
            totals[grade] = totals.get(grade, 0) + view.counts.get(grade, 0)
    totals["checks"] = sum(totals.values())
    return totals


def _default_title(matrix: Matrix) -> str:
    labels = [c.label for c in matrix.columns]
    shown = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3 else "")
    return f"A2A conformance report: {shown}"


def write_html(path: Path, html: str) -> None:
    """Write the report atomically (a reader never sees half a page)."""
    _write_atomic(path, html)
