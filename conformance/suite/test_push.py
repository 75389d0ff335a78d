"""Push notifications: config CRUD, delivery to the suite's webhook receiver, payload, secrets.

v1.0 §3.1.7-3.1.10, §3.5.1, §4.3, §13.2; v0.3 §7.5-7.8, §9.5; digest §2.14. Every check needs
``capabilities.pushNotifications`` (N/A otherwise; the gating side is in test_capabilities).
Delivery checks register a fresh endpoint of the run's receiver (``--a2a-webhook-*``) inline in
SendMessage and wait, bounded by ``--a2a-timeout``, for the notification of the task's end.
An agent that refuses the receiver's address (an SSRF guard refusing loopback) makes them N/A
with the reason: pass ``--a2a-webhook-url`` with an address it accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from conformance.client.dialects import TERMINAL
from conformance.client.jsonrpc import RpcReply
from conformance.grading import Check
from conformance.push import (
    ConfigView,
    create_params,
    delete_params,
    get_params,
    inline_config,
    list_params,
    notification_shape_problems,
    notification_state,
    notification_task_id,
    read_config,
    read_config_list,
)
from conformance.target import Target
from conformance.webhook import Endpoint, Webhooks, record_notifications
from fixtures.webhook_receiver import Notification

INVALID_PARAMS = -32602
SSRF_PROBE = "http://169.254.169.254/a2a-harness-ssrf-probe"  # link-local cloud metadata


def _needs_push(a2a: Target, check: Check) -> None:
    if not a2a.declares("pushNotifications"):
        check.not_applicable("the card does not declare capabilities.pushNotifications")


def _endpoint(a2a: Target, check: Check, webhooks: Webhooks) -> Endpoint:
    reason = webhooks.unreachable_reason(a2a.interface.url)
    if reason:
        check.not_applicable(reason)
    return webhooks.endpoint()


def _refused(check: Check, reply: RpcReply, endpoint: Endpoint) -> None:
    """N/A when the agent refused the receiver's URL itself (invalid params: an SSRF guard)."""
    if reply.error_code == INVALID_PARAMS:
        check.not_applicable(
            f"the agent refused the harness's webhook URL {endpoint.url} "
            f"({(reply.error or {}).get('message')!r}); pass --a2a-webhook-url with an address "
            "it accepts"
        )


# -- config CRUD ---------------------------------------------------------------------------------
@dataclass(slots=True)
class Crud:
    """One create/get/list/delete round on a running task, as answered."""

    endpoint: Endpoint
    task_id: str
    create: RpcReply
    created: ConfigView
    get: RpcReply | None = None
    got: ConfigView | None = None
    listed: list[ConfigView] = field(default_factory=list)
    list_problems: list[str] = field(default_factory=list)
    get_unknown: RpcReply | None = None
    delete: RpcReply | None = None
    get_after_delete: RpcReply | None = None
    listed_after_delete: list[ConfigView] = field(default_factory=list)
    delete_again: RpcReply | None = None


def _crud(a2a: Target, check: Check, webhooks: Webhooks) -> Crud:
    _needs_push(a2a, check)
    endpoint = _endpoint(a2a, check, webhooks)
    task_id = a2a.running_task()["id"]
    version = a2a.version
    create = a2a.rpc.call("push-create", create_params(version, task_id, endpoint))
    _refused(check, create, endpoint)
    crud = Crud(endpoint, task_id, create, read_config(version, create.result))
    if create.error is not None or not crud.created.id:
        return crud
    config_id = crud.created.id
    crud.get = a2a.rpc.call("push-get", get_params(version, task_id, config_id))
    crud.got = read_config(version, crud.get.result) if crud.get.has_result else None
    listing = a2a.rpc.call("push-list", list_params(version, task_id))
    if listing.has_result:
        crud.listed, crud.list_problems = read_config_list(version, listing.result)
    else:
        crud.list_problems = [f"the list call answered {listing.error or listing.doc}"]
    crud.get_unknown = a2a.rpc.call(
        "push-get", get_params(version, task_id, "a2a-harness-no-such-config")
    )
    crud.delete = a2a.rpc.call("push-delete", delete_params(version, task_id, config_id))
    crud.get_after_delete = a2a.rpc.call("push-get", get_params(version, task_id, config_id))
    after = a2a.rpc.call("push-list", list_params(version, task_id))
    if after.has_result:
        crud.listed_after_delete, _ = read_config_list(version, after.result)
    crud.delete_again = a2a.rpc.call("push-delete", delete_params(version, task_id, config_id))
    return crud


