"""The task state machine: every pair of states, terminal immutability, the error types."""

from __future__ import annotations

import itertools

import pytest

from reference_agent.errors import InternalError
from reference_agent.model import (
    Artifact,
    ArtifactUpdate,
    Part,
    StatusUpdate,
    TaskState,
    TaskStatus,
)
from reference_agent.state_machine import (
    IllegalTransitionError,
    TerminalStateError,
    can_transition,
    check_event_allowed,
    check_events,
    check_transition,
)

S = TaskState
TERMINAL = [S.COMPLETED, S.FAILED, S.CANCELED, S.REJECTED]
INTERRUPTED = [S.INPUT_REQUIRED, S.AUTH_REQUIRED]

LEGAL = {
    (S.SUBMITTED, S.SUBMITTED),
    (S.SUBMITTED, S.WORKING),
    *((S.SUBMITTED, s) for s in INTERRUPTED + TERMINAL),
    (S.WORKING, S.WORKING),
    *((S.WORKING, s) for s in INTERRUPTED + TERMINAL),
    *((i, i) for i in INTERRUPTED),
    *((i, S.WORKING) for i in INTERRUPTED),
    *((i, t) for i in INTERRUPTED for t in TERMINAL),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_pair_follows_the_table(current: TaskState, target: TaskState) -> None:
    legal = (current, target) in LEGAL
    assert can_transition(current, target) is legal
    if legal:
        check_transition("t", current, target)
    else:
        with pytest.raises(IllegalTransitionError) as info:
            check_transition("t", current, target)
        assert info.value.current is current and info.value.target is target
        assert "t" in info.value.message and current.value in info.value.message


@pytest.mark.parametrize("terminal", TERMINAL)
def test_terminal_states_are_immutable(terminal: TaskState) -> None:
    for target in S:
        with pytest.raises(TerminalStateError):
            check_transition("t", terminal, target)
    with pytest.raises(TerminalStateError):
        check_event_allowed("t", terminal)


def test_synchronous_completion_and_rejection_at_creation_are_legal() -> None:
    check_transition("t", S.SUBMITTED, S.COMPLETED)
    check_transition("t", S.SUBMITTED, S.REJECTED)


def test_cancel_reaches_canceled_from_every_live_state() -> None:
    for state in (S.SUBMITTED, S.WORKING, *INTERRUPTED):
        check_transition("t", state, S.CANCELED)


def test_live_states_accept_artifact_events() -> None:
    for state in (S.SUBMITTED, S.WORKING, *INTERRUPTED):
        check_event_allowed("t", state)


def test_interrupted_task_never_returns_to_submitted_or_switches_interruption() -> None:
    with pytest.raises(IllegalTransitionError) as info:
        check_transition("t", S.INPUT_REQUIRED, S.AUTH_REQUIRED)
    assert not isinstance(info.value, TerminalStateError)
    with pytest.raises(IllegalTransitionError):
        check_transition("t", S.WORKING, S.SUBMITTED)


def test_illegal_transition_is_an_internal_error_with_metadata() -> None:
    with pytest.raises(InternalError) as info:
        check_transition("task-9", S.COMPLETED, S.WORKING)
    assert info.value.metadata == {"taskId": "task-9", "state": "completed", "target": "working"}


def _status(state: TaskState) -> StatusUpdate:
    return StatusUpdate("t", "c", TaskStatus(state, "2025-01-01T00:00:00.000Z"))


def _artifact() -> ArtifactUpdate:
    return ArtifactUpdate("t", "c", Artifact("a", [Part("text", "x")]))


def test_a_batch_is_checked_from_the_state_each_event_leaves() -> None:
    batch = [_status(S.WORKING), _artifact(), _status(S.INPUT_REQUIRED), _status(S.WORKING)]
    assert check_events("t", S.SUBMITTED, batch) is S.WORKING
    assert check_events("t", S.WORKING, []) is S.WORKING
    with pytest.raises(TerminalStateError):  # an artifact after the end of the batch's task
        check_events("t", S.SUBMITTED, [_status(S.COMPLETED), _artifact()])
    with pytest.raises(IllegalTransitionError) as info:  # legal alone, not after the first
        check_events("t", S.SUBMITTED, [_status(S.INPUT_REQUIRED), _status(S.AUTH_REQUIRED)])
    assert (info.value.current, info.value.target) == (S.INPUT_REQUIRED, S.AUTH_REQUIRED)
