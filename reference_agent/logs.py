"""Structured JSON logs on **stderr**: one line per request and per task state change.

Every line is one JSON object: ``ts`` (UTC, milliseconds, ``Z``), ``level``, ``logger``, ``msg``
and fields (``task_id``, ``trace_id``…). Secrets never reach the output: values under keys that
look like credentials (``authorization``, ``token``, ``credentials``…) are replaced by
``"[REDACTED]"`` at any depth, and ``Bearer …``/``Basic …`` strings are masked.

Two ways in, one way out:

* the **hot lines** (:func:`log_request`, :func:`log_state_change`: several per request) skip
  the ``logging`` machinery, whose record, caller lookup and handler locks cost more than the
  rest of a request. They are formatted directly (orjson, or a fixed template for state changes)
  into the :class:`LogSink`;
* everything else (rare and diagnostic lines, uvicorn's included since the CLI passes
  ``log_config=None``) goes through ``logging`` and :class:`JsonFormatter` into the same sink,
  so the order of lines is the order they were written in.

The sink buffers lines and writes them in one system call at the end of the current event-loop
iteration (``call_soon``), so a burst of requests costs one write (about 30 requests per write
under load), and a request handled later starts only after every earlier line is on stderr.
Lines at WARNING and above, lines written outside the event loop, over 64 KiB of buffer and the
shutdown path (:func:`flush_logs`, run ``atexit`` and by ``logging.shutdown``) are written at
once: nothing is lost.

Logger names in the ``logger`` field: ``reference_agent.access`` (requests),
``reference_agent.tasks`` (state changes), and the ``logging`` logger of any other line.
stdout stays reserved for the single ``A2A_AGENT_LISTENING`` line.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import re
import sys
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, BinaryIO, TextIO

import orjson

from .model import utc_timestamp
from .stamps import now_timestamp

__all__ = [
    "SINK",
    "JsonFormatter",
    "LogSink",
    "configure_logging",
    "flush_logs",
    "log_request",
    "log_state_change",
    "redact",
]

_SECRET_KEY = re.compile(
    r"(authorization|token|credential|password|passwd|secret|api[-_]?key|cookie)", re.IGNORECASE
)
_SECRET_TEXT = re.compile(r"\b(Bearer|Basic|Digest|Token)\s+[^\s,;\"']+", re.IGNORECASE)
_REDACTED = "[REDACTED]"
_NEWLINE = orjson.OPT_APPEND_NEWLINE

# Attributes every LogRecord has; anything else was passed through ``extra=``.
_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "taskName", "color_message"}  # color_message: uvicorn's ANSI copy
)


def _mask(text: str) -> str:
    return _SECRET_TEXT.sub(lambda m: f"{m.group(1)} {_REDACTED}", text)


def redact(key: str, value: Any) -> Any:
    """``value`` with secrets masked: whole values under secret-looking keys, nested too."""
    if _SECRET_KEY.search(key):
        return _REDACTED
    if isinstance(value, dict):
        return {k: redact(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(key, v) for v in value]
    if isinstance(value, str) and (" " in value):
        return _mask(value)
    return value


def _client_text(value: str | None) -> str | None:
    """A client-chosen string (a method name, a task id) as it may appear in a log line."""
    if value is not None and " " in value:
        return _mask(value)
    return value


class LogSink:
    """Complete log lines, buffered, written to a stream in order (see the module docstring).

    The process has one, :data:`SINK`. ``info`` says whether INFO lines are wanted: hot paths
    test ``SINK.info`` before they build a line.

    Lines are buffered only on the thread that last configured the sink (:meth:`redirect`), the
    one running the event loop (uvicorn's main thread); that thread alone touches the buffer, so
    it needs no lock. A line from any other thread, or written while no loop runs, goes out at
    once, under the lock that keeps writes to the stream whole.
    """

    #: buffered bytes that trigger a write at once (bounds memory within one loop iteration)
    max_buffered = 64 * 1024

    def __init__(self, stream: TextIO | None = None, *, info: bool = False) -> None:
        # One growing buffer, not a list of lines: holding hundreds of small bytes objects
        # between flushes made the allocator return and re-fault pages, tripling a line's cost.
        self._buffer = bytearray()
        self._scheduled = False
        self._lock = threading.Lock()
        self._owner = threading.get_ident()
        self.info = False
        self._stream: TextIO | None = None
        self._binary: BinaryIO | None = None
        self.redirect(stream, info=info)

    def redirect(self, stream: TextIO | None, *, info: bool) -> tuple[TextIO | None, bool]:
        """Write to ``stream`` from now on (``None``: nowhere); returns the previous settings.

        Lines already buffered go to the previous stream first, so none is lost or reordered.
        The calling thread becomes the one that buffers.
        """
        self.flush()
        with self._lock:
            previous = (self._stream, self.info)
            self._stream = stream
            self._binary = getattr(stream, "buffer", None)
            self.info = info and stream is not None
            self._owner = threading.get_ident()
        return previous

    def write(self, line: bytes, *, urgent: bool = False) -> None:
        """Queue one line (ending with ``\\n``); written by the end of this loop iteration."""
        if self._stream is None:
            return
        if threading.get_ident() != self._owner:
            self._emit(line)
            return
        self._buffer += line
        if urgent or len(self._buffer) >= self.max_buffered:
            self.flush()
        elif not self._scheduled:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop: nobody would flush later
                self.flush()
                return
            self._scheduled = True
            loop.call_soon(self.flush)

    def flush(self) -> None:
        """Write every buffered line now (a no-op outside the buffering thread)."""
        if threading.get_ident() != self._owner:
            return
        self._scheduled = False
        if self._buffer:
            try:
                self._emit(self._buffer)
            finally:
                self._buffer.clear()

    def _emit(self, data: bytes | bytearray) -> None:
        with self._lock:
            stream = self._stream
            if stream is None:
                return
            # A closed or broken stderr must not take requests down with it.
            try:
                if self._binary is not None:
                    stream.flush()  # whatever others wrote to the text layer goes first
                    self._binary.write(data)
                    self._binary.flush()
                else:
                    stream.write(data.decode("utf-8", "replace"))
                    stream.flush()
            except (OSError, ValueError):
                pass


SINK = LogSink()
"""The process's log sink; silent until :func:`configure_logging` (in-process use, tests)."""


def flush_logs() -> None:
    """Write every buffered line now (shutdown, before the process exits)."""
    SINK.flush()


class JsonFormatter(logging.Formatter):
    """One JSON object per line, extra fields included, secrets redacted."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": utc_timestamp_from_epoch(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": _mask(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                out[key] = redact(key, value)
        if record.exc_info:
            out["exc"] = _mask(self.formatException(record.exc_info))
        return orjson.dumps(out, default=str).decode("utf-8")


class _SinkHandler(logging.Handler):
    """Hands formatted ``logging`` records to the current sink (WARNING and above at once)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record).encode("utf-8") + b"\n"
            SINK.write(line, urgent=record.levelno >= logging.WARNING)
        except Exception:
            self.handleError(record)

    def flush(self) -> None:
        """``logging.shutdown()`` (at exit) writes what the sink still buffers."""
        SINK.flush()


