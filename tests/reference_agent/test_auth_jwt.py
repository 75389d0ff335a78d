"""JWT verification against a real loopback token issuer (JWKS over HTTP), claim by claim."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from fixtures.token_issuer import IssuerKey, TokenIssuer, b64url
from reference_agent.auth import InvalidToken, JwksCache, JwtVerifier, StaticKeys

AUDIENCE = "a2a-agent"


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer(audience=AUDIENCE) as running:
        yield running


@pytest.fixture
async def verifier(issuer: TokenIssuer) -> AsyncIterator[JwtVerifier]:
    cache = JwksCache(issuer.jwks_url, min_refresh_interval=0)
    yield JwtVerifier(cache, issuer=issuer.issuer, audience=AUDIENCE, leeway=5)
    await cache.aclose()


async def test_valid_token_gives_principal_with_scopes(
    issuer: TokenIssuer, verifier: JwtVerifier
) -> None:
    token = issuer.issue(subject="alice", scope="tasks:read files:write")
    principal = await verifier.verify(token)
    assert principal.subject == "alice" and principal.method == "jwt"
    assert principal.scopes == {"tasks:read", "files:write"}
    scp = issuer.issue(subject="bob", extra_claims={"scp": ["a", "b"]}, omit=("scope",))
    assert (await verifier.verify(scp)).scopes == {"a", "b"}


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"expires_in": -60}, "expired"),
        ({"not_before": time.time() + 600}, "not valid yet"),
        ({"audience": "someone-else"}, "audience"),
        ({"issuer": "https://evil.example"}, "issuer"),
        ({"omit": ("exp",)}, "no exp"),
        ({"omit": ("sub",)}, "no sub"),
        ({"kid": "no-such-kid"}, "unknown key id"),
        ({"extra_claims": {"exp": "tomorrow"}}, "NumericDate"),
    ],
)
async def test_bad_claims_are_invalid_token(
    issuer: TokenIssuer, verifier: JwtVerifier, claims: dict, message: str
) -> None:
    with pytest.raises(InvalidToken, match=message) as refused:
        await verifier.verify(issuer.issue(**claims))
    assert refused.value.status == 401
    assert 'error="invalid_token"' in refused.value.challenge()


async def test_leeway_accepts_small_clock_skew(issuer: TokenIssuer, verifier: JwtVerifier) -> None:
    await verifier.verify(issuer.issue(expires_in=-2))
    await verifier.verify(issuer.issue(not_before=time.time() + 2))


async def test_audience_list_is_accepted(issuer: TokenIssuer, verifier: JwtVerifier) -> None:
    await verifier.verify(issuer.issue(audience=["other", AUDIENCE]))


async def test_signature_by_an_unpublished_key_fails(
    issuer: TokenIssuer, verifier: JwtVerifier
) -> None:
    impostor = IssuerKey.generate("ES256")
    token = issuer.issue(key=impostor, kid=issuer.current_key.kid)
    with pytest.raises(InvalidToken, match="does not verify"):
        await verifier.verify(token)


def _forged(token: str, header: dict, signature: bytes) -> str:
    _, body, _ = token.split(".")
    return f"{b64url(json.dumps(header).encode())}.{body}.{b64url(signature)}"


async def test_alg_none_and_hs256_confusion_are_refused(
    issuer: TokenIssuer, verifier: JwtVerifier
) -> None:
    import hashlib
    import hmac

    token = issuer.issue()
    kid = issuer.current_key.kid
    with pytest.raises(InvalidToken, match="alg 'none'"):
        await verifier.verify(_forged(token, {"alg": "none", "kid": kid}, b""))
    head = b64url(json.dumps({"alg": "HS256", "kid": kid}).encode())
    body = token.split(".")[1]
    secret = json.dumps(issuer.current_key.public_jwk()).encode()
    mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    with pytest.raises(InvalidToken, match="alg 'HS256'"):
        await verifier.verify(f"{head}.{body}.{b64url(mac)}")


async def test_alg_that_does_not_match_the_key_type_fails(issuer: TokenIssuer) -> None:
    with TokenIssuer(alg="ES256") as own:
        cache = JwksCache(own.jwks_url)
        verifier = JwtVerifier(cache, issuer=own.issuer, audience=AUDIENCE)
        token = own.issue()
        _, body, signature = token.split(".")
        head = b64url(json.dumps({"alg": "RS256", "kid": own.current_key.kid}).encode())
        with pytest.raises(InvalidToken, match="does not verify"):
            await verifier.verify(f"{head}.{body}.{signature}")
        await cache.aclose()


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("abc", "three dot-separated"),
        ("a.b", "three dot-separated"),
        ("!!.e30.sig", "header is not base64url"),
        (f"{b64url(b'[1]')}.e30.sig", "header is not a JSON object"),
        ("x" * 9000, "longer than"),
    ],
)
async def test_malformed_tokens(verifier: JwtVerifier, token: str, message: str) -> None:
    with pytest.raises(InvalidToken, match=message):
        await verifier.verify(token)


async def test_crit_header_is_refused(issuer: TokenIssuer, verifier: JwtVerifier) -> None:
    token = issuer.issue()
    header = {"alg": "ES256", "kid": issuer.current_key.kid, "crit": ["exp"]}
    with pytest.raises(InvalidToken, match="critical"):
        await verifier.verify(_forged(token, header, b"x"))


async def test_static_pem_key(issuer: TokenIssuer) -> None:
    keys = StaticKeys.from_pem(issuer.current_key.private_pem())
    verifier = JwtVerifier(keys, issuer=issuer.issuer, audience=AUDIENCE)
    assert (await verifier.verify(issuer.issue(subject="carol"))).subject == "carol"
    other = StaticKeys.from_pem(IssuerKey.generate("EdDSA").private_pem(), kid="mine")
    with pytest.raises(InvalidToken, match="unknown key id"):
        await JwtVerifier(other, issuer=None, audience=None).verify(issuer.issue())
    with pytest.raises(ValueError, match="not a usable PEM"):
        StaticKeys.from_pem(b"garbage")


def test_algorithm_configuration_is_checked() -> None:
    keys = StaticKeys.from_pem(IssuerKey.generate("ES256").private_pem())
    with pytest.raises(ValueError, match="subset"):
        JwtVerifier(keys, issuer=None, audience=None, algorithms=["HS256"])
    with pytest.raises(ValueError, match="https"):
        JwksCache("http://issuer.example/jwks.json")
