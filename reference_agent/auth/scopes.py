"""Scopes per skill (RBAC), read from the card's ``securityRequirements``.

A requirement list is an OR of ANDs (OpenAPI semantics, v1.0 ``SecurityRequirement``): the caller
passes when it satisfies *one* requirement, i.e. holds every scope that requirement lists for its
scheme. A skill without requirements falls back to the card's top-level ones; no requirements at
all means no scope is needed.

Example card fragment::

    "skills": [{"id": "files", ..., "securityRequirements":
                [{"schemes": {"bearer": {"list": ["files:read"]}}}]}]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import InsufficientScope
from .principal import Principal

__all__ = ["SkillScopes"]

Alternatives = tuple[frozenset[str], ...]


def _alternatives(requirements: Any) -> Alternatives:
    found: list[frozenset[str]] = []
    for requirement in requirements or []:
        schemes = requirement.get("schemes") if isinstance(requirement, dict) else None
        scopes: set[str] = set()
        for entry in (schemes or {}).values():
            listed = entry.get("list") if isinstance(entry, dict) else None
            scopes.update(item for item in listed or [] if isinstance(item, str))
        found.append(frozenset(scopes))
    return tuple(found)


class SkillScopes:
    """Which scopes each skill needs, built from a (v1.0-shaped) agent card."""

    def __init__(self, default: Alternatives, per_skill: Mapping[str, Alternatives]) -> None:
        self.default = default
        self.per_skill = dict(per_skill)

    @classmethod
    def from_card(cls, card: dict[str, Any]) -> SkillScopes:
        """Read the card's and each skill's ``securityRequirements``."""
        per_skill = {
            skill["id"]: _alternatives(skill.get("securityRequirements"))
            for skill in card.get("skills") or []
            if isinstance(skill, dict)
            and isinstance(skill.get("id"), str)
            and skill.get("securityRequirements")
        }
        return cls(_alternatives(card.get("securityRequirements")), per_skill)

    def needed(self, skill_id: str | None) -> Alternatives:
        """The alternatives for ``skill_id`` (the card's default for unknown/None)."""
        if skill_id is not None and skill_id in self.per_skill:
            return self.per_skill[skill_id]
        return self.default

    def check(self, principal: Principal, skill_id: str | None) -> None:
        """Raise :class:`InsufficientScope` (403) unless ``principal`` meets one alternative."""
        alternatives = self.needed(skill_id)
        if not alternatives or any(principal.has_scopes(scopes) for scopes in alternatives):
            return
        # Name the alternative the caller is closest to: the most useful hint.
        wanted = min(alternatives, key=lambda scopes: len(scopes - principal.scopes))
        target = f"skill {skill_id!r}" if skill_id else "this agent"
        raise InsufficientScope(
            f"{target} needs scope {' '.join(sorted(wanted))}",
            scope=" ".join(sorted(wanted)),
        )