def utc_timestamp_from_epoch(seconds: float) -> str:
    """``utc_timestamp`` for a ``time.time()`` value."""
    return utc_timestamp(datetime.fromtimestamp(seconds, UTC))


def configure_logging(level: str = "info", stream: TextIO | None = None) -> None:
    """Send every log line to ``stream`` (stderr) as JSON at ``level`` (``debug``…``critical``)."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    SINK.redirect(stream or sys.stderr, info=numeric <= logging.INFO)
    handler = _SinkHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    # uvicorn's per-request access log would duplicate ours; its error logger stays.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True


atexit.register(flush_logs)


def log_request(
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
    """The one access line of a request; ``started`` is a ``time.perf_counter()`` value.

    (Positional arguments are accepted because the binding calls this on every request.)
    """
    if not SINK.info:
        return
    # Client-chosen strings are masked only if they could hold a credential (a space).
    if a2a_method is not None and " " in a2a_method:
        a2a_method = _mask(a2a_method)
    if task_id is not None and " " in task_id:
        task_id = _mask(task_id)
    line: dict[str, Any] = {
        "ts": now_timestamp(),
        "level": "info",
        "logger": "reference_agent.access",
        "msg": "request",
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
        line["error_code"] = error_code
    if events is not None:
        line["events"] = events
    SINK.write(orjson.dumps(line, option=_NEWLINE))


def log_state_change(
    task_id: str, context_id: str, states: Iterable[str], trace_id: str | None
) -> None:
    """One line per state the task went through, in order (state values such as ``working``).

    The lines are formatted by hand (cheaper than building and dumping a dict per line); every
    value but the state names is checked to need no escaping, and JSON-encoded (and, for the
    client's context id, masked) if it does.
    """
    if not SINK.info:
        return
    ts = now_timestamp()
    task = task_id if _plain(task_id) else orjson.dumps(task_id).decode()[1:-1]
    if _plain(context_id) and " " not in context_id:  # nothing to escape, nothing to mask
        context = f'"{context_id}"'
    else:
        context = orjson.dumps(_client_text(context_id)).decode()
    if trace_id is None:
        trace = "null"
    else:
        trace = f'"{trace_id}"' if _plain(trace_id) else orjson.dumps(trace_id).decode()
    text = "".join(
        [
            f'{{"ts":"{ts}","level":"info","logger":"reference_agent.tasks",'
            f'"msg":"task {task} {state}","task_id":"{task}","context_id":{context},'
            f'"state":"{state}","trace_id":{trace}}}\n'
            for state in states
        ]
    )
    SINK.write(text.encode())


def _plain(text: str) -> bool:
    """Whether ``text`` can sit between JSON quotes as it is (no quote, backslash, control)."""
    return text.isprintable() and '"' not in text and "\\" not in text
