"""The report in a real browser: headless Chromium opens a report produced by a REAL run.

The run is the bundled suite (the card, caching, error, JSON-RPC, streaming, version and state
requirements) against the reference agent behind :class:`BrokenAgentProxy`
(missing ETag, parse error with id 1 and a hostile message, SSE events with a wrong id), with a
bearer token given as ``--a2a-header``. Assertions are on what the page shows (DOM text), not
on pixels. Screenshots go to ``tmp_path``, and also to ``$A2A_REPORT_SCREENSHOTS`` when set.

Also measured here: a 300-requirement report's size and its load time in the browser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fixtures.agent_process import AgentProcess
from reports.cli import main as report_main
from reports.html import render_html
from reports.results import parse_results

from .broken_agent import BrokenAgentProxy
from .chromium import Chromium, Page, chromium_path
from .factories import synthetic_run

pytestmark = pytest.mark.skipif(
    chromium_path() is None, reason="headless Chromium is not installed (/usr/bin/chromium)"
)

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZXBvcnQtdGVzdCJ9.c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ"
SIZE_LIMIT = 2_000_000
LOAD_LIMIT_MS = 1000.0


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The results file of a real suite run against the broken agent."""
    work = tmp_path_factory.mktemp("broken-run")
    results = work / "results.json"
    with AgentProcess() as agent, BrokenAgentProxy(agent.url) as proxy:
        done = subprocess.run(
            [
                sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                "--agent-url", proxy.url,
                "--a2a-results", str(results),
                "--a2a-header", f"Authorization: Bearer {JWT}",
                # The areas the proxy breaks, and their neighbours: a lean but real run.
                "--a2a-select", "CARD-*,CACHE-*,ERR-*,RPC-*,STREAM-*,VER-*,STATE-*",
            ],
            cwd=work,  # outside the project: its pytest configuration does not apply
            capture_output=True,
            text=True,
            timeout=90,
        )  # fmt: skip
    assert results.exists(), f"the suite wrote no results:\n{done.stdout[-2000:]}{done.stderr}"
    doc = json.loads(results.read_text())
    grades = {r["id"]: r["grade"] for r in doc["requirements"]}
    # The proxy's three broken rules are what the report must show.
    assert grades["ERR-1"] == "FAIL" and grades["CACHE-2"] == "NON-STRICT"
    assert grades["STREAM-2"] == "FAIL" and grades["STREAM-3"] == "FAIL"
    assert JWT not in results.read_text()
    return results


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    with Chromium() as chromium:
        yield chromium


