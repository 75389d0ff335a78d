"""Option parsing: precedence CLI > env > ini, validation messages, header secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.options import OptionError, parse_options


def test_precedence_cli_env_ini() -> None:
    ini = {"version": "0.3", "timeout": "5", "agent_url": ["http://ini/"]}
    env = {"A2A_VERSION": "1.0", "A2A_AGENT_URL": "http://env-a/, http://env-b/"}
    opts = parse_options({"version": None, "agent_url": []}, env, ini)
    assert opts.version == "1.0" and opts.timeout == 5.0
    assert opts.agent_urls == ["http://env-a/", "http://env-b/"]
    opts = parse_options({"version": "auto", "agent_url": ["http://cli/"]}, env, ini)
    assert opts.version == "auto" and opts.agent_urls == ["http://cli/"]


def test_defaults() -> None:
    opts = parse_options({}, {}, {})
    assert (opts.version, opts.errata, opts.level, opts.strict, opts.timeout) == (
        "auto",
        "1.0.1",
        "may",
        False,
        10.0,
    )


@pytest.mark.parametrize(
    ("cli", "message"),
    [
        ({"agent_url": ["ftp://x/"]}, "--agent-url 'ftp://x/' is not an absolute http(s) URL"),
        ({"agent_url": ["http://h:99999/"]}, "invalid port"),
        ({"errata": "1.1"}, "--a2a-errata: '1.1' is not one of 1.0.0, 1.0.1"),
        ({"strict": "maybe"}, "--a2a-strict: 'maybe' is not a boolean"),
        ({"timeout": "soon"}, "--a2a-timeout: 'soon' is not a number"),
        ({"timeout": "0"}, "out of range"),
        ({"prompt": ["slow"]}, "expected BEHAVIOUR=TEXT"),
        ({"prompt": ["skill:=route me"]}, "expected skill:SKILL_ID=TEXT"),
        ({"prompt": ["sloww=x"]}, "unknown behaviour 'sloww'"),
        ({"header": ["X Bad: 1"]}, "--a2a-header #1 is malformed"),
    ],
)
def test_bad_values(cli: dict[str, object], message: str) -> None:
    with pytest.raises(OptionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_options(cli, {}, {})


def test_header_expansion_and_redaction() -> None:
    opts = parse_options(
        {"header": ["Authorization: Bearer ${TOKEN}", "X-Trace: plain"]}, {"TOKEN": "abc123"}, {}
    )
    assert opts.header_dict() == {"Authorization": "Bearer abc123", "X-Trace": "plain"}
    assert opts.redacted()["headers"] == ["Authorization: <redacted>", "X-Trace: <redacted>"]
    assert "abc123" not in repr(opts.redacted())
    assert opts.headers[0].from_env and not opts.headers[1].from_env


def test_header_line_break_rejected_without_echo() -> None:
    with pytest.raises(OptionError) as info:
        parse_options({"header": ["X-A: ${V}"]}, {"V": "a\r\nInjected: 1"}, {})
    assert "Injected" not in str(info.value)


def test_prompts_and_baseline_path(tmp_path: Path) -> None:
    baseline = tmp_path / "b.json"
    baseline.write_text("{}")
    opts = parse_options(
        {
            "prompt": ["slow=please take your time", "skill:admin=admin please"],
            "baseline": str(baseline),
        },
        {},
        {},
    )
    assert opts.prompts == {"slow": "please take your time", "skill:admin": "admin please"}
    assert opts.baseline == baseline
