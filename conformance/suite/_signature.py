"""Card-signature judgements (v1.0 §8.4; digest §2.2), one function per requirement.

The thin suite module (``test_card_signature.py``) calls these with the agent's card and a
:class:`~conformance.grading.Check`; they are kept here, free of fixtures, so each can be proven
with hand-made cards. An unsigned card makes every judgement N/A (signing is a MAY, SIG-1).

Trust options (the signature half of :class:`~conformance._auth_options.AuthOptions`, so
command line, environment and ini all apply):

``--a2a-trusted-jwks PATH_OR_URL`` (repeatable)
    JWKS documents whose keys are trusted by ``kid``;
``--a2a-jku-origin ORIGIN`` (repeatable)
    extra origins a ``jku`` may point at (the card's own origin is always allowed);
``--a2a-allow-http-jku``
    accept a plain-HTTP ``jku`` on a loopback host (local test deployments).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.grading import Check, HarnessError

from .._auth_options import AuthOptions
from .._jws import JwsError, b64url_decode
from ..signing import CardVerification, Fetch, Outcome, gather_keys, protected_header, verify_card

__all__ = [
    "judge_expired_keys",
    "judge_header_members",
    "judge_jku_https",
    "judge_shape",
    "judge_strict_canonical_form",
    "judge_typ",
    "judge_verification",
    "verify_served_card",
]

_INVALID = {
    Outcome.BAD_SIGNATURE,
    Outcome.MALFORMED,
    Outcome.MISSING_KID,
    Outcome.ALG_NOT_ALLOWED,
}


def _signatures(card: dict[str, Any], check: Check) -> list[Any]:
    signatures = card.get("signatures")
    if signatures is None or signatures == []:
        check.not_applicable("the card is not signed (signatures is absent or empty)")
    check.that(
        isinstance(signatures, list),
        "signatures is not an array",
        expected="an array of AgentCardSignature",
        actual=type(signatures).__name__,
    )
    assert isinstance(signatures, list)
    return signatures


def _headers(card: dict[str, Any], check: Check) -> list[dict[str, Any] | None]:
    return [protected_header(entry) for entry in _signatures(card, check)]


def judge_shape(card: dict[str, Any], check: Check) -> None:
    """SIG-1b: each entry has base64url ``protected`` and ``signature``, ``header`` an object."""
    problems = []
    for index, entry in enumerate(_signatures(card, check)):
        where = f"signatures[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not an object")
            continue
        for member in ("protected", "signature"):
            try:
                if not b64url_decode(entry.get(member)):
                    problems.append(f"{where}.{member} is empty")
            except JwsError as exc:
                problems.append(f"{where}.{member}: {exc}")
        if "header" in entry and not isinstance(entry["header"], dict):
            problems.append(f"{where}.header is not an object")
    check.that(not problems, "malformed AgentCardSignature entries", actual=problems)


def judge_header_members(card: dict[str, Any], check: Check) -> None:
    """SIG-5: every protected header is a JSON object with ``alg`` and ``kid``."""
    problems = []
    for index, header in enumerate(_headers(card, check)):
        if header is None:
            problems.append(f"signatures[{index}].protected is not base64url JSON object")
            continue
        missing = [name for name in ("alg", "kid") if not isinstance(header.get(name), str)]
        if missing:
            problems.append(f"signatures[{index}] protected header lacks {', '.join(missing)}")
    check.that(not problems, "protected headers without alg/kid", actual=problems)


def judge_typ(card: dict[str, Any], check: Check) -> None:
    """SIG-5b: ``typ`` is ``JOSE``."""
    wrong = [
        f"signatures[{index}] typ={header.get('typ')!r}"
        for index, header in enumerate(_headers(card, check))
        if header is not None and header.get("typ") != "JOSE"
    ]
    check.that(not wrong, 'protected header typ is not "JOSE"', expected="JOSE", actual=wrong)


def judge_jku_https(card: dict[str, Any], check: Check) -> None:
    """SIG-8b: a ``jku`` uses HTTPS (the keys must come over an authenticated channel)."""
    headers = [header for header in _headers(card, check) if header and "jku" in header]
    if not headers:
        check.not_applicable("no signature names a jku")
    plain = [h["jku"] for h in headers if not str(h["jku"]).startswith("https://")]
    check.that(not plain, "jku is not an https URL", expected="https://…", actual=plain)


def _load_jwks(source: str, fetch: Fetch) -> dict[str, Any]:
    try:
        if "://" in source:
            status, body = fetch(source)
            if status != 200:
                raise HarnessError(f"trusted JWKS {source} answered HTTP {status}")
            document = json.loads(body)
        else:
            document = json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HarnessError(f"cannot load trusted JWKS {source}: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise HarnessError(f'trusted JWKS {source} has no "keys" array')
    return document


def verify_served_card(
    card: dict[str, Any], card_url: str, fetch: Fetch, options: AuthOptions
) -> CardVerification:
    """Gather keys (``options``' trusted JWKS, allowed ``jku``) and verify every signature of
    ``card``; only the signature-trust fields of ``options`` are used."""
    trusted = [_load_jwks(source, fetch) for source in options.trusted_jwks]
    keys = gather_keys(
        card,
        card_url=card_url,
        fetch=fetch,
        trusted=trusted,
        trusted_origins=options.jku_origins,
        allow_loopback_http=options.allow_http_jku,
    )
    return verify_card(card, keys)


def judge_verification(card: dict[str, Any], result: CardVerification, check: Check) -> None:
    """SIG-7: no signature is invalid, and at least one could be checked and verifies.

    A signature whose key cannot be found is noted, not failed, while another one verifies: a
    client that knows only one of the keys of a rotation is the normal case (SIG-8d).
    """
    _signatures(card, check)
    invalid = [r for r in result.results if r.outcome in _INVALID]
    check.that(
        not invalid,
        "signature(s) do not verify",
        expected="every signature valid over the canonical card",
        actual=[f"signatures[{r.index}]: {r.outcome.value}: {r.detail}" for r in invalid],
    )
    if not any(r.outcome is Outcome.VALID for r in result.results):
        check.fail(
            "no signature could be verified (unknown key, refused or unreachable jku); "
            "publish the key at a jku on the card's origin or pass --a2a-trusted-jwks",
            actual=result.summary(),
        )
    for r in result.results:
        if r.outcome is not Outcome.VALID:
            check.note(f"signatures[{r.index}] not checked: {r.outcome.value}: {r.detail}")


def judge_expired_keys(card: dict[str, Any], result: CardVerification, check: Check) -> None:
    """SIG-8c: no signature relies on an expired key."""
    _signatures(card, check)
    expired = [r for r in result.results if r.outcome is Outcome.KEY_EXPIRED]
    check.that(
        not expired,
        "signature(s) rely on an expired key",
        actual=[f"signatures[{r.index}] kid={r.kid!r}" for r in expired],
    )


def judge_strict_canonical_form(
    card: dict[str, Any], result: CardVerification, check: Check
) -> None:
    """SIG-9: a valid signature verifies under strict RFC 8785; an SDK-only match is a WARNING."""
    _signatures(card, check)
    if result.verdict == "warning":
        profiles = sorted({r.profile for r in result.results if r.profile})
        check.warn(
            "the signature verifies only under the a2a-python canonical form, not strict "
            "RFC 8785 (spec-strict clients will reject this card)",
            expected="rfc8785",
            actual=profiles,
        )
    elif result.verdict != "pass":
        check.not_applicable("no signature verifies under any canonical form (see SIG-7)")
