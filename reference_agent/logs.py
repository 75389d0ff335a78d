"""Structured JSON logs on **stderr**: one line per request and per task state change.

Every record becomes one JSON object: ``ts`` (UTC, milliseconds, ``Z``), ``level``, ``logger``,
``msg`` and the record's extra fields (``task_id``, ``trace_id``…). Secrets never reach the output:
values under keys that look like credentials (``authorization``, ``token``, ``credentials``…) are
replaced by ``"[REDACTED]"`` at any depth, and ``Bearer …``/``Basic …`` strings inside messages are
masked.

Loggers:

* ``reference_agent.access``: one line per request (:func:`log_request`), at INFO. The hot path
  pays one ``isEnabledFor`` check when INFO is off (``--log-level warning``, as the bench runs).
* ``reference_agent.tasks``: state changes, written by the engine with extra fields.
* everything else (uvicorn included, since the CLI passes ``log_config=None``).

stdout stays reserved for the single ``A2A_AGENT_LISTENING`` line.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from datetime import UTC, datetime
from typing import Any

import orjson

from .model import utc_timestamp

__all__ = ["JsonFormatter", "configure_logging", "log_request", "redact"]

access_logger = logging.getLogger("reference_agent.access")

_SECRET_KEY = re.compile(
    r"(authorization|token|credential|password|passwd|secret|api[-_]?key|cookie)", re.IGNORECASE
)
_SECRET_TEXT = re.compile(r"\b(Bearer|Basic|Digest|Token)\s+[^\s,;\"']+", re.IGNORECASE)
_REDACTED = "[REDACTED]"

# Attributes every LogRecord has; anything else was passed through ``extra=``.
_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "taskName", "color_message"}  # color_message: uvicorn's ANSI copy
)


def redact(key: str, value: Any) -> Any:
    """``value`` with secrets masked: whole values under secret-looking keys, nested too."""
    if _SECRET_KEY.search(key):
        return _REDACTED
    if isinstance(value, dict):
        return {k: redact(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(key, v) for v in value]
    if isinstance(value, str) and (" " in value):
        return _SECRET_TEXT.sub(lambda m: f"{m.group(1)} {_REDACTED}", value)
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line, extra fields included, secrets redacted."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        out: dict[str, Any] = {
            "ts": utc_timestamp_from_epoch(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": _SECRET_TEXT.sub(lambda m: f"{m.group(1)} {_REDACTED}", message),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                out[key] = redact(key, value)
        if record.exc_info:
            out["exc"] = _SECRET_TEXT.sub(
                lambda m: f"{m.group(1)} {_REDACTED}", self.formatException(record.exc_info)
            )
        return orjson.dumps(out, default=str).decode("utf-8")


def utc_timestamp_from_epoch(seconds: float) -> str:
    """``utc_timestamp`` for a ``time.time()`` value."""
    return utc_timestamp(datetime.fromtimestamp(seconds, UTC))


def configure_logging(level: str = "info") -> None:
    """Send every logger to stderr as JSON at ``level`` (``debug``…``critical``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    numeric = logging.getLevelName(level.upper())
    root.setLevel(numeric if isinstance(numeric, int) else logging.INFO)
    # uvicorn's per-request access log would duplicate ours; its error logger stays.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True


def log_request(
    *,
    http_method: str,
    path: str,
    status: int,
    started: float,
    a2a_method: str | None = None,
    version: str | None = None,
    task_id: str | None = None,
    trace_id: str | None = None,
    error_code: int | None = None,
    events: int | None = None,
) -> None:
    """The one access line of a request; ``started`` is a ``time.perf_counter()`` value."""
    if not access_logger.isEnabledFor(logging.INFO):
        return
    extra: dict[str, Any] = {
        "http_method": http_method,
        "path": path,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        "a2a_method": a2a_method,
        "version": version,
        "task_id": task_id,
        "trace_id": trace_id,
    }
    if error_code is not None:
        extra["error_code"] = error_code
    if events is not None:
        extra["events"] = events
    access_logger.info("request", extra=extra)
