"""Run ``a2a-harness load`` as users do: a real process, bounded."""

from __future__ import annotations

import os
import subprocess
import sys


def harness_load(
    *args: str, timeout: float = 90.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m a2a_harness load ARGS`` with its exit code, stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "a2a_harness", "load", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
