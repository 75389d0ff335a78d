"""The soak's short form (``tox -e soak -- --duration 10s``): two instances, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[2] / "load" / "tools" / "soak.py"


@pytest.mark.slow
def test_short_soak_reports_drift_and_passes() -> None:
    run = subprocess.run(
        [sys.executable, str(SOAK), "--duration", "8s", "--users", "4"],
        capture_output=True,
        text=True,
        timeout=110,
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "lost tasks: none" in run.stdout
    assert run.stdout.count("RSS start") == 2
    assert "latency drift" in run.stdout
