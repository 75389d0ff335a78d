"""Locust master + two local worker processes on loopback, through ``a2a-harness load``."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.agent_process import start_agents, stop_agents
from tests.load._run import harness_load


def test_master_and_two_workers_over_two_instances(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    agents = start_agents(2)
    try:
        run = harness_load(
            "--agent-url", agents[0].url, "--agent-url", agents[1].url,
            "--scenario", "mixed", "--users", "4", "--iterations", "40", "--duration", "40s",
            "--workers", "2", "--gate", "errors<1%", "--gate", "lost=0", "--json", str(out),
        )  # fmt: skip
    finally:
        stop_agents(agents)
    assert run.returncode == 0, run.stdout + run.stderr
    load = json.loads(out.read_text())["load"]
    assert load["workers"] == 2
    assert load["lost_tasks"]["checked"] == 40  # every iteration of both workers created a task
    assert load["lost_tasks"]["lost"] == 0
