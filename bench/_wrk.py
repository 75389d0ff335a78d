"""Run wrk with ``send_message.lua`` and read its result (bounded, loopback only)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from _servers import BENCH_DIR, ECHO_TEXT, probe_send_message, require_loopback

LUA_SCRIPT = BENCH_DIR / "send_message.lua"
_MARKER = "BENCH_JSON "
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)


@dataclass
class WrkResult:
    """One wrk run: throughput, latency percentiles (ms), and every kind of failure."""

    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    bad: int  # answers that were not a completed task (JSON-RPC errors included)
    errors: dict[str, int]
    first_bad: str
    command: list[str] = field(default_factory=list)
    output: str = ""

    @property
    def failed(self) -> int:
        """Bad answers plus socket errors and timeouts (wrk's "status" errors are in ``bad``)."""
        return self.bad + sum(n for kind, n in self.errors.items() if kind != "status")

    def to_json(self) -> dict[str, Any]:
        """Everything but the raw output, for results.json."""
        data = asdict(self)
        data.pop("output")
        return data


def parse(output: str) -> dict[str, Any]:
    """The ``BENCH_JSON`` object the Lua script's done() prints."""
    for line in output.splitlines():
        if line.startswith(_MARKER):
            data: dict[str, Any] = json.loads(line[len(_MARKER) :])
            return data
    raise RuntimeError(f"wrk printed no {_MARKER.strip()} line; its output was:\n{output}")


def run_wrk(
    url: str,
    *,
    duration: float = 10.0,
    connections: int = 64,
    threads: int = 1,
    text: str = ECHO_TEXT,
) -> WrkResult:
    """Blocking SendMessage load against ``url`` for ``duration`` seconds."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk not found; install it (Debian: apt-get install wrk)")
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration:g}s",
        "--timeout", "5s",
        "--latency",
        "-s", str(LUA_SCRIPT),
        require_loopback(url),
        "--", text,
    ]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk exited with {done.returncode}: {done.stderr or done.stdout}")
    data = parse(done.stdout)
    rps_line = _RPS.search(done.stdout)
    duration_s = data["duration_us"] / 1e6
    latency = data["latency_us"]
    return WrkResult(
        requests=data["requests"],
        duration_s=duration_s,
        rps=float(rps_line.group(1)) if rps_line else data["requests"] / duration_s,
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=latency["mean"] / 1000,
        max_ms=latency["max"] / 1000,
        bad=data["bad"],
        errors=data["errors"],
        first_bad=data["first_bad"],
        command=command,
        output=done.stdout,
    )


def measure(
    rpc_url: str,
    settings: Mapping[str, Any],
    record: Callable[[WrkResult, int], None] | None = None,
) -> WrkResult:
    """Probe once (must complete), warm up, then measure with wrk; raise on any failed request.

    ``settings`` holds wrk's ``duration``, ``warmup``, ``connections`` and ``threads``.
    ``record(result, response_bytes)`` sees the result before the failed-request check, so a
    run that failed is still reported.
    """
    probe = probe_send_message(rpc_url)
    if not probe.completed:
        raise RuntimeError(f"SendMessage did not complete: {probe.status} {probe.excerpt}")
    threads, connections = settings["threads"], settings["connections"]
    if settings["warmup"] > 0:
        run_wrk(rpc_url, duration=settings["warmup"], connections=connections, threads=threads)
    result = run_wrk(
        rpc_url, duration=settings["duration"], connections=connections, threads=threads
    )
    if record is not None:
        record(result, probe.body_bytes)
    if result.failed:
        raise RuntimeError(f"{result.failed} failed requests (first: {result.first_bad})")
    return result
