"""From a pytest outcome to a graded report, and the requirement summary at the end.

Grades map onto pytest so that its machinery (exit code, JUnit XML, ``-x``) stays right:

=========== ================================ ==============================
grade       pytest outcome                   closing-line category
=========== ================================ ==============================
PASS        passed                           passed
FAIL        failed                           failed
ERROR       failed                           error
NON-STRICT  passed (failed with --a2a-strict) NON-STRICT
WARNING     passed                           WARNING
INFO        passed                           INFO
N/A         skipped (reason shown)           N/A
baselined   skipped as xfail (comment)       baselined
=========== ================================ ==============================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from .grading import Check, Grade, HarnessError, grade_outcome
from .results import CheckResult

if TYPE_CHECKING:
    from .evidence import Evidence
    from .run import SuiteRun, TargetSpec

__all__ = ["CATEGORIES", "grade_report", "requirement_of", "write_summary"]

CATEGORIES: dict[str, tuple[str, str, str]] = {
    Grade.PASS.value: ("passed", ".", "PASS"),
    Grade.FAIL.value: ("failed", "F", "FAIL"),
    Grade.ERROR.value: ("error", "E", "ERROR"),
    Grade.NON_STRICT.value: ("NON-STRICT", "n", "NON-STRICT"),
    Grade.WARNING.value: ("WARNING", "w", "WARNING"),
    Grade.INFO.value: ("INFO", "i", "INFO"),
    Grade.NOT_APPLICABLE.value: ("N/A", "-", "N/A"),
    "baselined": ("baselined", "x", "BASELINED"),
}


def requirement_of(item: pytest.Item) -> str | None:
    """The id of ``@pytest.mark.requirement(ID)`` on ``item``, or None."""
    marker = item.get_closest_marker("requirement")
    if marker is None or not marker.args:
        return None
    return str(marker.args[0])


def grade_report(
    item: pytest.Item,
    report: pytest.TestReport,
    excinfo: pytest.ExceptionInfo[BaseException] | None,
    run: SuiteRun,
    check: Check | None,
    evidence: Evidence | None,
) -> CheckResult | None:
    """Grade ``report`` in place; returns the result once the item's grade is final."""
    from .client.http import TRANSPORT_ERRORS
    from .client.sse import SseDecodeError, SseLimitExceeded

    req_id = requirement_of(item)
    if req_id is None or req_id not in run.registry:
        return None
    if report.when == "setup" and report.passed:
        return None
    if report.when == "teardown":
        return None
    exc = excinfo.value if excinfo is not None else None
    if isinstance(exc, pytest.skip.Exception):
        from .grading import NotApplicable

        exc = NotApplicable(str(exc.msg) if hasattr(exc, "msg") else str(exc))
    requirement = run.registry[req_id]
    findings = check.findings if check else []
    unreachable: tuple[type, ...] = (*TRANSPORT_ERRORS, SseLimitExceeded, SseDecodeError)
    outcome = grade_outcome(exc, str(requirement.level), findings, unreachable=unreachable)
    spec: TargetSpec | None = _spec_of(item)
    result = CheckResult(
        nodeid=item.nodeid,
        name=item.name,
        requirement=req_id,
        level=str(requirement.level),
        section=requirement.section,
        grade=outcome.grade,
        version=_version_of(spec, requirement.versions),
        interface=spec.interface.url if spec and spec.interface else None,
        agent=run.agents[spec.agent_index].url if spec and run.agents else None,
        message=outcome.message,
        expected=outcome.expected,
        actual=outcome.actual,
        findings=list(findings),
        duration_s=report.duration,
        trace_id=evidence.trace_id if evidence else None,
        evidence=evidence.to_json() if evidence else {},
    )
    if outcome.grade.is_failure and outcome.grade is not Grade.ERROR:
        result.baselined = run.baseline.comment(req_id)
    _apply(report, result, requirement.paraphrase, run, exc, evidence)
    item.user_properties.append(("requirement", req_id))
    item.user_properties.append(("grade", result.grade.value))
    return result


def _version_of(spec: TargetSpec | None, versions: tuple[str, ...]) -> str | None:
    """The protocol version a result belongs to (for an N/A by version: the one it needs)."""
    if spec is None:
        return None
    if spec.version is None and spec.not_applicable and len(versions) == 1:
        return versions[0]
    return spec.version


