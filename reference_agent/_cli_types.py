"""Value types of the ``serve`` options: each parses one string or raises
``argparse.ArgumentTypeError`` with a message naming what was expected and what came."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from urllib.parse import urlsplit

__all__ = ["extension_uri", "int_range", "on_off", "public_url", "seconds", "store_url"]


def int_range(low: int, high: int | None = None) -> Callable[[str], int]:
    bounds = f"{low}..{high}" if high is not None else f">= {low}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected an integer {bounds}, got {text!r}"
            ) from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected an integer {bounds}, got {text!r}")
        return value

    return parse


def seconds(*, allow_zero: bool) -> Callable[[str], float]:
    expectation = "a number of seconds >= 0" if allow_zero else "a number of seconds > 0"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expectation}, got {text!r}") from None
        if (
            value != value
            or value in (float("inf"), float("-inf"))
            or value < 0
            or (value == 0 and not allow_zero)
        ):
            raise argparse.ArgumentTypeError(f"expected {expectation}, got {text!r}")
        return value

    return parse


def on_off(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("on", "true", "yes", "1"):
        return True
    if lowered in ("off", "false", "no", "0"):
        return False
    raise argparse.ArgumentTypeError(f"expected on or off, got {text!r}")


def public_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:  # "http://:80" has no host
        raise argparse.ArgumentTypeError(f"expected an absolute http(s) URL, got {text!r}")
    return text


def store_url(text: str) -> str:
    scheme = text.split(":", 1)[0].lower()
    if text.startswith("memory://") or text == "memory":
        return "memory://"
    if scheme in ("redis", "rediss"):
        if not urlsplit(text).hostname:
            raise argparse.ArgumentTypeError(f"expected redis://host:port/db, got {scheme}://…")
        return text
    # Only the scheme is echoed: a store URL may carry a password.
    raise argparse.ArgumentTypeError(
        f"expected memory:// or redis://host:port/db, got {scheme}://…"
    )


def extension_uri(text: str) -> str:
    if not text.strip() or "," in text or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(
            f"expected one extension URI without spaces or commas, got {text!r}"
        )
    return text
