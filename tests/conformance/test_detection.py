"""Interface and version detection from agent cards (digest §3)."""

from __future__ import annotations

from conformance.detection import card_urls, detect_interfaces, normalize_version


def test_normalize_version() -> None:
    assert normalize_version("1.0") == normalize_version("1.0.1") == normalize_version("1") == "1.0"
    assert normalize_version("0.3.0") == "0.3"
    assert normalize_version("2.0") is None and normalize_version(None) is None


def test_v1_card_with_v03_interface_and_dedup() -> None:
    card = {
        "supportedInterfaces": [
            {"url": "https://a/rpc", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"},
            {"url": "https://a/rest", "protocolBinding": "HTTP+JSON", "protocolVersion": "1.0"},
            {"url": "https://a/rpc", "protocolBinding": "JSONRPC", "protocolVersion": "0.3"},
        ],
        "url": "https://A/rpc",
        "protocolVersion": "0.3.0",
    }
    found = [(i.url, i.binding, i.version, i.tested) for i in detect_interfaces(card)]
    assert found == [
        ("https://a/rpc", "JSONRPC", "1.0", True),
        ("https://a/rest", "HTTP+JSON", "1.0", False),
        ("https://a/rpc", "JSONRPC", "0.3", True),
    ]


def test_v03_card_with_additional_interfaces() -> None:
    card = {
        "url": "https://b/",
        "protocolVersion": "0.3.0",
        "additionalInterfaces": [
            {"url": "https://b/", "transport": "JSONRPC"},
            {"url": "https://b/grpc", "transport": "GRPC"},
        ],
    }
    found = [(i.url, i.binding, i.version, i.source) for i in detect_interfaces(card)]
    assert found == [
        ("https://b/", "JSONRPC", "0.3", "url"),
        ("https://b/grpc", "GRPC", "0.3", "additionalInterfaces[1]"),
    ]


def test_forced_version() -> None:
    card = {"url": "https://c/", "protocolVersion": "0.3.0"}
    (forced,) = detect_interfaces(card, forced="1.0")
    assert (forced.url, forced.version, forced.forced) == ("https://c/", "1.0", True)
    assert detect_interfaces(None, forced="1.0", fallback_url="http://d/")[0].url == "http://d/"
    assert detect_interfaces(None) == []


def test_card_locations() -> None:
    assert card_urls("https://h/") == ["https://h/.well-known/agent-card.json"]
    assert card_urls("https://h/agents/x/") == [
        "https://h/.well-known/agent-card.json",
        "https://h/agents/x/.well-known/agent-card.json",
    ]
    assert card_urls("https://h/custom/card.json") == ["https://h/custom/card.json"]
