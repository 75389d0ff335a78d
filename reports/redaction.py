"""The last line of defence against credentials in a published report.

The conformance plugin redacts evidence before it writes the results file, but a report may be
rendered from a file written by an older or a foreign harness, or edited by hand. So reports
redact again, twice: when a results file is loaded (headers named like credentials, and any
text that looks like a bearer token, a JWT or a well-known API key) and once more on every
string the HTML template prints.

The text patterns are deliberately specific (a ``Bearer`` prefix, the ``eyJ…​.eyJ…`` shape of a
compact JWT, vendor key prefixes) so that task ids, trace ids and ETags stay readable.

Example::

    >>> redact_text("Authorization: Bearer abcdefgh12345")
    'Authorization: <redacted>'
    >>> redact_header("X-Api-Key", "k-123")
    '<redacted>'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["REDACTED", "looks_secret", "redact_header", "redact_headers", "redact_text"]

REDACTED = "<redacted>"

_SECRET_HEADER = re.compile(
    r"^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key)$|token|secret|"
    r"password|credential|api[-_]?key",
    re.I,
)
# A header value the harness itself wrote in place of the secret: the marker or a ${VAR}.
_HARMLESS_VALUE = re.compile(r"^(<redacted>|\$\{[A-Za-z_][A-Za-z0-9_]*\})$")

_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Authorization: <anything>" inside curl lines, transcripts and messages.
    (
        re.compile(
            r"(?i)\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key|api-key)"
            r"(\s*[:=]\s*)(?!\s|<redacted>|\$\{)[^\r\n'\"\\]+"
        ),
        rf"\1\2{REDACTED}",
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+(?!<redacted>)[A-Za-z0-9._~+/=-]{8,}"), REDACTED),
    # Compact JWS/JWT: base64url header and payload both start with '{"' ("eyJ").
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"\bsk-(?:live-|test-|proj-|ant-)?[A-Za-z0-9_-]{16,}"), REDACTED),
    (re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}"), REDACTED),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{30,}"), REDACTED),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), REDACTED),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), REDACTED),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), REDACTED),
    # JSON members named like secrets: "token": "…", "client_secret": "…".
    (
        re.compile(
            r'("(?:token|credentials|password|secret|apiKey|api_key|accessToken|access_token|'
            r'refreshToken|refresh_token|clientSecret|client_secret|id_token|idToken)"\s*:\s*)'
            r'"(?!<redacted>")(?:[^"\\]|\\.)*"'
        ),
        rf'\1"{REDACTED}"',
    ),
)


def redact_text(text: str) -> str:
    """``text`` with every credential-looking part replaced by the redaction marker."""
    for pattern, replacement in _TEXT_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def looks_secret(text: str) -> bool:
    """Whether ``text`` holds something :func:`redact_text` would hide."""
    return redact_text(text) != text


def redact_header(name: str, value: str) -> str:
    """``value``, or the marker when the header carries a credential (by name or by look)."""
    if _SECRET_HEADER.search(name) and not _HARMLESS_VALUE.match(value.strip()):
        return REDACTED
    return redact_text(value)


def redact_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    """A redacted copy of a header mapping (values shown as strings)."""
    return {str(name): redact_header(str(name), str(value)) for name, value in headers.items()}
