"""JWS verification primitives for the harness (independent of the reference agent's code).

Only what a judge needs: base64url, JWK → public key, and signature checks for an allowlist of
asymmetric algorithms. The algorithm is always matched against the key type, so a header that
claims ``HS256`` or ``none`` can never be "verified" with a public key.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

__all__ = [
    "DEFAULT_ALGORITHMS",
    "JwsError",
    "VerifyKey",
    "b64url_decode",
    "b64url_encode",
    "key_from_jwk",
    "load_private_key",
    "public_jwk",
    "sign",
    "verify",
]

DEFAULT_ALGORITHMS: frozenset[str] = frozenset({"RS256", "ES256", "EdDSA"})

VerifyKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey
SignKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey

_EC_SIZE = 32


class JwsError(ValueError):
    """Unusable JWS input (bad base64url, bad JWK); the message says which part."""


def b64url_encode(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: Any) -> bytes:
    """Strict base64url decoding (no padding, no standard-alphabet characters)."""
    if not isinstance(text, str):
        raise JwsError(f"expected a base64url string, got {type(text).__name__}")
    if any(char in text for char in "+/=\r\n "):
        raise JwsError("not unpadded base64url")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except binascii.Error as exc:
        raise JwsError(f"invalid base64url: {exc}") from None


def _number(jwk: dict[str, Any], name: str) -> int:
    return int.from_bytes(b64url_decode(jwk.get(name)), "big")


def key_from_jwk(jwk: Any) -> VerifyKey:
    """The public key of a JWK (RSA, EC P-256, OKP Ed25519)."""
    if not isinstance(jwk, dict):
        raise JwsError(f"a JWK must be an object, got {type(jwk).__name__}")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "RSA":
            return rsa.RSAPublicNumbers(_number(jwk, "e"), _number(jwk, "n")).public_key()
        if kty == "EC" and crv == "P-256":
            x, y = _number(jwk, "x"), _number(jwk, "y")
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        if kty == "OKP" and crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk.get("x")))
    except ValueError as exc:
        raise JwsError(f"invalid {kty} JWK: {exc}") from None
    raise JwsError(f"unsupported JWK (kty={kty!r}, crv={crv!r}); expected RSA, EC P-256, Ed25519")


def _alg_of(key: VerifyKey) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "ES256" if isinstance(key.curve, ec.SECP256R1) else f"EC-{key.curve.name}"
    return "EdDSA"


def verify(key: VerifyKey, alg: str, signing_input: bytes, signature: bytes) -> bool:
    """True when ``signature`` over ``signing_input`` is valid for ``key`` under ``alg``."""
    if alg != _alg_of(key):
        return False
    try:
        if isinstance(key, rsa.RSAPublicKey):
            if key.key_size < 2048:
                return False
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 2 * _EC_SIZE:
                return False
            der = encode_dss_signature(
                int.from_bytes(signature[:_EC_SIZE], "big"),
                int.from_bytes(signature[_EC_SIZE:], "big"),
            )
            key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(signature, signing_input)
    except InvalidSignature:
        return False
    return True


def load_private_key(pem: bytes) -> tuple[SignKey, str]:
    """A PEM private key (``--a2a-issuer-key``) and the JWS ``alg`` it signs with."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise JwsError(f"not a usable PEM private key: {exc}") from None
    if not isinstance(
        key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    ):
        raise JwsError(f"unsupported private key type {type(key).__name__}")
    alg = _alg_of(key.public_key())
    if alg not in DEFAULT_ALGORITHMS:
        raise JwsError(f"unsupported key ({alg})")
    return key, alg


def sign(key: SignKey, signing_input: bytes) -> bytes:
    """The raw JWS signature of ``signing_input`` (``r || s`` for ES256)."""
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(_EC_SIZE, "big") + s.to_bytes(_EC_SIZE, "big")
    return key.sign(signing_input)


def public_jwk(key: VerifyKey) -> dict[str, str]:
    """The public JWK members of ``key`` (no ``kid``)."""
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
        return {"kty": "RSA", "n": b64url_encode(n), "e": b64url_encode(e)}
    if isinstance(key, ec.EllipticCurvePublicKey):
        point = key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url_encode(point.x.to_bytes(_EC_SIZE, "big")),
            "y": b64url_encode(point.y.to_bytes(_EC_SIZE, "big")),
        }
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
