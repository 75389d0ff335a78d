"""Multi-instance consistency behind one load-balanced URL (``--a2a-load-balanced``).

The probabilistic variant of ``test_multi_instance``: the harness cannot pick an instance, so
each check does something once and then repeats the reads (:data:`READS` GetTask right after a
create, for example). A deployment whose instances keep separate state answers some of them
from an instance that never saw the task; the evidence lists which reads missed. A PASS means
no read missed this time, which on a balancer that spreads requests is strong evidence, never
proof. Without the option (or with several ``--agent-url``) every check here is N/A.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.grading import Check
from conformance.instances import Instances
from conformance.push import create_params, get_params, read_config
from conformance.stream_rules import comparable
from conformance.target import Target
from conformance.webhook import Webhooks

from ._multi import (
    CANCELED,
    card_differences,
    describe_task_reply,
    etag_problems,
    listing_problems,
    misses,
    sequence_problems,
)
from ._push import endpoint_or_na, needs_push, refused
from ._streams import needs_streaming, read_to_end, timeline

READS = 20  # reads after a write: with two instances, a split state misses about half of them
LISTINGS = 10
SUBSCRIBERS = 3


def _target(balanced: Instances) -> Target:
    return balanced.targets[0]


def _missed(check: Check, what: str, expected: str, observed: list[tuple[str, str]]) -> None:
    missed = misses(expected, observed)
    check.that(
        not missed,
        f"{len(missed)} of {len(observed)} {what} missed: the instances behind the URL do not "
        "share state",
        expected=f"{expected} on every read",
        actual=missed,
    )


def _get_reads(target: Target, task_id: str, count: int = READS) -> list[tuple[str, str]]:
    out = []
    for i in range(count):
        reply = target.get_task_reply(task_id)
        out.append((f"read {i + 1}", describe_task_reply(target.dialect, reply, task_id)))
    return out


@pytest.mark.requirement("MULTI-1")
def test_reads_after_create_agree(a2a_balanced: Instances, check: Check) -> None:
    """Every one of READS GetTask right after a (finished) task's creation returns it, in the
    state the send reported."""
    target = _target(a2a_balanced)
    task = target.task_or_na("complete")
    if not target.dialect.is_terminal(task):
        check.not_applicable("the probe task did not finish, so its state can move between reads")
    state = target.dialect.task_state(task)
    _missed(check, "GetTask reads", state, _get_reads(target, task["id"]))


@pytest.mark.requirement("MULTI-2")
def test_subscribers_agree(a2a_balanced: Instances, check: Check) -> None:
    """Several subscriptions to one running task, through the balancer, all stream it and
    receive the same events in the same order."""
    target = _target(a2a_balanced)
    needs_streaming(target, check)
    task = target.task_or_na("stream-long", blocking=False, timeout=min(5.0, target.http.timeout))
    target.to_cancel.append(task["id"])
    if target.dialect.is_terminal(task):
        check.not_applicable("the 'stream-long' task had already finished when the send answered")
    params = target.dialect.task_id_params(task["id"])
    opened = [
        (f"subscription {i + 1}", target.open_stream("subscribe", params))
        for i in range(SUBSCRIBERS)
    ]
    refused_by = [
        f"{label}: {s.plain.doc if s.plain and s.plain.is_object else 'not SSE'}"
        for label, s in opened
        if not s.is_sse
    ]
    if refused_by:
        for _, s in opened:
            s.close()
        check.fail(
            f"{len(refused_by)} of {len(opened)} subscriptions were refused: the instances "
            "behind the URL do not share the task",
            actual=refused_by,
        )
    ended = {label: read_to_end(target, s) for label, s in opened}

    def updates(items: list[Any]) -> list[str]:
        start = 1 if items[:1] and items[0].kind == "task" else 0
        return [comparable(item) for item in items[start:]]

    problems = sequence_problems({k: updates(e.record.items) for k, e in ended.items()})
    check.that(
        not problems,
        "subscriptions to one task through the balancer received different events",
        actual={"problems": problems, **{k: timeline(e.record) for k, e in ended.items()}},
    )


@pytest.mark.requirement("MULTI-3")
def test_push_config_visible_on_every_read(
    a2a_balanced: Instances, check: Check, a2a_webhooks: Webhooks
) -> None:
    """A push config created on a running task is returned by every one of READS gets."""
    target = _target(a2a_balanced)
    needs_push(target, check)
    endpoint = endpoint_or_na(target, check, a2a_webhooks)
    task_id = target.running_task()["id"]
    create = target.rpc.call("push-create", create_params(target.version, task_id, endpoint))
    refused(check, create, endpoint)
    created = read_config(
        target.version,
        create.expect_result("creating a push config just after the task (through the balancer)"),
    )
    if not created.id:
        check.not_applicable("the created config has no id to get it by")
    observed = []
    for i in range(READS):
        got = target.rpc.call("push-get", get_params(target.version, task_id, created.id))
        seen = (
            "found"
            if got.has_result and read_config(target.version, got.result).url == endpoint.url
            else f"error {got.error_code}: {(got.error or {}).get('message')}"
            if got.error
            else "another config"
        )
        observed.append((f"read {i + 1}", seen))
    _missed(check, "push-config gets", "found", observed)


def _context(target: Target, check: Check, count: int = 3) -> tuple[str, list[str]]:
    first = target.task_or_na("echo")
    context = first.get("contextId")
    if not isinstance(context, str) or not context:
        check.not_applicable("the probe task has no contextId to filter on")
    ids = [first["id"]]
    for _ in range(count - 1):
        reply = target.send_reply("echo", context_id=context)
        if reply.has_result:
            read = target.read_send(reply)
            if read.kind == "task":
                ids.append(read.body["id"])
    return context, ids


@pytest.mark.requirement("MULTI-4")
def test_listings_agree(a2a_balanced: Instances, check: Check) -> None:
    """LISTINGS ListTasks of one context list the same tasks in the same order."""
    target = _target(a2a_balanced)
    context, ids = _context(target, check)
    listings: dict[str, list[Any]] = {}
    for i in range(LISTINGS):
        reply = target.rpc.call("list", {"contextId": context})
        result = reply.result if reply.has_result and isinstance(reply.result, dict) else {}
        tasks = result.get("tasks")
        listed = (
            [t.get("id") for t in tasks if isinstance(t, dict)] if isinstance(tasks, list) else []
        )
        # An error answer is a listing too: it differs from every real one.
        listings[f"listing {i + 1}"] = [f"error {reply.error_code}"] if reply.error else listed
    problems = listing_problems(listings)
    check.that(
        not problems,
        "listings of one context through the balancer differ",
        expected=f"the same {len(ids)} tasks every time",
        actual=problems[:10],
    )
    first = target.rpc.call("list", {"contextId": context, "pageSize": 2})
    token = first.result.get("nextPageToken") if isinstance(first.result, dict) else None
    if not isinstance(token, str) or not token:
        return  # one page held every task: no token to follow
    pages: dict[str, list[Any]] = {}
    for i in range(LISTINGS):
        reply = target.rpc.call("list", {"contextId": context, "pageSize": 2, "pageToken": token})
        tasks = reply.result.get("tasks") if isinstance(reply.result, dict) else None
        listed = (
            [t.get("id") for t in tasks if isinstance(t, dict)] if isinstance(tasks, list) else []
        )
        pages[f"page read {i + 1}"] = [f"error {reply.error_code}"] if reply.error else listed
    problems = listing_problems(pages)
    check.that(
        not problems, "one page token gives different pages through the balancer", actual=problems
    )


@pytest.mark.requirement("MULTI-5")
def test_card_stable_on_every_read(a2a_balanced: Instances, check: Check) -> None:
    """READS fetches of the agent card return one card with one ETag."""
    agent = a2a_balanced.agents[0]
    url = agent.card_url or agent.origin + "/.well-known/agent-card.json"
    cards: dict[str, Any] = {}
    etags: dict[str, str | None] = {}
    for i in range(READS):
        response = a2a_balanced.http.request("GET", url, headers={"Accept": "application/json"})
        try:
            cards[f"fetch {i + 1}"] = json.loads(response.body) if response.status == 200 else None
        except ValueError:
            cards[f"fetch {i + 1}"] = None
        etags[f"fetch {i + 1}"] = response.headers.get("etag")
    differences = card_differences(cards)
    check.that(not differences, "the card changes from fetch to fetch", actual=differences[:10])
    problems = etag_problems(etags)
    check.that(not problems, "the card's ETag changes from fetch to fetch", actual=problems[:10])


@pytest.mark.requirement("MULTI-6")
def test_cancel_holds_on_every_read(a2a_balanced: Instances, check: Check) -> None:
    """A running task canceled through the balancer reads canceled on every one of READS
    GetTask (the instance running it must not carry on)."""
    target = _target(a2a_balanced)
    task_id = target.running_task()["id"]
    reply = target.cancel_reply(task_id)
    answer = describe_task_reply(target.dialect, reply, task_id)
    check.that(
        answer == CANCELED,
        "CancelTask through the balancer did not cancel the task just created",
        expected="the task, canceled",
        actual=answer,
    )
    observed = _get_reads(target, task_id)
    _missed(check, "GetTask reads after the cancel", CANCELED, observed)
