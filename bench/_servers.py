"""Start the bench's contenders as real processes and talk to them once (probe, sizes, RSS).

The reference agent starts through :class:`fixtures.agent_process.AgentProcess` (its own
command line, ``--port 0``); the bare ASGI app and the a2a-sdk agent are scripts in ``bench/``
started on a free loopback port and awaited until they answer.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from fixtures._process import ServiceProcess
from fixtures.ports import free_port

BENCH_DIR = Path(__file__).resolve().parent
ECHO_TEXT = "hello"
V1_HEADERS = {"A2A-Version": "1.0", "Content-Type": "application/json"}


def send_message_body(text: str = ECHO_TEXT, message_id: str = "bench-probe") -> dict[str, Any]:
    """A v1.0 JSON-RPC ``SendMessage`` request (blocking, the default) with one text part."""
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "SendMessage",
        "params": {
            "message": {"role": "ROLE_USER", "messageId": message_id, "parts": [{"text": text}]}
        },
    }


def require_loopback(url: str) -> str:
    """``url`` itself; load is only ever sent to loopback."""
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the bench sends load to loopback only, got {url!r}")
    return url


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` in KiB (VmRSS from /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


@dataclass
class Probe:
    """What one blocking SendMessage answered: size of the body and whether it completed."""

    status: int
    body_bytes: int
    completed: bool
    excerpt: str


def probe_send_message(rpc_url: str) -> Probe:
    """Send one echo SendMessage and check the answer is a completed task."""
    response = httpx.post(rpc_url, json=send_message_body(), headers=V1_HEADERS, timeout=10)
    completed = response.status_code == 200 and b"TASK_STATE_COMPLETED" in response.content
    return Probe(response.status_code, len(response.content), completed, response.text[:300])


def jsonrpc_v1_url(base_url: str) -> str:
    """The v1.0 JSON-RPC interface URL from the agent's card (the base URL if none is named)."""
    card = httpx.get(base_url + ".well-known/agent-card.json", timeout=10).json()
    for interface in card.get("supportedInterfaces", []):
        binding = str(interface.get("protocolBinding", "")).upper()
        if binding == "JSONRPC" and str(interface.get("protocolVersion", "")).startswith("1"):
            return str(interface["url"])
    return base_url


class ScriptServer:
    """``python bench/<script> --port P [args]`` on loopback, ready when ``ready_path`` answers.

    ``script`` is relative to ``bench/`` or absolute; also a context manager (start/stop).
    """

    def __init__(
        self, name: str, script: str | Path, args: list[str] | None = None, ready_path: str = ""
    ) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.ready_path = ready_path
        self._dir = Path(tempfile.mkdtemp(prefix=f"a2a-bench-{name}-"))
        cmd = [sys.executable, str(BENCH_DIR / script), "--port", str(self.port), *(args or [])]
        self._service = ServiceProcess(name, cmd, log_path=self._dir / "server.log")

    @property
    def pid(self) -> int:
        """The server's process id."""
        assert self._service.pid is not None
        return self._service.pid

    def start(self, timeout: float = 30.0) -> ScriptServer:
        """Start and block until an HTTP GET on ``ready_path`` answers below 500 (bounded)."""
        self._service.spawn()
        self._service.await_ready(self._answers, timeout)
        return self

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s; removes the server's log directory."""
        self._service.stop(timeout=10)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> ScriptServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answers(self) -> bool:
        try:
            return httpx.get(self.url + self.ready_path, timeout=1).status_code < 500
        except httpx.HTTPError:
            return False
