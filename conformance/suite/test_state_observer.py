"""What the state-machine observer saw over the whole run (these checks run last).

Every Task and status event any check read went through :class:`conformance.observer.StateObserver`;
here its findings are graded per protocol version. N/A when the run observed nothing to judge.
"""

from __future__ import annotations

import pytest

from conformance.grading import Check
from conformance.run import SuiteRun
from conformance.target import Target

pytestmark = pytest.mark.a2a_last


def _judge(
    a2a: Target, a2a_run: SuiteRun, check: Check, rule: str, count_rule: str, what: str
) -> None:
    observer = a2a_run.observer
    assert observer is not None
    if observer.count(count_rule, a2a.version) == 0:
        check.not_applicable(f"no {what} was observed in v{a2a.version} during this run")
    found = [v for v in observer.by_rule(rule, a2a.version) if v.task_id]
    check.that(
        not found,
        f"{len(found)} violation(s) seen across the run",
        expected="none",
        actual=[f"{v.message} (seen in {v.seen_in})" for v in found[:10]],
    )


@pytest.mark.requirement("STATE-1")
def test_terminal_states_never_change(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """No task observed in a terminal state was later seen in another state."""
    _judge(a2a, a2a_run, check, "transition", "transition", "task state")


@pytest.mark.requirement("STATE-4")
def test_task_states_use_version_names(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """Every observed state is a value of the interface's version."""
    _judge(a2a, a2a_run, check, "enum", "enum", "task state")


@pytest.mark.requirement("STATE-5")
def test_no_placeholder_state(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """No observed state is the placeholder (TASK_STATE_UNSPECIFIED / unknown)."""
    _judge(a2a, a2a_run, check, "unspecified", "enum", "task state")


@pytest.mark.requirement("TS-1")
def test_timestamps_utc_z(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """Every observed v1.0 status timestamp is ISO 8601 UTC with a Z suffix."""
    _judge(a2a, a2a_run, check, "timestamp", "timestamp", "status timestamp")


@pytest.mark.requirement("TS-5")
def test_timestamps_iso8601_v03(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """Every observed v0.3 status timestamp parses as ISO 8601."""
    _judge(a2a, a2a_run, check, "timestamp", "timestamp", "status timestamp")
