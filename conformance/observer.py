"""One state-machine observer that every Task and status event seen in the run passes through.

Checks do not have to look for these problems themselves: whatever a check reads (a send
result, a GetTask answer, a stream event) is shown to the observer, which flags

* **transitions**: a task whose terminal state later changes (terminal states are immutable,
  digest §2.11 / CTX-8);
* **enum values**: a state that is not a value of the interface's version (v0.3 lower-case
  names, v1.0 ``TASK_STATE_*``); the placeholders ``unknown`` / ``TASK_STATE_UNSPECIFIED`` are
  flagged under their own rule (``unspecified``);
* **timestamps**: v1.0 requires ISO 8601 UTC with a ``Z`` suffix (§5.6.1); v0.3 only asks for
  ISO 8601, so it is checked leniently (parsable, any or no offset).

The suite's observer checks run last and grade what was collected (N/A when nothing was seen).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .client.dialects import TERMINAL, V03_STATES, V1_STATES
from .stream_rules import parse_timestamp as _parse_time

__all__ = ["StateObserver", "Violation"]

_V1_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
RULES = ("transition", "enum", "unspecified", "timestamp")
_PLACEHOLDERS = {"1.0": "TASK_STATE_UNSPECIFIED", "0.3": "unknown"}


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem the observer saw, and the check during which it was seen."""

    rule: str
    version: str
    task_id: str
    message: str
    seen_in: str


@dataclass(slots=True)
class _TaskTrack:
    states: list[str] = field(default_factory=list)
    terminal: str | None = None
    terminal_at: datetime | None = None


class StateObserver:
    """Collects observations from every check (thread-safe: streams may be read in threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tracks: dict[tuple[str, str], _TaskTrack] = {}
        self.violations: list[Violation] = []
        self.seen: dict[str, int] = dict.fromkeys(RULES, 0)
        self.current_check = ""

    def observe_task(self, scope: str, version: str, task: Any) -> None:
        """A Task object read from any answer; ``scope`` separates interfaces/agents."""
        if not isinstance(task, dict) or not isinstance(task.get("id"), str):
            return
        status = task.get("status")
        if isinstance(status, dict):
            self._observe(scope, version, task["id"], status)

    def observe_status_update(self, scope: str, version: str, event: Any) -> None:
        """A TaskStatusUpdateEvent (``statusUpdate`` in v1.0, ``status-update`` in v0.3)."""
        if not isinstance(event, dict) or not isinstance(event.get("taskId"), str):
            return
        status = event.get("status")
        if isinstance(status, dict):
            self._observe(scope, version, event["taskId"], status)

    def by_rule(self, rule: str, version: str | None = None) -> list[Violation]:
        """Violations of one rule (and version)."""
        return [
            v
            for v in self.violations
            if v.rule == rule and (version is None or v.version == version)
        ]

    def count(self, rule: str, version: str) -> int:
        """How many observations a rule has judged for ``version``."""
        return self.seen.get(f"{rule}:{version}", 0)

    # -- internals ----------------------------------------------------------------------------
    def _observe(self, scope: str, version: str, task_id: str, status: dict[str, Any]) -> None:
        with self._lock:
            state = self._state(version, task_id, status.get("state"))
            self._timestamp(version, task_id, status)
            if state is None:
                return
            self._bump("transition", version)
            track = self._tracks.setdefault((scope, task_id), _TaskTrack())
            stamp = _parse_time(status.get("timestamp"))
            if (
                track.terminal is not None
                and state != track.terminal
                and track.terminal_at is not None
                and stamp is not None
                and stamp < track.terminal_at
            ):
                # A snapshot from before the terminal state, read later on another channel
                # (a stream still draining): stale, not a transition.
                return
            if track.terminal is not None and state != track.terminal:
                self._flag(
                    "transition",
                    version,
                    task_id,
                    f"task {task_id} was {track.terminal} (terminal) and later {state}",
                )
            track.states.append(state)
            if state in TERMINAL and track.terminal is None:
                track.terminal, track.terminal_at = state, stamp

    def _state(self, version: str, task_id: str, raw: Any) -> str | None:
        self._bump("enum", version)
        table = V1_STATES if version == "1.0" else V03_STATES
        if isinstance(raw, str) and raw in table:
            return table[raw]
        if raw == _PLACEHOLDERS.get(version):
            self._flag(
                "unspecified", version, task_id, f"task {task_id}: placeholder state {raw!r}"
            )
            return None
        expected = "TASK_STATE_* (not UNSPECIFIED)" if version == "1.0" else "a v0.3 state name"
        self._flag("enum", version, task_id, f"task {task_id}: state {raw!r} is not {expected}")
        return None

    def _timestamp(self, version: str, task_id: str, status: dict[str, Any]) -> None:
        if "timestamp" not in status:
            return
        self._bump("timestamp", version)
        raw = status["timestamp"]
        problem = _timestamp_problem(version, raw)
        if problem:
            self._flag(
                "timestamp", version, task_id, f"task {task_id}: timestamp {raw!r} {problem}"
            )

    def _bump(self, rule: str, version: str) -> None:
        key = f"{rule}:{version}"
        self.seen[key] = self.seen.get(key, 0) + 1

    def _flag(self, rule: str, version: str, task_id: str, message: str) -> None:
        self.violations.append(Violation(rule, version, task_id, message, self.current_check))


def _timestamp_problem(version: str, raw: Any) -> str | None:
    if not isinstance(raw, str):
        return "is not a string"
    if version == "1.0":
        if not _V1_TIMESTAMP.match(raw):
            return "is not ISO 8601 UTC with a Z suffix (v1.0 §5.6.1)"
        try:
            datetime.fromisoformat(raw[:-1] + "+00:00" if "." not in raw else _trim_fraction(raw))
        except ValueError:
            return "is not a valid date and time"
        return None
    try:
        datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return "is not parsable as ISO 8601"
    return None


def _trim_fraction(raw: str) -> str:
    # fromisoformat takes at most 6 fractional digits; nanoseconds are legal in ProtoJSON.
    head, frac = raw[:-1].split(".")
    return f"{head}.{frac[:6].ljust(6, '0')}+00:00"
