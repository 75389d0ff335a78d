"""``a2a-harness test [URL] [pytest args]``: the conformance suite's console front door.

With a URL (first argument, or ``--agent-url`` among the pytest arguments) it runs
``pytest --agent-url URL`` on the bundled suite. Without one it starts the reference agent (by
command line, through :mod:`fixtures.agent_process`), runs the suite against it, stops it, and
returns pytest's exit code. ``--instances N`` starts N instances sharing a private
redis-server instead, and the suite runs the multi-instance checks on them too (see
:mod:`conformance.embedded`). Everything else is passed to pytest unchanged, so every ``--a2a-*``
option works here too.

Example::

    a2a-harness test                                  # judge the reference agent
    a2a-harness test --instances 2 --a2a-select 'MULTI-*'   # two instances on one redis
    a2a-harness test https://agent.example.com -q     # judge a deployed agent
    a2a-harness test URL --a2a-results results.json --a2a-select 'CARD-*'
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]

USAGE = """usage: a2a-harness test [URL] [--instances N] [pytest options]

Run the A2A conformance suite against the agent at URL (or, with no URL, against a
reference agent started for the run; --instances N starts N instances sharing a private
redis-server, and the multi-instance checks judge them as one deployment).
Options are pytest's: see `pytest --help`, group "A2A conformance", for --a2a-version,
--a2a-level, --a2a-results, --a2a-header and the rest.
Exit code: 0 when nothing FAILed or ERRORed, else non-zero (pytest's codes)."""


def _has_agent_url(args: list[str]) -> bool:
    return any(a == "--agent-url" or a.startswith("--agent-url=") for a in args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; returns pytest's exit code (2 when the reference agent cannot start)."""
    import pytest

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if args and args[0].startswith(("http://", "https://")):
        args = ["--agent-url", args[0], *args[1:]]
    from .embedded import EmbeddedStartError, embedded_agents, parse_instances

    try:
        instances, args = parse_instances(args)
    except ValueError as exc:
        print(f"a2a-harness test: {exc}", file=sys.stderr)
        return 4  # pytest's usage-error code
    if _has_agent_url(args):
        if instances > 1:
            print(
                "a2a-harness test: --instances starts reference agents; it cannot be combined "
                "with an agent URL (give one --agent-url per instance instead)",
                file=sys.stderr,
            )
            return 4
        return int(pytest.main(args))
    try:
        with embedded_agents(instances) as urls:
            what = "the reference agent" if len(urls) == 1 else f"{len(urls)} reference agents"
            shown = ", ".join(urls)
            print(f"a2a-harness test: judging {what} started at {shown}", flush=True)
            # Starting the agent imported httpx (and anyio) before pytest could mark anyio's
            # pytest plugin for assertion rewriting; that warning says nothing to the user.
            quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
            targets = [arg for url in urls for arg in ("--agent-url", url)]
            return int(pytest.main([*targets, *quiet, *args]))
    except EmbeddedStartError as exc:
        print(f"a2a-harness test: could not start the reference agent: {exc}", file=sys.stderr)
        return 2
