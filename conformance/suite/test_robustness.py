"""Robustness: generated valid messages and malformed requests, then a health check.

v1.0 §3.3.2, §9.5, §13.4; v0.3 §6.11, §8.1, §10.2. Properties run with Hypothesis
(:mod:`conformance.strategies`), ``--a2a-fuzz-examples`` examples each (default 25), seeded by
``--a2a-fuzz-seed`` so a run is reproducible. A failing example is shrunk to the smallest one
that still fails, replayed once with evidence recorded, and shown with the seed. An example the
agent does not answer within the request timeout ends the property at once (shrinking a hang
would cost the timeout per attempt) and is shown as found.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky, HypothesisWarning

from conformance import strategies
from conformance.client.http import TRANSPORT_ERRORS
from conformance.client.jsonrpc import RpcReply
from conformance.grading import Check, CheckFailed
from conformance.run import SuiteRun
from conformance.target import Target

PROPERTY_BUDGET_S = 120.0  # a property stops generating examples after this long
VALID_ERRORS = strategies.A2A_ERROR_CODES | {strategies.INVALID_PARAMS}


class _Falsified(Exception):
    """A property's example failed (the message says how)."""


@dataclass(slots=True)
class _Outcome:
    failure: tuple[Any, str] | None = None
    no_answer: tuple[Any, str] | None = None
    examples: int = 0


def _answer_problem(reply: RpcReply) -> str | None:
    """What makes an answer unacceptable whatever was asked: a 5xx, a non-JSON body, a body
    that is not a JSON-RPC response object."""
    if reply.status is not None and reply.status >= 500:
        body = reply.response.text()[:120] if reply.response else ""
        return f"HTTP {reply.status} ({body!r})"
    if reply.parse_error:
        return reply.parse_error
    if not reply.is_object:
        return f"the answer is not a JSON-RPC response object: {str(reply.doc)[:120]}"
    if reply.has_error == reply.has_result:
        return "the answer has neither or both of result and error"
    if reply.has_error and not isinstance(reply.error_code, int):
        return f"error.code is not an integer: {reply.error!r}"
    return None


def _run_property(
    a2a: Target,
    check: Check,
    run: SuiteRun,
    strategy: st.SearchStrategy[Any],
    judge: Callable[[Any], str | None],
    shown: Callable[[Any], str],
) -> int:
    """Run ``judge`` over ``strategy``'s examples; fail with the (shrunk) falsifying example."""
    opts = run.options
    outcome = _Outcome()
    deadline = time.monotonic() + PROPERTY_BUDGET_S

    @settings(
        max_examples=opts.fuzz_examples,
        deadline=None,
        database=None,
        derandomize=False,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        verbosity=Verbosity.quiet,
        print_blob=False,
    )
    @seed(opts.fuzz_seed)
    @given(strategy)
    def prop(example: Any) -> None:
        if outcome.no_answer is not None or time.monotonic() > deadline:
            return
        outcome.examples += 1
        try:
            problem = judge(example)
        except TRANSPORT_ERRORS as exc:
            outcome.no_answer = (example, f"{type(exc).__name__}: {exc}")
            return
        if problem is not None:
            outcome.failure = (example, problem)
            raise _Falsified(problem)

    evidence = a2a.http.evidence
    a2a.http.evidence = None  # passing examples are not evidence; the failing one is replayed
    try:
        with warnings.catch_warnings():
            # Large falsifying examples make Hypothesis warn about its own repr; we show ours.
            warnings.simplefilter("ignore", HypothesisWarning)
            prop()
    except (_Falsified, Flaky):
        pass  # outcome.failure holds the last (smallest) falsifying example
    finally:
        a2a.http.evidence = evidence
    where = f"(--a2a-fuzz-seed {opts.fuzz_seed}, {outcome.examples} example(s) run)"
    if outcome.no_answer is not None:
        example, error = outcome.no_answer
        check.fail(
            f"the agent gave no answer within the request timeout {where}: {error}",
            expected="an answer to every request",
            actual=shown(example),
        )
    if outcome.failure is not None:
        example, problem = outcome.failure
        try:
            replayed = judge(example)  # once more, with evidence recorded
        except TRANSPORT_ERRORS as exc:
            replayed = f"{type(exc).__name__}: {exc}"
        note = "" if replayed else " (did not fail again when replayed)"
        check.fail(f"{problem} {where}{note}", actual=shown(example))
    return outcome.examples


