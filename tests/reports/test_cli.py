"""``a2a-harness report``: re-render, merge, diff; one-line errors and exit 2 for bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from a2a_harness.cli import main as harness_main
from reports.cli import main

from .factories import check, requirement, results_doc


def _write(path: Path, doc: Any) -> Path:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def _run(tmp_path: Path, grade: str = "PASS", name: str = "r.json") -> Path:
    doc = results_doc(
        [check("ERR-1", grade), check("ERR-2", "PASS")],
        [requirement("ERR-1"), requirement("ERR-2")],
    )
    return _write(tmp_path / name, doc)


def test_renders_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site" / "report.html"
    assert main([str(_run(tmp_path)), "--html", str(out), "--title", "Nightly"]) == 0
    html = out.read_text()
    assert "<title>Nightly</title>" in html and 'id="matrix"' in html
    printed = capsys.readouterr().out
    assert "2 PASS" in printed and "v1.0 MUST-complete" in printed and f"wrote {out}" in printed


def test_summary_only_without_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(_run(tmp_path, "FAIL"))]) == 0
    assert "1 FAIL, 1 PASS" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.html"))


def test_merges_a_directory_and_skips_other_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(tmp_path, "PASS", "a.json")
    _run(tmp_path, "FAIL", "b.json")
    _write(tmp_path / "package.json", {"name": "not ours"})
    out = tmp_path / "all.html"
    assert main([str(tmp_path), "--html", str(out)]) == 0
    captured = capsys.readouterr()
    assert "skipped" in captured.err and "package.json" in captured.err
    assert out.read_text().count('class="cell"') == 4  # 2 requirements x 2 columns


def test_diff_against_a_previous_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _run(tmp_path, "PASS", "old.json")
    new = _run(tmp_path, "FAIL", "new.json")
    out = tmp_path / "d.html"
    assert main([str(new), "--baseline", str(old), "--html", str(out)]) == 0
    assert "1 new failure(s), 0 fixed" in capsys.readouterr().out
    assert 'id="diff"' in out.read_text()
    assert main([str(new), "--baseline", str(old), "--fail-on-regression"]) == 1
    assert main([str(old), "--baseline", str(new), "--fail-on-regression"]) == 0


def test_diff_against_known_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = _run(tmp_path, "FAIL")
    known = _write(tmp_path / "known.json", {"expected_failures": {"ERR-1": "vendor bug 7"}})
    assert main([str(new), "--baseline", str(known), "--fail-on-regression"]) == 0
    assert "0 new failure(s)" in capsys.readouterr().out
    stale = _write(tmp_path / "stale.json", {"expected_failures": {"ERR-2": "fixed long ago"}})
    assert main([str(new), "--baseline", str(stale), "--fail-on-regression"]) == 1
    assert "1 fixed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda d: d / "absent.json", "absent.json: no such file"),
        (lambda d: _write(d / "x.json", "{oops"), "x.json: not a results file (not valid JSON"),
        (lambda d: _write(d / "x.json", {"a": 1}), 'not an a2a-harness results file (no "schema"'),
        (
            lambda d: _write(d / "x.json", {"schema": "a2a-harness/results/v9"}),
            "unsupported results schema 'a2a-harness/results/v9'",
        ),
        (lambda d: d, "directory holds no a2a-harness results file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: Any, expected: str
) -> None:
    path = setup(tmp_path)
    assert main([str(path), "--html", str(tmp_path / "out.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("a2a-harness report: ") and expected in err
    assert err.count("\n") == 1
    assert not (tmp_path / "out.html").exists()


def test_bad_baseline_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _run(tmp_path)
    bad = _write(tmp_path / "b.json", {"expected_failures": ["ERR-1"]})
    assert main([str(run), "--baseline", str(bad)]) == 2
    assert 'expected {"expected_failures"' in capsys.readouterr().err
    assert main([]) == 2
    assert "required: RESULTS" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert "--baseline" in capsys.readouterr().out


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main([str(_run(tmp_path)), "--html", str(blocker / "report.html")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_front_door_dispatches_report(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert harness_main(["report", str(_run(tmp_path)), "--html", str(out)]) == 0
    assert out.exists()
