"""Run one load test: the Locust child process, its live progress, the lost-task check.

:func:`run_load` starts ``python -m load._child`` in its own process group (Locust
monkey-patches whatever imports it), relays its progress to a callback, kills the whole group if
it outlives ``duration + grace``, then checks that no created task was lost.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from load.lost import LostTasks, check_tasks, read_task_log

__all__ = ["SCENARIO_DIR", "LoadPlan", "LoadRun", "RunFailed", "resolve_scenario", "run_load"]

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
STARTUP_GRACE = 30.0  # interpreter + Locust import + workers connecting
STOP_GRACE = 20.0  # users finishing their last request, HTML report, workers quitting


class RunFailed(RuntimeError):
    """The Locust child failed or had to be killed; the message says why."""


@dataclass
class LoadPlan:
    """Everything one run needs (validated by the CLI)."""

    urls: list[str]
    scenario_path: str
    users: int = 10
    spawn_rate: float = 10.0
    duration: float = 10.0
    iterations: int = 0
    version: str = "1.0"
    headers: dict[str, str] = field(default_factory=dict)
    workers: int = 0
    expect_workers: int = 0
    master_bind_host: str = "127.0.0.1"
    master_port: int = 0
    drain: float = 10.0
    lost_check: bool = True
    request_timeout: float = 30.0
    wait: float = 0.0
    html: str | None = None
    csv: str | None = None


@dataclass
class LoadRun:
    """What the child measured, and the lost-task verdict (None when not checked)."""

    result: dict[str, Any]
    lost: LostTasks | None


def resolve_scenario(name: str) -> Path:
    """A bundled scenario by name (``blocking``), or a Locust file by path."""
    candidate = Path(name)
    if candidate.suffix == ".py":
        if not candidate.is_file():
            raise ValueError(f"--scenario {name!r}: no such file")
        return candidate.resolve()
    bundled = SCENARIO_DIR / f"{name}.py"
    if name.startswith("_") or not bundled.is_file():
        raise ValueError(f"--scenario {name!r}: unknown (choose from {', '.join(scenarios())})")
    return bundled


def scenarios() -> list[str]:
    """The bundled scenario names."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.py") if not p.stem.startswith("_"))


def run_load(plan: LoadPlan, progress: Callable[[dict[str, Any]], None]) -> LoadRun:
    """Run ``plan``; ``progress`` receives each per-second sample. Raises :class:`RunFailed`."""
    with tempfile.TemporaryDirectory(prefix="a2a-load-") as scratch:
        work = Path(scratch)
        task_log = work / "tasks"
        config = {
            "scenario_path": plan.scenario_path,
            "host": plan.urls[0],
            "users": plan.users,
            "spawn_rate": plan.spawn_rate,
            "duration": plan.duration,
            "iterations": plan.iterations,
            "workers": plan.workers,
            "expect_workers": plan.expect_workers,
            "master_bind_host": plan.master_bind_host,
            "master_port": plan.master_port or _free_port(),
            "html": plan.html,
            "csv": plan.csv,
            "result_path": str(work / "result.json"),
        }
        (work / "config.json").write_text(json.dumps(config), encoding="utf-8")
        env = {
            **os.environ,
            **child_env(plan),
            "A2A_LOAD_TASK_LOG": str(task_log),
            "PYTHONUNBUFFERED": "1",
        }
        log_path = work / "child.log"
        _run_child(work / "config.json", env, log_path, plan.duration, progress)
        result_path = work / "result.json"
        if not result_path.is_file():
            raise RunFailed("the Locust child wrote no result\n" + _tail(log_path))
        result = json.loads(result_path.read_text(encoding="utf-8"))
        lost = None
        if plan.lost_check and not plan.expect_workers:
            tasks = read_task_log(task_log) if task_log.is_dir() else {}
            lost = check_tasks(tasks, version=plan.version, headers=plan.headers, drain=plan.drain)
        return LoadRun(result=result, lost=lost)


def child_env(plan: LoadPlan) -> dict[str, str]:
    """The ``A2A_LOAD_*`` variables the Locust processes read (headers stay out of argv)."""
    return {
        "A2A_LOAD_URLS": " ".join(plan.urls),
        "A2A_LOAD_VERSION": plan.version,
        "A2A_LOAD_HEADERS": json.dumps(plan.headers),
        "A2A_LOAD_REQUEST_TIMEOUT": str(plan.request_timeout),
        "A2A_LOAD_WAIT": str(plan.wait),
    }


def _run_child(
    config: Path,
    env: dict[str, str],
    log_path: Path,
    duration: float,
    progress: Callable[[dict[str, Any]], None],
) -> None:
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "load._child", str(config)],
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
            start_new_session=True,  # its own group: workers die with it when we must kill
        )
        lines: queue.Queue[str | None] = queue.Queue()
        assert proc.stdout is not None
        stdout = proc.stdout

        def pump() -> None:
            for line in stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, name="load-child-stdout", daemon=True).start()
        deadline = time.monotonic() + duration + STARTUP_GRACE + STOP_GRACE
        fatal = ""
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RunFailed(
                        f"the Locust child outlived its {duration:.0f}s run by "
                        f"{STARTUP_GRACE + STOP_GRACE:.0f}s and was killed\n" + _tail(log_path)
                    )
                try:
                    line = lines.get(timeout=remaining)
                except queue.Empty:
                    continue
                if line is None:
                    break
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # a scenario's own print(); not ours to interpret
                if message.get("kind") == "progress":
                    progress(message)
                elif message.get("kind") == "fatal":
                    fatal = str(message.get("error"))
            code = proc.wait(max(1.0, deadline - time.monotonic()))
        except (RunFailed, subprocess.TimeoutExpired) as exc:
            _kill_group(proc)
            if isinstance(exc, RunFailed):
                raise
            raise RunFailed("the Locust child did not exit in time and was killed") from exc
        finally:
            stdout.close()
        if fatal or code != 0:
            why = fatal or f"exit code {code}"
            raise RunFailed(f"the Locust child failed: {why}\n" + _tail(log_path))


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(5)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
