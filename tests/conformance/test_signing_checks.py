"""The card-signature judgements, each proven both ways with hand-made cards."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conformance._auth_options import AuthOptions, parse_auth_options
from conformance.grading import Check, CheckFailed, Grade, HarnessError, NotApplicable
from conformance.suite._signature import (
    judge_expired_keys,
    judge_header_members,
    judge_jku_https,
    judge_shape,
    judge_strict_canonical_form,
    judge_typ,
    judge_verification,
    verify_served_card,
)
from reference_agent.jose import SigningKey
from reference_agent.signing import jwks_document, sign_card

CARD: dict[str, Any] = {"name": "Signed Agent", "description": "", "version": "1", "skills": []}
CARD_URL = "https://agent.example/.well-known/agent-card.json"


def _key(kid: str = "k1", jku: str | None = None) -> SigningKey:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SigningKey.from_pem(pem, kid=kid, jku=jku)


def _grade(judge: Callable[..., None], *args: Any) -> str:
    check = Check()
    try:
        judge(*args, check)
    except CheckFailed:
        return "FAIL"
    except NotApplicable:
        return "N/A"
    if any(f.grade is Grade.WARNING for f in check.findings):
        return "WARNING"
    return "PASS"


def _no_fetch(url: str) -> tuple[int, bytes]:
    raise AssertionError(f"unexpected fetch of {url}")


def _verify(card: dict[str, Any], trusted: Path | None = None, fetch: Any = _no_fetch) -> Any:
    options = AuthOptions(trusted_jwks=(str(trusted),) if trusted else ())
    return verify_served_card(card, CARD_URL, fetch, options)


@pytest.fixture
def trusted(tmp_path: Path) -> tuple[SigningKey, Path]:
    key = _key()
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks_document([key])), encoding="utf-8")
    return key, path


def test_unsigned_card_is_not_applicable_everywhere() -> None:
    result = _verify(CARD)
    for judge in (judge_shape, judge_header_members, judge_typ, judge_jku_https):
        assert _grade(judge, CARD) == "N/A"
    for judge in (judge_verification, judge_expired_keys, judge_strict_canonical_form):
        assert _grade(judge, CARD, result) == "N/A"


def test_well_signed_card_passes(trusted: tuple[SigningKey, Path]) -> None:
    key, path = trusted
    card = sign_card(CARD, [key])
    result = _verify(card, path)
    for judge in (judge_shape, judge_header_members, judge_typ):
        assert _grade(judge, card) == "PASS"
    for judge in (judge_verification, judge_expired_keys, judge_strict_canonical_form):
        assert _grade(judge, card, result) == "PASS"


def test_card_altered_after_signing_fails(trusted: tuple[SigningKey, Path]) -> None:
    key, path = trusted
    card = {**sign_card(CARD, [key]), "name": "Altered"}
    assert _grade(judge_verification, card, _verify(card, path)) == "FAIL"


def test_signature_skipped_or_garbled_fails(trusted: tuple[SigningKey, Path]) -> None:
    key, path = trusted
    card = sign_card(CARD, [key])
    card["signatures"][0]["signature"] = ""
    assert _grade(judge_shape, card) == "FAIL"
    assert _grade(judge_verification, card, _verify(card, path)) == "FAIL"
    assert _grade(judge_shape, {**CARD, "signatures": ["x"]}) == "FAIL"


def test_missing_kid_and_typ(trusted: tuple[SigningKey, Path]) -> None:
    key, path = trusted
    content = rfc8785.dumps(CARD)
    protected, signature = key.sign_detached({"alg": "ES256"}, content)
    card = {**CARD, "signatures": [{"protected": protected, "signature": signature}]}
    assert _grade(judge_header_members, card) == "FAIL"
    assert _grade(judge_typ, card) == "FAIL"
    assert _grade(judge_verification, card, _verify(card, path)) == "FAIL"


def test_unknown_key_fails_but_rotation_passes(trusted: tuple[SigningKey, Path]) -> None:
    key, path = trusted
    stranger = sign_card(CARD, [_key("other")])
    assert _grade(judge_verification, stranger, _verify(stranger, path)) == "FAIL"
    rotated = sign_card(CARD, [_key("other"), key])
    assert _grade(judge_verification, rotated, _verify(rotated, path)) == "PASS"


def test_expired_key_fails(tmp_path: Path) -> None:
    key = _key()
    jwks = jwks_document([key])
    jwks["keys"][0]["exp"] = 1
    path = tmp_path / "expired.json"
    path.write_text(json.dumps(jwks), encoding="utf-8")
    card = sign_card(CARD, [key])
    result = _verify(card, path)
    assert _grade(judge_expired_keys, card, result) == "FAIL"
    assert _grade(judge_verification, card, result) == "FAIL"


def test_sdk_only_canonical_form_is_a_warning(trusted: tuple[SigningKey, Path]) -> None:
    key, path = trusted
    cleaned = {k: v for k, v in CARD.items() if v not in ("", [])}
    protected, signature = key.sign_detached(
        {"alg": "ES256", "kid": key.kid, "typ": "JOSE"}, rfc8785.dumps(cleaned)
    )
    card = {**CARD, "signatures": [{"protected": protected, "signature": signature}]}
    result = _verify(card, path)
    assert _grade(judge_verification, card, result) == "PASS"
    assert _grade(judge_strict_canonical_form, card, result) == "WARNING"


def test_jku_https_and_fetch() -> None:
    key = _key(jku="https://agent.example/.well-known/jwks.json")
    card = sign_card(CARD, [key])
    assert _grade(judge_jku_https, card) == "PASS"
    served = json.dumps(jwks_document([key])).encode()
    fetched: list[str] = []

    def fetch(url: str) -> tuple[int, bytes]:
        fetched.append(url)
        return 200, served

    assert _grade(judge_verification, card, _verify(card, fetch=fetch)) == "PASS"
    assert fetched == ["https://agent.example/.well-known/jwks.json"]
    plain = sign_card(CARD, [_key(jku="http://agent.example/jwks.json")])
    assert _grade(judge_jku_https, plain) == "FAIL"
    assert _grade(judge_verification, plain, _verify(plain)) == "FAIL"  # never fetched


def test_bad_trusted_jwks_is_a_harness_error(tmp_path: Path) -> None:
    card = sign_card(CARD, [_key()])
    missing = tmp_path / "missing.json"
    with pytest.raises(HarnessError, match="cannot load trusted JWKS"):
        _verify(card, missing)
    wrong = tmp_path / "wrong.json"
    wrong.write_text("[]", encoding="utf-8")
    with pytest.raises(HarnessError, match="keys"):
        _verify(card, wrong)


def test_options_default_when_not_given() -> None:
    assert parse_auth_options({}, {}, {}) == AuthOptions()
