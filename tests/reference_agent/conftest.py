"""Reference agents under test: real ``python -m reference_agent`` processes on loopback.

Each variant is session-scoped and started only when a test asks for it, so the suite pays for
a process (about a second) once per configuration:

* ``agent``: the default agent, private webhooks allowed (the push tests use a loopback receiver),
  keep-alive comments every 0.25 s so the streaming tests can see them;
* ``agent_off``: every optional capability off (streaming, push, extended card);
* ``agent_strict``: the default SSRF guard and small limits (body, parts, message size);
* ``agent_ext``: declares a required extension.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fixtures.agent_process import AgentProcess

from .rpc import Rpc

REQUIRED_EXTENSION = "urn:a2a-harness:test:required-extension"
STRICT_LIMITS = {"max_body_bytes": 4096, "max_parts": 3, "max_message_bytes": 2000}


def _start(*args: str) -> AgentProcess:
    return AgentProcess(list(args)).start()


@pytest.fixture(scope="session")
def agent() -> Iterator[AgentProcess]:
    process = _start("--allow-private-webhooks", "--keepalive", "0.25", "--log-level", "info")
    yield process
    process.stop()


@pytest.fixture(scope="session")
def agent_off() -> Iterator[AgentProcess]:
    process = _start("--streaming", "off", "--push-notifications", "off", "--extended-card", "off")
    yield process
    process.stop()


@pytest.fixture(scope="session")
def agent_strict() -> Iterator[AgentProcess]:
    process = _start(
        "--max-body-bytes",
        str(STRICT_LIMITS["max_body_bytes"]),
        "--max-parts",
        str(STRICT_LIMITS["max_parts"]),
        "--max-message-bytes",
        str(STRICT_LIMITS["max_message_bytes"]),
    )
    yield process
    process.stop()


@pytest.fixture(scope="session")
def agent_ext() -> Iterator[AgentProcess]:
    process = _start("--require-extension", REQUIRED_EXTENSION)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def rpc(agent: AgentProcess) -> Iterator[Rpc]:
    client = Rpc(agent.url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def rpc_off(agent_off: AgentProcess) -> Iterator[Rpc]:
    client = Rpc(agent_off.url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def rpc_strict(agent_strict: AgentProcess) -> Iterator[Rpc]:
    client = Rpc(agent_strict.url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def rpc_ext(agent_ext: AgentProcess) -> Iterator[Rpc]:
    client = Rpc(agent_ext.url)
    yield client
    client.close()
