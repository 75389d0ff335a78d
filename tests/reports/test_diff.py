"""Diff of two runs, and against a known-failures baseline."""

from __future__ import annotations

from typing import Any

from reports.diff import (
    CHANGED,
    FIXED,
    NEW_FAILURE,
    NEWLY_TESTED,
    NO_LONGER_TESTED,
    STILL_FAILING,
    UNCHANGED,
    ExpectedFailures,
    diff_expected,
    diff_runs,
)
from reports.matrix import Column, build_matrix
from reports.results import parse_results

from .factories import check, requirement, results_doc

IDS = ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6", "A-7"]


def _column(grades: dict[str, str | tuple[str, str]]) -> tuple[Column, Any]:
    checks = []
    for req_id, grade in grades.items():
        v10, v03 = grade if isinstance(grade, tuple) else (grade, None)
        checks.append(check(req_id, v10, version="1.0"))
        if v03:
            checks.append(check(req_id, v03, version="0.3"))
    matrix = build_matrix([parse_results(results_doc(checks, [requirement(i) for i in IDS]))])
    return matrix.columns[0], matrix.catalogue


def test_every_kind_of_change() -> None:
    old, _ = _column(
        {"A-1": "PASS", "A-2": "FAIL", "A-3": "FAIL", "A-4": "PASS", "A-5": "PASS", "A-7": "PASS"}
    )
    new, catalogue = _column(
        {
            "A-1": "FAIL",
            "A-2": "PASS",
            "A-3": "ERROR",
            "A-4": "WARNING",
            "A-5": "PASS",
            "A-6": "PASS",
        }
    )
    diff = diff_runs(old, new, catalogue)
    kinds = {e.info.id: e.kind for e in diff.entries}
    assert kinds == {
        "A-1": NEW_FAILURE,
        "A-2": FIXED,
        "A-3": STILL_FAILING,
        "A-4": CHANGED,
        "A-5": UNCHANGED,
        "A-6": NEWLY_TESTED,
        "A-7": NO_LONGER_TESTED,
    }
    assert diff.regressed
    assert diff.counts()[NEW_FAILURE] == 1 and diff.counts()[FIXED] == 1


def test_a_regression_in_one_version_is_not_hidden_by_the_other() -> None:
    old, _ = _column({"A-1": ("PASS", "PASS")})
    new, catalogue = _column({"A-1": ("PASS", "FAIL")})
    diff = diff_runs(old, new, catalogue)
    assert [(e.version, e.kind) for e in diff.entries] == [("0.3", NEW_FAILURE), ("1.0", UNCHANGED)]


def test_fail_then_not_applicable_is_a_change_not_a_fix() -> None:
    old, _ = _column({"A-1": "FAIL"})
    new, catalogue = _column({"A-1": "N/A"})
    assert diff_runs(old, new, catalogue).entries[0].kind == CHANGED


def test_no_change_no_regression() -> None:
    old, _ = _column({"A-1": "PASS", "A-2": "FAIL"})
    new, catalogue = _column({"A-1": "PASS", "A-2": "FAIL"})
    diff = diff_runs(old, new, catalogue)
    assert not diff.regressed
    assert diff.counts()[UNCHANGED] == 1 and diff.counts()[STILL_FAILING] == 1


def test_against_known_failures() -> None:
    new, catalogue = _column({"A-1": "FAIL", "A-2": "FAIL", "A-3": "PASS", "A-4": "PASS"})
    expected = ExpectedFailures(
        "baseline.json", {"A-2": "vendor bug 12", "A-3": "legacy path", "A-6": "not run"}
    )
    diff = diff_expected(expected, new, catalogue)
    kinds = {e.info.id: (e.kind, e.comment) for e in diff.entries}
    assert kinds == {
        "A-1": (NEW_FAILURE, None),
        "A-2": (STILL_FAILING, "vendor bug 12"),
        "A-3": (FIXED, "legacy path"),  # stale baseline line
        "A-6": (NO_LONGER_TESTED, "not run"),
    }
    assert diff.regressed and diff.expected_failures
