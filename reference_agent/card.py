"""The agent card: built once from the settings, served with caching headers.

The public card is **dual-stack** (digest §3 "Version detection"): the v1.0 fields
(``supportedInterfaces``, ``capabilities.extendedAgentCard``…) and the v0.3 fields (``url``,
``protocolVersion``, ``preferredTransport``, ``additionalInterfaces``,
``supportsAuthenticatedExtendedCard``) sit side by side, so a client of either version finds what
it reads and ignores the rest (v1.0 §5.7: unrecognized fields SHOULD be ignored).

The card bytes and their strong ``ETag`` (a content hash, v1.0 §8.6.1) are computed once at
startup; :class:`CardResource` answers GET/HEAD with ``Cache-Control`` and ``If-None-Match`` → 304.
:func:`to_v03_card` converts a v1.0-shaped card (what the service returns for the extended card)
into the v0.3 shape for ``agent/getAuthenticatedExtendedCard``.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from . import __version__
from .config import AgentSettings

__all__ = [
    "ADMIN_SCOPE",
    "ADMIN_SKILL",
    "SKILLS",
    "CardResource",
    "add_security",
    "build_extended_card",
    "build_public_card",
    "to_v03_card",
]

CACHE_CONTROL = "public, max-age=300"


@dataclass(frozen=True, slots=True)
class Skill:
    """One behaviour of docs/behaviour-contract.md, advertised as an ``AgentSkill``."""

    id: str
    name: str
    description: str
    tags: tuple[str, ...]
    examples: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "tags": list(self.tags),
            "examples": list(self.examples),
        }


SKILLS: tuple[Skill, ...] = (
    Skill(
        "echo",
        "Echo",
        "A task that completes with one artifact echoing the input text.",
        ("echo", "completed"),
        ("echo hello",),
    ),
    Skill(
        "complete",
        "Chunked artifact",
        "A task whose artifact 'result' arrives in N chunks "
        "(append/lastChunk), then completes. Argument: chunks (default 3).",
        ("artifact", "chunked", "completed"),
        ("complete 3",),
    ),
    Skill(
        "message",
        "Message reply",
        "A direct Message reply; no task is created.",
        ("message",),
        ("message hello",),
    ),
    Skill(
        "input-required",
        "Input required",
        "The task stops in INPUT_REQUIRED; a follow-up message with the same taskId completes it.",
        ("input-required", "multi-turn"),
        ("input-required",),
    ),
    Skill(
        "auth-required",
        "Auth required",
        "The task stops in AUTH_REQUIRED with a status "
        "message; any follow-up on the task counts as the credentials arriving.",
        ("auth-required",),
        ("auth-required",),
    ),
    Skill(
        "auth-step-up",
        "In-task authorization",
        "WORKING, then AUTH_REQUIRED with a status message saying what is needed; open streams "
        "stay open. A follow-up on the task whose text starts with 'credential ' (or with "
        "metadata.credential) completes it; any other follow-up gets the explanation again.",
        ("auth-required", "in-task-auth", "streaming"),
        ("auth-step-up",),
    ),
    Skill(
        "fail", "Fail", "The task FAILS with an explanatory status message.", ("failed",), ("fail",)
    ),
    Skill("reject", "Reject", "The task is REJECTED at creation.", ("rejected",), ("reject",)),
    Skill(
        "slow",
        "Slow",
        "WORKING for the given seconds (default 5, max 600), then COMPLETED; cancelable meanwhile.",
        ("working", "cancel"),
        ("slow 2",),
    ),
    Skill(
        "stream",
        "Stream",
        "count artifact chunks interval_ms apart, then COMPLETED "
        "(defaults 5 and 20; count <= 1000).",
        ("streaming",),
        ("stream 5 20",),
    ),
    Skill(
        "data",
        "Data part",
        'An artifact with one data part {"echo": text}.',
        ("data",),
        ("data hello",),
    ),
    Skill(
        "file",
        "File parts",
        "An artifact with one raw part (text/plain bytes of the input) and one url part.",
        ("file",),
        ("file hello",),
    ),
)

_EXTENDED_SKILL = Skill(
    "extended-info",
    "Extended card marker",
    "Listed only in the extended agent card, so a client can tell which card it holds. "
    "Messages starting with it behave like echo.",
    ("extended",),
    ("extended-info hello",),
)

ADMIN_SCOPE = "a2a.admin"
"""The scope the ``admin`` skill needs when authentication is on."""

ADMIN_SKILL = Skill(
    "admin",
    "Admin echo",
    f"Like echo, for callers holding the scope {ADMIN_SCOPE}; a caller without it gets an "
    "authorization error (HTTP 403, JSON-RPC -32004).",
    ("echo", "scoped"),
    ("admin hello",),
)
"""Listed (with its ``securityRequirements``) only when authentication is on."""

_INPUT_MODES = ["text/plain", "application/json", "application/octet-stream"]
_OUTPUT_MODES = ["text/plain", "application/json"]


def build_public_card(settings: AgentSettings) -> dict[str, Any]:
    """The dual-stack public card for ``settings`` (both interfaces share the one URL)."""
    url = settings.base_url
    capabilities: dict[str, Any] = {
        "streaming": settings.streaming,
        "pushNotifications": settings.push_notifications,
        "extendedAgentCard": settings.extended_card,
    }
    if settings.required_extensions:
        capabilities["extensions"] = [
            {"uri": uri, "description": "Required by this agent's configuration.", "required": True}
            for uri in settings.required_extensions
        ]
    return {
        "name": settings.name,
        "description": (
            "The a2a-harness reference agent: a complete A2A server (v1.0 and v0.3, JSON-RPC, "
            "streaming, push) with a deterministic behaviour per skill."
        ),
        "supportedInterfaces": [
            {"url": url, "protocolBinding": "JSONRPC", "protocolVersion": "1.0"},
            {"url": url, "protocolBinding": "JSONRPC", "protocolVersion": "0.3"},
        ],
        "provider": {"organization": "a2a-harness", "url": url},
        "version": __version__,
        "documentationUrl": url + "docs/behaviour-contract",
        "capabilities": capabilities,
        "defaultInputModes": list(_INPUT_MODES),
        "defaultOutputModes": list(_OUTPUT_MODES),
        "skills": [s.to_json() for s in SKILLS],
        # v0.3 view of the same agent (a2a.json AgentCard).
        "protocolVersion": "0.3.0",
        "url": url,
        "preferredTransport": "JSONRPC",
        "additionalInterfaces": [{"url": url, "transport": "JSONRPC"}],
        "supportsAuthenticatedExtendedCard": settings.extended_card,
    }


def build_extended_card(settings: AgentSettings) -> dict[str, Any]:
    """The v1.0-shaped extended card: the public one plus the ``extended-info`` skill."""
    card = build_public_card(settings)
    for key in (
        "protocolVersion",
        "url",
        "preferredTransport",
        "additionalInterfaces",
        "supportsAuthenticatedExtendedCard",
    ):
        card.pop(key)
    card["skills"].append(_EXTENDED_SKILL.to_json())
    return card


def add_security(
    card: dict[str, Any],
    members: dict[str, Any],
    scheme: str,
    skill_scopes: dict[str, tuple[str, ...]],
    *,
    dual_stack: bool,
) -> dict[str, Any]:
    """``card`` with the security declarations of ``--auth`` (before signing).

    ``members`` are the v1.0 ``securitySchemes``/``securityRequirements``
    (:func:`auth.setup.card_security`); ``skill_scopes`` adds a skill (the ``admin`` one) or
    gives an existing skill its own ``securityRequirements`` under ``scheme``. With
    ``dual_stack`` (the public card) the v0.3 members are written too: ``security`` next to
    ``securityRequirements``, and each scheme object carries the v0.3 ``type`` fields next to
    its v1.0 wrapper, so a client of either version finds what it reads.
    """
    out = copy.deepcopy(card)
    if not members:
        return out
    out.update(copy.deepcopy(members))
    skills = out.setdefault("skills", [])
    known = {skill["id"]: skill for skill in skills}
    for skill_id, scopes in skill_scopes.items():
        skill = known.get(skill_id)
        if skill is None:
            if skill_id != ADMIN_SKILL.id:
                raise ValueError(f"no skill {skill_id!r} to give scopes to")
            skill = ADMIN_SKILL.to_json()
            skills.append(skill)
        skill["securityRequirements"] = [{"schemes": {scheme: {"list": list(scopes)}}}]
        if dual_stack:
            skill["security"] = [_requirement_v03(r) for r in skill["securityRequirements"]]
    if dual_stack:
        out["securitySchemes"] = {
            name: {**value, **_scheme_v03(value)} for name, value in out["securitySchemes"].items()
        }
        out["security"] = [_requirement_v03(r) for r in out["securityRequirements"]]
    return out


def to_v03_card(card: dict[str, Any]) -> dict[str, Any]:
    """A v1.0-shaped card in the v0.3 shape (a2a.json ``AgentCard``)."""
    interfaces = card.get("supportedInterfaces") or []
    main = next((i for i in interfaces if i.get("protocolVersion") == "0.3"), None)
    main = main or (
        interfaces[0] if interfaces else {"url": card.get("url", ""), "protocolBinding": "JSONRPC"}
    )
    caps = card.get("capabilities") or {}
    out: dict[str, Any] = {
        "protocolVersion": "0.3.0",
        "name": card.get("name", ""),
        "description": card.get("description", ""),
        "url": main["url"],
        "preferredTransport": main.get("protocolBinding", "JSONRPC"),
        "additionalInterfaces": [
            {"url": i["url"], "transport": i.get("protocolBinding", "JSONRPC")}
            for i in interfaces
            if i.get("protocolVersion", "0.3") == "0.3"
        ],
        "version": card.get("version", ""),
        "capabilities": {
            k: v for k, v in caps.items() if k in ("streaming", "pushNotifications", "extensions")
        },
        "defaultInputModes": card.get("defaultInputModes", []),
        "defaultOutputModes": card.get("defaultOutputModes", []),
        "skills": [_skill_v03(s) for s in card.get("skills", [])],
        "supportsAuthenticatedExtendedCard": bool(caps.get("extendedAgentCard", False)),
    }
    # Not ``signatures``: they sign the v1.0 form, and no v0.3 client could verify them here.
    for key in ("provider", "documentationUrl", "iconUrl"):
        if key in card:
            out[key] = copy.deepcopy(card[key])
    if card.get("securitySchemes"):
        out["securitySchemes"] = {
            name: _scheme_v03(scheme) for name, scheme in card["securitySchemes"].items()
        }
    if card.get("securityRequirements"):
        out["security"] = [_requirement_v03(r) for r in card["securityRequirements"]]
    return out


def _skill_v03(skill: dict[str, Any]) -> dict[str, Any]:
    out = {k: copy.deepcopy(v) for k, v in skill.items() if k != "securityRequirements"}
    if skill.get("securityRequirements"):
        out["security"] = [_requirement_v03(r) for r in skill["securityRequirements"]]
    return out


def _requirement_v03(requirement: dict[str, Any]) -> dict[str, list[str]]:
    # v1.0 {"schemes": {name: {"list": [scopes]}}} → v0.3 {name: [scopes]}
    return {
        name: list((scopes or {}).get("list", []))
        for name, scopes in (requirement.get("schemes") or {}).items()
    }


def _scheme_v03(scheme: dict[str, Any]) -> dict[str, Any]:
    # v1.0 oneof wrappers → v0.3 OpenAPI-style objects with ``type``.
    if "apiKeySecurityScheme" in scheme:
        s = scheme["apiKeySecurityScheme"]
        out = {"type": "apiKey", "in": s.get("location", ""), "name": s.get("name", "")}
    elif "httpAuthSecurityScheme" in scheme:
        s = scheme["httpAuthSecurityScheme"]
        out = {"type": "http", "scheme": s.get("scheme", "")}
        if s.get("bearerFormat"):
            out["bearerFormat"] = s["bearerFormat"]
    elif "oauth2SecurityScheme" in scheme:
        s = scheme["oauth2SecurityScheme"]
        flows = {
            name: {k: v for k, v in flow.items() if k != "pkceRequired"}
            for name, flow in (s.get("flows") or {}).items()
            if name in ("authorizationCode", "clientCredentials", "implicit", "password")
        }
        out = {"type": "oauth2", "flows": flows}
        if s.get("oauth2MetadataUrl"):
            out["oauth2MetadataUrl"] = s["oauth2MetadataUrl"]
    elif "openIdConnectSecurityScheme" in scheme:
        s = scheme["openIdConnectSecurityScheme"]
        out = {"type": "openIdConnect", "openIdConnectUrl": s.get("openIdConnectUrl", "")}
    else:
        s = scheme.get("mtlsSecurityScheme") or {}
        out = {"type": "mutualTLS"}
    if s.get("description"):
        out["description"] = s["description"]
    return out


class CardResource:
    """A card serialised once, served with ``Cache-Control``, a strong ``ETag`` and 304s."""

    def __init__(self, card: dict[str, Any]) -> None:
        self.card = card
        self.body = orjson.dumps(card)
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'
        self._etag_bytes = self.etag.encode("ascii")
        self._headers = [
            (b"content-type", b"application/json"),
            (b"cache-control", CACHE_CONTROL.encode("ascii")),
            (b"etag", self._etag_bytes),
        ]

    def not_modified(self, if_none_match: bytes | None) -> bool:
        """RFC 9110 §13.1.2: weak comparison against each listed tag, ``*`` matches any."""
        if not if_none_match:
            return False
        for tag in if_none_match.split(b","):
            tag = tag.strip()
            if tag.startswith(b"W/"):
                tag = tag[2:]
            if tag == b"*" or tag == self._etag_bytes:
                return True
        return False

    def response(
        self, method: str, if_none_match: bytes | None
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Status, headers and body for a GET or HEAD (the caller refuses other methods)."""
        if self.not_modified(if_none_match):
            return 304, self._headers[1:], b""
        headers = [*self._headers, (b"content-length", str(len(self.body)).encode("ascii"))]
        return 200, headers, (b"" if method == "HEAD" else self.body)
