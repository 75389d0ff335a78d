"""``a2a-harness load`` against the reference agent on loopback: gates decide the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixtures.agent_process import AgentProcess
from fixtures.ports import free_port
from reports.results import SCHEMA, load_results
from tests.load._run import harness_load

SHORT = ["--users", "4", "--duration", "2s", "--drain", "5s"]


def test_passing_gates_exit_0_with_table_and_results_file(
    agent: AgentProcess, tmp_path: Path
) -> None:
    out = tmp_path / "load.json"
    run = harness_load(
        "--agent-url", agent.url, "--scenario", "blocking", *SHORT,
        "--gate", "p95<5s", "--gate", "errors<1%", "--gate", "rps>1", "--gate", "lost=0",
        "--a2a-header", "X-Load-Token:$SECRET_FOR_TEST",
        "--json", str(out), "--csv", str(tmp_path / "stats"),
        env={"SECRET_FOR_TEST": "tok-9f8e7d"},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASSED" in run.stdout
    table = run.stdout[run.stdout.index("metric") :]
    for metric in ("p95", "errors", "rps", "lost"):
        assert f"\n{metric} " in table
    assert "requests" in run.stderr  # the progress line
    load = json.loads(out.read_text())["load"]
    assert load["passed"] is True
    assert [g["metric"] for g in load["gates"]] == ["p95", "errors", "rps", "lost"]
    assert all(g["passed"] and g["observed"] is not None for g in load["gates"])
    assert load["stats_over_time"] and {"t", "p50", "p95", "p99", "rps", "errors"} <= set(
        load["stats_over_time"][0]
    )
    assert load["metrics"]["requests"] > 0
    assert load["lost_tasks"]["checked"] == load["metrics"]["requests"]
    assert load["header_names"] == ["X-Load-Token"]
    assert (tmp_path / "stats_stats.csv").is_file()
    assert "tok-9f8e7d" not in run.stdout + run.stderr + out.read_text()
    # The file is a results document the report command reads (schema and load section).
    assert json.loads(out.read_text())["schema"] == SCHEMA
    loaded = load_results(out)
    assert loaded.load is not None and loaded.load.passed is True
    assert loaded.load.requests == load["metrics"]["requests"]


def test_failing_gate_exits_1_with_the_table(agent: AgentProcess, tmp_path: Path) -> None:
    run = harness_load(
        "--agent-url", agent.url, "--scenario", "blocking", *SHORT,
        "--gate", "p95<0.001ms", "--gate", "errors<1%", "--html", str(tmp_path / "r.html"),
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    rows = {line.split()[0]: line.split() for line in run.stdout.splitlines() if line}
    assert rows["p95"][-1] == "FAIL"
    assert rows["errors"][-1] == "pass"
    assert "FAILED: gate p95<0.001ms failed" in run.stdout
    assert "<html" in (tmp_path / "r.html").read_text().lower()


def test_streaming_v03_records_stream_timings(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    with AgentProcess() as agent:
        run = harness_load(
            "--agent-url", agent.url, "--scenario", "streaming", "--a2a-version", "0.3",
            "--users", "3", "--iterations", "12", "--duration", "30s",
            "--gate", "ttfe_p95<5s", "--gate", "events_per_stream>=3", "--json", str(out),
        )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    load = json.loads(out.read_text())["load"]
    metrics = load["metrics"]
    assert metrics["requests"] == 12  # iterations bound the run
    # task + working + 5 artifact chunks + completed for `stream 5 20`
    assert metrics["events_per_stream"] == 8
    assert metrics["tth_p50"] <= metrics["ttfe_p50"] <= metrics["ttt_p50"]
    assert load["lost_tasks"] == {"checked": 12, "lost": 0, "missing": {}, "unsettled": {}}


def test_unreachable_agent_is_never_a_pass() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    run = harness_load("--agent-url", url, "--iterations", "5", "--users", "1", "--duration", "20s")
    assert run.returncode == 1
    assert "no A2A call succeeded" in run.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gate", "p95<abc"], "--gate 'p95<abc': expected a duration like 250ms"),
        (["--duration", "ten"], "--duration 'ten': expected a duration"),
        (["--scenario", "nope"], "--scenario 'nope': unknown"),
        (["--users", "0"], "--users 0: must be at least 1"),
        (["--a2a-header", "no-colon-secret"], "--a2a-header: expected NAME:VALUE"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(args: list[str], message: str) -> None:
    run = harness_load("--agent-url", "http://127.0.0.1:9/", *args, timeout=30)
    assert run.returncode == 2
    assert message in run.stderr
    assert "secret" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_remote_agent_needs_allow_remote() -> None:
    run = harness_load("--agent-url", "http://agent.example.com/", timeout=30)
    assert run.returncode == 2
    assert "--allow-remote" in run.stderr


def test_master_needs_expected_workers() -> None:
    run = harness_load("--agent-url", "http://127.0.0.1:9/", "--master", timeout=30)
    assert run.returncode == 2
    assert "--master needs --expect-workers" in run.stderr
