"""Grades and the check API that suite tests use to state what they found.

Grades (ARCHITECTURE.md "The conformance model")::

    ERROR       harness error, agent unreachable or timed out: never counted as a pass
    FAIL        a MUST requirement is violated
    NON-STRICT  a SHOULD requirement is violated (fails the run only with --a2a-strict)
    WARNING     heuristic or spec-ambiguous finding (digest §2.23)
    INFO        a MAY item the agent does not do, or a note
    N/A         the agent does not offer the behaviour or capability (only from an explicit probe)
    PASS

A test states a violation with ``check.fail(...)`` (or a plain ``assert``); the grade then
follows the level of the requirement the test cites. Exceptions are the control flow because
pytest already knows how to stop a test on one; :func:`grade_outcome` turns the outcome of one
test into its grade.

Example::

    @pytest.mark.requirement("JSONRPC-3")
    def test_method_not_found(a2a, check):
        reply = a2a.rpc.call_raw({"jsonrpc": "2.0", "id": 7, "method": "NoSuchMethod"})
        check.equal(reply.error_code, -32601, what="error.code")
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, NoReturn

__all__ = [
    "Check",
    "CheckFailed",
    "Finding",
    "Grade",
    "HarnessError",
    "NotApplicable",
    "grade_for_level",
    "grade_outcome",
]


class Grade(enum.StrEnum):
    """The verdict of one check. Declared from worst to best (see :attr:`rank`)."""

    ERROR = "ERROR"
    FAIL = "FAIL"
    NON_STRICT = "NON-STRICT"
    WARNING = "WARNING"
    INFO = "INFO"
    NOT_APPLICABLE = "N/A"
    PASS = "PASS"

    @property
    def rank(self) -> int:
        """0 for the worst grade (ERROR); used to aggregate several checks of one requirement."""
        return list(Grade).index(self)

    @property
    def is_failure(self) -> bool:
        """Whether the grade reports a violation or an error (never a pass)."""
        return self in (Grade.ERROR, Grade.FAIL, Grade.NON_STRICT)


def worst(grades: list[Grade]) -> Grade | None:
    """The worst of ``grades``; N/A only when nothing else was graded, None when empty."""
    if not grades:
        return None
    graded = [g for g in grades if g is not Grade.NOT_APPLICABLE]
    if not graded:
        return Grade.NOT_APPLICABLE
    return min(graded, key=lambda g: g.rank)


def grade_for_level(level: str) -> Grade:
    """The grade a violated requirement of ``level`` (MUST / SHOULD / MAY) earns."""
    return {"MUST": Grade.FAIL, "SHOULD": Grade.NON_STRICT, "MAY": Grade.INFO}[str(level)]


class CheckFailed(AssertionError):
    """The agent broke the rule under test; graded by the requirement's level."""

    def __init__(self, message: str, *, expected: Any = None, actual: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.actual = actual

    def __str__(self) -> str:
        text = self.message
        if self.expected is not None or self.actual is not None:
            text += f"\n  expected: {_short(self.expected)}\n  actual:   {_short(self.actual)}"
        return text


class NotApplicable(Exception):
    """The probe showed that the agent does not offer the behaviour; the reason is shown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class HarnessError(Exception):
    """The harness could not judge (agent unreachable, timeout, bad configuration): ERROR."""


@dataclass(slots=True)
class Finding:
    """A non-fatal observation recorded during a check (WARNING or INFO)."""

    grade: Grade
    message: str
    expected: Any = None
    actual: Any = None

    def to_json(self) -> dict[str, Any]:
        """JSON form for the results file."""
        out: dict[str, Any] = {"grade": self.grade.value, "message": self.message}
        if self.expected is not None:
            out["expected"] = _jsonable(self.expected)
        if self.actual is not None:
            out["actual"] = _jsonable(self.actual)
        return out


@dataclass(slots=True)
class Check:
    """What a suite test uses to grade: raise a violation, record warnings, or bow out as N/A."""

    requirement: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def fail(self, message: str, *, expected: Any = None, actual: Any = None) -> NoReturn:
        """The rule is violated: stop the check (FAIL / NON-STRICT / INFO by level)."""
        raise CheckFailed(message, expected=expected, actual=actual)

    def that(
        self, condition: object, message: str, *, expected: Any = None, actual: Any = None
    ) -> None:
        """:meth:`fail` with ``message`` unless ``condition`` holds."""
        if not condition:
            self.fail(message, expected=expected, actual=actual)

    def equal(self, actual: Any, expected: Any, *, what: str) -> None:
        """Fail unless ``actual == expected`` (and of the same JSON type); ``what`` names the value."""
        same_type = type(actual) is type(expected) or (
            isinstance(actual, int | float)
            and isinstance(expected, int | float)
            and not isinstance(actual, bool)
            and not isinstance(expected, bool)
        )
        if actual != expected or not same_type:
            self.fail(f"{what} is wrong", expected=expected, actual=actual)

    def warn(self, message: str, *, expected: Any = None, actual: Any = None) -> None:
        """Record a WARNING (heuristic or spec-ambiguous) and carry on."""
        self.findings.append(Finding(Grade.WARNING, message, expected, actual))

    def spec_ambiguous(self, message: str, *, item: int) -> None:
        """Record a WARNING for one of the spec contradictions of digest §2.23 (``item``)."""
        self.warn(f"spec-ambiguous (digest §2.23 item {item}): {message}")

    def note(self, message: str) -> None:
        """Record a remark that does not change the grade (shown with the findings)."""
        self.findings.append(Finding(Grade.PASS, message))

    def info(self, message: str) -> None:
        """Record an INFO note and carry on."""
        self.findings.append(Finding(Grade.INFO, message))

    def not_applicable(self, reason: str) -> NoReturn:
        """The probe showed the behaviour is not offered: stop with N/A and ``reason``."""
        raise NotApplicable(reason)


@dataclass(slots=True)
class Outcome:
    """The grade of one check and the text a user reads about it."""

    grade: Grade
    message: str = ""
    expected: Any = None
    actual: Any = None


def grade_outcome(
    exc: BaseException | None,
    level: str,
    findings: list[Finding],
    *,
    unreachable: tuple[type, ...] = (),
) -> Outcome:
    """Grade one check from the exception it raised (or None) and its recorded findings.

    ``unreachable`` are exception types that mean "the agent could not be talked to" (transport
    errors, timeouts): they grade ERROR, never PASS and never FAIL.
    """
    if exc is None:
        worst_finding = min(findings, key=lambda f: f.grade.rank) if findings else None
        if worst_finding is None:
            return Outcome(Grade.PASS)
        return Outcome(
            worst_finding.grade, worst_finding.message, worst_finding.expected, worst_finding.actual
        )
    if isinstance(exc, NotApplicable):
        return Outcome(Grade.NOT_APPLICABLE, exc.reason)
    if isinstance(exc, CheckFailed):
        return Outcome(grade_for_level(level), exc.message, exc.expected, exc.actual)
    if isinstance(exc, AssertionError):
        return Outcome(grade_for_level(level), str(exc) or "assertion failed")
    if unreachable and isinstance(exc, unreachable):
        return Outcome(Grade.ERROR, f"agent unreachable or too slow: {type(exc).__name__}: {exc}")
    if isinstance(exc, HarnessError):
        return Outcome(Grade.ERROR, str(exc))
    return Outcome(Grade.ERROR, f"harness error: {type(exc).__name__}: {exc}")


def _short(value: Any, limit: int = 400) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)
