"""Card signing on the agent side: JWS shape, canonical payload, rotation, JWKS, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from reference_agent.card_cli import main as card_main
from reference_agent.jose import JoseError, SigningKey, b64url_decode, public_key_from_jwk
from reference_agent.signing import canonical_card, jwks_document, sign_card, signature_is_valid

CARD = {
    "name": "Example Agent",
    "description": "",
    "capabilities": {"streaming": False, "pushNotifications": False},
    "skills": [],
}


def _pem(key: object) -> bytes:
    return key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture(scope="module", params=["ES256", "RS256", "EdDSA"])
def signing_key(request: pytest.FixtureRequest) -> SigningKey:
    factory = {
        "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
        "RS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "EdDSA": ed25519.Ed25519PrivateKey.generate,
    }[request.param]
    return SigningKey.from_pem(_pem(factory()), kid=f"kid-{request.param}")


def test_spec_worked_example_canonical_form() -> None:
    # v1.0 §8.4.1 (digest §2.2), after the example removes "extensions": [].
    fragment = {
        "name": "Example Agent",
        "description": "",
        "capabilities": {"streaming": False, "pushNotifications": False},
        "skills": [],
    }
    assert canonical_card(fragment) == (
        b'{"capabilities":{"pushNotifications":false,"streaming":false},'
        b'"description":"","name":"Example Agent","skills":[]}'
    )


def test_signatures_are_not_part_of_the_signed_content() -> None:
    assert canonical_card({**CARD, "signatures": [{"protected": "x"}]}) == canonical_card(CARD)


def test_sign_card_header_and_detached_payload(signing_key: SigningKey) -> None:
    signed = sign_card(CARD, [signing_key])
    assert "signatures" not in CARD  # the input is not modified
    (entry,) = signed["signatures"]
    assert set(entry) == {"protected", "signature"}
    header = json.loads(b64url_decode(entry["protected"]))
    assert header == {"alg": signing_key.alg, "kid": signing_key.kid, "typ": "JOSE"}
    assert signature_is_valid(signed, entry, signing_key)


def test_altered_card_no_longer_verifies(signing_key: SigningKey) -> None:
    signed = sign_card(CARD, [signing_key])
    altered = {**signed, "name": "Evil Agent"}
    assert not signature_is_valid(altered, signed["signatures"][0], signing_key)


def test_rotation_puts_one_signature_per_key_with_jku() -> None:
    old = SigningKey.from_pem(
        _pem(ec.generate_private_key(ec.SECP256R1())),
        kid="2025",
        jku="https://a.example/.well-known/jwks.json",
    )
    new = SigningKey.from_pem(_pem(ed25519.Ed25519PrivateKey.generate()), kid="2026")
    signed = sign_card(CARD, [old, new])
    kids = [json.loads(b64url_decode(s["protected"]))["kid"] for s in signed["signatures"]]
    assert kids == ["2025", "2026"]
    assert json.loads(b64url_decode(signed["signatures"][0]["protected"]))["jku"].endswith(
        "jwks.json"
    )
    assert all(
        signature_is_valid(signed, s, k)
        for s, k in zip(signed["signatures"], [old, new], strict=True)
    )
    kept = sign_card(signed, [new], keep_existing=True)
    assert len(kept["signatures"]) == 3


def test_jwks_document_round_trips_public_keys(signing_key: SigningKey) -> None:
    (jwk,) = jwks_document([signing_key])["keys"]
    assert jwk["kid"] == signing_key.kid and jwk["alg"] == signing_key.alg and jwk["use"] == "sig"
    assert "d" not in jwk  # never the private part
    rebuilt = public_key_from_jwk(jwk)
    assert rebuilt.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == signing_key.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_default_kid_is_the_rfc7638_thumbprint() -> None:
    # RFC 7638 §3.1 example key and its published thumbprint.
    jwk = {
        "kty": "RSA",
        "e": "AQAB",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    }
    from reference_agent.jose import thumbprint

    assert thumbprint(public_key_from_jwk(jwk)) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_weak_and_unsupported_keys_are_refused() -> None:
    with pytest.raises(JoseError, match="too small"):
        SigningKey.from_pem(_pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)))
    with pytest.raises(JoseError, match="secp384r1"):
        SigningKey.from_pem(_pem(ec.generate_private_key(ec.SECP384R1())))
    with pytest.raises(JoseError, match="not a usable PEM"):
        SigningKey.from_pem(b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    with pytest.raises(JoseError, match="at least one"):
        sign_card(CARD, [])


def test_cli_keygen_sign_and_jwks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "key.pem"
    assert card_main(["keygen", "--alg", "EdDSA", "--out", str(key)]) == 0
    assert key.stat().st_mode & 0o077 == 0
    assert card_main(["keygen", "--out", str(key)]) == 2  # never overwrites a key
    assert "refusing to overwrite" in capsys.readouterr().err
    card_file = tmp_path / "card.json"
    card_file.write_text(json.dumps({**CARD, "description": "caf\u00e9"}), encoding="utf-8")
    out = tmp_path / "signed.json"
    args = ["sign", "--key", str(key), "--kid", "k1", "--jku", "https://a.example/jwks.json"]
    assert card_main([*args, "--in", str(card_file), "--out", str(out)]) == 0
    signed = json.loads(out.read_text(encoding="utf-8"))
    assert signed["description"] == "caf\u00e9"
    loaded = SigningKey.from_pem(key.read_bytes(), kid="k1")
    assert signature_is_valid(signed, signed["signatures"][0], loaded)
    assert card_main(["jwks", "--key", str(key), "--kid", "k1"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed)["keys"][0]["kid"] == "k1"
    assert "PRIVATE" not in printed


def test_cli_signs_the_reference_card_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key.pem"
    assert card_main(["keygen", "--out", str(key)]) == 0
    assert card_main(["sign", "--key", str(key)]) == 0
    signed = json.loads(capsys.readouterr().out)
    assert signed["name"] and len(signed["signatures"]) == 1


@pytest.mark.parametrize(
    ("card_text", "message"),
    [("[1]", "must be a JSON object"), ("{nope", "not valid JSON")],
)
def test_cli_bad_card_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], card_text: str, message: str
) -> None:
    key = tmp_path / "key.pem"
    card_main(["keygen", "--out", str(key)])
    card_file = tmp_path / "card.json"
    card_file.write_text(card_text, encoding="utf-8")
    assert card_main(["sign", "--key", str(key), "--in", str(card_file)]) == 2
    assert message in capsys.readouterr().err


def test_cli_bad_key_and_kid_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key", encoding="utf-8")
    assert card_main(["sign", "--key", str(bad)]) == 2
    assert "not a usable PEM" in capsys.readouterr().err
    assert card_main(["sign", "--key", str(bad), "--kid", "a", "--kid", "b"]) == 2
    assert "2 kid(s) for 1 key(s)" in capsys.readouterr().err
    assert card_main(["sign", "--key", str(tmp_path / "missing.pem")]) == 2
    assert "cannot read key file" in capsys.readouterr().err


def test_front_door_dispatches_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from a2a_harness.cli import main as harness_main

    key = tmp_path / "key.pem"
    assert harness_main(["card", "keygen", "--alg", "RS256", "--out", str(key)]) == 0
    assert harness_main(["card", "jwks", "--key", str(key), "--kid", "r1"]) == 0
    assert json.loads(capsys.readouterr().out)["keys"][0]["kty"] == "RSA"
