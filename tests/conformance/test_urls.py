"""is_loopback_host: one answer for the card checks (CARD-11) and the jku guard (SIG-8b)."""

from __future__ import annotations

import pytest

from conformance._urls import is_loopback_host
from conformance.signing import jku_refusal


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST", "agent.localhost", "127.0.0.1", "127.9.9.9", "::1", "[::1]"]
)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize(
    "host", [None, "", "example.com", "localhost.example.com", "10.0.0.1", "::2", "[::2]"]
)
def test_other_hosts(host: str | None) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize("jku", ["http://[::1]:8000/jwks.json", "http://a.localhost:8000/j"])
def test_the_jku_guard_uses_the_same_loopback_rule(jku: str) -> None:
    card_url = jku.rsplit("/", 1)[0] + "/card.json"
    assert jku_refusal(jku, card_url=card_url) is not None
    assert jku_refusal(jku, card_url=card_url, allow_loopback_http=True) is None
