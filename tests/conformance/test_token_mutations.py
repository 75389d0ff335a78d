"""The authentication matrix, proved both ways against real loopback agents: the reference
verifier refuses every row (and accepts the control); broken verifiers accept the row that
targets their bug."""

from __future__ import annotations

import atexit
import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conformance.token_mutations import (
    Attempt,
    attacks_with_issuer_key,
    attacks_without_key,
    decode_unverified,
)
from fixtures.token_issuer import TokenIssuer
from reference_agent.auth import (
    PRINCIPAL_KEY,
    Authenticator,
    AuthMiddleware,
    InsufficientScope,
    JwtVerifier,
    Principal,
    SkillScopes,
    StaticKeys,
)
from reference_agent.auth.middleware import _refuse
from tests.conformance.asgi_server import ThreadedServer

SKILL_SCOPES = {"files": frozenset({"files:read"})}


async def _ok(scope: dict[str, Any], receive: Any, send: Any) -> None:
    # Per-skill scopes, as the service would check them: the skill is named by the path.
    skill = scope["path"].strip("/") or None
    try:
        SkillScopes({}, {"files": (SKILL_SCOPES["files"],)}).check(scope[PRINCIPAL_KEY], skill)
    except InsufficientScope as refusal:
        await _refuse(send, refusal, "a2a")
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


class _NoExp(JwtVerifier):
    def _check_claims(self, claims: dict[str, Any]) -> None:
        super()._check_claims({**claims, "exp": self._clock() + 60})


class _NoAudience(JwtVerifier):
    def _check_claims(self, claims: dict[str, Any]) -> None:
        super()._check_claims({**claims, "aud": self.audience})


class _AcceptsAlgNone(JwtVerifier):
    async def verify(self, token: str) -> Any:
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        if header.get("alg", "").lower() == "none":
            return Principal("forged", frozenset(), "jwt")
        return await super().verify(token)


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer() as running:
        yield running


def _agent(issuer: TokenIssuer, verifier_class: type[JwtVerifier] = JwtVerifier) -> ThreadedServer:
    keys = StaticKeys.from_pem(issuer.current_key.private_pem(), kid=issuer.current_key.kid)
    verifier = verifier_class(keys, issuer=issuer.issuer, audience="a2a-agent")
    return ThreadedServer(AuthMiddleware(_ok, Authenticator.with_jwt(verifier)))


# One client for the module (closed at exit): building one per request costs ~70 ms.
CLIENT = httpx.Client(timeout=5)
atexit.register(CLIENT.close)


def _send(base: str, attempt: Attempt) -> int:
    path = f"/{attempt.skill}" if attempt.skill else "/"
    response = CLIENT.post(base + path, headers=attempt.headers, params=attempt.params)
    return response.status_code


def _accepted(base: str, attempts: tuple[Attempt, ...]) -> set[str]:
    return {a.name for a in attempts if not a.control and _send(base, a) not in a.refused_with}


def test_plan_for_an_opaque_token_skips_jwt_rows() -> None:
    plan = attacks_without_key("opaque-token-value")
    assert [a.name for a in plan.attempts] == [
        "none",
        "malformed",
        "wrong-scheme",
        "token-in-query",
    ]
    assert {name for name, _ in plan.skipped} >= {"alg-none", "tampered-signature"}
    assert attacks_with_issuer_key("opaque", b"").skipped
    assert decode_unverified("a.b.c") is None


def test_reference_verifier_refuses_every_row(issuer: TokenIssuer) -> None:
    token = issuer.issue(scope="files:read tasks:read")
    plan = attacks_without_key(token, public_keys=issuer.public_jwks()["keys"])
    names = {a.name for a in plan.attempts}
    assert {"alg-none", "alg-None", "tampered-signature", "hs256-public-key-pem"} <= names
    with_key = attacks_with_issuer_key(
        token, issuer.current_key.private_pem(), skill_scopes=SKILL_SCOPES
    )
    with _agent(issuer) as server:
        base = server.url.rstrip("/")
        assert _send(base, Attempt("valid", "", {"Authorization": f"Bearer {token}"})) == 200
        assert _accepted(base, plan.attempts) == set()
        control = with_key.attempts[0]
        assert control.control and _send(base, control) == 200
        assert _accepted(base, with_key.attempts) == set()
        scope_row = next(a for a in with_key.attempts if a.name == "missing-scope-files")
        assert _send(base, scope_row) == 403


@pytest.mark.parametrize(
    ("broken", "row"),
    [(_NoExp, "expired"), (_NoAudience, "wrong-audience"), (_AcceptsAlgNone, "alg-none")],
)
def test_broken_verifier_is_caught(
    issuer: TokenIssuer, broken: type[JwtVerifier], row: str
) -> None:
    token = issuer.issue(scope="files:read")
    attempts = (
        attacks_without_key(token).attempts
        + attacks_with_issuer_key(token, issuer.current_key.private_pem()).attempts
    )
    with _agent(issuer, broken) as server:
        assert row in _accepted(server.url.rstrip("/"), attempts)


def test_unknown_kid_row_uses_a_fresh_kid(issuer: TokenIssuer) -> None:
    plan = attacks_with_issuer_key(issuer.issue(), issuer.current_key.private_pem())
    row = next(a for a in plan.attempts if a.name == "unknown-kid")
    header, _ = decode_unverified(row.headers["Authorization"].split()[1]) or ({}, {})
    assert header["kid"].startswith("unknown-") and header["kid"] != issuer.current_key.kid
