"""Options of the webhook receiver and the robustness properties: defaults, sources, errors."""

from __future__ import annotations

import pytest

from conformance.options import OptionError, parse_options


def test_defaults() -> None:
    opts = parse_options({}, {}, {})
    assert (opts.webhook_host, opts.webhook_port, opts.webhook_url) == ("127.0.0.1", 0, None)
    assert (opts.fuzz_examples, opts.fuzz_seed) == (25, 0)
    shown = opts.redacted()
    assert shown["webhook"] == "http://127.0.0.1:<free port>/"
    assert (shown["fuzz_examples"], shown["fuzz_seed"]) == (25, 0)


def test_cli_env_ini() -> None:
    env = {"A2A_FUZZ_EXAMPLES": "7", "A2A_WEBHOOK_URL": "https://hooks.example.com/x"}
    opts = parse_options({"webhook_port": "8099", "fuzz_seed": "42"}, env, {"webhook_host": "::1"})
    assert (opts.webhook_host, opts.webhook_port, opts.fuzz_seed, opts.fuzz_examples) == (
        "::1",
        8099,
        42,
        7,
    )
    assert opts.webhook_url == "https://hooks.example.com/x/"
    assert opts.redacted()["webhook"] == "https://hooks.example.com/x/"
    ipv6 = parse_options({"webhook_host": "::1", "webhook_port": "1"}, {}, {})
    assert ipv6.redacted()["webhook"] == "http://[::1]:1/"


@pytest.mark.parametrize(
    ("cli", "message"),
    [
        ({"webhook_port": "70000"}, "--a2a-webhook-port: 70000 is out of range (0 to 65535)"),
        ({"webhook_port": "http"}, "--a2a-webhook-port: 'http' is not an integer"),
        ({"webhook_host": "a b"}, "--a2a-webhook-host: 'a b' is not a host name"),
        ({"webhook_url": "ftp://x/"}, "--a2a-webhook-url 'ftp://x/' is not an absolute http"),
        ({"webhook_url": "https://x/?a=1"}, "must have no query or fragment"),
        ({"fuzz_examples": "0"}, "--a2a-fuzz-examples: 0 is out of range (1 to 10000)"),
        ({"fuzz_seed": "-1"}, "--a2a-fuzz-seed: -1 is out of range"),
    ],
)
def test_bad_values(cli: dict[str, object], message: str) -> None:
    with pytest.raises(OptionError) as info:
        parse_options(cli, {}, {})
    assert message in str(info.value)
