"""Typed reads from a parsed JSON document, with errors that name the member that was wrong.

Unknown members are ignored (the schema promises consumers tolerate them); a member of the wrong
type is an error naming its path, e.g. ``checks[3].grade: expected a string, got 12``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Fields", "SchemaError"]


class SchemaError(ValueError):
    """A member of the document has the wrong type or value; the message names its path."""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Fields:
    """A JSON object being read, and where it sits in the document (for error messages)."""

    def __init__(self, doc: Any, path: str) -> None:
        if not isinstance(doc, dict):
            raise SchemaError(f"{path}: expected an object, got {_kind(doc)}")
        self.doc: dict[str, Any] = doc
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _fail(self, key: str, expected: str, value: Any) -> SchemaError:
        return SchemaError(f"{self._where(key)}: expected {expected}, got {_kind(value)}")

    def text(self, key: str, default: str = "") -> str:
        """A string member; absent or null gives ``default``."""
        value = self.doc.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self._fail(key, "a string", value)
        return value

    def opt_text(self, key: str) -> str | None:
        """A string member that may be absent or null."""
        value = self.doc.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._fail(key, "a string or null", value)
        return value

    def number(self, key: str) -> float | None:
        """A number member that may be absent or null."""
        value = self.doc.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, "a number", value)
        return float(value)

    def integer(self, key: str) -> int | None:
        """An integer member that may be absent or null."""
        value = self.doc.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "an integer", value)
        return value

    def flag(self, key: str) -> bool | None:
        """A boolean member that may be absent or null."""
        value = self.doc.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self._fail(key, "true or false", value)
        return value

    def array(self, key: str) -> list[Any]:
        """An array member; absent or null gives an empty list."""
        value = self.doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "an array", value)
        return value

    def obj(self, key: str) -> Fields | None:
        """An object member as :class:`Fields`; absent or null gives None."""
        value = self.doc.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._fail(key, "an object", value)
        return Fields(value, self._where(key))

    def objects(self, key: str) -> list[Fields]:
        """An array of objects, each as :class:`Fields` with its index in the path."""
        return [Fields(item, f"{self._where(key)}[{i}]") for i, item in enumerate(self.array(key))]

    def texts(self, key: str) -> list[str]:
        """An array of strings."""
        items = self.array(key)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise SchemaError(f"{self._where(key)}[{i}]: expected a string, got {_kind(item)}")
        return items

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        """A string member that must be one of ``allowed``."""
        value = self.doc.get(key, default)
        if value is None and default is not None:
            value = default
        if value not in allowed:
            choices = ", ".join(allowed)
            raise SchemaError(f"{self._where(key)}: expected one of {choices}, got {_show(value)}")
        return str(value)
