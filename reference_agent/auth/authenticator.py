"""Turning an HTTP request into a :class:`Principal`, or refusing it (``--auth none|jwt|api-key``).

Rules common to every mode:

* the card, JWKS, health and docs endpoints stay public (:data:`PUBLIC_PATHS`);
* credentials in the query string (``access_token=``, ``api_key=``) are refused with 400
  ``invalid_request``: URLs end up in logs and proxies (RFC 6750 §5.3);
* JWT mode reads only ``Authorization: Bearer <token>``; no header → 401 with a bare
  ``Bearer realm=…`` challenge, another scheme → 401 naming the accepted scheme, a bad token →
  401 ``invalid_token``.

Example::

    authenticator = Authenticator.jwt(JwtVerifier(JwksCache(url), issuer=iss, audience=aud))
    principal = await authenticator.authenticate(path, headers, query_string)
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl

from .api_key import ApiKeyVerifier
from .errors import InvalidRequest, MissingCredentials
from .jwt import JwtVerifier
from .principal import ANONYMOUS, Principal

__all__ = ["MODES", "PUBLIC_PATHS", "QUERY_CREDENTIALS", "Authenticator"]

MODES = ("none", "jwt", "api-key")
PUBLIC_PATHS = frozenset(
    {
        "/.well-known/agent-card.json",
        "/.well-known/agent.json",
        "/.well-known/jwks.json",
        "/healthz",
        "/readyz",
        "/docs/behaviour-contract",
    }
)
QUERY_CREDENTIALS = frozenset({"access_token", "api_key", "apikey", "token", "key"})

Headers = Iterable[tuple[bytes, bytes]]


def _header(headers: Headers, name: bytes) -> list[str]:
    return [value.decode("latin-1") for key, value in headers if key.lower() == name]


class Authenticator:
    """One authentication mode, applied to every non-public request."""

    def __init__(
        self,
        mode: str,
        *,
        jwt: JwtVerifier | None = None,
        api_keys: ApiKeyVerifier | None = None,
        public_paths: frozenset[str] = PUBLIC_PATHS,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"--auth must be one of {', '.join(MODES)}, got {mode!r}")
        if mode == "jwt" and jwt is None:
            raise ValueError("--auth jwt needs a JWKS URL or a PEM public key")
        if mode == "api-key" and api_keys is None:
            raise ValueError("--auth api-key needs an API key file")
        self.mode = mode
        self._jwt = jwt
        self._api_keys = api_keys
        self.public_paths = public_paths

    @classmethod
    def none(cls) -> Authenticator:
        return cls("none")

    @classmethod
    def with_jwt(cls, verifier: JwtVerifier) -> Authenticator:
        return cls("jwt", jwt=verifier)

    @classmethod
    def with_api_keys(cls, verifier: ApiKeyVerifier) -> Authenticator:
        return cls("api-key", api_keys=verifier)

    @property
    def scheme(self) -> str:
        """The scheme named in challenges."""
        return "ApiKey" if self.mode == "api-key" else "Bearer"

    async def aclose(self) -> None:
        """Release what the verifier holds (the JWKS cache's HTTP client); idempotent."""
        close = getattr(self._jwt.keys, "aclose", None) if self._jwt is not None else None
        if close is not None:
            await close()

    def is_public(self, path: str) -> bool:
        """True for paths that never need credentials."""
        return path in self.public_paths

    async def authenticate(self, path: str, headers: Headers, query_string: bytes) -> Principal:
        """The caller of a request; raises an :class:`~.errors.AuthError` to refuse it."""
        headers = list(headers)
        if self.mode == "none" or self.is_public(path):
            return ANONYMOUS
        query = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        if any(name.lower() in QUERY_CREDENTIALS for name, _ in query):
            raise InvalidRequest(
                "credentials in the query string are refused; send them in a header",
                scheme=self.scheme,
            )
        if self._api_keys is not None:
            values = _header(headers, self._api_keys.header.encode("latin-1"))
            if len(values) > 1:
                raise InvalidRequest("more than one API key header", scheme="ApiKey")
            return self._api_keys.verify(values[0] if values else None)
        assert self._jwt is not None
        values = _header(headers, b"authorization")
        if not values:
            raise MissingCredentials("no Authorization header")
        if len(values) > 1:
            raise InvalidRequest("more than one Authorization header")
        scheme, _, token = values[0].strip().partition(" ")
        if scheme.lower() != "bearer":
            raise MissingCredentials(f"Authorization scheme {scheme[:20]!r} is not Bearer")
        token = token.strip()
        if not token or " " in token:
            raise InvalidRequest("the Bearer credentials are empty or contain spaces")
        return await self._jwt.verify(token)
