"""The suite's credential and signature-trust options (CLI > environment > ini), validated once.

Credentials (one source for principal A, first match wins; see :mod:`conformance.credentials`):

``--a2a-token`` / ``A2A_TOKEN``
    a static bearer token (never read from ini: secrets do not belong in a committed file);
``--a2a-token-command`` / ``A2A_TOKEN_COMMAND``
    a command (no shell) printing the token;
``--a2a-oauth-token-url`` + ``--a2a-oauth-client-id`` [+ ``--a2a-oauth-scope``]
    OAuth2 client credentials, the secret from ``A2A_OAUTH_CLIENT_SECRET``;
``--a2a-token-b`` / ``A2A_TOKEN_B``
    a second principal, for the authorization-scoping checks.

Judging aids: ``--a2a-issuer-key PEM`` (a staging issuer the agent trusts: mint tokens wrong in one
claim), ``--a2a-trusted-jwks`` (repeatable), ``--a2a-jku-origin`` (repeatable) and
``--a2a-allow-http-jku`` for card signatures.

Values shown in the report header and the results file are :meth:`AuthOptions.redacted`: tokens
and the token command are never shown, only whether they were given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._option_values import parse_bool

__all__ = ["AUTH_OPTION_NAMES", "AuthOptionError", "AuthOptions", "parse_auth_options"]

GIVEN = "<given, not shown>"

# option name (as in the plugin's cli/ini dicts) -> environment variable
AUTH_OPTION_NAMES: dict[str, str] = {
    "token": "A2A_TOKEN",
    "token_command": "A2A_TOKEN_COMMAND",
    "oauth_token_url": "A2A_OAUTH_TOKEN_URL",
    "oauth_client_id": "A2A_OAUTH_CLIENT_ID",
    "oauth_scope": "A2A_OAUTH_SCOPE",
    "token_b": "A2A_TOKEN_B",
    "issuer_key": "A2A_ISSUER_KEY",
    "trusted_jwks": "A2A_TRUSTED_JWKS",
    "jku_origin": "A2A_JKU_ORIGIN",
    "allow_http_jku": "A2A_ALLOW_HTTP_JKU",
}
# Secrets are taken from the command line or the environment only, never from ini files.
_NOT_FROM_INI = {"token", "token_b"}


class AuthOptionError(ValueError):
    """A bad auth option; the message is one line and never shows a secret."""


@dataclass(frozen=True, slots=True)
class AuthOptions:
    """Where the run's credentials come from, and whom to trust for card signatures."""

    # repr=False: a dataclass repr (tracebacks, debug logs) must not print a secret.
    token: str | None = field(default=None, repr=False)
    token_command: str | None = field(default=None, repr=False)
    oauth_token_url: str | None = None
    oauth_client_id: str | None = None
    oauth_scope: str | None = None
    token_b: str | None = field(default=None, repr=False)
    issuer_key: Path | None = None
    trusted_jwks: tuple[str, ...] = ()
    jku_origins: tuple[str, ...] = ()
    allow_http_jku: bool = False

    @property
    def secrets(self) -> list[str]:
        """Literal secret values known before the run (tokens given as options)."""
        return [value for value in (self.token, self.token_b) if value]

    @property
    def has_credentials(self) -> bool:
        """Whether any source for principal A was given."""
        return bool(self.token or self.token_command or self.oauth_token_url)

    def redacted(self) -> dict[str, Any]:
        """The options as the report header and results file show them (no secrets)."""
        return {
            "token": GIVEN if self.token else None,
            "token_command": GIVEN if self.token_command else None,
            "oauth_token_url": self.oauth_token_url,
            "oauth_client_id": self.oauth_client_id,
            "oauth_scope": self.oauth_scope,
            "token_b": GIVEN if self.token_b else None,
            "issuer_key": str(self.issuer_key) if self.issuer_key else None,
            "trusted_jwks": list(self.trusted_jwks),
            "jku_origins": list(self.jku_origins),
            "allow_http_jku": self.allow_http_jku,
        }


def parse_auth_options(
    cli: Mapping[str, Any], env: Mapping[str, str], ini: Mapping[str, Any]
) -> AuthOptions:
    """Read and validate the auth options; raises ValueError with one line naming the option."""

    def pick(name: str) -> Any:
        value = cli.get(name)
        if value not in (None, [], ""):
            return value
        env_name = AUTH_OPTION_NAMES[name]
        if env.get(env_name, "").strip():
            return env[env_name].strip()
        if name in _NOT_FROM_INI:
            return None
        value = ini.get(name)
        return value if value not in (None, [], "") else None

    # Principal A's source: an explicit command-line source wins over the environment (so an
    # exported A2A_TOKEN does not make "--a2a-token-command" ambiguous).
    sources = ("token", "token_command", "oauth_token_url")
    on_cli = [name for name in sources if cli.get(name) not in (None, "")]
    chosen = {name: (cli.get(name) if on_cli else pick(name)) for name in sources}
    given = [f"--a2a-{name.replace('_', '-')}" for name, value in chosen.items() if value]
    if len(given) > 1:
        raise AuthOptionError(f"choose one credential source, got {' and '.join(given)}")
    token = _single_line("--a2a-token", chosen["token"])
    command = _single_line("--a2a-token-command", chosen["token_command"])
    oauth_url = chosen["oauth_token_url"]
    client_id = _single_line("--a2a-oauth-client-id", pick("oauth_client_id"))
    scope = _single_line("--a2a-oauth-scope", pick("oauth_scope"))
    if oauth_url:
        oauth_url = _http_url("--a2a-oauth-token-url", oauth_url)
        if not client_id:
            raise AuthOptionError("--a2a-oauth-token-url needs --a2a-oauth-client-id")
    elif client_id or scope:
        raise AuthOptionError("--a2a-oauth-client-id/--a2a-oauth-scope need --a2a-oauth-token-url")
    issuer_key = pick("issuer_key")
    key_path = Path(str(issuer_key)) if issuer_key else None
    if key_path is not None and not key_path.is_file():
        raise AuthOptionError(f"--a2a-issuer-key: file not found: {key_path}")
    trusted = tuple(_list(pick("trusted_jwks")))
    for source in trusted:
        if "://" in source:
            _http_url("--a2a-trusted-jwks", source)
        elif not Path(source).is_file():
            raise AuthOptionError(f"--a2a-trusted-jwks: file not found: {source}")
    origins = tuple(_http_url("--a2a-jku-origin", o) for o in _list(pick("jku_origin")))
    return AuthOptions(
        token=token,
        token_command=command,
        oauth_token_url=oauth_url,
        oauth_client_id=client_id,
        oauth_scope=scope,
        token_b=_single_line("--a2a-token-b", pick("token_b")),
        issuer_key=key_path,
        trusted_jwks=trusted,
        jku_origins=origins,
        allow_http_jku=_bool("--a2a-allow-http-jku", pick("allow_http_jku")),
    )


def _single_line(option: str, value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if "\n" in text or "\r" in text:
        raise AuthOptionError(f"{option}: the value contains a line break (value not shown)")
    return text or None


def _http_url(option: str, value: Any) -> str:
    url = str(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AuthOptionError(f"{option} {url!r} is not an absolute http(s) URL")
    return url


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else str(value).replace("\n", ",").split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _bool(option: str, value: Any) -> bool:
    return parse_bool(option, value, AuthOptionError)
