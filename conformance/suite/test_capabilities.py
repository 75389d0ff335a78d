"""Capabilities honest both ways: declared ones work, undeclared ones answer the gating error.

Push notifications, the extended card and required extensions (v1.0 §3.3.4, §3.1.7-3.1.11,
§4.6.3; v0.3 §7.5, §7.10; digest §2.3, §2.6, §2.8, §2.14).
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client.jsonrpc import RpcReply
from conformance.grading import Check
from conformance.target import Target

TASK_NOT_FOUND, PUSH_NOT_SUPPORTED, UNSUPPORTED_OPERATION = -32001, -32003, -32004
EXTENSION_REQUIRED = -32008
WEBHOOK = "https://a2a-harness.invalid/webhook"  # .invalid never resolves (RFC 2606)


def _push_calls(a2a: Target, task_id: str) -> dict[str, RpcReply]:
    """One call of each push-config operation on ``task_id``."""
    create: dict[str, Any]
    if a2a.version == "1.0":
        create = {"taskId": task_id, "url": WEBHOOK}
        get = {"taskId": task_id, "id": "a2a-harness-config"}
        listing = {"taskId": task_id}
        delete = {"taskId": task_id, "id": "a2a-harness-config"}
    else:
        create = {"taskId": task_id, "pushNotificationConfig": {"url": WEBHOOK}}
        get = {"id": task_id, "pushNotificationConfigId": "a2a-harness-config"}
        listing = {"id": task_id}
        delete = {"id": task_id, "pushNotificationConfigId": "a2a-harness-config"}
    return {
        op: a2a.rpc.call(op, params)
        for op, params in (
            ("push-create", create),
            ("push-get", get),
            ("push-list", listing),
            ("push-delete", delete),
        )
    }


def _check_push_refused(a2a: Target, check: Check) -> None:
    if a2a.declares("pushNotifications"):
        check.not_applicable("the card declares capabilities.pushNotifications")
    task = a2a.task_or_na("echo")
    wrong = {
        a2a.dialect.method(op): reply.error_code if reply.error else "success"
        for op, reply in _push_calls(a2a, task["id"]).items()
        if reply.error_code != PUSH_NOT_SUPPORTED
    }
    check.that(
        not wrong, "push-config operations not refused with -32003", expected=-32003, actual=wrong
    )


@pytest.mark.requirement("GATE-PUSH")
def test_undeclared_push_refused(a2a: Target, check: Check) -> None:
    """Without pushNotifications, every push-config operation fails with -32003 (v1.0 MUST)."""
    _check_push_refused(a2a, check)


@pytest.mark.requirement("GATE-PUSH-V03")
def test_undeclared_push_refused_v03(a2a: Target, check: Check) -> None:
    """Without pushNotifications, every v0.3 push-config operation fails with -32003 (SHOULD)."""
    _check_push_refused(a2a, check)


@pytest.mark.requirement("PUSH-13")
def test_push_config_on_unknown_task(a2a: Target, check: Check) -> None:
    """With push declared, push-config operations on an unknown task fail with -32001."""
    if not a2a.declares("pushNotifications"):
        check.not_applicable("the card does not declare capabilities.pushNotifications")
    replies = _push_calls(a2a, a2a.unknown_task_id())
    wrong = {
        a2a.dialect.method(op): reply.error_code if reply.error else "success"
        for op, reply in replies.items()
        if op != "push-delete" and reply.error_code != TASK_NOT_FOUND
    }
    check.that(
        not wrong, "push-config operations on an unknown task", expected=-32001, actual=wrong
    )


def _extended_card(a2a: Target) -> RpcReply:
    return a2a.rpc.call("extended-card", {})


@pytest.mark.requirement("EXT-3")
def test_undeclared_extended_card_refused(a2a: Target, check: Check) -> None:
    """Without capabilities.extendedAgentCard, GetExtendedAgentCard fails with -32004."""
    if a2a.declares("extendedAgentCard"):
        check.not_applicable("the card declares capabilities.extendedAgentCard")
    _extended_card(a2a).expect_error(
        UNSUPPORTED_OPERATION, "GetExtendedAgentCard without the capability"
    )


@pytest.mark.requirement("EXT-1")
def test_declared_extended_card_served(a2a: Target, check: Check) -> None:
    """With the extended card declared, the extended-card operation returns an AgentCard."""
    if not a2a.declares("extendedAgentCard"):
        check.not_applicable("the card does not declare an extended card")
    reply = _extended_card(a2a)
    if reply.status in (401, 403):
        check.not_applicable(
            f"the extended card needs credentials (HTTP {reply.status}); pass --a2a-header"
        )
    card: Any = reply.expect_result(f"{a2a.dialect.method('extended-card')}")
    check.that(
        isinstance(card, dict) and isinstance(card.get("name"), str) and "capabilities" in card,
        "the result is not an AgentCard",
        actual=card,
    )


@pytest.mark.requirement("EXTN-3")
def test_required_extension_enforced(a2a: Target, check: Check) -> None:
    """A request that does not opt in to a required extension fails with -32008."""
    required = a2a.required_extensions()
    if not required:
        check.not_applicable("the card marks no extension required")
    params = a2a.send_params("echo")
    reply = a2a.rpc.call("send", params, headers={"A2A-Extensions": None})
    reply.expect_error(EXTENSION_REQUIRED, f"SendMessage without opting in to {required}")
