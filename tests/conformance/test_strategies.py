"""The robustness strategies generate what they promise: valid messages valid, malformed ones
malformed in the way their expected error codes say."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from conformance import strategies
from conformance.client.dialects import dialect_for
from conformance.schema import validate_object

FAST = settings(
    max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize("version", ["1.0", "0.3"])
def test_generated_messages_are_valid(version: str) -> None:
    @FAST
    @given(strategies.messages(version, first_text="echo", metadata={"behaviour": "echo"}))
    def prop(message: dict[str, object]) -> None:
        assert validate_object("message", message, version) == []
        parts = message["parts"]
        assert isinstance(parts, list) and parts[0] == (
            {"text": "echo"} if version == "1.0" else {"kind": "text", "text": "echo"}
        )
        assert message["metadata"]["behaviour"] == "echo"  # type: ignore[index]
        json.dumps(message).encode("utf-8")  # encodable: no lone surrogates

    prop()


@pytest.mark.parametrize("version", ["1.0", "0.3"])
def test_every_part_kind_is_generated(version: str) -> None:
    seen: set[str] = set()

    @settings(max_examples=120, deadline=None, database=None)
    @given(strategies.parts(version))
    def prop(part: dict[str, object]) -> None:
        if version == "1.0":
            seen.update(k for k in ("text", "raw", "url", "data") if k in part)
        else:
            file = part.get("file")
            kind = str(part["kind"])
            seen.add(kind + ("-uri" if isinstance(file, dict) and "uri" in file else ""))

    prop()
    expected = (
        {"text", "raw", "url", "data"} if version == "1.0" else {"text", "file", "file-uri", "data"}
    )
    assert seen == expected


@FAST
@given(strategies.send_params("0.3"), strategies.send_params("1.0"))
def test_send_params_block_in_v03_only(v03: dict[str, object], v1: dict[str, object]) -> None:
    assert v03["configuration"] == {"blocking": True} and "configuration" not in v1


@pytest.mark.parametrize("version", ["1.0", "0.3"])
def test_malformed_requests_break_what_they_say(version: str) -> None:
    methods = dict(dialect_for(version).methods)
    whats: set[str] = set()

    @settings(max_examples=100, deadline=None, database=None)
    @given(strategies.malformed_requests(version, methods))
    def prop(bad: strategies.Malformed) -> None:
        whats.add(bad.what.split(" nested")[0])
        assert (
            bad.codes and bad.codes <= {-32700, -32600, -32601, -32602} | strategies.A2A_ERROR_CODES
        )
        try:
            doc = json.loads(bad.body)
        except (ValueError, RecursionError):
            assert strategies.PARSE_ERROR in bad.codes or "nested" in bad.what
            return
        if bad.codes == {strategies.INVALID_REQUEST}:
            assert not (
                isinstance(doc, dict)
                and doc.get("jsonrpc") == "2.0"
                and isinstance(doc.get("method"), str)
                and isinstance(doc.get("id"), str | int)
                and not isinstance(doc.get("id"), bool)
            )
        if bad.codes == {strategies.METHOD_NOT_FOUND}:
            assert doc["method"] not in methods.values()
        assert len(bad.shown()) <= 340

    prop()
    assert {"invalid JSON or UTF-8", "not a JSON-RPC request object", "unknown method"} <= whats
    assert any(w.startswith("params") for w in whats)


@settings(max_examples=10, deadline=None, database=None)
@given(strategies._deep_nesting({"send": "SendMessage"}))
def test_deep_nesting_defeats_a_recursive_parser(bomb: strategies.Malformed) -> None:
    if "5000" in bomb.what:
        with pytest.raises(RecursionError):
            json.loads(bomb.body)
    else:
        assert json.loads(bomb.body)["method"] == "SendMessage"
