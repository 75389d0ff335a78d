"""Small URL predicates shared by the card checks and the signature verifier."""

from __future__ import annotations

import ipaddress

__all__ = ["is_loopback_host"]


def is_loopback_host(host: str | None) -> bool:
    """``localhost`` (and ``*.localhost``), 127.0.0.0/8 and ::1 (bracketed or not): where plain
    HTTP is acceptable, because the traffic never leaves the machine (test deployments)."""
    if not host:
        return False
    name = host.lower()
    if name in ("localhost", "localhost.localdomain") or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False
