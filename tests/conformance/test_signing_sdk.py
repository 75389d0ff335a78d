"""A card signed by the official a2a-sdk 1.x signer verifies with the harness's verifier.

Needs ``a2a-sdk[signing]`` (PyJWT): skipped without it (run in ``tox -e interop``).
"""

from __future__ import annotations

from typing import Any

import pytest

sdk_signing = pytest.importorskip("a2a.utils.signing", exc_type=ImportError)

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from google.protobuf.json_format import MessageToDict  # noqa: E402

from conformance.signing import KeyStore, Outcome, verify_card  # noqa: E402
from reference_agent.jose import public_jwk  # noqa: E402


def _sdk_signed_card(description: str) -> tuple[dict[str, Any], KeyStore]:
    from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill

    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    card = AgentCard(
        name="SDK Agent",
        description=description,
        version="1.0.0",
        supported_interfaces=[
            AgentInterface(
                url="https://sdk.example/a2a", protocol_binding="JSONRPC", protocol_version="1.0"
            )
        ],
        capabilities=AgentCapabilities(streaming=True),
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain"],
        skills=[AgentSkill(id="s", name="S", description="does s", tags=["x"])],
    )
    signer = sdk_signing.create_agent_card_signer(
        pem, {"alg": "ES256", "kid": "sdk-key", "typ": "JOSE", "jku": None}
    )
    signed = MessageToDict(signer(card))
    store = KeyStore()
    store.trust({"keys": [public_jwk(private.public_key(), "sdk-key")]})
    return signed, store


def test_sdk_signed_card_verifies_strictly_when_nothing_is_empty() -> None:
    card, store = _sdk_signed_card("An agent caf\u00e9")
    result = verify_card(card, store)
    assert result.results[0].outcome is Outcome.VALID, result.summary()
    assert result.verdict in {"pass", "warning"}


def test_sdk_signed_card_with_empty_required_value_matches_only_the_sdk_form() -> None:
    card, store = _sdk_signed_card("")
    card["description"] = ""  # MessageToDict drops it; the served card keeps the REQUIRED field
    result = verify_card(card, store)
    assert result.verdict == "warning", result.summary()
    assert result.results[0].profile in {"a2a-python", "a2a-python-legacy"}


def test_sdk_signed_card_altered_fails() -> None:
    card, store = _sdk_signed_card("honest")
    card["name"] = "Someone Else"
    assert verify_card(card, store).verdict == "fail"
