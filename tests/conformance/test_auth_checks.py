"""The authentication/authorization judgements, proven both ways against loopback agents."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from conformance.grading import Check, CheckFailed, NotApplicable
from conformance.suite._auth import (
    collect,
    judge_challenges,
    judge_foreign_task,
    judge_refusals,
    judge_scopes,
)
from conformance.token_mutations import Attempt, attacks_with_issuer_key, attacks_without_key
from fixtures.token_issuer import IssuerKey, TokenIssuer

from .test_token_mutations import CLIENT, SKILL_SCOPES, _agent, _NoAudience, _NoExp


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer() as running:
        yield running


def _grade(judge: Callable[..., None], *args: Any) -> tuple[str, Check]:
    check = Check()
    try:
        judge(*args, check)
    except CheckFailed:
        return "FAIL", check
    except NotApplicable:
        return "N/A", check
    return "PASS", check


def _sender(base: str, strip_challenge: bool = False) -> Callable[[Attempt], Any]:
    def send(attempt: Attempt) -> tuple[int, Mapping[str, str], bytes]:
        path = f"/{attempt.skill}" if attempt.skill else "/"
        response = CLIENT.post(base + path, headers=attempt.headers, params=attempt.params)
        headers = dict(response.headers)
        if strip_challenge:
            headers.pop("www-authenticate", None)
        return response.status_code, headers, response.content

    return send


def _attempts(issuer: TokenIssuer, pem: bytes | None = None) -> list[Attempt]:
    token = issuer.issue(scope="files:read tasks:read")
    plan = attacks_without_key(token, public_keys=issuer.public_jwks()["keys"])
    with_key = attacks_with_issuer_key(
        token, pem or issuer.current_key.private_pem(), skill_scopes=SKILL_SCOPES
    )
    return [*plan.attempts, *with_key.attempts]


def test_reference_verifier_passes_every_judge(issuer: TokenIssuer) -> None:
    with _agent(issuer) as server:
        answers = collect(_attempts(issuer), _sender(server.url.rstrip("/")))
    assert answers[0].attempt.control and answers[0].accepted
    for judge in (judge_refusals, judge_challenges, judge_scopes):
        grade, check = _grade(judge, answers)
        assert grade == "PASS", (judge.__name__, check.findings)


@pytest.mark.parametrize("broken", [_NoExp, _NoAudience])
def test_verifier_ignoring_a_claim_fails_auth5(issuer: TokenIssuer, broken: type) -> None:
    with _agent(issuer, broken) as server:
        answers = collect(_attempts(issuer), _sender(server.url.rstrip("/")))
    assert _grade(judge_refusals, answers)[0] == "FAIL"


def test_missing_challenge_fails_auth6(issuer: TokenIssuer) -> None:
    with _agent(issuer) as server:
        answers = collect(_attempts(issuer), _sender(server.url.rstrip("/"), True))
    assert _grade(judge_refusals, answers)[0] == "PASS"
    assert _grade(judge_challenges, answers)[0] == "FAIL"


def test_untrusted_issuer_key_skips_minted_rows(issuer: TokenIssuer) -> None:
    other = IssuerKey.generate("ES256").private_pem()
    with _agent(issuer) as server:
        answers = collect(_attempts(issuer, other), _sender(server.url.rstrip("/")))
    grade, check = _grade(judge_refusals, answers)
    assert grade == "PASS" and "does not trust" in check.findings[0].message
    assert _grade(judge_scopes, answers)[0] == "N/A"


def test_agent_ignoring_scopes_fails_auth7(issuer: TokenIssuer) -> None:
    token = issuer.issue(scope="tasks:read")
    rows = attacks_with_issuer_key(
        token, issuer.current_key.private_pem(), skill_scopes={"echo": frozenset({"echo:use"})}
    ).attempts  # the test agent guards only "files": "echo" rows are wrongly accepted
    with _agent(issuer) as server:
        answers = collect(rows, _sender(server.url.rstrip("/")))
    assert _grade(judge_scopes, answers)[0] == "FAIL"


def _rpc_error(code: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": 1, "error": {"code": code, "message": "x"}}).encode()


def test_foreign_task_judgement() -> None:
    hidden = {"GetTask": (200, _rpc_error(-32001)), "CancelTask": (200, _rpc_error(-32001))}
    assert _grade(judge_foreign_task, hidden)[0] == "PASS"
    leak = {**hidden, "GetTask": (200, b'{"jsonrpc":"2.0","id":1,"result":{"id":"t"}}')}
    assert _grade(judge_foreign_task, leak)[0] == "FAIL"
    confirm = {**hidden, "CancelTask": (403, b"{}")}
    assert _grade(judge_foreign_task, confirm)[0] == "FAIL"
    assert _grade(judge_foreign_task, {})[0] == "N/A"
