"""Processes the soak and the load bench start (scripts only: the ``load`` package never imports
``fixtures``), and the load CLI run as a child with its RSS watched."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._servers import ScriptServer, rss_kib  # noqa: E402

__all__ = ["ROOT", "ScriptServer", "run_load"]


def _rss_or_zero(pid: int) -> int:
    """``rss_kib`` of ``pid``, 0 once it is gone (a dead agent must not lose the soak report)."""
    try:
        return rss_kib(pid)
    except (OSError, RuntimeError):
        return 0


def run_load(
    args: list[str], *, watch_pids: list[int], bound: float, period: float = 5.0
) -> tuple[int, dict[str, Any], dict[int, list[int]], str]:
    """``a2a-harness load ARGS --json F``; returns (exit code, its ``load`` record, RSS samples
    per watched pid, the printed report). Killed after ``bound`` seconds."""
    with tempfile.TemporaryDirectory(prefix="a2a-load-run-") as tmp:
        out = Path(tmp) / "load.json"
        cmd = [sys.executable, "-m", "a2a_harness", "load", *args, "--json", str(out)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        samples: dict[int, list[int]] = {pid: [_rss_or_zero(pid)] for pid in watch_pids}
        deadline = time.monotonic() + bound
        while proc.poll() is None:
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait(10)  # reaped before its temp directory goes
                raise TimeoutError(f"a2a-harness load outlived {bound:.0f}s")
            try:
                proc.wait(period)  # the RSS sampling period
            except subprocess.TimeoutExpired:
                for pid in watch_pids:
                    samples[pid].append(_rss_or_zero(pid))
        for pid in watch_pids:
            samples[pid].append(_rss_or_zero(pid))
        text = proc.stdout.read() if proc.stdout else ""
        load = json.loads(out.read_text())["load"] if out.is_file() else {}
        return proc.returncode, load, samples, text
