"""Streams reach the client live, not held back by the agent or an intermediary in front of it.

v1.0 §3.1.2 ("immediate feedback"), v0.3 §7.2 ("real-time updates"); the judge is
:mod:`conformance.buffering`. The probe streams a few chunks some tens of milliseconds apart
(the ``stream-paced`` behaviour) and compares when the events were generated with when they
arrived. A held-back verdict is confirmed by a second stream before it FAILs, so one stall of
the machine running the harness cannot fail an agent.
"""

from __future__ import annotations

import pytest

from conformance.buffering import BufferingVerdict, arrivals_of, judge
from conformance.grading import Check
from conformance.target import Target

from ._streams import needs_streaming, open_sse, read_to_end


def _verdict(a2a: Target, check: Check) -> BufferingVerdict:
    params = a2a.dialect.send_params(a2a.message("stream-paced"))
    ended = read_to_end(a2a, open_sse(a2a, check, "stream", params))
    record = ended.record
    return judge(arrivals_of(record.items, record.arrivals))


def _check_live(a2a: Target, check: Check) -> None:
    needs_streaming(a2a, check)
    verdict = _verdict(a2a, check)
    if verdict.held_back:
        verdict = _verdict(a2a, check)  # confirm: a stall on our side is not the agent's fault
    if verdict.held_back is None:
        check.not_applicable(
            f"cannot judge buffering: {verdict.reason}; set --a2a-prompt stream-paced=… to a "
            "prompt that streams several events over a few hundred milliseconds"
        )
    check.that(
        not verdict.held_back,
        f"the stream was held back before it reached the client ({verdict.reason}); an "
        "intermediary (proxy, ingress, compression) or the agent buffers the response",
        expected="events arriving as they are generated",
        actual=verdict.timeline,
    )
    check.note(verdict.reason)


@pytest.mark.requirement("OP-6")
def test_stream_is_live(a2a: Target, check: Check) -> None:
    """SendStreamingMessage events arrive as they are generated (immediate feedback)."""
    _check_live(a2a, check)


@pytest.mark.requirement("STREAM-12")
def test_v03_stream_is_live(a2a: Target, check: Check) -> None:
    """message/stream events arrive as they are generated (real-time updates)."""
    _check_live(a2a, check)
