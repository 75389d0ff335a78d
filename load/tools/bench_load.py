"""``tox -e bench-load``: the same Locust scenario against the reference agent and an a2a-sdk agent.

Both run as one uvicorn process on loopback (``bench/sdk_echo_agent.py`` is the SDK's echo agent);
the scenario, users and duration are the same, one after the other, and the table prints both with
the ratio reference/SDK. Compare with ``blocking`` (the default): the SDK agent only echoes, so
prompts like ``stream 5 20`` do not stream there. ``--ceiling`` instead measures the load generator itself against a bare
ASGI app (``load/tools/bare_a2a.py``): blocking sends per second and streams opened per second for
one Locust process (and with ``--workers``).

    python load/tools/bench_load.py --duration 10s --users 16
    python load/tools/bench_load.py --ceiling --duration 10s
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from _procs import ScriptServer, run_load

from fixtures.agent_process import AgentProcess


def _row(name: str, load: dict[str, Any]) -> dict[str, Any]:
    metrics = load.get("metrics") or {}
    return {
        "target": name,
        "rps": metrics.get("rps") or 0.0,
        "p50": metrics.get("p50"),
        "p95": metrics.get("p95"),
        "errors": metrics.get("errors"),
        "streams_per_s": metrics.get("streams_per_s") or 0.0,
    }


def _print(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'target':<34} {'rps':>9} {'p50 ms':>7} {'p95 ms':>7} {'errors %':>9} {'streams/s':>10}"
    )
    for row in rows:
        print(
            f"{row['target']:<34} {row['rps']:>9.1f} {row['p50']!s:>7} {row['p95']!s:>7} "
            f"{row['errors'] or 0:>9.3f} {row['streams_per_s']:>10.1f}"
        )


def compare(args: argparse.Namespace) -> int:
    common = ["--scenario", args.scenario, "--users", str(args.users), "--duration", args.duration]
    common += ["--no-lost-check"]
    bound = 300.0
    rows = []
    with AgentProcess() as agent:
        code, load, _, text = run_load(
            ["--agent-url", agent.url, *common], watch_pids=[], bound=bound
        )
        if code != 0:
            print(text, file=sys.stderr)
        rows.append(_row("reference agent", load))
    sdk_server = ScriptServer(
        "sdk-echo", "sdk_echo_agent.py", ready_path=".well-known/agent-card.json"
    )
    with sdk_server as sdk:
        code, load, _, text = run_load(
            ["--agent-url", sdk.url, *common], watch_pids=[], bound=bound
        )
        if code != 0:
            print(text, file=sys.stderr)
        rows.append(_row("a2a-sdk echo agent", load))
    _print(rows)
    if rows[1]["rps"]:
        print(f"\nratio reference/sdk (rps): {rows[0]['rps'] / rows[1]['rps']:.2f}x")
    return 0 if all(row["rps"] > 0 for row in rows) else 1


def ceiling(args: argparse.Namespace) -> int:
    rows = []
    with ScriptServer("bare-a2a", Path(__file__).resolve().parent / "bare_a2a.py") as bare:
        for scenario in ("blocking", "streaming"):
            for workers in sorted({0, args.workers}):
                run_args = ["--agent-url", bare.url, "--scenario", scenario, "--no-lost-check"]
                run_args += ["--users", str(args.users), "--duration", args.duration]
                if workers:
                    run_args += ["--workers", str(workers)]
                _, load, _, _ = run_load(run_args, watch_pids=[], bound=300.0)
                label = f"bare ASGI, {scenario}, " + (
                    f"{workers} workers" if workers else "1 process"
                )
                rows.append(_row(label, load))
    _print(rows)
    return 0 if all(row["rps"] > 0 for row in rows) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="blocking")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--ceiling", action="store_true", help="measure the generator itself")
    parser.add_argument("--workers", type=int, default=2, help="with --ceiling: also N workers")
    args = parser.parse_args()
    return ceiling(args) if args.ceiling else compare(args)


if __name__ == "__main__":
    raise SystemExit(main())
