"""Agent card: discovery, validity, field semantics, caching (v1.0 §8, v0.3 §5; digest §2.1, §2.4)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.grading import Check, HarnessError
from conformance.target import AgentHandle, Target

from .._urls import is_loopback_host
from ._card import host_of, interface_urls

CARD_PATH = "/.well-known/agent-card.json"
LEGACY_PATH = "/.well-known/agent.json"


def _card(a2a_agent: AgentHandle) -> dict[str, Any]:
    if a2a_agent.card is None:
        raise HarnessError(f"no agent card to judge ({a2a_agent.agent.card_problem})")
    return a2a_agent.card


@pytest.mark.requirement("CARD-2")
def test_card_at_well_known_path(a2a_agent: AgentHandle, check: Check) -> None:
    """GET /.well-known/agent-card.json answers 200 with a JSON object (legacy path: WARNING)."""
    response = a2a_agent.get(CARD_PATH)
    if response.status == 200:
        try:
            doc = json.loads(response.body)
        except (ValueError, RecursionError):
            check.fail(
                "the card is not JSON", expected="an AgentCard object", actual=response.text()[:200]
            )
        check.that(
            isinstance(doc, dict), "the card is not a JSON object", actual=type(doc).__name__
        )
        return
    legacy = a2a_agent.get(LEGACY_PATH)
    if legacy.status == 200:
        check.warn(
            f"the card is only at the legacy path {LEGACY_PATH} (0.2.x); "
            f"{CARD_PATH} answered HTTP {response.status}"
        )
        return
    check.fail(
        f"no agent card at {CARD_PATH}",
        expected="HTTP 200 with the AgentCard",
        actual=f"HTTP {response.status}",
    )


def _schema_check(a2a: Target, check: Check, version: str) -> None:
    try:
        from conformance.schema import validate_card
    except ImportError as exc:  # H5's module; without it this check cannot judge
        raise HarnessError(f"conformance.schema is not available: {exc}") from None
    problems = validate_card(a2a.card, version)
    check.that(
        not problems,
        f"the card is not a valid v{version} AgentCard ({len(problems)} problem(s))",
        expected="no schema violations",
        actual=problems[:10],
    )


@pytest.mark.requirement("CARD-3")
def test_card_valid_v1(a2a: Target, check: Check) -> None:
    """The card validates against the harness's v1.0 AgentCard schema."""
    _schema_check(a2a, check, "1.0")


@pytest.mark.requirement("CARD-3b")
def test_card_valid_v03(a2a: Target, check: Check) -> None:
    """The card validates against the harness's v0.3 AgentCard schema."""
    _schema_check(a2a, check, "0.3")


@pytest.mark.requirement("CARD-4")
def test_required_arrays_not_empty(a2a: Target, check: Check) -> None:
    """REQUIRED arrays hold at least one element (v1.0 §5.7); ``skills: []`` is spec-ambiguous."""
    card = a2a.card
    empty = [
        name
        for name in ("supportedInterfaces", "defaultInputModes", "defaultOutputModes")
        if isinstance(card.get(name), list) and not card[name]
    ]
    skills = card.get("skills")
    if isinstance(skills, list):
        empty += [
            f"skills[{i}].tags"
            for i, skill in enumerate(skills)
            if isinstance(skill, dict) and isinstance(skill.get("tags"), list) and not skill["tags"]
        ]
    check.that(
        not empty, "REQUIRED arrays are empty", expected="at least one element", actual=empty
    )
    if isinstance(skills, list) and not skills:
        check.spec_ambiguous(
            "skills is empty: §5.7 forbids it, the §8.4.1 example shows it", item=4
        )


