"""The agents ``a2a-harness test`` starts: secured by default, everything gone on exit.

The whole runs (exit code, grades, no token in the terminal) are in ``test_cli.py``; here the
pieces: the running setup (the agent refuses anonymous calls, signs its card with the key the
suite trusts), cleanup on KeyboardInterrupt, and the handling of the user's own options.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import httpx
import pytest

from conformance.embedded import EmbeddedAgents, embedded_agents, take_flag
from conformance.embedded_auth import (
    ADMIN_PROMPT,
    SecuredSetup,
    _extra_prompts,
    refused_option,
    without_credential_env,
)


def _value(args: tuple[str, ...], option: str) -> str:
    return args[args.index(option) + 1]


def test_secured_agent_runs_and_everything_stops_on_interrupt() -> None:
    seen: dict[str, object] = {}
    with pytest.raises(KeyboardInterrupt), embedded_agents(1) as agents:
        url, issuer = agents.urls[0], agents.issuer_url
        assert issuer is not None
        seen.update(url=url, issuer=issuer, args=agents.suite_args)
        token = _value(agents.suite_args, "--a2a-token")
        with httpx.Client(timeout=5.0) as client:
            card = client.get(url + ".well-known/agent-card.json").json()
            call = {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}}
            anonymous = client.post(url, json=call)
            with_token = client.post(url, json=call, headers={"Authorization": f"Bearer {token}"})
        assert anonymous.status_code == 401
        assert with_token.status_code == 200  # authenticated: a JSON-RPC answer, not a 401
        assert card["signatures"], card
        header = json.loads(_b64(card["signatures"][0]["protected"]))
        trusted = json.loads(Path(_value(agents.suite_args, "--a2a-trusted-jwks")).read_text())
        assert header["kid"] == trusted["keys"][0]["kid"]
        assert header["alg"] == "EdDSA" and "jku" not in header
        assert "d" not in trusted["keys"][0]  # the trusted file holds the public half only
        key = Path(_value(agents.suite_args, "--a2a-issuer-key"))
        assert key.stat().st_mode & 0o077 == 0  # private keys are owner-only
        raise KeyboardInterrupt
    args = seen["args"]
    assert isinstance(args, tuple)
    # The temporary keys are removed; the agent and the issuer no longer answer.
    assert not Path(_value(args, "--a2a-issuer-key")).parent.exists()
    for address in (str(seen["url"]) + "healthz", str(seen["issuer"]) + "/jwks.json"):
        with pytest.raises(httpx.TransportError):
            httpx.get(address, timeout=2.0)


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_no_tokens_in_reprs() -> None:
    args = ("--a2a-token", "secret-token-value")
    assert "secret-token-value" not in repr(EmbeddedAgents(["http://x/"], args, "http://i"))
    assert "secret-token-value" not in repr(SecuredSetup((), args, "http://i"))


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (["--a2a-token", "t"], "--a2a-token"),
        (["--a2a-token=t"], "--a2a-token"),
        (["--a2a-token-command", "print-token"], "--a2a-token-command"),
        (["--a2a-oauth-token-url", "https://i/token"], "--a2a-oauth-token-url"),
        (["--a2a-issuer-key", "k.pem"], "--a2a-issuer-key"),
        (["--a2a-header", "Authorization: Bearer t"], "--a2a-header Authorization"),
        (["-q", "--a2a-select", "AUTH-*", "--a2a-header", "X-Trace: 1"], None),
        (["--a2a-trusted-jwks", "more.json", "--a2a-prompt", "slow=wait"], None),
    ],
)
def test_refused_options(args: list[str], refused: str | None) -> None:
    reason = refused_option(args)
    if refused is None:
        assert reason is None
    else:
        assert reason is not None and reason.startswith(refused)
        assert "--no-auth" in reason


def test_the_users_prompts_are_respected() -> None:
    assert _extra_prompts([], {}) == ["--a2a-prompt", ADMIN_PROMPT]
    assert _extra_prompts(["--a2a-prompt", "slow=wait 1"], {}) == ["--a2a-prompt", ADMIN_PROMPT]
    # The user's own text for the admin skill wins: ours is not added.
    assert _extra_prompts(["--a2a-prompt=skill:admin=admin please"], {}) == []
    # Prompts set only in the environment would be hidden by a command-line one: carried over.
    env = {"A2A_PROMPT": "slow=wait 1\nskill:admin=admin env"}
    assert _extra_prompts([], env) == [
        "--a2a-prompt",
        "slow=wait 1",
        "--a2a-prompt",
        "skill:admin=admin env",
    ]


def test_credential_environment_is_left_out_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A2A_TOKEN", "exported-token")
    monkeypatch.setenv("A2A_OAUTH_CLIENT_ID", "client")
    monkeypatch.delenv("A2A_TOKEN_B", raising=False)
    with without_credential_env() as ignored:
        assert ignored == ["A2A_OAUTH_CLIENT_ID", "A2A_TOKEN"]
        assert "A2A_TOKEN" not in os.environ and "A2A_OAUTH_CLIENT_ID" not in os.environ
    assert os.environ["A2A_TOKEN"] == "exported-token"
    assert os.environ["A2A_OAUTH_CLIENT_ID"] == "client"


def test_take_flag() -> None:
    assert take_flag(["-q", "--no-auth", "-x"], "--no-auth") == (True, ["-q", "-x"])
    assert take_flag(["-q"], "--no-auth") == (False, ["-q"])
