"""Two reference-agent processes sharing one real Redis behave like one agent.

Each check is also run against two agents with separate in-memory stores where that is what
shows the check can fail (the split-state case issue 6 describes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from fixtures.agent_process import AgentProcess
from fixtures.redis_server import RedisServer

from .rpc import Rpc, msg10

V10 = {"A2A-Version": "1.0"}


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="module")
def shared(redis_server: RedisServer) -> Iterator[tuple[Rpc, Rpc]]:
    """Instances A and B on one Redis."""
    agents = [AgentProcess(["--store", redis_server.url]).start() for _ in range(2)]
    rpcs = [Rpc(a.url) for a in agents]
    yield rpcs[0], rpcs[1]
    for rpc, agent in zip(rpcs, agents, strict=True):
        rpc.close()
        agent.stop()


def _start_slow(rpc: Rpc, text: str = "slow 30") -> dict[str, Any]:
    params = {"message": msg10(text), "configuration": {"returnImmediately": True}}
    task: dict[str, Any] = rpc.result("SendMessage", params)["task"]
    return task


def test_a_task_created_on_a_is_got_listed_and_canceled_on_b(shared: tuple[Rpc, Rpc]) -> None:
    a, b = shared
    task = _start_slow(a)
    got = b.result("GetTask", {"id": task["id"]})
    assert got["id"] == task["id"] and got["contextId"] == task["contextId"]
    listed = b.result("ListTasks", {"pageSize": 100})
    assert task["id"] in [t["id"] for t in listed["tasks"]]
    canceled = b.result("CancelTask", {"id": task["id"]})
    assert canceled["status"]["state"] == "TASK_STATE_CANCELED"
    assert a.result("GetTask", {"id": task["id"]})["status"]["state"] == "TASK_STATE_CANCELED"
    again = a.error("CancelTask", {"id": task["id"]})
    assert again["code"] == -32002  # TaskNotCancelable: one terminal state, seen by both


def test_separate_memory_stores_split_the_state() -> None:
    # The failing side of the check above: without a shared store B does not know A's task.
    agents = [AgentProcess([]).start() for _ in range(2)]
    try:
        a, b = Rpc(agents[0].url), Rpc(agents[1].url)
        task = _start_slow(a, "echo split")
        assert b.error("GetTask", {"id": task["id"]})["code"] == -32001
        a.close()
        b.close()
    finally:
        for agent in agents:
            agent.stop()


async def _subscribe(client: httpx.AsyncClient, url: str, task_id: str) -> list[Any]:
    payload = {"jsonrpc": "2.0", "id": 2, "method": "SubscribeToTask", "params": {"id": task_id}}
    events = []
    async with client.stream("POST", url, content=orjson.dumps(payload), headers=V10) as response:
        assert response.headers["content-type"] == "text/event-stream"
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                events.append(orjson.loads(line[5:])["result"])
    return events


async def test_subscribers_on_a_and_b_receive_identical_sequences(
    shared: tuple[Rpc, Rpc],
) -> None:
    a, b = shared
    task = _start_slow(a, "stream 20 30")
    async with httpx.AsyncClient(timeout=15) as client:
        on_a, on_b = await asyncio.wait_for(
            asyncio.gather(
                _subscribe(client, a.url, task["id"]), _subscribe(client, b.url, task["id"])
            ),
            timeout=30,
        )
    # Each begins with the snapshot it joined at; the live tails must agree event for event.
    tail = min(len(on_a), len(on_b)) - 1
    assert tail >= 5, (len(on_a), len(on_b))
    assert on_a[-tail:] == on_b[-tail:]
    assert on_b[-1]["statusUpdate"]["status"]["state"] == "TASK_STATE_COMPLETED"
    final = b.result("GetTask", {"id": task["id"]})
    assert len(final["artifacts"][0]["parts"]) == 20  # every chunk applied on A, seen on B


def test_redis_outage_is_503_and_the_agent_recovers_by_itself() -> None:
    with RedisServer() as server:
        agent = AgentProcess(["--store", server.url]).start()
        rpc = Rpc(agent.url, timeout=10)
        try:
            task = rpc.result("SendMessage", {"message": msg10("echo before")})["task"]
            server.stop()
            ready = rpc.http.get(f"{agent.url}readyz")
            assert ready.status_code == 503
            response = rpc.post(
                {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": task["id"]}},
            )
            body = response.json()
            assert "error" in body, body
            assert "task store unavailable" in body["error"]["message"]
            assert response.status_code == 503 and response.headers["retry-after"] == "1"
            assert body["error"]["code"] == -32603
            server.start()
            assert rpc.http.get(f"{agent.url}readyz").status_code == 200
            kept = rpc.result("GetTask", {"id": task["id"]})
            assert kept["status"]["state"] == "TASK_STATE_COMPLETED"
        finally:
            rpc.close()
            agent.stop()


def test_graceful_stop_of_the_running_instance_fails_its_task_for_everyone(
    redis_server: RedisServer, shared: tuple[Rpc, Rpc]
) -> None:
    a, _ = shared
    doomed = AgentProcess(["--store", redis_server.url, "--shutdown-grace", "0"]).start()
    rpc = Rpc(doomed.url)
    try:
        task = _start_slow(rpc)
    finally:
        rpc.close()
        doomed.stop()
    # The executor ran on the stopped instance: its task must not be left WORKING in Redis.
    assert a.result("GetTask", {"id": task["id"]})["status"]["state"] == "TASK_STATE_FAILED"
