"""The bounded HTTP client against a real loopback server: caps, redirects, SSE, evidence."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conformance.client.http import HttpClient, ResponseTooLarge
from conformance.client.sse import SseLimitExceeded
from conformance.evidence import Evidence, Redactor

from ..asgi_server import ThreadedServer


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await receive()
    path = scope["path"]

    async def start(status: int, headers: list[tuple[bytes, bytes]]) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})

    if path == "/big":
        await start(200, [(b"content-type", b"text/plain")])
        for _ in range(64):
            await send({"type": "http.response.body", "body": b"x" * 1024, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/redirect":
        await start(302, [(b"location", b"/elsewhere"), (b"content-length", b"0")])
        await send({"type": "http.response.body", "body": b""})
    elif path == "/sse":
        await start(200, [(b"content-type", b"text/event-stream")])
        for i in range(3):
            body = b": ping\n\n" + f'data: {{"n": {i}}}\n\n'.encode()
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/endless":
        await start(200, [(b"content-type", b"text/event-stream")])
        while True:  # keep-alives forever: only the harness's deadline ends this
            await send({"type": "http.response.body", "body": b": ping\n\n", "more_body": True})
            await asyncio.sleep(0.01)
    else:
        await start(200, [(b"content-type", b"application/json"), (b"set-cookie", b"s=1")])
        await send({"type": "http.response.body", "body": b'{"token": "t0ps3cret"}'})


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with ThreadedServer(app) as server:
        yield server.url


@pytest.fixture
def client() -> Iterator[HttpClient]:
    http = HttpClient(
        timeout=5.0, headers={"Authorization": "Bearer abcdef"}, redactor=Redactor(["abcdef"])
    )
    http.evidence = Evidence()
    yield http
    http.close()


def test_size_cap(client: HttpClient, server_url: str) -> None:
    client.max_bytes = 16 * 1024
    with pytest.raises(ResponseTooLarge):
        client.request("GET", server_url + "big")
    assert client.evidence is not None and "ResponseTooLarge" in (
        client.evidence.exchanges[0].error or ""
    )


def test_redirect_is_returned_not_followed(client: HttpClient, server_url: str) -> None:
    response = client.request("GET", server_url + "redirect")
    assert response.status == 302 and response.headers["location"] == "/elsewhere"


def test_evidence_is_redacted(client: HttpClient, server_url: str) -> None:
    response = client.request("GET", server_url + "json")
    assert response.body == b'{"token": "t0ps3cret"}'
    assert client.evidence is not None
    exchange = client.evidence.exchanges[-1]
    assert exchange.request_headers["Authorization"] == "<redacted>"
    assert exchange.response_headers["set-cookie"] == "<redacted>"
    assert "t0ps3cret" not in exchange.response_body and "abcdef" not in exchange.curl


def test_sse_events_with_arrival_times(client: HttpClient, server_url: str) -> None:
    stream = client.open_stream("GET", server_url + "sse")
    events = list(stream.events())
    assert [e.data for e in events] == ['{"n": 0}', '{"n": 1}', '{"n": 2}']
    assert all(b.at >= a.at >= 0 for a, b in itertools.pairwise(events))
    assert client.evidence is not None and len(client.evidence.exchanges[-1].events) == 3


def test_sse_bounded_by_time_and_count(client: HttpClient, server_url: str) -> None:
    stream = client.open_stream("GET", server_url + "endless", total_timeout=0.3)
    with pytest.raises(SseLimitExceeded, match="still open"):
        list(stream.events())
    stream = client.open_stream("GET", server_url + "sse", max_events=2)
    with pytest.raises(SseLimitExceeded, match="more than 2"):
        list(stream.events())


def test_unreachable_raises_transport_error(client: HttpClient) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(httpx.TransportError):
        client.request("GET", f"http://127.0.0.1:{port}/")
