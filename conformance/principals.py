"""The run's principals: the credential every suite request carries, and a second caller's.

:func:`resolve_principals` turns the auth options into tokens once, at the start of the run
(running the token command or the OAuth2 client-credentials grant), so that a credential problem
is one clear usage error before anything is graded. :meth:`Principals.adopt_card` then picks how
the credential is sent from the agent's card: ``Authorization: Bearer …`` for HTTP bearer,
OAuth2 and OpenID Connect schemes (and when the card says nothing), or the header an ``apiKey``
scheme names, with the raw value.

Every token is a :class:`~conformance.credentials.Secret`; :attr:`Principals.secrets` are handed
to the evidence redactor so a token never reaches evidence, curl reproductions or reports (also
when an agent echoes it back, or when the authentication matrix moves it into the query string).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ._auth_options import AuthOptions
from .credentials import Secret, TokenSource, token_source

__all__ = ["Principals", "card_credential_header", "resolve_principals"]

T = TypeVar("T")
BEARER = ("Authorization", "Bearer")


@dataclass
class Principals:
    """Principal A (every request) and principal B (scoping checks), and how to send them."""

    a: Secret | None = None
    b: Secret | None = None
    source: str | None = None  # which option gave A's token (for messages; never the token)
    header: str = BEARER[0]
    scheme: str | None = BEARER[1]  # None: the raw token is the header value (apiKey)

    @property
    def secrets(self) -> list[str]:
        """Token values the redactor must hide."""
        return [s.reveal() for s in (self.a, self.b) if s is not None]

    def headers_for(self, secret: Secret | None) -> dict[str, str]:
        """The credential header carrying ``secret`` (empty for None)."""
        if secret is None:
            return {}
        value = secret.reveal()
        return {self.header: f"{self.scheme} {value}" if self.scheme else value}

    def default_headers(self) -> dict[str, str]:
        """What every suite request carries: principal A's credential, if any."""
        return self.headers_for(self.a)

    def adopt_card(self, card: Any) -> None:
        """Send the credential the way the card's security schemes ask (Bearer by default)."""
        self.header, self.scheme = card_credential_header(card)


def card_credential_header(card: Any) -> tuple[str, str | None]:
    """``(header name, scheme)`` for the card's schemes; an apiKey-only card gives its header.

    Understands the v1.0 form (``{"apiKeySecurityScheme": {"location": "header", "name": …}}``)
    and the v0.3/OpenAPI form (``{"type": "apiKey", "in": "header", "name": …}``).
    """
    schemes = card.get("securitySchemes") if isinstance(card, dict) else None
    if not isinstance(schemes, dict) or not schemes:
        return BEARER
    api_key_header = None
    for scheme in schemes.values():
        if not isinstance(scheme, dict):
            continue
        v1 = scheme.get("apiKeySecurityScheme")
        if isinstance(v1, dict) and str(v1.get("location", "")).lower() == "header":
            api_key_header = api_key_header or v1.get("name")
            continue
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            api_key_header = api_key_header or scheme.get("name")
            continue
        return BEARER  # http bearer, oauth2, openIdConnect: a bearer token
    return (api_key_header, None) if isinstance(api_key_header, str) else BEARER


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from sync code, also when a loop is already running here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def resolve_principals(options: AuthOptions, env: Mapping[str, str] | None = None) -> Principals:
    """Fetch the tokens the options name (CredentialError names the source, never a secret)."""
    source: TokenSource | None = token_source(
        token=options.token,
        command=options.token_command,
        oauth_token_url=options.oauth_token_url,
        oauth_client_id=options.oauth_client_id,
        oauth_scope=options.oauth_scope,
        env=os.environ if env is None else env,  # the OAuth client secret lives there
    )
    a = _run(source.token()) if source is not None else None
    b = Secret(options.token_b) if options.token_b else None
    names = (
        ("--a2a-token", options.token),
        ("--a2a-token-command", options.token_command),
        ("--a2a-oauth-token-url", options.oauth_token_url),
    )
    given = next((name for name, value in names if value), None)
    return Principals(a=a, b=b, source=given)
