"""Gate expressions: parsing, units, verdicts and the table (pure units, no processes)."""

from __future__ import annotations

import pytest

from load._units import parse_duration
from load.gates import GateError, evaluate, format_table, parse_gate, parse_gates


@pytest.mark.parametrize(
    ("text", "metric", "op", "limit"),
    [
        ("p95<250ms", "p95", "<", 250.0),
        ("p99 <= 0.5s", "p99", "<=", 500.0),
        ("ttfe_p95<100ms", "ttfe_p95", "<", 100.0),
        ("tth_p50<900us", "tth_p50", "<", 0.9),
        ("errors<0.1%", "errors", "<", 0.1),
        ("rps>500", "rps", ">", 500.0),
        ("lost=0", "lost", "<=", 0.0),
        ("rps=200", "rps", ">=", 200.0),
        ("p95=250ms", "p95", "<=", 250.0),
    ],
)
def test_gates_parse_with_their_units(text: str, metric: str, op: str, limit: float) -> None:
    gate = parse_gate(text)
    assert (gate.metric, gate.op, gate.limit) == (metric, op, pytest.approx(limit))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p95<abc", "--gate 'p95<abc': expected a duration like 250ms"),
        ("p95<250", "expected a duration like 250ms"),
        ("errors<1", "expected a percentage like 0.1%"),
        ("rps>5ms", "expected a number like 500"),
        ("p96<1ms", "unknown metric 'p96'"),
        ("p95", "expected METRIC<VALUE"),
        ("p95<<1ms", "expected a duration"),
    ],
)
def test_bad_gates_name_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(GateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_gates([text])


def test_comma_separated_gates_split_and_empty_is_an_error() -> None:
    gates = parse_gates(["p95=250ms,errors=0.1%", "rps>1"])
    assert [g.metric for g in gates] == ["p95", "errors", "rps"]
    with pytest.raises(GateError, match="empty"):
        parse_gates([" , "])


def test_verdicts_and_missing_data_never_pass() -> None:
    gates = parse_gates(["p95<250ms", "rps>500", "ttfe_p95<100ms", "errors<0.1%"])
    results = evaluate(gates, {"p95": 250.0, "rps": 501.0, "errors": 0.0})
    assert [r.passed for r in results] == [False, True, False, True]
    assert results[2].observed is None
    record = results[0].as_dict()
    assert record == {
        "metric": "p95",
        "limit": "<250ms",
        "observed": 250.0,
        "passed": False,
        "expression": "p95<250ms",
    }


def test_table_lists_metric_limit_observed_and_result() -> None:
    results = evaluate(parse_gates(["p95<1ms", "rps>2"]), {"p95": 12.5, "rps": 3.0})
    lines = format_table(results).splitlines()
    assert lines[0].split() == ["metric", "limit", "observed", "result"]
    assert lines[2].split() == ["p95", "<", "1ms", "12.5ms", "FAIL"]
    assert lines[3].split() == ["rps", ">", "2", "3", "pass"]


@pytest.mark.parametrize(
    ("text", "seconds"), [("10s", 10.0), ("2m", 120.0), ("500ms", 0.5), ("1h", 3600.0), ("7", 7.0)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration("--duration", text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["ten", "10x", "0s", "-1s", ""])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="--duration"):
        parse_duration("--duration", text)
