"""Authentication-matrix and authorization-scoping judgements (v1.0 §7.4, §13.1; digest §2.21).

The thin suite module sends every :class:`~conformance.token_mutations.Attempt` to one operation
(e.g. ``GetTask`` of an unknown id, which needs authentication but changes nothing) through a
``send`` callable, and hands the :class:`Answer` rows to these judges:

* :func:`judge_refusals` (AUTH-5): no attempt is **accepted** (2xx with a result);
* :func:`judge_challenges` (AUTH-6): refusals use the expected status and a 401 names its scheme
  in ``WWW-Authenticate``;
* :func:`judge_scopes` (AUTH-7): a token without a skill's scope gets an authorization error;
* :func:`judge_foreign_task` (AUTH-10, AUTH-9): principal B asking about principal A's task gets
  TaskNotFound on every method, never the task and never 403 (which would confirm it exists).

Rows minted with the issuer key are judged only when the ``control`` row (same claims,
re-signed) was accepted; otherwise the agent does not trust that key and the rows prove nothing.
Messages name the row, never the token.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from conformance.grading import Check

from ..token_mutations import Attempt

__all__ = [
    "Answer",
    "collect",
    "judge_challenges",
    "judge_foreign_task",
    "judge_refusals",
    "judge_scopes",
]

TASK_NOT_FOUND = -32001


@dataclass(frozen=True, slots=True)
class Answer:
    """What the agent answered to one attempt (headers lower-cased)."""

    attempt: Attempt
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def accepted(self) -> bool:
        """A 2xx answer carrying a result (a JSON-RPC error inside a 200 is a refusal)."""
        if not 200 <= self.status < 300:
            return False
        try:
            document = json.loads(self.body)
        except ValueError:
            return True
        return not (isinstance(document, dict) and "error" in document)


Send = Callable[[Attempt], tuple[int, Mapping[str, str], bytes]]


def collect(attempts: Iterable[Attempt], send: Send) -> list[Answer]:
    """Send every attempt; the control row first so the others can be judged against it."""
    ordered = sorted(attempts, key=lambda attempt: not attempt.control)
    answers = []
    for attempt in ordered:
        status, headers, body = send(attempt)
        lowered = {name.lower(): value for name, value in headers.items()}
        answers.append(Answer(attempt, status, lowered, body))
    return answers


def _judgeable(answers: list[Answer], check: Check) -> list[Answer]:
    control = next((a for a in answers if a.attempt.control), None)
    rows = [a for a in answers if not a.attempt.control]
    if control is not None and not control.accepted:
        check.note(
            f"the agent refused the control token (HTTP {control.status}): it does not trust "
            "--a2a-issuer-key, so the rows minted with it are not judged"
        )
        rows = [a for a in rows if not a.attempt.minted]
    return rows


def judge_refusals(answers: list[Answer], check: Check) -> None:
    """AUTH-5: every credential in the matrix is rejected."""
    rows = [a for a in _judgeable(answers, check) if a.attempt.skill is None]
    if not rows:
        check.not_applicable("no authentication attempt could be judged")
    accepted = [f"{a.attempt.name} ({a.attempt.description})" for a in rows if a.accepted]
    check.that(
        not accepted,
        "the agent accepted credentials it must reject",
        expected="a 4xx refusal for every row",
        actual=accepted,
    )


def judge_challenges(answers: list[Answer], check: Check) -> None:
    """AUTH-6: refusals use the expected status; a 401 carries ``WWW-Authenticate``."""
    rows = [a for a in _judgeable(answers, check) if a.attempt.skill is None and not a.accepted]
    if not rows:
        check.not_applicable("no refusal to judge")
    problems = []
    for answer in rows:
        name = answer.attempt.name
        if answer.status not in answer.attempt.refused_with:
            expected = " or ".join(str(code) for code in answer.attempt.refused_with)
            problems.append(f"{name}: HTTP {answer.status}, expected {expected}")
        elif answer.status == 401 and not answer.headers.get("www-authenticate"):
            problems.append(f"{name}: 401 without WWW-Authenticate")
    check.that(
        not problems, "authentication failures are not signalled as the spec asks", actual=problems
    )


def judge_scopes(
    answers: list[Answer], check: Check, *, routed: Callable[[str], bool] = lambda _: True
) -> None:
    """AUTH-7: a token lacking a skill's scope gets an authorization error (403).

    ``routed(skill)`` says whether the probe text is known to reach that skill (the user named
    it with ``--a2a-prompt skill:ID=TEXT``, or the agent follows the harness's default text).
    An accepted row whose text may have landed on another skill is a WARNING, not a FAIL: the
    agent may have answered with a skill that needs no scope.
    """
    rows = [a for a in _judgeable(answers, check) if a.attempt.skill is not None]
    if not rows:
        check.not_applicable("no skill declares scopes (or no issuer key to mint tokens)")
    wrong = [a for a in rows if a.accepted or a.status != 403]
    proven = [a for a in wrong if not a.accepted or routed(a.attempt.skill or "")]
    unsure = [a for a in wrong if a not in proven]
    if unsure and not proven:
        names = sorted({a.attempt.skill or "" for a in unsure})
        check.warn(
            "a token without the skill's scope was accepted, but the probe text may not have "
            "reached the skill; name it with --a2a-prompt skill:ID=TEXT for a verdict",
            expected="HTTP 403 (insufficient_scope)",
            actual=[f"{a.attempt.name}: HTTP {a.status} (accepted)" for a in unsure]
            + [f"skills: {', '.join(names)}"],
        )
        return
    check.that(
        not proven,
        "missing scopes are not refused with an authorization error",
        expected="HTTP 403 (insufficient_scope)",
        actual=[
            f"{a.attempt.name}: HTTP {a.status}" + (" (accepted)" if a.accepted else "")
            for a in proven
        ],
    )


def _error_code(body: bytes) -> Any:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    error = document.get("error") if isinstance(document, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def judge_foreign_task(results: Mapping[str, tuple[int, bytes]], check: Check) -> None:
    """AUTH-10: principal B gets TaskNotFound for principal A's task on every operation.

    ``results`` maps an operation name (GetTask, CancelTask, SubscribeToTask, push configs…) to
    B's (HTTP status, body). Success leaks the task; 403 leaks that it exists (AUTH-9).
    """
    if not results:
        check.not_applicable("no second principal (--a2a-token-b) to test scoping")
    leaks, confirms = [], []
    for operation, (status, body) in sorted(results.items()):
        code = _error_code(body)
        if status == 403:
            confirms.append(f"{operation}: HTTP 403")
        elif code == TASK_NOT_FOUND or status == 404:
            continue
        elif 200 <= status < 300 and code is None:
            leaks.append(f"{operation}: HTTP {status} with a result")
        else:
            confirms.append(f"{operation}: HTTP {status}, error code {code!r}")
    check.that(
        not leaks, "another principal's task is visible", expected="TaskNotFound", actual=leaks
    )
    check.that(
        not confirms,
        "another principal's task is not answered as TaskNotFound",
        expected="TaskNotFound (-32001) on every operation",
        actual=confirms,
    )
