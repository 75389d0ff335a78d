"""The multi-instance checks (``MULTI-*``), proven both ways on real deployments.

* Two reference agents, each with its own in-memory store (and each advertising its own
  address): every MULTI check FAILs (MULTI-5, a SHOULD, is NON-STRICT), per instance URL and
  through an nginx round-robin balancer (``--a2a-load-balanced``).
* Two reference agents sharing a real redis-server (and advertising the balancer's address):
  every MULTI check PASSes, both ways too.
* One URL without the option: every MULTI check is N/A with the reason, in no time.

Each run is the suite in-process (pytester), restricted to ``MULTI-*``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.suite import _multi
from fixtures.agent_process import AgentProcess, start_agents, stop_agents
from fixtures.nginx_proxy import NginxProxy
from fixtures.ports import free_port
from fixtures.redis_server import RedisServer

from .plugin_support import FAST_STOP, PRIVATE_WEBHOOKS, SuiteOutcome, run_suite
from .test_proofs import suite_requirements

pytest_plugins = ["pytester"]

MULTI = ("MULTI-1", "MULTI-2", "MULTI-3", "MULTI-4", "MULTI-5", "MULTI-6")
SPLIT = {r: "FAIL" for r in MULTI} | {"MULTI-5": "NON-STRICT"}
SHARED = {r: "PASS" for r in MULTI}


@dataclass
class Deployment:
    """Two instances and an nginx balancing over them."""

    agents: list[AgentProcess]
    balancer: NginxProxy

    @property
    def urls(self) -> list[str]:
        return [a.url for a in self.agents]


def _deployment(args: tuple[str, ...], port: int) -> Iterator[Deployment]:
    agents = start_agents(2, (*args, *FAST_STOP, *PRIVATE_WEBHOOKS))
    try:
        upstreams = [a.url for a in agents]
        with NginxProxy(upstreams, buffering=False, port=port) as balancer:
            yield Deployment(agents, balancer)
    finally:
        stop_agents(agents)


@pytest.fixture(scope="module")
def split_deployment() -> Iterator[Deployment]:
    """Separate memory stores; each instance advertises its own address."""
    yield from _deployment((), free_port())


@pytest.fixture(scope="module")
def shared_deployment() -> Iterator[Deployment]:
    """One redis-server behind both instances; both advertise the balancer's address."""
    port = free_port()
    with RedisServer() as redis:
        args = ("--store", redis.url, "--public-url", f"http://127.0.0.1:{port}/")
        yield from _deployment(args, port)


def _multi_run(pytester: pytest.Pytester, urls: list[str], *args: str) -> SuiteOutcome:
    extra = [arg for url in urls[1:] for arg in ("--agent-url", url)]
    return run_suite(pytester, urls[0], *extra, "-q", "--a2a-select", "MULTI-*", *args)


def _grades(outcome: SuiteOutcome) -> dict[str, str | None]:
    grades = outcome.requirement_grades
    return {r: grades.get(r) for r in MULTI}


def _checks(outcome: SuiteOutcome, module: str) -> list[tuple[str, str, str]]:
    return [c for c in outcome.check_grades if module in c[0]]


def _message(outcome: SuiteOutcome, name: str) -> str:
    assert outcome.doc is not None
    for check in outcome.doc["checks"]:
        if name in check["nodeid"] and check["grade"] != "N/A":
            return f"{check['message']} {check.get('actual')}"
    raise AssertionError(f"no graded check {name}: {outcome.output}")


def test_separate_memory_stores_fail(
    pytester: pytest.Pytester, split_deployment: Deployment
) -> None:
    outcome = _multi_run(pytester, split_deployment.urls)
    assert _grades(outcome) == SPLIT, outcome.output
    assert outcome.errors() == [], outcome.output
    assert outcome.result.ret != 0
    # The evidence names the instance that did not know the task.
    second = split_deployment.urls[1]
    assert f"instance 2 ({second})" in _message(outcome, "test_task_read_through_every_instance")
    # The load-balanced variant is N/A when the instance URLs are given.
    balanced = _checks(outcome, "test_multi_balanced")
    assert balanced and {g for _, _, g in balanced} == {"N/A"}


def test_shared_redis_passes(pytester: pytest.Pytester, shared_deployment: Deployment) -> None:
    outcome = _multi_run(pytester, shared_deployment.urls)
    assert _grades(outcome) == SHARED, outcome.output
    per_instance = _checks(outcome, "test_multi_instance")
    assert per_instance and {g for _, _, g in per_instance} == {"PASS"}, outcome.output
    assert outcome.result.ret == 0, outcome.output


def test_balancer_over_separate_stores_fails(
    pytester: pytest.Pytester, split_deployment: Deployment
) -> None:
    outcome = _multi_run(pytester, [split_deployment.balancer.url], "--a2a-load-balanced")
    assert _grades(outcome) == SPLIT, outcome.output
    assert outcome.errors() == [], outcome.output
    # Round robin sends every other read to the instance that never saw the task.
    message = _message(outcome, "test_reads_after_create_agree")
    assert "10 of 20 GetTask reads missed" in message, message
    assert "read 2:" in message or "read 1:" in message, message
    assert outcome.result.ret != 0


def test_balancer_over_shared_redis_passes(
    pytester: pytest.Pytester, shared_deployment: Deployment
) -> None:
    outcome = _multi_run(pytester, [shared_deployment.balancer.url], "--a2a-load-balanced")
    assert _grades(outcome) == SHARED, outcome.output
    balanced = _checks(outcome, "test_multi_balanced")
    assert balanced and {g for _, _, g in balanced} == {"PASS"}, outcome.output
    assert outcome.result.ret == 0, outcome.output


