"""The reference agent(s) ``a2a-harness test`` starts when it is given no agent URL.

One instance by default. With ``--instances N`` (N >= 2), N instances of one deployment: a
private redis-server (:class:`fixtures.redis_server.RedisServer`, on a free loopback port, its
data in a temporary directory) is their shared store, and every instance advertises the first
one's address, so they serve one card, as instances behind one public URL would. The suite then
gets one ``--agent-url`` per instance and runs the multi-instance checks too.

The agents are secured by default (:mod:`conformance.embedded_auth`: JWT bearer tokens from a
loopback issuer, a signed card), so the authentication and card-signature checks judge them;
``--no-auth`` starts them open and unsigned, as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

__all__ = [
    "AGENT_ARGS",
    "MAX_INSTANCES",
    "EmbeddedAgents",
    "EmbeddedStartError",
    "embedded_agents",
    "parse_instances",
    "take_flag",
]

MAX_INSTANCES = 8
# The suite's push receiver listens on loopback, which the agent's SSRF guard refuses by
# default; the agents the suite starts (embedded or the lone reference agent) are ours and
# local, so they may deliver there.
AGENT_ARGS = ("--allow-private-webhooks",)
"""Arguments every reference agent started by the suite gets."""


class EmbeddedStartError(RuntimeError):
    """An embedded agent, its redis-server or its token issuer could not start; the message says
    which and why."""


@dataclass(frozen=True)
class EmbeddedAgents:
    """The started agents: their URLs and the suite options that go with them."""

    urls: list[str]
    # repr=False: with auth on these hold the principals' tokens.
    suite_args: tuple[str, ...] = field(default=(), repr=False)
    issuer_url: str | None = None  # the token issuer the agents trust (None: auth off)


def take_flag(args: list[str], flag: str) -> tuple[bool, list[str]]:
    """Take every ``flag`` (a value-less option) out of ``args``: ``(given, the rest)``."""
    rest = [arg for arg in args if arg != flag]
    return len(rest) != len(args), rest


def parse_instances(args: list[str]) -> tuple[int, list[str]]:
    """Take ``--instances N`` (or ``--instances=N``) out of ``args``: ``(N, the rest)``.

    Raises ValueError with a one-line message for a missing or bad value."""
    count, rest = 1, []
    it = iter(args)
    for arg in it:
        if arg == "--instances" or arg.startswith("--instances="):
            value = arg.partition("=")[2] if "=" in arg else next(it, None)
            if value is None:
                raise ValueError("--instances needs a number of instances (2 to 8)")
            try:
                count = int(value)
            except ValueError:
                raise ValueError(f"--instances: {value!r} is not an integer") from None
            if not 1 <= count <= MAX_INSTANCES:
                raise ValueError(f"--instances: {count} is out of range (1 to {MAX_INSTANCES})")
        else:
            rest.append(arg)
    return count, rest


@contextlib.contextmanager
def embedded_agents(
    count: int = 1, *, secured: bool = True, user_args: Sequence[str] = ()
) -> Iterator[EmbeddedAgents]:
    """Start ``count`` reference agents (sharing a private redis-server when more than one),
    secured unless ``secured`` is false (``user_args``: the user's pytest arguments, whose own
    prompts are respected). Yields them; stops everything and removes the temporary keys on
    exit, also on error or KeyboardInterrupt (raises :class:`EmbeddedStartError`)."""
    from .embedded_auth import secured_setup

    with contextlib.ExitStack() as stack:
        extra: tuple[str, ...] = ()
        suite_args: tuple[str, ...] = ()
        issuer_url = None
        if secured:
            try:
                setup = stack.enter_context(secured_setup(user_args))
            except (OSError, RuntimeError) as exc:
                raise EmbeddedStartError(f"token issuer: {exc}") from exc
            extra, suite_args, issuer_url = setup.agent_args, setup.suite_args, setup.issuer_url
        urls = _start(stack, count, (*AGENT_ARGS, *extra))
        yield EmbeddedAgents(urls, suite_args, issuer_url)


def _start(stack: contextlib.ExitStack, count: int, agent_args: tuple[str, ...]) -> list[str]:
    from fixtures.agent_process import AgentProcess, AgentStartError, start_agents, stop_agents
    from fixtures.redis_server import RedisServer, ServiceStartError

    try:
        if count == 1:
            agent = AgentProcess(agent_args)
            stack.callback(agent.stop)
            return [agent.start().url]
        redis = RedisServer()
        stack.callback(redis.close)
        redis.start()
        shared = (*agent_args, "--store", redis.url)
        first = AgentProcess(shared)
        stack.callback(first.stop)
        first.start()
        # The others advertise the first one's address: one deployment, one card.
        others = start_agents(count - 1, (*shared, "--public-url", first.url))
        stack.callback(stop_agents, others)
    except (AgentStartError, ServiceStartError, OSError) as exc:
        raise EmbeddedStartError(str(exc)) from exc
    return [first.url, *(a.url for a in others)]
