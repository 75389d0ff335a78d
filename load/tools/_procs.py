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

import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fixtures._process import ServiceProcess  # noqa: E402
from fixtures.ports import free_port  # noqa: E402


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` in KiB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


class Script:
    """``python SCRIPT --port P ARGS`` on loopback, ready when GET / answers."""

    def __init__(self, name: str, script: Path, args: list[str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._dir = Path(tempfile.mkdtemp(prefix=f"a2a-load-{name}-"))
        cmd = [sys.executable, str(script), "--port", str(self.port), *(args or [])]
        self.service = ServiceProcess(name, cmd, log_path=self._dir / "server.log")

    def __enter__(self) -> Script:
        self.service.spawn()
        self.service.await_ready(self._answers, 30)
        return self

    def __exit__(self, *exc: object) -> None:
        self.service.stop(timeout=10)

    def _answers(self) -> bool:
        try:
            return httpx.get(self.url, timeout=1).status_code < 500
        except httpx.HTTPError:
            return False


def run_load(
    args: list[str], *, watch_pids: list[int], bound: float, period: float = 5.0
) -> tuple[int, dict[str, Any], dict[int, list[int]], str]:
    """``a2a-harness load ARGS --json F``; returns (exit code, its ``load`` record, RSS samples
    per watched pid, the printed report). Killed after ``bound`` seconds."""
    out = Path(tempfile.mkdtemp(prefix="a2a-load-run-")) / "load.json"
    cmd = [sys.executable, "-m", "a2a_harness", "load", *args, "--json", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    samples: dict[int, list[int]] = {pid: [rss_kib(pid)] for pid in watch_pids}
    deadline = time.monotonic() + bound
    while proc.poll() is None:
        if time.monotonic() > deadline:
            proc.kill()
            raise TimeoutError(f"a2a-harness load outlived {bound:.0f}s")
        try:
            proc.wait(period)  # the RSS sampling period
        except subprocess.TimeoutExpired:
            for pid in watch_pids:
                samples[pid].append(rss_kib(pid))
    for pid in watch_pids:
        samples[pid].append(rss_kib(pid))
    text = proc.stdout.read() if proc.stdout else ""
    load = json.loads(out.read_text())["load"] if out.is_file() else {}
    return proc.returncode, load, samples, text