def test_one_url_is_not_applicable(pytester: pytest.Pytester, reference_agent_url: str) -> None:
    outcome = _multi_run(pytester, [reference_agent_url])
    assert set(_grades(outcome).values()) == {"N/A"}, outcome.output
    assert outcome.doc is not None
    reasons = {c["message"] for c in outcome.doc["checks"] if "test_multi_instance" in c["nodeid"]}
    assert reasons == {"one --agent-url: give two or more instance URLs"}
    # N/A from the parametrization: nothing was sent to the agent, so it costs nothing.
    assert all(c["duration_s"] < 0.5 for c in outcome.doc["checks"]), outcome.output
    assert outcome.result.ret == 0


def test_every_multi_requirement_is_proven_here() -> None:
    cited = {r for r in suite_requirements() if r.startswith("MULTI-")}
    assert cited == set(MULTI) == set(SPLIT) == set(SHARED)
    assert all(SPLIT[r] != "PASS" for r in MULTI)


# -- the judges, on split state made up here ---------------------------------------------------
def test_misses_lists_the_reads_that_missed() -> None:
    observed = [("read 1", "completed"), ("read 2", "error -32001: not found")]
    assert _multi.misses("completed", observed) == ["read 2: error -32001: not found"]
    assert _multi.misses("completed", observed[:1]) == []


def test_sequences_must_be_tails_of_the_longest() -> None:
    assert _multi.sequence_problems({"a": ["1", "2", "3"], "b": ["2", "3"]}) == []
    assert _multi.sequence_problems({"a": ["1", "2", "3"], "b": ["3", "2"]})
    assert _multi.sequence_problems({"a": ["1"], "b": []}) == [
        "b: received no event after the task snapshot"
    ]


def test_listings_and_cards_are_compared_to_the_first() -> None:
    assert _multi.listing_problems({"a": ["t1", "t2"], "b": ["t1", "t2"]}) == []
    assert _multi.listing_problems({"a": ["t1", "t2"], "b": ["t2", "t1"]})
    card = {"name": "x", "url": "http://a/"}
    assert _multi.card_differences({"a": card, "b": dict(card)}) == []
    diff = _multi.card_differences({"a": card, "b": {**card, "url": "http://b/"}})
    assert len(diff) == 1 and "'url'" in diff[0]
    assert _multi.card_differences({"a": card, "b": None})
    assert _multi.etag_problems({"a": '"1"', "b": '"1"', "c": None}) == []
    assert _multi.etag_problems({"a": '"1"', "b": '"2"'}) == ['a: ETag "1"', 'b: ETag "2"']


def test_race_verdicts() -> None:
    same_canceled = [("i1", "canceled"), ("i2", "canceled")]
    same_completed = [("i1", "completed"), ("i2", "completed")]
    assert _multi.race_problems("canceled", same_canceled) == []
    assert _multi.race_problems("not-cancelable", same_completed) == []
    assert _multi.race_problems("canceled", same_completed)  # accepted, yet completed
    assert _multi.race_problems("not-cancelable", same_canceled)  # refused, yet canceled
    split = [("i1", "completed"), ("i2", "canceled")]
    assert "disagree" in _multi.race_problems("canceled", split)[0]
    assert _multi.race_problems("error -32001: not found", same_completed)
    assert _multi.race_problems("canceled", [("i1", "working")])


def test_instances_are_spoken_at_the_url_given() -> None:
    from conformance.detection import AgentUnderTest, Interface
    from conformance.instances import rebased

    advertised = Interface("https://agent.example.com/a2a", "JSONRPC", "1.0", "1.0")
    moved = rebased(advertised, AgentUnderTest("http://10.0.0.5:8080/"))
    assert moved.url == "http://10.0.0.5:8080/a2a"
    same = rebased(advertised, AgentUnderTest("https://agent.example.com/"))
    assert same is advertised


def test_load_balanced_option_is_validated() -> None:
    from conformance.options import OptionError, parse_options

    assert parse_options({"load_balanced": True}, {}).load_balanced is True
    assert parse_options({}, {"A2A_LOAD_BALANCED": "yes"}).load_balanced is True
    assert parse_options({}, {}).load_balanced is False
    with pytest.raises(OptionError, match="--a2a-load-balanced: 'maybe' is not a boolean"):
        parse_options({}, {"A2A_LOAD_BALANCED": "maybe"})


def test_cli_instances_runs_the_multi_checks_on_one_redis(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "a2a_harness",
            "test",
            "--instances",
            "2",
            "-p",
            "no:cacheprovider",
            "--a2a-select",
            "MULTI-*",
            "--a2a-results",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=str(tmp_path),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "judging 2 reference agents started at http://127.0.0.1:" in proc.stdout
    doc = json.loads(results.read_text(encoding="utf-8"))
    assert {r["id"]: r["grade"] for r in doc["requirements"]} == SHARED


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--instances", "zero"], "--instances: 'zero' is not an integer"),
        (["--instances=9"], "--instances: 9 is out of range (1 to 8)"),
        (["--instances"], "--instances needs a number"),
        (["http://127.0.0.1:9/", "--instances", "2"], "cannot be combined with an agent URL"),
    ],
)
def test_cli_instances_bad_input(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from conformance.cli import main

    assert main(argv) == 4
    assert message in capsys.readouterr().err
