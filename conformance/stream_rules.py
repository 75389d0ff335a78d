"""Rules over one stream of events, as pure functions a check (or a unit test) applies.

A stream is a list of :class:`~conformance.client.dialects.StreamItem` in arrival order. The
functions return lists of problems in words (empty: the rule holds), so a check can quote them:

* :func:`reassemble`: artifacts rebuilt by ``artifactId`` from ``append``/``lastChunk`` chunks
  (v1.0 §4.2.2, v0.3 §7.2.3), with the chunks that make no sense;
* :func:`order_problems`: what shows that events were not delivered in generation order
  (status timestamps going back, an appended chunk before its artifact's first, a task going
  back to ``submitted``) (v1.0 §3.5.2);
* :func:`after_terminal`: events after the terminal status (only a Task snapshot in the same
  state may follow, §11.7);
* :func:`final_flag_problems`: v0.3 ``final`` semantics (true once, on the last status update,
  at a terminal or interrupted state, and nothing after it).

Example::

    artifacts, problems = reassemble(record.items)
    assert problems == [] and artifacts["result"].parts == [{"text": "a"}, {"text": "b"}]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .client.dialects import INTERRUPTED, TERMINAL, Dialect, StreamItem

__all__ = [
    "Reassembled",
    "after_terminal",
    "comparable",
    "final_flag_problems",
    "order_problems",
    "parse_timestamp",
    "reassemble",
    "states",
]


@dataclass(slots=True)
class Reassembled:
    """One artifact rebuilt from its chunks."""

    artifact_id: str
    parts: list[Any] = field(default_factory=list)
    chunks: int = 0
    last_chunk: bool = False


def reassemble(items: list[StreamItem]) -> tuple[dict[str, Reassembled], list[str]]:
    """Artifacts by id from the stream's artifact updates, and the chunks that broke the rules.

    A chunk without ``append`` starts (or replaces) its artifact; ``append: true`` extends one
    already sent; nothing may follow a chunk marked ``lastChunk: true`` for the same id.
    """
    artifacts: dict[str, Reassembled] = {}
    problems: list[str] = []
    for index, item in enumerate(items):
        if item.kind != "artifact-update":
            continue
        artifact = item.body.get("artifact")
        if not isinstance(artifact, dict) or not isinstance(artifact.get("artifactId"), str):
            problems.append(f"event {index}: artifact update without artifact.artifactId")
            continue
        artifact_id = artifact["artifactId"]
        raw_parts = artifact.get("parts")
        parts: list[Any] = raw_parts if isinstance(raw_parts, list) else []
        current = artifacts.get(artifact_id)
        if current is not None and current.last_chunk:
            problems.append(
                f"event {index}: a chunk of artifact {artifact_id!r} after its lastChunk"
            )
        if item.body.get("append") is True:
            if current is None:
                problems.append(
                    f"event {index}: append to artifact {artifact_id!r}, which was never sent"
                )
                current = artifacts[artifact_id] = Reassembled(artifact_id)
            current.parts.extend(parts)
        else:
            current = artifacts[artifact_id] = Reassembled(artifact_id, list(parts))
        current.chunks += 1
        current.last_chunk = item.body.get("lastChunk") is True
    return artifacts, problems


def states(items: list[StreamItem], dialect: Dialect) -> list[tuple[int, str]]:
    """``(event index, normalized state)`` of every status update and Task in the stream."""
    out = []
    for index, item in enumerate(items):
        if item.kind in ("status-update", "task") and isinstance(item.body.get("status"), dict):
            out.append((index, dialect.task_state({"status": item.body["status"]})))
    return out


_FRACTION = re.compile(r"\.(\d+)")


def parse_timestamp(raw: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (naive ones taken as UTC, as v0.3's own
    examples are); fractions beyond microseconds are cut. None when it does not parse."""
    if not isinstance(raw, str):
        return None
    text = raw.strip().replace("Z", "+00:00").replace("z", "+00:00")
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _timestamp(item: StreamItem) -> datetime | None:
    status = item.body.get("status")
    return parse_timestamp(status.get("timestamp") if isinstance(status, dict) else None)


def order_problems(items: list[StreamItem], dialect: Dialect) -> list[str]:
    """Signs that the events did not arrive in the order they were generated."""
    problems = []
    previous: tuple[int, datetime] | None = None
    for index, item in enumerate(items):
        stamp = _timestamp(item) if item.kind == "status-update" else None
        if stamp is None:
            continue
        if previous is not None and stamp < previous[1]:
            problems.append(
                f"event {index}: status timestamp {stamp.isoformat()} is earlier than event "
                f"{previous[0]}'s {previous[1].isoformat()}"
            )
        previous = (index, stamp)
    seen_progress = False
    for index, state in states(items, dialect):
        if state == "submitted" and seen_progress:
            problems.append(f"event {index}: the task is back to submitted after progressing")
        if state != "submitted":
            seen_progress = True
    _, chunk_problems = reassemble(items)
    problems.extend(p for p in chunk_problems if "never sent" in p or "after its lastChunk" in p)
    return problems


def after_terminal(items: list[StreamItem], dialect: Dialect) -> list[str]:
    """Events that follow the first terminal status update (a same-state Task may follow)."""
    terminal_at: int | None = None
    terminal_state = ""
    for index, state in states(items, dialect):
        if index > 0 and state in TERMINAL:
            terminal_at, terminal_state = index, state
            break
    if terminal_at is None:
        return []
    extra = []
    for index in range(terminal_at + 1, len(items)):
        item = items[index]
        if item.kind == "task" and dialect.task_state(item.body) == terminal_state:
            continue  # the final Task snapshot §11.7 allows
        what = item.kind
        if item.kind in ("status-update", "task"):
            what += f" ({dialect.task_state({'status': item.body.get('status')})})"
        extra.append(f"event {index}: {what} after the terminal {terminal_state} status")
    return extra


def final_flag_problems(items: list[StreamItem], dialect: Dialect) -> list[str]:
    """v0.3: ``final: true`` exactly on the last status update, at a terminal or interrupted
    state, with no event after it."""
    problems = []
    updates = [(i, it) for i, it in enumerate(items) if it.kind == "status-update"]
    finals = [(i, it) for i, it in updates if it.body.get("final") is True]
    for index, item in finals:
        state = dialect.task_state({"status": item.body.get("status")})
        if state not in TERMINAL | INTERRUPTED:
            problems.append(f"event {index}: final: true on a {state} status (not an end state)")
    if finals:
        first_final = finals[0][0]
        later = [f"event {i}: {items[i].kind}" for i in range(first_final + 1, len(items))]
        if later:
            problems.append(f"events after final: true (event {first_final}): {later[:3]}")
    return problems


def comparable(item: StreamItem) -> str:
    """A canonical text of an event, to compare what two streams received."""
    return item.kind + ":" + json.dumps(item.body, sort_keys=True, separators=(",", ":"))
