"""Small helpers over agent-card JSON shared by the card checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

__all__ = ["host_of", "interface_urls"]


def interface_urls(card: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """``(where, binding, url)`` for every URL the card declares an interface at."""
    items = card.get("supportedInterfaces")
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield (
                    f"supportedInterfaces[{i}].url",
                    str(item.get("protocolBinding")),
                    item.get("url"),
                )
    if "url" in card:
        yield "url", str(card.get("preferredTransport") or "JSONRPC"), card.get("url")
    extra = card.get("additionalInterfaces")
    if isinstance(extra, list):
        for i, item in enumerate(extra):
            if isinstance(item, dict):
                yield f"additionalInterfaces[{i}].url", str(item.get("transport")), item.get("url")


def host_of(url: str) -> str | None:
    """The host of ``url`` (None when it has none)."""
    return urlsplit(url).hostname
