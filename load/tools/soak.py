"""``tox -e soak``: a long mixed load on two reference-agent instances sharing one Redis store.

Starts a real ``redis-server`` and two agents (``--store redis://…``) on loopback, runs
``a2a-harness load --scenario mixed`` round robin over both for ``--duration`` (default 10 min),
and reports what a soak is for: errors, lost tasks, each instance's RSS drift and the latency
drift (p95 of the first tenth of the run against the last tenth). Exit 1 on any error or lost
task. Bounded: the load run is killed after its duration plus a grace period. CI runs the short
form (``--duration 30s``).

    python load/tools/soak.py --duration 10m --users 8
"""

from __future__ import annotations

import argparse
import statistics
import sys
from typing import Any

from _procs import run_load

from fixtures.agent_process import start_agents, stop_agents
from fixtures.redis_server import RedisServer
from load._units import parse_duration


def _p95_of(points: list[dict[str, Any]]) -> float | None:
    values = [p["p95"] for p in points if p.get("p95") is not None]
    return statistics.median(values) if values else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", default="10m")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--wait", default="100ms", help="pause per user between iterations")
    parser.add_argument("--scenario", default="mixed")
    parser.add_argument("--json", help="also write the load results file here")
    args = parser.parse_args()
    try:
        seconds = parse_duration("--duration", args.duration)
    except ValueError as exc:
        print(f"soak: {exc}", file=sys.stderr)
        return 2
    with RedisServer() as redis:
        agents = start_agents(2, ["--store", redis.url])
        try:
            pids = [agent.proc.pid for agent in agents if agent.proc is not None]
            load_args = [
                *(arg for agent in agents for arg in ("--agent-url", agent.url)),
                "--scenario", args.scenario, "--users", str(args.users),
                "--duration", f"{seconds}s", "--wait", args.wait, "--gate", "errors=0%", "--gate", "lost=0",
            ]  # fmt: skip
            if args.json:
                load_args += ["--html", args.json.removesuffix(".json") + ".html"]
            code, load, rss, text = run_load(load_args, watch_pids=pids, bound=seconds * 1.5 + 180)
        finally:
            stop_agents(agents)
    print(text)
    # The first sample holds the ramp-up and the last the shutdown: neither is steady state.
    points = (load.get("stats_over_time") or [])[1:-1]
    tenth = max(1, len(points) // 10)
    first, last = _p95_of(points[:tenth]), _p95_of(points[-tenth:])
    print("soak: two instances, one Redis store")
    for index, pid in enumerate(pids):
        samples = rss[pid]
        growth = samples[-1] - samples[0]
        print(
            f"  instance {index}: RSS start {samples[0] / 1024:.1f} MiB, end "
            f"{samples[-1] / 1024:.1f} MiB, max {max(samples) / 1024:.1f} MiB "
            f"(drift {growth / 1024:+.1f} MiB)"
        )
    if first is not None and last is not None:
        print(f"  latency drift: p95 {first:.0f} ms (first tenth) -> {last:.0f} ms (last tenth)")
    if args.json and load:
        import json
        from pathlib import Path

        record = {**load, "soak": {"rss_kib": {str(k): v for k, v in rss.items()}}}
        Path(args.json).write_text(json.dumps({"load": record}, indent=2), encoding="utf-8")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
