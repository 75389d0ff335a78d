"""Parsers of option values shared by the suite's option modules (one message per bad value)."""

from __future__ import annotations

from typing import Any

__all__ = ["parse_bool"]

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def parse_bool(option: str, value: Any, error: type[Exception]) -> bool:
    """``value`` (None, a bool, or text from CLI/env/ini) as a bool; ``error`` names ``option``."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise error(f"{option}: {value!r} is not a boolean (true/false)")
