"""Judges of the multi-instance checks (``MULTI-*``): pure functions over what was read.

Each judge takes labelled observations ("instance 2 (http://…)", "read 7") and returns the
problems a user reads in the evidence, an empty list when the instances agree. They know nothing
of fixtures or HTTP, so the tests of the harness can feed them any split state.

Example::

    misses("completed", [("read 1", "completed"), ("read 2", "error -32001: Task not found")])
    # -> ["read 2: error -32001: Task not found"]
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from conformance.client.dialects import TERMINAL, Dialect
from conformance.client.jsonrpc import RpcReply

__all__ = [
    "CANCELED",
    "NOT_CANCELABLE",
    "card_differences",
    "describe_task_reply",
    "etag_problems",
    "listing_problems",
    "misses",
    "race_problems",
    "sequence_problems",
]

CANCELED = "canceled"
NOT_CANCELABLE = -32002


def describe_task_reply(dialect: Dialect, reply: RpcReply, task_id: str) -> str:
    """What a GetTask/CancelTask answer says, in a word or a line: the normalized state
    (``"completed"``), or the error, or why the answer is not a task."""
    if reply.parse_error:
        return f"not JSON ({reply.parse_error})"
    if reply.error is not None:
        return f"error {reply.error_code}: {reply.error.get('message')}"
    result = reply.result
    if not isinstance(result, dict):
        return f"no task in the answer ({str(reply.doc)[:120]})"
    if result.get("id") != task_id:
        return f"another task ({result.get('id')!r})"
    return dialect.task_state(result)


def misses(expected: str, observed: Sequence[tuple[str, str]]) -> list[str]:
    """``"label: what was seen"`` for each observation that is not ``expected``."""
    return [f"{label}: {seen}" for label, seen in observed if seen != expected]


def sequence_problems(sequences: Mapping[str, Sequence[str]]) -> list[str]:
    """Streams on one task must agree: each shorter sequence is the tail of the longest (a later
    subscriber may miss what came before it subscribed, nothing else)."""
    if not sequences:
        return []
    longest_label, longest = max(sequences.items(), key=lambda kv: len(kv[1]))
    problems = []
    for label, seq in sequences.items():
        if not seq:
            problems.append(f"{label}: received no event after the task snapshot")
        elif list(longest[len(longest) - len(seq) :]) != list(seq):
            problems.append(
                f"{label}: its {len(seq)} events are not the last {len(seq)} of the "
                f"{len(longest)} that {longest_label} received"
            )
    return problems


def listing_problems(listings: Mapping[str, Sequence[Any]]) -> list[str]:
    """Every instance must list the same task ids in the same order as the first one."""
    items = list(listings.items())
    if not items:
        return []
    first_label, first = items[0]
    return [
        f"{label} listed {list(ids)}, {first_label} listed {list(first)}"
        for label, ids in items[1:]
        if list(ids) != list(first)
    ]


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def card_differences(cards: Mapping[str, Any]) -> list[str]:
    """Members of each card that differ from the first card (``None``: no card was served)."""
    items = list(cards.items())
    if not items:
        return []
    first_label, first = items[0]
    problems = []
    for label, card in items[1:]:
        if not isinstance(first, dict) or not isinstance(card, dict):
            if card != first:
                problems.append(f"{label} served {_short(card)}, {first_label} {_short(first)}")
            continue
        for key in sorted(set(first) | set(card)):
            if first.get(key) != card.get(key):
                problems.append(
                    f"{label}: member {key!r} is {_short(card.get(key, '<absent>'))}, on "
                    f"{first_label} {_short(first.get(key, '<absent>'))}"
                )
    return problems


def etag_problems(etags: Mapping[str, str | None]) -> list[str]:
    """Instances that send an ETag must send the same one (one card, one validator)."""
    sent = {label: tag for label, tag in etags.items() if tag}
    if len(set(sent.values())) <= 1:
        return []
    return [f"{label}: ETag {tag}" for label, tag in sent.items()]


def race_problems(cancel: str, states: Sequence[tuple[str, str]]) -> list[str]:
    """A cancel racing the task's own end must leave one terminal state everywhere, and the
    cancel's answer must match it.

    ``cancel`` is how the cancel was answered: ``"canceled"`` (accepted), ``"not-cancelable"``
    (error -32002: the task had already ended), or any other description (a problem in itself).
    ``states`` are the states read afterwards, through every instance.
    """
    problems = []
    seen = {state for _, state in states}
    if len(seen) > 1:
        # One line says it all; listing each odd read as well would only repeat it.
        problems.append("the instances disagree: " + "; ".join(f"{who}: {s}" for who, s in states))
    elif seen and not seen <= TERMINAL:
        problems.append(f"every instance reports {seen.pop()}, not a terminal state")
    if cancel == "canceled":
        problems += [
            f"{label}: {state} although the cancel was accepted"
            for label, state in states
            if state in TERMINAL and state != CANCELED
        ]
    elif cancel == "not-cancelable":
        problems += [
            f"{label}: canceled although the cancel was refused as not cancelable"
            for label, state in states
            if state == CANCELED
        ]
    else:
        problems.append(f"the cancel was answered {cancel}")
    return problems
