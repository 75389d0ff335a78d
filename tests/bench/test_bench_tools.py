"""The bench's own machinery: wrk driving, its correctness check, percentiles, loopback guard."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from fixtures.webhook_receiver import WebhookReceiver

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench() -> Iterator[dict[str, ModuleType]]:
    # bench/ is a folder of scripts, not a package: import its modules the way run.py does.
    sys.path.insert(0, str(BENCH_DIR))
    try:
        yield {name: importlib.import_module(name) for name in ("_servers", "_streams", "_wrk")}
    finally:
        sys.path.remove(str(BENCH_DIR))


def test_wrk_measures_the_bare_app(bench: dict[str, ModuleType]) -> None:
    server = bench["_servers"].ScriptServer("bare", "bare_asgi.py", ["--response-bytes", "480"])
    server.start()
    try:
        probe = bench["_servers"].probe_send_message(server.url)
        result = bench["_wrk"].run_wrk(server.url, duration=1, connections=4)
    finally:
        server.stop()
    assert probe.completed and probe.body_bytes == 480
    assert result.requests > 0 and result.rps > 0
    assert result.failed == 0 and result.bad == 0
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms


def test_wrk_counts_answers_that_are_not_completed_tasks(bench: dict[str, ModuleType]) -> None:
    # The receiver answers 200 with an empty body: fast, and wrong for a SendMessage.
    with WebhookReceiver() as wrong:
        result = bench["_wrk"].run_wrk(wrong.url, duration=1, connections=2)
    assert result.requests > 0
    assert result.bad == result.requests and result.failed >= result.requests
    assert result.first_bad.startswith("200")


def test_wrk_refuses_non_loopback_targets(bench: dict[str, ModuleType]) -> None:
    with pytest.raises(ValueError, match="loopback only"):
        bench["_wrk"].run_wrk("http://192.0.2.1:80/", duration=1)


@pytest.mark.parametrize(
    ("pct", "expected"), [(50, 5.0), (90, 9.0), (99, 10.0), (100, 10.0), (0, 1.0)]
)
def test_percentile_is_nearest_rank(
    bench: dict[str, ModuleType], pct: float, expected: float
) -> None:
    assert bench["_streams"].percentile([float(n) for n in range(10, 0, -1)], pct) == expected
