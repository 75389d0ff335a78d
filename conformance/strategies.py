"""Hypothesis strategies for A2A payloads: valid messages, and the malformed inputs agents meet.

Used by the robustness properties (``conformance/suite/test_robustness.py``). Each strategy is
written from the specification (digest §2.12, §2.15, §2.16) for one protocol version and says
what it generates and why. Two families:

* **valid**: :func:`messages` and :func:`send_params` build user messages with every part kind
  (text, inline bytes, URL, structured data), a few sizes up to 64 Ki characters a part, and
  any Unicode (astral planes, combining marks, right-to-left text, NUL). An agent must answer
  each with a result or an A2A error, never a crash.
* **malformed**: :func:`malformed_requests` yields :class:`Malformed` bodies, each with the
  JSON-RPC error codes a correct agent may answer: invalid JSON and invalid UTF-8 (-32700),
  things that are not a request object (-32600), unknown methods (-32601), params of the wrong
  type or with invalid content (-32602, or an A2A error where the content names a missing
  task), and nesting deep enough to break a naive recursive parser.

Example::

    from hypothesis import given
    @given(send_params("1.0"))
    def prop(params): ...
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "A2A_ERROR_CODES",
    "LARGE_REQUEST_BYTES",
    "Malformed",
    "json_values",
    "malformed_requests",
    "messages",
    "parts",
    "send_params",
    "unicode_text",
]

#: JSON-RPC codes of the A2A errors (TaskNotFound -32001 … VersionNotSupported -32009).
A2A_ERROR_CODES = frozenset(range(-32009, -32000))
PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602

_SIZES = (0, 1, 64, 4096, 64 * 1024)  # characters; the last is a "large" part
#: Past this request size an agent may refuse the request as a whole (-32600, HTTP 413).
LARGE_REQUEST_BYTES = 1024 * 1024


def unicode_text(max_size: int = 200) -> st.SearchStrategy[str]:
    """Any Unicode text JSON can carry: every plane, combining marks, RTL, controls, NUL.

    Lone surrogates are left out: they cannot be encoded as UTF-8, so no valid request holds
    them (the malformed family sends invalid UTF-8 on purpose instead)."""
    return st.text(st.characters(exclude_categories=["Cs"]), max_size=max_size)


def _sized_text() -> st.SearchStrategy[str]:
    """Text of one of a few sizes, from empty to large (a repeated random unit)."""

    def build(unit: str, size: int) -> str:
        if size == 0 or not unit:
            return unit[:size]
        return (unit * (size // len(unit) + 1))[:size]

    return st.builds(build, unicode_text(16), st.sampled_from(_SIZES))


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON value (what v1.0 ``Part.data`` may hold): nested lists and objects."""
    scalars: st.SearchStrategy[Any] = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53), 2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        unicode_text(40),
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(unicode_text(12), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def _json_objects() -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object (v0.3 ``DataPart.data`` must be one)."""
    return st.dictionaries(unicode_text(12), json_values(6), max_size=5)


_MEDIA_TYPES = st.sampled_from(
    ["text/plain", "application/octet-stream", "application/json", "image/png", "text/csv"]
)
_URLS = st.builds(
    "https://files.a2a-harness.invalid/{}".format,
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=24),
)
_FILENAMES = st.none() | unicode_text(24)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def parts(version: str) -> st.SearchStrategy[dict[str, Any]]:
    """One Part of every kind the version defines (v1.0: text, raw, url, data; v0.3: kind
    text, file with bytes or uri, data), with optional metadata."""
    metadata = st.none() | _json_objects()
    raw = st.binary(max_size=2048).map(_b64)
    if version == "1.0":
        kinds = st.one_of(
            st.builds(lambda t: {"text": t}, _sized_text()),
            st.builds(
                lambda r, m, f: _without_none({"raw": r, "mediaType": m, "filename": f}),
                raw,
                _MEDIA_TYPES,
                _FILENAMES,
            ),
            st.builds(
                lambda u, m, f: _without_none({"url": u, "mediaType": m, "filename": f}),
                _URLS,
                _MEDIA_TYPES,
                _FILENAMES,
            ),
            st.builds(lambda d: {"data": d}, json_values()),
        )
    else:
        kinds = st.one_of(
            st.builds(lambda t: {"kind": "text", "text": t}, _sized_text()),
            st.builds(
                lambda r, m, f: {
                    "kind": "file",
                    "file": _without_none({"bytes": r, "mimeType": m, "name": f}),
                },
                raw,
                _MEDIA_TYPES,
                _FILENAMES,
            ),
            st.builds(
                lambda u, m: {"kind": "file", "file": {"uri": u, "mimeType": m}},
                _URLS,
                _MEDIA_TYPES,
            ),
            st.builds(lambda d: {"kind": "data", "data": d}, _json_objects()),
        )
    return st.builds(
        lambda part, meta: part if meta is None else {**part, "metadata": meta}, kinds, metadata
    )


def _without_none(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if v is not None}


def messages(
    version: str, *, first_text: str = "", metadata: dict[str, Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """A valid user Message of ``version`` with 1 to 4 generated parts.

    ``first_text`` (when given) becomes a leading text part, and ``metadata`` is merged in:
    that is how a prompt keeps a cooperative agent on a harmless behaviour (echo) whatever the
    generated text says."""

    def build(message_id: str, generated: list[dict[str, Any]], meta: dict[str, Any]) -> dict:
        lead = [{"text": first_text} if version == "1.0" else {"kind": "text", "text": first_text}]
        msg: dict[str, Any] = {
            "messageId": f"a2a-harness-fuzz-{message_id}",
            "role": "ROLE_USER" if version == "1.0" else "user",
            "parts": (lead if first_text else []) + generated,
        }
        if version == "0.3":
            msg["kind"] = "message"
        merged = {**meta, **(metadata or {})}
        if merged:
            msg["metadata"] = merged
        return msg

    return st.builds(
        build,
        st.uuids().map(lambda u: u.hex),
        st.lists(parts(version), min_size=1, max_size=4),
        _json_objects(),
    )


def send_params(
    version: str, *, first_text: str = "", metadata: dict[str, Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """SendMessage params: a :func:`messages` message, blocking (so the answer is final)."""
    config = {"blocking": True} if version == "0.3" else {}
    return messages(version, first_text=first_text, metadata=metadata).map(
        lambda m: {"message": m, **({"configuration": config} if config else {})}
    )


# -- malformed input -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Malformed:
    """A body to POST and the error codes a correct agent may answer it with."""

    what: str  # which rule it breaks, for the failure message
    body: bytes
    codes: frozenset[int]

    def shown(self, limit: int = 300) -> str:
        """The body as text for a report (clipped, invalid UTF-8 escaped)."""
        text = self.body[:limit].decode("utf-8", errors="backslashreplace")
        return text + (f"… ({len(self.body)} bytes)" if len(self.body) > limit else "")


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _invalid_json() -> st.SearchStrategy[Malformed]:
    """Not JSON at all: truncated documents, stray bytes, invalid UTF-8 (-32700)."""
    truncated = st.builds(
        lambda n: b'{"jsonrpc": "2.0", "id": 1, "method": "x", "params": {"a": [1, 2'[:n],
        st.integers(1, 60),
    )
    garbage = st.binary(min_size=1, max_size=64).filter(lambda b: not _is_json(b))
    bad_utf8 = st.sampled_from(
        [b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}', b"\xc3\x28", b'"\xed\xa0\x80"']
    )
    return st.builds(
        lambda body: Malformed("invalid JSON or UTF-8", body, frozenset({PARSE_ERROR})),
        truncated | garbage | bad_utf8,
    )


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True


def _not_a_request(methods: list[str]) -> st.SearchStrategy[Malformed]:
    """JSON that is not a JSON-RPC request object (-32600)."""
    method = st.sampled_from(methods)
    bad_ids = st.dictionaries(st.text(max_size=3), st.integers(), max_size=2) | st.lists(
        st.integers(), max_size=2
    )
    docs = st.one_of(
        st.none() | st.booleans() | st.integers() | unicode_text(20),
        st.builds(lambda m: {"id": 1, "method": m, "params": {}}, method),  # no jsonrpc
        st.builds(
            lambda v, m: {"jsonrpc": v, "id": 1, "method": m, "params": {}},
            st.sampled_from(["1.0", "2", 2.0, None, ""]),
            method,
        ),
        st.builds(lambda i: {"jsonrpc": "2.0", "id": i, "params": {}}, st.integers()),  # no method
        st.builds(
            lambda m: {"jsonrpc": "2.0", "id": 1, "method": m},
            st.integers() | st.none() | st.lists(st.integers(), max_size=2),
        ),
        st.builds(
            lambda i, m: {"jsonrpc": "2.0", "id": i, "method": m, "params": {}}, bad_ids, method
        ),
    )
    return st.builds(
        lambda doc: Malformed(
            "not a JSON-RPC request object", _dump(doc), frozenset({INVALID_REQUEST})
        ),
        docs,
    )


def _unknown_method() -> st.SearchStrategy[Malformed]:
    """A well-formed request for a method that does not exist (-32601)."""
    names = unicode_text(30)
    return st.builds(
        lambda name: Malformed(
            "unknown method",
            _dump({"jsonrpc": "2.0", "id": 7, "method": f"a2a-harness/{name}", "params": {}}),
            frozenset({METHOD_NOT_FOUND}),
        ),
        names,
    )


def _bad_params(version: str, methods: dict[str, str]) -> st.SearchStrategy[Malformed]:
    """Known methods with params of the wrong type or invalid content."""
    send, get = methods["send"], methods["get"]
    role = "ROLE_USER" if version == "1.0" else "user"
    text_part = {"text": "x"} if version == "1.0" else {"kind": "text", "text": "x"}
    wrong_type = st.builds(
        lambda m, p: Malformed(
            "params of the wrong JSON type",
            _dump({"jsonrpc": "2.0", "id": 3, "method": m, "params": p}),
            frozenset({INVALID_REQUEST, INVALID_PARAMS}),
        ),
        st.sampled_from([send, get]),
        st.none() | st.integers() | unicode_text(10) | st.booleans(),
    )
    bad_messages = st.one_of(
        st.just({}),
        st.builds(lambda v: {"message": v}, st.none() | st.integers() | unicode_text(10)),
        st.just({"message": {"messageId": "m", "role": role}}),  # no parts
        st.just({"message": {"messageId": "m", "role": role, "parts": []}}),
        st.just({"message": {"messageId": "m", "role": role, "parts": "text"}}),
        st.just({"message": {"messageId": "m", "role": "ROLE_KING", "parts": [text_part]}}),
        st.just({"message": {"role": role, "parts": [text_part]}}),  # no messageId
        st.just({"message": {"messageId": 5, "role": role, "parts": [text_part]}}),
        st.just({"message": {"messageId": "m", "role": role, "parts": [{}]}}),
        st.just({"message": {"messageId": "m", "role": role, "parts": [{"text": 3}]}}),
    )
    invalid_send = st.builds(
        lambda p: Malformed(
            "SendMessage params with invalid content",
            _dump({"jsonrpc": "2.0", "id": 4, "method": send, "params": p}),
            frozenset({INVALID_PARAMS}),
        ),
        bad_messages,
    )
    invalid_get = st.builds(
        lambda i: Malformed(
            "GetTask params with an invalid id",
            _dump({"jsonrpc": "2.0", "id": 5, "method": get, "params": {"id": i}}),
            frozenset({INVALID_PARAMS}),
        ),
        st.none() | st.integers() | st.lists(st.integers(), max_size=2) | st.booleans(),
    )
    unknown_task = st.builds(
        lambda i: Malformed(
            "GetTask of a task that does not exist",
            _dump({"jsonrpc": "2.0", "id": 6, "method": get, "params": {"id": i}}),
            frozenset({INVALID_PARAMS, *A2A_ERROR_CODES}),
        ),
        unicode_text(40),
    )
    return st.one_of(wrong_type, invalid_send, invalid_get, unknown_task)


def _deep_nesting(methods: dict[str, str]) -> st.SearchStrategy[Malformed]:
    """Params nested deep enough to break a recursive parser (a "JSON bomb")."""

    def build(depth: int, opener: str) -> Malformed:
        closer = "]" if opener == "[" else "}"
        inner = (opener if opener == "[" else '{"a":') * depth + "1" + closer * depth
        method = json.dumps(methods["send"])
        body = (
            f'{{"jsonrpc": "2.0", "id": 9, "method": {method}, "params": {{"message": {inner}}}}}'
        )
        return Malformed(
            f"params nested {depth} levels deep",
            body.encode(),
            frozenset({PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS}),
        )

    return st.builds(build, st.sampled_from([16, 256, 5000]), st.sampled_from(["[", "{"]))


def malformed_requests(version: str, methods: dict[str, str]) -> st.SearchStrategy[Malformed]:
    """Every malformed family for ``version`` (``methods``: operation -> JSON-RPC method)."""
    return st.one_of(
        _invalid_json(),
        _not_a_request(sorted(methods.values())),
        _unknown_method(),
        _bad_params(version, methods),
        _deep_nesting(methods),
    )
