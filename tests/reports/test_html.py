"""The HTML report's structure, escaping, redaction and self-containment (no browser)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import pytest

from reports.diff import diff_runs
from reports.html import render_html
from reports.matrix import build_matrix
from reports.results import parse_results

from .factories import AGENT, check, exchange, requirement, results_doc
from .page import ParsedPage, parse_page

HOSTILE = '<script>window.__x = 1</script><img src=x onerror="window.__x = 2">&amp;'
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldmUifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


def _failing_doc() -> dict[str, Any]:
    stream = [(0.005, '{"kind": "task"}'), (0.015, '{"kind": "status-update"}'), (0.031, "{}")]
    leaky = exchange(
        body='{"jsonrpc": "2.0", "method": "SendMessage", "id": 1, ',
        response={"jsonrpc": "2.0", "id": 1, "error": {"code": -32700, "message": HOSTILE}},
        headers={"Authorization": f"Bearer {JWT}", "Content-Type": "application/json"},
    )
    leaky["curl"] = f"curl -sS -X POST {AGENT} -H 'Authorization: Bearer {JWT}' --data-binary x"
    checks = [
        check(
            "ERR-1",
            "FAIL",
            message="a parse error response must carry id null",
            expected='"id": null',
            actual='"id": 1',
            exchanges=[leaky],
        ),
        check("ERR-1", "PASS", version="0.3"),
        check(
            "STREAM-3",
            "FAIL",
            section="v1.0 §9.4.2",
            message="events are not JSON-RPC responses to the request",
            actual=["event 0: id 'x' is not the request id 1"],
            exchanges=[exchange(response="", events=stream)],
        ),
        check("CACHE-2", "NON-STRICT", level="SHOULD", version=None, message="no ETag"),
        check("CARD-2", "PASS", version=None, findings=[{"grade": "WARNING", "message": "slow"}]),
        check("GATE-PUSH", "N/A", message="the card declares capabilities.pushNotifications"),
        check("OP-1", "ERROR", message="agent unreachable or too slow: ReadTimeout"),
    ]
    reqs = [
        requirement("ERR-1", paraphrase="Invalid JSON gets a -32700 parse error whose id is null."),
        requirement("STREAM-3", section="v1.0 §9.4.2", tags=("streaming", "jsonrpc")),
        requirement("CACHE-2", level="SHOULD", section="v1.0 §8.6.1", tags=("caching", "card")),
        requirement("CARD-2", section="v1.0 §8.2; v0.3 §5.3", tags=("card",)),
        requirement("GATE-PUSH", section="v1.0 §3.3.4", tags=("push",)),
        requirement("OP-1", section="v1.0 §3.1.1", tags=("messaging",)),
    ]
    untested = [requirement("PUSH-9", tags=("push",), paraphrase="Never ran.")]
    return results_doc(checks, reqs, registry_size=40, untested=untested)


@pytest.fixture(scope="module")
def html() -> str:
    return render_html([parse_results(_failing_doc())], generated="2025-01-01T00:00:00Z")


@pytest.fixture(scope="module")
def page(html: str) -> ParsedPage:
    return parse_page(html)


def test_sections_are_present(page: ParsedPage) -> None:
    assert {"summary", "matrix", "failures", "findings", "run", "verdict"} <= page.ids()
    assert "load" not in page.ids() and "diff" not in page.ids()


def test_summary_counts_compliance_and_coverage(page: ParsedPage) -> None:
    verdict = page.text("verdict")
    assert "FAIL" in verdict and "3 failing check(s)" in verdict
    summary = page.text("summary")
    assert "FAIL 2" in summary and "NON-STRICT 1" in summary and "ERROR 1" in summary
    assert "PASS 2" in summary and "N/A 1" in summary
    assert "v1.0 not MUST-complete" in summary
    assert "5 requirement(s) graded, 1 N/A" in summary
    assert "34 not tested of 40 in the registry" in summary
    assert "never counted as a pass" in summary


def test_matrix_groups_by_area_with_sections_and_filters(page: ParsedPage) -> None:
    rows = page.find("tr", **{"class": "req"})
    assert len(rows) == 7  # six checked + one untested
    areas = [a["data-area"] for a in page.find("tr", **{"class": "area"})]
    assert areas == ["errors", "streaming", "caching", "card", "push", "messaging"]
    err1 = page.text("req-ERR-1")
    assert "v1.0 §9.5" in err1 and "v0.3 PASS · v1.0 FAIL" in err1
    assert "untested" in page.text("req-PUSH-9")
    grade_filters = [a["value"] for a in page.find("input", **{"class": "grade-filter"})]
    assert grade_filters == [
        "g-error", "g-fail", "g-nonstrict", "g-na", "g-pass", "g-untested",
    ]  # fmt: skip
    areas_offered = [a["value"] for a in page.find("option")]
    assert "" in areas_offered and "jsonrpc" in areas_offered  # any tag, not only the first


def test_each_failure_has_rule_expected_actual_transcript_curl_and_trace(
    page: ParsedPage, html: str
) -> None:
    failures = page.find("details", **{"class": "failure"})
    assert len(failures) == 4  # FAIL x2, NON-STRICT, ERROR; never PASS or N/A
    first_err1 = next(a["id"] for a in failures if "ERR-1" in page.text(a["id"]))
    text = page.text(first_err1)
    assert "Invalid JSON gets a -32700 parse error whose id is null." in text
    assert "Expected" in text and '"id": null' in text and '"id": 1' in text
    assert "Reproduce" in text and "curl -sS -X POST" in text
    assert "0af7651916cd43dd8448eb211c80319c" in text
    assert "HTTP 200" in text and "Request 1: POST" in text
    # The matrix links the failing cell to the failure.
    assert f'href="#{first_err1}"' in html


def test_sse_timeline_is_drawn_for_a_streaming_failure(page: ParsedPage, html: str) -> None:
    stream3 = next(
        a["id"]
        for a in page.find("details", **{"class": "failure"})
        if "STREAM-3" in page.text(a["id"])
    )
    assert "SSE timeline" in page.text(stream3)
    svg = re.search(r'<svg class="timeline".*?</svg>', html, re.S)
    assert svg is not None
    assert svg.group(0).count("<circle") == 3
    assert "3 event(s)" in svg.group(0) and "31.0 ms" in svg.group(0)


def test_hostile_strings_are_escaped(page: ParsedPage, html: str) -> None:
    assert len(page.scripts) == 1  # only the report's own script
    assert "window.__x" not in page.scripts[0]
    assert not any(a.get("onerror") for _, a in page.elements)
    assert not page.find("img")
    assert "&lt;script&gt;window.__x = 1&lt;/script&gt;" in html


def test_credentials_never_reach_the_page(html: str) -> None:
    assert JWT not in html
    assert "Authorization: &lt;redacted&gt;" in html


def test_self_contained_and_locked_down_by_csp(page: ParsedPage, html: str) -> None:
    for tag, attrs in page.elements:
        assert "src" not in attrs, f"<{tag}> loads {attrs['src']}"
        assert not (tag == "link" and "href" in attrs)
        href = attrs.get("href", "#")
        assert href.startswith("#"), f"<{tag}> links out to {href}"
    csp = page.find("meta", http_equiv="Content-Security-Policy")[0]["content"]
    assert "default-src 'none'" in csp
    script = page.scripts[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp


def test_findings_list_warnings_and_na_reasons(page: ParsedPage) -> None:
    findings = page.text("findings")
    assert "the card declares capabilities.pushNotifications" in findings
    assert "slow" in findings


def test_card_excerpt_from_the_results_file() -> None:
    card = {
        "name": "Travel <b>agent</b>",
        "description": "Books trips.",
        "version": "2.1",
        "capabilities": {"streaming": True, "pushNotifications": False},
        "skills": [{"id": "book", "name": "Book"}],
        "securitySchemes": {"oauth": {"type": "oauth2"}},
    }
    doc = results_doc([check("ERR-1", "PASS")], [requirement("ERR-1")], card=card)
    page = parse_page(render_html([parse_results(doc)]))
    summary = page.text("summary")
    assert "Travel <b>agent</b>" in summary  # shown as text, not markup
    assert "streaming" in summary and "pushNotifications" not in summary
    assert "1: Book" in summary and "oauth" in summary
    assert "Registry coverage" in summary and "unknown" in summary


def test_load_section_with_gates_and_chart() -> None:
    load = {
        "agent": AGENT,
        "scenario": "send-message",
        "users": 10,
        "passed": False,
        "gates": [
            {"metric": "p95", "limit": 250, "observed": 271.5, "unit": "ms", "passed": False},
            {"metric": "errors", "limit": 0.1, "observed": 0.0, "unit": "%", "passed": True},
        ],
        "stats": [
            {"t": t, "p50": 10 + t, "p95": 50 + t, "p99": 90 + t, "rps": 100, "errors": t % 2}
            for t in range(0, 30, 5)
        ],
    }
    doc = results_doc([check("ERR-1", "PASS")], [requirement("ERR-1")], load=load)
    html = render_html([parse_results(doc)])
    page = parse_page(html)
    text = page.text("load")
    assert (
        "gates failed" in text and "p95" in text and "271.5 ms" in text and "send-message" in text
    )
    chart = re.search(r'<svg class="chart".*?</svg>', html, re.S)
    assert chart is not None and chart.group(0).count("<polyline") == 3
    assert chart.group(0).count('fill="#cf222e"><title>') == 3  # intervals with errors


def test_several_agents_side_by_side_and_a_diff() -> None:
    old = parse_results(results_doc([check("ERR-1", "PASS")], [requirement("ERR-1")]))
    new_doc = results_doc(
        [check("ERR-1", "FAIL"), check("ERR-1", "PASS", agent="http://127.0.0.1:7777/")],
        [requirement("ERR-1")],
        agents=[AGENT, "http://127.0.0.1:7777/"],
    )
    new = parse_results(new_doc)
    old_col = build_matrix([old]).columns[0]
    matrix = build_matrix([new])
    diff = diff_runs(old_col, matrix.columns[0], matrix.catalogue)
    page = parse_page(render_html([new], diffs=[diff]))
    assert len(page.find("td", **{"class": "cell"})) == 2  # one cell per agent
    matrix_text = page.text("matrix")
    assert AGENT in matrix_text and "http://127.0.0.1:7777/" in matrix_text
    row = page.text("req-ERR-1")
    assert row.index("FAIL") < row.index("PASS")  # column order: first agent, second agent
    diff_text = page.text("diff")
    assert "1 new failure(s)" in diff_text and "0 fixed" in diff_text and "ERR-1" in diff_text


def test_results_roundtrip_keeps_the_rendering_stable() -> None:
    doc = _failing_doc()
    again = json.loads(json.dumps(doc))
    first = render_html([parse_results(doc)], generated="x")
    assert render_html([parse_results(again)], generated="x") == first


def test_a_long_stream_lists_its_start_and_its_end() -> None:
    events = [(0.001 * k, f'{{"n": {k}}}') for k in range(1, 101)]
    doc = results_doc(
        [check("STREAM-3", "FAIL", exchanges=[exchange(response="", events=events)])],
        [requirement("STREAM-3")],
    )
    html = render_html([parse_results(doc)])
    svg = re.search(r'<svg class="timeline".*?</svg>', html, re.S)
    assert svg is not None and svg.group(0).count("<circle") == 100  # all drawn
    listed = re.findall(r"<tr><td>(\d+)</td>", html)
    assert listed == [str(n) for n in [*range(1, 17), *range(93, 101)]]
    assert "76 event(s) not listed" in html


def test_render_redacts_again_what_bypassed_loading() -> None:
    # A model built in code, not loaded from a file: only the template's last pass stands
    # between a token and the page.
    run = parse_results(_failing_doc())
    run.checks[0].message = f"the agent echoed Bearer {JWT}"
    run.checks[0].exchanges[0].request_headers["Authorization"] = f"Bearer {JWT}"
    run.alarms.append(f"token {JWT} in an alarm")
    html = render_html([run])
    assert JWT not in html
    assert "the agent echoed &lt;redacted&gt;" in html


def test_load_member_as_the_load_command_writes_it() -> None:
    # load/cli.py's shape: stats_over_time, agent_urls, limits as text, failures as records.
    load = {
        "scenario": "send_message",
        "agent_urls": [AGENT],
        "elapsed_s": 20.4,
        "passed": False,
        "problems": ["gate p95<250ms failed: observed 310 ms"],
        "gates": [
            {"metric": "p95", "limit": "<250ms", "observed": 310.0, "passed": False},
            {"metric": "errors", "limit": "<0.1%", "observed": 0.0, "passed": True},
        ],
        "metrics": {"requests": 4000.0, "rps": 196.1},
        "stats_over_time": [
            {"t": 1.0, "p50": 3.0, "p95": 9.0, "p99": 20.0, "rps": 190.0, "errors": 0, "users": 5}
        ],
        "failures": [{"name": "SendMessage", "error": "boom", "occurrences": 2}],
    }
    doc = results_doc([], [], load=load)
    run = parse_results(doc)
    assert run.load is not None and run.load.agent == AGENT and run.load.requests == 4000
    assert [(g.limit, g.unit) for g in run.load.gates] == [("<250ms", "ms"), ("<0.1%", "%")]
    page = parse_page(render_html([run]))
    text = page.text("load")
    assert "<250ms" in text and "310 ms" in text and "gate p95<250ms failed" in text
    assert "4000" in text and "20.4 s" in text


def test_absurdly_nested_bodies_are_shown_as_text() -> None:
    # Suites send hostile bodies (deep nesting); the report must not choke on its own evidence.
    deep = "[" * 100_000 + "]" * 100_000
    doc = results_doc(
        [check("ERR-2", "FAIL", actual=deep, exchanges=[exchange(body=deep, response=deep)])],
        [requirement("ERR-2")],
    )
    html = render_html([parse_results(doc)])
    assert "[[[[" in html and "more characters not shown" in html


def test_coverage_names_a_narrowed_run() -> None:
    doc = results_doc(
        [check("ERR-1", "PASS")],
        [requirement("ERR-1")],
        options={"select": ["ERR-*", "RPC-*"], "level": "must", "headers": []},
    )
    summary = parse_page(render_html([parse_results(doc)])).text("summary")
    assert "The run selected only ERR-*, RPC-*." in summary
    assert "Levels checked: MUST and above." in summary