def _timeout(a2a: Target) -> float:
    return min(a2a.http.timeout, 10.0)


@pytest.mark.requirement("ROBUST-1")
def test_valid_messages_get_an_answer(a2a: Target, check: Check, a2a_run: SuiteRun) -> None:
    """Generated valid messages (every part kind, sizes, any Unicode) are answered with a Task
    or Message, or an A2A / invalid-params error: never a 5xx, a non-JSON body or silence."""
    prompt = a2a.prompts.prompt("echo")
    params = strategies.send_params(a2a.version, first_text=prompt.text, metadata=prompt.metadata)

    def judge(example: dict[str, Any]) -> str | None:
        reply = a2a.rpc.call("send", example, timeout=_timeout(a2a))
        problem = _answer_problem(reply)
        if problem is not None:
            return problem
        if reply.has_error:
            code = reply.error_code
            # A request past the agent's size limit may be refused whole (-32600, SEC-1).
            large = _body_size(example) >= strategies.LARGE_REQUEST_BYTES
            if code not in VALID_ERRORS and not (large and code == strategies.INVALID_REQUEST):
                return f"a valid message was answered with error {code}: {reply.error!r}"[:400]
            return None
        try:
            a2a.dialect.read_send_result(reply.result)
        except CheckFailed as exc:
            return f"the result has the wrong shape: {exc.message}"
        return None

    def shown(example: dict[str, Any]) -> str:
        return _clip(example)

    count = _run_property(a2a, check, a2a_run, params, judge, shown)
    check.note(f"{count} generated message(s) answered correctly")


@pytest.mark.requirement("ROBUST-2")
def test_malformed_requests_get_the_right_error(
    a2a: Target, check: Check, a2a_run: SuiteRun
) -> None:
    """Malformed envelopes and params get a JSON-RPC error with a code for what is wrong:
    never a 5xx, a non-JSON body, a result or silence."""
    methods = dict(a2a.dialect.methods)
    bodies = strategies.malformed_requests(a2a.version, methods)

    def judge(example: strategies.Malformed) -> str | None:
        reply = a2a.rpc.post_raw(example.body, timeout=_timeout(a2a))
        problem = _answer_problem(reply)
        if problem is not None:
            return f"{example.what}: {problem}"
        if not reply.has_error:
            return f"{example.what}: answered with a result instead of an error"
        if reply.error_code not in example.codes:
            codes = sorted(example.codes, reverse=True)
            expected = ", ".join(str(c) for c in codes[:4]) + (", …" if len(codes) > 4 else "")
            return f"{example.what}: error {reply.error_code}, expected {expected}"
        return None

    count = _run_property(a2a, check, a2a_run, bodies, judge, lambda m: m.shown())
    check.note(f"{count} malformed request(s) answered with the right error")


@pytest.mark.requirement("ROBUST-3")
def test_healthy_after_hostile_input(a2a: Target, check: Check) -> None:
    """After a burst of hostile input (deep nesting, invalid UTF-8, a large message) the agent
    still serves its card and answers a plain request."""
    send = a2a.dialect.method("send")
    hostile = [
        b'{"jsonrpc": "2.0", "id": 1, "method": "%s", "params": {"message": %s}}'
        % (str(send).encode(), b"[" * 20000 + b"]" * 20000),
        b'{"jsonrpc": "2.0", "id": 2, "method": "\xff\xfe", "params": {}}',
        b'{"jsonrpc": "2.0", "id": 3, "method": "%s", "params": {"message": "%s"}}'
        % (str(send).encode(), b"x" * (2 * 1024 * 1024)),
    ]
    for body in hostile:
        # How it answers is ROBUST-2's business; here only what follows matters.
        with contextlib.suppress(*TRANSPORT_ERRORS):
            a2a.rpc.post_raw(body, timeout=_timeout(a2a))
    card_url = a2a.agent.card_url or a2a.agent.origin + "/.well-known/agent-card.json"
    card = a2a.http.request("GET", card_url, headers={"Accept": "application/json"})
    check.equal(card.status, 200, what="HTTP status of the agent card after the burst")
    reply = a2a.send("echo")
    check.that(reply.kind in ("task", "message"), "no answer to a plain request", actual=reply)


def _body_size(params: dict[str, Any]) -> int:
    import json

    return len(json.dumps(params).encode())


def _clip(doc: Any, limit: int = 600) -> str:
    import json

    text = json.dumps(doc, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"
