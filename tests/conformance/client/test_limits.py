"""The client cannot be hung or blown up by what it reads: every wait and size is bounded.

A raw socket server plays the hostile side (a byte every 200 ms, an endless or silent stream,
a compression bomb, a JSON bomb, invalid UTF-8, a redirect to itself); each read must end in a
bounded time with a clear exception, or come back as an answer a check can judge.
"""

from __future__ import annotations

import contextlib
import gzip
import socketserver
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from conformance.client._budget import BudgetBackend, time_budget
from conformance.client.http import HttpClient, ResponseTooLarge
from conformance.client.jsonrpc import parse_reply
from conformance.client.sse import SseDecodeError, SseLimitExceeded

Handler = Callable[[socketserver.StreamRequestHandler], None]
DRIP_S = (
    0.2  # the hostile server's pace: well under the per-read timeout, so only a total bound helps
)


def _headers(extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\n" + extra + b"Connection: close\r\n\r\n"


def slowloris_body(h: socketserver.StreamRequestHandler) -> None:
    h.wfile.write(_headers(b"Content-Type: application/json\r\n"))
    while True:
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(DRIP_S)  # the hostile pace, not synchronisation


def slowloris_headers(h: socketserver.StreamRequestHandler) -> None:
    for byte in _headers():
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(DRIP_S)


def endless_stream(h: socketserver.StreamRequestHandler) -> None:
    h.wfile.write(_headers(b"Content-Type: text/event-stream\r\n"))
    n = 0
    while True:
        h.wfile.write(f'data: {{"n": {n}}}\n\n'.encode())
        h.wfile.flush()
        n += 1
        time.sleep(0.01)


def silent_stream(h: socketserver.StreamRequestHandler) -> None:
    h.wfile.write(_headers(b"Content-Type: text/event-stream\r\n"))
    h.wfile.flush()
    h.rfile.read()  # until the client goes away


def gzip_bomb(h: socketserver.StreamRequestHandler) -> None:
    bomb = gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=9)  # 16 KiB on the wire
    h.wfile.write(_headers(b"Content-Encoding: gzip\r\nContent-Type: application/json\r\n"))
    h.wfile.write(bomb)


def json_bomb(h: socketserver.StreamRequestHandler) -> None:
    h.wfile.write(_headers(b"Content-Type: application/json\r\n") + b"[" * 100_000 + b"]" * 100_000)


def bad_utf8_stream(h: socketserver.StreamRequestHandler) -> None:
    h.wfile.write(_headers(b"Content-Type: text/event-stream\r\n") + b"data: \xff\xfe\n\n")


def redirect_to_self(h: socketserver.StreamRequestHandler) -> None:
    h.wfile.write(
        b"HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behave: Handler) -> None:
        self.behave = behave
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        with contextlib.suppress(OSError):  # the client hung up: what we wanted
            self.server.behave(self)


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], str]]:
    servers: list[_Server] = []

    def start(behave: Handler) -> str:
        server = _Server(behave)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def client() -> Iterator[HttpClient]:
    http = HttpClient(timeout=1.0, max_bytes=1024 * 1024)
    yield http
    http.close()


@pytest.mark.parametrize("behave", [slowloris_body, slowloris_headers], ids=["body", "headers"])
def test_slowloris_is_cut_at_the_request_timeout(
    serve: Callable[[Handler], str], client: HttpClient, behave: Handler
) -> None:
    url = serve(behave)
    start = time.monotonic()
    with pytest.raises(httpx.TimeoutException):
        client.request("GET", url)
    assert time.monotonic() - start < 1.0 + 2 * DRIP_S + 0.5


def test_endless_stream_stops_at_its_deadline(
    serve: Callable[[Handler], str], client: HttpClient
) -> None:
    stream = client.open_stream("GET", serve(endless_stream), total_timeout=1.0, max_events=10_000)
    start = time.monotonic()
    with pytest.raises(SseLimitExceeded, match="still open"):
        for _ in stream.events():
            pass
    assert time.monotonic() - start < 1.5


def test_silent_stream_stops_at_its_deadline(
    serve: Callable[[Handler], str], client: HttpClient
) -> None:
    stream = client.open_stream("GET", serve(silent_stream), total_timeout=0.6)
    start = time.monotonic()
    with pytest.raises(SseLimitExceeded, match="no end in sight"):
        list(stream.events())
    assert time.monotonic() - start < 1.2


def test_a_check_can_pull_the_deadline_in(
    serve: Callable[[Handler], str], client: HttpClient
) -> None:
    stream = client.open_stream("GET", serve(endless_stream), total_timeout=30.0, max_events=10_000)
    start = time.monotonic()
    with pytest.raises(SseLimitExceeded):
        for event in stream.events():
            if event.data == '{"n": 3}':
                stream.deadline = time.monotonic() + 0.3
    assert time.monotonic() - start < 1.5


def test_compression_bomb_is_capped_as_it_inflates(
    serve: Callable[[Handler], str], client: HttpClient
) -> None:
    with pytest.raises(ResponseTooLarge, match="larger than 1048576 bytes"):
        client.request("GET", serve(gzip_bomb))


def test_json_bomb_is_an_unparsable_answer(
    serve: Callable[[Handler], str], client: HttpClient
) -> None:
    reply = parse_reply(client.request("GET", serve(json_bomb)))
    assert reply.doc is None and reply.parse_error and "nested too deeply" in reply.parse_error


def test_invalid_utf8_in_a_stream_is_a_decode_error(
    serve: Callable[[Handler], str], client: HttpClient
) -> None:
    stream = client.open_stream("GET", serve(bad_utf8_stream))
    with pytest.raises(SseDecodeError):
        list(stream.events())


def test_redirect_loop_is_returned_not_followed(
    serve: Callable[[Handler], str], client: HttpClient
) -> None:
    response = client.request("GET", serve(redirect_to_self))
    assert response.status == 302 and response.headers["location"] == "/"


def test_budget_backend_is_installed_and_nests() -> None:
    http = HttpClient(timeout=1.0)
    try:
        pool = http._client._transport._pool  # type: ignore[attr-defined]
        assert isinstance(pool._network_backend, BudgetBackend)
    finally:
        http.close()
    from conformance.client._budget import remaining

    assert remaining() is None
    with time_budget(10):
        with time_budget(1):
            left = remaining()
            assert left is not None and left <= 1
        with time_budget(100):  # an inner, later deadline never extends the outer one
            left = remaining()
            assert left is not None and left <= 10
    assert remaining() is None
