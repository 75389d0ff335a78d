"""Authentication and authorization failures, and the ``WWW-Authenticate`` challenge they carry.

RFC 6750 §3 decides the shape: a request **without** credentials gets a bare
``Bearer realm="…"`` challenge (no ``error``), an unusable token gets ``error="invalid_token"``
(401), a malformed request ``error="invalid_request"`` (400), and a valid token that lacks a scope
``error="insufficient_scope"`` (403) naming the scope needed.

Hierarchy::

    AuthError                      (status, challenge)
    ├── MissingCredentials         401, no error parameter
    ├── InvalidRequest             400, error="invalid_request"
    ├── InvalidToken               401, error="invalid_token"
    └── InsufficientScope          403, error="insufficient_scope"

Descriptions are about the token's *shape or claims*, never its value: the token itself never
appears in an error, a challenge or a log line.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "InsufficientScope",
    "InvalidRequest",
    "InvalidToken",
    "MissingCredentials",
    "challenge",
]

DEFAULT_REALM = "a2a"


def _quote(value: str) -> str:
    # RFC 7235 quoted-string: escape backslash and quote; drop controls so a claim value can
    # never inject a header line.
    cleaned = "".join(char for char in value if char >= " " and char != "\x7f")
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def challenge(
    scheme: str = "Bearer",
    *,
    realm: str = DEFAULT_REALM,
    error: str | None = None,
    description: str | None = None,
    scope: str | None = None,
) -> str:
    """A ``WWW-Authenticate`` value, e.g. ``Bearer realm="a2a", error="invalid_token"``."""
    params = [f"realm={_quote(realm)}"]
    if error is not None:
        params.append(f"error={_quote(error)}")
    if description is not None:
        params.append(f"error_description={_quote(description)}")
    if scope is not None:
        params.append(f"scope={_quote(scope)}")
    return f"{scheme} " + ", ".join(params)


class AuthError(Exception):
    """A refused request: HTTP ``status`` and the ``WWW-Authenticate`` value to send."""

    status = 401
    error: str | None = None

    def __init__(
        self, description: str, *, scheme: str = "Bearer", scope: str | None = None
    ) -> None:
        super().__init__(description)
        self.description = description
        self.scheme = scheme
        self.scope = scope

    def challenge(self, realm: str = DEFAULT_REALM) -> str:
        """The ``WWW-Authenticate`` header value for this failure."""
        if self.error is None:
            return challenge(self.scheme, realm=realm)
        return challenge(
            self.scheme,
            realm=realm,
            error=self.error,
            description=self.description,
            scope=self.scope,
        )


class MissingCredentials(AuthError):
    """No credentials at all (RFC 6750 §3.1: the challenge carries no error code)."""


class InvalidRequest(AuthError):
    """Credentials sent in a way we refuse (query string, two methods, malformed header)."""

    status = 400
    error = "invalid_request"


class InvalidToken(AuthError):
    """Expired, not yet valid, wrong issuer/audience, bad signature, unknown key, bad alg…"""

    error = "invalid_token"


class InsufficientScope(AuthError):
    """Authenticated, but without a scope the operation (or skill) needs."""

    status = 403
    error = "insufficient_scope"
