"""a2a-harness benchmark: the reference agent against its ceiling and against the official SDK.

Measured in one run, each contender alone on the machine (loopback only, bounded in time):

1. blocking v1.0 ``SendMessage`` (echo) throughput and p50/p99 latency, with wrk and
   ``send_message.lua``, against (a) the reference agent, (b) a bare ASGI app on the same server
   stack answering a same-sized response (the ceiling), (c) an echo agent built on ``a2a-sdk``;
2. stream time to first event (``SendStreamingMessage``), sequential and concurrent;
3. the agent's RSS with 1,000 concurrent open streams (a fresh agent process);
4. the same wrk load on one agent with the memory store vs the Redis store, and through nginx on
   one vs two Redis-backed agents (interleaved rounds, medians; see ``_scaling.py``);
5. cross-instance event delivery latency: an event applied through instance A, received by a
   subscriber on instance B (``_crossinstance.py``).

Prints a table and writes ``bench/results.json``. Run it as ``tox -e bench`` (which installs the
SDK) or ``python bench/run.py --help``. Exit code 1 when a contender could not be measured or
answered wrongly under load; with ``--check``, also when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import _scaling
from _servers import BENCH_DIR, ScriptServer, jsonrpc_v1_url, rss_kib
from _streams import raise_fd_limit, rss_with_open_streams, time_to_first_event
from _wrk import WrkResult, measure

from fixtures.agent_process import AgentProcess

CONTENDERS = ("agent", "bare", "sdk")
# Steps after the contenders: store modes, one vs two instances, cross-instance latency.
COMPARISONS = ("redis", "scale", "latency")
STEPS = CONTENDERS + COMPARISONS
LABELS = {"agent": "reference agent", "bare": "bare ASGI (ceiling)", "sdk": "a2a-sdk echo agent"}
STEP_LABELS = {
    "redis": "memory vs Redis store, one instance",
    "scale": "one vs two Redis-backed instances behind nginx",
    "latency": "cross-instance event delivery latency",
}
# The acceptance targets.
TARGETS = {
    "agent/bare throughput": (">=", 0.5),
    "agent/sdk throughput": (">=", 8.0),
    "agent stream TTFE p50 ms": ("<=", 5.0),
    "agent RSS MB, 1000 streams": ("<", 200.0),
    "redis/memory throughput": (">=", 0.6),
    "cross-instance event p99 ms": ("<", 10.0),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="wrk seconds per contender")
    parser.add_argument("--warmup", type=float, default=2.0, help="wrk warm-up seconds")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--streams", type=int, default=1000, help="open streams for the RSS")
    parser.add_argument("--ttfe-sequential", type=int, default=200)
    parser.add_argument("--ttfe-concurrent", type=int, default=100)
    parser.add_argument(
        "--rounds", type=int, default=2, help="interleaved rounds of each comparison (medians)"
    )
    parser.add_argument(
        "--latency-samples", type=int, default=200, help="cross-instance delivery samples"
    )
    parser.add_argument(
        "--only", default=",".join(STEPS), help=f"comma-separated subset of {','.join(STEPS)}"
    )
    parser.add_argument(
        "--response-bytes", type=int, default=0, help="bare app response size (default: agent's)"
    )
    parser.add_argument("--agent-arg", action="append", default=[], help="extra agent option")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(STEPS)
    if unknown:
        parser.error(f"--only: unknown step(s) {sorted(unknown)}; choose from {','.join(STEPS)}")
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    if args.latency_samples < 1:
        parser.error(f"--latency-samples must be at least 1, got {args.latency_samples}")
    return args


def version_of(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """Where the figures come from."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10, check=False)
    names = ("a2a-harness", "uvicorn", "httptools", "uvloop", "orjson", "httpx", "a2a-sdk")
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else None,
        "versions": {name: version_of(name) for name in names},
    }


