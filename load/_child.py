"""The Locust side of ``a2a-harness load``: run one scenario headless and write its numbers.

Run as ``python -m load._child CONFIG.json`` by :mod:`load.run` only: importing Locust
monkey-patches this whole process with gevent, which is why it is a separate process. It prints
one JSON progress line per second to stdout and writes the result file named in the config:
gate metrics, per-second ``stats_over_time`` and one row per request entry.

With ``workers`` > 0 it is a Locust master on loopback and starts that many worker processes
(``locust --worker``); with ``expect_workers`` it waits for workers started elsewhere.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import gevent

# Locust monkey-patches this process with gevent on import: this module is the child only.
from locust import User, events
from locust.env import Environment
from locust.html import get_html_report
from locust.runners import STATE_RUNNING, MasterRunner, Runner
from locust.stats import (
    PERCENTILES_TO_REPORT,
    StatsCSVFileWriter,
    StatsEntry,
    calculate_response_time_percentile,
    stats_history,
)

from load.users import ENV_ITERATIONS

_PERCENTS = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99}
_SSE_ENTRIES = ("ttfe", "tth", "ttt", "sub_ttfe", "sub_tth", "sub_ttt")
# Seconds the master waits for its workers to connect (bounded: a worker that never comes fails).
WORKER_TIMEOUT = 30.0


def load_users(path: str) -> list[type[User]]:
    """The concrete User classes a Locust file defines or imports."""
    spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    if spec is None or spec.loader is None:
        raise ValueError(f"cannot load scenario {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, User)
        and value is not User
        and not getattr(value, "abstract", False)
    ]


def merged(env: Environment, kind: str, name: str | None = None) -> StatsEntry:
    """One entry summing every entry of request type ``kind`` (and ``name`` if given)."""
    total = StatsEntry(env.stats, kind, name or "", use_response_times_cache=False)
    for entry in env.stats.entries.values():
        if entry.method == kind and (name is None or entry.name == name):
            total.extend(entry)
    return total


def latency_metrics(entry: StatsEntry, prefix: str = "") -> dict[str, float | None]:
    """p50…p99, avg, max of ``entry`` in ms (None when it has no request)."""
    names = [*_PERCENTS, "avg", "max"]
    if entry.num_requests == 0:
        return {prefix + name: None for name in names}
    metrics: dict[str, float | None] = {
        prefix + name: float(entry.get_response_time_percentile(pct))
        for name, pct in _PERCENTS.items()
    }
    metrics[prefix + "avg"] = entry.avg_response_time
    metrics[prefix + "max"] = float(entry.max_response_time)
    return metrics


def final_metrics(env: Environment, elapsed: float) -> dict[str, float | None]:
    """Every gate metric the run measured."""
    calls = merged(env, "A2A")
    metrics = latency_metrics(calls)
    for name in _SSE_ENTRIES:
        metrics.update(latency_metrics(merged(env, "SSE", name), name + "_"))
    streams = merged(env, "SSE", "ttt")
    metrics["requests"] = float(calls.num_requests)
    metrics["rps"] = calls.num_requests / elapsed if elapsed > 0 else 0.0
    metrics["errors"] = (
        100.0 * calls.num_failures / calls.num_requests if calls.num_requests else None
    )
    metrics["streams_per_s"] = streams.num_requests / elapsed if elapsed > 0 else 0.0
    metrics["events_per_stream"] = (
        streams.total_content_length / streams.num_requests if streams.num_requests else None
    )
    return metrics


class Sampler:
    """Per-interval figures (p50/p95/p99, rps, errors) from successive snapshots of the stats."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.started = time.monotonic()
        self._last_t = self.started
        self._times: dict[int, int] = {}
        self._requests = 0
        self._failures = 0
        self.series: list[dict[str, Any]] = []

    def sample(self, users: int) -> dict[str, Any]:
        now = time.monotonic()
        calls = merged(self.env, "A2A")
        window = {
            key: count - self._times.get(key, 0)
            for key, count in calls.response_times.items()
            if count - self._times.get(key, 0) > 0
        }
        requests = calls.num_requests - self._requests
        failures = calls.num_failures - self._failures
        span = max(now - self._last_t, 1e-6)
        point: dict[str, Any] = {"t": round(now - self.started, 2), "users": users}
        for name in ("p50", "p95", "p99"):
            point[name] = (
                calculate_response_time_percentile(window, requests, _PERCENTS[name])
                if requests
                else None
            )
        point["rps"] = round(requests / span, 2)
        point["errors"] = failures
        point["requests_total"] = calls.num_requests
        point["failures_total"] = calls.num_failures
        self._times = dict(calls.response_times)
        self._requests, self._failures, self._last_t = calls.num_requests, calls.num_failures, now
        self.series.append(point)
        return point


