"""JWKS rotation: the issuer rotates keys mid-run and the verifier keeps accepting new tokens
after exactly one refresh (issue 5, "Must show"); the refresh is rate-limited and outages are
survived. Real HTTP to a loopback issuer; time is a controlled clock, never a sleep."""

from __future__ import annotations

import asyncio

import pytest

from fixtures.token_issuer import TokenIssuer
from reference_agent.auth import InvalidToken, JwksCache, JwtVerifier


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_rotation_costs_exactly_one_refresh() -> None:
    clock = Clock()
    with TokenIssuer() as issuer:
        cache = JwksCache(issuer.jwks_url, ttl=300, min_refresh_interval=30, clock=clock)
        verifier = JwtVerifier(cache, issuer=issuer.issuer, audience="a2a-agent")
        try:
            old = issuer.issue(subject="before")
            for _ in range(5):
                assert (await verifier.verify(old)).subject == "before"
            assert issuer.jwks_requests == 1

            clock.now += 60  # past the refresh rate limit, well within the TTL
            new_key = issuer.rotate()
            fresh = [issuer.issue(subject=f"after-{n}") for n in range(10)]
            principals = await asyncio.gather(*(verifier.verify(token) for token in fresh))
            assert [p.subject for p in principals] == [f"after-{n}" for n in range(10)]
            assert issuer.jwks_requests == 2, "concurrent misses must share one refresh"
            assert cache.fetches == 2

            for token in [*fresh, old, issuer.issue()]:
                await verifier.verify(token)
            assert issuer.jwks_requests == 2
            assert issuer.current_key.kid == new_key.kid
        finally:
            await cache.aclose()


async def test_unknown_kid_refresh_is_rate_limited() -> None:
    clock = Clock()
    with TokenIssuer() as issuer:
        cache = JwksCache(issuer.jwks_url, ttl=300, min_refresh_interval=30, clock=clock)
        verifier = JwtVerifier(cache, issuer=issuer.issuer, audience="a2a-agent")
        try:
            await verifier.verify(issuer.issue())
            for n in range(20):  # a flood of random kids right after a fetch: no new fetch
                with pytest.raises(InvalidToken, match="unknown key id"):
                    await verifier.verify(issuer.issue(kid=f"random-{n}"))
            assert issuer.jwks_requests == 1

            issuer.rotate()
            rotated = issuer.issue()
            with pytest.raises(InvalidToken, match="unknown key id"):
                await verifier.verify(rotated)  # still inside the rate limit
            clock.now += 30
            await verifier.verify(rotated)
            assert issuer.jwks_requests == 2

            clock.now += 300  # TTL over: the next request refreshes once
            await verifier.verify(rotated)
            await verifier.verify(rotated)
            assert issuer.jwks_requests == 3
        finally:
            await cache.aclose()


async def test_retired_key_is_refused_after_refresh() -> None:
    clock = Clock()
    with TokenIssuer() as issuer:
        cache = JwksCache(issuer.jwks_url, ttl=300, min_refresh_interval=30, clock=clock)
        verifier = JwtVerifier(cache, issuer=issuer.issuer, audience="a2a-agent")
        try:
            old = issuer.issue()
            await verifier.verify(old)
            issuer.rotate(retire_old=True)
            clock.now += 301
            with pytest.raises(InvalidToken, match="unknown key id"):
                await verifier.verify(old)
        finally:
            await cache.aclose()


async def test_issuer_outage_keeps_known_keys() -> None:
    clock = Clock()
    issuer = TokenIssuer().start()
    cache = JwksCache(issuer.jwks_url, ttl=300, min_refresh_interval=30, timeout=2, clock=clock)
    verifier = JwtVerifier(cache, issuer=issuer.issuer, audience="a2a-agent")
    try:
        token = issuer.issue()
        await verifier.verify(token)
        issuer.stop()
        clock.now += 301
        assert (await verifier.verify(token)).subject == "client-a"
        assert cache.failures == 1 and "failed" in str(cache.last_error)
        await verifier.verify(token)  # the failed attempt is rate-limited too
        assert cache.fetches == 2
    finally:
        issuer.stop()
        await cache.aclose()


async def test_first_fetch_failure_is_invalid_token_not_a_crash() -> None:
    issuer = TokenIssuer().start()
    url, token = issuer.jwks_url, issuer.issue()
    issuer.stop()
    cache = JwksCache(url, timeout=2)
    try:
        with pytest.raises(InvalidToken, match="unknown key id"):
            await JwtVerifier(cache, issuer=None, audience=None).verify(token)
        assert cache.failures == 1
    finally:
        await cache.aclose()
