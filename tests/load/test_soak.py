"""The soak's short form, run by CI in every test run (``tox -e soak`` is the 10-minute form):
two instances sharing a real redis-server, nothing lost, RSS and latency drift reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SOAK = Path(__file__).resolve().parents[2] / "load" / "tools" / "soak.py"


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
    assert "memory://" not in run.stdout, "the soak must run on the shared Redis store"
    assert run.stdout.count("RSS start") == 2
    assert "latency drift" in run.stdout
