"""Strict field readers shared by the v0.3 and v1.0 decoders.

Every reader takes the JSON value, the key and the *path* of the enclosing object (for example
``params.message``) and either returns a typed value or raises
:class:`~reference_agent.errors.InvalidParamsError` whose message names the field and says what
was expected and what arrived::

    params.message.parts[0].text: expected a string, got number

Unknown keys are ignored on purpose (v1.0 §5.7: unrecognized fields SHOULD be ignored).
These helpers run on the hot path, so they are plain functions with no allocation beyond the
error itself.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..errors import InvalidParamsError
from ..model import utc_timestamp

__all__ = [
    "as_object",
    "fail",
    "json_type",
    "opt_bool",
    "opt_int",
    "opt_object",
    "opt_str",
    "opt_str_list",
    "opt_timestamp",
    "read_base64",
    "req_str",
]

_JSON_TYPES: dict[type, str] = {
    str: "string",
    bool: "boolean",
    int: "number",
    float: "number",
    dict: "object",
    list: "array",
    type(None): "null",
}


def json_type(value: Any) -> str:
    """The JSON name of a decoded value's type (``object``, ``array``, ``string``…)."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def fail(path: str, expectation: str, value: Any = ...) -> InvalidParamsError:
    """Build (not raise) the error for ``path``; ``value`` adds ``got <type>`` when given."""
    text = (
        f"{path}: {expectation}"
        if value is ...
        else f"{path}: {expectation}, got {json_type(value)}"
    )
    return InvalidParamsError(text, field=path)


def as_object(value: Any, path: str) -> dict[str, Any]:
    """``value`` itself, which must be a JSON object (``None`` reads as a missing member)."""
    if type(value) is not dict:
        if value is None:
            raise fail(path, "is required")
        raise fail(path, "expected an object", value)
    return value


def req_str(obj: Mapping[str, Any], key: str, path: str, *, allow_empty: bool = False) -> str:
    """A required string member; empty strings are refused unless ``allow_empty``."""
    value = obj.get(key)
    if type(value) is str:
        if value or allow_empty:
            return value
        raise fail(f"{path}.{key}", "must not be empty")
    if value is None:
        raise fail(f"{path}.{key}", "is required")
    raise fail(f"{path}.{key}", "expected a string", value)


def opt_str(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    """An optional string member; JSON ``null`` and ``""`` both mean unset (ProtoJSON default)."""
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is str:
        return value or None
    raise fail(f"{path}.{key}", "expected a string", value)


def opt_bool(obj: Mapping[str, Any], key: str, path: str) -> bool | None:
    """An optional boolean member (``true``/``false`` only, never 0/1 or strings)."""
    value = obj.get(key)
    if value is None or type(value) is bool:
        return value
    raise fail(f"{path}.{key}", "expected a boolean", value)


def opt_int(
    obj: Mapping[str, Any],
    key: str,
    path: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """An optional integer member within ``[minimum, maximum]``; booleans are not integers."""
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int:
        raise fail(f"{path}.{key}", "expected an integer", value)
    if minimum is not None and value < minimum:
        raise fail(f"{path}.{key}", f"must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise fail(f"{path}.{key}", f"must be <= {maximum}, got {value}")
    return value


def opt_object(obj: Mapping[str, Any], key: str, path: str) -> dict[str, Any] | None:
    """An optional JSON object member (``metadata``, ``params`` of extensions…)."""
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is dict:
        return value
    raise fail(f"{path}.{key}", "expected an object", value)


def opt_str_list(obj: Mapping[str, Any], key: str, path: str) -> list[str]:
    """An optional array of strings (absent → ``[]``)."""
    value = obj.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise fail(f"{path}.{key}", "expected an array of strings", value)
    for index, item in enumerate(value):
        if type(item) is not str:
            raise fail(f"{path}.{key}[{index}]", "expected a string", item)
    return value


def opt_timestamp(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    """An optional ISO 8601 timestamp, normalised to the agent's own ``...sssZ`` UTC form.

    Normalising lets the store compare timestamps as strings. A value without a zone is refused:
    v1.0 §5.6.1 requires UTC.
    """
    raw = opt_str(obj, key, path)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise fail(
            f"{path}.{key}",
            f"expected an ISO 8601 timestamp like 2025-01-31T12:00:00Z, got {raw!r}",
        ) from None
    if moment.tzinfo is None:
        raise fail(f"{path}.{key}", f"timestamp must be UTC with a 'Z' suffix, got {raw!r}")
    return utc_timestamp(moment.astimezone(UTC))


def read_base64(value: Any, path: str) -> bytes:
    """Decode standard or URL-safe base64 (ProtoJSON accepts both), padding optional."""
    if type(value) is not str:
        raise fail(path, "expected a base64 string", value)
    text = value.replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise fail(path, "invalid base64") from None
