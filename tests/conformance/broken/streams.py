"""Named mutations of streams and subscriptions: order, chunks, the end, buffering, errors.

Merged into ``MUTATIONS`` by :mod:`.mutations`; each breaks one rule of issue 4's streaming
checks in front of the correct reference agent.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from ._rpc import (
    STREAMS,
    SUBSCRIBES,
    TERMINAL,
    doc_of,
    event_of,
    kind_of,
    method_of,
    per_stream,
    state_of,
)
from .proxy import Mutation, ProxiedRequest, ProxiedResponse

__all__ = ["STREAM_MUTATIONS"]


def _reverse_updates() -> Callable[[Any], list[Any]]:
    """Hold the updates between the Task and the terminal status, then send them reversed."""
    held: list[Any] = []

    def edit(doc: Any) -> list[Any]:
        if kind_of(doc) in ("status-update", "artifact-update") and state_of(doc) not in TERMINAL:
            held.append(doc)
            return []
        out = [*reversed(held), doc]
        held.clear()
        return out

    return edit


def _rename_appends() -> Callable[[Any], list[Any]]:
    def edit(doc: Any) -> list[Any]:
        event = event_of(doc)
        if kind_of(doc) == "artifact-update" and event.get("append") is True:
            event["artifact"]["artifactId"] = event["artifact"]["artifactId"] + "-elsewhere"
        return [doc]

    return edit


def _drop_second_chunk() -> Callable[[Any], list[Any]]:
    seen = [0]

    def edit(doc: Any) -> list[Any]:
        if kind_of(doc) == "artifact-update":
            seen[0] += 1
            if seen[0] == 2:
                return []
        return [doc]

    return edit


def _extra_after_terminal() -> Callable[[Any], list[Any]]:
    last_chunk: list[Any] = []

    def edit(doc: Any) -> list[Any]:
        if kind_of(doc) == "artifact-update":
            last_chunk[:] = [copy.deepcopy(doc)]
        if kind_of(doc) == "status-update" and state_of(doc) in TERMINAL and last_chunk:
            return [doc, *last_chunk]
        return [doc]

    return edit


def _final_early() -> Callable[[Any], list[Any]]:
    def edit(doc: Any) -> list[Any]:
        if kind_of(doc) == "status-update" and "final" in doc["result"]:
            doc["result"]["final"] = True
        return [doc]

    return edit


def _swap_on_even_ids(
    doc_filter: Callable[[Any], bool],
) -> Callable[[Any, ProxiedRequest], list[Any]]:
    """On subscriptions whose JSON-RPC id is even, swap the first two matching events."""
    held: dict[int, Any] = {}
    done: set[int] = set()

    def hook(doc: Any, req: ProxiedRequest) -> list[Any]:
        request_id = doc_of(req).get("id")
        if method_of(req) not in SUBSCRIBES or not isinstance(request_id, int) or request_id % 2:
            return [doc]
        key = id(req)
        if key in done or not doc_filter(doc):
            return [doc]
        if key not in held:
            held[key] = doc
            return []
        done.add(key)
        return [doc, held.pop(key)]

    return hook


def _drop_terminal() -> Callable[[Any], list[Any]]:
    def edit(doc: Any) -> list[Any]:
        return [] if kind_of(doc) == "status-update" and state_of(doc) in TERMINAL else [doc]

    return edit


def _errors_as(kind: str) -> Callable[[ProxiedResponse], None]:
    """Plain JSON-RPC errors of streaming calls answered as an SSE event, or as an HTML 500."""

    def hook(resp: ProxiedResponse) -> None:
        doc = resp.json()
        if method_of(resp.request) not in (*STREAMS, *SUBSCRIBES) or not isinstance(doc, dict):
            return
        if "error" not in doc:
            return
        if kind == "sse":
            resp.headers["content-type"] = "text/event-stream"
            resp.body = b"data: " + json.dumps(doc).encode() + b"\n\n"
        else:
            resp.status = 500
            resp.headers["content-type"] = "text/html"
            resp.body = b"<html><body>Internal Server Error</body></html>"

    return hook


STREAM_MUTATIONS: dict[str, Mutation] = {
    m.name: m
    for m in (
        Mutation(
            "stream-reordered",
            "updates delivered in reverse order",
            on_event=per_stream(STREAMS, _reverse_updates),
        ),
        Mutation(
            "stream-append-renamed",
            "appended chunks name another artifact",
            on_event=per_stream(STREAMS, _rename_appends),
        ),
        Mutation(
            "stream-chunk-dropped",
            "an artifact chunk is lost",
            on_event=per_stream(STREAMS, _drop_second_chunk),
        ),
        Mutation(
            "stream-event-after-terminal",
            "an artifact chunk after the terminal status",
            on_event=per_stream(STREAMS, _extra_after_terminal),
        ),
        Mutation("stream-held-open", "streams never close", hold_stream_open=True),
        Mutation(
            "stream-final-early",
            "final: true on every v0.3 status update",
            on_event=per_stream(STREAMS, _final_early),
        ),
        Mutation("stream-buffered", "streams held back until their end", buffer_stream=True),
        Mutation(
            "subscribers-diverge",
            "a second subscriber gets events in another order",
            on_event=_swap_on_even_ids(lambda d: kind_of(d) == "artifact-update"),
        ),
        Mutation(
            "subscribe-no-terminal",
            "subscriptions end before the terminal status",
            on_event=per_stream(SUBSCRIBES, _drop_terminal),
        ),
        Mutation(
            "stream-errors-as-sse",
            "errors before a stream come as an SSE event",
            on_response=_errors_as("sse"),
        ),
        Mutation(
            "stream-errors-as-html",
            "errors before a stream come as an HTML 500",
            on_response=_errors_as("html"),
        ),
    )
}
