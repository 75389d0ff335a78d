"""Building the authenticator from ``serve`` options, and the card's security members."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.token_issuer import TokenIssuer
from reference_agent.auth.setup import build_authenticator, card_security


async def test_jwt_with_jwks_url_authenticates_a_real_token() -> None:
    with TokenIssuer() as issuer:
        authenticator = build_authenticator(
            "jwt", jwks_url=issuer.jwks_url, issuer=issuer.issuer, audience="a2a-agent"
        )
        headers = [(b"authorization", f"Bearer {issuer.issue(subject='dave')}".encode())]
        principal = await authenticator.authenticate("/", headers, b"")
        assert principal.subject == "dave"


async def test_jwt_with_pem_and_api_key_file(tmp_path: Path) -> None:
    with TokenIssuer() as issuer:
        pem = tmp_path / "issuer.pem"
        pem.write_bytes(issuer.current_key.private_pem())
        authenticator = build_authenticator(
            "jwt", jwt_key_pem=pem, issuer=issuer.issuer, audience="a2a-agent"
        )
        headers = [(b"authorization", f"Bearer {issuer.issue()}".encode())]
        assert (await authenticator.authenticate("/", headers, b"")).method == "jwt"
    keys = tmp_path / "keys.txt"
    keys.write_text("svc:0123456789abcdef0123\n", encoding="utf-8")
    api = build_authenticator("api-key", api_key_file=keys)
    principal = await api.authenticate("/", [(b"x-api-key", b"0123456789abcdef0123")], b"")
    assert principal.subject == "svc"
    assert (await build_authenticator("none").authenticate("/", [], b"")).subject == "anonymous"


@pytest.mark.parametrize(
    ("mode", "options", "message"),
    [
        ("oauth", {}, "one of none, jwt, api-key"),
        ("jwt", {"audience": "a"}, "exactly one of"),
        ("jwt", {"jwks_url": "https://i.example/jwks", "jwt_key_pem": "k.pem"}, "exactly one"),
        ("jwt", {"jwks_url": "https://i.example/jwks"}, "--auth-audience"),
        ("api-key", {}, "--auth-api-key-file"),
    ],
)
def test_configuration_errors_name_the_option(mode: str, options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_authenticator(mode, **options)


def test_card_security_members() -> None:
    assert card_security("none") == {}
    jwt = card_security("jwt", scopes=("agent:use",))
    assert jwt["securitySchemes"]["bearer"]["httpAuthSecurityScheme"]["scheme"] == "Bearer"
    assert jwt["securityRequirements"] == [{"schemes": {"bearer": {"list": ["agent:use"]}}}]
    api = card_security("api-key")
    assert api["securitySchemes"]["apiKey"]["apiKeySecurityScheme"]["name"] == "x-api-key"
