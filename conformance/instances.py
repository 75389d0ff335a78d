"""Several instances of one deployment, for the multi-instance consistency checks (``MULTI-*``).

Two ways to point the suite at a scaled-out agent:

* several ``--agent-url``, one per instance: :class:`Instances` holds one :class:`Target` per
  instance, all at one protocol version, and a check does something through one and looks
  through the others (``a2a_instances`` fixture);
* one ``--agent-url`` that balances over several instances, with ``--a2a-load-balanced``: one
  Target, and the checks repeat their reads to expose split state (``a2a_balanced`` fixture).

The instances of a deployment usually advertise one public address in their cards. The checks
must reach each instance itself, so an interface whose origin is not the ``--agent-url`` the
user gave is spoken at that URL's origin instead (same path), and the check notes it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from .target import Target

if TYPE_CHECKING:
    from .client.http import HttpClient
    from .detection import AgentUnderTest, Interface
    from .grading import Check
    from .run import SuiteRun, TargetSpec

__all__ = [
    "ONE_URL",
    "Instances",
    "balanced_specs",
    "build_instances",
    "instance_specs",
    "rebased",
]

ONE_URL = "one --agent-url: give two or more instance URLs"
NOT_BALANCED = (
    "--a2a-load-balanced not given: the repeated-read checks run only against one URL that "
    "balances over several instances"
)
SEVERAL_URLS = "several --agent-url given: the per-instance checks judge them instead"


@dataclass(slots=True)
class Instances:
    """The instances under test: one Target each (empty for card-level checks) and the agents."""

    agents: list[AgentUnderTest]
    http: HttpClient
    targets: list[Target] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        """``"instance 1 (http://…)"`` per instance, for evidence a user can read."""
        return [f"instance {i + 1} ({a.url})" for i, a in enumerate(self.agents)]

    def cleanup(self) -> None:
        for target in self.targets:
            target.cleanup()


def rebased(interface: Interface, agent: AgentUnderTest) -> Interface:
    """``interface`` spoken at the origin of ``agent``'s URL (unchanged when it already is)."""
    parts = urlsplit(interface.url)
    origin = urlunsplit((parts.scheme, parts.netloc, "", "", "")).lower()
    if origin == agent.origin.lower():
        return interface
    base = urlsplit(agent.origin)
    url = urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))
    return dataclasses.replace(interface, url=url)


def _versions_of(agent: AgentUnderTest, versions: tuple[str, ...]) -> list[Interface]:
    """The first tested interface of each wanted version, in declaration order."""
    chosen: dict[str, Interface] = {}
    for iface in agent.interfaces:
        if iface.tested and iface.version in versions:
            chosen.setdefault(iface.version, iface)
    return list(chosen.values())


def _version_specs(
    run: SuiteRun, versions: tuple[str, ...] | None, prefix: str
) -> list[tuple[str, TargetSpec]]:
    from .run import TargetSpec

    if versions is None:
        return [(prefix, TargetSpec(0))]
    agent = run.agents[0]
    if agent.card is None and not agent.interfaces:
        problem = f"cannot tell which interfaces to test: {agent.card_problem}"
        return [(f"{prefix}-no-card", TargetSpec(0, problem=problem))]
    chosen = _versions_of(agent, versions)
    if not chosen:
        offered = sorted({i.version for i in agent.interfaces if i.tested}) or ["none"]
        reason = (
            f"requirement applies to v{', v'.join(versions)} only; the agent offers "
            f"{', '.join('v' + v for v in offered)} (JSON-RPC)"
        )
        return [(f"{prefix}-n-a", TargetSpec(0, not_applicable=reason))]
    return [(f"{prefix}-{i.key}", TargetSpec(0, i)) for i in chosen]


def instance_specs(run: SuiteRun, versions: tuple[str, ...] | None) -> list[tuple[str, TargetSpec]]:
    """Parametrization of ``a2a_instances``: one spec per version (None: one card-level spec);
    N/A with :data:`ONE_URL` unless the run has two or more agents."""
    from .run import TargetSpec

    if len(run.agents) < 2:
        return [("single-url", TargetSpec(0, not_applicable=ONE_URL))]
    return _version_specs(run, versions, "instances")


def balanced_specs(run: SuiteRun, versions: tuple[str, ...] | None) -> list[tuple[str, TargetSpec]]:
    """Parametrization of ``a2a_balanced``: per version with ``--a2a-load-balanced`` and one
    agent URL, else one N/A spec saying what to pass."""
    from .run import TargetSpec

    if len(run.agents) > 1:
        return [("several-urls", TargetSpec(0, not_applicable=SEVERAL_URLS))]
    if not run.options.load_balanced:
        return [("not-balanced", TargetSpec(0, not_applicable=NOT_BALANCED))]
    return _version_specs(run, versions, "balanced")


def build_instances(
    run: SuiteRun, spec: TargetSpec, check: Check, *, balanced: bool = False
) -> Instances:
    """One Target per instance at ``spec``'s version (one Target when ``balanced``).

    Raises :class:`~conformance.grading.HarnessError` when an instance declares no interface
    of that version: such instances are not one deployment, and nothing can be compared.
    """
    from .grading import HarnessError

    assert run.http is not None and run.observer is not None
    agents = run.agents[:1] if balanced else list(run.agents)
    instances = Instances(agents, run.http)
    if spec.interface is None:
        return instances
    version = spec.interface.version
    for index, agent in enumerate(agents):
        found = _versions_of(agent, (version,))
        if not found:
            raise HarnessError(
                f"instance {index + 1} ({agent.url}) declares no v{version} JSON-RPC interface "
                "while instance 1 does: the instances are not one deployment"
            )
        iface = rebased(found[0], agent)
        if iface.url != found[0].url:
            check.note(
                f"instance {index + 1}: the card advertises {found[0].url}; spoken at "
                f"{iface.url} (the --agent-url given) to reach this instance"
            )
        instances.targets.append(
            Target(
                agent,
                iface,
                run.http,
                run.observer,
                run.prompts,
                errata=run.options.errata,
            )
        )
    return instances
