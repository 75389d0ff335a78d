"""Tests of the interop tools: the behaviour choice, the summary's verdict, the process handling.

Run with ``python -m pytest interop -q -p no:cacheprovider``. The agent test needs ``a2a-sdk``
1.x with its ``http-server`` extra (the ``interop`` tox environment has it) and is skipped
elsewhere; the others need nothing but the standard library.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from _contract import Plan, choose
from _process import AgentProcess, HarnessCrash
from _summary import AgentReport, render

HERE = Path(__file__).resolve().parent


# -- the behaviour contract ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("metadata", "message_id", "text", "plan"),
    [
        ({"behaviour": "slow 2"}, "tck-stream-basic-1", "fail", Plan("slow", (2.0,))),
        (None, "tck-stream-basic-1", "fail", Plan("stream", (3.0, 10.0))),
        (None, "tck-artifact-file-url-9", "", Plan("file")),
        (None, "m-1", "FAIL now", Plan("fail")),
        (None, "m-1", "hello", Plan("echo")),
        ({"behaviour": "no-such"}, "m-1", "message", Plan("message")),
        (None, "m-1", "slow 9999", Plan("slow", (600.0,))),
        (None, "m-1", "slow soon", Plan("slow", (5.0,))),
        (None, "m-1", "stream 2", Plan("stream", (2.0, 20.0))),
        (None, "m-1", "complete 0", Plan("complete", (1.0,))),
    ],
)
def test_choose_follows_the_contract(
    metadata: dict[str, Any] | None, message_id: str, text: str, plan: Plan
) -> None:
    assert choose(metadata, message_id, text) == plan


def test_plan_arguments() -> None:
    plan = choose(None, "m-1", "stream 4 250")
    assert (plan.count, plan.interval_s) == (4, 0.25)


# -- the summary's verdict ------------------------------------------------------------------------
def _check(grade: str, req: str = "ERR-1", baselined: str | None = None) -> dict[str, Any]:
    return {
        "nodeid": f"suite/test_x.py::test_{req}[v0.3-jsonrpc]",
        "requirement": req,
        "level": "MUST",
        "section": "v0.3 §6.11.2",
        "grade": grade,
        "message": "a parse error response must carry id null",
        "expected": '"id": null',
        "actual": "no id member",
        "baselined": baselined,
    }


def _report(*checks: dict[str, Any], alarms: tuple[str, ...] = ()) -> AgentReport:
    summary = {"PASS": 0, "FAIL": 0, "ERROR": 0, "baselined": 0}
    for check in checks:
        summary[check["grade"]] = summary.get(check["grade"], 0) + 1
    doc = {"summary": summary, "checks": list(checks), "alarms": list(alarms)}
    return AgentReport("sdk03", "a2a-sdk 0.3.26 (v0.3, full)", results=doc, exit_code=1)


def test_classified_fail_is_ok_and_shows_its_verdict() -> None:
    report = _report(_check("PASS", "RPC-3"), _check("FAIL", baselined="genuine, v0.3 §6.11.2"))
    assert report.ok
    text = render([report])
    assert "verdict: genuine, v0.3 §6.11.2" in text
    assert 'expected "id": null, got no id member' in text


@pytest.mark.parametrize(
    "report",
    [
        _report(_check("FAIL")),
        _report(_check("ERROR")),
        _report(_check("PASS"), alarms=("ERR-1 is listed in the baseline but now grades PASS",)),
        AgentReport("sdk1", "a2a-sdk 1.x", crash="sdk1_agent.py exited before serving"),
    ],
    ids=["unclassified-fail", "error", "stale-baseline", "crash"],
)
def test_problems_are_not_ok(report: AgentReport) -> None:
    assert not report.ok
    text = render([report])
    assert "NOT CLASSIFIED" in text or "ERROR" in text or "ALARM" in text or "CRASH" in text


# -- process handling ---------------------------------------------------------------------------
def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "agent.py"
    path.write_text(body, encoding="utf-8")
    return path


def test_agent_that_exits_is_a_crash_with_its_log(tmp_path: Path) -> None:
    script = _script(tmp_path, "import sys\nsys.exit('cannot bind: address in use')\n")
    agent = AgentProcess(sys.executable, script, [], tmp_path / "agent.log", startup_timeout=30)
    with pytest.raises(HarnessCrash, match=r"exited before serving(.|\n)*address in use"):
        agent.__enter__()


def test_silent_agent_is_a_bounded_crash(tmp_path: Path) -> None:
    # Blocks forever and never announces itself: the wait must give up on its own.
    script = _script(tmp_path, "import threading\nthreading.Event().wait()\n")
    agent = AgentProcess(sys.executable, script, [], tmp_path / "agent.log", startup_timeout=1)
    with pytest.raises(HarnessCrash, match="did not print INTEROP_AGENT_LISTENING within 1 s"):
        agent.__enter__()


_SDK1 = all(importlib.util.find_spec(m) for m in ("a2a", "sse_starlette", "starlette", "uvicorn"))


@pytest.mark.skipif(not _SDK1, reason="needs a2a-sdk[http-server] 1.x (tox -e interop)")
@pytest.mark.parametrize("profile", ["full", "bare"])
def test_sdk1_agent_serves_its_card_and_behaviours(tmp_path: Path, profile: str) -> None:
    script, log = HERE / "sdk1_agent.py", tmp_path / "agent.log"
    with (
        AgentProcess(sys.executable, script, ["--profile", profile], log, 20) as agent,
        httpx.Client(timeout=10) as client,
    ):
        card = client.get(agent.url + ".well-known/agent-card.json").json()
        reply = client.post(
            agent.url,
            headers={"A2A-Version": "1.0"},
            json={
                "jsonrpc": "2.0",
                "id": 1,
                "method": "SendMessage",
                "params": {
                    "message": {
                        "role": "ROLE_USER",
                        "messageId": "tck-task-failure-1",
                        "parts": [{"text": "please"}],
                    }
                },
            },
        ).json()
    assert card["supportedInterfaces"][0]["url"] == agent.url
    assert card["capabilities"].get("streaming", False) is (profile == "full")
    status = reply["result"]["task"]["status"]
    assert status["state"] == "TASK_STATE_FAILED"
    assert "failed" in status["message"]["parts"][0]["text"]
