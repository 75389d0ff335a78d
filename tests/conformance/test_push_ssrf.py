"""PUSH-12 both ways, and what a guarded agent does to the delivery checks.

The proof agents of test_proofs accept loopback webhooks (the suite's receiver), so their SSRF
guard is off and PUSH-12 grades INFO there. Here the reference agent runs with its guard on:
PUSH-12 PASSes, and the checks that need deliveries to the loopback receiver are N/A with the
reason and the way out (``--a2a-webhook-url``), never FAIL or ERROR.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fixtures.agent_process import AgentProcess

from .plugin_support import FAST_STOP, run_suite

pytest_plugins = ["pytester"]


@pytest.fixture(scope="module")
def guarded_agent_url() -> Iterator[str]:
    with AgentProcess(FAST_STOP) as agent:
        yield agent.url


def test_guard_on_passes_and_delivery_checks_say_why_not(
    pytester: pytest.Pytester, guarded_agent_url: str
) -> None:
    outcome = run_suite(
        pytester, guarded_agent_url, "-q", "--a2a-select", "PUSH-12,PUSH-8,PUSH-8b,OP-11"
    )
    grades = outcome.requirement_grades
    assert grades == {"PUSH-12": "PASS", "PUSH-8": "N/A", "PUSH-8b": "N/A", "OP-11": "N/A"}
    reasons = {c["message"] for c in outcome.doc["checks"] if c["grade"] == "N/A"}  # type: ignore[index]
    assert all(
        "refused the harness's webhook URL" in r and "--a2a-webhook-url" in r for r in reasons
    )
    assert outcome.result.ret == 0, outcome.output


def test_guard_off_is_info(pytester: pytest.Pytester, reference_agent_url: str) -> None:
    outcome = run_suite(pytester, reference_agent_url, "-q", "--a2a-select", "PUSH-12")
    assert outcome.requirement_grades == {"PUSH-12": "INFO"}
    [message] = {c["message"] for c in outcome.doc["checks"]}  # type: ignore[index]
    assert "accepted a webhook on the link-local address" in message
    assert outcome.result.ret == 0
