"""``a2a-harness test [URL] [pytest args]``: the conformance suite's console front door.

With a URL (first argument, or ``--agent-url`` among the pytest arguments) it runs
``pytest --agent-url URL`` on the bundled suite. Without one it starts the reference agent (by
command line, through :mod:`fixtures.agent_process`), runs the suite against it, stops it, and
returns pytest's exit code. ``--instances N`` starts N instances sharing a private
redis-server instead, and the suite runs the multi-instance checks on them too (see
:mod:`conformance.embedded`). The agents it starts are secured (JWT bearer tokens from a
loopback issuer, a signed card; :mod:`conformance.embedded_auth`) and the suite gets their
credentials, so the authentication and card-signature checks judge them too; ``--no-auth``
starts them open and unsigned. Everything else is passed to pytest unchanged, so every
``--a2a-*`` option works here too (but the credential options, which only the issuer started
for the run can honour, need ``--no-auth`` or an agent URL).

Example::

    a2a-harness test                                  # judge the reference agent
    a2a-harness test --instances 2 --a2a-select 'MULTI-*'   # two instances on one redis
    a2a-harness test --no-auth                        # the reference agent without auth
    a2a-harness test https://agent.example.com -q     # judge a deployed agent
    a2a-harness test URL --a2a-results results.json --a2a-select 'CARD-*'
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence

__all__ = ["main"]

USAGE = """usage: a2a-harness test [URL] [--instances N] [--no-auth] [pytest options]

Run the A2A conformance suite against the agent at URL (or, with no URL, against a
reference agent started for the run; --instances N starts N instances sharing a private
redis-server, and the multi-instance checks judge them as one deployment).
The reference agent started for the run requires JWT bearer tokens from a token issuer on
loopback and signs its card; the suite gets the tokens and the keys, so the authentication
and card-signature checks judge it too (--a2a-token and the other credential options are
refused then). --no-auth starts it without authentication and with an unsigned card.
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
    from .embedded import EmbeddedStartError, embedded_agents, parse_instances, take_flag
    from .embedded_auth import refused_option, without_credential_env

    try:
        instances, args = parse_instances(args)
    except ValueError as exc:
        return _usage_error(str(exc))
    no_auth, args = take_flag(args, "--no-auth")
    if _has_agent_url(args):
        if instances > 1:
            return _usage_error(
                "--instances starts reference agents; it cannot be combined with an agent URL "
                "(give one --agent-url per instance instead)"
            )
        if no_auth:
            return _usage_error(
                "--no-auth applies to the reference agent a2a-harness test starts; with an "
                "agent URL, the credential options (--a2a-token...) say how to reach your agent"
            )
        return int(pytest.main(args))
    if not no_auth and (reason := refused_option(args)):
        return _usage_error(reason)
    try:
        with contextlib.ExitStack() as stack:
            if not no_auth:
                ignored = stack.enter_context(without_credential_env())
                if ignored:
                    print(
                        f"a2a-harness test: ignoring {', '.join(ignored)} from the environment "
                        "(the reference agent started for this run trusts only its own issuer)",
                        flush=True,
                    )
            agents = stack.enter_context(
                embedded_agents(instances, secured=not no_auth, user_args=args)
            )
            urls = agents.urls
            what = "the reference agent" if len(urls) == 1 else f"{len(urls)} reference agents"
            print(f"a2a-harness test: judging {what} started at {', '.join(urls)}", flush=True)
            if agents.issuer_url:
                print(
                    "a2a-harness test: auth on: JWT bearer tokens from the issuer at "
                    f"{agents.issuer_url}, signed card (--no-auth: without)",
                    flush=True,
                )
            # Starting the agent imported httpx (and anyio) before pytest could mark anyio's
            # pytest plugin for assertion rewriting; that warning says nothing to the user.
            quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
            targets = [arg for url in urls for arg in ("--agent-url", url)]
            return int(pytest.main([*targets, *quiet, *agents.suite_args, *args]))
    except EmbeddedStartError as exc:
        print(f"a2a-harness test: could not start the reference agent: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Ctrl-C while the agents start (pytest handles its own): all is stopped by now.
        print("a2a-harness test: interrupted; the reference agent was stopped", file=sys.stderr)
        return 2  # pytest's code for an interrupted run


def _usage_error(message: str) -> int:
    print(f"a2a-harness test: {message}", file=sys.stderr)
    return 4  # pytest's usage-error code
