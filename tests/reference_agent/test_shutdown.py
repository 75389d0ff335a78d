"""Graceful shutdown: SIGTERM while tasks run, with a blocking call and an SSE stream open.

The store is in memory, so what happened to each task is observed from outside: through the push
notifications a loopback receiver got, the answers of the open connections, and the agent's log.
No task may be left in SUBMITTED or WORKING; the process must exit in bounded time.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import orjson

from fixtures.agent_process import AgentProcess
from fixtures.webhook_receiver import Notification, WebhookReceiver

from .rpc import msg10

GRACE = 2.0
HEADERS = {"Content-Type": "application/json", "A2A-Version": "1.0"}


def _state(note: Notification) -> str | None:
    payload = note.json or {}
    return payload.get("statusUpdate", {}).get("status", {}).get("state")


def _push(hooks: WebhookReceiver, name: str) -> dict[str, Any]:
    return {"taskPushNotificationConfig": {"url": hooks.webhook_url(name)}}


def test_sigterm_finishes_or_fails_every_task_and_exits(tmp_path: Path) -> None:
    with WebhookReceiver() as hooks:
        # Our own log directory: the log is read after the process has stopped.
        agent = AgentProcess(
            ["--allow-private-webhooks", "--shutdown-grace", str(GRACE), "--keepalive", "0"],
            log_dir=tmp_path,
        )
        agent.start()
        try:
            outcome = _exercise(agent, hooks)
        finally:
            agent.stop(timeout=1)

        # Task A fit in the grace period: it completed. B and C did not: they FAILED.
        assert outcome["exit_code"] == 0
        assert outcome["exit_seconds"] < GRACE + 6, outcome
        assert _final(hooks, "a") == "TASK_STATE_COMPLETED"
        assert _final(hooks, "b") == "TASK_STATE_FAILED"
        assert _final(hooks, "c") == "TASK_STATE_FAILED"
        assert outcome["blocking"]["status"]["state"] == "TASK_STATE_FAILED"
        assert outcome["stream"][-1]["statusUpdate"]["status"]["state"] == "TASK_STATE_FAILED"

        states: dict[str, str] = {}
        for line in agent.log_path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("logger") == "reference_agent.tasks" and record.get("task_id"):
                states[record["task_id"]] = record["state"]
        assert states, "state changes must be logged"
        assert not {s for s in states.values()} & {"submitted", "working"}, states


def _final(hooks: WebhookReceiver, name: str) -> str | None:
    states = [_state(n) for n in hooks.matching(path=f"/{name}") if _state(n)]
    return states[-1] if states else None


def _exercise(agent: AgentProcess, hooks: WebhookReceiver) -> dict[str, Any]:
    client = httpx.Client(timeout=30)

    def send(text: str, name: str, *, blocking: bool) -> dict[str, Any]:
        configuration = {**_push(hooks, name), "returnImmediately": not blocking}
        payload = {
            "jsonrpc": "2.0",
            "id": name,
            "method": "SendMessage",
            "params": {"message": msg10(text), "configuration": configuration},
        }
        return client.post(agent.url, content=orjson.dumps(payload), headers=HEADERS).json()[
            "result"
        ]["task"]

    subscribed = threading.Event()

    def subscribe(task_id: str) -> list[Any]:
        payload = {
            "jsonrpc": "2.0",
            "id": "sub",
            "method": "SubscribeToTask",
            "params": {"id": task_id},
        }
        events = []
        with httpx.stream(
            "POST", agent.url, content=orjson.dumps(payload), headers=HEADERS, timeout=30
        ) as r:
            for line in r.iter_lines():
                if line.startswith("data:"):
                    events.append(orjson.loads(line[5:])["result"])
                    subscribed.set()
        return events

    with ThreadPoolExecutor(max_workers=2) as pool:
        task_a = send("slow 1", "a", blocking=False)
        task_b = send("slow 60", "b", blocking=False)
        blocking = pool.submit(send, "slow 60", "c", blocking=True)
        stream = pool.submit(subscribe, task_b["id"])
        for name in ("a", "b", "c"):
            hooks.wait_for(
                1,
                path=f"/{name}",
                predicate=lambda n: _state(n) == "TASK_STATE_WORKING",
                timeout=10,
            )
        assert subscribed.wait(10)
        assert task_a["id"] != task_b["id"]

        assert agent.proc is not None
        started = time.monotonic()
        agent.proc.send_signal(signal.SIGTERM)
        exit_code = agent.proc.wait(timeout=GRACE + 10)
        exit_seconds = time.monotonic() - started
        result = {
            "exit_code": exit_code,
            "exit_seconds": exit_seconds,
            "blocking": blocking.result(timeout=5),
            "stream": stream.result(timeout=5),
        }
    client.close()
    # The last deliveries were flushed before exit; give the receiver's thread a bounded moment.
    for name in ("a", "b", "c"):
        hooks.wait_for(
            1,
            path=f"/{name}",
            timeout=5,
            predicate=lambda n: _state(n) in ("TASK_STATE_COMPLETED", "TASK_STATE_FAILED"),
        )
    return result
