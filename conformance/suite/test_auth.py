"""Authentication and authorization scoping (v1.0 §7.4, §13.1; v0.3 §4.4; digest §2.21).

Thin wrappers: the attempts come from :mod:`conformance.token_mutations`, the sending from
:mod:`._auth_probe`, the verdicts from :mod:`._auth`. N/A with the reason when the card declares
no security requirement, when no credential was given (``--a2a-token``…), without an issuer key
for the per-skill scope rows (``--a2a-issuer-key``), and without a second principal for the
scoping checks (``--a2a-token-b``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.grading import Check
from conformance.run import SuiteRun
from conformance.target import Target

from ._auth import (
    TASK_NOT_FOUND,
    judge_challenges,
    judge_foreign_task,
    judge_refusals,
    judge_scopes,
)
from ._auth_probe import AuthProbe, foreign_task_results, skill_scopes


def _probe(a2a: Target, a2a_run: SuiteRun, check: Check) -> AuthProbe:
    return AuthProbe.for_check(a2a, a2a_run.principals, check)


@pytest.mark.requirement("AUTH-5")
def test_invalid_credentials_are_refused(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """No credential, malformed, wrong scheme, tampered, alg none, HS256 with the public key,
    the token in the query string (and, with --a2a-issuer-key, expired, not yet valid, wrong
    audience/issuer, unknown kid): every one is refused."""
    probe = _probe(a2a, a2a_run, check)
    judge_refusals(probe.matrix(a2a_run.options.auth.issuer_key, check), check)


@pytest.mark.requirement("AUTH-6")
def test_refusals_use_the_challenge(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """Refusals are HTTP 401 (400 for a malformed request) and a 401 names its scheme in
    WWW-Authenticate."""
    probe = _probe(a2a, a2a_run, check)
    judge_challenges(probe.matrix(a2a_run.options.auth.issuer_key, check), check)


@pytest.mark.requirement("AUTH-7")
def test_missing_skill_scope_is_forbidden(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """A valid token without the scope a skill declares gets an authorization error (403)."""
    probe = _probe(a2a, a2a_run, check)
    if not skill_scopes(a2a.card):
        check.not_applicable("no skill of the card declares scopes (securityRequirements)")
    if a2a_run.options.auth.issuer_key is None:
        check.not_applicable("minting a token without a scope needs --a2a-issuer-key")
    judge_scopes(
        probe.matrix(a2a_run.options.auth.issuer_key, check),
        check,
        routed=lambda skill: a2a.prompts.skill_text(skill) is not None,
    )


def _other_principal(probe: AuthProbe, check: Check) -> Any:
    if probe.principals.b is None:
        check.not_applicable("no second principal (--a2a-token-b) to test scoping")
    return probe.principals.b


def _foreign(a2a: Target, a2a_run: SuiteRun, check: Check) -> dict[str, tuple[int, bytes]]:
    probe = _probe(a2a, a2a_run, check)
    other = _other_principal(probe, check)
    task = a2a.running_task()  # principal A's, canceled by A when the check ends
    return foreign_task_results(probe, str(task["id"]), other)


def _leaked(status: int, body: bytes) -> bool:
    """A 2xx answer without a JSON-RPC error: the other principal got something back."""
    document = _json(body)
    return 200 <= status < 300 and not (isinstance(document, dict) and "error" in document)


@pytest.mark.requirement("AUTH-10")
def test_foreign_task_is_invisible(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """Principal B asking about principal A's task (get, send, push configs, cancel,
    subscribe) never gets the task."""
    results = _foreign(a2a, a2a_run, check)
    leaks = {op: answer for op, answer in results.items() if _leaked(*answer)}
    if leaks:
        judge_foreign_task(leaks, check)


@pytest.mark.requirement("AUTH-9")
def test_foreign_task_existence_not_confirmed(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """Refusals of principal B on principal A's task are TaskNotFound, never 403 (which would
    confirm the task exists); outright leaks are AUTH-10's verdict."""
    results = _foreign(a2a, a2a_run, check)
    refusals = {op: answer for op, answer in results.items() if not _leaked(*answer)}
    if not refusals:
        check.not_applicable("every operation answered with the task (see AUTH-10)")
    judge_foreign_task(refusals, check)


@pytest.mark.requirement("AUTH-8")
def test_list_shows_only_own_tasks(a2a: Target, a2a_run: SuiteRun, check: Check) -> None:
    """ListTasks as principal B, with no filter and with A's context, never lists A's task."""
    probe = _probe(a2a, a2a_run, check)
    other = _other_principal(probe, check)
    task = a2a.task_or_na("echo")
    listed: list[str] = []
    for params in ({}, {"contextId": task.get("contextId")}):
        status, body = probe.as_principal(other, "list", {k: v for k, v in params.items() if v})
        document = _json(body)
        error = document.get("error") if isinstance(document, dict) else None
        if isinstance(error, dict):
            if error.get("code") == -32601:
                check.not_applicable("the agent does not implement ListTasks")
            if error.get("code") == TASK_NOT_FOUND:
                continue
            check.fail("ListTasks as another principal answered an error", actual=error)
        check.that(200 <= status < 300, f"ListTasks answered HTTP {status}", actual=status)
        result = document.get("result") if isinstance(document, dict) else None
        tasks = result.get("tasks") if isinstance(result, dict) else None
        listed += [str(t.get("id")) for t in tasks or [] if isinstance(t, dict)]
    check.that(
        str(task["id"]) not in listed,
        "ListTasks shows another principal's task",
        expected=f"task {task['id']} absent",
        actual=f"listed among {len(listed)} task(s)",
    )


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
