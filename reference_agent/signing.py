"""Agent Card signing (v1.0 §8.4): JWS with detached payload over the RFC 8785 form of the card.

The signed content is the card **without** ``signatures`` (§8.4.1 rule 3), canonicalized with JCS
(the ``rfc8785`` package). Each signature's protected header carries ``alg``, ``kid`` and
``typ: JOSE`` (§8.4.2) and, when the key is published at a URL, ``jku``. Signing with several
keys yields several signatures, which is how a key rotation is announced: clients that know only
the old or only the new key both find one they can check (§8.4.3).

The public keys are served as a JWKS document at ``/.well-known/jwks.json``
(:func:`jwks_document`).

Example::

    keys = [SigningKey.from_pem(pem_old, kid="2025"), SigningKey.from_pem(pem_new, kid="2026")]
    signed = sign_card(card, keys)
    jwks = jwks_document(keys)
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import rfc8785

from .jose import JoseError, SigningKey, b64url_decode, b64url_encode, verify_signature

__all__ = [
    "JWKS_PATH",
    "SigningKey",
    "canonical_card",
    "jwks_document",
    "load_signing_keys",
    "sign_card",
    "signature_is_valid",
]

JWKS_PATH = "/.well-known/jwks.json"


def canonical_card(card: dict[str, Any]) -> bytes:
    """The RFC 8785 bytes of ``card`` without ``signatures``: exactly what gets signed.

    The card is taken as served: our card builder already omits unset optional fields and
    default-valued non-optional ones (§8.4.1 rule 1), so nothing more is removed here.
    """
    if not isinstance(card, dict):
        raise JoseError(f"an agent card must be a JSON object, got {type(card).__name__}")
    content = {name: value for name, value in card.items() if name != "signatures"}
    try:
        return rfc8785.dumps(content)
    except rfc8785.CanonicalizationError as exc:
        raise JoseError(f"the card has no RFC 8785 canonical form: {exc}") from None


def sign_card(
    card: dict[str, Any], keys: Sequence[SigningKey], *, keep_existing: bool = False
) -> dict[str, Any]:
    """A copy of ``card`` carrying one ``AgentCardSignature`` per key, in the order given.

    ``keep_existing`` keeps signatures already on the card (they stay valid, since
    ``signatures`` is not part of the signed content), e.g. to add a new key's signature next
    to one made elsewhere.
    """
    if not keys:
        raise JoseError("at least one signing key is needed")
    payload = canonical_card(card)
    signatures: list[dict[str, Any]] = list(card.get("signatures") or []) if keep_existing else []
    for key in keys:
        header: dict[str, Any] = {"alg": key.alg, "kid": key.kid, "typ": "JOSE"}
        if key.jku is not None:
            header["jku"] = key.jku
        protected, signature = key.sign_detached(header, payload)
        signatures.append({"protected": protected, "signature": signature})
    signed = copy.deepcopy(card)
    signed["signatures"] = signatures
    return signed


def load_signing_keys(
    paths: Sequence[str | Path], kids: Sequence[str] = (), jku: str | None = None
) -> list[SigningKey]:
    """PEM private keys from ``paths`` (``--card-signing-key``), with one ``kid`` each or none
    (then the RFC 7638 thumbprint). :class:`JoseError` names the file that is wrong."""
    if kids and len(kids) != len(paths):
        raise JoseError(f"got {len(kids)} kid(s) for {len(paths)} key(s); give one per key or none")
    keys = []
    for index, path in enumerate(paths):
        try:
            pem = Path(path).read_bytes()
        except OSError as exc:
            raise JoseError(f"cannot read key file {path}: {exc.strerror}") from None
        try:
            keys.append(SigningKey.from_pem(pem, kid=kids[index] if kids else None, jku=jku))
        except JoseError as exc:
            raise JoseError(f"key file {path}: {exc}") from None
    return keys


def jwks_document(keys: Iterable[SigningKey]) -> dict[str, Any]:
    """The JWKS document (RFC 7517 §5) of the public halves of ``keys``."""
    return {"keys": [key.public_jwk() for key in keys]}


def signature_is_valid(card: dict[str, Any], signature: dict[str, Any], key: SigningKey) -> bool:
    """True when one ``signatures`` entry of ``card`` verifies under ``key``.

    A self-check for the agent (e.g. at startup, after loading a pre-signed card file); the
    independent verifier that grades other agents lives in ``conformance.signing``.
    """
    try:
        protected = signature["protected"]
        header = json.loads(b64url_decode(protected))
        raw = b64url_decode(signature["signature"])
    except (KeyError, TypeError, ValueError):
        return False
    if not isinstance(header, dict) or header.get("alg") != key.alg:
        return False
    signing_input = f"{protected}.{b64url_encode(canonical_card(card))}".encode("ascii")
    return verify_signature(key.public_key, key.alg, signing_input, raw)
