"""Values on the command line: durations (``10s``, ``2m``, ``500ms``, ``1h``; a bare number is
seconds) and ``NAME:VALUE`` headers. No Locust here: the CLI and the Locust users both use it."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

__all__ = ["UsageError", "parse_duration", "parse_headers"]


class UsageError(ValueError):
    """Bad input; the message is the one line the user sees."""


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


def parse_headers(items: Sequence[str]) -> dict[str, str]:
    """``NAME:VALUE`` options as a dict, ``$VAR``/``${VAR}`` expanded from the environment."""
    headers: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
            # The value may be a secret: name the option, never echo the item.
            raise UsageError("--a2a-header: expected NAME:VALUE (e.g. 'Authorization:Bearer $T')")
        headers[name.strip()] = os.path.expandvars(value.strip())
    return headers
