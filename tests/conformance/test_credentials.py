"""Credential sources (static, env, command, OAuth2 client credentials) and redaction."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from conformance.credentials import (
    SECRET_ENV,
    CommandToken,
    CredentialError,
    OAuthClientCredentials,
    Secret,
    StaticToken,
    token_source,
)
from fixtures.token_issuer import TokenIssuer


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer(clients={"harness": ("client-secret-123", "tasks:read files:read")}) as it:
        yield it


def test_secret_never_prints_itself() -> None:
    secret = Secret("super-secret-token")
    assert "super" not in repr(secret) and "super" not in str(secret) and "super" not in f"{secret}"
    assert secret.reveal() == "super-secret-token"


async def test_source_selection() -> None:
    assert token_source(env={}) is None
    env_source = token_source(env={"A2A_TOKEN": "from-env-token"})
    assert isinstance(env_source, StaticToken)
    assert (await env_source.token()).reveal() == "from-env-token"
    option = token_source(token="from-option", env={"A2A_TOKEN": "from-env"})
    assert option is not None and (await option.token()).reveal() == "from-option"
    b = token_source(env={"A2A_TOKEN_B": "bee-token"}, env_name="A2A_TOKEN_B")
    assert b is not None and (await b.token()).reveal() == "bee-token"
    with pytest.raises(CredentialError, match="choose one"):
        token_source(token="a", command="b")
    with pytest.raises(CredentialError, match="client-id"):
        token_source(oauth_token_url="https://x/token", env={})
    with pytest.raises(CredentialError, match=SECRET_ENV):
        token_source(oauth_token_url="https://x/token", oauth_client_id="c", env={})


async def test_command_token_runs_without_shell_and_caches() -> None:
    command = f"{sys.executable} -c \"print('tok-from-command')\""
    source = CommandToken(command)
    assert (await source.token()).reveal() == "tok-from-command"
    assert (await source.token()) is (await source.token())
    source.refresh()
    assert (await source.token()).reveal() == "tok-from-command"


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("import sys; print('leaked-stdout'); sys.exit(3)", "exited with 3"),
        ("print('two words')", "one token"),
        ("import time; time.sleep(30)", "did not finish"),
    ],
)
async def test_command_token_failures_are_clear(script: str, message: str) -> None:
    source = CommandToken(f'{sys.executable} -c "{script}"', timeout=1)
    with pytest.raises(CredentialError, match=message) as failure:
        await source.token()
    assert "leaked-stdout" not in str(failure.value)


async def test_command_not_found() -> None:
    with pytest.raises(CredentialError, match="cannot run"):
        await CommandToken("/nonexistent/print-token").token()
    with pytest.raises(CredentialError, match="empty"):
        await CommandToken("   ").token()


async def test_oauth_client_credentials_against_real_issuer(issuer: TokenIssuer) -> None:
    source = token_source(
        oauth_token_url=issuer.token_url,
        oauth_client_id="harness",
        oauth_scope="tasks:read",
        env={SECRET_ENV: "client-secret-123"},
    )
    assert isinstance(source, OAuthClientCredentials)
    before = issuer.token_requests
    token = await source.token()
    assert token.reveal().count(".") == 2
    assert await source.token() is token  # cached
    assert issuer.token_requests == before + 1
    source.refresh()
    await source.token()
    assert issuer.token_requests == before + 2


async def test_oauth_refusal_names_the_error_not_the_secret(issuer: TokenIssuer) -> None:
    source = OAuthClientCredentials(issuer.token_url, "harness", Secret("wrong-secret-456"))
    with pytest.raises(CredentialError, match="invalid_client") as failure:
        await source.token()
    assert "wrong-secret-456" not in str(failure.value)
    scoped = OAuthClientCredentials(
        issuer.token_url, "harness", Secret("client-secret-123"), scope="admin"
    )
    with pytest.raises(CredentialError, match="invalid_scope"):
        await scoped.token()
    dead = OAuthClientCredentials("http://127.0.0.1:9/token", "c", Secret("x"), timeout=2)
    with pytest.raises(CredentialError, match="unreachable"):
        await dead.token()
