"""Check results of one run, per requirement aggregation, and the results JSON file.

The file written by ``--a2a-results PATH`` follows the versioned schema
``"a2a-harness/results/v1"``::

    {
      "schema": "a2a-harness/results/v1",
      "harness": {"name": "a2a-harness", "version": "0.1.0"},
      "started": "2025-01-01T10:00:00Z", "finished": "…", "duration_s": 12.3,
      "options": {…effective options, header values redacted…},
      "agents": [{"url", "card_url", "card_problem", "legacy_path",
                  "interfaces": [{"url", "binding", "version", "declared_version",
                                  "tenant", "source", "tested"}]}],
      "checks": [{"nodeid", "name", "requirement", "level", "section", "version",
                  "interface", "agent", "grade", "message", "expected", "actual",
                  "findings": [{"grade", "message", "expected"?, "actual"?}],
                  "baselined": null | "comment", "duration_s", "trace_id",
                  "evidence": {"trace_id", "exchanges": [{"request", "response", "events",
                                                          "elapsed_s", "error", "curl",
                                                          "trace_id"}]}}],
      "requirements": [{"id", "level", "section", "paraphrase", "tags", "grade",
                        "grades_by_version": {"1.0": "PASS"}, "checks": [nodeid…],
                        "baselined": null | "comment"}],
      "summary": {"PASS": 0, "FAIL": 0, "NON-STRICT": 0, "WARNING": 0, "INFO": 0,
                  "N/A": 0, "ERROR": 0, "baselined": 0},
      "alarms": ["…"],
      "exit_code": 0
    }

Grades are the strings of :class:`~conformance.grading.Grade`. ``grade`` of a requirement is
the worst of its checks (N/A only when all were N/A). Consumers must ignore unknown members;
a breaking change gets a new schema name.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .grading import Finding, Grade, _jsonable, worst

if TYPE_CHECKING:
    from .baseline import Baseline
    from .detection import AgentUnderTest
    from .registry import Registry

__all__ = ["SCHEMA", "CheckResult", "RequirementRow", "ResultCollector", "utc_now"]

SCHEMA = "a2a-harness/results/v1"


def utc_now() -> str:
    """Now as ISO 8601 UTC with a ``Z`` suffix (millisecond precision)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(slots=True)
class CheckResult:
    """The verdict of one check (one pytest item)."""

    nodeid: str
    name: str
    requirement: str
    level: str
    section: str
    grade: Grade
    version: str | None = None
    interface: str | None = None
    agent: str | None = None
    message: str = ""
    expected: Any = None
    actual: Any = None
    findings: list[Finding] = field(default_factory=list)
    baselined: str | None = None
    duration_s: float = 0.0
    trace_id: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "name": self.name,
            "requirement": self.requirement,
            "level": self.level,
            "section": self.section,
            "version": self.version,
            "interface": self.interface,
            "agent": self.agent,
            "grade": self.grade.value,
            "message": self.message,
            "expected": _jsonable(self.expected),
            "actual": _jsonable(self.actual),
            "findings": [f.to_json() for f in self.findings],
            "baselined": self.baselined,
            "duration_s": round(self.duration_s, 4),
            "trace_id": self.trace_id,
            "evidence": self.evidence,
        }


@dataclass(slots=True)
class RequirementRow:
    """One requirement's aggregated verdict."""

    id: str
    level: str
    section: str
    paraphrase: str
    tags: tuple[str, ...]
    grade: Grade
    by_version: dict[str, Grade]
    checks: list[str]
    baselined: str | None


