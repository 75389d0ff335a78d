"""Redaction of headers and bodies, and curl reproductions."""

from __future__ import annotations

import shlex

from conformance.evidence import Redactor, curl_command


def test_secret_headers_and_values() -> None:
    red = Redactor(secrets=["s3cret-token"], secret_headers=["X-Custom"])
    shown = red.headers(
        {
            "Authorization": "Bearer x",
            "X-Custom": "v",
            "X-A2A-Notification-Token": "t",
            "Content-Type": "application/json",
            "X-Echo": "has s3cret-token inside",
        }
    )
    assert shown == {
        "Authorization": "<redacted>",
        "X-Custom": "<redacted>",
        "X-A2A-Notification-Token": "<redacted>",
        "Content-Type": "application/json",
        "X-Echo": "has <redacted> inside",
    }


def test_secret_json_members() -> None:
    red = Redactor()
    body = '{"url": "https://hook", "token": "abc", "authentication": {"credentials": "p\\"w"}}'
    assert red.text(body) == (
        '{"url": "https://hook", "token": "<redacted>", "authentication": {"credentials": "<redacted>"}}'
    )


def test_curl_is_shell_safe_and_cites_env_templates() -> None:
    line = curl_command(
        "POST",
        "http://127.0.0.1:1/",
        {"Authorization": "<redacted>", "Content-Type": "application/json"},
        '{"q": "it\'s"}',
        templates={"Authorization": "Bearer ${TOKEN}"},
    )
    words = shlex.split(line)
    assert words[:6] == ["curl", "-sS", "-i", "-X", "POST", "http://127.0.0.1:1/"]
    assert "Authorization: Bearer ${TOKEN}" in words
    assert words[-1] == '{"q": "it\'s"}'
