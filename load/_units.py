"""Durations on the command line: ``10s``, ``2m``, ``500ms``, ``1h`` (a bare number is seconds)."""

from __future__ import annotations

import re

__all__ = ["parse_duration"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$")
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(option: str, text: str) -> float:
    """Seconds in ``text``; raises ValueError naming ``option`` when it is not a duration."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{option} {text!r}: expected a duration like 10s, 2m or 500ms")
    seconds = float(match.group(1)) * _SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"{option} {text!r}: must be more than zero")
    return seconds
