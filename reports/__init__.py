"""Results of a run (a documented, versioned JSON model), the HTML report, run diffs, baselines.

``reports`` imports nothing else of a2a-harness: the conformance plugin and the load command
write their results through it, and ``a2a-harness report`` re-renders, merges and diffs them.

Example::

    from reports import load_results, render_html, publish_run

    run = load_results(Path("results.json"))          # checked, redacted
    Path("report.html").write_text(render_html([run]))
    publish_run(Path("out"), doc)                     # out/results.json + out/report.html
"""

from __future__ import annotations

from .diff import RunDiff, diff_expected, diff_runs
from .html import render_html, write_html
from .matrix import Matrix, build_matrix
from .publish import PublishedRun, publish_run
from .results import (
    SCHEMA,
    Results,
    ResultsError,
    collect_results,
    load_results,
    parse_results,
    write_results,
)

__all__ = [
    "SCHEMA",
    "Matrix",
    "PublishedRun",
    "Results",
    "ResultsError",
    "RunDiff",
    "build_matrix",
    "collect_results",
    "diff_expected",
    "diff_runs",
    "load_results",
    "parse_results",
    "publish_run",
    "render_html",
    "write_html",
    "write_results",
]
