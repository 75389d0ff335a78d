"""Fixtures and helpers for testing the conformance plugin with pytester sub-runs.

Test modules import the fixtures they use from here (``from .plugin_support import …``), and
declare ``pytest_plugins = ["pytester"]``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpcore  # noqa: F401 - see below: keep one httpcore for every sub-run
import pytest

import conformance
from fixtures.agent_process import AgentProcess

from .asgi_server import ThreadedServer
from .broken.mutations import MUTATIONS
from .broken.proxy import MutatingProxy
from .stub_agent import StubAgent

# pytester's in-process runs drop the modules a run imported; importing the plugin's modules
# (and the suite) here once keeps each sub-run from re-importing and re-rewriting them.
for _info in pkgutil.walk_packages(conformance.__path__, "conformance."):
    importlib.import_module(_info.name)

# Sub-runs need none of the environment's other plugins (hypothesis alone costs seconds).
# The inner runs have no project config: name pytest-asyncio's loop scope, or every run warns.
SUBRUN_FLAGS = (
    "-p", "no:hypothesispytest",
    "-p", "no:cacheprovider",
    "-p", "no:benchmark",
    "-o", "asyncio_default_fixture_loop_scope=function",
)  # fmt: skip

__all__ = [
    "PRIVATE_WEBHOOKS",
    "BrokenAgent",
    "SuiteOutcome",
    "broken_agent",
    "broken_gated_agent",
    "gated_agent_url",
    "reference_agent_url",
    "run_suite",
    "stub_agent",
    "stub_agent_url",
]


@pytest.fixture(scope="session")
def reference_agent_url() -> Iterator[str]:
    """One reference agent process for the session (real uvicorn on a loopback port); it may
    push to the suite's loopback webhook receiver."""
    with AgentProcess((*FAST_STOP, *PRIVATE_WEBHOOKS)) as agent:
        yield agent.url


@pytest.fixture(scope="session")
def stub_agent() -> Iterator[StubAgent]:
    """The hand-written stub agent (dual-stack) in a thread; ``base_url`` is where it listens."""
    agent = StubAgent()
    with ThreadedServer(agent) as server:
        agent.base_url = server.url
        yield agent


@pytest.fixture(scope="session")
def stub_agent_url(stub_agent: StubAgent) -> str:
    """The stub agent's URL."""
    return stub_agent.base_url


class BrokenAgent:
    """The mutating proxy in front of the reference agent; :meth:`use` picks the mutation."""

    def __init__(self, proxy: MutatingProxy, url: str) -> None:
        self.proxy, self.url = proxy, url

    def use(self, mutation: str | None) -> str:
        self.proxy.mutation = MUTATIONS[mutation] if mutation else None
        return self.url


# Proofs leave slow tasks running; the agents need not wait for them when the session ends.
FAST_STOP = ("--shutdown-grace", "0")
# The suite's webhook receiver listens on loopback, which the agent's SSRF guard refuses.
PRIVATE_WEBHOOKS = ("--allow-private-webhooks",)

# The reference agent with every optional capability off and one extension required: the other
# side of capability gating (declared → works is shown by the default agent).
GATED_ARGS = (
    "--streaming", "off",
    "--push-notifications", "off",
    "--extended-card", "off",
    "--require-extension", "urn:a2a-harness:test:required",
)  # fmt: skip


@pytest.fixture(scope="session")
def gated_agent_url() -> Iterator[str]:
    """A reference agent started with :data:`GATED_ARGS`."""
    with AgentProcess((*GATED_ARGS, *FAST_STOP)) as agent:
        yield agent.url


def _proxy(upstream: str) -> Iterator[BrokenAgent]:
    proxy = MutatingProxy(upstream, None)
    with ThreadedServer(proxy) as server:
        proxy.public_url = server.url
        yield BrokenAgent(proxy, server.url)


@pytest.fixture(scope="session")
def broken_agent(reference_agent_url: str) -> Iterator[BrokenAgent]:
    """One proxy in front of the default reference agent; each proof selects its mutation."""
    yield from _proxy(reference_agent_url)


@pytest.fixture(scope="session")
def broken_gated_agent(gated_agent_url: str) -> Iterator[BrokenAgent]:
    """One proxy in front of the gated reference agent."""
    yield from _proxy(gated_agent_url)


@dataclass
class SuiteOutcome:
    """What a sub-run produced: pytest's result and the parsed results JSON."""

    result: pytest.RunResult
    doc: dict[str, Any] | None

    @property
    def output(self) -> str:
        return "\n".join(self.result.outlines + self.result.errlines)

    @property
    def requirement_grades(self) -> dict[str, str]:
        assert self.doc is not None, self.output
        return {r["id"]: r["grade"] for r in self.doc["requirements"]}

    @property
    def check_grades(self) -> list[tuple[str, str, str]]:
        assert self.doc is not None, self.output
        return [(c["nodeid"], c["requirement"], c["grade"]) for c in self.doc["checks"]]

    def errors(self) -> list[tuple[str, str]]:
        assert self.doc is not None, self.output
        return [(c["nodeid"], c["message"]) for c in self.doc["checks"] if c["grade"] == "ERROR"]


def run_suite(pytester: pytest.Pytester, url: str | None, *args: str) -> SuiteOutcome:
    """Run the plugin in-process against ``url``; returns the outcome with the results JSON."""
    results = pytester.path / "a2a-results.json"
    results.unlink(missing_ok=True)
    argv = [*SUBRUN_FLAGS, "--a2a-results", str(results), *args]
    if url is not None:
        argv = ["--agent-url", url, *argv]
    result = pytester.runpytest_inprocess(*argv)
    doc = json.loads(results.read_text(encoding="utf-8")) if results.exists() else None
    return SuiteOutcome(result, doc)
