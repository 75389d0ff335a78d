"""JWKS rotation through the served agent (issue 5, "Must show"): the issuer rotates its signing
key mid-run and the agent accepts tokens of the new key after exactly ONE JWKS refresh, counted at
the issuer. Real agent process, real loopback issuer; no sleeps (the refresh rate limit is 0 s
here so the test needs no clock; the limit itself is unit-tested in test_auth_jwks_rotation.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from fixtures.agent_process import AgentProcess
from fixtures.token_issuer import TokenIssuer

from .auth_support import AUDIENCE, bearer, jwt_agent_args, message, result, rpc


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer(audience=AUDIENCE) as running:
        yield running


@pytest.fixture(scope="module")
def agent(issuer: TokenIssuer) -> Iterator[AgentProcess]:
    args = jwt_agent_args(issuer, "--auth-jwks-min-refresh", "0", "--auth-jwks-ttl", "3600")
    with AgentProcess(args) as process:
        yield process


def _ok(agent: AgentProcess, token: str) -> str:
    answer = result(rpc(agent, "SendMessage", {"message": message("hello")}, headers=bearer(token)))
    state: str = answer["task"]["status"]["state"]
    return state


def test_rotation_mid_run_costs_exactly_one_jwks_refresh(
    agent: AgentProcess, issuer: TokenIssuer
) -> None:
    assert issuer.jwks_requests == 0  # the agent fetches keys lazily, on the first token
    old = issuer.issue(subject="before")
    for _ in range(3):
        assert _ok(agent, old) == "TASK_STATE_COMPLETED"
    assert issuer.jwks_requests == 1

    issuer.rotate()  # new current key; the old one stays published
    fresh = [issuer.issue(subject=f"after-{n}") for n in range(8)]
    # Concurrent first uses of the new kid share one refresh.
    with ThreadPoolExecutor(max_workers=8) as pool:
        states = list(pool.map(lambda token: _ok(agent, token), fresh))
    assert states == ["TASK_STATE_COMPLETED"] * 8
    assert issuer.jwks_requests == 2, "the new kid must cost exactly one JWKS refresh"

    # From now on both keys are known: no further fetches for either.
    assert _ok(agent, old) == "TASK_STATE_COMPLETED"
    assert _ok(agent, issuer.issue(subject="later")) == "TASK_STATE_COMPLETED"
    assert issuer.jwks_requests == 2


def test_a_retired_key_stops_working_after_the_next_refresh(
    agent: AgentProcess, issuer: TokenIssuer
) -> None:
    retiring = issuer.current_key
    token = issuer.issue(subject="soon-retired")
    assert _ok(agent, token) == "TASK_STATE_COMPLETED"
    issuer.rotate()
    issuer.retire(retiring.kid)
    before = issuer.jwks_requests
    # A token of the new key triggers the refresh that also forgets the retired key.
    assert _ok(agent, issuer.issue(subject="new")) == "TASK_STATE_COMPLETED"
    assert issuer.jwks_requests == before + 1
    refused = rpc(agent, "SendMessage", {"message": message("hello")}, headers=bearer(token))
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]