def _keep(shot: Path) -> None:
    keep = os.environ.get("A2A_REPORT_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


def _open_report(broken_run: Path, tmp_path: Path, browser: Chromium) -> Page:
    out = tmp_path / "report.html"
    assert report_main([str(broken_run), "--html", str(out)]) == 0
    return browser.open_page(out.as_uri())


def test_real_broken_run_reads_in_a_browser(
    broken_run: Path, tmp_path: Path, browser: Chromium
) -> None:
    doc = json.loads(broken_run.read_text())
    failing = sum(1 for c in doc["checks"] if c["grade"] in ("FAIL", "ERROR"))
    page = _open_report(broken_run, tmp_path, browser)
    verdict = page.evaluate("document.getElementById('verdict').innerText")
    assert verdict.startswith("FAIL") and f"{failing} failing check(s)" in verdict
    summary = page.evaluate("document.getElementById('summary').innerText")
    assert "a2a-harness reference agent" in summary  # card excerpt, from the evidence
    assert "not MUST-complete" in summary and "ERR-1" in summary
    assert re.search(rf"FAIL\s+{doc['summary']['FAIL']}\b", summary)
    shot = page.screenshot(tmp_path / "report-summary.png")
    _keep(shot)

    # Open one failure the way a reader does: its FAIL badge in the requirement matrix.
    opened = page.evaluate(
        """new Promise(function (done) {
             window.addEventListener("hashchange", function () {
               done(Array.from(document.querySelectorAll("details.failure"))
                 .filter(function (d) { return d.open; }).map(function (d) { return d.id; }));
             }, {once: true});
             document.querySelector("#req-ERR-1 a.grade").click();
           })""",
        await_promise=True,
    )
    assert len(opened) == 1
    text = page.evaluate(f"document.getElementById({json.dumps(opened[0])}).innerText")
    assert "Invalid JSON gets a -32700 parse error whose response id is null." in text
    assert '"id": null' in text and '"id": 1' in text
    assert "curl -sS -i -X POST" in text and "Authorization: <redacted>" in text
    assert re.search(r"Trace id\s+[0-9a-f]{32}", text)
    # The agent's hostile error message is shown as text and did not run.
    assert "<script>window.__a2a_pwned = 1</script><img src=x onerror=" in text
    assert page.evaluate("typeof window.__a2a_pwned") == "undefined"
    assert JWT not in page.evaluate("document.documentElement.outerHTML")
    assert page.console_errors() == []
    shot = page.screenshot(tmp_path / "report-failure.png")
    _keep(shot)
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_sse_failure_shows_its_timeline(
    broken_run: Path, tmp_path: Path, browser: Chromium
) -> None:
    page = _open_report(broken_run, tmp_path, browser)
    details = (
        "Array.from(document.querySelectorAll('details.failure')).find(function (d) {"
        " return d.querySelector('summary').innerText.indexOf('STREAM-3') >= 0; })"
    )
    assert page.evaluate(f"{details}.open") is False
    page.evaluate(f"{details}.querySelector('summary').click()")
    assert page.evaluate(f"{details}.open") is True
    dots = page.evaluate(f"{details}.querySelectorAll('svg.timeline circle').length")
    title = page.evaluate(f"{details}.querySelector('svg.timeline title').textContent")
    rows = page.evaluate(f"{details}.querySelectorAll('table.events tr:not(.gap)').length - 1")
    assert dots >= 3 and title.startswith(f"{dots} SSE event(s) over ")
    assert rows == min(dots, 24)
    text = page.evaluate(f"{details}.innerText")
    assert "not-the-request-id" in text and "SSE timeline" in text
    page.evaluate(
        f"{details}.querySelector('svg.timeline').scrollIntoView(); window.scrollBy(0, -200)"
    )
    _keep(page.screenshot(tmp_path / "report-sse-timeline.png"))


def test_filters_by_grade_and_area(broken_run: Path, tmp_path: Path, browser: Chromium) -> None:
    page = _open_report(broken_run, tmp_path, browser)
    visible = "document.querySelectorAll('table.matrix tr.req:not([hidden])')"
    total = page.evaluate(f"{visible}.length")
    page.evaluate("document.getElementById('only-failing').click()")
    shown = page.evaluate(f"Array.from({visible}).map(function (r) {{ return r.id; }})")
    doc = json.loads(broken_run.read_text())
    failing = {
        r["id"] for r in doc["requirements"] if r["grade"] in ("FAIL", "ERROR", "NON-STRICT")
    }
    assert {"ERR-1", "CACHE-2", "STREAM-2", "STREAM-3"} <= failing  # what the proxy breaks
    assert sorted(shown) == sorted(f"req-{r}" for r in failing)
    page.evaluate("document.getElementById('show-all').click()")
    assert page.evaluate(f"{visible}.length") == total
    page.evaluate(
        "var s = document.getElementById('area-filter'); s.value = 'streaming';"
        "s.dispatchEvent(new Event('change'))"
    )
    tags = page.evaluate(f"Array.from({visible}).map(function (r) {{ return r.dataset.tags; }})")
    assert tags and all("streaming" in t.split() for t in tags)
    assert "requirement(s) shown" in page.evaluate(
        "document.getElementById('shown-count').innerText"
    )


def test_300_requirement_report_is_small_and_opens_fast(
    tmp_path: Path, browser: Chromium, record_property: Callable[[str, object], None]
) -> None:
    run = parse_results(synthetic_run(300))
    html = render_html([run])
    size = len(html.encode())
    out = tmp_path / "big.html"
    out.write_text(html, encoding="utf-8")
    load_ms = []
    for _ in range(3):
        page = browser.open_page(out.as_uri())
        load_ms.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
        assert page.evaluate("document.querySelectorAll('tr.req').length") == 300
    median = sorted(load_ms)[1]
    record_property("report_bytes", size)
    record_property("load_ms", load_ms)
    print(f"\n300-requirement report: {size / 1e6:.2f} MB, load {load_ms} ms (median {median})")
    assert size < SIZE_LIMIT, f"report is {size} bytes"
    assert median < LOAD_LIMIT_MS, f"load times {load_ms} ms"
