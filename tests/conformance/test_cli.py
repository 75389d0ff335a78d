"""``a2a-harness test``: with a URL, and without one (it starts the reference agent)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conformance.cli import main


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "usage: a2a-harness test [URL]" in capsys.readouterr().out


def test_without_url_starts_the_reference_agent(tmp_path: object) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "a2a_harness",
            "test",
            "-p",
            "no:cacheprovider",
            "--a2a-select",
            "CARD-2,OP-7b",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(tmp_path),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "judging the reference agent started at http://127.0.0.1:" in proc.stdout
    assert "3 passed" in proc.stdout  # CARD-2 once, OP-7b in v1.0 and v0.3


def test_with_url_runs_the_bundled_suite(stub_agent_url: str, tmp_path: object) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "a2a_harness",
            "test",
            stub_agent_url,
            "-p",
            "no:cacheprovider",
            "--a2a-select",
            "ERR-3",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(tmp_path),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout
