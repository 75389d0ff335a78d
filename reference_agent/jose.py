"""The few JOSE pieces the reference agent needs: JWS sign/verify and JWK export/import.

Only asymmetric algorithms from an allowlist exist here (``RS256``, ``ES256``, ``EdDSA`` with
Ed25519): an agent that accepts ``alg: none`` or an HMAC key chosen by the caller is the classic
algorithm-confusion bug, so neither can even be expressed with this module.

ES256 signatures use the JWS raw ``r || s`` form (RFC 7518 §3.4), not the DER form that
``cryptography`` produces, which is why the conversion lives here.

Example::

    key = SigningKey.from_pem(pem_bytes, kid="k1")
    protected, signature = key.sign_detached({"alg": key.alg, "kid": key.kid}, payload)
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

__all__ = [
    "ALLOWED_ALGORITHMS",
    "JoseError",
    "PrivateKey",
    "PublicKey",
    "SigningKey",
    "algorithm_for",
    "b64url_decode",
    "b64url_encode",
    "public_jwk",
    "public_key_from_jwk",
    "thumbprint",
    "verify_signature",
]

ALLOWED_ALGORITHMS: frozenset[str] = frozenset({"RS256", "ES256", "EdDSA"})

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey

_ES256_HALF = 32


class JoseError(ValueError):
    """A key, header or signature that cannot be used; the message says what was wrong."""


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; :class:`JoseError` when it is not base64url."""
    if not isinstance(text, str) or any(c in text for c in "+/= \n"):
        raise JoseError("expected unpadded base64url text")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise JoseError(f"invalid base64url: {exc}") from None


def _int_b64(value: int, length: int | None = None) -> str:
    size = length if length is not None else max(1, (value.bit_length() + 7) // 8)
    return b64url_encode(value.to_bytes(size, "big"))


def _b64_int(text: Any, name: str) -> int:
    if not isinstance(text, str) or not text:
        raise JoseError(f"JWK member {name!r} is missing or not a string")
    return int.from_bytes(b64url_decode(text), "big")


def algorithm_for(key: PrivateKey | PublicKey) -> str:
    """The JWS ``alg`` this key signs with; :class:`JoseError` for key types we do not allow."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        if key.key_size < 2048:
            raise JoseError(f"RSA key of {key.key_size} bits is too small (need >= 2048)")
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise JoseError(f"EC curve {key.curve.name} is not allowed (only P-256 for ES256)")
        return "ES256"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "EdDSA"
    raise JoseError(f"unsupported key type {type(key).__name__} (use RSA, EC P-256 or Ed25519)")


def public_jwk(key: PublicKey, kid: str | None = None) -> dict[str, str]:
    """The public JWK of ``key`` (RFC 7517), with ``alg``, ``use: sig`` and ``kid`` when given."""
    alg = algorithm_for(key)
    jwk: dict[str, str]
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        jwk = {"kty": "RSA", "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}
    elif isinstance(key, ec.EllipticCurvePublicKey):
        point = key.public_numbers()
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": _int_b64(point.x, _ES256_HALF),
            "y": _int_b64(point.y, _ES256_HALF),
        }
    else:
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    jwk.update({"alg": alg, "use": "sig"})
    if kid is not None:
        jwk["kid"] = kid
    return jwk


def thumbprint(key: PublicKey) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256), a stable default ``kid``."""
    jwk = public_jwk(key)
    required = {
        "RSA": ("e", "kty", "n"),
        "EC": ("crv", "kty", "x", "y"),
        "OKP": ("crv", "kty", "x"),
    }
    members = {name: jwk[name] for name in required[jwk["kty"]]}
    encoded = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return b64url_encode(hashlib.sha256(encoded).digest())


def public_key_from_jwk(jwk: Any) -> PublicKey:
    """Build a public key from a JWK object; :class:`JoseError` names the bad member."""
    if not isinstance(jwk, dict):
        raise JoseError(f"a JWK must be a JSON object, got {type(jwk).__name__}")
    kty = jwk.get("kty")
    try:
        if kty == "RSA":
            n, e = _b64_int(jwk.get("n"), "n"), _b64_int(jwk.get("e"), "e")
            return rsa.RSAPublicNumbers(e, n).public_key()
        if kty == "EC":
            if jwk.get("crv") != "P-256":
                raise JoseError(f"EC JWK curve {jwk.get('crv')!r} is not allowed (only P-256)")
            x, y = _b64_int(jwk.get("x"), "x"), _b64_int(jwk.get("y"), "y")
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        if kty == "OKP":
            if jwk.get("crv") != "Ed25519":
                raise JoseError(f"OKP JWK curve {jwk.get('crv')!r} is not allowed (only Ed25519)")
            return ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk.get("x", "")))
    except JoseError:
        raise
    except ValueError as exc:
        raise JoseError(f"invalid {kty} JWK: {exc}") from None
    raise JoseError(f"unsupported JWK kty {kty!r} (expected RSA, EC or OKP)")


def verify_signature(key: PublicKey, alg: str, signing_input: bytes, signature: bytes) -> bool:
    """True when ``signature`` is valid for ``signing_input`` under ``key`` with ``alg``.

    The algorithm must be in :data:`ALLOWED_ALGORITHMS` *and* match the key type: an RS256 header
    over an EC key is refused rather than tried, which closes algorithm confusion.
    """
    if alg not in ALLOWED_ALGORITHMS or algorithm_for(key) != alg:
        return False
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 2 * _ES256_HALF:
                return False
            r = int.from_bytes(signature[:_ES256_HALF], "big")
            s = int.from_bytes(signature[_ES256_HALF:], "big")
            key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(signature, signing_input)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key with the ``kid`` (and optional ``jku``) it is published under."""

    private_key: PrivateKey
    kid: str
    alg: str
    jku: str | None = None

    @classmethod
    def from_pem(
        cls,
        pem: bytes,
        *,
        kid: str | None = None,
        jku: str | None = None,
        password: bytes | None = None,
    ) -> SigningKey:
        """Load a PEM private key; ``kid`` defaults to the key's RFC 7638 thumbprint."""
        try:
            key = serialization.load_pem_private_key(pem, password=password)
        except (ValueError, TypeError) as exc:
            raise JoseError(f"not a usable PEM private key: {exc}") from None
        if not isinstance(
            key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
        ):
            raise JoseError(f"unsupported key type {type(key).__name__}")
        return cls(key, kid or thumbprint(key.public_key()), algorithm_for(key), jku)

    @property
    def public_key(self) -> PublicKey:
        """The public half, for JWKS documents and verification."""
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, str]:
        """The public JWK of this key under its ``kid``."""
        return public_jwk(self.public_key, self.kid)

    def sign(self, signing_input: bytes) -> bytes:
        """The raw JWS signature of ``signing_input`` (``r || s`` for ES256)."""
        key = self.private_key
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        if isinstance(key, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(_ES256_HALF, "big") + s.to_bytes(_ES256_HALF, "big")
        return key.sign(signing_input)

    def sign_detached(self, header: dict[str, Any], payload: bytes) -> tuple[str, str]:
        """JWS with detached payload: ``(BASE64URL(protected), BASE64URL(signature))``."""
        protected = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
        signing_input = f"{protected}.{b64url_encode(payload)}".encode("ascii")
        return protected, b64url_encode(self.sign(signing_input))
