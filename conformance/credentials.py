"""Credentials the suite sends, and keeping them out of evidence and reports.

Where a principal's token comes from (first match wins):

``--a2a-token TOKEN`` / ``A2A_TOKEN``
    a static bearer token;
``--a2a-token-command CMD``
    a command (no shell) whose standard output is the token, run when first needed and again
    after ``refresh()`` (e.g. ``gcloud auth print-identity-token``);
``--a2a-oauth-token-url URL --a2a-oauth-client-id ID [--a2a-oauth-scope S]``
    OAuth2 client credentials (RFC 6749 §4.4); the client secret is read from the environment
    (``A2A_OAUTH_CLIENT_SECRET``), never from the command line where ``ps`` shows it.

A second principal (``--a2a-token-b`` / ``A2A_TOKEN_B``) is what the authorization-scoping checks
use to prove that one caller cannot see another's tasks.

Every secret is wrapped in :class:`Secret` (its ``repr``/``str`` print ``***``); the run registers
each token with the evidence :class:`~conformance.evidence.Redactor`, which runs over every header,
body and reproduction before evidence and reports are written.

Example::

    source = token_source(token=None, env=os.environ, command="print-token")
    token = await source.token()          # a Secret
    headers = {"Authorization": f"Bearer {token.reveal()}"}
"""

from __future__ import annotations

import asyncio
import os
import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

__all__ = [
    "SECRET_ENV",
    "TOKEN_ENV",
    "CommandToken",
    "CredentialError",
    "OAuthClientCredentials",
    "Secret",
    "StaticToken",
    "TokenSource",
    "token_source",
]

TOKEN_ENV = "A2A_TOKEN"
SECRET_ENV = "A2A_OAUTH_CLIENT_SECRET"


class CredentialError(RuntimeError):
    """A credential could not be obtained; the message names the source, never the secret."""


class Secret:
    """A string that does not print itself. ``reveal()`` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret value, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class TokenSource(Protocol):
    """Something that produces a bearer token."""

    async def token(self) -> Secret: ...

    def refresh(self) -> None: ...


@dataclass
class StaticToken:
    """A token given as an option or environment variable."""

    value: Secret

    async def token(self) -> Secret:
        return self.value

    def refresh(self) -> None:
        """Nothing to refresh: a static token is what it is."""


@dataclass
class CommandToken:
    """The standard output of a command, run without a shell, cached until ``refresh()``."""

    command: str
    timeout: float = 30.0
    _cached: Secret | None = None

    async def token(self) -> Secret:
        if self._cached is not None:
            return self._cached
        argv = shlex.split(self.command)
        if not argv:
            raise CredentialError("--a2a-token-command is empty")
        try:
            process = await asyncio.create_subprocess_exec(
                *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
        except OSError as exc:
            raise CredentialError(f"cannot run token command {argv[0]!r}: {exc}") from None
        try:
            out, err = await asyncio.wait_for(process.communicate(), self.timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise CredentialError(
                f"token command {argv[0]!r} did not finish within {self.timeout:g} s"
            ) from None
        if process.returncode != 0:
            # stderr is shown (first line) because it explains failures; stdout never is.
            reason = err.decode("utf-8", "replace").strip().splitlines()[:1]
            raise CredentialError(
                f"token command {argv[0]!r} exited with {process.returncode}: "
                f"{reason[0] if reason else 'no message'}"
            )
        value = out.decode("utf-8", "replace").strip()
        if not value or any(char.isspace() for char in value):
            raise CredentialError(
                f"token command {argv[0]!r} must print one token (no spaces or lines)"
            )
        self._cached = Secret(value)
        return self._cached

    def refresh(self) -> None:
        self._cached = None


@dataclass
class OAuthClientCredentials:
    """OAuth2 client-credentials grant, cached until shortly before ``expires_in``."""

    token_url: str
    client_id: str
    client_secret: Secret
    scope: str | None = None
    timeout: float = 10.0
    _cached: Secret | None = None
    _expires_at: float = 0.0

    async def token(self) -> Secret:
        if self._cached is not None and time.monotonic() < self._expires_at:
            return self._cached
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        auth = (self.client_id, self.client_secret.reveal())
        try:
            async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client:
                response = await client.post(self.token_url, data=form, auth=auth)
        except httpx.HTTPError as exc:
            raise CredentialError(f"token endpoint {self.token_url} unreachable: {exc}") from None
        document = _json_object(response)
        if response.status_code != 200 or not isinstance(document.get("access_token"), str):
            error = document.get("error", f"HTTP {response.status_code}")
            raise CredentialError(
                f"token endpoint {self.token_url} refused client {self.client_id!r}: {error}"
            )
        lifetime = document.get("expires_in")
        lifetime = float(lifetime) if isinstance(lifetime, int | float) else 300.0
        self._cached = Secret(document["access_token"])
        # Renew a little early so a token never expires between fetch and use.
        self._expires_at = time.monotonic() + max(0.0, lifetime - min(30.0, lifetime / 10))
        return self._cached

    def refresh(self) -> None:
        self._cached = None


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        document = response.json()
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def token_source(
    *,
    token: str | None = None,
    command: str | None = None,
    oauth_token_url: str | None = None,
    oauth_client_id: str | None = None,
    oauth_scope: str | None = None,
    env: Mapping[str, str] | None = None,
    env_name: str = TOKEN_ENV,
) -> TokenSource | None:
    """The source the options select (None: run unauthenticated).

    More than one explicit source is a usage error (ambiguous); the environment token is the
    fallback when no option is given.
    """
    environ = os.environ if env is None else env
    chosen = [
        name
        for name, value in (
            ("--a2a-token", token),
            ("--a2a-token-command", command),
            ("--a2a-oauth-token-url", oauth_token_url),
        )
        if value
    ]
    if len(chosen) > 1:
        raise CredentialError(f"choose one credential source, got {' and '.join(chosen)}")
    if token:
        return StaticToken(Secret(token))
    if command:
        return CommandToken(command)
    if oauth_token_url:
        if not oauth_client_id:
            raise CredentialError("--a2a-oauth-token-url needs --a2a-oauth-client-id")
        secret = environ.get(SECRET_ENV)
        if not secret:
            raise CredentialError(f"OAuth client credentials need the secret in ${SECRET_ENV}")
        return OAuthClientCredentials(oauth_token_url, oauth_client_id, Secret(secret), oauth_scope)
    if environ.get(env_name):
        return StaticToken(Secret(environ[env_name]))
    return None
