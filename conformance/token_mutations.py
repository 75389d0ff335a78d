"""The authentication matrix: credentials an agent must refuse, derived from one valid token.

Without the issuer's key (:func:`attacks_without_key`) the harness can still build the classic
attacks from a valid JWT: no credentials, a malformed token, the wrong scheme, a tampered
signature or payload, ``alg: none`` (several spellings), HS256 signed with the agent's *public*
key (algorithm confusion: the key is public, so an agent that accepts this accepts anyone), and
the token moved to the query string.

With ``--a2a-issuer-key PEM`` (a staging issuer the agent trusts, :func:`attacks_with_issuer_key`)
it can also mint correctly signed tokens that are wrong in one claim: expired, not yet valid,
wrong audience, wrong issuer, unknown ``kid``, and missing the scope a skill needs. A ``control``
token (the original claims, re-signed) comes first: if the agent refuses it, the issuer key is
not trusted and the other rows prove nothing, so the suite grades them N/A instead of PASS.

Each :class:`Attempt` is just headers and query parameters plus the statuses that count as a
correct refusal; the suite decides which operation to send it to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization

from ._jws import JwsError, b64url_decode, b64url_encode, key_from_jwk, load_private_key, sign

__all__ = [
    "Attempt",
    "Plan",
    "attacks_with_issuer_key",
    "attacks_without_key",
    "decode_unverified",
]

UNAUTHENTICATED = (401,)
REFUSED = (400, 401)  # 400 invalid_request is a fine answer to a malformed request
FORBIDDEN = (403,)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One row of the matrix: what to send and which answers are a correct refusal."""

    name: str
    description: str
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    refused_with: tuple[int, ...] = UNAUTHENTICATED
    skill: str | None = None  # for per-skill scope rows
    control: bool = False  # must be ACCEPTED (proves the matrix is meaningful)
    minted: bool = (
        False  # signed with --a2a-issuer-key: meaningless if the agent refuses the control
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """The attempts that apply, and the rows left out with the reason (shown as N/A)."""

    attempts: tuple[Attempt, ...]
    skipped: tuple[tuple[str, str], ...] = ()


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Header and claims of a JWT **without** verifying it; None for an opaque token."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header, claims = (json.loads(b64url_decode(part)) for part in parts[:2])
    except (JwsError, ValueError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims


def _encode(document: Mapping[str, Any]) -> str:
    return b64url_encode(json.dumps(document, separators=(",", ":")).encode())


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _flip(segment: str) -> str:
    # Change a character in the middle: its bits are all significant (the last one may not be).
    index = len(segment) // 2
    replacement = "A" if segment[index] != "A" else "B"
    return segment[:index] + replacement + segment[index + 1 :]


def _public_key_secrets(jwk: Mapping[str, Any]) -> list[tuple[str, bytes]]:
    """The encodings of a public key a confused HMAC verifier might use as the secret."""
    key = key_from_jwk(dict(jwk))
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return [
        ("pem", pem),
        ("pem-no-newline", pem.rstrip(b"\n")),
        ("der", der),
        ("jwk-json", json.dumps(dict(jwk)).encode()),
    ]


def attacks_without_key(token: str, *, public_keys: Sequence[Mapping[str, Any]] = ()) -> Plan:
    """The matrix built from a valid ``token`` and, optionally, the issuer's public JWKs."""
    attempts = [
        Attempt("none", "no credentials at all"),
        Attempt(
            "malformed",
            "a Bearer value that is not a token",
            _bearer("not-a-valid-token"),
            refused_with=REFUSED,
        ),
        Attempt(
            "wrong-scheme",
            "the valid token under the Basic scheme",
            {"Authorization": "Basic " + base64.b64encode(token.encode()).decode()},
            refused_with=REFUSED,
        ),
        Attempt(
            "token-in-query",
            "the valid token in the access_token query parameter",
            params={"access_token": token},
            refused_with=REFUSED,
        ),
    ]
    skipped: list[tuple[str, str]] = []
    decoded = decode_unverified(token)
    if decoded is None:
        reason = "the token is opaque (not a JWT)"
        for name in ("tampered-signature", "tampered-payload", "alg-none", "hs256-public-key"):
            skipped.append((name, reason))
        return Plan(tuple(attempts), tuple(skipped))
    header, claims = decoded
    head, body, signature = token.split(".")
    attempts.append(
        Attempt(
            "tampered-signature",
            "one character of the signature changed",
            _bearer(f"{head}.{body}.{_flip(signature)}"),
        )
    )
    changed = {**claims, "sub": f"{claims.get('sub', '')}-tampered", "scope": "*"}
    attempts.append(
        Attempt(
            "tampered-payload",
            "claims changed, original signature kept",
            _bearer(f"{head}.{_encode(changed)}.{signature}"),
        )
    )
    for spelling in ("none", "None", "NONE"):
        forged = {**header, "alg": spelling}
        attempts.append(
            Attempt(
                f"alg-{spelling}",
                f'header alg "{spelling}", empty signature',
                _bearer(f"{_encode(forged)}.{body}."),
            )
        )
    candidates = [jwk for jwk in public_keys if jwk.get("kid") in (None, header.get("kid"))]
    if not candidates:
        skipped.append(("hs256-public-key", "no public key of the issuer is known"))
    for jwk in candidates:
        try:
            secrets = _public_key_secrets(jwk)
        except JwsError as exc:
            skipped.append(("hs256-public-key", f"public key unusable: {exc}"))
            continue
        confused_head = _encode({**header, "alg": "HS256"})
        for form, secret in secrets:
            mac = hmac.new(secret, f"{confused_head}.{body}".encode(), hashlib.sha256).digest()
            attempts.append(
                Attempt(
                    f"hs256-public-key-{form}",
                    f"HS256 signed with the issuer's public key ({form}) as the HMAC secret",
                    _bearer(f"{confused_head}.{body}.{b64url_encode(mac)}"),
                )
            )
    return Plan(tuple(attempts), tuple(skipped))


def attacks_with_issuer_key(
    token: str,
    issuer_key_pem: bytes,
    *,
    kid: str | None = None,
    skill_scopes: Mapping[str, frozenset[str]] | None = None,
    now: float | None = None,
) -> Plan:
    """Correctly signed tokens wrong in one claim each, starting with an accepted control."""
    decoded = decode_unverified(token)
    if decoded is None:
        return Plan((), (("issuer-key", "the token is opaque (not a JWT)"),))
    header, claims = decoded
    key, alg = load_private_key(issuer_key_pem)
    moment = int(time.time() if now is None else now)
    real_kid = kid if kid is not None else header.get("kid")

    def mint(changes: Mapping[str, Any], *, use_kid: Any = real_kid) -> dict[str, str]:
        new_header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
        if use_kid is not None:
            new_header["kid"] = use_kid
        body = {k: v for k, v in {**claims, **changes}.items() if v is not None}
        signing_input = f"{_encode(new_header)}.{_encode(body)}"
        return _bearer(f"{signing_input}.{b64url_encode(sign(key, signing_input.encode()))}")

    fresh = {"iat": moment, "nbf": moment, "exp": moment + 600}
    attempts = [
        Attempt(
            "control",
            "the original claims re-signed with the issuer key: must be accepted",
            mint(fresh),
            refused_with=(),
            control=True,
            minted=True,
        ),
        Attempt(
            "expired",
            "exp one hour ago (beyond any leeway)",
            mint({"iat": moment - 7200, "nbf": moment - 7200, "exp": moment - 3600}),
            minted=True,
        ),
        Attempt(
            "not-yet-valid",
            "nbf one hour ahead",
            mint({"iat": moment, "nbf": moment + 3600, "exp": moment + 7200}),
            minted=True,
        ),
        Attempt(
            "wrong-audience",
            "aud of another service",
            mint({**fresh, "aud": "https://wrong-audience.invalid"}),
            minted=True,
        ),
        Attempt(
            "wrong-issuer",
            "iss of another issuer",
            mint({**fresh, "iss": "https://wrong-issuer.invalid"}),
            minted=True,
        ),
        Attempt(
            "unknown-kid",
            "signed by the issuer key but naming a kid nobody published",
            mint(fresh, use_kid=f"unknown-{uuid.uuid4().hex[:8]}"),
            minted=True,
        ),
    ]
    granted = set(str(claims.get("scope", "")).split())
    for skill, needed in sorted((skill_scopes or {}).items()):
        if not needed:
            continue
        remaining = " ".join(sorted(granted - needed)) or None
        attempts.append(
            Attempt(
                f"missing-scope-{skill}",
                f"token without scope {' '.join(sorted(needed))} needed by skill {skill!r}",
                mint({**fresh, "scope": remaining}),
                refused_with=FORBIDDEN,
                skill=skill,
                minted=True,
            )
        )
    return Plan(tuple(attempts))
