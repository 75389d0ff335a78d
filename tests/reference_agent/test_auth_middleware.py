"""The auth middleware in front of a tiny ASGI app, over real loopback HTTP: public paths,
challenges, query-string tokens, API keys, and per-skill scopes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fixtures.token_issuer import TokenIssuer
from reference_agent.auth import (
    PRINCIPAL_KEY,
    ApiKeyVerifier,
    Authenticator,
    AuthMiddleware,
    InsufficientScope,
    JwtVerifier,
    Principal,
    SkillScopes,
    StaticKeys,
)
from reference_agent.auth.api_key import parse_key_lines
from reference_agent.auth.errors import challenge
from tests.conformance.asgi_server import ThreadedServer

API_KEY = "k-0123456789abcdef"


async def _echo_principal(scope: dict[str, Any], receive: Any, send: Any) -> None:
    principal = scope.get(PRINCIPAL_KEY)
    body = json.dumps({"subject": principal.subject if principal else None}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer() as running:
        yield running


@pytest.fixture(scope="module")
def jwt_agent(issuer: TokenIssuer) -> Iterator[str]:
    verifier = JwtVerifier(
        StaticKeys.from_pem(issuer.current_key.private_pem(), kid=issuer.current_key.kid),
        issuer=issuer.issuer,
        audience="a2a-agent",
    )
    app = AuthMiddleware(_echo_principal, Authenticator.with_jwt(verifier))
    with ThreadedServer(app) as server:
        yield server.url.rstrip("/")


@pytest.fixture(scope="module")
def key_agent() -> Iterator[str]:
    verifier = ApiKeyVerifier([("svc", API_KEY, "tasks:read")])
    with ThreadedServer(
        AuthMiddleware(_echo_principal, Authenticator.with_api_keys(verifier))
    ) as s:
        yield s.url.rstrip("/")


def test_public_paths_need_no_credentials(jwt_agent: str) -> None:
    for path in ("/.well-known/agent-card.json", "/.well-known/jwks.json", "/healthz", "/readyz"):
        assert httpx.get(jwt_agent + path, timeout=5).status_code == 200, path


def test_valid_bearer_token_reaches_the_app(jwt_agent: str, issuer: TokenIssuer) -> None:
    headers = {"Authorization": f"Bearer {issuer.issue(subject='alice')}"}
    response = httpx.post(jwt_agent + "/", headers=headers, timeout=5)
    assert response.status_code == 200 and response.json() == {"subject": "alice"}


def test_missing_credentials_get_a_bare_challenge(jwt_agent: str) -> None:
    response = httpx.post(jwt_agent + "/", timeout=5)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="a2a"'


@pytest.mark.parametrize(
    ("authorization", "status", "fragment"),
    [
        ("Basic dXNlcjpwYXNz", 401, 'Bearer realm="a2a"'),
        ("Bearer", 400, 'error="invalid_request"'),
        ("Bearer not.a.jwt", 401, 'error="invalid_token"'),
    ],
)
def test_bad_credentials(jwt_agent: str, authorization: str, status: int, fragment: str) -> None:
    response = httpx.post(jwt_agent + "/", headers={"Authorization": authorization}, timeout=5)
    assert response.status_code == status
    assert fragment in response.headers["www-authenticate"]
    assert "dXNlcjpwYXNz" not in response.text  # never echo credentials


def test_expired_token_is_named_in_the_challenge(jwt_agent: str, issuer: TokenIssuer) -> None:
    token = issuer.issue(expires_in=-3600)
    response = httpx.post(jwt_agent + "/", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert response.status_code == 401
    assert 'error_description="the token has expired"' in response.headers["www-authenticate"]
    assert token not in response.text and token not in response.headers["www-authenticate"]


def test_token_in_query_string_is_refused(jwt_agent: str, issuer: TokenIssuer) -> None:
    response = httpx.post(jwt_agent + "/", params={"access_token": issuer.issue()}, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_api_key_mode(key_agent: str) -> None:
    ok = httpx.post(key_agent + "/", headers={"X-API-Key": API_KEY}, timeout=5)
    assert ok.status_code == 200 and ok.json() == {"subject": "svc"}
    wrong = httpx.post(key_agent + "/", headers={"X-API-Key": API_KEY + "x"}, timeout=5)
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("ApiKey ")
    assert httpx.post(key_agent + "/", timeout=5).status_code == 401
    query = httpx.post(key_agent + "/", params={"api_key": API_KEY}, timeout=5)
    assert query.status_code == 400


def test_api_key_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    path.write_text(f"# comment\nsvc:{API_KEY}:a b\n", encoding="utf-8")
    principal = ApiKeyVerifier.from_file(path).verify(API_KEY)
    assert principal.subject == "svc" and principal.scopes == {"a", "b"}
    with pytest.raises(ValueError, match="line 1") as short:
        parse_key_lines(["svc:short"])
    assert "short" not in str(short.value).replace("shorter", "")
    with pytest.raises(ValueError, match="name:key"):
        parse_key_lines(["nocolon"])


def test_skill_scopes_from_card() -> None:
    card = {
        "securityRequirements": [{"schemes": {"bearer": {"list": ["agent:use"]}}}],
        "skills": [
            {"id": "echo"},
            {
                "id": "files",
                "securityRequirements": [
                    {"schemes": {"bearer": {"list": ["files:read", "files:write"]}}},
                    {"schemes": {"bearer": {"list": ["admin"]}}},
                ],
            },
        ],
    }
    scopes = SkillScopes.from_card(card)
    reader = Principal("r", frozenset({"agent:use", "files:read"}), "jwt")
    scopes.check(reader, "echo")
    with pytest.raises(InsufficientScope, match="files:read files:write") as refused:
        scopes.check(reader, "files")
    assert refused.value.status == 403
    assert 'error="insufficient_scope"' in refused.value.challenge()
    assert 'scope="files:read files:write"' in refused.value.challenge()
    scopes.check(Principal("a", frozenset({"admin"}), "jwt"), "files")
    with pytest.raises(InsufficientScope):
        scopes.check(Principal("n", frozenset(), "jwt"), None)
    SkillScopes.from_card({"skills": []}).check(Principal("n"), "anything")


def test_challenge_values_cannot_inject_headers() -> None:
    value = challenge(error="invalid_token", description='bad "x"\r\nSet-Cookie: a=b')
    assert "\r" not in value and "\n" not in value and '\\"x\\"' in value


def test_authenticator_configuration_errors() -> None:
    with pytest.raises(ValueError, match="one of none, jwt, api-key"):
        Authenticator("oauth")
    with pytest.raises(ValueError, match="JWKS URL or a PEM"):
        Authenticator("jwt")
    with pytest.raises(ValueError, match="API key file"):
        Authenticator("api-key")
