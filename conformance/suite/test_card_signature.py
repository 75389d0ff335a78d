"""Signed agent cards (v1.0 §8.4; digest §2.2): thin wrappers over :mod:`._signature`.

Every check is N/A on an unsigned card (signing is a MAY). Keys come from ``--a2a-trusted-jwks``
and from each signature's ``jku`` (HTTPS, on the card's origin or an ``--a2a-jku-origin``; plain
HTTP to loopback only with ``--a2a-allow-http-jku``); the JWKS fetches are in the evidence.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.grading import Check, HarnessError
from conformance.run import SuiteRun
from conformance.signing import CardVerification
from conformance.target import AgentHandle

from ._signature import (
    judge_expired_keys,
    judge_header_members,
    judge_jku_https,
    judge_shape,
    judge_strict_canonical_form,
    judge_typ,
    judge_verification,
    verify_served_card,
)


def _card(a2a_agent: AgentHandle) -> dict[str, Any]:
    if a2a_agent.card is None:
        raise HarnessError(f"no agent card to judge ({a2a_agent.agent.card_problem})")
    return a2a_agent.card


def _verified(a2a_agent: AgentHandle, a2a_run: SuiteRun) -> tuple[dict[str, Any], CardVerification]:
    card = _card(a2a_agent)
    # Key documents are public: the run's credential is not sent along (a jku may be elsewhere).
    credential = a2a_run.principals.header if a2a_run.principals else "Authorization"
    headers: dict[str, str | None] = {"Accept": "application/json", credential: None}

    def fetch(url: str) -> tuple[int, bytes]:
        response = a2a_agent.http.request("GET", url, headers=headers)
        return response.status, response.body

    card_url = a2a_agent.agent.card_url or a2a_agent.agent.origin + "/"
    return card, verify_served_card(card, card_url, fetch, a2a_run.options.auth)


@pytest.mark.requirement("SIG-1b")
def test_signature_entries_well_formed(a2a_agent: AgentHandle, check: Check) -> None:
    """Each signatures[] entry has base64url protected and signature members."""
    judge_shape(_card(a2a_agent), check)


@pytest.mark.requirement("SIG-5")
def test_protected_header_has_alg_and_kid(a2a_agent: AgentHandle, check: Check) -> None:
    """Every protected header is a JSON object naming alg and kid."""
    judge_header_members(_card(a2a_agent), check)


@pytest.mark.requirement("SIG-5b")
def test_protected_header_typ_jose(a2a_agent: AgentHandle, check: Check) -> None:
    """The protected header's typ is JOSE."""
    judge_typ(_card(a2a_agent), check)


@pytest.mark.requirement("SIG-8b")
def test_jku_is_https(a2a_agent: AgentHandle, check: Check) -> None:
    """A jku, when present, is an https URL."""
    judge_jku_https(_card(a2a_agent), check)


@pytest.mark.requirement("SIG-7")
def test_signatures_verify(a2a_agent: AgentHandle, a2a_run: SuiteRun, check: Check) -> None:
    """No signature is invalid over the canonical card, and at least one verifies."""
    card, result = _verified(a2a_agent, a2a_run)
    judge_verification(card, result, check)


@pytest.mark.requirement("SIG-8c")
def test_no_expired_signing_key(a2a_agent: AgentHandle, a2a_run: SuiteRun, check: Check) -> None:
    """No signature relies on an expired key."""
    card, result = _verified(a2a_agent, a2a_run)
    judge_expired_keys(card, result, check)


@pytest.mark.requirement("SIG-9")
def test_signature_strict_rfc8785(a2a_agent: AgentHandle, a2a_run: SuiteRun, check: Check) -> None:
    """A valid signature verifies under strict RFC 8785 (an SDK-only match is a WARNING)."""
    card, result = _verified(a2a_agent, a2a_run)
    judge_strict_canonical_form(card, result, check)
