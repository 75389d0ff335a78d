"""Building the authenticator and the card's security declarations from ``serve`` options.

One function per wiring point, so that the app and the CLI stay thin::

    authenticator = build_authenticator("jwt", jwks_url=URL, issuer=ISS, audience=AUD)
    app = AuthMiddleware(app, authenticator)
    card.update(card_security("jwt"))      # before signing and serving the card
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .api_key import DEFAULT_HEADER, ApiKeyVerifier
from .authenticator import MODES, Authenticator
from .jwks import JwksCache, StaticKeys
from .jwt import DEFAULT_LEEWAY, JwtVerifier, KeySource

__all__ = ["SCHEME_NAMES", "build_authenticator", "card_security", "check_auth_options"]

# The names under which the card declares its schemes (securitySchemes keys).
SCHEME_NAMES = {"jwt": "bearer", "api-key": "apiKey"}


def check_auth_options(
    mode: str,
    *,
    jwks_url: str | None = None,
    jwt_key_pem: str | Path | None = None,
    audience: str | None = None,
    api_key_file: str | Path | None = None,
) -> None:
    """ValueError naming the missing or conflicting option for ``--auth MODE``.

    Reads no file, so the CLI calls it while parsing (one line, exit 2) and
    :func:`build_authenticator` calls it for every other caller: one set of rules.
    """
    if mode not in MODES:
        raise ValueError(f"--auth must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "api-key" and api_key_file is None:
        raise ValueError("--auth api-key needs --auth-api-key-file")
    if mode == "jwt":
        if (jwks_url is None) == (jwt_key_pem is None):
            raise ValueError("--auth jwt needs exactly one of --auth-jwks-url and --auth-jwt-key")
        if not audience:
            # Without an audience check a token minted for any other service of the same
            # issuer would be accepted here.
            raise ValueError(
                "--auth jwt needs --auth-audience (tokens minted for other services must fail)"
            )


def build_authenticator(
    mode: str,
    *,
    jwks_url: str | None = None,
    jwt_key_pem: str | Path | None = None,
    issuer: str | None = None,
    audience: str | None = None,
    leeway: float = DEFAULT_LEEWAY,
    jwks_ttl: float = 300.0,
    jwks_min_refresh: float = 30.0,
    api_key_file: str | Path | None = None,
    api_key_header: str = DEFAULT_HEADER,
) -> Authenticator:
    """The :class:`Authenticator` for ``--auth MODE``; ValueError names a missing option."""
    check_auth_options(
        mode,
        jwks_url=jwks_url,
        jwt_key_pem=jwt_key_pem,
        audience=audience,
        api_key_file=api_key_file,
    )
    if mode == "none":
        return Authenticator.none()
    if mode == "api-key":
        assert api_key_file is not None
        return Authenticator.with_api_keys(
            ApiKeyVerifier.from_file(api_key_file, header=api_key_header)
        )
    keys: KeySource
    if jwks_url is not None:
        keys = JwksCache(jwks_url, ttl=jwks_ttl, min_refresh_interval=jwks_min_refresh)
    else:
        assert jwt_key_pem is not None
        keys = StaticKeys.from_pem(Path(jwt_key_pem).read_bytes())
    verifier = JwtVerifier(keys, issuer=issuer, audience=audience, leeway=leeway)
    return Authenticator.with_jwt(verifier)


def card_security(
    mode: str, *, api_key_header: str = DEFAULT_HEADER, scopes: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The v1.0 ``securitySchemes`` / ``securityRequirements`` members for ``mode``.

    Empty for ``none``. ``scopes`` are the scopes every request needs (skills may add more in
    their own ``securityRequirements``).
    """
    if mode == "none":
        return {}
    name = SCHEME_NAMES[mode]
    if mode == "jwt":
        scheme: dict[str, Any] = {
            "httpAuthSecurityScheme": {
                "scheme": "Bearer",
                "bearerFormat": "JWT",
                "description": "OAuth 2.0 / OIDC access token (RS256, ES256 or EdDSA)",
            }
        }
    else:
        scheme = {
            "apiKeySecurityScheme": {
                "location": "header",
                "name": api_key_header,
                "description": "API key issued by the operator",
            }
        }
    return {
        "securitySchemes": {name: scheme},
        "securityRequirements": [{"schemes": {name: {"list": list(scopes)}}}],
    }
