"""A deliberately small JSON-RPC/SSE client for the reference agent's own tests.

It is written here, not borrowed from ``conformance``, so that these tests check the agent with
code of their own. Every call is bounded (httpx timeouts plus a total deadline for streams).
"""

from __future__ import annotations

import itertools
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
_ids = itertools.count(1)


def msg10(text: str, **extra: Any) -> dict[str, Any]:
    """A v1.0 user Message with one text part."""
    return {
        "messageId": f"m-{uuid.uuid4()}",
        "role": "ROLE_USER",
        "parts": [{"text": text}],
        **extra,
    }


def msg03(text: str, **extra: Any) -> dict[str, Any]:
    """A v0.3 user Message with one text part."""
    return {
        "kind": "message",
        "messageId": f"m-{uuid.uuid4()}",
        "role": "user",
        "parts": [{"kind": "text", "text": text}],
        **extra,
    }


def version_headers(version: str | None) -> dict[str, str]:
    return {} if version is None else {"A2A-Version": version}


@dataclass
class SseResult:
    """What one SSE response delivered."""

    status: int
    headers: httpx.Headers
    events: list[dict[str, Any]] = field(default_factory=list)  # parsed ``data:`` payloads
    comments: list[str] = field(default_factory=list)
    body: bytes = b""  # the whole body when the answer was not SSE

    @property
    def results(self) -> list[Any]:
        return [e["result"] for e in self.events if "result" in e]


class Rpc:
    """JSON-RPC calls against one agent URL."""

    def __init__(self, url: str, *, timeout: float = 15.0) -> None:
        self.url = url
        self.http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def post(
        self,
        payload: Any,
        *,
        version: str | None = "1.0",
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> httpx.Response:
        """POST one body (``raw`` bytes win over ``payload``)."""
        content = raw if raw is not None else orjson.dumps(payload)
        all_headers = {
            "Content-Type": "application/json",
            **version_headers(version),
            **(headers or {}),
        }
        return self.http.post(self.url, content=content, headers=all_headers)

    def call(
        self,
        method: str,
        params: Any = None,
        *,
        version: str | None = "1.0",
        headers: dict[str, str] | None = None,
        rid: Any = ...,
    ) -> dict[str, Any]:
        """One request; asserts HTTP 200 + JSON and returns the JSON-RPC response object."""
        rid = next(_ids) if rid is ... else rid
        payload: dict[str, Any] = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            payload["params"] = params
        response = self.post(payload, version=version, headers=headers)
        assert response.status_code == 200, (response.status_code, response.text)
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert body["jsonrpc"] == "2.0"
        assert body["id"] == rid
        assert ("result" in body) != ("error" in body), body
        return body

    def result(self, method: str, params: Any = None, **kw: Any) -> Any:
        """The ``result`` of a call that must succeed."""
        body = self.call(method, params, **kw)
        assert "result" in body, body
        return body["result"]

    def error(self, method: str, params: Any = None, **kw: Any) -> dict[str, Any]:
        """The ``error`` of a call that must fail."""
        body = self.call(method, params, **kw)
        assert "error" in body, body
        return body["error"]

    def stream(
        self,
        method: str,
        params: Any,
        *,
        version: str | None = "1.0",
        rid: Any = 1,
        headers: dict[str, str] | None = None,
        deadline: float = 20.0,
        stop_after: int | None = None,
    ) -> SseResult:
        """Read a whole SSE response (or ``stop_after`` events, then disconnect)."""
        payload = {"jsonrpc": "2.0", "id": rid, "method": method, "params": params}
        all_headers = {
            "Content-Type": "application/json",
            **version_headers(version),
            **(headers or {}),
        }
        end = time.monotonic() + deadline
        with self.http.stream(
            "POST", self.url, content=orjson.dumps(payload), headers=all_headers
        ) as r:
            result = SseResult(r.status_code, r.headers)
            if not r.headers.get("content-type", "").startswith("text/event-stream"):
                result.body = r.read()
                return result
            for line in iter_sse_lines(r):
                assert time.monotonic() < end, f"stream still open after {deadline}s"
                if line.startswith("data:"):
                    result.events.append(orjson.loads(line[5:].strip()))
                    if stop_after is not None and len(result.events) >= stop_after:
                        break
                elif line.startswith(":"):
                    result.comments.append(line[1:].strip())
        return result


def iter_sse_lines(response: httpx.Response) -> Iterator[str]:
    """Non-empty lines of an SSE body as they arrive."""
    for line in response.iter_lines():
        if line:
            yield line


def walk(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every (path, value) in a JSON document, for shape assertions (no nulls, camelCase…)."""
    yield path, value
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from walk(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from walk(inner, f"{path}[{index}]")


def assert_clean_json(document: Any) -> None:
    """No ``null`` anywhere and camelCase member names only (v1.0 §5.5, unset fields omitted)."""
    for path, value in walk(document):
        assert value is not None, f"null at {path}"
        if isinstance(value, dict):
            for key in value:
                assert "_" not in key or key.startswith("@"), f"snake_case key {key!r} at {path}"