@pytest.mark.requirement("CARD-11")
def test_interface_urls_absolute_https(a2a_agent: AgentHandle, check: Check) -> None:
    """Interface URLs are absolute; HTTPS unless the host is loopback (gRPC may use host:port)."""
    bad = []
    for where, binding, url in interface_urls(_card(a2a_agent)):
        if not isinstance(url, str) or not url:
            bad.append(f"{where}: {url!r} is not a URL")
            continue
        if binding.upper() == "GRPC" and "://" not in url:
            continue
        scheme = url.split("://", 1)[0].lower() if "://" in url else ""
        host = host_of(url) if scheme else None
        if scheme not in ("http", "https") or not host:
            bad.append(f"{where}: {url!r} is not an absolute http(s) URL")
        elif scheme == "http" and not is_loopback_host(host):
            bad.append(f"{where}: {url!r} uses plain HTTP on a non-loopback host")
    check.that(
        not bad, "interface URLs are not absolute HTTPS URLs", expected="https://…", actual=bad
    )


@pytest.mark.requirement("CARD-12b")
def test_skill_ids_unique(a2a_agent: AgentHandle, check: Check) -> None:
    """Skill ids are unique within the card."""
    skills = _card(a2a_agent).get("skills")
    if not isinstance(skills, list) or not skills:
        check.not_applicable("the card declares no skills")
    ids = [s.get("id") for s in skills if isinstance(s, dict)]
    dupes = sorted({i for i in ids if ids.count(i) > 1}, key=str)
    check.that(not dupes, "skill ids are repeated", expected="unique ids", actual=dupes)


def _rpc_probe(a2a: Target, check: Check) -> None:
    reply = a2a.get_task_reply(a2a.unknown_task_id())
    check.that(
        reply.is_object
        and reply.doc.get("jsonrpc") == "2.0"
        and (reply.has_error or reply.has_result),
        f"the declared JSON-RPC interface {a2a.interface.url} does not answer JSON-RPC",
        expected="a JSON-RPC 2.0 response",
        actual=reply.doc if reply.is_object else reply.parse_error,
    )


@pytest.mark.requirement("CARD-7")
def test_declared_interface_answers(a2a: Target, check: Check) -> None:
    """A declared v1.0 JSON-RPC interface really answers JSON-RPC."""
    _rpc_probe(a2a, check)


@pytest.mark.requirement("CARD-9")
def test_main_url_serves_preferred_transport(a2a: Target, check: Check) -> None:
    """A declared v0.3 JSON-RPC interface (main url / preferredTransport) answers JSON-RPC."""
    _rpc_probe(a2a, check)


@pytest.mark.requirement("CACHE-1")
def test_card_cache_control_max_age(a2a_agent: AgentHandle, check: Check) -> None:
    """The card response carries Cache-Control with max-age."""
    _card(a2a_agent)  # no card: nothing to judge (ERROR, never a pass)
    response = a2a_agent.get(a2a_agent.agent.card_url or CARD_PATH)
    value = response.headers.get("cache-control", "")
    directives = {d.strip().split("=")[0].lower() for d in value.split(",") if d.strip()}
    check.that(
        "max-age" in directives,
        "no max-age in Cache-Control",
        expected="max-age=N",
        actual=value or None,
    )


@pytest.mark.requirement("CACHE-2")
def test_card_etag(a2a_agent: AgentHandle, check: Check) -> None:
    """The card response carries an ETag."""
    _card(a2a_agent)  # no card: nothing to judge (ERROR, never a pass)
    response = a2a_agent.get(a2a_agent.agent.card_url or CARD_PATH)
    etag = response.headers.get("etag")
    check.that(bool(etag), "no ETag on the card response", expected='ETag: "…"', actual=etag)


@pytest.mark.requirement("CACHE-4")
def test_card_conditional_get(a2a_agent: AgentHandle, check: Check) -> None:
    """If-None-Match with the current ETag is answered 304 Not Modified."""
    _card(a2a_agent)  # no card: nothing to judge (ERROR, never a pass)
    url = a2a_agent.agent.card_url or CARD_PATH
    etag = a2a_agent.get(url).headers.get("etag")
    if not etag:
        check.not_applicable("the card response has no ETag to revalidate with")
    second = a2a_agent.get(url, headers={"If-None-Match": etag})
    check.equal(second.status, 304, what="status of a conditional GET with the current ETag")
