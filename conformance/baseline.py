"""Known failures: a baseline file turns listed failures into expected ones.

Format (JSON)::

    {"expected_failures": {"CARD-2": "legacy path only until the next deploy (JIRA-12)"}}

A check of a listed requirement that fails is graded as usual but reported as *baselined* and
does not fail the run. A listed requirement whose checks all pass (at least one PASS, no
failure) raises an alarm and fails the run: the baseline is stale and would hide a regression.
"""

from __future__ import annotations

import json
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from .options import OptionError

__all__ = ["Baseline", "load_baseline"]


@dataclass(slots=True)
class Baseline:
    """Requirement id → the comment that explains why its failure is expected."""

    path: Path | None = None
    expected_failures: dict[str, str] = field(default_factory=dict)

    def comment(self, requirement: str) -> str | None:
        """The comment for ``requirement`` when it is listed, else None."""
        return self.expected_failures.get(requirement)


def load_baseline(path: Path, registry: Container[str]) -> Baseline:
    """Read and validate a baseline file; every problem is one :class:`OptionError` line."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OptionError(f"--a2a-baseline {path}: cannot read: {exc.strerror}") from None
    except ValueError as exc:
        raise OptionError(f"--a2a-baseline {path}: not valid JSON ({exc})") from None
    failures = doc.get("expected_failures") if isinstance(doc, dict) else None
    if not isinstance(failures, dict):
        raise OptionError(
            f'--a2a-baseline {path}: expected {{"expected_failures": {{"REQ-ID": "comment"}}}}'
        )
    for req_id, comment in failures.items():
        if req_id not in registry:
            raise OptionError(f"--a2a-baseline {path}: unknown A2A requirement id {req_id!r}")
        if not isinstance(comment, str) or not comment.strip():
            raise OptionError(f"--a2a-baseline {path}: {req_id} needs a comment saying why")
    return Baseline(path, dict(failures))
