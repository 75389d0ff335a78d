"""Validate agent cards and protocol objects against the harness's own JSON Schemas.

The schemas (``conformance/schemas/*.json``, draft 2020-12) are written from the A2A
specification, one set per protocol version; they are loaded lazily, once per process.

>>> validate_card({"name": "x"}, "1.0")[:2]
['$.capabilities: required field is missing', '$.defaultInputModes: required field is missing']

Violations are human-readable strings ``"<JSON path>: <what is wrong>"``; an empty list means
valid. :func:`find_violations` returns the same as :class:`Violation` records that also name
the JSON Schema keyword that failed (``required``, ``minItems``, ``type``, ``enum``, ``oneOf``…)
so a check can tell a missing REQUIRED field from a wrong type.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

__all__ = [
    "KINDS",
    "VERSIONS",
    "Violation",
    "find_violations",
    "normalize_version",
    "validate_card",
    "validate_object",
]

VERSIONS: tuple[str, ...] = ("0.3", "1.0")

# kind -> (schema file stem, $defs entry or None for the document's own root), per version.
_KINDS: dict[str, dict[str, tuple[str, str | None]]] = {
    "1.0": {
        "agent-card": ("agent-card-v1.0", None),
        "task": ("objects-v1.0", "Task"),
        "message": ("objects-v1.0", "Message"),
        "artifact": ("objects-v1.0", "Artifact"),
        "status-update": ("objects-v1.0", "TaskStatusUpdateEvent"),
        "artifact-update": ("objects-v1.0", "TaskArtifactUpdateEvent"),
        "stream-response": ("objects-v1.0", "StreamResponse"),
        "send-result": ("objects-v1.0", "SendMessageResponse"),
        "list-tasks-result": ("objects-v1.0", "ListTasksResponse"),
        "push-config": ("objects-v1.0", "TaskPushNotificationConfig"),
        "push-config-list": ("objects-v1.0", "ListTaskPushNotificationConfigsResponse"),
    },
    "0.3": {
        "agent-card": ("agent-card-v0.3", None),
        "task": ("objects-v0.3", "Task"),
        "message": ("objects-v0.3", "Message"),
        "artifact": ("objects-v0.3", "Artifact"),
        "status-update": ("objects-v0.3", "TaskStatusUpdateEvent"),
        "artifact-update": ("objects-v0.3", "TaskArtifactUpdateEvent"),
        "stream-response": ("objects-v0.3", "StreamResult"),
        "send-result": ("objects-v0.3", "SendResult"),
        "push-config": ("objects-v0.3", "TaskPushNotificationConfig"),
        "push-config-list": ("objects-v0.3", "TaskPushNotificationConfigList"),
    },
}

#: Every kind :func:`validate_object` knows, in either version.
KINDS: frozenset[str] = frozenset(k for kinds in _KINDS.values() for k in kinds)

_MAX_VIOLATIONS = 100
_IDENTIFIER = re.compile(r"^[A-Za-z_@$][A-Za-z0-9_@$-]*$")
_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


@dataclass(frozen=True, slots=True)
class Violation:
    """One schema violation: where (JSON path), what is wrong, and the failing keyword."""

    path: str
    message: str
    keyword: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def normalize_version(version: str) -> str:
    """``"1.0.1"`` → ``"1.0"``: the Major.Minor the schemas are keyed on; bad input raises."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.\d+)?\s*", str(version))
    normalized = f"{int(match.group(1))}.{int(match.group(2))}" if match else None
    if normalized not in VERSIONS:
        raise ValueError(
            f"unsupported A2A protocol version {version!r}: expected one of {', '.join(VERSIONS)}"
        )
    return normalized


def validate_card(doc: Any, version: str) -> list[str]:
    """Violations of the agent card ``doc`` against the ``version`` schema; ``[]`` = valid."""
    return [str(v) for v in find_violations("agent-card", doc, version)]


