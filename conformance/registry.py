"""The requirement registry: one record per checkable MUST/SHOULD/MAY of the A2A spec.

Every conformance check names the requirement it proves with
``@pytest.mark.requirement("CARD-2")``; an unknown id fails collection. The records themselves
live in :mod:`conformance.requirements_data`.
"""

from __future__ import annotations

import enum
import fnmatch
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["Level", "Registry", "Requirement", "UnknownRequirementError", "default_registry"]


class Level(enum.StrEnum):
    """RFC 2119 strength of a requirement; decides FAIL (MUST) vs NON-STRICT (SHOULD) vs INFO (MAY)."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    MAY = "MAY"


@dataclass(frozen=True, slots=True)
class Requirement:
    """One checkable requirement.

    ``id``: stable id, e.g. ``"CARD-2"`` (the digest's ids, with ``-a``/``-b`` suffixes where one
    digest row holds several checkable rules). ``versions``: protocol versions it applies to,
    ``("0.3", "1.0")``. ``section``: where the spec says it, e.g. ``"v1.0 §8.2"`` or
    ``"v0.3 §5.3"``. ``paraphrase``: one sentence a user reads in a failure. ``tags``: the
    capability or area it depends on (``"card"``, ``"streaming"``, ``"push"``, ``"auth"``…).
    """

    id: str
    versions: tuple[str, ...]
    section: str
    level: Level
    paraphrase: str
    tags: tuple[str, ...] = ()

    def applies_to(self, version: str) -> bool:
        """Whether the requirement holds for protocol ``version`` ("0.3" or "1.0")."""
        return version in self.versions


class UnknownRequirementError(KeyError):
    """A test or an option named a requirement id that the registry does not hold."""

    def __str__(self) -> str:
        return f"unknown A2A requirement id: {self.args[0]!r}"


class Registry:
    """Lookup and glob selection over a set of requirements."""

    def __init__(self, requirements: Iterable[Requirement]) -> None:
        self._by_id: dict[str, Requirement] = {}
        for req in requirements:
            if req.id in self._by_id:
                raise ValueError(f"duplicate requirement id {req.id!r} in the registry")
            self._by_id[req.id] = req

    def __getitem__(self, req_id: str) -> Requirement:
        try:
            return self._by_id[req_id]
        except KeyError:
            raise UnknownRequirementError(req_id) from None

    def __contains__(self, req_id: object) -> bool:
        return req_id in self._by_id

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def select(self, patterns: Iterable[str]) -> list[Requirement]:
        """Requirements whose id matches any glob (``"CARD-*"``); a glob matching none raises."""
        chosen: dict[str, Requirement] = {}
        for pattern in patterns:
            hits = [r for r in self._by_id.values() if fnmatch.fnmatchcase(r.id, pattern)]
            if not hits:
                raise UnknownRequirementError(pattern)
            chosen.update((r.id, r) for r in hits)
        return list(chosen.values())


def default_registry() -> Registry:
    """The bundled registry (imported lazily: the plugin module stays import-light)."""
    from .requirements_data import REQUIREMENTS

    return Registry(REQUIREMENTS)
