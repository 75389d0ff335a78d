"""API-key authentication (``--auth api-key``): a header carrying one of a set of known keys.

Keys are held as SHA-256 digests, never in clear, and compared in constant time against every
entry, so neither the keys nor which one matched leak through memory dumps or timing. A key file
has one ``name:key[:scope scope…]`` line per client (``#`` starts a comment); the name becomes the
principal's subject.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidToken, MissingCredentials
from .principal import Principal

__all__ = ["DEFAULT_HEADER", "ApiKeyVerifier", "parse_key_lines"]

DEFAULT_HEADER = "x-api-key"
MIN_KEY_LENGTH = 16


@dataclass(frozen=True, slots=True)
class _Entry:
    subject: str
    digest: bytes
    scopes: frozenset[str]


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def parse_key_lines(lines: list[str], source: str = "api keys") -> list[tuple[str, str, str]]:
    """``(name, key, scopes)`` per line; ValueError names the line (never the key)."""
    parsed = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, rest = line.partition(":")
        key, _, scopes = rest.partition(":")
        if not sep or not name or not key:
            raise ValueError(f"{source} line {number}: expected name:key[:scopes]")
        if len(key) < MIN_KEY_LENGTH:
            raise ValueError(f"{source} line {number}: key of {name!r} is shorter than 16 chars")
        parsed.append((name, key, scopes))
    return parsed


class ApiKeyVerifier:
    """Checks the API-key header against known keys."""

    def __init__(self, keys: list[tuple[str, str, str]], *, header: str = DEFAULT_HEADER) -> None:
        if not keys:
            raise ValueError("--auth api-key needs at least one key")
        self.header = header.lower()
        self._entries = [
            _Entry(name, _digest(key), frozenset(scopes.split())) for name, key, scopes in keys
        ]

    @classmethod
    def from_file(cls, path: str | Path, *, header: str = DEFAULT_HEADER) -> ApiKeyVerifier:
        """Load ``name:key[:scopes]`` lines from ``path``."""
        text = Path(path).read_text(encoding="utf-8")
        return cls(parse_key_lines(text.splitlines(), str(path)), header=header)

    def verify(self, presented: str | None) -> Principal:
        """The principal owning ``presented``; :class:`InvalidToken` for an unknown key."""
        if not presented:
            raise MissingCredentials(f"no {self.header} header", scheme="ApiKey")
        digest = _digest(presented)
        found: _Entry | None = None
        for entry in self._entries:  # no early exit: timing must not reveal the position
            if hmac.compare_digest(entry.digest, digest):
                found = entry
        if found is None:
            raise InvalidToken("unknown API key", scheme="ApiKey")
        return Principal(subject=found.subject, scopes=found.scopes, method="api-key")
