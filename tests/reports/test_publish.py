"""``publish_run``: results.json and report.html into the report directory, or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reports.publish import publish_run
from reports.results import ResultsError, load_results

from .factories import check, requirement, results_doc


def test_writes_both_files(tmp_path: Path) -> None:
    doc = results_doc([check("ERR-1", "FAIL")], [requirement("ERR-1")])
    published = publish_run(tmp_path / "report", doc)
    assert published.results == tmp_path / "report" / "results.json"
    assert json.loads(published.results.read_text()) == doc
    assert load_results(published.results).checks[0].grade == "FAIL"
    html = published.html.read_text()
    assert html.startswith("<!doctype html>") and "ERR-1" in html


def test_invalid_document_writes_nothing(tmp_path: Path) -> None:
    doc = results_doc([check("ERR-1", "FAIL")], [requirement("ERR-1")])
    doc["checks"][0]["grade"] = "BROKEN"
    with pytest.raises(ResultsError, match=r"checks\[0\]\.grade"):
        publish_run(tmp_path / "report", doc)
    assert not (tmp_path / "report").exists()
