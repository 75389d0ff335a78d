"""Push-notification configs: create, get, list, delete, and the SSRF guard on webhook URLs.

v1.0 §3.1.7-3.1.10, §13.2; v0.3 §7.5-7.8, §10.2; digest §2.14. Every check needs
``capabilities.pushNotifications`` (N/A otherwise; the gating side is in test_capabilities). The
CRUD round (see ``_push``) registers an endpoint of the run's receiver (``--a2a-webhook-*``) on
a running task; an agent that refuses the receiver's address makes the checks N/A with the
reason: pass ``--a2a-webhook-url`` with an address it accepts.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client.jsonrpc import RpcReply
from conformance.grading import Check
from conformance.push import create_params, delete_params, read_config
from conformance.target import Target
from conformance.webhook import Endpoint, Webhooks

from ._push import UNKNOWN_CONFIG, created_config, crud_round, needs_push

SSRF_PROBE = "http://169.254.169.254/a2a-harness-ssrf-probe"  # link-local cloud metadata


@pytest.mark.requirement("GATE-PUSH-WORKS")
def test_declared_push_works(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """With pushNotifications declared, creating a push config succeeds."""
    crud = crud_round(a2a, check, a2a_webhooks)
    created_config(crud, check)


@pytest.mark.requirement("PUSH-14")
def test_created_config_has_an_id(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Creating a config returns it with an id (the agent assigns one)."""
    created = created_config(crud_round(a2a, check, a2a_webhooks), check)
    check.that(created.id, "the created config has no id", actual=created.raw)


@pytest.mark.requirement("PUSH-1")
def test_configs_are_well_formed(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Created, fetched and listed configs have the version's shape."""
    crud = crud_round(a2a, check, a2a_webhooks)
    created = created_config(crud, check)
    problems = [f"create: {p}" for p in created.problems]
    problems += [f"get: {p}" for p in (crud.got.problems if crud.got else [])]
    problems += [f"list: {p}" for p in crud.list_problems]
    check.that(not problems, "push configs are malformed", actual=problems[:6])


@pytest.mark.requirement("OP-11")
def test_created_config_persists(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """A created config is there afterwards: GetTaskPushNotificationConfig returns it."""
    crud = crud_round(a2a, check, a2a_webhooks)
    created = created_config(crud, check)
    check.that(created.id, "the created config has no id to get it by", actual=created.raw)
    assert crud.get is not None
    got = read_config(a2a.version, crud.get.expect_result("getting the config just created"))
    check.equal(got.url, crud.endpoint.url, what="url of the stored config")


@pytest.mark.requirement("OP-11b")
def test_get_config(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """Get returns the config (id, URL); an unknown config id fails with an error."""
    crud = crud_round(a2a, check, a2a_webhooks)
    created = created_config(crud, check)
    check.that(created.id, "the created config has no id to get it by", actual=created.raw)
    assert crud.get is not None and crud.get_unknown is not None
    got = read_config(a2a.version, crud.get.expect_result("getting the config just created"))
    check.equal(got.id, created.id, what="id of the fetched config")
    check.equal(got.url, crud.endpoint.url, what="url of the fetched config")
    if crud.get_unknown.error is None:
        other = read_config(a2a.version, crud.get_unknown.result).id
        check.fail(
            f"getting the config id {UNKNOWN_CONFIG!r}, which does not exist, did not fail"
            + (f": the answer is config {other!r}" if other else ""),
            expected="a JSON-RPC error",
            actual=crud.get_unknown.doc,
        )


@pytest.mark.requirement("OP-11c")
def test_list_configs(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """List returns every active config of the task, the new one included."""
    crud = crud_round(a2a, check, a2a_webhooks)
    created = created_config(crud, check)
    check.that(not crud.list_problems, "the list answer is malformed", actual=crud.list_problems)
    ids = [v.id for v in crud.listed]
    check.that(created.id in ids, "the new config is not listed", actual=ids)


@pytest.mark.requirement("OP-11e")
def test_deleted_config_is_gone(a2a: Target, check: Check, a2a_webhooks: Webhooks) -> None:
    """After a delete, get fails and list no longer shows the config."""
    crud = crud_round(a2a, check, a2a_webhooks)
    created = created_config(crud, check)
    check.that(created.id, "the created config has no id to delete it by", actual=created.raw)
    assert crud.delete is not None and crud.get_after_delete is not None
    _deleted(crud.delete, check, "deleting the config")
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
    crud = crud_round(a2a, check, a2a_webhooks)
    created_config(crud, check)
    assert crud.delete is not None and crud.delete_again is not None
    _deleted(crud.delete, check, "deleting the config")
    _deleted(crud.delete_again, check, "deleting the same config again")


def _deleted(reply: RpcReply, check: Check, what: str) -> None:
    """A delete succeeded: an answer that is not an error. Its envelope (v0.3 result null, v1.0
    an empty object) is the JSON-RPC checks' business, so a missing result is only noted."""
    if reply.error is not None or not reply.is_object:
        check.fail(f"{what} failed", expected="success", actual=reply.error or reply.doc)
    if not reply.has_result:
        check.note(f"{what}: the success answer has no result member (JSON-RPC requires one)")


@pytest.mark.requirement("PUSH-12")
def test_ssrf_guard(a2a: Target, check: Check) -> None:
    """A webhook on a link-local address (cloud metadata) is refused: PASS when refused, INFO
    when accepted (the spec recommends the guard; a private deployment may not need it).

    The config goes on a finished task, so no notification is ever sent to that address."""
    needs_push(a2a, check)
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
