"""The records of a results file: agents, checks with their evidence, requirements, load data.

Plain dataclasses that mirror ``docs/results-schema.md``; :mod:`reports.results` builds them
from a (checked, redacted) document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AgentInfo",
    "CheckResult",
    "Exchange",
    "Finding",
    "Interface",
    "LoadGate",
    "LoadResults",
    "LoadSample",
    "RequirementInfo",
    "RequirementResult",
    "SseEvent",
]


@dataclass(slots=True, frozen=True)
class Interface:
    """One interface of the agent card, and whether the run tested it."""

    url: str
    binding: str
    version: str | None
    declared_version: str | None = None
    tenant: str | None = None
    source: str | None = None
    tested: bool = False


@dataclass(slots=True)
class AgentInfo:
    """An agent under test: where it is, its interfaces and (when recorded) its card."""

    url: str
    card_url: str | None = None
    card_problem: str | None = None
    legacy_path: bool = False
    interfaces: list[Interface] = field(default_factory=list)
    card: dict[str, Any] | None = None


@dataclass(slots=True, frozen=True)
class SseEvent:
    """One SSE event as received: seconds since the request started, event name, data."""

    at_s: float
    event: str
    data: str


@dataclass(slots=True)
class Exchange:
    """One HTTP request and its response (already redacted; bodies possibly truncated)."""

    method: str
    url: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str = ""
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    events: list[SseEvent] = field(default_factory=list)
    elapsed_s: float | None = None
    error: str | None = None
    curl: str = ""
    trace_id: str | None = None


@dataclass(slots=True)
class Finding:
    """A non-fatal observation of a check (WARNING, INFO, or a note graded PASS)."""

    grade: str
    message: str
    expected: Any = None
    actual: Any = None


@dataclass(slots=True)
class CheckResult:
    """The verdict of one check (one pytest item) and what it saw."""

    nodeid: str
    name: str
    requirement: str
    level: str
    section: str
    grade: str
    version: str | None = None
    interface: str | None = None
    agent: str | None = None
    message: str = ""
    expected: Any = None
    actual: Any = None
    findings: list[Finding] = field(default_factory=list)
    baselined: str | None = None
    duration_s: float | None = None
    trace_id: str | None = None
    exchanges: list[Exchange] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class RequirementInfo:
    """A requirement of the registry: id, level, where the spec says it, what it says."""

    id: str
    level: str
    section: str = ""
    paraphrase: str = ""
    tags: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()

    @property
    def area(self) -> str:
        """The spec area the requirement is grouped under (its first tag)."""
        return self.tags[0] if self.tags else "other"


@dataclass(slots=True)
class RequirementResult:
    """One requirement's aggregated verdict in a run (worst of its checks)."""

    info: RequirementInfo
    grade: str
    grades_by_version: dict[str, str] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    baselined: str | None = None

    @property
    def id(self) -> str:
        """The requirement id."""
        return self.info.id


@dataclass(slots=True, frozen=True)
class LoadGate:
    """One load gate: the metric, its limit, what was observed, and the verdict."""

    metric: str
    limit: float | str | None  # a number, or the limit as written ("<250ms")
    observed: float | None
    passed: bool
    unit: str = ""
    expression: str = ""


@dataclass(slots=True, frozen=True)
class LoadSample:
    """Load statistics over one interval ending ``t`` seconds after the start."""

    t: float
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    rps: float | None = None
    errors: float | None = None


@dataclass(slots=True)
class LoadResults:
    """The ``load`` member: gates and statistics over time of a load run."""

    agent: str | None = None
    scenario: str | None = None
    users: int | None = None
    duration_s: float | None = None
    requests: int | None = None
    failures: int | None = None
    passed: bool | None = None
    problems: list[str] = field(default_factory=list)
    gates: list[LoadGate] = field(default_factory=list)
    stats: list[LoadSample] = field(default_factory=list)
