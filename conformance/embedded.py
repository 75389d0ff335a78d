"""The reference agent(s) ``a2a-harness test`` starts when it is given no agent URL.

One instance by default. With ``--instances N`` (N >= 2), N instances of one deployment: a
private redis-server (:class:`fixtures.redis_server.RedisServer`, on a free loopback port, its
data in a temporary directory) is their shared store, and every instance advertises the first
one's address, so they serve one card, as instances behind one public URL would. The suite then
gets one ``--agent-url`` per instance and runs the multi-instance checks too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["MAX_INSTANCES", "EmbeddedStartError", "embedded_agents", "parse_instances"]

MAX_INSTANCES = 8
# The suite's push receiver listens on loopback, which the agent's SSRF guard refuses by
# default; the embedded agents are ours and local, so they may deliver there.
_AGENT_ARGS = ("--allow-private-webhooks",)


class EmbeddedStartError(RuntimeError):
    """An embedded agent or its redis-server could not start; the message says which and why."""


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
def embedded_agents(count: int = 1) -> Iterator[list[str]]:
    """Start ``count`` reference agents (sharing a private redis-server when more than one);
    yields their URLs and stops everything on exit (raises :class:`EmbeddedStartError`)."""
    with contextlib.ExitStack() as stack:
        urls = _start(stack, count)
        yield urls


def _start(stack: contextlib.ExitStack, count: int) -> list[str]:
    from fixtures.agent_process import AgentProcess, AgentStartError, start_agents, stop_agents
    from fixtures.redis_server import RedisServer, ServiceStartError

    try:
        if count == 1:
            agent = AgentProcess(_AGENT_ARGS)
            stack.callback(agent.stop)
            return [agent.start().url]
        redis = RedisServer()
        stack.callback(redis.close)
        redis.start()
        shared = (*_AGENT_ARGS, "--store", redis.url)
        first = AgentProcess(shared)
        stack.callback(first.stop)
        first.start()
        # The others advertise the first one's address: one deployment, one card.
        others = start_agents(count - 1, (*shared, "--public-url", first.url))
        stack.callback(stop_agents, others)
    except (AgentStartError, ServiceStartError, OSError) as exc:
        raise EmbeddedStartError(str(exc)) from exc
    return [first.url, *(a.url for a in others)]
