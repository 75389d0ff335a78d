"""Push delivery against a real loopback HTTP receiver: payloads, order, retries with backoff,
timeouts, final failures, the SSRF guard, bounded flush, and no secrets in logs."""

from __future__ import annotations

import asyncio
import logging

import pytest

from reference_agent.errors import InvalidParamsError
from reference_agent.model import (
    PushAuthentication,
    PushConfig,
    StatusUpdate,
    Task,
    TaskState,
    TaskStatus,
)
from reference_agent.push import PushSender, check_webhook_url

from .engine_support import BOUND, WebhookReceiver, ctx, json_encoder, make_service, send

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _event(state: TaskState = TaskState.WORKING) -> tuple[StatusUpdate, Task]:
    status = TaskStatus(state, "2025-01-01T00:00:00.000Z")
    return StatusUpdate("t1", "c1", status), Task("t1", "c1", status)


def _sender(**kw: float) -> PushSender:
    options = {"timeout_seconds": 2.0, "max_attempts": 4, "backoff_seconds": 0.05}
    options.update(kw)
    return PushSender(json_encoder, allow_private=True, **options)  # type: ignore[arg-type]


async def test_delivers_with_headers_payload_and_trace_context() -> None:
    async with WebhookReceiver() as receiver:
        sender = _sender()
        event, task = _event()
        config = PushConfig("c", "t1", receiver.url, token="secret-token")
        sender.submit(
            "t1", event, task, [(config, "0.3")], traceparent=TRACEPARENT, tracestate="k=v"
        )
        (got,) = await receiver.wait_for(1)
        await sender.aclose()
    assert got.method == "POST" and got.path == "/hook"
    assert got.headers["x-a2a-notification-token"] == "secret-token"
    assert got.headers["traceparent"] == TRACEPARENT and got.headers["tracestate"] == "k=v"
    assert got.json() == {
        "kind": "StatusUpdate",
        "taskId": "t1",
        "version": "0.3",
        "state": "working",
    }
    assert sender.stats.delivered == 1 and sender.stats.attempts == 1


async def test_retries_with_exponential_backoff_until_success() -> None:
    async with WebhookReceiver(statuses=[500, 503]) as receiver:
        sender = _sender(backoff_seconds=0.1)
        event, task = _event()
        loop = asyncio.get_running_loop()
        started = loop.time()
        sender.submit("t1", event, task, [(PushConfig("c", "t1", receiver.url), "1.0")])
        await receiver.wait_for(3)
        await sender.aclose()
        elapsed = loop.time() - started
    assert sender.stats.attempts == 3 and sender.stats.delivered == 1 and sender.stats.failed == 0
    assert elapsed >= 0.1 + 0.2  # backoff doubled between the attempts
    bodies = {r.body for r in receiver.received}
    assert len(bodies) == 1  # the same notification each time (at least once)


