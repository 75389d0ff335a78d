"""Named mutations for the robustness properties: crashes fuzzing must find, a dying agent.

Merged into ``MUTATIONS`` by :mod:`.mutations`.
"""

from __future__ import annotations

from collections.abc import Callable

from ._rpc import SENDS, doc_of, method_of
from .proxy import Mutation, ProxiedRequest, ProxiedResponse

__all__ = ["ROBUSTNESS_MUTATIONS"]


def _data_parts_crash(req: ProxiedRequest) -> ProxiedResponse | None:
    """A 500 for any message holding a structured-data part (what fuzzing must find)."""
    message = doc_of(req).get("params", {}).get("message") if method_of(req) in SENDS else None
    parts = message.get("parts") if isinstance(message, dict) else None
    if isinstance(parts, list) and any(isinstance(p, dict) and "data" in p for p in parts):
        return ProxiedResponse(500, {"content-type": "text/html"}, b"<h1>500</h1>", req)
    return None


def _bad_json_crash(req: ProxiedRequest) -> ProxiedResponse | None:
    if req.method == "POST" and req.body and req.json() is None:
        return ProxiedResponse(500, {"content-type": "text/plain"}, b"Internal Server Error", req)
    return None


def _dies_after_large_body() -> Callable[[ProxiedRequest], ProxiedResponse | None]:
    dead = [False]

    def hook(req: ProxiedRequest) -> ProxiedResponse | None:
        if req.method != "POST":
            return None
        if len(req.body) > 1024 * 1024:
            dead[0] = True
        if dead[0]:
            return ProxiedResponse(503, {"content-type": "text/plain"}, b"unavailable", req)
        return None

    return hook


ROBUSTNESS_MUTATIONS: dict[str, Mutation] = {
    m.name: m
    for m in (
        Mutation(
            "fuzz-data-part-500", "a data part crashes the agent", on_request=_data_parts_crash
        ),
        Mutation(
            "malformed-json-500", "invalid JSON crashes the agent", on_request=_bad_json_crash
        ),
        Mutation(
            "dies-after-large-body",
            "the agent stops answering after a large request",
            on_request=_dies_after_large_body(),
        ),
    )
}
