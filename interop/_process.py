"""The interop run's processes: the SDK agents, the 0.3.x sub-venv, the conformance suite.

Every wait is bounded: the listening line (``startup_timeout``), the suite (``timeout``), the
agent's exit after SIGTERM. An agent that dies or never announces itself becomes a
:class:`HarnessCrash` carrying the tail of its log, never a hang.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from _serve import LISTENING

__all__ = [
    "AgentProcess",
    "HarnessCrash",
    "SuiteOutcome",
    "ensure_venv",
    "run_suite",
    "sdk_version",
]

ROOT = Path(__file__).resolve().parent.parent
_STOP_TIMEOUT = 10.0


class HarnessCrash(RuntimeError):
    """Something other than a verdict went wrong: an agent, the venv, or the suite itself."""


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def sdk_version(python: str) -> str:
    """The ``a2a-sdk`` version installed for ``python``, or '' when it is not importable."""
    code = "import importlib.metadata as m, a2a; print(m.version('a2a-sdk'))"
    try:
        done = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def ensure_venv(venv: Path, requirements: list[str], want_prefix: str, *, recreate: bool) -> str:
    """The python of ``venv``, created with ``requirements`` unless a usable one exists.

    Usable means ``a2a-sdk`` imports and its version starts with ``want_prefix``. Installing
    needs the package index once; later runs reuse the venv offline.
    """
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not recreate and python.exists() and sdk_version(str(python)).startswith(want_prefix):
        return str(python)
    print(f"creating {venv} with {' '.join(requirements)} (once; later runs reuse it)", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ],
    ]
    for cmd in steps:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
        except subprocess.TimeoutExpired:
            raise HarnessCrash(f"{cmd[0]} {cmd[1]} {cmd[2]}… did not finish in 600 s") from None
        if done.returncode != 0:
            output = (done.stderr or done.stdout).strip().splitlines()[-10:]
            raise HarnessCrash(f"cannot build {venv}: {' '.join(cmd[:4])}…\n" + "\n".join(output))
    version = sdk_version(str(python))
    if not version.startswith(want_prefix):
        raise HarnessCrash(f"{venv}: expected a2a-sdk {want_prefix}x, got {version or 'nothing'}")
    return str(python)


class AgentProcess:
    """One interop agent script run by ``python``; stderr goes to ``log_path``.

    Use as a context manager: entering starts it and waits for ``INTEROP_AGENT_LISTENING``;
    leaving stops it (SIGTERM, then SIGKILL after a bounded wait).
    """

    def __init__(
        self,
        python: str,
        script: Path,
        args: list[str],
        log_path: Path,
        startup_timeout: float,
    ) -> None:
        self.python = python
        self.script = script
        self.args = args
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> AgentProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w", encoding="utf-8") as log:
            self._proc = subprocess.Popen(
                [self.python, str(self.script), "--host", "127.0.0.1", "--port", "0", *self.args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                cwd=ROOT,
            )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._drain, args=(lines,), daemon=True).start()
        try:
            self.url = self._wait_listening(lines)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _drain(self, lines: queue.Queue[str | None]) -> None:
        # Keeps reading after the listening line so a chatty agent never blocks on a full pipe.
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            lines.put(line.strip())
        lines.put(None)

    def _wait_listening(self, lines: queue.Queue[str | None]) -> str:
        name = self.script.name
        while True:
            try:
                line = lines.get(timeout=self.startup_timeout)
            except queue.Empty:
                raise HarnessCrash(
                    f"{name} did not print {LISTENING} within {self.startup_timeout:g} s; "
                    f"log tail:\n{_tail(self.log_path)}"
                ) from None
            if line is None:
                raise HarnessCrash(
                    f"{name} exited before serving; log tail:\n{_tail(self.log_path)}"
                )
            if line.startswith(LISTENING + " "):
                return line.split(" ", 1)[1]

    def stop(self) -> None:
        """Stop the agent; returns once the process is gone."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=_STOP_TIMEOUT)


@dataclass(frozen=True, slots=True)
class SuiteOutcome:
    """How the conformance suite run ended."""

    exit_code: int
    results: Path
    log: Path
    duration_s: float


def run_suite(
    url: str, results: Path, log: Path, baseline: Path | None, extra: list[str], timeout: float
) -> SuiteOutcome:
    """Run the bundled suite against ``url`` in a child pytest (bounded by ``timeout``)."""
    cmd = [sys.executable, "-m", "pytest", "--agent-url", url, "--a2a-results", str(results)]
    if baseline is not None:
        cmd += ["--a2a-baseline", str(baseline)]
    cmd += ["-p", "no:cacheprovider", "-q", *extra]
    results.unlink(missing_ok=True)
    start = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        try:
            done = subprocess.run(
                cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise HarnessCrash(
                f"the suite did not finish within {timeout:g} s; log tail:\n{_tail(log)}"
            ) from None
    return SuiteOutcome(done.returncode, results, log, time.monotonic() - start)
