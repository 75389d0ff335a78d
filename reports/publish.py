"""Write a run's ``results.json`` and ``report.html`` into a report directory.

This is what the conformance plugin calls at the end of every run (also a failing one) for
``--a2a-report-dir DIR``; the load command can call it the same way with a ``load`` member.

Example::

    paths = publish_run(Path("out"), doc)   # doc: the results document (a dict)
    print(paths.html)                       # out/report.html
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .html import render_html, write_html
from .results import write_results

__all__ = ["REPORT_NAME", "RESULTS_NAME", "PublishedRun", "publish_run"]

RESULTS_NAME = "results.json"
REPORT_NAME = "report.html"


@dataclass(slots=True, frozen=True)
class PublishedRun:
    """Where :func:`publish_run` wrote the two files."""

    results: Path
    html: Path


def publish_run(report_dir: Path, doc: dict[str, Any], *, title: str | None = None) -> PublishedRun:
    """Validate ``doc``, write it as ``results.json`` and render ``report.html`` beside it.

    Raises :class:`reports.results.ResultsError` when ``doc`` is not a valid results document
    (nothing is written then), and ``OSError`` when the directory cannot be written.
    """
    results_path = report_dir / RESULTS_NAME
    run = write_results(results_path, doc)
    html_path = report_dir / REPORT_NAME
    write_html(html_path, render_html([run], title=title))
    return PublishedRun(results_path, html_path)
