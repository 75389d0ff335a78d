"""The interop run's summary: grade counts per agent and every FAIL and ERROR on one line.

Reads the suite's results JSON (schema ``a2a-harness/results/v1``); a FAIL the line's baseline
lists shows the baseline's comment (the classification: which spec section the SDK violates),
any other FAIL is marked ``NOT CLASSIFIED``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GRADES", "AgentReport", "render"]

GRADES = ("PASS", "FAIL", "NON-STRICT", "WARNING", "INFO", "N/A", "ERROR")
_LISTED = ("FAIL", "ERROR", "NON-STRICT", "WARNING")
_WIDTH = 220


@dataclass(slots=True)
class AgentReport:
    """One SDK line's outcome: its label, the results document (None after a crash), problems."""

    key: str
    label: str
    url: str = ""
    results: dict[str, Any] | None = None
    exit_code: int | None = None
    duration_s: float = 0.0
    crash: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return dict(self.results.get("summary", {})) if self.results else {}

    @property
    def checks(self) -> list[dict[str, Any]]:
        return list(self.results.get("checks", [])) if self.results else []

    @property
    def alarms(self) -> list[str]:
        return list(self.results.get("alarms", [])) if self.results else []

    def unclassified_fails(self) -> list[dict[str, Any]]:
        """FAIL checks the baseline does not list (each needs a verdict: genuine or harness bug)."""
        return [c for c in self.checks if c.get("grade") == "FAIL" and not c.get("baselined")]

    def errors(self) -> list[dict[str, Any]]:
        return [c for c in self.checks if c.get("grade") == "ERROR"]

    @property
    def ok(self) -> bool:
        """No crash, no ERROR, no unclassified FAIL, no stale baseline entry."""
        return not (self.crash or self.errors() or self.unclassified_fails() or self.alarms)


def _compact(value: Any, limit: int = 90) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _evidence(check: dict[str, Any]) -> str:
    """One line: the check's message, then expected and actual when it recorded them."""
    line = str(check.get("message") or "").strip() or "(no message)"
    if check.get("expected") is not None or check.get("actual") is not None:
        line += (
            f" (expected {_compact(check.get('expected'))}, got {_compact(check.get('actual'))})"
        )
    return " ".join(line.split())


def _check_lines(check: dict[str, Any]) -> list[str]:
    name = str(check.get("nodeid", "")).rsplit("::", 1)[-1]
    head = f"  {check.get('grade', '?'):<10} {check.get('requirement', '?'):<9} "
    head += f"[{check.get('level', '?')}] {check.get('section', '')}"
    lines = [head, f"      {name}: {_evidence(check)}"[:_WIDTH]]
    if check.get("grade") == "FAIL":
        verdict = check.get("baselined") or "NOT CLASSIFIED: genuine violation or harness bug?"
        lines.append(f"      verdict: {verdict}"[:_WIDTH])
    return lines


def render(reports: list[AgentReport]) -> str:
    """The whole summary: a table of grade counts, then each agent's listed checks."""
    head = f"{'agent':<34}" + "".join(f"{g:>11}" for g in GRADES) + f"{'baselined':>11}"
    out = ["", head, "-" * len(head)]
    for rep in reports:
        counts = rep.summary
        if rep.crash:
            out.append(f"{rep.label:<34}  harness crash (see below)")
            continue
        row = "".join(f"{counts.get(g, 0):>11}" for g in GRADES)
        out.append(f"{rep.label:<34}{row}{counts.get('baselined', 0):>11}")
    for rep in reports:
        out += ["", f"== {rep.label}  {rep.url}".rstrip()]
        if rep.crash:
            out += ["  HARNESS CRASH:", *("    " + line for line in rep.crash.splitlines())]
            continue
        out.append(f"  suite exit code {rep.exit_code}, {rep.duration_s:.1f} s")
        out += [f"  note: {note}" for note in rep.notes]
        out += [f"  ALARM: {alarm}" for alarm in rep.alarms]
        listed = [c for c in rep.checks if c.get("grade") in _LISTED]
        listed.sort(key=lambda c: (_LISTED.index(c["grade"]), str(c.get("requirement"))))
        for check in listed:
            out += _check_lines(check)
        if not listed:
            out.append("  no FAIL, ERROR, NON-STRICT or WARNING")
    return "\n".join(out) + "\n"
