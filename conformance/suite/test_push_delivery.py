"""Push-notification delivery: the webhook hears about the task, in the version's shape, with
the configured secrets, for every state change.

v1.0 §3.5.1, §4.3.3, §13.2; v0.3 §9.5; digest §2.14. The delivery run (see ``_push``) registers
a fresh endpoint of the run's receiver inline in SendMessage and waits, bounded by
``--a2a-timeout``, for the notification of the task's end. Secrets are compared, never shown.
"""

from __future__ import annotations

import pytest

from conformance.client.dialects import TERMINAL
from conformance.grading import Check
from conformance.push import list_params, read_config_list
from conformance.target import Target
from conformance.webhook import Webhooks

from ._push import (
    Delivery,
    deliver,
    delivered,
    notified_states,
    shape_problems,
    wrong_task_ids,
)


@pytest.mark.requirement("PUSH-2")
def test_inline_config_registered(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """A config given inline in SendMessage is registered: the webhook hears about the task."""
    delivery = deliver(a2a, check, a2a_webhooks)
    if delivery.notes:
        return
    listing = a2a.rpc.call("push-list", list_params(a2a.version, delivery.task_id))
    views, _ = read_config_list(a2a.version, listing.result) if listing.has_result else ([], [])
    check.that(
        any(v.url == delivery.endpoint.url for v in views),
        "the inline push config was not registered: no notification and not listed",
        actual=listing.doc,
    )


@pytest.mark.requirement("PUSH-8")
def test_notification_delivered(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """The agent POSTs to the configured webhook (within --a2a-timeout of the task's end)."""
    delivered(a2a, check, a2a_webhooks)


@pytest.mark.requirement("PUSH-8b")
def test_v03_notification_delivered(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """The agent POSTs to the configured webhook when the task's state changes."""
    delivered(a2a, check, a2a_webhooks)


@pytest.mark.requirement("PUSH-3")
def test_payload_is_a_stream_response(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each webhook body is a StreamResponse holding exactly one task, message, statusUpdate
    or artifactUpdate."""
    problems = shape_problems(a2a, delivered(a2a, check, a2a_webhooks))
    check.that(not problems, "webhook bodies are not StreamResponse objects", actual=problems[:5])


@pytest.mark.requirement("PUSH-4")
def test_v03_payload_identifies_task(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each v0.3 webhook body identifies the task and its state (the Task, as in §9.5), and
    names the task the config was set for."""
    delivery = delivered(a2a, check, a2a_webhooks)
    problems = shape_problems(a2a, delivery)
    check.that(not problems, "webhook bodies do not identify task and state", actual=problems[:5])
    wrong = wrong_task_ids(a2a, delivery)
    check.that(not wrong, "webhook bodies name another task", actual=wrong[:5])


@pytest.mark.requirement("PUSH-17")
def test_payload_names_the_task(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each notification names the task whose config it was sent for."""
    delivery = delivered(a2a, check, a2a_webhooks)
    wrong = wrong_task_ids(a2a, delivery)
    check.that(
        not wrong,
        f"notifications do not name the task {delivery.task_id!r}",
        actual=wrong[:5],
    )


def _header_mismatches(delivery: Delivery, name: str, expected: str, what: str) -> list[str]:
    """Which notifications lack the header or carry another value (values never shown)."""
    out = []
    for i, note in enumerate(delivery.notes):
        value = note.headers.get(name)
        if value is None:
            out.append(f"notification {i}: no {what}")
        elif value != expected:
            out.append(f"notification {i}: {what} differs from the configured one")
    return out


@pytest.mark.requirement("PUSH-5")
def test_webhook_credentials(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each notification carries ``Authorization: <scheme> <credentials>`` of the config."""
    delivery = delivered(a2a, check, a2a_webhooks)
    wrong = _header_mismatches(
        delivery, "authorization", delivery.endpoint.authorization, "Authorization header"
    )
    check.that(
        not wrong,
        "notifications do not carry the configured credentials",
        expected=f"Authorization: {delivery.endpoint.scheme} <configured credentials>",
        actual=wrong[:5],
    )


@pytest.mark.requirement("PUSH-7")
def test_webhook_token(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each notification carries the config's token in ``X-A2A-Notification-Token``."""
    delivery = delivered(a2a, check, a2a_webhooks)
    wrong = _header_mismatches(
        delivery, "x-a2a-notification-token", delivery.endpoint.token, "notification token"
    )
    check.that(
        not wrong,
        "notifications do not carry the configured token",
        expected="X-A2A-Notification-Token: <configured token>",
        actual=wrong[:5],
    )


@pytest.mark.requirement("PUSH-6")
def test_webhook_content_type(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Webhook requests use ``Content-Type: application/a2a+json``."""
    delivery = delivered(a2a, check, a2a_webhooks)
    types = sorted(
        {n.headers.get("content-type", "").split(";")[0].strip() for n in delivery.notes}
    )
    check.equal(types, ["application/a2a+json"], what="Content-Type of the webhook requests")


def _check_every_state_notified(a2a: Target, check: Check, webhooks: Webhooks) -> None:
    delivery = delivered(a2a, check, webhooks)
    notified = set(notified_states(a2a, delivery))
    expected = delivery.streamed_states
    if expected is None:
        expected = ["(the terminal state)"]
        missing = [] if notified & TERMINAL else expected
    else:
        missing = [s for s in dict.fromkeys(expected) if s not in notified]
    check.that(
        not missing,
        "some state changes of the task were never notified",
        expected=list(dict.fromkeys(expected)),
        actual={"notified states": sorted(notified), "missing": missing},
    )


@pytest.mark.requirement("PUSH-16")
def test_every_state_change_notified(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each state the task went through after registration (as its stream showed) reaches
    the webhook at least once, up to the terminal state."""
    _check_every_state_notified(a2a, check, a2a_webhooks)


@pytest.mark.requirement("PUSH-8b")
def test_v03_every_state_change_notified(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each state the v0.3 task went through reaches the webhook, up to its final state."""
    _check_every_state_notified(a2a, check, a2a_webhooks)


@pytest.mark.requirement("PUSH-15")
def test_trace_context_carried(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Notifications carry the W3C trace context of the request that caused them (MAY: INFO
    when absent)."""
    delivery = delivered(a2a, check, a2a_webhooks)
    evidence = a2a.http.evidence
    trace_id = evidence.trace_id if evidence else None
    if not trace_id:
        check.not_applicable("this run sends no trace context (no tracer)")
    parents = [n.headers.get("traceparent") for n in delivery.notes]
    check.that(
        all(parents),
        "notifications carry no traceparent: the webhook calls cannot be tied to the request",
        actual=f"{sum(1 for p in parents if not p)} of {len(parents)} without traceparent",
    )
    foreign = [p for p in parents if p and p.split("-")[1:2] != [trace_id]]
    check.that(
        not foreign,
        "notifications carry a traceparent of another trace than the request's",
        expected=f"trace id {trace_id}",
        actual=foreign[:3],
    )