async def test_client_errors_are_final_and_attempts_are_bounded(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with WebhookReceiver(statuses=[404, 500, 500, 500, 500]) as receiver:
        sender = _sender(max_attempts=3, backoff_seconds=0.01)
        event, task = _event()
        auth = PushAuthentication(["Bearer"], "cred-xyz")
        gone = PushConfig("gone", "t1", receiver.url, token="tok-abc", authentication=auth)
        with caplog.at_level(logging.WARNING, logger="reference_agent.push"):
            sender.submit("t1", event, task, [(gone, "1.0")])
            await sender.flush(BOUND)
            sender.submit("t1", event, task, [(PushConfig("down", "t1", receiver.url), "1.0")])
            await sender.aclose(BOUND)
    assert len(receiver.received) == 1 + 3
    assert sender.stats.failed == 2 and sender.stats.delivered == 0
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP 404" in text and "HTTP 500" in text
    assert "tok-abc" not in text and "cred-xyz" not in text


async def test_timeout_counts_as_a_failed_attempt_and_is_retried() -> None:
    async with WebhookReceiver(hang_first=1) as receiver:
        sender = _sender(timeout_seconds=0.2, backoff_seconds=0.01)
        event, task = _event()
        sender.submit("t1", event, task, [(PushConfig("c", "t1", receiver.url), "1.0")])
        await receiver.wait_for(2)
        await sender.aclose(BOUND)
    assert sender.stats.delivered == 1 and sender.stats.attempts == 2


async def test_flush_is_bounded_when_a_webhook_hangs() -> None:
    async with WebhookReceiver(hang_first=10) as receiver:
        sender = _sender(timeout_seconds=30)
        event, task = _event()
        sender.submit("t1", event, task, [(PushConfig("c", "t1", receiver.url), "1.0")])
        await receiver.wait_for(1)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await sender.aclose(timeout=0.2)
        assert loop.time() - started < 5
    assert sender.pending == 0


async def test_engine_pushes_every_state_change_and_artifact_in_order() -> None:
    async with WebhookReceiver() as receiver:
        service = make_service(allow_private_webhooks=True)
        config = PushConfig("", "", receiver.url, token="t")
        task = await service.send_message(
            send("stream 3 1", push_config=config), ctx(traceparent=TRACEPARENT)
        )
        assert isinstance(task, Task)
        got = await receiver.wait_for(5)  # working, 3 chunks, completed
        await service.shutdown(1)
    kinds = [(r.json()["kind"], r.json().get("state")) for r in got]
    assert kinds == [
        ("StatusUpdate", "working"),
        ("ArtifactUpdate", None),
        ("ArtifactUpdate", None),
        ("ArtifactUpdate", None),
        ("StatusUpdate", "completed"),
    ]
    assert all(r.json()["version"] == "1.0" and r.json()["taskId"] == task.id for r in got)
    assert all(r.headers["traceparent"] == TRACEPARENT for r in got)


async def test_deleted_config_gets_nothing_more() -> None:
    async with WebhookReceiver() as receiver:
        service = make_service(allow_private_webhooks=True)
        task = await service.send_message(send("input-required"), ctx())
        assert isinstance(task, Task)
        created = await service.create_push_config(PushConfig("", task.id, receiver.url), ctx())
        await service.delete_push_config(task.id, created.id, ctx())
        await service.send_message(send("more", message_id="m-2", task_id=task.id), ctx())
        await service.shutdown(1)
    assert receiver.received == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
    ],
)
async def test_ssrf_guard_refuses_non_public_addresses(url: str) -> None:
    with pytest.raises(InvalidParamsError, match="SSRF") as info:
        await check_webhook_url(url, allow_private=False)
    assert info.value.field == "url"
    await check_webhook_url(url, allow_private=True)


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("ftp://93.184.216.34/x", "http or https"),
        ("file:///etc/passwd", "http or https"),
        ("http:///nohost", "no host"),
        ("http://93.184.216.34:99999/", "not a valid URL"),
        ("", "required"),
        ("https://no-such-host.invalid/", "cannot be resolved"),
    ],
)
async def test_ssrf_guard_rejects_malformed_urls(url: str, needle: str) -> None:
    with pytest.raises(InvalidParamsError, match=needle):
        await check_webhook_url(url, allow_private=False)


async def test_ssrf_guard_accepts_public_addresses_and_rechecks_at_delivery() -> None:
    await check_webhook_url("https://93.184.216.34/hook", allow_private=False)
    await check_webhook_url("http://[2606:4700:4700::1111]/hook", allow_private=False)
    async with WebhookReceiver() as receiver:
        strict = PushSender(json_encoder, allow_private=False, backoff_seconds=0.01)
        event, task = _event()
        strict.submit("t1", event, task, [(PushConfig("c", "t1", receiver.url), "1.0")])
        await strict.aclose(BOUND)
    assert receiver.received == [] and strict.stats.failed == 1


async def test_unresolvable_host_at_delivery_is_retried_then_given_up() -> None:
    sender = PushSender(json_encoder, allow_private=False, max_attempts=3, backoff_seconds=0.01)
    event, task = _event()
    config = PushConfig("c", "t1", "https://no-such-host.invalid/hook")
    sender.submit("t1", event, task, [(config, "1.0")])
    await sender.aclose(BOUND)
    assert sender.stats.attempts == 3 and sender.stats.failed == 1
    sender.submit("t1", event, task, [(config, "1.0")])  # after close: dropped, counted
    assert sender.stats.dropped == 1 and sender.pending == 0
