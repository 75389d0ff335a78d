"""Multi-instance consistency: several ``--agent-url``, each an instance of one deployment.

v1.0 §3.1.3-3.1.10, §3.5.2, §8.6.1; v0.3 §7.3-7.5. A task created through instance 1 must be
read, canceled, subscribed to, listed and configured for push through any other instance, and
what one instance does must hold on all of them (digest: a scaled-out agent is one agent).
With one ``--agent-url`` every check here is N/A ("give two or more instance URLs");
``test_multi_balanced`` covers one URL that balances over several instances.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from conformance.client.dialects import TERMINAL
from conformance.grading import Check
from conformance.instances import Instances
from conformance.push import (
    create_params,
    delete_params,
    get_params,
    list_params,
    notification_state,
    read_config,
    read_config_list,
)
from conformance.stream_rules import comparable
from conformance.target import Target
from conformance.webhook import Webhooks, record_notifications

from ._multi import (
    CANCELED,
    NOT_CANCELABLE,
    card_differences,
    describe_task_reply,
    etag_problems,
    listing_problems,
    misses,
    race_problems,
    sequence_problems,
)
from ._push import endpoint_or_na, needs_push, refused
from ._streams import Ended, needs_streaming, read_to_end, timeline

HOLD_ROUNDS = 3  # reads of every instance after a cancel: the state must not move back
RACES = 3  # cancels racing a short task's own end
MAX_PAGES = 10


def _labelled(instances: Instances) -> list[tuple[str, Target]]:
    return list(zip(instances.labels, instances.targets, strict=True))


def _reads(instances: Instances, task_id: str, rounds: int = 1) -> list[tuple[str, str]]:
    """``(label, state or error)`` of GetTask through every instance, ``rounds`` times."""
    out = []
    for round_ in range(rounds):
        for label, target in _labelled(instances):
            reply = target.get_task_reply(task_id)
            if reply.has_result:
                target.observe_task(reply.result)
            name = label if rounds == 1 else f"{label} read {round_ + 1}"
            out.append((name, describe_task_reply(target.dialect, reply, task_id)))
    return out


def _cancel_through(target: Target, label: str, task_id: str, check: Check) -> None:
    """Cancel through ``target``; anything but the canceled task fails the check."""
    reply = target.cancel_reply(task_id)
    seen = describe_task_reply(target.dialect, reply, task_id)
    check.that(
        seen == CANCELED,
        f"CancelTask through {label} of a task created through instance 1 did not cancel it",
        expected="the task, canceled",
        actual=seen,
    )


@pytest.mark.requirement("MULTI-1")
def test_task_read_through_every_instance(a2a_instances: Instances, check: Check) -> None:
    """A finished task created through instance 1 is read, in its state, through every other."""
    first = a2a_instances.targets[0]
    task = first.task_or_na("complete")
    if not first.dialect.is_terminal(task):
        check.not_applicable("the probe task did not finish, so its state can move between reads")
    state = first.dialect.task_state(task)
    missed = misses(state, _reads(a2a_instances, task["id"]))
    check.that(
        not missed,
        "a task created through instance 1 is not read as it is through every instance",
        expected=f"{state} through every instance",
        actual=missed,
    )


@pytest.mark.requirement("MULTI-1")
def test_task_canceled_through_another_instance(a2a_instances: Instances, check: Check) -> None:
    """A running task created through instance 1 is canceled through instance 2."""
    first = a2a_instances.targets[0]
    task = first.running_task()
    label, second = _labelled(a2a_instances)[1]
    _cancel_through(second, label, task["id"], check)


@pytest.mark.requirement("MULTI-1")
def test_task_subscribed_through_another_instance(a2a_instances: Instances, check: Check) -> None:
    """A streaming task created through instance 1 is subscribed to through instance 2, and the
    stream follows it to its end."""
    first = a2a_instances.targets[0]
    needs_streaming(first, check)
    task = _running_stream_task(first, check)
    label, second = _labelled(a2a_instances)[1]
    ended = _subscribe(second, label, task["id"], check)
    check.that(
        ended.stayed_open is None and _ends_terminal(second, ended),
        f"the subscription through {label} did not follow the task to its terminal state",
        actual=timeline(ended.record),
    )


def _running_stream_task(target: Target, check: Check) -> dict[str, Any]:
    task = target.task_or_na("stream-long", blocking=False, timeout=min(5.0, target.http.timeout))
    target.to_cancel.append(task["id"])
    if target.dialect.is_terminal(task):
        check.not_applicable("the 'stream-long' task had already finished when the send answered")
    return task


def _subscribe(target: Target, label: str, task_id: str, check: Check) -> Ended:
    stream = target.open_stream("subscribe", target.dialect.task_id_params(task_id))
    if not stream.is_sse:
        assert stream.plain is not None
        check.fail(
            f"SubscribeToTask through {label} of a task created through instance 1 was refused",
            expected="HTTP 200 text/event-stream",
            actual=stream.plain.doc if stream.plain.is_object else stream.plain.parse_error,
        )
    return read_to_end(target, stream)


def _ends_terminal(target: Target, ended: Ended) -> bool:
    for item in reversed(ended.record.items):
        if item.kind in ("task", "status-update"):
            return target.dialect.task_state({"status": item.body.get("status")}) in TERMINAL
    return False


def _updates(ended: Ended) -> list[str]:
    items = ended.record.items
    start = 1 if items[:1] and items[0].kind == "task" else 0
    return [comparable(item) for item in items[start:]]


@pytest.mark.requirement("MULTI-2")
def test_streams_through_instances_agree(a2a_instances: Instances, check: Check) -> None:
    """Subscriptions to one running task through every instance receive the same events in the
    same order (a later subscriber may miss the earliest ones, nothing else)."""
    first = a2a_instances.targets[0]
    needs_streaming(first, check)
    task = _running_stream_task(first, check)
    # Open every stream before reading any, so that all of them see the task running.
    opened = []
    for label, target in _labelled(a2a_instances):
        stream = target.open_stream("subscribe", target.dialect.task_id_params(task["id"]))
        opened.append((label, target, stream))
    refused_by = [
        f"{label}: {s.plain.doc if s.plain and s.plain.is_object else 'not SSE'}"
        for label, _, s in opened
        if not s.is_sse
    ]
    if refused_by:
        for _, _, s in opened:
            s.close()
        check.fail("some instances refused to stream the task", actual=refused_by)
    ended = {label: read_to_end(target, stream) for label, target, stream in opened}
    problems = sequence_problems({label: _updates(e) for label, e in ended.items()})
    check.that(
        not problems,
        "streams on one task through different instances received different events",
        expected="one sequence, each stream a tail of the longest",
        actual={"problems": problems, **{k: timeline(e.record) for k, e in ended.items()}},
    )


@pytest.mark.requirement("MULTI-3")
def test_push_config_set_through_another_instance_is_used(
    a2a_instances: Instances, check: Check, a2a_webhooks: Webhooks
) -> None:
    """A push config created through instance 2 for a task running on instance 1 is visible
    through every instance, and the state change the task makes next reaches the webhook."""
    first = a2a_instances.targets[0]
    needs_push(first, check)
    endpoint = endpoint_or_na(first, check, a2a_webhooks)
    task_id = first.running_task()["id"]
    label, second = _labelled(a2a_instances)[1]
    version = first.version
    create = second.rpc.call("push-create", create_params(version, task_id, endpoint))
    refused(check, create, endpoint)
    created = read_config(
        version,
        create.expect_result(f"creating a push config through {label} for a task of instance 1"),
    )
    unseen = []
    for name, target in _labelled(a2a_instances):
        listing = target.rpc.call("push-list", list_params(version, task_id))
        views = read_config_list(version, listing.result)[0] if listing.has_result else []
        if not any(v.url == endpoint.url for v in views):
            unseen.append(f"{name}: not listed ({listing.error or 'list without it'})")
        if created.id:
            got = target.rpc.call("push-get", get_params(version, task_id, created.id))
            if not got.has_result:
                unseen.append(f"{name}: get answered {got.error or got.doc}")
    check.that(not unseen, "the push config is not visible through every instance", actual=unseen)
    # The state change comes from instance 1, which runs the task and never saw the create.
    first.cancel_reply(task_id)

    def final(got: list[Any]) -> bool:
        return any(notification_state(version, n.json) in TERMINAL for n in got)

    notes = a2a_webhooks.wait(endpoint, final, timeout=first.http.timeout)
    record_notifications(first.http.evidence, endpoint, notes, first.http.redactor)
    check.that(
        final(notes),
        "the instance running the task did not use the push config set through another",
        expected="a notification of the cancel (a terminal state)",
        actual=f"{len(notes)} notification(s), none terminal, within {first.http.timeout:g}s",
    )


def _context_tasks(target: Target, check: Check, count: int = 3) -> tuple[str, list[str]]:
    first = target.task_or_na("echo")
    context = first.get("contextId")
    if not isinstance(context, str) or not context:
        check.not_applicable("the probe task has no contextId to filter on")
    ids = [first["id"]]
    for _ in range(count - 1):
        reply = target.send("echo", context_id=context)
        if reply.kind != "task":
            check.not_applicable("the agent answered with a Message")
        ids.append(reply.body["id"])
    return context, ids


def _list_ids(target: Target, **params: Any) -> tuple[list[str], str]:
    """The ids of one ListTasks page and its nextPageToken."""
    reply = target.rpc.call("list", params)
    result = reply.expect_result(f"ListTasks through {target.interface.url}")
    tasks = result.get("tasks") if isinstance(result, dict) else None
    ids = [str(t.get("id")) for t in tasks or [] if isinstance(t, dict)]
    token = result.get("nextPageToken") if isinstance(result, dict) else None
    return ids, token if isinstance(token, str) else ""


def _walk(target: Target, context: str) -> list[str]:
    ids, token = _list_ids(target, contextId=context, pageSize=2)
    for _ in range(MAX_PAGES):
        if not token:
            break
        more, token = _list_ids(target, contextId=context, pageSize=2, pageToken=token)
        ids += more
    return ids


@pytest.mark.requirement("MULTI-4")
def test_list_consistent_across_instances(a2a_instances: Instances, check: Check) -> None:
    """ListTasks of one context lists the same tasks in the same order through every instance,
    and a page token from instance 1 gives the same next page through every instance."""
    first = a2a_instances.targets[0]
    context, ids = _context_tasks(first, check)
    walks = {label: _walk(target, context) for label, target in _labelled(a2a_instances)}
    problems = listing_problems(walks)
    check.that(not problems, "the instances list the context differently", actual=problems)
    check.that(
        sorted(next(iter(walks.values()))) == sorted(ids),
        "the listing misses tasks of the context",
        expected=sorted(ids),
        actual=next(iter(walks.values())),
    )
    _, token = _list_ids(first, contextId=context, pageSize=2)
    if not token:
        check.not_applicable("the first page held every task: no page token to follow")
    pages = {
        label: _list_ids(target, contextId=context, pageSize=2, pageToken=token)[0]
        for label, target in _labelled(a2a_instances)
    }
    problems = listing_problems(pages)
    check.that(
        not problems,
        "a page token from instance 1 gives different pages through different instances",
        actual=problems,
    )


@pytest.mark.requirement("MULTI-5")
def test_every_instance_serves_the_same_card(a2a_instances: Instances, check: Check) -> None:
    """Every instance serves the same Agent Card, with the same ETag."""
    cards: dict[str, Any] = {}
    etags: dict[str, str | None] = {}
    for label, agent in zip(a2a_instances.labels, a2a_instances.agents, strict=True):
        url = agent.card_url or agent.origin + "/.well-known/agent-card.json"
        response = a2a_instances.http.request("GET", url, headers={"Accept": "application/json"})
        try:
            cards[label] = json.loads(response.body) if response.status == 200 else None
        except ValueError:
            cards[label] = None
        etags[label] = response.headers.get("etag")
    differences = card_differences(cards)
    check.that(
        not differences, "the instances serve different agent cards", actual=differences[:10]
    )
    problems = etag_problems(etags)
    check.that(not problems, "the instances serve one card with different ETags", actual=problems)


@pytest.mark.requirement("MULTI-6")
def test_cancel_through_another_instance_holds(a2a_instances: Instances, check: Check) -> None:
    """After a cancel through instance 2, every instance reports the task canceled, read after
    read (instance 1, which runs it, must not carry on)."""
    first = a2a_instances.targets[0]
    task_id = first.running_task()["id"]
    label, second = _labelled(a2a_instances)[1]
    _cancel_through(second, label, task_id, check)
    missed = misses(CANCELED, _reads(a2a_instances, task_id, HOLD_ROUNDS))
    check.that(
        not missed,
        "the cancel done through one instance does not hold on every instance",
        expected="canceled on every read",
        actual=missed,
    )


@pytest.mark.requirement("MULTI-6")
def test_push_config_delete_holds(
    a2a_instances: Instances, check: Check, a2a_webhooks: Webhooks
) -> None:
    """A push config created through instance 1 and deleted through instance 2 is gone from
    every instance."""
    first = a2a_instances.targets[0]
    needs_push(first, check)
    endpoint = endpoint_or_na(first, check, a2a_webhooks)
    task_id = first.running_task()["id"]
    version = first.version
    create = first.rpc.call("push-create", create_params(version, task_id, endpoint))
    refused(check, create, endpoint)
    created = read_config(version, create.expect_result("creating a push config"))
    if not created.id:
        check.not_applicable("the created config has no id to delete it by")
    label, second = _labelled(a2a_instances)[1]
    delete = second.rpc.call("push-delete", delete_params(version, task_id, created.id))
    delete.expect_result(f"deleting through {label} a push config created through instance 1")
    still = []
    for name, target in _labelled(a2a_instances):
        got = target.rpc.call("push-get", get_params(version, task_id, created.id))
        if got.has_result:
            still.append(f"{name}: still answers the config")
        listing = target.rpc.call("push-list", list_params(version, task_id))
        if listing.has_result:
            views, _ = read_config_list(version, listing.result)
            if any(v.id == created.id for v in views):
                still.append(f"{name}: still lists the config")
    check.that(not still, "a deleted push config lives on in some instances", actual=still)


def _terminal_on(target: Target, task_id: str) -> None:
    """Wait (bounded by the request timeout) until ``target`` reports the task terminal."""
    deadline = time.monotonic() + target.http.timeout
    while time.monotonic() < deadline:
        reply = target.get_task_reply(task_id)
        if describe_task_reply(target.dialect, reply, task_id) in TERMINAL:
            return
        time.sleep(0.02)  # polling a condition, bounded by the deadline


@pytest.mark.requirement("MULTI-6")
def test_racing_cancel_ends_in_one_state(a2a_instances: Instances, check: Check) -> None:
    """A cancel through instance 2 racing the task's own end on instance 1 leaves one terminal
    state on every instance, and the cancel's answer agrees with it."""
    first = a2a_instances.targets[0]
    label, second = _labelled(a2a_instances)[1]
    problems = []
    for race in range(RACES):
        task = first.task_or_na("stream", blocking=False, timeout=min(5.0, first.http.timeout))
        reply = second.cancel_reply(task["id"])
        if reply.error_code == NOT_CANCELABLE:
            answer = "not-cancelable"
        else:
            answer = describe_task_reply(second.dialect, reply, task["id"])
        _terminal_on(first, task["id"])
        states = _reads(a2a_instances, task["id"], 2)
        problems += [f"race {race + 1}: {p}" for p in race_problems(answer, states)]
    check.that(
        not problems,
        f"a cancel through {label} racing the task's end left inconsistent states",
        actual=problems[:10],
    )
