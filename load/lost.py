"""Nothing lost: every task created during a run is fetched at the end and must be settled.

The Locust processes write one ``URL<TAB>task id`` line per created task into a directory (one
file per process). After the run, :func:`check_tasks` asks each task's own instance for it with
GetTask until every task is settled (terminal or interrupted) or the drain period is over. A task
the agent does not know, or one still SUBMITTED/WORKING after the drain, is lost.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from load._a2a import SETTLED_STATES, ProtocolError, dialect

__all__ = ["LostTasks", "check_tasks", "read_task_log"]


@dataclass
class LostTasks:
    """The verdict of the lost-task check."""

    checked: int = 0
    missing: dict[str, str] = field(default_factory=dict)  # task id -> why it was not found
    unsettled: dict[str, str] = field(default_factory=dict)  # task id -> last state seen

    @property
    def lost(self) -> int:
        """How many tasks are missing or unsettled."""
        return len(self.missing) + len(self.unsettled)

    def as_dict(self) -> dict[str, object]:
        """The results-file record (ids listed, capped so a disaster stays readable)."""
        return {
            "checked": self.checked,
            "lost": self.lost,
            "missing": dict(list(self.missing.items())[:100]),
            "unsettled": dict(list(self.unsettled.items())[:100]),
        }

    def summary(self) -> str:
        """One line for the terminal, listing the first lost ids."""
        if not self.lost:
            return f"lost tasks: none ({self.checked} checked)"
        ids = [*self.missing, *self.unsettled]
        shown = ", ".join(ids[:10]) + (f" … (+{len(ids) - 10})" if len(ids) > 10 else "")
        return (
            f"lost tasks: {self.lost} of {self.checked} "
            f"({len(self.missing)} missing, {len(self.unsettled)} not settled): {shown}"
        )


def read_task_log(directory: Path) -> dict[str, str]:
    """Task id -> instance URL for every task the run's Locust processes created."""
    tasks: dict[str, str] = {}
    for path in sorted(directory.glob("tasks-*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            url, sep, task_id = line.partition("\t")
            if sep and task_id:
                tasks[task_id] = url
    return tasks


def check_tasks(
    tasks: Mapping[str, str],
    *,
    version: str,
    headers: Mapping[str, str],
    drain: float,
    threads: int = 4,
    request_timeout: float = 10.0,
) -> LostTasks:
    """Fetch every task until all are settled or ``drain`` seconds have passed.

    A few threads with one keep-alive client each: on loopback this is faster than httpx's
    async client with many connections, and the agent, not the checker, should be the limit.
    """
    wire = dialect(version)
    verdict = LostTasks(checked=len(tasks))
    pending = dict(tasks)
    last: dict[str, tuple[bool, str]] = {}  # task id -> (found, state or error)
    all_headers = {**wire.headers, **headers}
    deadline = time.monotonic() + drain

    def fetch_share(share: list[tuple[str, str]], client: httpx.Client) -> list[str]:
        settled = []
        for task_id, url in share:
            try:
                response = client.post(url, json=wire.get_task(task_id))
                state = wire.task_state(wire.result(response.json()))
            except (httpx.HTTPError, ProtocolError, ValueError) as exc:
                last[task_id] = (False, str(exc) or type(exc).__name__)
                continue
            last[task_id] = (True, state)
            if state in SETTLED_STATES:
                settled.append(task_id)
        return settled

    with ExitStack() as stack:
        # One keep-alive client per share, built once: share i always goes to client i, and a
        # round waits for every share, so no client is used by two threads at once.
        clients = [
            stack.enter_context(httpx.Client(headers=all_headers, timeout=request_timeout))
            for _ in range(threads)
        ]
        pool = stack.enter_context(
            ThreadPoolExecutor(max_workers=threads, thread_name_prefix="lost-check")
        )
        while pending:
            items = list(pending.items())
            shares = [items[i::threads] for i in range(threads)]
            for settled in pool.map(fetch_share, shares, clients):
                for task_id in settled:
                    pending.pop(task_id, None)
            remaining = deadline - time.monotonic()
            if not pending or remaining <= 0:
                break
            # Tasks still running get the rest of the drain period; re-asked at a gentle cadence.
            time.sleep(min(0.25, remaining))
    for task_id in pending:
        found, detail = last.get(task_id, (False, "no answer"))
        if found:
            verdict.unsettled[task_id] = detail
        else:
            verdict.missing[task_id] = detail
    return verdict
