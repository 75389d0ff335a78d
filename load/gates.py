"""Gate expressions (``p95<250ms``, ``errors<0.1%``, ``rps>500``) and their verdicts.

A gate is ``METRIC OP VALUE``; OP is one of ``<``, ``<=``, ``>``, ``>=``, or ``=`` meaning "no
worse than" (at most for latencies and errors, at least for throughput). Several gates may share
one option separated by commas (``p95=250ms,errors=0.1%``). Each metric has one kind, and its value
must carry that kind's unit, so a typo fails loudly rather than gating on the wrong number:

- latency (``p50``, ``p90``, ``p95``, ``p99``, ``avg``, ``max`` of the A2A calls; ``ttfe_*`` time to
  first stream event; ``tth_*`` time to stream headers; ``ttt_*`` time to the stream's terminal
  event; ``sub_ttfe_*`` … the same for SubscribeToTask streams): a duration, ``250ms``, ``0.25s`` or ``900us``; observed values are in milliseconds.
- ``errors``: a percentage of failed requests, ``0.1%``.
- ``rps`` (A2A calls per second), ``streams_per_s``, ``events_per_stream``, ``requests``,
  ``lost`` (tasks missing or unsettled after the drain): a plain number.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "Gate",
    "GateError",
    "GateResult",
    "evaluate",
    "format_table",
    "parse_gate",
    "parse_gates",
]

_PERCENTILES = ("p50", "p90", "p95", "p99", "avg", "max")
_STREAM_PREFIXES = ("ttfe", "tth", "ttt", "sub_ttfe", "sub_tth", "sub_ttt")
LATENCY_METRICS = frozenset(
    [*_PERCENTILES] + [f"{prefix}_{p}" for prefix in _STREAM_PREFIXES for p in _PERCENTILES]
)
PERCENT_METRICS = frozenset({"errors"})
# metric -> True when higher is better (decides what "=" means)
NUMBER_METRICS = {
    "rps": True,
    "streams_per_s": True,
    "events_per_stream": True,
    "requests": True,
    "lost": False,
}
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_GATE = re.compile(r"^\s*([a-z0-9_]+)\s*(<=|>=|<|>|=)\s*(\S.*?)\s*$")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)\s*(us|ms|s)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)\s*%$")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)$")
_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


class GateError(ValueError):
    """A gate expression that cannot be understood; the message names the expression."""


@dataclass(frozen=True)
class Gate:
    """One parsed gate: ``metric op limit`` (latency limits in ms, errors in percent)."""

    metric: str
    op: str
    limit: float
    text: str

    def holds(self, observed: float) -> bool:
        """Whether ``observed`` keeps this gate."""
        return _OPS[self.op](observed, self.limit)


@dataclass(frozen=True)
class GateResult:
    """A gate's verdict; ``observed`` is None when the run produced no such measurement."""

    gate: Gate
    observed: float | None

    @property
    def passed(self) -> bool:
        """A missing measurement never passes (no streams means no ttfe to trust)."""
        return self.observed is not None and self.gate.holds(self.observed)

    def as_dict(self) -> dict[str, object]:
        """The ``{metric, limit, observed, passed}`` record of the results file."""
        return {
            "metric": self.gate.metric,
            "limit": f"{self.gate.op}{_format(self.gate.metric, self.gate.limit)}",
            "observed": self.observed,
            "passed": self.passed,
            "expression": self.gate.text,
        }


def parse_gate(text: str) -> Gate:
    """Parse one ``METRIC OP VALUE`` expression; raises :class:`GateError` with the reason."""
    match = _GATE.match(text)
    if match is None:
        raise GateError(f"--gate {text!r}: expected METRIC<VALUE, e.g. 'p95<250ms'")
    metric, op, value = match.groups()
    if metric in LATENCY_METRICS:
        match = _parse_unit(text, value, _DURATION, "a duration like 250ms")
        limit = float(match.group(1)) * _TO_MS[match.group(2)]
        higher_is_better = False
    elif metric in PERCENT_METRICS:
        limit = float(_parse_unit(text, value, _PERCENT, "a percentage like 0.1%").group(1))
        higher_is_better = False
    elif metric in NUMBER_METRICS:
        limit = float(_parse_unit(text, value, _NUMBER, "a number like 500").group(1))
        higher_is_better = NUMBER_METRICS[metric]
    else:
        known = (
            f"{' '.join(_PERCENTILES)} (also prefixed {' '.join(p + '_' for p in _STREAM_PREFIXES)}),"
            f" errors, {' '.join(NUMBER_METRICS)}"
        )
        raise GateError(f"--gate {text!r}: unknown metric {metric!r} (known: {known})")
    if op == "=":
        op = ">=" if higher_is_better else "<="
    return Gate(metric=metric, op=op, limit=limit, text=text.strip())


def parse_gates(options: Iterable[str]) -> list[Gate]:
    """Parse every ``--gate`` option; each may hold several comma-separated expressions."""
    gates: list[Gate] = []
    for option in options:
        parts = [part for part in option.split(",") if part.strip()]
        if not parts:
            raise GateError(f"--gate {option!r}: empty gate expression")
        gates.extend(parse_gate(part) for part in parts)
    return gates


def evaluate(gates: Iterable[Gate], metrics: Mapping[str, float | None]) -> list[GateResult]:
    """Each gate's verdict against the run's ``metrics``."""
    return [GateResult(gate, metrics.get(gate.metric)) for gate in gates]


def format_table(results: Iterable[GateResult]) -> str:
    """The gate table printed at the end of a run: metric, limit, observed, pass/fail."""
    rows = [("metric", "limit", "observed", "result")]
    for result in results:
        observed = (
            "no data" if result.observed is None else _format(result.gate.metric, result.observed)
        )
        limit = f"{result.gate.op} {_format(result.gate.metric, result.gate.limit)}"
        rows.append((result.gate.metric, limit, observed, "pass" if result.passed else "FAIL"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _parse_unit(text: str, value: str, pattern: re.Pattern[str], expected: str) -> re.Match[str]:
    match = pattern.match(value)
    if match is None:
        raise GateError(f"--gate {text!r}: expected {expected}")
    return match


def _format(metric: str, value: float) -> str:
    if metric in LATENCY_METRICS:
        return f"{value:.3g}ms" if value < 1000 else f"{value / 1000:.3g}s"
    if metric in PERCENT_METRICS:
        return f"{value:.3g}%"
    return f"{value:.4g}" if not float(value).is_integer() else str(int(value))
