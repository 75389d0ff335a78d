"""Several runs merged into one requirement matrix: one column per agent of each run.

A column is one agent as judged in one run. Its grade for a requirement is the worst grade of
that agent's checks of it (N/A only when all were N/A), per protocol version too. A run that
carries only load data (no checks) is merged into the column of the same agent when another run
judged it, so a suite run and a load run of one agent read as one column.

Rows are the requirements any run checked (in the order the runs list them), then those a run
reports as not tested (the registry's ``untested`` list): a not-tested cell is never a pass.

Example::

    matrix = build_matrix([load_results(Path("a.json")), load_results(Path("b.json"))])
    for row in matrix.rows:
        print(row.info.id, [cell.grade for cell in row.cells])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._model import AgentInfo, CheckResult, LoadResults, RequirementInfo
from .grades import UNTESTED, worst
from .results import Results

__all__ = ["Cell", "Column", "Matrix", "Row", "build_matrix"]

CARD_PATHS = ("/.well-known/agent-card.json", "/.well-known/agent.json")


@dataclass(slots=True)
class Column:
    """One agent as judged in one run."""

    key: str
    label: str
    run: Results
    agent: AgentInfo | None
    checks: list[CheckResult] = field(default_factory=list)
    load: LoadResults | None = None
    grades: dict[str, str] = field(default_factory=dict)
    by_version: dict[str, dict[str, str]] = field(default_factory=dict)
    baselined: dict[str, str] = field(default_factory=dict)
    card: dict[str, Any] | None = None
    card_origin: str = ""

    @property
    def versions(self) -> list[str]:
        """Protocol versions this column was judged in (interfaces tested, or graded)."""
        found = {v for grades in self.by_version.values() for v in grades if v != "card"}
        if self.agent:
            found |= {i.version for i in self.agent.interfaces if i.tested and i.version}
        return sorted(found)

    def counts(self) -> dict[str, int]:
        """Number of checks per grade, plus how many failures a baseline expected."""
        counts: dict[str, int] = {}
        for check in self.checks:
            counts[check.grade] = counts.get(check.grade, 0) + 1
        counts["baselined"] = sum(1 for c in self.checks if c.baselined)
        if not self.checks and self.run.summary and len(self.run.agents) <= 1:
            return dict(self.run.summary)
        return counts


@dataclass(slots=True, frozen=True)
class Cell:
    """One requirement in one column."""

    grade: str
    by_version: dict[str, str]
    baselined: str | None = None


@dataclass(slots=True)
class Row:
    """One requirement across all columns."""

    info: RequirementInfo
    cells: list[Cell]

    @property
    def grades(self) -> set[str]:
        """The distinct grades of the row (for filters)."""
        return {cell.grade for cell in self.cells}


@dataclass(slots=True)
class Matrix:
    """Columns, rows, and the requirement records the rows refer to."""

    columns: list[Column]
    rows: list[Row]
    catalogue: dict[str, RequirementInfo]

    def areas(self) -> list[tuple[str, list[Row]]]:
        """Rows grouped by spec area (first tag), areas in order of first appearance."""
        groups: dict[str, list[Row]] = {}
        for row in self.rows:
            groups.setdefault(row.info.area, []).append(row)
        return list(groups.items())


def build_matrix(runs: list[Results]) -> Matrix:
    """Merge ``runs`` into columns and requirement rows."""
    columns: list[Column] = []
    for run in runs:
        if not run.checks and not run.requirements and run.load is not None:
            target = _column_for_load(columns, run.load, run)
            if target is not None:
                target.load = run.load
                continue
        columns.extend(_columns_of(run, start=len(columns)))
    for column in columns:
        _find_card(column)
    _label(columns)
    catalogue = _catalogue(runs)
    for column in columns:
        _grade_column(column)
    rows = [
        Row(
            info,
            [
                Cell(
                    c.grades.get(req_id, UNTESTED),
                    c.by_version.get(req_id, {}),
                    c.baselined.get(req_id),
                )
                for c in columns
            ],
        )
        for req_id, info in catalogue.items()
    ]
    return Matrix(columns, rows, catalogue)


def _columns_of(run: Results, start: int) -> list[Column]:
    agents: list[AgentInfo | None] = list(run.agents) or [None]
    columns = [Column(f"c{start + i}", "", run, agent) for i, agent in enumerate(agents)]
    urls = {a.url: col for a, col in zip(agents, columns, strict=True) if a is not None}
    for check in run.checks:
        # Checks without an agent (or of an unknown one) belong to the run's first agent.
        column = urls.get(check.agent or "", columns[0])
        column.checks.append(check)
    if run.load is not None:
        target = next((c for c in columns if c.agent and c.agent.url == run.load.agent), None)
        (target or columns[0]).load = run.load
    return columns


def _column_for_load(columns: list[Column], load: LoadResults, run: Results) -> Column | None:
    urls = {a.url for a in run.agents} | ({load.agent} if load.agent else set())
    return next((c for c in columns if c.agent and c.agent.url in urls and c.load is None), None)


def _label(columns: list[Column]) -> None:
    names = [_agent_name(c) for c in columns]
    for column, name in zip(columns, names, strict=True):
        column.label = name
        if names.count(name) > 1 and column.run.started:
            column.label = f"{name} ({column.run.started})"
    labels = [c.label for c in columns]
    for i, column in enumerate(columns):
        if labels.count(column.label) > 1:
            column.label = f"{column.label} #{i + 1}"


def _agent_name(column: Column) -> str:
    name = column.card.get("name") if column.card else None
    if isinstance(name, str) and name.strip():
        return name.strip()[:80]
    return column.agent.url if column.agent and column.agent.url else "agent"


def _find_card(column: Column) -> None:
    """The agent card: as recorded in the file, else as fetched by a check (if intact)."""
    agent = column.agent
    if agent and agent.card:
        column.card, column.card_origin = agent.card, "the results file"
        return
    for check in column.checks:
        for x in check.exchanges:
            is_card = (agent and x.url == agent.card_url) or x.url.endswith(CARD_PATHS)
            if x.method != "GET" or not is_card or x.status != 200:
                continue
            try:
                doc = json.loads(x.response_body)
            except (ValueError, RecursionError):
                continue  # truncated, not JSON or absurdly nested: try another exchange
            if isinstance(doc, dict):
                column.card = doc
                column.card_origin = "the card request recorded in the evidence"
                return


def _catalogue(runs: list[Results]) -> dict[str, RequirementInfo]:
    catalogue: dict[str, RequirementInfo] = {}
    for run in runs:
        for req in run.requirements:
            catalogue.setdefault(req.id, req.info)
        for check in run.checks:
            if check.requirement not in catalogue:
                catalogue[check.requirement] = RequirementInfo(
                    check.requirement, check.level, check.section
                )
    for run in runs:
        for info in run.untested:
            catalogue.setdefault(info.id, info)
    return catalogue


def _grade_column(column: Column) -> None:
    per_req: dict[str, list[CheckResult]] = {}
    for check in column.checks:
        per_req.setdefault(check.requirement, []).append(check)
    for req_id, checks in per_req.items():
        column.grades[req_id] = worst(c.grade for c in checks) or UNTESTED
        versions: dict[str, list[str]] = {}
        for check in checks:
            versions.setdefault(check.version or "card", []).append(check.grade)
        column.by_version[req_id] = {v: worst(g) or UNTESTED for v, g in sorted(versions.items())}
        comment = next((c.baselined for c in checks if c.baselined), None)
        if comment:
            column.baselined[req_id] = comment
    if len(column.run.agents) <= 1:
        # A file may carry aggregated requirements without the checks behind them.
        for req in column.run.requirements:
            if req.id not in column.grades:
                column.grades[req.id] = req.grade
                column.by_version[req.id] = dict(req.grades_by_version)
                if req.baselined:
                    column.baselined[req.id] = req.baselined