def throughput(name: str, rpc_url: str, results: dict[str, Any]) -> WrkResult:
    """Probe once (must complete), warm up, then measure with wrk (a failed run is recorded)."""

    def record(result: WrkResult, response_bytes: int) -> None:
        results["send_message"][name] = {**result.to_json(), "response_bytes": response_bytes}

    try:
        return measure(rpc_url, results["settings"], record)
    except RuntimeError as exc:
        raise RuntimeError(f"{name}: {exc}") from None


def bench_agent(args: argparse.Namespace, results: dict[str, Any]) -> None:
    agent_args = ["--log-level", "warning", *args.agent_arg]
    with AgentProcess(agent_args) as agent:
        throughput("agent", jsonrpc_v1_url(agent.url), results)
    # A fresh process for streams and memory: the throughput run filled the task store.
    with AgentProcess(agent_args) as agent:
        assert agent.proc is not None
        pid = agent.proc.pid
        rpc_url = jsonrpc_v1_url(agent.url)
        results["stream_ttfe"]["agent"] = asyncio.run(
            time_to_first_event(
                rpc_url, sequential=args.ttfe_sequential, concurrent=args.ttfe_concurrent
            )
        )
        idle = rss_kib(pid)
        held = asyncio.run(rss_with_open_streams(rpc_url, args.streams, lambda: rss_kib(pid)))
        results["rss"]["agent"] = {"idle_kib": idle, **held}


def bench_bare(args: argparse.Namespace, results: dict[str, Any]) -> None:
    size = args.response_bytes or results["send_message"].get("agent", {}).get("response_bytes")
    if not size:
        raise RuntimeError("bare: no response size (measure the agent first or --response-bytes)")
    server = ScriptServer("bare", "bare_asgi.py", ["--response-bytes", str(size)]).start()
    try:
        throughput("bare", server.url, results)
    finally:
        server.stop()


def bench_sdk(args: argparse.Namespace, results: dict[str, Any]) -> None:
    if importlib.util.find_spec("a2a") is None:
        raise RuntimeError("sdk: a2a-sdk is not installed here (run `tox -e bench`)")
    server = ScriptServer(
        "sdk", "sdk_echo_agent.py", [], ready_path=".well-known/agent-card.json"
    ).start()
    try:
        throughput("sdk", server.url, results)
        results["stream_ttfe"]["sdk"] = asyncio.run(
            time_to_first_event(
                server.url, sequential=args.ttfe_sequential, concurrent=args.ttfe_concurrent
            )
        )
    finally:
        server.stop()


def bench_redis(args: argparse.Namespace, results: dict[str, Any]) -> None:
    results["store_modes"] = _scaling.store_modes(results["settings"])


def bench_scale(args: argparse.Namespace, results: dict[str, Any]) -> None:
    results["instances"] = _scaling.instances(results["settings"])


def bench_latency(args: argparse.Namespace, results: dict[str, Any]) -> None:
    results["cross_instance"] = _scaling.cross_instance(args.latency_samples)


def evaluate(results: dict[str, Any]) -> dict[str, Any]:
    """Ratios and target verdicts from what was measured (missing values stay None)."""
    rps = {name: data.get("rps") for name, data in results["send_message"].items()}
    ratios = {
        "agent/bare throughput": rps["agent"] / rps["bare"] if rps.get("agent") and rps.get("bare") else None,
        "agent/sdk throughput": rps["agent"] / rps["sdk"] if rps.get("agent") and rps.get("sdk") else None,
    }  # fmt: skip
    ttfe = results["stream_ttfe"].get("agent", {}).get("sequential", {}).get("p50_ms")
    rss = results["rss"].get("agent", {}).get("rss_kib")
    values = {
        **ratios,
        **_scaling.ratios(results),
        "agent stream TTFE p50 ms": ttfe,
        "agent RSS MB, 1000 streams": rss / 1024 if rss is not None else None,
    }
    verdicts = {}
    for name, (op, target) in TARGETS.items():
        value = values.get(name)
        met = (
            None
            if value is None
            else {"<": value < target, "<=": value <= target}.get(op, value >= target)
        )
        verdicts[name] = {"value": value, "target": f"{op} {target:g}", "met": met}
    return verdicts


