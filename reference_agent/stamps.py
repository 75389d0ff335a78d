"""Fast identifiers and timestamps for the engine's hot path.

A blocking echo creates two ids and several timestamps; with ``uuid.uuid4()`` and
``datetime.strftime`` those alone cost more than the rest of the engine. These produce the
same formats for a fraction of the cost:

* :func:`new_id`: a random (version 4, RFC 9562 variant) UUID in canonical text form. Ids are
  made 256 at a time from one ``os.urandom`` read (the version and variant bits set on the
  whole batch at once); the batch is dropped in a forked child;
* :func:`now_timestamp`: exactly :func:`reference_agent.model.utc_timestamp` for "now"
  (``YYYY-MM-DDTHH:MM:SS.mmmZ``), formatted once per millisecond and the date part once per
  second.
"""

from __future__ import annotations

import binascii
import os
import struct
import time

__all__ = ["new_id", "now_timestamp"]

_BATCH = 256
# Byte 6 carries the version (4) in its high nibble, byte 8 the RFC 9562 variant (0b10).
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))
# The hex digits of a batch, cut into 8-4-4-4-12 groups and dashed in two C-level calls.
_GROUPS = struct.Struct("8s4s4s4s12s" * _BATCH)
_LAYOUT = b"%s-%s-%s-%s-%s\n" * _BATCH

_ids: list[str] = []


def _make_ids() -> list[str]:
    raw = bytearray(os.urandom(16 * _BATCH))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT)
    return (_LAYOUT % _GROUPS.unpack(binascii.hexlify(raw))).decode("ascii").split()


# A forked child must never hand out ids the parent has made (or will make) too.
os.register_at_fork(after_in_child=_ids.clear)


def new_id() -> str:
    """A random UUID (version 4) such as ``"9b2d0c2e-5f3a-4c1e-8a7b-0d6e4f2a1b3c"``."""
    try:
        return _ids.pop()
    except IndexError:
        _ids.extend(_make_ids())
        return _ids.pop()


class _Clock:
    # ``current`` is valid while time.time() < ``until`` (the next millisecond); each pair is
    # replaced as one tuple, so a reader never sees half of an update.
    __slots__ = ("current", "second")

    def __init__(self) -> None:
        self.current: tuple[float, str] = (0.0, "")
        self.second: tuple[int, str] = (-1, "")


_clock = _Clock()


def now_timestamp() -> str:
    """The current UTC time as ``2025-01-31T12:00:00.123Z`` (millisecond precision)."""
    now = time.time()
    until, text = _clock.current
    if 0.0 <= until - now <= 0.001:  # same millisecond as the last call (clock not set back)
        return text
    millis = int(now * 1000)
    second, prefix = _clock.second
    if millis // 1000 != second:
        second = millis // 1000
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(second))
        _clock.second = (second, prefix)
    text = f"{prefix}{millis % 1000:03d}Z"
    _clock.current = ((millis + 1) / 1000, text)
    return text
