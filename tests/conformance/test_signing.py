"""The harness's card-signature verifier: RFC 8785 known answers, round trips, every failure."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.jcs import CanonicalizationError, canonicalize, format_number
from conformance.signing import (
    KeyStore,
    Outcome,
    gather_keys,
    httpx_fetch,
    jku_refusal,
    verify_card,
)
from reference_agent.jose import SigningKey, b64url_encode
from reference_agent.signing import jwks_document, sign_card

from .asgi_server import ThreadedServer

CARD: dict[str, Any] = {
    "name": "Example Agent",
    "description": "Agent caf\u00e9 \u2014 d\u00e9mo",
    "version": "1.0.0",
    "capabilities": {"streaming": True, "extensions": []},
    "skills": [{"id": "echo", "name": "Echo", "description": "", "tags": ["t"]}],
    "defaultInputModes": ["text/plain"],
}


def _key(kind: str, kid: str, jku: str | None = None) -> SigningKey:
    private = {
        "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
        "RS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "EdDSA": ed25519.Ed25519PrivateKey.generate,
    }[kind]()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SigningKey.from_pem(pem, kid=kid, jku=jku)


def _store(*keys: SigningKey) -> KeyStore:
    store = KeyStore()
    store.trust(jwks_document(keys))
    return store


# --- RFC 8785 known answers -------------------------------------------------------------------


def test_rfc8785_section_3_2_2_example() -> None:
    value = json.loads(
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonicalize(value).decode("utf-8") == expected


def test_rfc8785_section_3_2_3_sorting_by_utf16_code_units() -> None:
    value = json.loads(
        '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Dalet",'
        ' "1": "One", "\\ud83d\\ude00": "Emoji", "\\u0080": "Control", "\\u00f6": "o"}'
    )
    keys = list(json.loads(canonicalize(value)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    ("number", "expected"),
    [  # RFC 8785 Appendix B
        (0.0, "0"),
        (-0.0, "0"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (9007199254740992, "9007199254740992"),
        (-9007199254740992, "-9007199254740992"),
        (295147905179352825856, "295147905179352830000"),
        (1e21, "1e+21"),
        (999999999999999900000.0, "999999999999999900000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (1e23, "1e+23"),
        (-1e-27, "-1e-27"),
        (4.5, "4.5"),
    ],
)
def test_rfc8785_appendix_b_numbers(number: float, expected: str) -> None:
    assert format_number(number) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {"a": {1: 2}}, "\ud800", {1, 2}])
def test_values_without_canonical_form_are_refused(bad: Any) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize(bad)


def test_spec_8_4_1_worked_example() -> None:
    fragment = {
        "name": "Example Agent",
        "description": "",
        "capabilities": {"streaming": False, "pushNotifications": False},
        "skills": [],
    }
    assert canonicalize(fragment) == (
        b'{"capabilities":{"pushNotifications":false,"streaming":false},'
        b'"description":"","name":"Example Agent","skills":[]}'
    )


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(-(2**53), 2**53)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(_json)
def test_agrees_with_the_rfc8785_package(value: Any) -> None:
    # Two independent implementations; a disagreement is a bug in one of them.
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        return
    assert canonicalize(value) == expected


# --- verification -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["ES256", "RS256", "EdDSA"])
def test_round_trip_with_our_signer_is_strict_pass(kind: str) -> None:
    key = _key(kind, f"k-{kind}")
    result = verify_card(sign_card(CARD, [key]), _store(key))
    assert result.verdict == "pass", result.summary()
    assert result.results[0].profile == "rfc8785"


def test_tampered_card_fails() -> None:
    key = _key("ES256", "k1")
    signed = sign_card(CARD, [key])
    signed["skills"][0]["name"] = "Exfiltrate"
    result = verify_card(signed, _store(key))
    assert result.verdict == "fail"
    assert result.results[0].outcome is Outcome.BAD_SIGNATURE


def test_unsigned_card() -> None:
    assert verify_card(CARD, KeyStore()).verdict == "unsigned"


def test_unknown_key_fails() -> None:
    signed = sign_card(CARD, [_key("ES256", "k1")])
    result = verify_card(signed, _store(_key("ES256", "other")))
    assert result.verdict == "fail"
    assert result.results[0].outcome is Outcome.UNKNOWN_KEY
    assert "'k1'" in result.summary()


def test_same_kid_different_key_fails() -> None:
    signed = sign_card(CARD, [_key("ES256", "k1")])
    result = verify_card(signed, _store(_key("ES256", "k1")))
    assert result.results[0].outcome is Outcome.BAD_SIGNATURE


def _forge(card: dict[str, Any], key: SigningKey, header: dict[str, Any]) -> dict[str, Any]:
    content = {k: v for k, v in card.items() if k != "signatures"}
    protected, signature = key.sign_detached(header, rfc8785.dumps(content))
    return {**card, "signatures": [{"protected": protected, "signature": signature}]}


def test_missing_kid_fails() -> None:
    key = _key("ES256", "k1")
    result = verify_card(_forge(CARD, key, {"alg": "ES256", "typ": "JOSE"}), _store(key))
    assert result.results[0].outcome is Outcome.MISSING_KID and result.verdict == "fail"


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256"])
def test_algorithm_outside_allowlist_or_not_matching_the_key_fails(alg: str) -> None:
    key = _key("ES256", "k1")
    signed = _forge(CARD, key, {"alg": alg, "kid": "k1"})
    result = verify_card(signed, _store(key), algorithms={"ES256", "RS256"})
    expected = Outcome.BAD_SIGNATURE if alg == "RS256" else Outcome.ALG_NOT_ALLOWED
    assert result.results[0].outcome is expected


def test_alg_none_with_empty_signature_fails() -> None:
    header = b64url_encode(b'{"alg":"none","kid":"k1"}')
    card = {**CARD, "signatures": [{"protected": header, "signature": ""}]}
    result = verify_card(card, _store(_key("ES256", "k1")))
    assert result.results[0].outcome is Outcome.ALG_NOT_ALLOWED


def test_expired_key_fails() -> None:
    key = _key("EdDSA", "old")
    jwks = jwks_document([key])
    jwks["keys"][0]["exp"] = int(time.time()) - 60
    store = KeyStore()
    store.trust(jwks)
    result = verify_card(sign_card(CARD, [key]), store)
    assert result.results[0].outcome is Outcome.KEY_EXPIRED and result.verdict == "fail"


@pytest.mark.parametrize(
    "signature",
    [{"protected": "!!", "signature": "x"}, {"protected": b64url_encode(b"[1]")}, "text"],
)
def test_malformed_signature_entries_fail_without_crashing(signature: Any) -> None:
    result = verify_card({**CARD, "signatures": [signature]}, KeyStore())
    assert result.results[0].outcome is Outcome.MALFORMED


def test_rotation_one_known_key_is_enough() -> None:
    old, new = _key("ES256", "2025"), _key("RS256", "2026")
    signed = sign_card(CARD, [old, new])
    only_new = verify_card(signed, _store(new))
    assert only_new.verdict == "pass"
    assert [r.outcome for r in only_new.results] == [Outcome.UNKNOWN_KEY, Outcome.VALID]


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: c for k, v in value.items() if (c := _clean(v)) not in (None, "", [], {})}
        return kept or None
    if isinstance(value, list):
        kept_items = [c for v in value if (c := _clean(v)) not in (None, "", [], {})]
        return kept_items or None
    return value


@pytest.mark.parametrize("legacy", [False, True])
def test_sdk_canonical_form_only_is_a_warning(legacy: bool) -> None:
    key = _key("ES256", "k1")
    cleaned = _clean(CARD)
    payload = (
        json.dumps(cleaned, sort_keys=True, separators=(",", ":")).encode()
        if legacy
        else rfc8785.dumps(cleaned)
    )
    protected, signature = key.sign_detached({"alg": "ES256", "kid": "k1"}, payload)
    card = {**CARD, "signatures": [{"protected": protected, "signature": signature}]}
    result = verify_card(card, _store(key))
    assert result.verdict == "warning", result.summary()
    assert result.results[0].profile == ("a2a-python-legacy" if legacy else "a2a-python")


# --- key discovery by jku ---------------------------------------------------------------------


def test_jku_policy() -> None:
    card_url = "https://agent.example/.well-known/agent-card.json"
    assert jku_refusal("https://agent.example/jwks.json", card_url=card_url) is None
    assert "not HTTPS" in str(jku_refusal("http://agent.example/jwks.json", card_url=card_url))
    assert "origin" in str(jku_refusal("https://evil.example/jwks.json", card_url=card_url))
    trusted = ["https://keys.example"]
    assert jku_refusal("https://keys.example/j", card_url=card_url, trusted_origins=trusted) is None
    loop = "http://127.0.0.1:8000/jwks.json"
    assert jku_refusal(loop, card_url="http://127.0.0.1:8000/") is not None
    assert jku_refusal(loop, card_url="http://127.0.0.1:8000/", allow_loopback_http=True) is None
    assert jku_refusal(42, card_url=card_url) is not None


class _JwksApp:
    """Serves one JWKS at /jwks.json and 404 elsewhere."""

    def __init__(self) -> None:
        self.body = b"{}"
        self.hits = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        found = scope["path"] == "/jwks.json"
        self.hits += found
        await send(
            {
                "type": "http.response.start",
                "status": 200 if found else 404,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": self.body if found else b"{}"})


@pytest.fixture(scope="module")
def jwks_server() -> Any:
    app = _JwksApp()
    with ThreadedServer(app) as server:
        yield app, server.url.rstrip("/")


def test_keys_fetched_from_loopback_jku(jwks_server: Any) -> None:
    app, base = jwks_server
    key = _key("ES256", "srv", jku=f"{base}/jwks.json")
    app.body = json.dumps(jwks_document([key])).encode()
    signed = sign_card(CARD, [key])
    fetch = httpx_fetch(timeout=5)
    refused = gather_keys(signed, card_url=f"{base}/", fetch=fetch)
    assert verify_card(signed, refused).results[0].outcome is Outcome.JKU_REFUSED
    hits = app.hits
    store = gather_keys(signed, card_url=f"{base}/", fetch=fetch, allow_loopback_http=True)
    assert app.hits == hits + 1
    assert verify_card(signed, store).verdict == "pass"

    missing = SigningKey(key.private_key, "srv", "ES256", f"{base}/absent.json")
    store = gather_keys(
        sign_card(CARD, [missing]), card_url=f"{base}/", fetch=fetch, allow_loopback_http=True
    )
    assert "HTTP 404" in store.jku_errors[f"{base}/absent.json"]
    assert verify_card(sign_card(CARD, [missing]), store).verdict == "fail"


def test_unreachable_jku_is_recorded_not_raised() -> None:
    key = _key("EdDSA", "k", jku="http://127.0.0.1:9/jwks.json")
    signed = sign_card(CARD, [key])
    store = gather_keys(
        signed, card_url="http://127.0.0.1:9/", fetch=httpx_fetch(2), allow_loopback_http=True
    )
    result = verify_card(signed, store)
    assert result.results[0].outcome is Outcome.JKU_REFUSED
    assert "cannot use JWKS" in result.summary()
