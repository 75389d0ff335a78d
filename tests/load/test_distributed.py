"""Locust master + two local worker processes on loopback, through ``a2a-harness load``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fixtures.agent_process import AgentProcess, start_agents, stop_agents
from fixtures.ports import free_port
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


def test_remote_style_master_and_worker_on_loopback(agent: AgentProcess) -> None:
    """``--master --expect-workers 1`` plus a separate ``--worker`` process, as across machines."""
    port = free_port()
    worker_cmd = [sys.executable, "-m", "a2a_harness", "load", "--worker"]
    worker_cmd += [
        "--master-host",
        "127.0.0.1",
        "--master-port",
        str(port),
        "--scenario",
        "blocking",
    ]
    worker = subprocess.Popen(
        worker_cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "A2A_LOAD_HEADERS": '{"X-Load": "token-from-secret"}'},
    )
    try:
        run = harness_load(
            "--agent-url", agent.url, "--master", "--expect-workers", "1",
            "--master-port", str(port), "--users", "2", "--duration", "2s", "--gate", "errors=0%",
        )  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
        assert "remote workers" in run.stdout  # the lost-task check says why it did not run
        assert worker.wait(30) == 0  # the master's quit ends the worker
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(5)