def start_workers(config: dict[str, Any], port: int) -> list[subprocess.Popen[bytes]]:
    """Local worker processes, each with its share of the iteration budget."""
    count = int(config["workers"])
    iterations = int(config.get("iterations") or 0)
    workers = []
    for index in range(count):
        env = dict(os.environ)
        if iterations:
            share = iterations // count + (1 if index < iterations % count else 0)
            env[ENV_ITERATIONS] = str(max(share, 1))
        cmd = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            config["scenario_path"],
            "--worker",
            "--master-host",
            "127.0.0.1",
            "--master-port",
            str(port),
            "--loglevel",
            "WARNING",
        ]
        workers.append(subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL))
    return workers


def await_workers(runner: MasterRunner, count: int, timeout: float) -> None:
    """Block (bounded) until ``count`` workers are connected and ready."""
    deadline = time.monotonic() + timeout
    while len(runner.clients.ready) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(runner.clients.ready)} of {count} workers connected")
        gevent.sleep(0.1)  # workers announce themselves asynchronously; bounded by the deadline


def emit(kind: str, **fields: Any) -> None:
    """One JSON line on stdout for the parent (progress, or a fatal problem)."""
    sys.stdout.write(json.dumps({"kind": kind, **fields}) + "\n")
    sys.stdout.flush()


def run(config: dict[str, Any]) -> dict[str, Any]:
    """Run the scenario as ``config`` says; returns the result record."""
    user_classes = load_users(config["scenario_path"])
    if not user_classes:
        raise ValueError(f"scenario {config['scenario_path']} defines no Locust user")
    env = Environment(user_classes=user_classes, host=config["host"], events=events, stop_timeout=5)
    workers: list[subprocess.Popen[bytes]] = []
    runner: Runner
    expected = int(config.get("workers") or 0) or int(config.get("expect_workers") or 0)
    if expected:
        runner = env.create_master_runner(
            master_bind_host=config.get("master_bind_host") or "127.0.0.1",
            master_bind_port=int(config["master_port"]),
        )
        if config.get("workers"):
            workers = start_workers(config, int(config["master_port"]))
        assert isinstance(runner, MasterRunner)
        await_workers(runner, expected, WORKER_TIMEOUT)
    else:
        if config.get("iterations"):
            os.environ[ENV_ITERATIONS] = str(config["iterations"])
        runner = env.create_local_runner()
    events.init.fire(environment=env, runner=runner, web_ui=None)
    gevent.spawn(stats_history, runner)
    if config.get("csv"):
        writer = StatsCSVFileWriter(env, PERCENTILES_TO_REPORT, config["csv"], full_history=True)
        gevent.spawn(writer)
    sampler = Sampler(env)
    started = time.monotonic()
    runner.start(int(config["users"]), float(config["spawn_rate"]))
    duration = float(config["duration"])
    iterations = bool(config.get("iterations"))
    while True:
        gevent.sleep(1.0)  # the sampling period of the progress line and stats_over_time
        point = sampler.sample(runner.user_count)
        emit("progress", **point)
        elapsed = time.monotonic() - started
        if elapsed >= duration:
            break
        if iterations and runner.state == STATE_RUNNING and runner.user_count == 0:
            break
    # quit() stops the users and, on a master, tells every worker to exit.
    runner.quit()
    elapsed = time.monotonic() - started
    sampler.sample(0)
    if config.get("html"):
        Path(config["html"]).write_text(get_html_report(env), encoding="utf-8")
    for worker in workers:
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()
    return {
        "metrics": final_metrics(env, elapsed),
        "elapsed_s": round(elapsed, 3),
        "stats_over_time": sampler.series,
        "entries": [entry_row(entry) for entry in env.stats.entries.values()],
        "failures": [
            {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
            for error in env.stats.errors.values()
        ],
    }


def entry_row(entry: StatsEntry) -> dict[str, Any]:
    """One request entry as the results file lists it."""
    row: dict[str, Any] = {
        "type": entry.method,
        "name": entry.name,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "avg_bytes": entry.avg_content_length,
    }
    row.update(latency_metrics(entry))
    return row


def main() -> int:
    config = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    try:
        result = run(config)
    except Exception as exc:  # reported to the parent as one line, not a traceback
        emit("fatal", error=f"{type(exc).__name__}: {exc}")
        return 3
    Path(config["result_path"]).write_text(json.dumps(result), encoding="utf-8")
    emit("done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
