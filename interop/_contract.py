"""The reference agent's behaviour contract, for the interop agents (no SDK types here).

Both interop agents (``sdk1_agent.py`` on ``a2a-sdk`` 1.x, ``sdk03_agent.py`` on 0.3.x) choose
what to do with a user message the way ``docs/behaviour-contract.md`` says, so the suite's
cooperative probes find the same behaviours on them as on the reference agent:

1. ``message.metadata.behaviour`` (e.g. ``"slow 2"``);
2. the official TCK's ``messageId`` prefixes;
3. the first word of the text, case-insensitively (further words are arguments);
4. otherwise ``echo``.

This module holds only that choice and the numeric arguments' defaults and bounds; each agent
turns a :class:`Plan` into its own SDK's events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BEHAVIOURS", "Plan", "choose"]

# name -> what it does (each is also a skill of the agents' cards, with this id).
BEHAVIOURS: dict[str, str] = {
    "echo": "a task that completes with one artifact echoing the input parts",
    "complete": "complete [chunks]: a task whose artifact arrives in chunks, then completes",
    "message": "a Message reply, no task",
    "input-required": "the task stops in input-required; a follow-up completes it",
    "auth-required": "the task stops in auth-required; a follow-up completes it",
    "fail": "the task fails with an explanatory status message",
    "reject": "the task is rejected at creation",
    "slow": "slow [seconds]: working for that long, then completed; cancelable meanwhile",
    "stream": "stream [count] [interval_ms]: artifact chunks apart in time, then completed",
    "data": "an artifact with one data part",
    "file": "an artifact with one raw part and one url part",
}

# messageId prefix -> behaviour text, longest prefixes first so `tck-artifact-file-url` wins
# over `tck-artifact-file`.
_KIT_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "tck-complete-task": "complete 1",
            "tck-message-response": "message",
            "tck-input-required": "input-required",
            "tck-auth-required": "auth-required",
            "tck-task-failure": "fail",
            "tck-reject-task": "reject",
            "tck-long-running": "slow 30",
            "tck-cancel": "slow 30",
            "tck-delayed-complete": "slow 1",
            "tck-stream-basic": "stream 3 10",
            "tck-stream-chunked": "complete 3",
            "tck-multi-turn": "input-required",
            "tck-artifact-text": "echo",
            "tck-artifact-data": "data",
            "tck-artifact-file": "file",
            "tck-artifact-file-url": "file",
        }.items(),
        key=lambda item: -len(item[0]),
    )
)

# name -> (defaults, upper bounds) of its numeric arguments, as in the behaviour contract.
_ARGUMENTS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "complete": ((3,), (1000,)),
    "slow": ((5,), (600,)),
    "stream": ((5, 20), (1000, 60_000)),
}


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with one user message: a behaviour name and its numeric arguments."""

    behaviour: str
    args: tuple[float, ...] = ()

    @property
    def count(self) -> int:
        """The first argument as a whole number (chunks, seconds or events)."""
        return int(self.args[0]) if self.args else 0

    @property
    def interval_s(self) -> float:
        """``stream``'s second argument, milliseconds between chunks, in seconds."""
        return self.args[1] / 1000 if len(self.args) > 1 else 0.0


def choose(metadata: Mapping[str, Any] | None, message_id: str, text: str) -> Plan:
    """The plan for a user message, by the contract's order of precedence.

    >>> choose({"behaviour": "slow 2"}, "m-1", "hello")
    Plan(behaviour='slow', args=(2.0,))
    >>> choose(None, "tck-stream-basic-1", "")
    Plan(behaviour='stream', args=(3.0, 10.0))
    >>> choose(None, "m-2", "hello there")
    Plan(behaviour='echo', args=())
    """
    wanted = (metadata or {}).get("behaviour")
    if isinstance(wanted, str) and wanted.split():
        plan = _parse(wanted)
        if plan is not None:
            return plan
    for prefix, spelled in _KIT_PREFIXES:
        if message_id.startswith(prefix):
            plan = _parse(spelled)
            assert plan is not None  # the table only names known behaviours
            return plan
    return _parse(text) or Plan("echo")


def _parse(spelled: str) -> Plan | None:
    words = spelled.split()
    if not words or words[0].lower() not in BEHAVIOURS:
        return None
    name = words[0].lower()
    defaults, bounds = _ARGUMENTS.get(name, ((), ()))
    args: list[float] = []
    for i, default in enumerate(defaults):
        value = _number(words[i + 1]) if i + 1 < len(words) else None
        # An unusable argument falls back to the default rather than failing the task: the
        # contract's arguments are hints, and a probe must still see the behaviour.
        if value is None or value < 0:
            value = default
        args.append(min(value, bounds[i]))
    if name == "complete":
        args[0] = max(args[0], 1)
    return Plan(name, tuple(args))


def _number(word: str) -> float | None:
    try:
        return float(word)
    except ValueError:
        return None