class ResultCollector:
    """Collects :class:`CheckResult` s as the run goes, and aggregates them at the end."""

    def __init__(self) -> None:
        self.checks: list[CheckResult] = []
        self.alarms: list[str] = []
        self.started = utc_now()

    def add(self, result: CheckResult) -> None:
        self.checks.append(result)

    def requirement_rows(self, registry: Registry) -> list[RequirementRow]:
        """Per requirement that ran: worst grade overall and per version, in registry order."""
        by_req: dict[str, list[CheckResult]] = {}
        for res in self.checks:
            by_req.setdefault(res.requirement, []).append(res)
        rows: list[RequirementRow] = []
        for req in registry:
            results = by_req.get(req.id)
            if not results:
                continue
            by_version: dict[str, list[Grade]] = {}
            for res in results:
                by_version.setdefault(res.version or "card", []).append(res.grade)
            overall = worst([r.grade for r in results]) or Grade.ERROR
            rows.append(
                RequirementRow(
                    req.id,
                    str(req.level),
                    req.section,
                    req.paraphrase,
                    req.tags,
                    overall,
                    {v: worst(g) or Grade.ERROR for v, g in sorted(by_version.items())},
                    [r.nodeid for r in results],
                    next((r.baselined for r in results if r.baselined), None),
                )
            )
        return rows

    def baseline_alarms(self, registry: Registry, baseline: Baseline) -> list[str]:
        """Listed requirements that now pass: each is an alarm that fails the run."""
        alarms = []
        rows = {row.id: row for row in self.requirement_rows(registry)}
        for req_id, comment in baseline.expected_failures.items():
            row = rows.get(req_id)
            if row is None:
                continue
            if not row.grade.is_failure and row.grade is not Grade.NOT_APPLICABLE:
                alarms.append(
                    f"{req_id} is listed in the baseline as an expected failure ({comment!r}) "
                    f"but now grades {row.grade.value}: remove it from the baseline"
                )
        return alarms

    def summary(self) -> dict[str, int]:
        """Count of checks per grade, plus how many failures the baseline expected."""
        counts = {g.value: 0 for g in Grade}
        counts["baselined"] = 0
        for res in self.checks:
            counts[res.grade.value] += 1
            if res.baselined:
                counts["baselined"] += 1
        return counts

    def to_json(
        self,
        *,
        registry: Registry,
        options: dict[str, Any],
        agents: list[AgentUnderTest],
        exit_code: int,
    ) -> dict[str, Any]:
        """The results document (see the module docstring for the schema)."""
        finished = utc_now()
        start = datetime.fromisoformat(self.started.replace("Z", "+00:00"))
        end = datetime.fromisoformat(finished.replace("Z", "+00:00"))
        return {
            "schema": SCHEMA,
            "harness": {"name": "a2a-harness", "version": harness_version()},
            "started": self.started,
            "finished": finished,
            "duration_s": round((end - start).total_seconds(), 3),
            "options": options,
            "agents": [_agent_json(a) for a in agents],
            "checks": [c.to_json() for c in self.checks],
            "requirements": [
                {
                    "id": row.id,
                    "level": row.level,
                    "section": row.section,
                    "paraphrase": row.paraphrase,
                    "tags": list(row.tags),
                    "grade": row.grade.value,
                    "grades_by_version": {k: v.value for k, v in row.by_version.items()},
                    "checks": row.checks,
                    "baselined": row.baselined,
                }
                for row in self.requirement_rows(registry)
            ],
            "summary": self.summary(),
            "alarms": list(self.alarms),
            "exit_code": exit_code,
        }


def harness_version() -> str:
    """The installed a2a-harness version ("unknown" when run from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("a2a-harness")
    except PackageNotFoundError:
        return "unknown"


def write_json(path: Path, doc: dict[str, Any]) -> None:
    """Write atomically (temp file + rename) so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _agent_json(agent: AgentUnderTest) -> dict[str, Any]:
    return {
        "url": agent.url,
        "card_url": agent.card_url,
        "card_problem": agent.card_problem,
        "legacy_path": agent.legacy_path,
        "interfaces": [
            {
                "url": i.url,
                "binding": i.binding,
                "version": i.version,
                "declared_version": i.declared_version,
                "tenant": i.tenant,
                "source": i.source,
                "tested": i.tested,
            }
            for i in agent.interfaces
        ],
    }
