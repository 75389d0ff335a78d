"""Authentication and authorization for the reference agent (issue 5).

A pure library, wired into the app by :class:`AuthMiddleware`:

- :mod:`.errors`: failures and their ``WWW-Authenticate`` challenges (RFC 6750);
- :mod:`.jwt`: JWT verification (RS256/ES256/EdDSA allowlist, iss/aud/exp/nbf with leeway);
- :mod:`.jwks`: JWKS URL cache (TTL, one rate-limited refresh on an unknown ``kid``) and static
  PEM keys;
- :mod:`.api_key`: API keys held as digests;
- :mod:`.scopes`: scopes per skill from the card's ``securityRequirements``;
- :mod:`.authenticator` / :mod:`.middleware`: request → :class:`Principal`, or a refusal.
"""

from __future__ import annotations

from .api_key import ApiKeyVerifier
from .authenticator import MODES, PUBLIC_PATHS, Authenticator
from .errors import AuthError, InsufficientScope, InvalidRequest, InvalidToken, MissingCredentials
from .jwks import JwksCache, StaticKeys
from .jwt import JwtVerifier
from .middleware import PRINCIPAL_KEY, AuthMiddleware
from .principal import ANONYMOUS, Principal
from .scopes import SkillScopes

__all__ = [
    "ANONYMOUS",
    "MODES",
    "PRINCIPAL_KEY",
    "PUBLIC_PATHS",
    "ApiKeyVerifier",
    "AuthError",
    "AuthMiddleware",
    "Authenticator",
    "InsufficientScope",
    "InvalidRequest",
    "InvalidToken",
    "JwksCache",
    "JwtVerifier",
    "MissingCredentials",
    "Principal",
    "SkillScopes",
    "StaticKeys",
]