def _created(crud: Crud, check: Check) -> ConfigView:
    crud.create.expect_result(f"creating a push config for task {crud.task_id}")
    return crud.created


@pytest.mark.requirement("GATE-PUSH-WORKS")
def test_declared_push_works(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """With pushNotifications declared, creating a push config succeeds."""
    crud = _crud(a2a, check, a2a_webhooks)
    _created(crud, check)


@pytest.mark.requirement("PUSH-14")
def test_created_config_has_an_id(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Creating a config returns it with an id (the agent assigns one)."""
    created = _created(_crud(a2a, check, a2a_webhooks), check)
    check.that(created.id, "the created config has no id", actual=created.raw)


@pytest.mark.requirement("PUSH-1")
def test_configs_are_well_formed(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Created, fetched and listed configs have the version's shape."""
    crud = _crud(a2a, check, a2a_webhooks)
    created = _created(crud, check)
    problems = [f"create: {p}" for p in created.problems]
    problems += [f"get: {p}" for p in (crud.got.problems if crud.got else [])]
    problems += [f"list: {p}" for p in crud.list_problems]
    check.that(not problems, "push configs are malformed", actual=problems[:6])


@pytest.mark.requirement("OP-11")
def test_created_config_persists(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """A created config is there afterwards: GetTaskPushNotificationConfig returns it."""
    crud = _crud(a2a, check, a2a_webhooks)
    created = _created(crud, check)
    check.that(created.id, "the created config has no id to get it by", actual=created.raw)
    assert crud.get is not None
    got = read_config(a2a.version, crud.get.expect_result("getting the config just created"))
    check.equal(got.url, crud.endpoint.url, what="url of the stored config")


@pytest.mark.requirement("OP-11b")
def test_get_config(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Get returns the config (id, URL); an unknown config id fails with an error."""
    crud = _crud(a2a, check, a2a_webhooks)
    created = _created(crud, check)
    check.that(created.id, "the created config has no id to get it by", actual=created.raw)
    assert crud.get is not None and crud.get_unknown is not None
    got = read_config(a2a.version, crud.get.expect_result("getting the config just created"))
    check.equal(got.id, created.id, what="id of the fetched config")
    check.equal(got.url, crud.endpoint.url, what="url of the fetched config")
    check.that(
        crud.get_unknown.error is not None,
        "getting a config id that does not exist did not fail",
        expected="a JSON-RPC error",
        actual=crud.get_unknown.doc,
    )


@pytest.mark.requirement("OP-11c")
def test_list_configs(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """List returns every active config of the task, the new one included."""
    crud = _crud(a2a, check, a2a_webhooks)
    created = _created(crud, check)
    check.that(not crud.list_problems, "the list answer is malformed", actual=crud.list_problems)
    ids = [v.id for v in crud.listed]
    check.that(created.id in ids, "the new config is not listed", actual=ids)


@pytest.mark.requirement("OP-11e")
def test_deleted_config_is_gone(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """After a delete, get fails and list no longer shows the config."""
    crud = _crud(a2a, check, a2a_webhooks)
    created = _created(crud, check)
    check.that(created.id, "the created config has no id to delete it by", actual=created.raw)
    assert crud.delete is not None and crud.get_after_delete is not None
    crud.delete.expect_result("deleting the config")
    check.that(
        crud.get_after_delete.error is not None,
        "the deleted config can still be fetched",
        actual=crud.get_after_delete.doc,
    )
    ids = [v.id for v in crud.listed_after_delete]
    check.that(created.id not in ids, "the deleted config is still listed", actual=ids)


@pytest.mark.requirement("OP-11f")
def test_delete_is_idempotent(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Deleting the same config twice has the same effect: the second delete succeeds too."""
    crud = _crud(a2a, check, a2a_webhooks)
    _created(crud, check)
    assert crud.delete is not None and crud.delete_again is not None
    crud.delete.expect_result("deleting the config")
    crud.delete_again.expect_result("deleting the same config again")


# -- delivery ------------------------------------------------------------------------------------
@dataclass(slots=True)
class Delivery:
    """A task run with an inline webhook, and what the webhook received."""

    endpoint: Endpoint
    task_id: str
    notes: list[Notification]
    streamed_states: list[str] | None  # states the task went through (from its stream)
    waited_s: float


def _final(version: str, notes: list[Notification]) -> bool:
    return any(notification_state(version, n.json) in TERMINAL for n in notes)


def _deliver(a2a: Target, check: Check, webhooks: Webhooks) -> Delivery:
    _needs_push(a2a, check)
    endpoint = _endpoint(a2a, check, webhooks)
    member, config = inline_config(a2a.version, endpoint)
    params = a2a.dialect.send_params(a2a.message("complete"))
    params.setdefault("configuration", {})[member] = config
    streamed: list[str] | None = None
    if a2a.declares("streaming"):
        stream = a2a.open_stream("stream", params)
        if not stream.is_sse:
            assert stream.plain is not None
            _refused(check, stream.plain, endpoint)
            check.fail(
                "a streaming send with an inline push config was not answered with a stream",
                actual=stream.plain.doc if stream.plain.is_object else stream.plain.parse_error,
            )
        record = a2a.read_stream(stream)
        tasks = [i.body for i in record.items if i.kind == "task"]
        if not tasks:
            check.not_applicable("the agent answered the 'complete' prompt without a task")
        task_id = tasks[0]["id"]
        streamed = [
            a2a.dialect.task_state({"status": i.body.get("status")})
            for i in record.items
            if i.kind == "status-update"
        ]
    else:
        if a2a.version == "0.3":
            params["configuration"]["blocking"] = True
        reply = a2a.rpc.call("send", params)
        _refused(check, reply, endpoint)
        task = a2a.read_send(reply)
        if task.kind != "task":
            check.not_applicable("the agent answered the 'complete' prompt with a Message")
        task_id = task.body["id"]
    timeout = a2a.http.timeout
    notes = webhooks.wait(endpoint, lambda got: _final(a2a.version, got), timeout=timeout)
    record_notifications(a2a.http.evidence, endpoint, notes, a2a.http.redactor)
    return Delivery(endpoint, task_id, notes, streamed, timeout)


def _delivered(a2a: Target, check: Check, webhooks: Webhooks) -> Delivery:
    delivery = _deliver(a2a, check, webhooks)
    check.that(
        delivery.notes,
        f"no notification reached the webhook within {delivery.waited_s:g}s of the task's end",
        expected="at least one POST to the configured webhook",
        actual="nothing",
    )
    return delivery


@pytest.mark.requirement("PUSH-2")
def test_inline_config_registered(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """A config given inline in SendMessage is registered: the webhook hears about the task."""
    delivery = _deliver(a2a, check, a2a_webhooks)
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
    _delivered(a2a, check, a2a_webhooks)


@pytest.mark.requirement("PUSH-8b")
def test_v03_notification_delivered(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """The agent POSTs to the configured webhook when the task's state changes."""
    _delivered(a2a, check, a2a_webhooks)


def _shape_problems(a2a: Target, delivery: Delivery) -> list[str]:
    problems = []
    for i, note in enumerate(delivery.notes):
        if note.json_error:
            problems.append(f"notification {i}: not JSON ({note.json_error})")
        else:
            problems += [
                f"notification {i}: {p}"
                for p in notification_shape_problems(a2a.version, note.json)
            ]
    return problems


@pytest.mark.requirement("PUSH-3")
def test_payload_is_a_stream_response(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each webhook body is a StreamResponse holding exactly one task, message, statusUpdate
    or artifactUpdate."""
    problems = _shape_problems(a2a, _delivered(a2a, check, a2a_webhooks))
    check.that(not problems, "webhook bodies are not StreamResponse objects", actual=problems[:5])


@pytest.mark.requirement("PUSH-4")
def test_v03_payload_identifies_task(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each v0.3 webhook body identifies the task and its state (the Task, as in §9.5), and
    names the task the config was set for."""
    delivery = _delivered(a2a, check, a2a_webhooks)
    problems = _shape_problems(a2a, delivery)
    check.that(not problems, "webhook bodies do not identify task and state", actual=problems[:5])
    wrong = _wrong_task_ids(a2a, delivery)
    check.that(not wrong, "webhook bodies name another task", actual=wrong[:5])


def _wrong_task_ids(a2a: Target, delivery: Delivery) -> list[str]:
    return [
        f"notification {i}: task {notification_task_id(a2a.version, n.json)!r}"
        for i, n in enumerate(delivery.notes)
        if notification_task_id(a2a.version, n.json) != delivery.task_id
    ]


@pytest.mark.requirement("PUSH-17")
def test_payload_names_the_task(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Each notification names the task whose config it was sent for."""
    delivery = _delivered(a2a, check, a2a_webhooks)
    wrong = _wrong_task_ids(a2a, delivery)
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
    delivery = _delivered(a2a, check, a2a_webhooks)
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
    delivery = _delivered(a2a, check, a2a_webhooks)
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
    delivery = _delivered(a2a, check, a2a_webhooks)
    types = sorted(
        {n.headers.get("content-type", "").split(";")[0].strip() for n in delivery.notes}
    )
    check.equal(types, ["application/a2a+json"], what="Content-Type of the webhook requests")


def _notified_states(a2a: Target, delivery: Delivery) -> list[str]:
    return [
        state
        for n in delivery.notes
        if (state := notification_state(a2a.version, n.json)) is not None
    ]


def _check_every_state_notified(a2a: Target, check: Check, webhooks: Webhooks) -> None:
    delivery = _delivered(a2a, check, webhooks)
    notified = set(_notified_states(a2a, delivery))
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
    delivery = _delivered(a2a, check, a2a_webhooks)
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


@pytest.mark.requirement("PUSH-12")
def test_ssrf_guard(a2a: Target, check: Check) -> None:
    """A webhook on a link-local address (cloud metadata) is refused: PASS when refused, INFO
    when accepted (the spec recommends the guard; a private deployment may not need it).

    The config goes on a finished task, so no notification is ever sent to that address."""
    _needs_push(a2a, check)
    task = a2a.task_or_na("echo")
    if not a2a.dialect.is_terminal(task):
        check.not_applicable("the probe task did not finish")
    version = a2a.version
    probe = Endpoint("/", SSRF_PROBE, "a2a-harness-ssrf-token", "Bearer", "a2a-harness-ssrf")
    reply = a2a.rpc.call("push-create", create_params(version, task["id"], probe))
    if reply.error is not None:
        check.note(
            f"the agent refused a webhook on {SSRF_PROBE} ({reply.error.get('message')!r}): "
            "an SSRF guard"
        )
        return
    created: Any = read_config(version, reply.result)
    if created.id:
        a2a.rpc.call("push-delete", delete_params(version, task["id"], created.id))
    check.info(
        f"the agent accepted a webhook on the link-local address {SSRF_PROBE}: without an SSRF "
        "guard, webhook URLs can make the agent call internal services (v1.0 §13.2 SHOULD)"
    )
