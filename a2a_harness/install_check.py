"""Detect another distribution's package shadowing one of ours (``fixtures``, ``load``, ...).

``fixtures``, ``load`` and ``reports`` are also names of unrelated PyPI packages. Installed in one
environment, whichever comes first on ``sys.path`` wins, and the loser fails later with an odd
``ImportError``. This check finds each package *without importing it* and compares its location
with ours: every top-level package of a2a-harness lives next to ``a2a_harness`` (the same
``site-packages`` for a normal install, the source tree for an editable one).

Example::

    problems = shadowed_packages()
    if problems:
        sys.exit(shadowing_message(problems))
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OUR_PACKAGES", "ShadowedPackage", "shadowed_packages", "shadowing_message"]

# Every top-level import package the a2a-harness distribution ships, besides a2a_harness.
OUR_PACKAGES = ("conformance", "fixtures", "load", "reference_agent", "reports")


@dataclass(frozen=True, slots=True)
class ShadowedPackage:
    """A package name that resolves somewhere other than next to ``a2a_harness``."""

    name: str
    found: str  # where it resolves ("<not found>" when it is missing)
    expected: str


def _location(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.origin and spec.origin not in ("namespace", "built-in", "frozen"):
        return Path(spec.origin).resolve().parent
    # A namespace package (a bare directory of that name): never ours, ours are regular packages.
    locations = list(spec.submodule_search_locations or [])
    return Path(locations[0]).resolve() / "<namespace>" if locations else None


def shadowed_packages(names: tuple[str, ...] = OUR_PACKAGES) -> list[ShadowedPackage]:
    """The packages in ``names`` that do not resolve to a2a-harness's own copy."""
    home = _location("a2a_harness")
    if home is None:  # not installed as a package; nothing sensible to compare with
        return []
    root = home.parent
    problems = []
    for name in names:
        found = _location(name)
        expected = root / name
        if found != expected:
            problems.append(ShadowedPackage(name, str(found or "<not found>"), str(expected)))
    return problems


def shadowing_message(problems: list[ShadowedPackage]) -> str:
    """A user-facing explanation of ``problems`` and how to fix them."""
    lines = [
        "a2a-harness: these packages resolve to another installation than a2a-harness's own:",
        *(f"  {p.name}: found {p.found}, expected {p.expected}" for p in problems),
        "Another distribution (or a local directory) provides the same top-level name.",
        "Install a2a-harness in its own environment, e.g. `pipx install a2a-harness`,",
        "`uv tool install a2a-harness`, or a dedicated virtualenv in CI.",
    ]
    return "\n".join(lines)
