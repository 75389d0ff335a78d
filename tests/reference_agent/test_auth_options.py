"""``serve`` security options: bad combinations exit 2 with one line, and ``--auth api-key`` works
end to end (real agent process: key header, owner scoping by key name, scopes from the key file).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fixtures.agent_process import AgentProcess
from fixtures.token_issuer import IssuerKey, TokenIssuer
from reference_agent.app import create_app
from reference_agent.card import build_public_card
from reference_agent.cli import parse_settings
from reference_agent.config import AgentSettings

from .auth_support import AUDIENCE, bearer, error, message, result, rpc, write_private_key

ALICE_KEY = "alice-key-0123456789abcdef"
BOB_KEY = "bob-key-0123456789abcdef"


@pytest.fixture(scope="module")
def pem(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_private_key(tmp_path_factory.mktemp("keys") / "card.pem")


BAD = {
    "jwt without keys": (["--auth", "jwt", "--auth-audience", "a"], "exactly one of"),
    "jwt with both key sources": (
        [
            "--auth",
            "jwt",
            "--auth-audience",
            "a",
            "--auth-jwks-url",
            "http://127.0.0.1:1/j",
            "--auth-jwt-key",
            "{pem}",
        ],
        "exactly one of",
    ),
    "jwt without audience": (
        ["--auth", "jwt", "--auth-jwks-url", "http://127.0.0.1:1/j"],
        "--auth-audience",
    ),
    "jwks url without jwt": (
        ["--auth-jwks-url", "http://127.0.0.1:1/j"],
        "--auth-jwks-url needs --auth jwt",
    ),
    "api-key without file": (["--auth", "api-key"], "--auth-api-key-file"),
    "unknown mode": (["--auth", "basic"], "invalid choice"),
    "kid without its key": (
        ["--card-signing-key", "{pem}", "--card-signing-kid", "a", "--card-signing-kid", "b"],
        "one per key",
    ),
    "jku without key": (["--card-jku", "https://example.com/jwks.json"], "--card-jku needs"),
    "missing key file": (["--card-signing-key", "/nonexistent/key.pem"], "no readable file"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_security_options_exit_2_with_one_line(
    case: str, pem: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, expected = BAD[case]
    with pytest.raises(SystemExit) as exited:
        parse_settings([arg.replace("{pem}", str(pem)) for arg in args])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err, err


def test_an_unusable_key_file_exits_2_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n")
    done = subprocess.run(
        [sys.executable, "-m", "reference_agent", "--port", "0", "--card-signing-key", str(broken)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert "--card-signing-key" in last and "broken.pem" in last


def test_the_defaults_keep_auth_off() -> None:
    settings = parse_settings([])
    assert settings.auth_mode == "none" and not settings.auth_enabled
    assert settings.card_signing_keys == []


# -- --auth api-key ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def key_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentProcess]:
    keys = tmp_path_factory.mktemp("api-keys") / "keys.txt"
    keys.write_text(f"# name:key:scopes\nalice:{ALICE_KEY}:a2a.admin\nbob:{BOB_KEY}\n")
    with AgentProcess(["--auth", "api-key", "--auth-api-key-file", str(keys)]) as process:
        yield process


def test_api_keys_authenticate_scope_and_separate_owners(key_agent: AgentProcess) -> None:
    missing = rpc(key_agent, "ListTasks", {})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("ApiKey ")
    wrong = rpc(key_agent, "ListTasks", {}, headers={"x-api-key": "x" * 24})
    assert wrong.status_code == 401 and 'error="invalid_token"' in wrong.headers["www-authenticate"]

    alice, bob = {"x-api-key": ALICE_KEY}, {"x-api-key": BOB_KEY}
    task = result(rpc(key_agent, "SendMessage", {"message": message("admin hi")}, headers=alice))
    assert task["task"]["status"]["state"] == "TASK_STATE_COMPLETED"
    refused = rpc(key_agent, "SendMessage", {"message": message("admin hi")}, headers=bob)
    assert refused.status_code == 403 and error(refused)["code"] == -32004
    assert refused.headers["www-authenticate"].startswith("ApiKey ")
    assert (
        error(rpc(key_agent, "GetTask", {"id": task["task"]["id"]}, headers=bob))["code"] == -32001
    )
    assert result(rpc(key_agent, "ListTasks", {}, headers=bob))["tasks"] == []


def test_api_key_card_declares_the_header_scheme(key_agent: AgentProcess) -> None:
    card = httpx.get(key_agent.url + ".well-known/agent-card.json", timeout=10).json()
    scheme = card["securitySchemes"]["apiKey"]
    assert scheme["apiKeySecurityScheme"]["name"] == "x-api-key"
    assert scheme["type"] == "apiKey" and scheme["in"] == "header"
    assert "signatures" not in card
    assert httpx.get(key_agent.url + ".well-known/jwks.json", timeout=10).status_code == 404


def test_auth_none_keeps_the_middleware_out_and_the_card_unchanged() -> None:
    settings = AgentSettings()
    app = create_app(settings)
    assert app._guarded is None  # no middleware in the request chain
    assert app.card.card == build_public_card(settings)
    assert "/.well-known/jwks.json" not in app.routes
    assert getattr(app.service, "skill_guard", None) is None


def test_a_static_jwt_key_verifies_tokens_without_any_jwks(tmp_path: Path) -> None:
    issuer = TokenIssuer(audience=AUDIENCE)  # never started: the agent must not fetch anything
    key_file = tmp_path / "issuer.pem"
    key_file.write_bytes(issuer.current_key.private_pem())  # the agent uses its public half
    args = ["--auth", "jwt", "--auth-jwt-key", str(key_file), "--auth-audience", AUDIENCE]
    with AgentProcess(args) as agent:
        good = issuer.issue(subject="static")
        assert result(rpc(agent, "ListTasks", {}, headers=bearer(good)))["tasks"] == []
        other = issuer.issue(subject="static", key=IssuerKey.generate("ES256"))
        assert rpc(agent, "ListTasks", {}, headers=bearer(other)).status_code == 401
