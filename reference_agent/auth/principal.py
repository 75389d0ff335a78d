"""Who is calling: the result of authentication, used for scoping and scope checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ANONYMOUS", "Principal"]


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller.

    ``subject`` is the owner key for authorization scoping (a caller sees only tasks whose owner
    is its subject); ``scopes`` are what the credentials grant; ``method`` says how the caller
    proved it (``jwt``, ``api-key``, ``none``). ``claims`` keeps the verified JWT claims for the
    extended card and logs (never the token itself).
    """

    subject: str
    scopes: frozenset[str] = frozenset()
    method: str = "none"
    claims: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def has_scopes(self, needed: frozenset[str] | set[str]) -> bool:
        """True when every scope in ``needed`` was granted."""
        return set(needed) <= self.scopes


# With --auth none every caller is the same principal: scoping then changes nothing.
ANONYMOUS = Principal(subject="anonymous", method="none")
