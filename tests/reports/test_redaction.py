"""The redaction guard: credentials are hidden, ordinary protocol values stay readable."""

from __future__ import annotations

import pytest

from reports.redaction import REDACTED, looks_secret, redact_header, redact_headers, redact_text

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"Authorization: Bearer {JWT}", JWT),
        ("authorization=Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
        (f"the token {JWT} leaked", JWT),
        ("bearer abcdefgh12345678", "abcdefgh12345678"),
        ("key sk-proj-abcdefghijklmnop1234", "sk-proj-abcdefghijklmnop1234"),
        ("ghp_" + "a" * 36, "ghp_" + "a" * 36),
        ("xoxb-1234567890-abcdef", "xoxb-1234567890-abcdef"),
        ("AKIAABCDEFGHIJKLMNOP", "AKIAABCDEFGHIJKLMNOP"),
        ("AIza" + "b" * 35, "AIza" + "b" * 35),
        ('{"client_secret": "shh-its-secret"}', "shh-its-secret"),
        ("-H 'Cookie: session=abc; other=def'", "session=abc"),
        ("X-API-Key: my-key-value", "my-key-value"),
    ],
)
def test_credential_looking_text_is_redacted(text: str, secret: str) -> None:
    out = redact_text(text)
    assert secret not in out
    assert REDACTED in out
    assert looks_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        "0af7651916cd43dd8448eb211c80319c",  # trace id
        "3ae63b01-e2c4-4e40-b869-a7003fdb24ca",  # task id
        'ETag: "5d41402abc4b2a76b9719d911017c592"',
        'curl -H "Authorization: ${A2A_TOKEN}" URL',  # a template names the variable
        "Authorization: <redacted>",
        "The card declares securitySchemes and the Authorization header is required.",
        '{"jsonrpc": "2.0", "id": 1, "error": {"code": -32700}}',
    ],
)
def test_ordinary_values_are_left_alone(text: str) -> None:
    assert redact_text(text) == text
    assert not looks_secret(text)


def test_headers_by_name_and_by_look() -> None:
    headers = {
        "Authorization": "opaque-value",
        "X-Custom-Token": "abc",
        "Proxy-Authorization": "${PROXY}",
        "Accept": f"Bearer {JWT}",
        "Content-Type": "application/json",
    }
    assert redact_headers(headers) == {
        "Authorization": REDACTED,
        "X-Custom-Token": REDACTED,
        "Proxy-Authorization": "${PROXY}",
        "Accept": REDACTED,
        "Content-Type": "application/json",
    }
    assert redact_header("set-cookie", "id=1") == REDACTED
