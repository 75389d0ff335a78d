"""Nothing lost: an agent that forgets tasks fails the run with their ids; one that keeps them passes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from fixtures.agent_process import AgentProcess
from load.lost import check_tasks, read_task_log
from tests.load._run import harness_load
from tests.load.conftest import dropping_proxy
from tests.load.dropping_agent import dropped


def _create_tasks(url: str, count: int) -> list[str]:
    ids = []
    with httpx.Client(timeout=10, headers={"A2A-Version": "1.0"}) as client:
        for n in range(count):
            message = {"role": "ROLE_USER", "messageId": f"lost-{n}", "parts": [{"text": "echo"}]}
            body = {
                "jsonrpc": "2.0",
                "id": n,
                "method": "SendMessage",
                "params": {"message": message},
            }
            ids.append(client.post(url, json=body).json()["result"]["task"]["id"])
    return ids


def test_check_names_exactly_the_dropped_tasks(agent: AgentProcess, tmp_path: Path) -> None:
    with dropping_proxy(agent.url, tmp_path) as url:
        ids = _create_tasks(url, 12)
        tasks = dict.fromkeys(ids, url)
        verdict = check_tasks(tasks, version="1.0", headers={}, drain=0.5)
    expected = {task_id for task_id in ids if dropped(task_id)}
    assert expected, "the sample should include dropped ids"
    assert set(verdict.missing) == expected
    assert not verdict.unsettled
    assert verdict.lost == len(expected) and verdict.checked == 12


def test_check_passes_when_the_agent_keeps_every_task(agent: AgentProcess, tmp_path: Path) -> None:
    with dropping_proxy(agent.url, tmp_path, drop="none") as url:
        ids = _create_tasks(url, 12)
        verdict = check_tasks(dict.fromkeys(ids, url), version="1.0", headers={}, drain=0.5)
    assert verdict.lost == 0 and verdict.checked == 12


def test_unsettled_task_is_lost_after_the_drain(agent: AgentProcess) -> None:
    message = {"role": "ROLE_USER", "messageId": "slow-one", "parts": [{"text": "slow 30"}]}
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "SendMessage",
        "params": {"message": message, "configuration": {"returnImmediately": True}},
    }
    headers = {"A2A-Version": "1.0"}
    task_id = httpx.post(agent.url, json=body, headers=headers, timeout=10).json()["result"][
        "task"
    ]["id"]
    verdict = check_tasks({task_id: agent.url}, version="1.0", headers={}, drain=0.3)
    assert verdict.unsettled == {task_id: "TASK_STATE_WORKING"}
    cancel = {"jsonrpc": "2.0", "id": 2, "method": "CancelTask", "params": {"id": task_id}}
    httpx.post(agent.url, json=cancel, headers=headers, timeout=10)


def test_task_log_reads_every_process_file(tmp_path: Path) -> None:
    (tmp_path / "tasks-1.tsv").write_text("http://a/\tt1\nhttp://a/\tt2\n")
    (tmp_path / "tasks-2.tsv").write_text("http://b/\tt3\ngarbage\n")
    assert read_task_log(tmp_path) == {"t1": "http://a/", "t2": "http://a/", "t3": "http://b/"}


def test_run_against_a_dropping_agent_fails_listing_the_ids(
    agent: AgentProcess, tmp_path: Path
) -> None:
    out = tmp_path / "load.json"
    with dropping_proxy(agent.url, tmp_path) as url:
        run = harness_load(
            "--agent-url", url, "--scenario", "blocking", "--users", "2", "--iterations", "20",
            "--drain", "1s", "--gate", "errors<1%", "--json", str(out),
        )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    lost = json.loads(out.read_text())["load"]["lost_tasks"]
    assert lost["checked"] == 20 and lost["lost"] == len(lost["missing"]) > 0
    assert all(dropped(task_id) for task_id in lost["missing"])
    assert "lost tasks:" in run.stdout
    assert next(iter(lost["missing"])) in run.stdout
