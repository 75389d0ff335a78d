"""JWT bearer-token verification: allowlisted algorithms, key by ``kid``, registered claims.

What is refused, each with an ``invalid_token`` description that names the problem:

* anything but three base64url parts, a header or payload that is not a JSON object;
* ``alg`` outside the allowlist (so ``none`` and ``HS256`` never reach a key), or an ``alg``
  that does not match the key's type (RS256 header over an EC key…); ``crit`` headers;
* an unknown ``kid`` (after the one refresh :class:`~.jwks.JwksCache` allows);
* a bad signature;
* ``exp`` missing or past, ``nbf`` in the future (both with ``leeway`` seconds of clock skew);
* ``iss`` other than the configured issuer, ``aud`` not containing the configured audience.

Scopes come from ``scope`` (space-separated, RFC 8693/9068) or ``scp`` (a list).

Example::

    verifier = JwtVerifier(JwksCache(jwks_url), issuer=ISS, audience="a2a-agent")
    principal = await verifier.verify(token)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ..jose import ALLOWED_ALGORITHMS, JoseError, PublicKey, b64url_decode, verify_signature
from .errors import InvalidToken
from .principal import Principal

__all__ = ["DEFAULT_LEEWAY", "JwtVerifier", "KeySource"]

DEFAULT_LEEWAY = 30.0  # seconds of clock skew tolerated on exp/nbf
MAX_TOKEN_BYTES = 8 * 1024


class KeySource(Protocol):
    """Where verification keys come from (:class:`~.jwks.JwksCache`, :class:`~.jwks.StaticKeys`)."""

    async def key(self, kid: str | None) -> PublicKey: ...


def _segment(text: str, name: str) -> Any:
    try:
        value = json.loads(b64url_decode(text))
    except (JoseError, ValueError):
        raise InvalidToken(f"the token {name} is not base64url-encoded JSON") from None
    if not isinstance(value, dict):
        raise InvalidToken(f"the token {name} is not a JSON object")
    return value


def _scopes(claims: dict[str, Any]) -> frozenset[str]:
    scope = claims.get("scope")
    found: set[str] = set(scope.split()) if isinstance(scope, str) else set()
    scp = claims.get("scp")
    if isinstance(scp, list):
        found.update(item for item in scp if isinstance(item, str))
    elif isinstance(scp, str):
        found.update(scp.split())
    return frozenset(found)


def _number(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(f"the {name} claim is not a NumericDate")
    return float(value)


class JwtVerifier:
    """Verifies bearer JWTs and turns them into :class:`Principal` objects."""

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str | None,
        audience: str | None,
        algorithms: Iterable[str] = ALLOWED_ALGORITHMS,
        leeway: float = DEFAULT_LEEWAY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        chosen = frozenset(algorithms)
        if not chosen or not chosen <= ALLOWED_ALGORITHMS:
            raise ValueError(
                f"algorithms must be a non-empty subset of {sorted(ALLOWED_ALGORITHMS)}, "
                f"got {sorted(chosen)}"
            )
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.algorithms = chosen
        self.leeway = leeway
        self._clock = clock

    async def verify(self, token: str) -> Principal:
        """The principal of a valid ``token``; :class:`InvalidToken` naming what is wrong."""
        if len(token) > MAX_TOKEN_BYTES:
            raise InvalidToken(f"the token is longer than {MAX_TOKEN_BYTES} bytes")
        parts = token.split(".")
        if len(parts) != 3 or not all(parts[:2]):
            raise InvalidToken("malformed token: expected three dot-separated parts")
        header = _segment(parts[0], "header")
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise InvalidToken(f"alg {alg!r} is not accepted (allowed: {sorted(self.algorithms)})")
        if "crit" in header:
            raise InvalidToken("critical header parameters are not supported")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise InvalidToken("the kid header is not a string")
        key = await self.keys.key(kid)
        try:
            signature = b64url_decode(parts[2])
        except JoseError:
            raise InvalidToken("the token signature is not base64url") from None
        signing_input = f"{parts[0]}.{parts[1]}".encode("ascii", "replace")
        if not verify_signature(key, alg, signing_input, signature):
            raise InvalidToken("the token signature does not verify")
        claims = _segment(parts[1], "payload")
        self._check_claims(claims)
        subject = claims.get("sub") or claims.get("client_id")
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("the token has no sub (or client_id) claim")
        return Principal(subject=subject, scopes=_scopes(claims), method="jwt", claims=claims)

    def _check_claims(self, claims: dict[str, Any]) -> None:
        now = self._clock()
        expires = _number(claims, "exp")
        if expires is None:
            raise InvalidToken("the token has no exp claim")
        if now > expires + self.leeway:
            raise InvalidToken("the token has expired")
        not_before = _number(claims, "nbf")
        if not_before is not None and now + self.leeway < not_before:
            raise InvalidToken("the token is not valid yet (nbf)")
        if self.issuer is not None and claims.get("iss") != self.issuer:
            raise InvalidToken(f"the token issuer is not {self.issuer!r}")
        if self.audience is not None:
            audience = claims.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.audience not in audiences:
                raise InvalidToken(f"the token audience does not include {self.audience!r}")
