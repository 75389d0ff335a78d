"""Grade rules: level → grade, findings, exceptions, aggregation."""

from __future__ import annotations

import httpx
import pytest

from conformance.grading import (
    Check,
    CheckFailed,
    Grade,
    HarnessError,
    NotApplicable,
    grade_outcome,
    worst,
)


@pytest.mark.parametrize(
    ("level", "grade"), [("MUST", Grade.FAIL), ("SHOULD", Grade.NON_STRICT), ("MAY", Grade.INFO)]
)
def test_violation_graded_by_level(level: str, grade: Grade) -> None:
    assert grade_outcome(CheckFailed("x"), level, []).grade is grade
    assert grade_outcome(AssertionError("x"), level, []).grade is grade


def test_errors_never_pass() -> None:
    unreachable = (httpx.TransportError,)
    for exc in (httpx.ConnectError("refused"), HarnessError("h"), RuntimeError("bug")):
        assert grade_outcome(exc, "MUST", [], unreachable=unreachable).grade is Grade.ERROR


def test_findings_and_not_applicable() -> None:
    check = Check()
    check.info("note")
    check.warn("odd")
    assert grade_outcome(None, "MUST", check.findings).grade is Grade.WARNING
    assert grade_outcome(None, "MUST", []).grade is Grade.PASS
    out = grade_outcome(NotApplicable("no streaming"), "MUST", check.findings)
    assert (out.grade, out.message) == (Grade.NOT_APPLICABLE, "no streaming")


def test_check_equal_is_type_strict() -> None:
    check = Check()
    check.equal(3, 3, what="n")
    with pytest.raises(CheckFailed):
        check.equal("3", 3, what="id")
    with pytest.raises(CheckFailed):
        check.equal(True, 1, what="flag")


def test_worst() -> None:
    assert worst([Grade.PASS, Grade.NON_STRICT, Grade.NOT_APPLICABLE]) is Grade.NON_STRICT
    assert worst([Grade.NOT_APPLICABLE]) is Grade.NOT_APPLICABLE
    assert worst([Grade.PASS, Grade.ERROR, Grade.FAIL]) is Grade.ERROR
    assert worst([]) is None
