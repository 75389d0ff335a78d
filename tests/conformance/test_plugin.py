"""The plugin machinery, run in pytester sub-runs: options, grades, exit codes, baseline,
redaction, results, JUnit properties. Checks here are small inline test files against the stub
agent, so each grade can be produced on purpose."""

from __future__ import annotations

import json
import socket
import textwrap
from typing import Any

import pytest

from .asgi_server import ThreadedServer
from .plugin_support import run_suite
from .stub_agent import StubAgent

pytest_plugins = ["pytester"]

GRADED = textwrap.dedent(
    """
    import pytest

    @pytest.mark.requirement("CARD-2")  # MUST
    def test_must_pass(a2a_agent, check):
        assert a2a_agent.card is not None

    @pytest.mark.requirement("OP-1")  # MUST
    def test_must_fail(a2a, check):
        check.fail("deliberately broken", expected=1, actual=2)

    @pytest.mark.requirement("CACHE-1")  # SHOULD
    def test_should_fail(a2a_agent, check):
        check.fail("a SHOULD is not met")

    @pytest.mark.requirement("CACHE-3")  # MAY
    def test_may_fail(a2a_agent, check):
        check.fail("a MAY is not offered")

    @pytest.mark.requirement("CARD-12b")
    def test_warning(a2a_agent, check):
        check.warn("looks odd")

    @pytest.mark.requirement("OP-7")
    def test_not_applicable(a2a, check):
        check.not_applicable("the agent does not do that")

    @pytest.mark.requirement("OP-7b")
    def test_harness_error(a2a, check):
        raise RuntimeError("boom")
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_inert_without_agent_url(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = pytester.runpytest_inprocess("-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1)
    text = result.stdout.str()
    assert "a2a-harness conformance:" not in text and "A2A requirement summary" not in text


def test_grades_categories_and_exit_code(pytester: pytest.Pytester, stub_agent_url: str) -> None:
    pytester.makepyfile(test_graded=GRADED)
    outcome = run_suite(pytester, stub_agent_url, "test_graded.py", "-rA")
    grades = {nodeid.split("::")[1].split("[")[0]: g for nodeid, _, g in outcome.check_grades}
    assert grades["test_must_pass"] == "PASS"
    assert grades["test_must_fail"] == "FAIL"
    assert grades["test_should_fail"] == "NON-STRICT"
    assert grades["test_may_fail"] == "INFO"
    assert grades["test_warning"] == "WARNING"
    assert grades["test_not_applicable"] == "N/A"
    assert grades["test_harness_error"] == "ERROR"
    closing = outcome.result.outlines[-1]
    for category in ("failed", "passed", "NON-STRICT", "INFO", "WARNING", "N/A", "error"):
        assert category in closing, closing
    assert outcome.result.ret == pytest.ExitCode.TESTS_FAILED
    text = outcome.output
    assert "FAIL: OP-1 (MUST" in text and "deliberately broken" in text
    assert text.index("A2A requirement summary") > text.index("FAILURES")


def _only(pytester: pytest.Pytester, body: str) -> None:
    pytester.makepyfile(test_one="import pytest\n\n" + textwrap.dedent(body))


def test_non_strict_passes_unless_strict(pytester: pytest.Pytester, stub_agent_url: str) -> None:
    _only(
        pytester,
        """
        @pytest.mark.requirement("CACHE-1")
        def test_should(a2a_agent, check):
            check.fail("no max-age")
    """,
    )
    assert run_suite(pytester, stub_agent_url, "test_one.py").result.ret == 0
    strict = run_suite(pytester, stub_agent_url, "test_one.py", "--a2a-strict")
    assert strict.result.ret == pytest.ExitCode.TESTS_FAILED


def test_baseline_expected_failure_and_alarm(
    pytester: pytest.Pytester, stub_agent_url: str
) -> None:
    _only(
        pytester,
        """
        @pytest.mark.requirement("OP-1")
        def test_known_bad(a2a, check):
            check.fail("known")

        @pytest.mark.requirement("CARD-2")
        def test_now_fixed(a2a_agent, check):
            pass
    """,
    )
    baseline = pytester.path / "baseline.json"
    baseline.write_text(json.dumps({"expected_failures": {"OP-1": "ticket 1"}}))
    ok = run_suite(pytester, stub_agent_url, "test_one.py", "--a2a-baseline", str(baseline))
    assert ok.result.ret == 0, ok.output
    assert "baselined" in ok.result.outlines[-1]
    assert ok.doc is not None and ok.doc["summary"]["baselined"] == 2  # both versions

    baseline.write_text(json.dumps({"expected_failures": {"OP-1": "ticket 1", "CARD-2": "old"}}))
    alarm = run_suite(pytester, stub_agent_url, "test_one.py", "--a2a-baseline", str(baseline))
    assert alarm.result.ret == pytest.ExitCode.TESTS_FAILED
    assert "BASELINE ALARM: CARD-2" in alarm.output
    assert alarm.doc is not None and alarm.doc["alarms"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--a2a-version", "2.0"], "--a2a-version: '2.0' is not one of auto, 0.3, 1.0"),
        (["--a2a-level", "often"], "--a2a-level: 'often' is not one of"),
        (["--a2a-timeout", "-1"], "--a2a-timeout: -1 is out of range"),
        (["--a2a-select", "NOPE-*"], "--a2a-select: no A2A requirement id matches 'NOPE-*'"),
        (["--a2a-exclude", "ZZZ-1"], "--a2a-exclude: no A2A requirement id matches 'ZZZ-1'"),
        (["--a2a-prompt", "dance=now"], "--a2a-prompt: unknown behaviour 'dance'"),
        (["--a2a-baseline", "missing.json"], "--a2a-baseline: file not found"),
    ],
)
def test_bad_option_is_one_clear_line(
    pytester: pytest.Pytester, stub_agent_url: str, args: list[str], message: str
) -> None:
    result = run_suite(pytester, stub_agent_url, *args).result
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = "\n".join(result.errlines)
    assert message in errors
    assert "Traceback" not in errors and "INTERNALERROR" not in errors


def test_malformed_header_never_echoes_the_value(
    pytester: pytest.Pytester, stub_agent_url: str
) -> None:
    result = run_suite(pytester, stub_agent_url, "--a2a-header", "Bearer s3cr3t-value").result
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    text = "\n".join(result.outlines + result.errlines)
    assert "--a2a-header #1 is malformed" in text
    assert "s3cr3t" not in text


def test_header_from_unset_env_var(
    pytester: pytest.Pytester, stub_agent_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("A2A_TEST_UNSET_TOKEN", raising=False)
    result = run_suite(
        pytester, stub_agent_url, "--a2a-header", "Authorization: Bearer ${A2A_TEST_UNSET_TOKEN}"
    )
    assert result.result.ret == pytest.ExitCode.USAGE_ERROR
    assert "environment variable A2A_TEST_UNSET_TOKEN is not set" in "\n".join(
        result.result.errlines
    )


def test_unreachable_agent_is_an_error_not_a_pass(pytester: pytest.Pytester) -> None:
    url = f"http://127.0.0.1:{_free_port()}/"
    outcome = run_suite(pytester, url, "--a2a-timeout", "2")
    assert outcome.result.ret == pytest.ExitCode.USAGE_ERROR
    errors = "\n".join(outcome.result.errlines)
    assert f"agent {url} is unreachable" in errors and "Traceback" not in errors
    assert outcome.doc is not None
    assert outcome.doc["exit_code"] == pytest.ExitCode.USAGE_ERROR
    assert outcome.doc["summary"]["PASS"] == 0 and outcome.doc["alarms"]


def test_unknown_requirement_id_fails_collection(pytester: pytest.Pytester) -> None:
    _only(
        pytester,
        """
        @pytest.mark.requirement("NO-SUCH-REQ")
        def test_x():
            pass
    """,
    )
    result = pytester.runpytest_inprocess("-p", "no:hypothesispytest", "test_one.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown A2A requirement id 'NO-SUCH-REQ'" in "\n".join(result.errlines)


def test_secrets_redacted_everywhere(
    pytester: pytest.Pytester, stub_agent: StubAgent, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub_agent_url = stub_agent.base_url
    monkeypatch.setenv("A2A_TEST_TOKEN", "tok-9f8e7d6c5b4a")
    _only(
        pytester,
        """
        @pytest.mark.requirement("OP-7b")
        def test_fails_with_evidence(a2a, check):
            a2a.get_task_reply(a2a.unknown_task_id())
            check.fail("show me the evidence")
    """,
    )
    outcome = run_suite(
        pytester,
        stub_agent_url,
        "test_one.py",
        "-v",
        "--a2a-header",
        "Authorization: Bearer ${A2A_TEST_TOKEN}",
        "--a2a-header",
        "X-Api-Key: literal-key-12345",
    )
    text = outcome.output + json.dumps(outcome.doc)
    assert "tok-9f8e7d6c5b4a" not in text and "literal-key-12345" not in text
    assert "Authorization: <redacted>" in outcome.output  # report header
    assert "Bearer ${A2A_TEST_TOKEN}" in outcome.output  # curl cites the variable, not the value
    # ...while the agent did receive the real values
    sent = [r["headers"] for r in stub_agent.requests]
    assert {"authorization": "Bearer tok-9f8e7d6c5b4a"}.items() <= sent[-1].items()
    assert sent[-1]["x-api-key"] == "literal-key-12345"


def test_results_json_and_junit_properties(pytester: pytest.Pytester, stub_agent_url: str) -> None:
    junit = pytester.path / "junit.xml"
    outcome = run_suite(pytester, stub_agent_url, "--a2a-select", "OP-7b", f"--junitxml={junit}")
    doc = outcome.doc
    assert doc is not None and doc["schema"] == "a2a-harness/results/v1"
    assert {c["version"] for c in doc["checks"]} == {"0.3", "1.0"}
    check = doc["checks"][0]
    assert check["grade"] == "PASS" and check["trace_id"] and len(check["trace_id"]) == 32
    exchange = check["evidence"]["exchanges"][0]
    assert exchange["request"]["headers"]["traceparent"].split("-")[1] == check["trace_id"]
    assert exchange["curl"].startswith("curl ")
    assert doc["requirements"][0]["id"] == "OP-7b"
    xml = junit.read_text()
    assert '<property name="requirement" value="OP-7b"' in xml
    assert '<property name="grade" value="PASS"' in xml


def test_level_filter_and_requirement_listing(
    pytester: pytest.Pytester, stub_agent_url: str
) -> None:
    outcome = run_suite(
        pytester, stub_agent_url, "--a2a-level", "must", "--a2a-select", "CACHE-*,CARD-2"
    )
    assert set(outcome.requirement_grades) == {"CARD-2"}  # CACHE-* are SHOULD/MAY
    listing = pytester.runpytest_inprocess("-p", "no:hypothesispytest", "--a2a-requirements")
    assert listing.ret == 0
    text = listing.stdout.str()
    assert "CARD-2" in text and "test_card_at_well_known_path" in text
    assert "requirements," in text and "covered by the bundled suite" in text


def test_report_header_shows_effective_options(
    pytester: pytest.Pytester, stub_agent_url: str
) -> None:
    outcome = run_suite(pytester, stub_agent_url, "--a2a-select", "CARD-2", "--a2a-errata", "1.0.0")
    text = outcome.output
    assert "a2a-harness conformance: agent_urls=" in text and "errata=1.0.0" in text
    assert "judging v1.0 with the 1.0.0 errata" in text
    assert "v1.0 JSONRPC" in text and "v0.3 JSONRPC" in text


def test_forced_version_and_single_stack(pytester: pytest.Pytester, stub_agent_url: str) -> None:
    forced = run_suite(pytester, stub_agent_url, "--a2a-version", "1.0", "--a2a-select", "OP-7b")
    assert {c["version"] for c in forced.doc["checks"]} == {"1.0"}  # type: ignore[index]
    only_v03 = run_suite(pytester, stub_agent_url, "--a2a-version", "0.3", "--a2a-select", "VER-3b")
    ((_, _, grade),) = only_v03.check_grades
    assert grade == "N/A"
    assert "applies to v1.0 only" in only_v03.doc["checks"][0]["message"]  # type: ignore[index]


def test_env_and_ini_sources(
    pytester: pytest.Pytester, stub_agent_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini(f"[pytest]\na2a_agent_url = {stub_agent_url}\na2a_select = OP-7b\n")
    monkeypatch.setenv("A2A_SELECT", "CARD-2")  # env beats ini
    outcome = run_suite(pytester, None)
    assert set(outcome.requirement_grades) == {"CARD-2"}
    outcome = run_suite(pytester, None, "--a2a-select", "OP-9c")  # CLI beats env
    assert set(outcome.requirement_grades) == {"OP-9c"}


def test_several_agents(pytester: pytest.Pytester, stub_agent_url: str) -> None:
    outcome = run_suite(
        pytester, stub_agent_url, "--agent-url", stub_agent_url, "--a2a-select", "OP-7b,CARD-2"
    )
    ids = sorted(nodeid.split("[")[1].rstrip("]") for nodeid, _, _ in outcome.check_grades)
    assert ids == [
        "agent1",
        "agent1-v0.3-jsonrpc",
        "agent1-v1.0-jsonrpc",
        "agent2",
        "agent2-v0.3-jsonrpc",
        "agent2-v1.0-jsonrpc",
    ]
    assert outcome.doc is not None and len(outcome.doc["agents"]) == 2


def test_spans_exported_to_otlp_collector(
    pytester: pytest.Pytester, stub_agent_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("opentelemetry.exporter.otlp.proto.http")
    received: list[tuple[str, bytes]] = []

    async def collector(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        received.append((scope["path"], body))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    with ThreadedServer(collector) as server:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", server.url.rstrip("/"))
        outcome = run_suite(pytester, stub_agent_url, "--a2a-select", "CARD-2")
    assert "a2a: tracing: spans exported over OTLP/HTTP" in outcome.output
    assert outcome.doc is not None
    trace_id = bytes.fromhex(outcome.doc["checks"][0]["trace_id"])
    assert any(path == "/v1/traces" and trace_id in body for path, body in received)


def test_check_without_agent_url_is_an_error_not_a_pass(pytester: pytest.Pytester) -> None:
    _only(
        pytester,
        """
        @pytest.mark.requirement("OP-1")
        def test_needs_agent(a2a, check):
            pass
    """,
    )
    result = pytester.runpytest_inprocess("-p", "no:hypothesispytest", "test_one.py")
    result.assert_outcomes(errors=1)


def test_server_without_card(pytester: pytest.Pytester) -> None:
    async def not_an_agent(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"nothing here"})

    with ThreadedServer(not_an_agent) as server:
        outcome = run_suite(pytester, server.url, "--a2a-select", "CARD-2,OP-7b,CACHE-1")
    grades = {req: grade for _, req, grade in outcome.check_grades}
    assert grades == {"CARD-2": "FAIL", "OP-7b": "ERROR", "CACHE-1": "ERROR"}
    assert "cannot tell which interfaces to test: no agent card" in outcome.output
    assert "pass --a2a-version to test the URL anyway" in outcome.output
    assert outcome.result.ret == pytest.ExitCode.TESTS_FAILED
    assert "Traceback" not in outcome.output
