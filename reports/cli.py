"""``a2a-harness report RESULTS… [--html OUT] [--baseline OLD]``: re-render, merge and diff runs.

RESULTS are results files, or directories whose ``*.json`` results files are all taken (other
JSON files there are skipped with a note). Several runs are merged into one report, one column
per agent of each run. ``--baseline`` is a previous results file (diffed requirement by
requirement and version by version) or a known-failures file
(``{"expected_failures": {"REQ-ID": "comment"}}``). A summary is printed either way.

Exit codes: 0 done; 1 with ``--fail-on-regression`` when a requirement fails that did not fail
(or was not listed) in the baseline; 2 bad input (missing file, not JSON, not a results file,
unknown schema version), each reported in one line naming the file and the problem.

Example::

    a2a-harness report out/results.json --html report.html
    a2a-harness report today.json --baseline yesterday.json --html diff.html --fail-on-regression
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .compliance import compliance_by_version, coverage
from .diff import (
    ExpectedFailures,
    RunDiff,
    diff_expected,
    diff_runs,
    is_expected_failures,
    load_expected_failures,
)
from .grades import GRADES
from .html import render_html, write_html
from .matrix import Matrix, build_matrix
from .results import ResultsError, collect_results, parse_results, read_json

__all__ = ["main"]

EXIT_OK, EXIT_REGRESSION, EXIT_USAGE = 0, 1, 2
PROG = "a2a-harness report"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise ResultsError(f"{message} (see `{PROG} --help`)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Render, merge and diff a2a-harness results files into one HTML report.",
    )
    parser.add_argument("results", nargs="+", metavar="RESULTS", help="results file or directory")
    parser.add_argument("--html", metavar="OUT", type=Path, help="write the HTML report here")
    parser.add_argument(
        "--baseline",
        metavar="OLD",
        type=Path,
        help="previous results file, or a known-failures file, to diff against",
    )
    parser.add_argument("--title", help="title of the report")
    parser.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="exit 1 when a requirement fails that did not fail in the baseline",
    )
    return parser


def _baseline_diffs(matrix: Matrix, path: Path) -> list[RunDiff]:
    doc = read_json(path)
    if is_expected_failures(doc):
        expected: ExpectedFailures = load_expected_failures(path, doc)
        return [diff_expected(expected, c, matrix.catalogue) for c in matrix.columns]
    old = build_matrix([parse_results(doc, str(path))])
    catalogue = {**old.catalogue, **matrix.catalogue}
    diffs = []
    for i, column in enumerate(matrix.columns):
        # Ports change from run to run: pair columns by position, else with the first.
        base = old.columns[i] if i < len(old.columns) else old.columns[0]
        diff = diff_runs(base, column, catalogue)
        diff.old_label = f"{base.label} ({path})"
        diffs.append(diff)
    return diffs


def _summary_lines(matrix: Matrix, diffs: list[RunDiff]) -> list[str]:
    lines = []
    for column in matrix.columns:
        counts = column.counts()
        shown = ", ".join(f"{counts[g]} {g}" for g in GRADES if counts.get(g))
        if counts.get("baselined"):
            shown += f" ({counts['baselined']} baselined)"
        cov = coverage(column)
        total = "?" if cov.registry_size is None else str(cov.registry_size)
        levels = "; ".join(
            f"v{c.version} {c.level}" for c in compliance_by_version(column, matrix.catalogue)
        )
        lines.append(f"{column.label}: {shown or 'no checks'}")
        lines.append(
            f"  compliance: {levels or 'no version judged'}; "
            f"requirements graded {cov.tested}, N/A {cov.not_applicable}, registry {total}"
        )
    for diff in diffs:
        counts = diff.counts()
        lines.append(
            f"diff {diff.new_label} vs {diff.old_label}: {counts['new failure']} new failure(s), "
            f"{counts['fixed']} fixed, {counts['still failing']} still failing, "
            f"{counts['unchanged']} unchanged"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``a2a-harness report``; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            args = _parser().parse_args(args_list)
        except SystemExit as exc:  # --help
            return int(exc.code or 0)
        runs, notes = collect_results([Path(p) for p in args.results])
        matrix = build_matrix(runs)
        diffs = _baseline_diffs(matrix, args.baseline) if args.baseline else []
    except ResultsError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for note in notes:
        print(f"{PROG}: {note}", file=sys.stderr)
    for line in _summary_lines(matrix, diffs):
        print(line)
    if args.html is not None:
        html = render_html(runs, diffs=diffs, title=args.title)
        try:
            write_html(args.html, html)
        except OSError as exc:
            print(f"{PROG}: cannot write {args.html}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"wrote {args.html} ({len(html.encode()) // 1024} KiB)")
    if args.fail_on_regression and any(d.regressed for d in diffs):
        return EXIT_REGRESSION
    return EXIT_OK
