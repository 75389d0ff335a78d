"""Diff of two runs (new failures, fixed, unchanged) and against a baseline.

Two kinds of baseline are understood:

* a previous **results file**: requirements are compared per protocol version
  (``ERR-1`` in ``1.0``), so a regression in one version is not hidden by the other;
* a **known-failures file** (``{"expected_failures": {"REQ-ID": "comment"}}``, the format of
  ``--a2a-baseline``): listed failures are expected, a failure not listed is new, and a listed
  requirement that now holds is *fixed* — the baseline is stale and should lose that line.

Kinds of change (a failure is FAIL, NON-STRICT or ERROR)::

    new failure       failing now; held (or was not tested) before
    fixed             failing before; PASS, WARNING or INFO now
    still failing     failing in both
    changed           neither failing, grade differs (e.g. PASS -> WARNING, FAIL -> N/A)
    unchanged         same grade, not failing
    newly tested      not tested before, not failing now
    no longer tested  tested before, not now

Example::

    diff = diff_runs(old_column, new_column, matrix.catalogue)
    print(len(diff.of_kind(NEW_FAILURE)), "new failure(s)")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ._model import RequirementInfo
from .grades import INFO, PASS, WARNING, is_failure
from .matrix import Column
from .results import ResultsError

__all__ = [
    "CHANGED",
    "FIXED",
    "KINDS",
    "NEWLY_TESTED",
    "NEW_FAILURE",
    "NO_LONGER_TESTED",
    "STILL_FAILING",
    "UNCHANGED",
    "DiffEntry",
    "ExpectedFailures",
    "RunDiff",
    "diff_expected",
    "diff_runs",
    "load_expected_failures",
]

NEW_FAILURE = "new failure"
FIXED = "fixed"
STILL_FAILING = "still failing"
CHANGED = "changed"
UNCHANGED = "unchanged"
NEWLY_TESTED = "newly tested"
NO_LONGER_TESTED = "no longer tested"
KINDS = (NEW_FAILURE, FIXED, STILL_FAILING, CHANGED, NEWLY_TESTED, NO_LONGER_TESTED, UNCHANGED)


@dataclass(slots=True, frozen=True)
class DiffEntry:
    """One requirement (in one version) whose grade was compared."""

    info: RequirementInfo
    version: str
    old: str | None
    new: str | None
    kind: str
    comment: str | None = None


@dataclass(slots=True)
class RunDiff:
    """The comparison of one column against its baseline."""

    old_label: str
    new_label: str
    entries: list[DiffEntry] = field(default_factory=list)
    expected_failures: bool = False

    def of_kind(self, kind: str) -> list[DiffEntry]:
        """The entries of one kind, in requirement order."""
        return [e for e in self.entries if e.kind == kind]

    def counts(self) -> dict[str, int]:
        """Number of entries per kind, every kind present (0 when none)."""
        return {kind: len(self.of_kind(kind)) for kind in KINDS}

    @property
    def regressed(self) -> bool:
        """Whether anything fails now that did not fail (or was not listed) before."""
        return bool(self.of_kind(NEW_FAILURE))


@dataclass(slots=True, frozen=True)
class ExpectedFailures:
    """A known-failures baseline: requirement id -> why its failure is expected."""

    source: str
    comments: dict[str, str]


def _kind(old: str | None, new: str | None) -> str:
    if old is None:
        return NEW_FAILURE if is_failure(new) else NEWLY_TESTED
    if new is None:
        return NO_LONGER_TESTED
    if is_failure(old) and is_failure(new):
        return STILL_FAILING
    if is_failure(new):
        return NEW_FAILURE
    if is_failure(old):
        return FIXED if new in (PASS, WARNING, INFO) else CHANGED
    return UNCHANGED if old == new else CHANGED


def diff_runs(old: Column, new: Column, catalogue: dict[str, RequirementInfo]) -> RunDiff:
    """Compare ``new`` against ``old``, requirement by requirement and version by version."""
    diff = RunDiff(old.label, new.label)
    ids = list(new.by_version) + [r for r in old.by_version if r not in new.by_version]
    for req_id in ids:
        info = catalogue.get(req_id) or RequirementInfo(req_id, "MUST")
        before, after = old.by_version.get(req_id, {}), new.by_version.get(req_id, {})
        for version in sorted(set(before) | set(after)):
            o, n = before.get(version), after.get(version)
            diff.entries.append(DiffEntry(info, version, o, n, _kind(o, n)))
    return diff


def diff_expected(
    expected: ExpectedFailures, new: Column, catalogue: dict[str, RequirementInfo]
) -> RunDiff:
    """Compare ``new`` against a known-failures baseline (listed failures are expected)."""
    diff = RunDiff(expected.source, new.label, expected_failures=True)
    for req_id, grade in new.grades.items():
        info = catalogue.get(req_id) or RequirementInfo(req_id, "MUST")
        comment = expected.comments.get(req_id)
        if comment is not None:
            kind = STILL_FAILING if is_failure(grade) else _kind("FAIL", grade)
            diff.entries.append(DiffEntry(info, "all", "FAIL", grade, kind, comment))
        elif is_failure(grade):
            diff.entries.append(DiffEntry(info, "all", None, grade, NEW_FAILURE))
    for req_id, comment in expected.comments.items():
        if req_id not in new.grades:
            info = catalogue.get(req_id) or RequirementInfo(req_id, "MUST")
            diff.entries.append(DiffEntry(info, "all", "FAIL", None, NO_LONGER_TESTED, comment))
    return diff


def load_expected_failures(path: Path, doc: object) -> ExpectedFailures:
    """A known-failures baseline from its parsed document; a problem raises ResultsError."""
    failures = doc.get("expected_failures") if isinstance(doc, dict) else None
    if not isinstance(failures, dict):
        raise ResultsError(
            f'{path}: expected {{"expected_failures": {{"REQ-ID": "comment"}}}} '
            "or an a2a-harness results file"
        )
    for req_id, comment in failures.items():
        if not isinstance(comment, str):
            raise ResultsError(f"{path}: expected_failures.{req_id}: expected a comment string")
    return ExpectedFailures(str(path), dict(failures))


def is_expected_failures(doc: object) -> bool:
    """Whether a parsed document is a known-failures baseline rather than a results file."""
    return isinstance(doc, dict) and "expected_failures" in doc and "schema" not in doc
