"""``a2a-harness load``: a Locust load test against an A2A agent, turned into a CI exit code.

Example::

    a2a-harness load --agent-url http://127.0.0.1:9999/ --scenario blocking --users 20 \\
        --duration 30s --gate 'p95<250ms' --gate 'errors<0.1%' --json load.json

Exit codes: 0 every gate holds and no task was lost; 1 a gate failed, a task was lost, no call
succeeded, or the run itself failed; 2 bad input (one line naming what was wrong).

Across machines: start the master with ``--master --expect-workers N --master-bind-host 0.0.0.0``
and each worker with ``a2a-harness load --worker --master-host HOST --scenario NAME`` (same
scenario, version and headers). The lost-task check needs the task logs, so it runs only with local workers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from load._units import UsageError, parse_duration, parse_headers
from load.gates import GateError, GateResult, evaluate, format_table, parse_gates
from load.run import LoadPlan, RunFailed, child_env, resolve_scenario, run_load, scenarios

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def build_parser() -> argparse.ArgumentParser:
    """The options of ``a2a-harness load``."""
    parser = argparse.ArgumentParser(
        prog="a2a-harness load", description="Run a Locust load gate against an A2A agent."
    )
    add = parser.add_argument
    add("--agent-url", action="append", default=[], help="instance URL (repeat: round robin)")
    add("--scenario", default="blocking", help=f"one of {', '.join(scenarios())}, or a .py path")
    add("--users", type=int, default=10, help="concurrent users (default 10)")
    add("--spawn-rate", type=float, default=None, help="users started per second (default: all)")
    add("--duration", default=None, help="run time, e.g. 10s or 2m (default 10s)")
    add("--wait", default=None, help="pause per user between iterations, e.g. 100ms")
    add("--iterations", type=int, default=0, help="stop after this many scenario iterations")
    add("--gate", action="append", default=[], help="e.g. 'p95<250ms', 'errors<0.1%%'")
    add("--a2a-version", default="1.0", choices=["1.0", "0.3"])
    add("--a2a-header", action="append", default=[], help="NAME:VALUE, $VARS expanded; secret")
    add("--drain", default="10s", help="how long created tasks may take to settle (default 10s)")
    add("--no-lost-check", action="store_true", help="skip fetching every created task")
    add("--request-timeout", default="30s", help="per-request timeout (default 30s)")
    add("--allow-remote", action="store_true", help="allow a non-loopback agent URL")
    add("--html", help="Locust's HTML report")
    add("--csv", help="Locust's CSV files with this prefix")
    add("--json", help="results file (gates, stats_over_time, metrics)")
    add("--workers", type=int, default=0, help="local Locust worker processes (master + N)")
    add("--master", action="store_true", help="be the master of remote workers (--expect-workers)")
    add("--expect-workers", type=int, default=0, help="how many remote workers to wait for")
    add("--master-bind-host", default="127.0.0.1")
    add("--master-port", type=int, default=5557)
    add("--worker", action="store_true", help="be a worker of a remote master")
    add("--master-host", help="the master to join (with --worker)")
    return parser


def plan_from(args: argparse.Namespace) -> tuple[LoadPlan, list[Any]]:
    """Validate ``args`` into a plan and its gates; raises :class:`UsageError`."""
    try:
        gates = parse_gates(args.gate)
        duration = parse_duration("--duration", args.duration or "10s")
        drain = parse_duration("--drain", args.drain)
        request_timeout = parse_duration("--request-timeout", args.request_timeout)
        wait = parse_duration("--wait", args.wait) if args.wait else 0.0
        scenario = resolve_scenario(args.scenario)
    except (GateError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    if args.iterations and not args.duration:
        duration = 600.0  # iterations decide the end; the duration only bounds the run
    if not args.agent_url:
        raise UsageError("--agent-url is required")
    urls = [_check_url(url, args.allow_remote) for url in args.agent_url]
    for name, value, low in (("--users", args.users, 1), ("--workers", args.workers, 0)):
        if value < low:
            raise UsageError(f"{name} {value}: must be at least {low}")
    if args.iterations < 0:
        raise UsageError(f"--iterations {args.iterations}: must be at least 1")
    spawn_rate = args.spawn_rate if args.spawn_rate is not None else float(args.users)
    if spawn_rate <= 0:
        raise UsageError(f"--spawn-rate {spawn_rate}: must be more than zero")
    if args.workers and (args.expect_workers or args.master):
        raise UsageError("--workers (local) and --master/--expect-workers (remote): choose one")
    if args.master and args.expect_workers < 1:
        raise UsageError("--master needs --expect-workers N (N at least 1)")
    plan = LoadPlan(
        urls=urls,
        scenario_path=str(scenario),
        users=args.users,
        spawn_rate=spawn_rate,
        duration=duration,
        iterations=args.iterations,
        version=args.a2a_version,
        headers=parse_headers(args.a2a_header),
        workers=args.workers,
        expect_workers=args.expect_workers,
        master_bind_host=args.master_bind_host,
        master_port=args.master_port if args.expect_workers else 0,
        drain=drain,
        lost_check=not args.no_lost_check,
        request_timeout=request_timeout,
        wait=wait,
        html=args.html,
        csv=args.csv,
    )
    return plan, gates


def _check_url(url: str, allow_remote: bool) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--agent-url {url!r}: expected an http(s) URL")
    if parts.hostname not in _LOOPBACK and not allow_remote:
        raise UsageError(
            f"--agent-url {url!r}: not loopback; pass --allow-remote to load a remote agent"
        )
    return url if url.endswith("/") else url + "/"


class Progress:
    """The live progress line on stderr (redrawn on a terminal, every 5 s otherwise)."""

    def __init__(self, plan: LoadPlan) -> None:
        self.plan = plan
        self.tty = sys.stderr.isatty()
        self._last = 0.0

    def __call__(self, point: dict[str, Any]) -> None:
        p95 = "-" if point.get("p95") is None else f"{point['p95']}ms"
        limit = (
            f"{self.plan.iterations} it"
            if self.plan.iterations and self.plan.duration >= 600
            else f"{self.plan.duration:.0f}s"
        )
        total = point.get("requests_total") or 0
        failed = point.get("failures_total") or 0
        errors = 100.0 * failed / total if total else 0.0
        line = (
            f"[{point['t']:6.1f}s/{limit}] users {point['users']:>4}  "
            f"requests {total:>7}  rps {point['rps']:>8.1f}  p95 {p95:>7}  errors {errors:.2f}%"
        )
        if self.tty:
            print("\r" + line, end="", file=sys.stderr, flush=True)
        elif time.monotonic() - self._last >= 5 or self._last == 0:
            self._last = time.monotonic()
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``a2a-harness load`` with ``argv``; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.worker:
        return _run_worker(args)
    try:
        plan, gates = plan_from(args)
    except UsageError as exc:
        print(f"a2a-harness load: {exc}", file=sys.stderr)
        return EXIT_USAGE
    progress = Progress(plan)
    try:
        run = run_load(plan, progress)
    except RunFailed as exc:
        progress.close()
        print(f"a2a-harness load: {exc}", file=sys.stderr)
        return EXIT_FAILED
    progress.close()
    metrics = dict(run.result["metrics"])
    if run.lost is not None:
        metrics["lost"] = float(run.lost.lost)
    results = evaluate(gates, metrics)
    problems = verdict_problems(metrics, results, run)
    print(report_text(run, results, problems))
    if args.json:
        write_json(Path(args.json), plan, run, results, problems)
    return EXIT_FAILED if problems else EXIT_OK


def verdict_problems(metrics: dict[str, Any], results: list[GateResult], run: Any) -> list[str]:
    """Why the run fails (empty when it passes)."""
    problems = [f"gate {r.gate.text} failed" for r in results if not r.passed]
    if not metrics.get("requests") or metrics.get("errors") == 100.0:
        problems.append("no A2A call succeeded (is the agent reachable?)")
    if run.lost is not None and run.lost.lost:
        problems.append(run.lost.summary())
    return problems


def report_text(run: Any, results: list[GateResult], problems: list[str]) -> str:
    """The end-of-run text: the gate table, the lost-task line, the verdict."""
    metrics = run.result["metrics"]
    lines = [
        f"requests {int(metrics['requests'])}  rps {metrics['rps']:.1f}  "
        f"errors {metrics['errors'] or 0:.3f}%  p50 {metrics['p50']}ms  p95 {metrics['p95']}ms  "
        f"p99 {metrics['p99']}ms",
    ]
    if results:
        lines += ["", format_table(results)]
    if run.lost is not None:
        lines += ["", run.lost.summary()]
    else:
        lines += ["", "lost tasks: not checked (--no-lost-check, or remote workers keep the ids)"]
    failures = run.result.get("failures") or []
    for failure in failures[:5]:
        lines.append(f"failure x{failure['occurrences']}: {failure['name']}: {failure['error']}")
    lines += ["", "FAILED: " + "; ".join(problems) if problems else "PASSED"]
    return "\n".join(lines)


RESULTS_SCHEMA = "a2a-harness/results/v1"


def write_json(
    path: Path, plan: LoadPlan, run: Any, results: list[GateResult], problems: list[str]
) -> None:
    """The results file; the HTML report reads its ``load`` member. Header values never appear."""
    load = {
        "scenario": Path(plan.scenario_path).stem,
        "agent_urls": plan.urls,
        "a2a_version": plan.version,
        "header_names": sorted(plan.headers),
        "users": plan.users,
        "spawn_rate": plan.spawn_rate,
        "duration_s": plan.duration,
        "iterations": plan.iterations,
        "workers": plan.workers or plan.expect_workers,
        "elapsed_s": run.result["elapsed_s"],
        "passed": not problems,
        "problems": problems,
        "gates": [result.as_dict() for result in results],
        "metrics": run.result["metrics"],
        "stats_over_time": [
            {k: point.get(k) for k in ("t", "p50", "p95", "p99", "rps", "errors", "users")}
            for point in run.result["stats_over_time"]
        ],
        "entries": run.result["entries"],
        "failures": run.result.get("failures", []),
        "lost_tasks": run.lost.as_dict() if run.lost is not None else None,
    }
    # A results document (schema of reports/results.py, docs/results-schema.md), so that
    # `a2a-harness report load.json --html …` renders it; `load` does not import `reports`.
    document = {"schema": RESULTS_SCHEMA, "load": load}
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def _run_worker(args: argparse.Namespace) -> int:
    """Be a Locust worker of a remote master (runs until the master quits)."""
    if not args.master_host:
        print("a2a-harness load: --worker needs --master-host", file=sys.stderr)
        return EXIT_USAGE
    try:
        scenario = resolve_scenario(args.scenario)
        headers = parse_headers(args.a2a_header)
    except ValueError as exc:
        print(f"a2a-harness load: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # Headers may also come as a JSON object in A2A_LOAD_HEADERS (e.g. from a Kubernetes Secret).
    try:
        inherited = json.loads(os.environ.get("A2A_LOAD_HEADERS") or "{}")
    except ValueError:
        print("a2a-harness load: A2A_LOAD_HEADERS: expected a JSON object", file=sys.stderr)
        return EXIT_USAGE
    plan = LoadPlan(urls=args.agent_url, scenario_path=str(scenario), version=args.a2a_version)
    plan.headers = {**inherited, **headers}
    env = {**os.environ, **child_env(plan)}
    if not args.agent_url:
        env.pop("A2A_LOAD_URLS")  # the master's host is used
    cmd = [sys.executable, "-m", "locust", "-f", str(scenario), "--worker"]
    cmd += ["--master-host", args.master_host, "--master-port", str(args.master_port)]
    return subprocess.call(cmd, env=env)
