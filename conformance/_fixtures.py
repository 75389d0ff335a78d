"""The fixtures suite tests use: ``a2a`` (one interface at one protocol version), ``a2a_agent``
(the agent and its card), ``check`` (the grading API), ``a2a_run`` (the run's shared state) and
``a2a_webhooks`` (the push-notification receiver), and for the multi-instance checks
``a2a_instances`` (one Target per ``--agent-url``) and ``a2a_balanced`` (one load-balanced URL).

Registered through :mod:`conformance.plugin`; heavy modules are imported inside the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ._keys import CHECK_KEY, RUN_KEY

if TYPE_CHECKING:
    from .grading import Check
    from .instances import Instances
    from .run import SuiteRun
    from .target import AgentHandle, Target
    from .webhook import Webhooks

__all__ = [
    "a2a",
    "a2a_agent",
    "a2a_balanced",
    "a2a_instances",
    "a2a_run",
    "a2a_webhooks",
    "check",
]


@pytest.fixture(scope="session")
def a2a_run(request: pytest.FixtureRequest) -> SuiteRun:
    """The run's shared state (options, registry, agents, client, observer)."""
    run = request.config.stash.get(RUN_KEY, None)
    if run is None or run.http is None:
        from .grading import HarnessError

        raise HarnessError("A2A conformance checks need --agent-url (or a2a-harness test)")
    return run


@pytest.fixture
def a2a_webhooks(a2a_run: SuiteRun) -> Webhooks:
    """The run's push-notification receiver (started on first use; ERROR if it cannot)."""
    return a2a_run.webhooks()


@pytest.fixture
def check(request: pytest.FixtureRequest) -> Check:
    """The grading API of one check: ``fail``, ``that``, ``equal``, ``warn``, ``not_applicable``."""
    from .grading import Check

    node = request.node
    if CHECK_KEY not in node.stash:
        node.stash[CHECK_KEY] = Check()
    return node.stash[CHECK_KEY]


@pytest.fixture
def a2a(request: pytest.FixtureRequest, a2a_run: SuiteRun, check: Check) -> Iterator[Target]:
    """One interface of the agent at one protocol version (parametrized by the plugin)."""
    from .grading import HarnessError, NotApplicable
    from .target import Target

    spec = getattr(request, "param", None)
    if spec is None or spec.agent_index < 0:
        raise HarnessError("the a2a fixture is parametrized by the conformance plugin")
    if spec.problem:
        raise HarnessError(spec.problem)
    if spec.not_applicable:
        raise NotApplicable(spec.not_applicable)
    assert a2a_run.http is not None and a2a_run.observer is not None
    target = Target(
        a2a_run.agents[spec.agent_index],
        spec.interface,
        a2a_run.http,
        a2a_run.observer,
        a2a_run.prompts,
        errata=a2a_run.options.errata,
    )
    yield target
    target.cleanup()


@pytest.fixture
def a2a_agent(request: pytest.FixtureRequest, a2a_run: SuiteRun, check: Check) -> AgentHandle:
    """One agent under test, for checks about the agent card."""
    from .grading import HarnessError
    from .target import AgentHandle

    spec = getattr(request, "param", None)
    if spec is None or spec.agent_index < 0:
        raise HarnessError("the a2a_agent fixture is parametrized by the conformance plugin")
    assert a2a_run.http is not None
    agent = a2a_run.agents[spec.agent_index]
    marker = request.node.get_closest_marker("requirement")
    if (
        marker is not None
        and marker.args
        and marker.args[0] in a2a_run.registry
        and agent.interfaces
    ):
        wanted = a2a_run.registry[marker.args[0]].versions
        offered = sorted({i.version for i in agent.interfaces})
        if not set(wanted) & set(offered):
            from .grading import NotApplicable

            raise NotApplicable(
                f"requirement applies to v{', v'.join(wanted)} only; the agent offers "
                f"v{', v'.join(offered)}"
            )
    return AgentHandle(agent, a2a_run.http)


def _instances(
    request: pytest.FixtureRequest, run: SuiteRun, check: Check, *, balanced: bool
) -> Iterator[Instances]:
    from .grading import HarnessError, NotApplicable
    from .instances import build_instances

    spec = getattr(request, "param", None)
    if spec is None or spec.agent_index < 0:
        raise HarnessError("the multi-instance fixtures are parametrized by the conformance plugin")
    if spec.problem:
        raise HarnessError(spec.problem)
    if spec.not_applicable:
        raise NotApplicable(spec.not_applicable)
    instances = build_instances(run, spec, check, balanced=balanced)
    yield instances
    instances.cleanup()


@pytest.fixture
def a2a_instances(
    request: pytest.FixtureRequest, a2a_run: SuiteRun, check: Check
) -> Iterator[Instances]:
    """Every ``--agent-url`` as an instance of one deployment, one Target each at one protocol
    version (N/A with one URL); card-level checks get the agents only."""
    yield from _instances(request, a2a_run, check, balanced=False)


@pytest.fixture
def a2a_balanced(
    request: pytest.FixtureRequest, a2a_run: SuiteRun, check: Check
) -> Iterator[Instances]:
    """The one ``--agent-url`` that balances over several instances (``--a2a-load-balanced``),
    as one Target; N/A otherwise."""
    yield from _instances(request, a2a_run, check, balanced=True)
