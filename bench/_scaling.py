"""Store and scale-out comparisons: memory vs Redis on one instance, one vs two behind nginx.

Both comparisons run the same wrk load (blocking ``SendMessage`` echo) against real processes:

* **store modes**: one agent with the memory store vs one agent with ``--store redis://``;
* **instances**: nginx (round robin, ``proxy_buffering off``) in front of one Redis-backed agent
  vs in front of two, so both sides pay the same proxy hop.

The contenders of one comparison are measured interleaved (A, B, A, B …, ``rounds`` times),
each run on fresh processes and a fresh Redis (a run must not inherit the previous one's tasks),
and the medians are reported: on a small shared machine, interleaving spreads any background
noise over both sides instead of pinning it on one. The cross-instance delivery latency
(:mod:`_crossinstance`) runs on two agents sharing one Redis.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from urllib.parse import urlsplit

from _crossinstance import delivery_latency
from _servers import jsonrpc_v1_url
from _wrk import WrkResult, measure

from fixtures.agent_process import AgentProcess, start_agents, stop_agents
from fixtures.nginx_proxy import NginxProxy
from fixtures.redis_server import RedisServer

# What each comparison's side is called in results.json and in the table.
STORE_MODES = ("memory", "redis")
INSTANCES = ("one", "two")
LABELS = {
    "memory": "1 agent, memory store",
    "redis": "1 agent, Redis store",
    "one": "nginx + 1 Redis agent",
    "two": "nginx + 2 Redis agents",
}
_AGENT_ARGS = ["--log-level", "warning"]


@contextmanager
def _store_mode(mode: str) -> Iterator[str]:
    """The JSON-RPC URL of one fresh agent with the memory store or a fresh Redis."""
    with ExitStack() as stack:
        args = list(_AGENT_ARGS)
        if mode == "redis":
            args += ["--store", stack.enter_context(RedisServer()).url]
        agent = stack.enter_context(AgentProcess(args))
        yield jsonrpc_v1_url(agent.url)


@contextmanager
def _behind_nginx(count: int) -> Iterator[str]:
    """The JSON-RPC URL, through nginx, of ``count`` fresh agents sharing a fresh Redis."""
    with ExitStack() as stack:
        redis = stack.enter_context(RedisServer())
        agents = start_agents(count, [*_AGENT_ARGS, "--store", redis.url])
        stack.callback(stop_agents, agents)
        proxy = stack.enter_context(NginxProxy([a.url for a in agents], buffering=False))
        # The agent answers JSON-RPC at a path of its own URL; the proxy passes paths through.
        path = urlsplit(jsonrpc_v1_url(agents[0].url)).path
        yield proxy.url.rstrip("/") + (path or "/")


def _median(runs: list[WrkResult]) -> dict[str, Any]:
    """Median figures of several runs of one side, with each run's throughput."""
    return {
        "rps": statistics.median(r.rps for r in runs),
        "p50_ms": statistics.median(r.p50_ms for r in runs),
        "p99_ms": statistics.median(r.p99_ms for r in runs),
        "requests": sum(r.requests for r in runs),
        "failed": sum(r.failed for r in runs),
        "runs_rps": [round(r.rps, 1) for r in runs],
    }


def _interleaved(
    sides: tuple[str, str],
    start: Callable[[str], Any],
    settings: dict[str, Any],
) -> dict[str, Any]:
    runs: dict[str, list[WrkResult]] = {side: [] for side in sides}
    for _ in range(settings["rounds"]):
        for side in sides:
            with start(side) as rpc_url:
                try:
                    runs[side].append(measure(rpc_url, settings))
                except RuntimeError as exc:
                    raise RuntimeError(f"{LABELS[side]}: {exc}") from None
    return {side: _median(runs[side]) for side in sides}


def store_modes(settings: dict[str, Any]) -> dict[str, Any]:
    """Memory vs Redis store, one instance each (``settings``: wrk options and ``rounds``)."""
    return _interleaved(STORE_MODES, _store_mode, settings)


def instances(settings: dict[str, Any]) -> dict[str, Any]:
    """nginx in front of one vs two Redis-backed agents."""
    return _interleaved(INSTANCES, lambda side: _behind_nginx(INSTANCES.index(side) + 1), settings)


def cross_instance(samples: int) -> dict[str, Any]:
    """Delivery latency A → subscriber on B, and A → subscriber on A, on one fresh Redis."""
    with RedisServer() as redis:
        agents = start_agents(2, [*_AGENT_ARGS, "--store", redis.url])
        try:
            rpc_a, rpc_b = (jsonrpc_v1_url(agent.url) for agent in agents)
            cross = asyncio.run(delivery_latency(rpc_a, rpc_b, samples=samples))
            same = asyncio.run(delivery_latency(rpc_a, rpc_a, samples=samples))
        finally:
            stop_agents(agents)
    return {**cross, "same_instance": same, "samples": samples}


def ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """The figures the targets are checked on (None where not measured)."""
    modes = results.get("store_modes", {})
    scale = results.get("instances", {})
    latency = results.get("cross_instance", {})

    def ratio(table: dict[str, Any], top: str, bottom: str) -> float | None:
        if top in table and bottom in table and table[bottom]["rps"]:
            return float(table[top]["rps"] / table[bottom]["rps"])
        return None

    p99 = latency.get("delivery", {}).get("p99_ms")
    return {
        "redis/memory throughput": ratio(modes, "redis", "memory"),
        "two/one instances throughput": ratio(scale, "two", "one"),
        "cross-instance event p99 ms": p99,
    }


def render(results: dict[str, Any]) -> list[str]:
    """The side-by-side lines of these comparisons (nothing for what was not measured)."""
    lines: list[str] = []
    settings = results["settings"]
    for key, sides in (("store_modes", STORE_MODES), ("instances", INSTANCES)):
        table = results.get(key)
        if not table:
            continue
        lines += [
            "",
            f"{key.replace('_', ' ')}: median of {settings['rounds']} interleaved round(s)",
            f"{'side':<26}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}  runs req/s",
        ]
        for side in sides:
            row = table[side]
            runs = ", ".join(f"{rps:.0f}" for rps in row["runs_rps"])
            lines.append(
                f"{LABELS[side]:<26}{row['rps']:>10.0f}{row['p50_ms']:>9.2f}"
                f"{row['p99_ms']:>9.2f}{row['failed']:>8}  {runs}"
            )
    latency = results.get("cross_instance")
    if latency:
        lines += [
            "",
            f"event delivery, CancelTask on A -> subscriber's SSE ({latency['samples']} samples)",
            f"{'path':<30}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}",
        ]
        rows = (
            ("A -> subscriber on B", latency["delivery"]),
            ("A -> subscriber on A", latency["same_instance"]["delivery"]),
            ("CancelTask round trip on A", latency["cancel_request"]),
        )
        for label, row in rows:
            lines.append(
                f"{label:<30}{row['p50_ms']:>9.2f}{row['p90_ms']:>9.2f}"
                f"{row['p99_ms']:>9.2f}{row['max_ms']:>9.2f}"
            )
    return lines
