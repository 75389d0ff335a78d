"""The task state machine: the one place where task transitions are validated.

Neither A2A version publishes a normative transition table; these rules are derived from the
spec text (digest §2.11, v1.0 "life of a task")::

    SUBMITTED ──► WORKING ──► INPUT_REQUIRED / AUTH_REQUIRED ──► WORKING ──► …
        │            │                    │
        └────────────┴────────────────────┴──► COMPLETED | FAILED | CANCELED | REJECTED

* Terminal states never change (task immutability).
* A non-terminal state may be re-entered: WORKING→WORKING carries a new status message, and an
  interrupted state re-entered is not a change of state.
* SUBMITTED may jump straight to any terminal state: synchronous SUBMITTED→COMPLETED is legal
  (TCK issue #146 came from assuming otherwise), and REJECTED happens at creation.
* An interrupted task resumes to WORKING or ends; it never goes back to SUBMITTED, and it does
  not switch from one kind of interruption to the other.
* Cancellation takes any non-terminal task to CANCELED.

The store calls :func:`check_events` (or :func:`check_transition`) inside its atomic "apply
events" step, so no code path can bypass it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .errors import InternalError
from .model import ArtifactUpdate, StatusUpdate, TaskState

__all__ = [
    "LEGAL_TRANSITIONS",
    "IllegalTransitionError",
    "TerminalStateError",
    "can_transition",
    "check_event_allowed",
    "check_events",
    "check_transition",
]

_S = TaskState
_TERMINALS = frozenset({_S.COMPLETED, _S.FAILED, _S.CANCELED, _S.REJECTED})

LEGAL_TRANSITIONS: Mapping[TaskState, frozenset[TaskState]] = {
    _S.SUBMITTED: frozenset(
        {_S.SUBMITTED, _S.WORKING, _S.INPUT_REQUIRED, _S.AUTH_REQUIRED} | _TERMINALS
    ),
    _S.WORKING: frozenset({_S.WORKING, _S.INPUT_REQUIRED, _S.AUTH_REQUIRED} | _TERMINALS),
    _S.INPUT_REQUIRED: frozenset({_S.INPUT_REQUIRED, _S.WORKING} | _TERMINALS),
    _S.AUTH_REQUIRED: frozenset({_S.AUTH_REQUIRED, _S.WORKING} | _TERMINALS),
    _S.COMPLETED: frozenset(),
    _S.FAILED: frozenset(),
    _S.CANCELED: frozenset(),
    _S.REJECTED: frozenset(),
}
"""For each state, the states a task may move to next (re-entering a live state included)."""


class IllegalTransitionError(InternalError):
    """A transition the state machine forbids.

    It is an internal error by default because a correct engine never attempts one; operations
    that race with a task's end (cancel, a follow-up message) catch it and answer with their own
    A2A error (TaskNotCancelable, UnsupportedOperation).
    """

    def __init__(self, task_id: str, current: TaskState, target: TaskState) -> None:
        super().__init__(
            f"task {task_id}: illegal transition {current.value} -> {target.value}",
            metadata={"taskId": task_id, "state": current.value, "target": target.value},
        )
        self.task_id = task_id
        self.current = current
        self.target = target


class TerminalStateError(IllegalTransitionError):
    """The task is already terminal: it is immutable and accepts no further event."""


def can_transition(current: TaskState, target: TaskState) -> bool:
    """Whether a task in ``current`` may move to ``target``."""
    return target in LEGAL_TRANSITIONS[current]


def check_transition(task_id: str, current: TaskState, target: TaskState) -> None:
    """Raise :class:`TerminalStateError` / :class:`IllegalTransitionError` unless legal.

    >>> check_transition("t1", TaskState.SUBMITTED, TaskState.COMPLETED)  # synchronous completion
    """
    if target in LEGAL_TRANSITIONS[current]:
        return
    if current in _TERMINALS:
        raise TerminalStateError(task_id, current, target)
    raise IllegalTransitionError(task_id, current, target)


def check_event_allowed(task_id: str, current: TaskState) -> None:
    """Artifact events (no state change) are accepted only while the task is not terminal."""
    if current in _TERMINALS:
        raise TerminalStateError(task_id, current, current)


def check_events(
    task_id: str, current: TaskState, events: Iterable[StatusUpdate | ArtifactUpdate]
) -> TaskState:
    """Validate ``events`` applied in order from ``current``; returns the state they leave.

    Status updates must be legal transitions (:func:`check_transition`); artifact updates need a
    non-terminal task (:func:`check_event_allowed`). Raises at the first illegal event.
    """
    for event in events:
        if type(event) is StatusUpdate:
            target = event.status.state
            if target not in LEGAL_TRANSITIONS[current]:
                check_transition(task_id, current, target)
            current = target
        elif current in _TERMINALS:
            raise TerminalStateError(task_id, current, current)
    return current
