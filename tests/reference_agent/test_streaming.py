"""SSE streaming over real HTTP: headers, order, closing rules per version, subscribers, keep-alive.

Plus in-process tests of :func:`reference_agent.sse.stream_events` for what cannot be provoked
from outside: a disconnect must release the subscription, a mid-stream error must become a
JSON-RPC error event.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from fixtures.agent_process import AgentProcess
from reference_agent.errors import TaskNotFoundError
from reference_agent.sse import stream_events

from .rpc import Rpc, SseResult, msg03, msg10

STREAM_HEADERS = {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
}


def assert_sse_headers(result: SseResult) -> None:
    assert result.status == 200
    for name, value in STREAM_HEADERS.items():
        assert result.headers[name] == value


def kinds10(result: SseResult) -> list[str]:
    kinds = []
    for item in result.results:
        assert len(item) == 1, f"StreamResponse must hold exactly one member: {item}"
        kinds.append(next(iter(item)))
    return kinds


def test_v10_stream_sends_task_then_updates_then_closes(rpc: Rpc) -> None:
    result = rpc.stream("SendStreamingMessage", {"message": msg10("stream 4 5")}, rid="s-1")
    assert_sse_headers(result)
    assert all(e["id"] == "s-1" and e["jsonrpc"] == "2.0" for e in result.events)
    kinds = kinds10(result)
    assert kinds[0] == "task"
    assert kinds.count("artifactUpdate") == 4
    assert kinds[-1] == "statusUpdate"
    final = result.results[-1]["statusUpdate"]
    assert final["status"]["state"] == "TASK_STATE_COMPLETED"
    assert "final" not in final
    chunks = [r["artifactUpdate"] for r in result.results if "artifactUpdate" in r]
    assert [c["artifact"]["parts"][0]["text"] for c in chunks] == [
        f"event {i} of 4" for i in range(1, 5)
    ]
    assert chunks[-1].get("lastChunk") is True
    task_id = result.results[0]["task"]["id"]
    assert all(
        r[k]["taskId"] == task_id for r, k in zip(result.results[1:], kinds[1:], strict=True)
    )


def test_v03_stream_uses_kind_and_final(rpc: Rpc) -> None:
    result = rpc.stream("message/stream", {"message": msg03("complete 2")}, version=None)
    assert_sse_headers(result)
    items = result.results
    assert items[0]["kind"] == "task"
    statuses = [i for i in items if i["kind"] == "status-update"]
    assert statuses and all(s["final"] is (s is statuses[-1]) for s in statuses)
    assert statuses[-1]["status"]["state"] == "completed"
    assert sum(i["kind"] == "artifact-update" for i in items) == 2


def test_v03_stream_ends_with_final_at_input_required(rpc: Rpc) -> None:
    result = rpc.stream("message/stream", {"message": msg03("input-required")}, version=None)
    last = result.results[-1]
    assert last["kind"] == "status-update" and last["final"] is True
    assert last["status"]["state"] == "input-required"


def test_message_only_stream_carries_exactly_one_message(rpc: Rpc) -> None:
    result = rpc.stream("SendStreamingMessage", {"message": msg10("message hi")})
    assert kinds10(result) == ["message"]


def test_errors_before_the_first_event_are_plain_json(rpc: Rpc) -> None:
    result = rpc.stream("SubscribeToTask", {"id": "no-such-task"})
    assert result.status == 200
    assert result.headers["content-type"] == "application/json"
    assert orjson.loads(result.body)["error"]["code"] == -32001

    done = rpc.result("SendMessage", {"message": msg10("echo")})["task"]
    result = rpc.stream("SubscribeToTask", {"id": done["id"]})
    assert result.headers["content-type"] == "application/json"
    assert orjson.loads(result.body)["error"]["code"] == -32004

    result = rpc.stream("SendStreamingMessage", {"message": {"messageId": "m"}})
    assert orjson.loads(result.body)["error"]["code"] == -32602


def test_keepalive_comments_while_a_task_is_quiet(rpc: Rpc) -> None:
    task = rpc.result(
        "SendMessage", {"message": msg10("slow 1"), "configuration": {"returnImmediately": True}}
    )["task"]
    result = rpc.stream("SubscribeToTask", {"id": task["id"]})
    assert "keep-alive" in result.comments
    assert kinds10(result)[0] == "task"
    assert result.results[-1]["statusUpdate"]["status"]["state"] == "TASK_STATE_COMPLETED"


async def _read_events(
    client: httpx.AsyncClient, url: str, payload: dict[str, Any], version: str | None
) -> list[Any]:
    headers = {"Content-Type": "application/json", **({"A2A-Version": version} if version else {})}
    events = []
    async with client.stream(
        "POST", url, content=orjson.dumps(payload), headers=headers
    ) as response:
        assert response.headers["content-type"] == "text/event-stream"
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                events.append(orjson.loads(line[5:])["result"])
    return events


@pytest.mark.parametrize(
    ("version", "method"), [("1.0", "SubscribeToTask"), (None, "tasks/resubscribe")]
)
async def test_two_subscribers_see_the_same_sequence(
    agent: AgentProcess, version: str | None, method: str
) -> None:
    async with httpx.AsyncClient(timeout=15) as client:
        params = {"message": msg10("stream 8 40"), "configuration": {"returnImmediately": True}}
        send = await client.post(
            agent.url,
            json={"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": params},
            headers={"A2A-Version": "1.0"},
        )
        task_id = send.json()["result"]["task"]["id"]
        payload = {"jsonrpc": "2.0", "id": 2, "method": method, "params": {"id": task_id}}
        first, second = await asyncio.wait_for(
            asyncio.gather(
                _read_events(client, agent.url, payload, version),
                _read_events(client, agent.url, payload, version),
            ),
            timeout=20,
        )
    # Each starts with the task snapshot it joined at; the live tails must agree event for event.
    assert first[0].get("task", first[0]).get("id") == task_id
    tail = min(len(first), len(second)) - 1
    assert tail >= 2
    assert first[-tail:] == second[-tail:]
    last = first[-1]
    state = last["statusUpdate"]["status"]["state"] if version else last["status"]["state"]
    assert state in ("TASK_STATE_COMPLETED", "completed")


async def test_closing_one_stream_does_not_affect_another(agent: AgentProcess) -> None:
    async with httpx.AsyncClient(timeout=15) as client:
        params = {"message": msg10("stream 5 60"), "configuration": {"returnImmediately": True}}
        send = await client.post(
            agent.url,
            json={"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": params},
            headers={"A2A-Version": "1.0"},
        )
        task_id = send.json()["result"]["task"]["id"]
        payload = {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "SubscribeToTask",
            "params": {"id": task_id},
        }
        headers = {"A2A-Version": "1.0"}
        async with client.stream("POST", agent.url, json=payload, headers=headers) as early:
            async for line in early.aiter_lines():
                if line.startswith("data:"):
                    break  # disconnect after the first event
        events = await asyncio.wait_for(_read_events(client, agent.url, payload, "1.0"), timeout=15)
    assert events[-1]["statusUpdate"]["status"]["state"] == "TASK_STATE_COMPLETED"


def test_streaming_off_is_unsupported_operation(rpc_off: Rpc) -> None:
    for method, version, params in [
        ("SendStreamingMessage", "1.0", {"message": msg10("echo")}),
        ("SubscribeToTask", "1.0", {"id": "x"}),
        ("message/stream", None, {"message": msg03("echo")}),
        ("tasks/resubscribe", None, {"id": "x"}),
    ]:
        result = rpc_off.stream(method, params, version=version)
        assert result.headers["content-type"] == "application/json"
        assert orjson.loads(result.body)["error"]["code"] == -32004


# -- stream_events in-process -------------------------------------------------------------------
class _Recorder:
    def __init__(self, disconnect: asyncio.Event) -> None:
        self.sent: list[dict[str, Any]] = []
        self.disconnect = disconnect

    async def receive(self) -> dict[str, Any]:
        await self.disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def bodies(self) -> list[bytes]:
        return [m["body"] for m in self.sent if m["type"] == "http.response.body"]


async def test_disconnect_closes_the_event_iterator() -> None:
    closed = asyncio.Event()
    started = asyncio.Event()

    async def endless() -> AsyncIterator[int]:
        try:
            started.set()
            await asyncio.Event().wait()  # never produces: only a disconnect ends this
            yield 1
        finally:
            closed.set()

    disconnect = asyncio.Event()
    recorder = _Recorder(disconnect)
    events = endless()
    serving = asyncio.ensure_future(
        stream_events(
            send=recorder.send,
            receive=recorder.receive,
            first=b"data: {}\n\n",
            events=events,
            frame=lambda e: b"",
            error_frame=lambda e: b"",
            keepalive=0,
        )
    )
    await asyncio.wait_for(started.wait(), 5)
    disconnect.set()
    assert await asyncio.wait_for(serving, 5) == 1
    await asyncio.wait_for(closed.wait(), 5)


async def test_error_after_first_event_becomes_an_error_event_then_end() -> None:
    async def failing() -> AsyncIterator[int]:
        yield 2
        raise TaskNotFoundError("gone")

    recorder = _Recorder(asyncio.Event())
    sent = await asyncio.wait_for(
        stream_events(
            send=recorder.send,
            receive=recorder.receive,
            first=b"data: 1\n\n",
            events=failing(),
            frame=lambda e: f"data: {e}\n\n".encode(),
            error_frame=lambda e: f"data: error {e.code}\n\n".encode(),
            keepalive=0,
        ),
        5,
    )
    assert sent == 2
    assert recorder.bodies == [b"data: 1\n\n", b"data: 2\n\n", b"data: error -32001\n\n", b""]
    assert recorder.sent[-1]["more_body"] is False


async def test_closing_event_ends_a_quiet_stream() -> None:
    async def quiet() -> AsyncIterator[int]:
        await asyncio.Event().wait()
        yield 1

    closing = asyncio.Event()
    recorder = _Recorder(asyncio.Event())
    serving = asyncio.ensure_future(
        stream_events(
            send=recorder.send,
            receive=recorder.receive,
            first=None,
            events=quiet(),
            frame=lambda e: b"",
            error_frame=lambda e: b"",
            keepalive=0,
            closing=closing,
        )
    )
    closing.set()
    assert await asyncio.wait_for(serving, 5) == 0
    assert recorder.sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