def validate_object(kind: str, doc: Any, version: str) -> list[str]:
    """Violations of a protocol object of ``kind`` (see :data:`KINDS`); ``[]`` = valid.

    Kinds: ``agent-card``, ``task``, ``message``, ``artifact``, ``status-update``,
    ``artifact-update``, ``stream-response`` (v1.0 StreamResponse; v0.3 the ``result`` of an
    SSE event), ``send-result`` (v1.0 ``{"task"|"message": …}``; v0.3 the bare result),
    ``list-tasks-result`` (v1.0 only), ``push-config``, ``push-config-list``.
    """
    return [str(v) for v in find_violations(kind, doc, version)]


def find_violations(kind: str, doc: Any, version: str) -> list[Violation]:
    """Structured violations of ``doc`` as ``kind`` in protocol ``version``, sorted by path."""
    validator = _validator(normalize_version(version), kind)
    found: dict[tuple[str, str], Violation] = {}
    try:
        for error in validator.iter_errors(doc):
            for violation in _describe(error):
                found.setdefault((violation.path, violation.message), violation)
    except RecursionError:
        # JSON nested thousands deep: no A2A object is, and reporting beats crashing.
        return [Violation("$", "document is nested too deeply to validate", "depth")]
    # A value of the wrong type fails its enum or pattern too; the type error says it all.
    mistyped = {v.path for v in found.values() if v.keyword == "type"}
    violations = sorted(
        (v for v in found.values() if v.keyword == "type" or v.path not in mistyped),
        key=lambda v: (v.path, v.message),
    )
    if len(violations) > _MAX_VIOLATIONS:
        hidden = len(violations) - _MAX_VIOLATIONS
        violations = violations[:_MAX_VIOLATIONS]
        violations.append(Violation("$", f"{hidden} more violations not shown", "limit"))
    return violations


@cache
def _validator(version: str, kind: str) -> Draft202012Validator:
    kinds = _KINDS[version]
    if kind not in kinds:
        if kind in KINDS:
            raise ValueError(f"A2A v{version} defines no {kind!r} object")
        raise ValueError(f"unknown A2A object kind {kind!r}: expected one of {sorted(KINDS)}")
    stem, definition = kinds[kind]
    schema = dict(_load(stem))
    if definition is not None:
        # Validate against one $defs entry of the file while keeping its other $defs reachable.
        schema["$ref"] = f"#/$defs/{definition}"
    return Draft202012Validator(schema)


@cache
def _load(stem: str) -> dict[str, Any]:
    text = resources.files("conformance.schemas").joinpath(f"{stem}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


def _describe(error: ValidationError) -> list[Violation]:
    path = _json_path(error.absolute_path)
    keyword = str(error.validator)
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    if keyword == "required":
        missing = [
            p for p in error.validator_value if isinstance(instance, dict) and p not in instance
        ]
        return [Violation(_join(path, p), "required field is missing", keyword) for p in missing]
    if keyword == "minItems" and error.validator_value == 1:
        message = "must contain at least one element (REQUIRED array)"
    elif keyword == "type":
        message = f"expected {_expected(error.validator_value)}, got {_type_of(instance)} {_short(instance)}"
    elif keyword == "enum":
        allowed = ", ".join(json.dumps(v) for v in error.validator_value)
        message = f"{_short(instance)} is not one of {allowed}"
    elif keyword == "const":
        message = f"expected {json.dumps(error.validator_value)}, got {_short(instance)}"
    elif keyword == "oneOf" and "x-a2a-oneof" in schema:
        members = schema["x-a2a-oneof"]
        present = [m for m in members if isinstance(instance, dict) and m in instance]
        message = (
            f"exactly one of {', '.join(members)} must be set "
            f"(found {', '.join(present) if present else 'none'})"
        )
    elif "x-a2a-message" in schema:
        message = f"{schema['x-a2a-message']}, got {_short(instance)}"
    else:
        message = _shorten(error.message, 200)
    return [Violation(path, message, keyword)]


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path = f"{path}[{part}]" if isinstance(part, int) else _join(path, str(part))
    return path


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{json.dumps(key)}]"


def _expected(value: Any) -> str:
    return " or ".join(value) if isinstance(value, list) else str(value)


def _type_of(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (ValueError, RecursionError):  # circular or absurdly deep: describe, do not crash
        text = f"<{_type_of(value)}>"
    return _shorten(text, 60)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
