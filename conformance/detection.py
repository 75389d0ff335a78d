"""Find the agent card and the (interface, protocol version) pairs to test (digest §3).

* ``supportedInterfaces`` entries are v1.0-style declarations; each carries its own
  ``protocolVersion`` ("1.0", or "0.3" for a v0.3 interface listed the v1.0 way).
* Top-level ``url`` + ``protocolVersion`` (+ ``preferredTransport``, ``additionalInterfaces``)
  are the v0.3 declaration.
* A card with both is dual-stack: both versions are tested.
* ``--a2a-version`` forces one version: declared interfaces of other versions are left out, and
  when none of that version is declared the card's main URL is tested as that version.

Only the JSON-RPC binding is driven today; other declared bindings are listed as not tested.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from .client.http import HttpClient

__all__ = ["AgentUnderTest", "Interface", "detect_interfaces", "discover", "normalize_version"]

CARD_PATH = "/.well-known/agent-card.json"
LEGACY_CARD_PATH = "/.well-known/agent.json"
SUPPORTED_BINDINGS = ("JSONRPC",)


@dataclass(frozen=True, slots=True)
class Interface:
    """One declared way to talk to the agent, at one protocol version."""

    url: str
    binding: str
    version: str  # "0.3" or "1.0"
    declared_version: str
    tenant: str | None = None
    source: str = ""
    forced: bool = False

    @property
    def key(self) -> str:
        """Short id used in test ids: ``v1.0-jsonrpc`` (plus the URL when ambiguous)."""
        return f"v{self.version}-{self.binding.lower().replace('+', '')}"

    @property
    def tested(self) -> bool:
        return self.binding in SUPPORTED_BINDINGS


@dataclass(slots=True)
class AgentUnderTest:
    """One ``--agent-url``: where its card was found and what it declares."""

    url: str
    card_url: str | None = None
    card: dict[str, Any] | None = None
    card_problem: str | None = None
    legacy_path: bool = False
    interfaces: list[Interface] = field(default_factory=list)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def normalize_version(value: Any) -> str | None:
    """``"1.0"``, ``"1.0.1"``, ``"1"`` → ``"1.0"``; ``"0.3.0"`` → ``"0.3"``; others → None."""
    if not isinstance(value, str):
        return None
    parts = value.strip().split(".")
    if parts[0] == "1":
        return "1.0" if len(parts) == 1 or parts[1] == "0" else None
    if parts[0] == "0" and len(parts) > 1 and parts[1] == "3":
        return "0.3"
    return None


def card_urls(agent_url: str) -> list[str]:
    """Where to look for the card, in order: RFC 8615 location, then below the given path."""
    parts = urlsplit(agent_url)
    if parts.path.endswith(".json"):
        return [agent_url]
    origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    urls = [origin + CARD_PATH]
    path = parts.path.rstrip("/")
    if path:
        urls.append(origin + path + CARD_PATH)
    return urls


def discover(http: HttpClient, agent_url: str, *, timeout: float) -> AgentUnderTest:
    """Fetch the card (transport errors propagate: the caller reports the agent unreachable)."""
    agent = AgentUnderTest(agent_url)
    problems: list[str] = []
    candidates = card_urls(agent_url)
    origin = agent.origin
    for url in [*candidates, origin + LEGACY_CARD_PATH]:
        response = http.request("GET", url, headers={"Accept": "application/json"}, timeout=timeout)
        if response.status != 200:
            problems.append(f"{url}: HTTP {response.status}")
            continue
        try:
            card = json.loads(response.body)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply (a JSON bomb)
            problems.append(f"{url}: not JSON")
            continue
        if not isinstance(card, dict):
            problems.append(f"{url}: not a JSON object")
            continue
        agent.card_url, agent.card = url, card
        agent.legacy_path = url.endswith(LEGACY_CARD_PATH)
        break
    if agent.card is None:
        agent.card_problem = "no agent card: " + "; ".join(problems)
    return agent


def detect_interfaces(
    card: dict[str, Any] | None, *, forced: str = "auto", fallback_url: str = ""
) -> list[Interface]:
    """Every (interface, version) the card declares, deduplicated, in declaration order."""
    found: list[Interface] = []
    if card:
        found += _v1_interfaces(card)
        found += _v03_interfaces(card)
    unique: dict[tuple[str, str, str], Interface] = {}
    for iface in found:
        unique.setdefault((_norm_url(iface.url), iface.binding, iface.version), iface)
    result = list(unique.values())
    if forced == "auto":
        return result
    kept = [i for i in result if i.version == forced]
    if kept:
        return kept
    url = next((i.url for i in result), None) or (card or {}).get("url") or fallback_url
    if not isinstance(url, str) or not url:
        return []
    return [Interface(url, "JSONRPC", forced, forced, None, "--a2a-version", forced=True)]


def _v1_interfaces(card: dict[str, Any]) -> list[Interface]:
    out: list[Interface] = []
    items = card.get("supportedInterfaces")
    if not isinstance(items, list):
        return out
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        declared = item.get("protocolVersion")
        version = normalize_version(declared)
        binding = item.get("protocolBinding")
        if version is None or not isinstance(binding, str):
            continue
        tenant = item.get("tenant") if isinstance(item.get("tenant"), str) else None
        out.append(
            Interface(
                item["url"],
                binding.upper(),
                version,
                str(declared),
                tenant or None,
                f"supportedInterfaces[{i}]",
            )
        )
    return out


def _v03_interfaces(card: dict[str, Any]) -> list[Interface]:
    out: list[Interface] = []
    url, declared = card.get("url"), card.get("protocolVersion")
    if not isinstance(url, str) or normalize_version(declared) != "0.3":
        return out
    transport = card.get("preferredTransport") or "JSONRPC"
    out.append(Interface(url, str(transport).upper(), "0.3", str(declared), None, "url"))
    extra = card.get("additionalInterfaces")
    if isinstance(extra, list):
        for i, item in enumerate(extra):
            if isinstance(item, dict) and isinstance(item.get("url"), str):
                binding = str(item.get("transport") or "JSONRPC").upper()
                out.append(
                    Interface(
                        item["url"],
                        binding,
                        "0.3",
                        str(declared),
                        None,
                        f"additionalInterfaces[{i}]",
                    )
                )
    return out


def _norm_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    return urljoin(f"{parts.scheme.lower()}://{parts.netloc.lower()}", path)
