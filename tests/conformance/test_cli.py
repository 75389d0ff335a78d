"""``a2a-harness test``: with a URL, and without one (it starts the reference agent, secured
unless ``--no-auth``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.embedded_auth import CREDENTIAL_ENV

AUTH_CHECKS = {f"AUTH-{n}" for n in range(5, 11)}
SIG_CHECKS = {"SIG-1b", "SIG-5", "SIG-5b", "SIG-7", "SIG-8c", "SIG-9"}
# SIG-8b judges a jku; the embedded card names none (its key is handed over as a trusted JWKS).
SIG_NO_JKU = "SIG-8b"
# Any JWT: base64url of '{"' starts both the header and the payload.
JWT_SHAPE = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.")
USER_TOKEN = "user-token-for-another-agent-0123456789"


def _harness_test(
    cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run ``a2a-harness test ARGS`` in a child process; returns it and the requirement grades."""
    results = cwd / "results.json"
    base = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_ENV}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "a2a_harness",
            "test",
            "-p",
            "no:cacheprovider",
            "--a2a-results",
            str(results),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(cwd),
        env={**base, **(env or {})},
    )
    grades = {}
    if results.is_file():
        doc = json.loads(results.read_text(encoding="utf-8"))
        grades = {r["id"]: r["grade"] for r in doc["requirements"]}
    return proc, grades


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


def test_main_job_judges_a_secured_reference_agent(tmp_path: Path) -> None:
    """The README's main job, whole: auth on by default, so the AUTH and SIG checks PASS; no
    token in the terminal; a credential exported for another agent is left out, by name."""
    proc, grades = _harness_test(tmp_path, "-q", env={"A2A_TOKEN": USER_TOKEN})
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "auth on: JWT bearer tokens from the issuer at http://127.0.0.1:" in proc.stdout
    assert {req: grades.get(req) for req in AUTH_CHECKS | SIG_CHECKS} == dict.fromkeys(
        AUTH_CHECKS | SIG_CHECKS, "PASS"
    ), output
    assert grades[SIG_NO_JKU] == "N/A", output
    assert "ignoring A2A_TOKEN from the environment" in proc.stdout
    assert USER_TOKEN not in output
    assert not JWT_SHAPE.search(output), "a token reached the terminal"
    written = (tmp_path / "results.json").read_text(encoding="utf-8")
    assert not JWT_SHAPE.search(written), "a token reached the results file"


def test_no_auth_runs_the_plain_agent(tmp_path: Path) -> None:
    proc, grades = _harness_test(tmp_path, "-q", "--no-auth", "--a2a-select", "AUTH-*,SIG-*")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "auth on" not in proc.stdout
    family = AUTH_CHECKS | SIG_CHECKS | {SIG_NO_JKU}
    assert {req: grades.get(req) for req in family} == dict.fromkeys(family, "N/A"), proc.stdout


def test_secured_instances_share_one_issuer(tmp_path: Path) -> None:
    proc, grades = _harness_test(
        tmp_path, "-q", "--instances", "2", "--a2a-select", "MULTI-*,AUTH-*"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "judging 2 reference agents" in proc.stdout
    multi = {f"MULTI-{n}" for n in range(1, 7)}
    assert grades == dict.fromkeys(AUTH_CHECKS | multi, "PASS"), proc.stdout
    assert not JWT_SHAPE.search(proc.stdout + proc.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--a2a-token", USER_TOKEN], "--a2a-token: the reference agent started for this run"),
        ([f"--a2a-token-b={USER_TOKEN}"], "--a2a-token-b: the reference agent started"),
        (["--a2a-issuer-key", "key.pem"], "add --no-auth to judge the agent without"),
        (["--a2a-header", "authorization: Bearer x"], "--a2a-header Authorization"),
        (["http://127.0.0.1:9/", "--no-auth"], "--no-auth applies to the reference agent"),
    ],
)
def test_conflicting_credentials_are_refused(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Refused before anything starts (pytest's usage-error code), and the value is not echoed.
    assert main(args) == 4
    err = capsys.readouterr().err
    assert message in err
    assert USER_TOKEN not in err
