"""A JWKS URL cache: TTL, and one rate-limited refresh when a token names an unknown ``kid``.

Key rotation works like this: the issuer publishes a new key and starts signing with it. The
first token with the new ``kid`` misses the cache, which triggers **one** refresh (shared by all
requests that miss at the same time, and at most one per ``min_refresh_interval``, so a flood of
tokens with random ``kid`` values cannot turn the agent into a JWKS hammer). After the refresh the
new key is known and no further fetch happens until the TTL expires.

A failed refresh keeps the keys already known (an issuer outage must not lock everyone out) and
is counted; a ``kid`` that is still unknown is an ``invalid_token`` failure.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import serialization

from ..jose import JoseError, PublicKey, algorithm_for, public_key_from_jwk
from .errors import InvalidToken

__all__ = ["JwksCache", "StaticKeys"]

logger = logging.getLogger(__name__)

MAX_JWKS_BYTES = 256 * 1024


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http":
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return  # tests and local issuers; anything else must be HTTPS
    raise ValueError(f"JWKS URL must be https:// (or http:// on loopback), got {url!r}")


class StaticKeys:
    """Keys fixed at startup (``--auth-jwt-key PEM``): one key, used whatever ``kid`` says
    unless it was given a ``kid`` of its own."""

    def __init__(self, keys: dict[str | None, PublicKey]) -> None:
        if not keys:
            raise ValueError("at least one verification key is needed")
        self._keys = dict(keys)

    @classmethod
    def from_pem(cls, pem: bytes, *, kid: str | None = None) -> StaticKeys:
        """One public key (or the public half of a private key) from PEM."""
        try:
            loaded: Any = serialization.load_pem_public_key(pem)
        except ValueError:
            try:
                loaded = serialization.load_pem_private_key(pem, password=None).public_key()
            except (ValueError, TypeError) as exc:
                raise ValueError(f"not a usable PEM key: {exc}") from None
        algorithm_for(loaded)  # refuses key types and sizes outside the allowlist
        return cls({kid: loaded})

    async def key(self, kid: str | None) -> PublicKey:
        """The key for ``kid``; :class:`InvalidToken` when there is none."""
        if kid in self._keys:
            return self._keys[kid]
        if None in self._keys and len(self._keys) == 1:
            return self._keys[None]
        raise InvalidToken(f"unknown key id {kid!r}")


class JwksCache:
    """Public keys from a JWKS URL, cached for ``ttl`` seconds."""

    def __init__(
        self,
        url: str,
        *,
        ttl: float = 300.0,
        min_refresh_interval: float = 30.0,
        timeout: float = 5.0,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _check_url(url)
        self.url = url
        self.ttl = ttl
        self.min_refresh_interval = min_refresh_interval
        self.timeout = timeout
        self._client = client
        self._own_client = client is None
        self._clock = clock
        self._keys: dict[str, PublicKey] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self._generation = 0  # completed refreshes; a waiter that sees it move skips its own
        self.fetches = 0  # successful and failed attempts, for tests and metrics
        self.failures = 0
        self.last_error: str | None = None

    async def key(self, kid: str | None) -> PublicKey:
        """The key for ``kid``, refreshing when stale or (rate-limited) when ``kid`` is new."""
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("the token header has no kid")
        if self._stale():
            await self._refresh(reason="ttl")
        elif kid not in self._keys and self._may_refresh_for_unknown():
            await self._refresh(reason="kid")
        found = self._keys.get(kid)
        if found is None:
            raise InvalidToken(f"unknown key id {kid!r}")
        return found

    async def aclose(self) -> None:
        """Close the HTTP client if this cache created it."""
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    def _stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self.ttl

    def _may_refresh_for_unknown(self) -> bool:
        return (
            self._fetched_at is None
            or self._clock() - self._fetched_at >= self.min_refresh_interval
        )

    async def _refresh(self, reason: str) -> None:
        generation = self._generation
        async with self._lock:
            # Another request refreshed while we waited: use its result, do not fetch again.
            if self._generation != generation:
                return
            self.fetches += 1
            try:
                self._keys = await self._fetch()
                self.last_error = None
            except (httpx.HTTPError, ValueError) as exc:
                self.failures += 1
                self.last_error = f"JWKS refresh ({reason}) from {self.url} failed: {exc}"
                # The operator must see it: tokens are refused until a refresh succeeds.
                logger.warning("%s", self.last_error)
            # Stamp failures too: the rate limit must hold while the issuer is down.
            self._fetched_at = self._clock()
            self._generation += 1

    async def _fetch(self) -> dict[str, PublicKey]:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False)
        response = await self._client.get(self.url, timeout=self.timeout)
        if response.status_code != 200:
            raise ValueError(f"HTTP {response.status_code}")
        if len(response.content) > MAX_JWKS_BYTES:
            raise ValueError(f"JWKS larger than {MAX_JWKS_BYTES} bytes")
        document: Any = response.json()
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise ValueError('not a JWKS document (no "keys" array)')
        keys: dict[str, PublicKey] = {}
        for jwk in document["keys"]:
            if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
                continue
            if jwk.get("use", "sig") != "sig":
                continue
            try:
                keys[jwk["kid"]] = public_key_from_jwk(jwk)
            except JoseError:
                continue  # an unusable key (e.g. P-384) must not hide the usable ones
        return keys
