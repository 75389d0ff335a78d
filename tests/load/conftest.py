"""Real processes for the load tests: reference agents and the task-dropping proxy (loopback)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from fixtures._process import ServiceProcess
from fixtures.agent_process import AgentProcess
from fixtures.ports import free_port, port_accepts

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def agent() -> Iterator[AgentProcess]:
    """One reference agent, shared by a module's tests."""
    with AgentProcess() as process:
        yield process


@contextmanager
def dropping_proxy(upstream: str, tmp_path: Path, drop: str = "half") -> Iterator[str]:
    """The broken agent of ``dropping_agent.py`` in front of ``upstream``; yields its URL."""
    port = free_port()
    cmd = [sys.executable, str(HERE / "dropping_agent.py"), "--port", str(port)]
    cmd += ["--upstream", upstream, "--drop", drop]
    service = ServiceProcess("dropping proxy", cmd, log_path=tmp_path / f"proxy-{drop}.log")
    service.spawn()
    try:
        service.await_ready(lambda: port_accepts(port), timeout=20)
        yield f"http://127.0.0.1:{port}/"
    finally:
        service.stop()
