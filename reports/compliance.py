"""Compliance level per protocol version, and coverage of the requirement registry.

Levels, from lowest to highest (each needs the one before)::

    not MUST-complete   a MUST requirement graded FAIL or ERROR
    MUST-complete       every MUST tested holds (PASS, WARNING, INFO or N/A)
    MUST + SHOULD       and SHOULDs were tested, none graded NON-STRICT, FAIL or ERROR
    full                and MAYs were tested, none graded INFO, FAIL or ERROR

A level is claimed only for what was tested: with ``--a2a-level must`` the SHOULD and MAY
requirements were not checked, so the level stops at MUST-complete. ERROR is never counted as
holding. Baselined failures count as failures here: a baseline keeps a run green, it does not
make an agent compliant. Requirements checked against the card (version ``card``) count for
every version they apply to.

Coverage counts requirements, not checks: tested (graded other than N/A), N/A (the agent does
not offer the behaviour), and not tested (registry size minus both; unknown when the results
file does not give the registry size). Not tested is never counted as a pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._model import RequirementInfo
from .grades import ERROR, FAIL, INFO, NON_STRICT, NOT_APPLICABLE, UNTESTED
from .matrix import Column

__all__ = ["Compliance", "Coverage", "compliance_by_version", "coverage"]

NOT_TESTED = "not tested"
NOT_MUST = "not MUST-complete"
MUST_COMPLETE = "MUST-complete"
MUST_SHOULD = "MUST + SHOULD"
FULL = "full"

_BLOCKING = {
    "MUST": frozenset({FAIL, ERROR}),
    "SHOULD": frozenset({NON_STRICT, FAIL, ERROR}),
    "MAY": frozenset({INFO, NON_STRICT, FAIL, ERROR}),
}


@dataclass(slots=True)
class Compliance:
    """The level one column reaches in one protocol version, and why not higher."""

    version: str
    level: str
    tested: dict[str, int] = field(default_factory=dict)
    blocking: dict[str, list[str]] = field(default_factory=dict)
    note: str = ""

    @property
    def css(self) -> str:
        """A class name for the level's colour."""
        return {NOT_MUST: "bad", MUST_COMPLETE: "ok", MUST_SHOULD: "good", FULL: "best"}.get(
            self.level, "none"
        )


@dataclass(slots=True, frozen=True)
class Coverage:
    """How much of the registry a column covered."""

    tested: int
    not_applicable: int
    registry_size: int | None

    @property
    def not_tested(self) -> int | None:
        """Requirements of the registry not checked at all (None when the size is unknown)."""
        if self.registry_size is None:
            return None
        return max(self.registry_size - self.tested - self.not_applicable, 0)


def _grades_for(
    column: Column, version: str, catalogue: dict[str, RequirementInfo]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for req_id, by_version in column.by_version.items():
        info = catalogue.get(req_id)
        applies = info is None or not info.versions or version in info.versions
        if version in by_version:
            out[req_id] = by_version[version]
        elif "card" in by_version and applies:
            out[req_id] = by_version["card"]
    return out


def compliance_by_version(
    column: Column, catalogue: dict[str, RequirementInfo]
) -> list[Compliance]:
    """The compliance level of ``column`` in each version it was judged in."""
    checked_level = str(column.run.options.get("level", "may")).lower()
    results = []
    for version in column.versions:
        grades = _grades_for(column, version, catalogue)
        tested: dict[str, int] = {"MUST": 0, "SHOULD": 0, "MAY": 0}
        blocking: dict[str, list[str]] = {"MUST": [], "SHOULD": [], "MAY": []}
        for req_id, grade in grades.items():
            level = catalogue[req_id].level if req_id in catalogue else "MUST"
            level = level if level in tested else "MUST"
            tested[level] += 1
            if grade in _BLOCKING[level]:
                blocking[level].append(req_id)
        results.append(_level(version, tested, blocking, checked_level))
    return results


def _level(
    version: str, tested: dict[str, int], blocking: dict[str, list[str]], checked_level: str
) -> Compliance:
    def make(level: str, note: str = "") -> Compliance:
        return Compliance(version, level, tested, {k: v for k, v in blocking.items() if v}, note)

    if not any(tested.values()):
        return make(NOT_TESTED, "no requirement was checked in this version")
    if blocking["MUST"]:
        return make(NOT_MUST, f"{len(blocking['MUST'])} MUST requirement(s) do not hold")
    if checked_level == "must":
        return make(MUST_COMPLETE, "SHOULD and MAY were not checked (--a2a-level must)")
    if blocking["SHOULD"]:
        return make(MUST_COMPLETE, f"{len(blocking['SHOULD'])} SHOULD requirement(s) do not hold")
    if not tested["SHOULD"]:
        return make(MUST_COMPLETE, "no SHOULD requirement was tested")
    if checked_level == "should":
        return make(MUST_SHOULD, "MAY was not checked (--a2a-level should)")
    if blocking["MAY"]:
        return make(MUST_SHOULD, f"{len(blocking['MAY'])} MAY item(s) not offered")
    if not tested["MAY"]:
        return make(MUST_SHOULD, "no MAY item was tested, so full is not claimed")
    return make(FULL, "every requirement tested holds, MUST, SHOULD and MAY")


def coverage(column: Column) -> Coverage:
    """Tested / N/A / not tested requirement counts of ``column``."""
    grades = [g for g in column.grades.values() if g != UNTESTED]
    na = sum(1 for g in grades if g == NOT_APPLICABLE)
    return Coverage(len(grades) - na, na, column.run.registry_size)
