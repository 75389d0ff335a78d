"""Helpers for the auth wiring tests: key files, hostile tokens, and an incremental SSE reader.

The hostile tokens are built here from scratch (base64url JSON and raw signatures), not with the
agent's or the harness's JOSE code, so a shared bug cannot make both sides agree.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from fixtures.agent_process import AgentProcess
from fixtures.token_issuer import TokenIssuer

AUDIENCE = "a2a-agent"
BOUND = 15.0


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def write_private_key(path: Path, kind: str = "ES256") -> Path:
    """A fresh PKCS#8 PEM private key (ES256 or EdDSA) at ``path``."""
    key: Any = (
        ec.generate_private_key(ec.SECP256R1())
        if kind == "ES256"
        else ed25519.Ed25519PrivateKey.generate()
    )
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def jwt_agent_args(issuer: TokenIssuer, *extra: str) -> list[str]:
    """CLI args of an agent that trusts ``issuer`` (the documented interface for Helper B)."""
    return [
        "--auth",
        "jwt",
        "--auth-jwks-url",
        issuer.jwks_url,
        "--auth-issuer",
        issuer.issuer,
        "--auth-audience",
        AUDIENCE,
        "--allow-private-webhooks",
        *extra,
    ]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unsigned_token(claims: dict[str, Any]) -> str:
    """``alg: none`` with an empty signature."""
    head = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{head}.{b64(json.dumps(claims).encode())}."


def hs256_confusion_token(claims: dict[str, Any], public_pem: bytes, kid: str) -> str:
    """HS256 "signed" with the issuer's public key bytes as the HMAC secret."""
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def claims_of(token: str) -> dict[str, Any]:
    body = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return decoded


def public_pem(issuer: TokenIssuer) -> bytes:
    return bytes(
        issuer.current_key.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def rpc(
    agent: AgentProcess,
    method: str,
    params: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
    version: str = "1.0",
) -> httpx.Response:
    """One JSON-RPC POST (the caller asserts on status and body)."""
    payload: dict[str, Any] = {"jsonrpc": "2.0", "id": 1, "method": method}
    if params is not None:
        payload["params"] = params
    return httpx.post(
        agent.url,
        content=orjson.dumps(payload),
        headers={"Content-Type": "application/json", "A2A-Version": version, **(headers or {})},
        timeout=BOUND,
    )


def result(response: httpx.Response) -> Any:
    assert response.status_code == 200, (response.status_code, response.text)
    body = response.json()
    assert "result" in body, body
    return body["result"]


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert "error" in body, body
    return dict(body["error"])


def message(text: str, **extra: Any) -> dict[str, Any]:
    return {
        "messageId": f"m-{time.monotonic_ns()}",
        "role": "ROLE_USER",
        "parts": [{"text": text}],
        **extra,
    }


class SseReader:
    """Reads an SSE response event by event, so a test can act while the stream is open."""

    def __init__(self, response: httpx.Response, deadline: float = BOUND) -> None:
        self.response = response
        self.end = time.monotonic() + deadline
        self._lines: Iterator[str] = response.iter_lines()

    def next_event(self) -> dict[str, Any] | None:
        """The next ``data:`` payload, or None when the stream ended."""
        for line in self._lines:
            assert time.monotonic() < self.end, "stream deadline passed"
            if line.startswith("data:"):
                event: dict[str, Any] = orjson.loads(line[5:].strip())
                return event
        return None
