"""Helpers the push-notification checks share: probes, the CRUD round, the delivery run.

The CRUD round creates, gets, lists and deletes a config on a running task; the delivery run
sends the ``complete`` prompt with a fresh endpoint of the run's receiver given inline (streamed
when the agent streams, so the states the task went through are known) and waits, bounded by
``--a2a-timeout``, for the notification of the task's end. An agent that refuses the receiver's
address (an SSRF guard refusing loopback) makes the checks N/A with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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

__all__ = [
    "UNKNOWN_CONFIG",
    "Crud",
    "Delivery",
    "created_config",
    "crud_round",
    "deliver",
    "delivered",
    "endpoint_or_na",
    "needs_push",
    "notified_states",
    "refused",
    "shape_problems",
    "wrong_task_ids",
]

INVALID_PARAMS = -32602
UNKNOWN_CONFIG = "a2a-harness-no-such-config"


def needs_push(a2a: Target, check: Check) -> None:
    if not a2a.declares("pushNotifications"):
        check.not_applicable("the card does not declare capabilities.pushNotifications")


def endpoint_or_na(a2a: Target, check: Check, webhooks: Webhooks) -> Endpoint:
    reason = webhooks.unreachable_reason(a2a.interface.url)
    if reason:
        check.not_applicable(reason)
    return webhooks.endpoint()


def refused(check: Check, reply: RpcReply, endpoint: Endpoint) -> None:
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


def crud_round(a2a: Target, check: Check, webhooks: Webhooks) -> Crud:
    needs_push(a2a, check)
    endpoint = endpoint_or_na(a2a, check, webhooks)
    task_id = a2a.running_task()["id"]
    version = a2a.version
    create = a2a.rpc.call("push-create", create_params(version, task_id, endpoint))
    refused(check, create, endpoint)
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
    crud.get_unknown = a2a.rpc.call("push-get", get_params(version, task_id, UNKNOWN_CONFIG))
    crud.delete = a2a.rpc.call("push-delete", delete_params(version, task_id, config_id))
    crud.get_after_delete = a2a.rpc.call("push-get", get_params(version, task_id, config_id))
    after = a2a.rpc.call("push-list", list_params(version, task_id))
    if after.has_result:
        crud.listed_after_delete, _ = read_config_list(version, after.result)
    crud.delete_again = a2a.rpc.call("push-delete", delete_params(version, task_id, config_id))
    return crud


def created_config(crud: Crud, check: Check) -> ConfigView:
    crud.create.expect_result(f"creating a push config for task {crud.task_id}")
    return crud.created


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


def deliver(a2a: Target, check: Check, webhooks: Webhooks) -> Delivery:
    needs_push(a2a, check)
    endpoint = endpoint_or_na(a2a, check, webhooks)
    member, config = inline_config(a2a.version, endpoint)
    params = a2a.dialect.send_params(a2a.message("complete"))
    params.setdefault("configuration", {})[member] = config
    streamed: list[str] | None = None
    if a2a.declares("streaming"):
        stream = a2a.open_stream("stream", params)
        if not stream.is_sse:
            assert stream.plain is not None
            refused(check, stream.plain, endpoint)
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
        refused(check, reply, endpoint)
        task = a2a.read_send(reply)
        if task.kind != "task":
            check.not_applicable("the agent answered the 'complete' prompt with a Message")
        task_id = task.body["id"]
    timeout = a2a.http.timeout
    notes = webhooks.wait(endpoint, lambda got: _final(a2a.version, got), timeout=timeout)
    record_notifications(a2a.http.evidence, endpoint, notes, a2a.http.redactor)
    return Delivery(endpoint, task_id, notes, streamed, timeout)


def delivered(a2a: Target, check: Check, webhooks: Webhooks) -> Delivery:
    delivery = deliver(a2a, check, webhooks)
    check.that(
        delivery.notes,
        f"no notification reached the webhook within {delivery.waited_s:g}s of the task's end",
        expected="at least one POST to the configured webhook",
        actual="nothing",
    )
    return delivery


def shape_problems(a2a: Target, delivery: Delivery) -> list[str]:
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


def wrong_task_ids(a2a: Target, delivery: Delivery) -> list[str]:
    return [
        f"notification {i}: task {notification_task_id(a2a.version, n.json)!r}"
        for i, n in enumerate(delivery.notes)
        if notification_task_id(a2a.version, n.json) != delivery.task_id
    ]


def notified_states(a2a: Target, delivery: Delivery) -> list[str]:
    return [
        state
        for n in delivery.notes
        if (state := notification_state(a2a.version, n.json)) is not None
    ]
