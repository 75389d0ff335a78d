"""The state of one conformance run, kept in ``config.stash`` (never in module globals).

:class:`SuiteRun` holds the options, the registry, the baseline, the agents and their detected
interfaces, the shared HTTP client, the tracer, the state observer and the results. It starts
the reference agent when the suite runs without ``--agent-url`` (through
:mod:`fixtures.agent_process`, by command line), and checks once, with a bounded timeout, that
every agent answers: an unreachable agent ends the run with one clear line, never a pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from .baseline import Baseline, load_baseline
from .behaviours import PromptBook
from .options import A2AOptions, OptionError
from .registry import Registry, UnknownRequirementError, default_registry
from .results import ResultCollector

if TYPE_CHECKING:
    from fixtures.agent_process import AgentProcess

    from .client.http import HttpClient
    from .detection import AgentUnderTest, Interface
    from .observer import StateObserver
    from .principals import Principals
    from .tracing import CheckTracer
    from .webhook import Webhooks

__all__ = ["SuiteRun", "TargetSpec"]

DISCOVERY_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """A parametrization of the ``a2a`` / ``a2a_agent`` fixtures: one agent, maybe an interface."""

    agent_index: int
    interface: Interface | None = None
    not_applicable: str | None = None  # set when no interface of the right version exists
    problem: str | None = None  # set when the interfaces could not be detected (ERROR)

    @property
    def version(self) -> str | None:
        return self.interface.version if self.interface else None


class SuiteRun:
    """Everything one run of the suite shares."""

    def __init__(self, options: A2AOptions, registry: Registry, baseline: Baseline) -> None:
        self.options = options
        self.registry = registry
        self.baseline = baseline
        self.prompts = PromptBook(options.prompts)
        self.collector = ResultCollector()
        self.agents: list[AgentUnderTest] = []
        self.http: HttpClient | None = None
        self.tracer: CheckTracer | None = None
        self.observer: StateObserver | None = None
        self.agent_process: AgentProcess | None = None
        self.started_reference_agent = False
        self.explicit_suite = False
        self._webhooks: Webhooks | None = None
        self._webhooks_problem: str | None = None
        self.principals: Principals | None = None

    @classmethod
    def from_options(cls, options: A2AOptions) -> SuiteRun:
        """Load the registry and the baseline; bad ids become one :class:`pytest.UsageError`."""
        registry = default_registry()
        for flag, patterns in (
            ("--a2a-select", options.select),
            ("--a2a-exclude", options.exclude),
        ):
            try:
                registry.select(patterns)
            except UnknownRequirementError as exc:
                raise pytest.UsageError(
                    f"{flag}: no A2A requirement id matches {exc.args[0]!r} "
                    "(see pytest --a2a-requirements)"
                ) from None
        baseline = Baseline()
        if options.baseline is not None:
            try:
                baseline = load_baseline(options.baseline, registry)
            except OptionError as exc:
                raise pytest.UsageError(str(exc)) from None
        return cls(options, registry, baseline)

    # -- lifecycle --------------------------------------------------------------------------
    def start(self, *, start_reference_agent: bool) -> None:
        """Build the client side and discover every agent (raises UsageError if unreachable)."""
        import httpx

        from .client.http import HttpClient
        from .detection import detect_interfaces, discover
        from .evidence import Redactor
        from .observer import StateObserver
        from .tracing import CheckTracer

        if start_reference_agent and not self.options.agent_urls:
            self._start_reference_agent()
        self.tracer = CheckTracer()
        self.observer = StateObserver()
        opts = self.options
        principals = self._resolve_principals()
        self.http = HttpClient(
            timeout=opts.timeout,
            # An explicit --a2a-header wins over the credential options.
            headers={**principals.default_headers(), **opts.header_dict()},
            header_templates={h.name: h.template for h in opts.headers},
            redactor=Redactor(
                [*opts.secrets, *principals.secrets],
                [h.name for h in opts.headers] + [principals.header],
            ),
            tracer=self.tracer,
        )
        timeout = min(opts.timeout, DISCOVERY_TIMEOUT)
        for url in opts.agent_urls:
            try:
                agent = discover(self.http, url, timeout=timeout)
            except httpx.TransportError as exc:
                raise pytest.UsageError(
                    f"agent {url} is unreachable: {type(exc).__name__}: {exc or 'no answer'} "
                    f"(checked once with a {timeout:g}s timeout; nothing was graded)"
                ) from None
            agent.interfaces = detect_interfaces(agent.card, forced=opts.version, fallback_url=url)
            self.agents.append(agent)
        self._adopt_card_credential(principals)

    def _resolve_principals(self) -> Principals:
        """The run's tokens, fetched once (a credential problem is one usage error)."""
        from .credentials import CredentialError
        from .principals import resolve_principals

        try:
            self.principals = resolve_principals(self.options.auth)
        except CredentialError as exc:
            raise pytest.UsageError(f"credentials: {exc}") from None
        return self.principals

    def _adopt_card_credential(self, principals: Principals) -> None:
        """Send the credential as the first agent's card asks (an apiKey header, else Bearer)."""
        assert self.http is not None
        if principals.a is None or not self.agents:
            return
        old, sent = principals.header, principals.default_headers()
        principals.adopt_card(self.agents[0].card)
        if principals.header != old and self.http.extra_headers.get(old) == sent[old]:
            del self.http.extra_headers[old]
            self.http.extra_headers = {**principals.default_headers(), **self.http.extra_headers}
            self.http.redactor.secret_headers.add(principals.header.lower())

    def _start_reference_agent(self) -> None:
        from fixtures.agent_process import AgentProcess, AgentStartError

        from .embedded import AGENT_ARGS

        process = AgentProcess(list(AGENT_ARGS))
        try:
            process.start()
        except (AgentStartError, OSError) as exc:
            raise pytest.UsageError(f"could not start the reference agent: {exc}") from None
        self.agent_process = process
        self.started_reference_agent = True
        self.options.agent_urls = [process.url]

    def webhooks(self) -> Webhooks:
        """The push-notification receiver, started on first use (HarnessError if it cannot)."""
        from .grading import HarnessError
        from .webhook import Webhooks

        if self._webhooks is None and self._webhooks_problem is None:
            opts = self.options
            try:
                self._webhooks = Webhooks.start(
                    opts.webhook_host, opts.webhook_port, opts.webhook_url
                )
            except (OSError, RuntimeError) as exc:
                self._webhooks_problem = f"the webhook receiver could not start: {exc}"
        if self._webhooks is None:
            raise HarnessError(self._webhooks_problem or "no webhook receiver")
        return self._webhooks

    def finish(self) -> None:
        """Release what :meth:`start` took (idempotent)."""
        if self._webhooks is not None:
            self._webhooks.stop()
            self._webhooks = None
        if self.http is not None:
            self.http.close()
            self.http = None
        if self.tracer is not None:
            self.tracer.shutdown()
            self.tracer = None
        if self.agent_process is not None:
            self.agent_process.stop()
            self.agent_process = None

    # -- parametrization ------------------------------------------------------------------------
    def target_specs(self, versions: tuple[str, ...] | None) -> list[tuple[str, TargetSpec]]:
        """``(test id, spec)`` per tested interface whose version is in ``versions``."""
        out: list[tuple[str, TargetSpec]] = []
        many = len(self.agents) > 1
        for index, agent in enumerate(self.agents):
            prefix = f"agent{index + 1}-" if many else ""
            if agent.card is None and not agent.interfaces:
                problem = (
                    f"cannot tell which interfaces to test: {agent.card_problem}; "
                    "pass --a2a-version to test the URL anyway"
                )
                out.append((f"{prefix}no-card", TargetSpec(index, problem=problem)))
                continue
            tested = [i for i in agent.interfaces if i.tested]
            chosen = [i for i in tested if versions is None or i.version in versions]
            if not chosen:
                offered = sorted({i.version for i in tested}) or ["none"]
                wanted = ", ".join(versions or ())
                reason = (
                    f"requirement applies to v{wanted} only; the agent offers "
                    f"{', '.join('v' + v for v in offered)} (JSON-RPC)"
                )
                out.append((f"{prefix}n-a", TargetSpec(index, not_applicable=reason)))
                continue
            seen: dict[str, int] = {}
            for iface in chosen:
                seen[iface.key] = seen.get(iface.key, 0) + 1
                suffix = "" if seen[iface.key] == 1 else f"-{seen[iface.key]}"
                out.append((f"{prefix}{iface.key}{suffix}", TargetSpec(index, iface)))
        return out

    def agent_specs(self) -> list[tuple[str, TargetSpec]]:
        """``(test id, spec)`` per agent."""
        if len(self.agents) == 1:
            return [("agent", TargetSpec(0))]
        return [(f"agent{i + 1}", TargetSpec(i)) for i in range(len(self.agents))]

    def untested_interfaces(self) -> list[Interface]:
        return [i for a in self.agents for i in a.interfaces if not i.tested]

    def header_lines(self) -> list[str]:
        """Effective options and detected interfaces for pytest's report header."""
        opts = self.options.redacted()
        lines = ["a2a-harness conformance: " + _fmt_options(opts)]
        if self.started_reference_agent:
            lines.append("a2a: no --agent-url given: started the reference agent")
        if self.options.errata == "1.0.0":
            lines.append("a2a: WARNING: judging v1.0 with the 1.0.0 errata (1.0.1 is current)")
        for index, agent in enumerate(self.agents):
            where = agent.card_url or f"not found ({agent.card_problem})"
            lines.append(f"a2a: agent {index + 1}: {agent.url} card: {where}")
            for iface in agent.interfaces:
                state = "tested" if iface.tested else "not tested (binding not supported yet)"
                forced = " [forced by --a2a-version]" if iface.forced else ""
                lines.append(
                    f"a2a:   v{iface.version} {iface.binding} {iface.url} "
                    f"({iface.source}){forced}: {state}"
                )
        if self.tracer is not None:
            lines.append(f"a2a: tracing: {self.tracer.export_note}")
        return lines


def _fmt_options(opts: dict[str, Any]) -> str:
    parts = []
    for key, value in opts.items():
        if value in (None, [], {}, False) and key != "strict":
            continue
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        parts.append(f"{key}={value}")
    return " ".join(parts)
