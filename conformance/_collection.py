"""Collection-time helpers of the plugin: level/select/exclude filtering and the registry
listing of ``--a2a-requirements``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .run import SuiteRun

__all__ = ["filter_items", "print_requirements"]

_LEVELS = {"must": ("MUST",), "should": ("MUST", "SHOULD"), "may": ("MUST", "SHOULD", "MAY")}


def filter_items(
    run: SuiteRun, marked: list[tuple[pytest.Item, str | None]]
) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """``(kept, deselected)`` by ``--a2a-level``, ``--a2a-select`` and ``--a2a-exclude``;
    items without a requirement are kept."""
    import fnmatch

    levels = _LEVELS[run.options.level]
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item, req_id in marked:
        if req_id is None:
            keep.append(item)
            continue
        ok = str(run.registry[req_id].level) in levels
        if run.options.select:
            ok = ok and any(fnmatch.fnmatchcase(req_id, p) for p in run.options.select)
        if any(fnmatch.fnmatchcase(req_id, p) for p in run.options.exclude):
            ok = False
        (keep if ok else drop).append(item)
    return keep, drop


def print_requirements(
    config: pytest.Config, run: SuiteRun, marked: list[tuple[pytest.Item, str | None]]
) -> None:
    """Print every registry record with the bundled tests that cover it."""
    coverage: dict[str, list[str]] = {}
    for item, req_id in marked:
        if req_id is not None:
            name = item.originalname if isinstance(item, pytest.Function) else item.name
            tests = coverage.setdefault(req_id, [])
            if name not in tests:
                tests.append(name)
    writer = config.get_terminal_writer()
    writer.line(f"{'id':<17} {'level':<8}{'versions':<10}{'section':<22}covered by")
    for req in run.registry:
        covered_by = ", ".join(coverage.get(req.id, [])) or "-"
        versions = ",".join(req.versions)
        writer.line(
            f"{req.id:<17} {req.level!s:<8}{versions:<10}{req.section[:21]:<22}{covered_by}"
        )
        writer.line(f"{'':<18}{req.paraphrase}")
    covered = sum(1 for r in run.registry if r.id in coverage)
    writer.line(f"{len(run.registry)} requirements, {covered} covered by the bundled suite")
