"""The SSE parser: line endings, comments, multi-line data, split chunks, invalid UTF-8."""

from __future__ import annotations

import pytest

from conformance.client.sse import SseDecodeError, SseParser


def _parse(*chunks: bytes) -> list[tuple[str, str]]:
    parser = SseParser()
    events = [e for chunk in chunks for e in parser.feed(chunk)] + parser.finish()
    return [(e.event, e.data) for e in events]


def test_events_comments_and_fields() -> None:
    stream = b': ping\n\nevent: update\nid: 7\ndata: {"a": 1}\n\ndata: x\ndata: y\n\n'
    assert _parse(stream) == [("update", '{"a": 1}'), ("message", "x\ny")]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_all_line_endings(newline: bytes) -> None:
    stream = b"data: one" + newline + newline + b"data: two" + newline + newline
    assert _parse(stream) == [("message", "one"), ("message", "two")]


def test_chunks_split_anywhere_including_crlf() -> None:
    stream = b"data: hello\r\n\r\ndata: w\xc3\xb6rld\r\n\r\n"
    for cut in range(1, len(stream)):
        assert _parse(stream[:cut], stream[cut:]) == [("message", "hello"), ("message", "wörld")]


def test_comment_only_stream_and_unterminated_event() -> None:
    assert _parse(b": keep-alive\n\n: again\n\n") == []
    assert _parse(b"data: never dispatched") == []  # the stream ended before its blank line


def test_invalid_utf8_is_an_error_not_a_crash() -> None:
    with pytest.raises(SseDecodeError, match="invalid UTF-8"):
        _parse(b"data: \xff\xfe\n\n")


def test_bom_and_space_rules() -> None:
    assert _parse(b"\xef\xbb\xbfdata:no-space\n\ndata:  two spaces\n\n") == [
        ("message", "no-space"),
        ("message", " two spaces"),
    ]
