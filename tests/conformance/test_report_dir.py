"""``--a2a-report-dir`` writes results.json and report.html at the end of every run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fixtures.ports import free_port


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "a2a_harness", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def test_report_dir_holds_results_and_html(tmp_path: Path) -> None:
    out = tmp_path / "report"
    run = _run(["test", "--a2a-report-dir", str(out), "--a2a-select", "CARD-*", "-q"], tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "a2a-harness/results/v1"
    assert doc["summary"]["PASS"] > 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "A2A conformance report" in html
    assert "CARD-2" in html


def test_report_dir_is_written_when_the_agent_is_unreachable(tmp_path: Path) -> None:
    out = tmp_path / "report"
    url = f"http://127.0.0.1:{free_port()}/"
    run = _run(["test", url, "--a2a-report-dir", str(out), "--a2a-timeout", "2"], tmp_path)
    assert run.returncode != 0
    assert "unreachable" in run.stdout + run.stderr
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["summary"]["PASS"] == 0  # an unreachable agent is never a pass
    assert (out / "report.html").is_file()
