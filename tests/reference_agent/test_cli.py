"""The command line: bad values exit 2 with one clear line; the listening line; public URL."""

from __future__ import annotations

import socket
import subprocess
import sys

import httpx
import pytest

from fixtures.agent_process import AgentProcess
from reference_agent.cli import main, parse_settings


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--port", "abc"], "argument --port: expected an integer 0..65535, got 'abc'"),
        (["--port", "70000"], "argument --port: expected an integer 0..65535"),
        (["--streaming", "maybe"], "argument --streaming: expected on or off, got 'maybe'"),
        (["--store", "redis://"], "expected redis://host:port/db"),
        (["--store", "postgres://x"], "argument --store: expected memory://"),
        (["--task-timeout", "-1"], "argument --task-timeout: expected a number of seconds > 0"),
        (["--task-ttl", "0"], "argument --task-ttl: expected a number of seconds > 0"),
        (["--keepalive", "nan"], "argument --keepalive"),
        (["--max-body-bytes", "0"], "argument --max-body-bytes: expected an integer >= 256"),
        (["--max-parts", "0"], "argument --max-parts"),
        (["--max-message-bytes", "x"], "argument --max-message-bytes"),
        (["--max-tasks", "-3"], "argument --max-tasks"),
        (["--public-url", "ftp://x"], "argument --public-url: expected an absolute http(s) URL"),
        (["--log-level", "loud"], "argument --log-level: invalid choice"),
        (["--require-extension", "a b"], "argument --require-extension"),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_bad_values_exit_2_with_one_clear_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("python -m reference_agent: error: ")
    assert fragment in lines[0]


def test_the_module_entry_point_exits_2_too() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "reference_agent", "--port", "nope"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "python -m reference_agent: error: argument --port: expected an integer 0..65535, got 'nope'"
    ]


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "--shutdown-grace" in capsys.readouterr().out


def test_options_fill_the_settings() -> None:
    settings = parse_settings(
        [
            "--port",
            "0",
            "--streaming",
            "off",
            "--require-extension",
            "urn:a",
            "--require-extension",
            "urn:a",
            "--task-timeout",
            "2.5",
            "--max-parts",
            "7",
            "--allow-private-webhooks",
            "--keepalive",
            "0",
        ]
    )
    assert settings.host == "127.0.0.1"
    assert settings.streaming is False and settings.push_notifications is True
    assert settings.required_extensions == ["urn:a"]
    assert settings.task_timeout_seconds == 2.5 and settings.max_parts_per_message == 7
    assert settings.allow_private_webhooks and settings.keepalive_seconds == 0


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        run = subprocess.run(
            [sys.executable, "-m", "reference_agent", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert run.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in run.stderr
    assert "A2A_AGENT_LISTENING" not in run.stdout


def test_listening_line_and_public_url() -> None:
    public = "https://agent.example.com/a2a/"
    with AgentProcess(["--public-url", public, "--log-level", "warning"]) as agent:
        assert agent.url.startswith("http://127.0.0.1:")
        card = httpx.get(agent.url + ".well-known/agent-card.json", timeout=5).json()
        assert card["url"] == public
        assert {i["url"] for i in card["supportedInterfaces"]} == {public}
        # The public path is served too, for deployments behind a path-preserving proxy.
        response = httpx.post(
            agent.url + "a2a/",
            json={"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}},
            headers={"A2A-Version": "1.0"},
            timeout=5,
        )
        assert response.json()["error"]["code"] == -32001
        # --log-level warning: no per-request lines in the log.
        assert '"reference_agent.access"' not in agent.log_path.read_text(encoding="utf-8")
