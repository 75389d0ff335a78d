"""Cross-instance event delivery latency: an event applied through A, received by a subscriber on B.

One sample, all over real HTTP on loopback:

1. ``SendMessage "slow 60"`` with ``returnImmediately`` on A: a task that stays WORKING;
2. ``SubscribeToTask`` on B (SSE), read up to its first event (the task as it is now);
3. clock starts; ``CancelTask`` on A: A applies CANCELED to the shared store;
4. clock stops when B's stream delivers the CANCELED status update.

So the figure is an upper bound of the store's own delivery: it includes A parsing and answering
the cancel and B writing the SSE event, and the client's own reading. The cancel request's own
round trip is reported beside it, and the same measurement with the subscriber on A itself
(``same_instance``) shows what crossing instances adds. Samples run one at a time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
from _servers import V1_HEADERS, require_loopback
from _streams import STREAM_HEADERS, summarize_ms

CANCELED = "TASK_STATE_CANCELED"


class DeliveryError(RuntimeError):
    """A sample could not be taken: the task, the stream or the cancel did not behave."""


def _rpc(method: str, params: dict[str, Any], request_id: str) -> bytes:
    return orjson.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})


def _slow_task(request_id: str) -> bytes:
    message = {"role": "ROLE_USER", "messageId": request_id, "parts": [{"text": "slow 60"}]}
    return _rpc(
        "SendMessage",
        {"message": message, "configuration": {"returnImmediately": True}},
        request_id,
    )


async def _data_events(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    async for line in lines:
        if line.startswith("data:"):
            payload: dict[str, Any] = orjson.loads(line[5:])
            if "error" in payload:
                raise DeliveryError(f"the stream sent an error: {payload['error']}")
            yield payload.get("result", {})


async def _create(client: httpx.AsyncClient, rpc_url: str, request_id: str) -> str:
    response = await client.post(rpc_url, content=_slow_task(request_id), headers=V1_HEADERS)
    body = response.json()
    try:
        return str(body["result"]["task"]["id"])
    except (KeyError, TypeError):
        raise DeliveryError(f"SendMessage on A did not return a task: {body}") from None


async def one_sample(
    client: httpx.AsyncClient, rpc_a: str, rpc_sub: str, request_id: str
) -> tuple[float, float]:
    """(delivery seconds, cancel round trip seconds) of one task; see the module docstring."""
    task_id = await _create(client, rpc_a, request_id)
    subscribe = _rpc("SubscribeToTask", {"id": task_id}, f"{request_id}-sub")
    async with client.stream("POST", rpc_sub, content=subscribe, headers=STREAM_HEADERS) as stream:
        kind = stream.headers.get("content-type", "")
        if stream.status_code != 200 or not kind.startswith("text/event-stream"):
            body = (await stream.aread())[:300]
            raise DeliveryError(
                f"SubscribeToTask on the subscriber's instance: HTTP {stream.status_code} "
                f"{kind!r}: {body!r} (do the instances share one store?)"
            )
        events = _data_events(stream.aiter_lines())
        first = await anext(events, None)
        if first is None or "task" not in first:
            raise DeliveryError(f"the subscription did not start with the task: {first}")
        answered: list[float] = []
        started = time.perf_counter()
        cancel = asyncio.ensure_future(
            client.post(
                rpc_a,
                content=_rpc("CancelTask", {"id": task_id}, f"{request_id}-cancel"),
                headers=V1_HEADERS,
            )
        )
        cancel.add_done_callback(lambda _: answered.append(time.perf_counter()))
        arrived = None
        async for event in events:
            status = event.get("statusUpdate", {}).get("status", {})
            if status.get("state") == CANCELED:
                arrived = time.perf_counter()
                break
        reply = (await cancel).json()
    if arrived is None:
        raise DeliveryError(f"the stream ended without the CANCELED event (cancel: {reply})")
    if "result" not in reply:
        raise DeliveryError(f"CancelTask on A failed: {reply}")
    return arrived - started, answered[0] - started


async def delivery_latency(
    url_a: str, url_sub: str, *, samples: int = 200, warmup: int = 10, timeout: float = 10.0
) -> dict[str, Any]:
    """Latency of ``samples`` events applied through ``url_a`` and read on ``url_sub``.

    Both are JSON-RPC v1.0 URLs of instances sharing one store (``url_sub`` may be ``url_a``).
    Each request is bounded by ``timeout`` seconds.
    """
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    require_loopback(url_a)
    require_loopback(url_sub)
    delivered: list[float] = []
    cancels: list[float] = []
    async with httpx.AsyncClient(timeout=timeout) as client:
        for i in range(warmup + samples):
            delivery, cancel = await asyncio.wait_for(
                one_sample(client, url_a, url_sub, f"xlat-{i}"), timeout=3 * timeout
            )
            if i >= warmup:
                delivered.append(delivery)
                cancels.append(cancel)
    return {"delivery": summarize_ms(delivered), "cancel_request": summarize_ms(cancels)}
