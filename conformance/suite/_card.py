"""Small helpers over agent-card JSON shared by the card checks."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

__all__ = ["interface_urls", "is_loopback_host"]


def is_loopback_host(host: str | None) -> bool:
    """``localhost``, 127.0.0.0/8 and ::1: where plain HTTP is fine (test deployments)."""
    if not host:
        return False
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
