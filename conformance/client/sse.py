"""A Server-Sent Events parser (WHATWG HTML "event stream interpretation"), fed bytes.

Written for judging, not for convenience: it accepts the three line endings, ignores comment
lines (``: ping`` keep-alives) and unknown fields, and turns invalid UTF-8 into
:class:`SseDecodeError` (a finding about the agent) instead of replacement characters. Each
event gets its arrival time from the caller (:mod:`conformance.client.http`).

Example::

    parser = SseParser()
    events = parser.feed(b"event: x\\ndata: {}\\n\\n") + parser.finish()
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SseDecodeError", "SseEvent", "SseLimitExceeded", "SseParser"]

MAX_LINE_BYTES = 4 * 1024 * 1024


class SseDecodeError(ValueError):
    """The stream is not valid UTF-8 text/event-stream."""


class SseLimitExceeded(RuntimeError):
    """The stream ran past the event count or total time the check allowed."""


@dataclass(slots=True)
class SseEvent:
    """One dispatched event. ``at``: seconds from the request's start when it arrived."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None
    at: float = 0.0


class SseParser:
    """Incremental parser: :meth:`feed` bytes as they arrive, then :meth:`finish`."""

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._retry: int | None = None
        self._first_line = True
        self.comments = 0

    def feed(self, chunk: bytes) -> list[SseEvent]:
        """Parse what ``chunk`` completes; returns the events dispatched by it."""
        self._buffer += chunk
        events: list[SseEvent] = []
        while True:
            line, found = self._next_line()
            if not found:
                break
            event = self._line(line)
            if event is not None:
                events.append(event)
        if len(self._buffer) > MAX_LINE_BYTES:
            raise SseDecodeError(f"an SSE line is longer than {MAX_LINE_BYTES} bytes")
        return events

    def finish(self) -> list[SseEvent]:
        """End of stream. A trailing lone CR still ends its line; an unterminated last line and
        an undispatched event are dropped, as the standard says (the stream ended first)."""
        events = self.feed(b"\n") if self._buffer.endswith(b"\r") else []
        self._buffer = b""
        return events

    def _next_line(self) -> tuple[bytes, bool]:
        buf = self._buffer
        lf, cr = buf.find(b"\n"), buf.find(b"\r")
        if cr == -1 or (lf != -1 and lf < cr):
            if lf == -1:
                return b"", False
            self._buffer = buf[lf + 1 :]
            return buf[:lf], True
        if cr + 1 == len(buf):  # a trailing \r may be the first half of \r\n: wait
            return b"", False
        skip = 2 if buf[cr + 1] == 0x0A else 1
        self._buffer = buf[cr + skip :]
        return buf[:cr], True

    def _line(self, raw: bytes) -> SseEvent | None:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SseDecodeError(f"invalid UTF-8 in the event stream: {exc}") from None
        if self._first_line:
            self._first_line = False
            line = line.removeprefix("\ufeff")
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            self.comments += 1
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\x00" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> SseEvent | None:
        if not self._data:
            self._event = ""
            return None
        event = SseEvent("\n".join(self._data), self._event or "message", self._id, self._retry)
        self._data, self._event = [], ""
        return event
