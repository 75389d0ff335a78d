"""The bench's store, scale-out and cross-instance comparisons, run small but for real.

``bench/run.py --only redis,scale,latency`` with one short round must measure both sides of
each comparison on real processes (agents, redis-server, nginx), write them to results.json
and give the targets a verdict; the cross-instance latency must refuse instances that do not
share a store (two memory-store agents), rather than time out or report nonsense.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from fixtures.agent_process import start_agents, stop_agents

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench() -> Iterator[dict[str, ModuleType]]:
    # bench/ is a folder of scripts, not a package: import its modules the way run.py does.
    sys.path.insert(0, str(BENCH_DIR))
    try:
        names = ("_servers", "_crossinstance", "_scaling", "run")
        yield {name: importlib.import_module(name) for name in names}
    finally:
        sys.path.remove(str(BENCH_DIR))


def test_comparisons_run_end_to_end(bench: dict[str, ModuleType], tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    argv = [
        "--only", "redis,scale,latency",
        "--duration", "1", "--warmup", "0", "--connections", "8",
        "--rounds", "1", "--latency-samples", "5",
        "--output", str(output),
    ]  # fmt: skip
    assert bench["run"].main(argv) == 0
    results = json.loads(output.read_text())
    assert results["errors"] == {}
    for key, sides in (("store_modes", ("memory", "redis")), ("instances", ("one", "two"))):
        for side in sides:
            row = results[key][side]
            assert row["rps"] > 0 and row["failed"] == 0 and len(row["runs_rps"]) == 1
    latency = results["cross_instance"]
    assert latency["delivery"]["count"] == latency["same_instance"]["delivery"]["count"] == 5
    assert 0 < latency["delivery"]["p50_ms"] <= latency["delivery"]["max_ms"] < 10_000
    targets = results["targets"]
    ratio = results["store_modes"]["redis"]["rps"] / results["store_modes"]["memory"]["rps"]
    assert targets["redis/memory throughput"]["value"] == pytest.approx(ratio)
    assert targets["redis/memory throughput"]["met"] is (ratio >= 0.6)
    p99 = latency["delivery"]["p99_ms"]
    assert targets["cross-instance event p99 ms"]["met"] is (p99 < 10)


def test_latency_refuses_instances_with_separate_stores(bench: dict[str, ModuleType]) -> None:
    # Two memory stores: split state. No shutdown grace: the slow task left on A must not wait.
    agents = start_agents(2, ["--log-level", "warning", "--shutdown-grace", "0"])
    try:
        url_a, url_b = (bench["_servers"].jsonrpc_v1_url(agent.url) for agent in agents)
        with pytest.raises(bench["_crossinstance"].DeliveryError, match="share one store"):
            asyncio.run(bench["_crossinstance"].delivery_latency(url_a, url_b, samples=1, warmup=0))
    finally:
        stop_agents(agents)


def test_render_shows_both_sides_and_the_latency(bench: dict[str, ModuleType]) -> None:
    row = {"rps": 1000.0, "p50_ms": 1.0, "p99_ms": 2.0, "failed": 0, "runs_rps": [1000.0]}
    latency_row = {"count": 3, "p50_ms": 1.5, "p90_ms": 2.0, "p99_ms": 3.0, "max_ms": 4.0}
    results = {
        "settings": {"rounds": 1},
        "store_modes": {"memory": row, "redis": {**row, "rps": 700.0, "runs_rps": [700.0]}},
        "cross_instance": {
            "samples": 3,
            "delivery": latency_row,
            "cancel_request": latency_row,
            "same_instance": {"delivery": latency_row},
        },
    }
    text = "\n".join(bench["_scaling"].render(results))
    assert "1 agent, memory store" in text and "1 agent, Redis store" in text
    assert "A -> subscriber on B" in text and "3.00" in text
    ratios = bench["_scaling"].ratios(results)
    assert ratios["redis/memory throughput"] == pytest.approx(0.7)
    assert ratios["two/one instances throughput"] is None  # not measured: no verdict
    assert ratios["cross-instance event p99 ms"] == 3.0


def test_bad_options_are_named(
    bench: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]
) -> None:
    for argv, wanted in (
        (["--only", "redis,nope"], "unknown step(s) ['nope']"),
        (["--rounds", "0"], "--rounds must be at least 1"),
        (["--latency-samples", "0"], "--latency-samples must be at least 1"),
    ):
        with pytest.raises(SystemExit):
            bench["run"].parse_args(argv)
        assert wanted in capsys.readouterr().err
