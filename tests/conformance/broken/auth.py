"""Broken authentication and card signing, in front of a correct auth-on reference agent.

Each :class:`~tests.conformance.broken.proxy.Mutation` here models a deployment whose front door
gets one security rule wrong while the agent behind it is right: the proxy plays a gateway that
accepts ``alg: none``, skips the signature check, ignores ``exp`` or the audience or the skill
scopes, hands principal B principal A's identity (so B sees A's tasks), answers 403 instead of
TaskNotFound, drops the ``WWW-Authenticate`` challenge, or serves a card altered after signing,
signed without ``kid``, and so on. "Accepting" a token means forwarding a token the agent
accepts in its place: one re-signed by the real issuer with the same claims (or the claim the
gateway ignores put right).

The card passes through the proxy's URL rewriting, which alone breaks the agent's signatures, so
every card mutation re-signs the served card with the test's card key first (the faithful
re-signing, ``card-resigned``, must pass every check: the proofs' control).

:data:`AUTH_PROOFS` says which requirement each mutation must fail (and with which grade); every
other auth/signature check of that run must PASS or be N/A.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rfc8785

from conformance._jws import b64url_decode, b64url_encode, key_from_jwk, verify
from fixtures.token_issuer import TokenIssuer
from reference_agent.jose import SigningKey
from reference_agent.signing import canonical_card

from .proxy import Mutation, ProxiedRequest, ProxiedResponse

__all__ = ["AUTH_PROOFS", "AuthProof", "AuthWorld", "auth_mutations", "expired_jwks", "resign_card"]

CARD = "/.well-known/agent-card.json"
TASK_NOT_FOUND = -32001


@dataclass
class AuthWorld:
    """What the broken gateway knows: the issuer, both principals' tokens, the card keys."""

    issuer: TokenIssuer
    token_a: str
    token_b: str
    card_keys: list[SigningKey]  # [current, expired]: the second only signs in card-expired-key
    jku: str | None = None
    all_scopes: str = "a2a.admin"


@dataclass(frozen=True)
class AuthProof:
    """Run the suite with ``select`` through the mutation; expect these grades."""

    select: str
    expected: dict[str, str]


AUTH_PROOFS: dict[str, AuthProof] = {
    "auth-accepts-alg-none": AuthProof("AUTH-*", {"AUTH-5": "FAIL"}),
    "auth-skips-signature": AuthProof("AUTH-*", {"AUTH-5": "FAIL"}),
    "auth-ignores-exp": AuthProof("AUTH-*", {"AUTH-5": "FAIL"}),
    "auth-ignores-audience": AuthProof("AUTH-*", {"AUTH-5": "FAIL"}),
    "auth-no-challenge": AuthProof("AUTH-*", {"AUTH-6": "NON-STRICT"}),
    "auth-ignores-scope": AuthProof("AUTH-*", {"AUTH-7": "FAIL"}),
    # B served as A: the task is returned (AUTH-10), listed (AUTH-8), and the operations that
    # still answer an error answer one that confirms the task exists (AUTH-9).
    "auth-leaks-tasks": AuthProof(
        "AUTH-*", {"AUTH-10": "FAIL", "AUTH-8": "FAIL", "AUTH-9": "FAIL"}
    ),
    "auth-403-for-foreign": AuthProof("AUTH-*", {"AUTH-9": "FAIL"}),
    "card-altered-after-signing": AuthProof("SIG-*", {"SIG-7": "FAIL"}),
    # Without a kid the key cannot be found either: the signature cannot verify (SIG-7).
    "card-signature-no-kid": AuthProof("SIG-*", {"SIG-5": "FAIL", "SIG-7": "FAIL"}),
    "card-no-typ": AuthProof("SIG-*", {"SIG-5b": "NON-STRICT"}),
    "card-http-jku": AuthProof("SIG-*", {"SIG-8b": "NON-STRICT"}),
    "card-bad-signature-encoding": AuthProof("SIG-*", {"SIG-1b": "FAIL", "SIG-7": "FAIL"}),
    "card-sdk-canonical-form": AuthProof("SIG-*", {"SIG-9": "WARNING"}),
    "card-expired-key": AuthProof("SIG-*", {"SIG-8c": "FAIL"}),
}