def render(results: dict[str, Any]) -> str:
    """The side-by-side table."""
    lines = [
        f"blocking SendMessage, v1.0 JSON-RPC echo (wrk -t{results['settings']['threads']} "
        f"-c{results['settings']['connections']} -d{results['settings']['duration']:g}s)",
        f"{'contender':<22}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}{'resp B':>8}",
    ]
    for name in CONTENDERS:
        data = results["send_message"].get(name)
        if data is None:
            error = results["errors"].get(name, "not run")
            lines.append(f"{LABELS[name]:<22}  -- {error.splitlines()[0][:70]}")
            continue
        failed = data["bad"] + sum(v for k, v in data["errors"].items() if k != "status")
        lines.append(
            f"{LABELS[name]:<22}{data['rps']:>10.0f}{data['p50_ms']:>9.2f}{data['p99_ms']:>9.2f}"
            f"{failed:>8}{data['response_bytes']:>8}"
        )
    lines.append("")
    lines.append(f"{'stream time to first event':<30}{'p50 ms':>9}{'p99 ms':>9}{'n':>6}")
    for name, data in results["stream_ttfe"].items():
        for mode in ("sequential", "concurrent"):
            row = data[mode]
            label = f"{name} {mode}"
            lines.append(f"{label:<30}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}{row['count']:>6}")
    lines += _scaling.render(results)
    for name, data in results["rss"].items():
        lines.append("")
        lines.append(
            f"{name} RSS: {data['rss_kib'] / 1024:.1f} MB with {data['streams']} open streams "
            f"(idle {data['idle_kib'] / 1024:.1f} MB; all open in {data['open_seconds']} s)"
        )
    lines.append("")
    lines.append(f"{'target':<30}{'value':>10}  {'wanted':<10}verdict")
    for name, verdict in results["targets"].items():
        value = verdict["value"]
        shown = "-" if value is None else f"{value:.2f}"
        met = {True: "met", False: "MISSED", None: "not measured"}[verdict["met"]]
        lines.append(f"{name:<30}{shown:>10}  {verdict['target']:<10}{met}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    raise_fd_limit(args.streams + 256)  # the agent (a child) inherits the limit
    results: dict[str, Any] = {
        "machine": machine_info(),
        "settings": {
            key: getattr(args, key)
            for key in ("duration", "warmup", "connections", "threads", "streams", "only")
        }
        | {"ttfe_sequential": args.ttfe_sequential, "ttfe_concurrent": args.ttfe_concurrent}
        | {"rounds": args.rounds, "latency_samples": args.latency_samples},
        "send_message": {},
        "stream_ttfe": {},
        "rss": {},
        "errors": {},
    }
    steps: dict[str, Callable[[argparse.Namespace, dict[str, Any]], None]] = {
        "agent": bench_agent,
        "bare": bench_bare,
        "sdk": bench_sdk,
        "redis": bench_redis,
        "scale": bench_scale,
        "latency": bench_latency,
    }
    for name in STEPS:
        if name not in args.only:
            continue
        print(f"bench: {STEP_LABELS.get(name) or LABELS[name]} ...", file=sys.stderr, flush=True)
        try:
            steps[name](args, results)
        except Exception as exc:  # one contender failing must not hide the others' figures
            results["errors"][name] = f"{type(exc).__name__}: {exc}"
    results["targets"] = evaluate(results)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(render(results))
    for name, error in results["errors"].items():
        print(f"\nerror ({name}): {error}", file=sys.stderr)
    print(f"\nresults written to {args.output}")
    missed = any(verdict["met"] is False for verdict in results["targets"].values())
    return 1 if results["errors"] or (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
