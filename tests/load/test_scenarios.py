"""The other scenarios end to end (subscribe storm, ListTasks paging) and failures under load."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.agent_process import AgentProcess
from tests.load._run import harness_load
from tests.load.conftest import dropping_proxy


def _load(path: Path) -> dict:
    return json.loads(path.read_text())["load"]


def _entry(load: dict, kind: str, name: str) -> dict:
    return next(e for e in load["entries"] if e["type"] == kind and e["name"] == name)


def test_subscribe_storm_reads_every_subscription_to_its_end(
    agent: AgentProcess, tmp_path: Path
) -> None:
    out = tmp_path / "load.json"
    run = harness_load(
        "--agent-url", agent.url, "--scenario", "subscribe", "--users", "2",
        "--iterations", "3", "--duration", "30s", "--gate", "sub_ttfe_p95<5s", "--json", str(out),
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    load = _load(out)
    subscriptions = _entry(load, "A2A", "SubscribeToTask")
    assert (subscriptions["requests"], subscriptions["failures"]) == (12, 0)  # 3 tasks x 4
    assert _entry(load, "SSE", "sub_ttt")["requests"] == 12
    assert load["lost_tasks"]["checked"] == 3


def test_list_tasks_paging_under_writes(agent: AgentProcess, tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    run = harness_load(
        "--agent-url", agent.url, "--scenario", "list_tasks", "--users", "4",
        "--duration", "2s", "--gate", "errors=0%", "--json", str(out),
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    load = _load(out)
    assert _entry(load, "A2A", "ListTasks")["requests"] > 0
    assert _entry(load, "A2A", "SendMessage")["requests"] > 0


def test_protocol_errors_under_load_count_as_failures(agent: AgentProcess, tmp_path: Path) -> None:
    """GetTask answered with -32001 for half the tasks: the poll scenario's errors gate fails."""
    out = tmp_path / "load.json"
    with dropping_proxy(agent.url, tmp_path) as url:
        run = harness_load(
            "--agent-url", url, "--scenario", "poll", "--users", "2", "--iterations", "16",
            "--no-lost-check", "--gate", "errors<1%", "--json", str(out),
        )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    load = _load(out)
    assert _entry(load, "A2A", "GetTask")["failures"] > 0
    assert any("-32001" in failure["error"] for failure in load["failures"])
    assert "errors" in run.stdout and "FAIL" in run.stdout