# -- tokens ---------------------------------------------------------------------------------------
def _bearer(request: ProxiedRequest) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme == "Bearer" and token else None


def _decode(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header, claims = (json.loads(b64url_decode(part)) for part in parts[:2])
    except ValueError:
        return None
    return (header, claims) if isinstance(header, dict) and isinstance(claims, dict) else None


def _signed_by_issuer(world: AuthWorld, token: str) -> bool:
    """Whether the token is signed by the published issuer key its ``kid`` names (what a
    correct verifier checks first)."""
    decoded = _decode(token)
    if decoded is None:
        return False
    header, _ = decoded
    head, body, signature = token.split(".")
    for key in world.issuer.keys:
        if key.alg == header.get("alg") and key.kid == header.get("kid"):
            public = key_from_jwk(key.public_jwk())
            if verify(public, key.alg, f"{head}.{body}".encode(), b64url_decode(signature)):
                return True
    return False


def _remint(world: AuthWorld, claims: dict[str, Any]) -> str:
    """A token with exactly ``claims``, correctly signed by the issuer's current key."""
    key = world.issuer.current_key
    header = {"alg": key.alg, "kid": key.kid, "typ": "JWT"}
    head = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    body = b64url_encode(json.dumps(claims, separators=(",", ":")).encode())
    return f"{head}.{body}.{b64url_encode(key.sign(f'{head}.{body}'.encode()))}"


def _gateway(
    world: AuthWorld, accept: Callable[[str, dict[str, Any], dict[str, Any]], dict[str, Any] | None]
) -> Callable[[ProxiedRequest], None]:
    """A request hook: when ``accept`` returns claims, forward a valid token carrying them."""

    def hook(request: ProxiedRequest) -> None:
        token = _bearer(request)
        decoded = _decode(token) if token else None
        if token is None or decoded is None:
            return
        claims = accept(token, *decoded)
        if claims is not None:
            request.headers["authorization"] = f"Bearer {_remint(world, claims)}"

    return hook


# -- card -----------------------------------------------------------------------------------------
def _sdk_form(card: dict[str, Any]) -> bytes:
    """What the a2a-python SDK signs: empty values dropped everywhere, then JCS."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            kept = {k: clean(v) for k, v in value.items()}
            return {k: v for k, v in kept.items() if v not in ("", [], {}, None)}
        if isinstance(value, list):
            kept_items = [clean(v) for v in value]
            return [v for v in kept_items if v not in ("", [], {}, None)]
        return value

    return rfc8785.dumps(clean({k: v for k, v in card.items() if k != "signatures"}))


def resign_card(
    world: AuthWorld,
    *,
    edit: Callable[[dict[str, Any]], None] | None = None,
    header: Callable[[dict[str, Any]], None] | None = None,
    after: Callable[[dict[str, Any]], None] | None = None,
    payload: Callable[[dict[str, Any]], bytes] = canonical_card,
    keys: int = 1,
) -> Callable[[ProxiedResponse], None]:
    """A response hook re-signing the served card (after ``edit``), then applying ``after``."""

    def hook(response: ProxiedResponse) -> None:
        if response.request.path != CARD or response.status != 200:
            return
        card = response.json()
        card.pop("signatures", None)
        if edit is not None:
            edit(card)
        content = payload(card)
        signatures = []
        for key in world.card_keys[:keys]:
            protected: dict[str, Any] = {"alg": key.alg, "kid": key.kid, "typ": "JOSE"}
            if world.jku:
                protected["jku"] = world.jku
            if header is not None:
                header(protected)
            encoded, signature = key.sign_detached(protected, content)
            signatures.append({"protected": encoded, "signature": signature})
        card["signatures"] = signatures
        if after is not None:
            after(card)
        response.set_json(card)

    return hook


def _add_empty_examples(card: dict[str, Any]) -> None:
    # An empty list: kept by RFC 8785, dropped by the SDK's form, so the two differ.
    card["skills"][0]["examples"] = []


def _alter(card: dict[str, Any]) -> None:
    card["description"] = str(card.get("description", "")) + " (altered after signing)"


def _break_encoding(card: dict[str, Any]) -> None:
    card["signatures"][0]["signature"] = "not base64url!"


# -- the mutations --------------------------------------------------------------------------------
def auth_mutations(world: AuthWorld) -> dict[str, Mutation]:
    """Every broken variant of :data:`AUTH_PROOFS`, bound to ``world``."""
    now = time.time

    def alg_none(token: str, head: dict[str, Any], claims: dict[str, Any]) -> Any:
        return claims if str(head.get("alg", "")).lower() == "none" else None

    def any_signature(token: str, head: dict[str, Any], claims: dict[str, Any]) -> Any:
        return claims

    def expired(token: str, head: dict[str, Any], claims: dict[str, Any]) -> Any:
        if _signed_by_issuer(world, token) and claims.get("exp", now()) < now():
            return {**claims, "exp": int(now()) + 300}
        return None

    def audience(token: str, head: dict[str, Any], claims: dict[str, Any]) -> Any:
        if _signed_by_issuer(world, token) and claims.get("aud") != world.issuer.audience:
            return {**claims, "aud": world.issuer.audience}
        return None

    def scope(token: str, head: dict[str, Any], claims: dict[str, Any]) -> Any:
        if _signed_by_issuer(world, token):
            return {**claims, "scope": world.all_scopes}
        return None

    def as_a(request: ProxiedRequest) -> None:
        if _bearer(request) == world.token_b:
            request.headers["authorization"] = f"Bearer {world.token_a}"

    def forbidden_for_b(response: ProxiedResponse) -> None:
        doc = response.json()
        error = doc.get("error") if isinstance(doc, dict) else None
        is_b = _bearer(response.request) == world.token_b
        if is_b and isinstance(error, dict) and error.get("code") == TASK_NOT_FOUND:
            response.status = 403

    def no_challenge(response: ProxiedResponse) -> None:
        if response.status == 401:
            response.headers.pop("www-authenticate", None)

    def http_jku(protected: dict[str, Any]) -> None:
        protected["jku"] = "http://127.0.0.1:9/jwks.json"

    mutations = [
        Mutation("auth-accepts-alg-none", "alg none accepted", _gateway(world, alg_none)),
        Mutation("auth-skips-signature", "signature not checked", _gateway(world, any_signature)),
        Mutation("auth-ignores-exp", "exp ignored", _gateway(world, expired)),
        Mutation("auth-ignores-audience", "aud ignored", _gateway(world, audience)),
        Mutation("auth-ignores-scope", "skill scopes ignored", _gateway(world, scope)),
        Mutation("auth-leaks-tasks", "B is served as A", as_a),
        Mutation("auth-403-for-foreign", "403 for another's task", on_response=forbidden_for_b),
        Mutation("auth-no-challenge", "401 without WWW-Authenticate", on_response=no_challenge),
        Mutation("card-resigned", "the card re-signed faithfully", on_response=resign_card(world)),
        Mutation(
            "card-altered-after-signing",
            "card changed after signing",
            on_response=resign_card(world, after=_alter),
        ),
        Mutation(
            "card-signature-no-kid",
            "protected header without kid",
            on_response=resign_card(world, header=lambda h: h.pop("kid")),
        ),
        Mutation(
            "card-no-typ",
            "protected header without typ",
            on_response=resign_card(world, header=lambda h: h.pop("typ")),
        ),
        Mutation(
            "card-http-jku", "jku over plain HTTP", on_response=resign_card(world, header=http_jku)
        ),
        Mutation(
            "card-bad-signature-encoding",
            "signature not base64url",
            on_response=resign_card(world, after=_break_encoding),
        ),
        Mutation(
            "card-sdk-canonical-form",
            "signed over the SDK's canonical form",
            on_response=resign_card(world, edit=_add_empty_examples, payload=_sdk_form),
        ),
        Mutation(
            "card-expired-key",
            "second signature by an expired key",
            on_response=resign_card(world, keys=2),
        ),
    ]
    return {m.name: m for m in mutations}


def expired_jwks(world: AuthWorld) -> dict[str, Any]:
    """The trusted JWKS: the current card key, and the old one marked expired an hour ago."""
    current, old = world.card_keys[:2]
    return {"keys": [current.public_jwk(), {**old.public_jwk(), "exp": int(time.time()) - 3600}]}