def _spec_of(item: pytest.Item) -> TargetSpec | None:
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    for name in ("a2a", "a2a_agent", "a2a_instances", "a2a_balanced"):
        if name in callspec.params:
            spec: TargetSpec = callspec.params[name]
            return spec
    return None


def _apply(
    report: pytest.TestReport,
    result: CheckResult,
    paraphrase: str,
    run: SuiteRun,
    exc: BaseException | None,
    evidence: Evidence | None,
) -> None:
    grade = result.grade
    # Read back by pytest_report_teststatus (extra attributes on reports are pytest's idiom).
    setattr(report, "a2a_grade", "baselined" if result.baselined else grade.value)  # noqa: B010
    text = _failure_text(result, paraphrase, evidence)
    if result.baselined:
        report.outcome = "skipped"
        report.wasxfail = f"baseline: {result.baselined}"
        report.longrepr = text
    elif grade is Grade.NOT_APPLICABLE:
        report.outcome = "skipped"
        path, lineno, _ = report.location
        report.longrepr = (path, (lineno or 0) + 1, f"N/A: {result.message}")
    elif grade is Grade.FAIL or (grade is Grade.NON_STRICT and run.options.strict):
        report.outcome = "failed"
        report.longrepr = text
    elif grade is Grade.ERROR:
        report.outcome = "failed"
        if exc is None or not isinstance(exc, Exception) or _is_plain_error(exc):
            report.longrepr = text
    else:
        report.outcome = "passed"
        report.longrepr = None


def _is_plain_error(exc: BaseException) -> bool:
    """Errors whose message says it all (no harness traceback needed)."""
    from .client.http import TRANSPORT_ERRORS
    from .client.sse import SseDecodeError, SseLimitExceeded

    return isinstance(exc, (*TRANSPORT_ERRORS, HarnessError, SseLimitExceeded, SseDecodeError))


def _failure_text(result: CheckResult, paraphrase: str, evidence: Evidence | None) -> str:
    where = f" [v{result.version} {result.interface}]" if result.version else ""
    lines = [
        f"{result.grade.value}: {result.requirement} ({result.level}, {result.section}){where}",
        f"  rule: {paraphrase}",
        f"  found: {result.message}",
    ]
    if result.expected is not None or result.actual is not None:
        lines.append(f"  expected: {_short(result.expected)}")
        lines.append(f"  actual:   {_short(result.actual)}")
    if evidence is not None and evidence.exchanges:
        lines.append(evidence.summary())
    return "\n".join(lines)


def _short(value: Any, limit: int = 500) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def write_summary(terminalreporter: Any, run: SuiteRun) -> None:
    """The requirement summary, printed after pytest's failure details."""
    rows = run.collector.requirement_rows(run.registry)
    tr = terminalreporter
    if not rows and not run.collector.alarms:
        return
    tr.write_sep("=", "A2A requirement summary")
    columns = sorted({v for row in rows for v in row.by_version})
    header = f"{'requirement':<19}{'level':<8}" + "".join(f"{_col(c):<12}" for c in columns)
    tr.write_line(header + "rule")
    for row in rows:
        cells = "".join(
            f"{(row.by_version[c].value if c in row.by_version else '-'):<12}" for c in columns
        )
        mark = " (baselined)" if row.baselined else ""
        tr.write_line(f"{row.id:<18} {row.level:<8}{cells}{_short(row.paraphrase, 70)}{mark}")
    notes = [
        r
        for r in run.collector.checks
        if r.grade in (Grade.NON_STRICT, Grade.WARNING, Grade.INFO, Grade.NOT_APPLICABLE)
        or (r.findings and r.grade is Grade.PASS)
    ]
    if notes:
        tr.write_sep("-", "findings and N/A reasons")
        for res in notes:
            tr.write_line(f"{res.grade.value:<11}{res.requirement:<18} {res.nodeid}")
            tr.write_line(f"{'':<11}{_short(res.message, 300)}")
    counts = run.collector.summary()
    shown = ", ".join(f"{n} {g}" for g, n in counts.items() if n)
    tr.write_line(f"checks by grade: {shown or 'none'}")
    for alarm in run.collector.alarms:
        tr.write_line(f"BASELINE ALARM: {alarm}", red=True, bold=True)


def _col(version: str) -> str:
    return version if version == "card" else f"v{version}"
