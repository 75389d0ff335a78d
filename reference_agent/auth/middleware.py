"""ASGI middleware: authenticate every non-public request before the A2A app sees it.

On success the principal is put in ``scope["a2a.principal"]`` (the service layer reads it for
authorization scoping and skill scopes). On failure the request is answered here, before any
routing or lookup (v1.0 §13.1: authorization before anything that could leak existence), with the
status of the :class:`~.errors.AuthError`, its ``WWW-Authenticate`` challenge and a small JSON
body ``{"error": …, "error_description": …}``. Credentials are never logged or echoed.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from .authenticator import Authenticator
from .errors import AuthError

__all__ = ["PRINCIPAL_KEY", "AuthMiddleware"]

PRINCIPAL_KEY = "a2a.principal"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class AuthMiddleware:
    """``AuthMiddleware(app, authenticator)``: an ASGI app that guards ``app``."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator, *, realm: str = "a2a") -> None:
        self.app = app
        self.authenticator = authenticator
        self.realm = realm

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            principal = await self.authenticator.authenticate(
                scope["path"], scope.get("headers", []), scope.get("query_string", b"")
            )
        except AuthError as refusal:
            await _refuse(send, refusal, self.realm)
            return
        scope[PRINCIPAL_KEY] = principal
        await self.app(scope, receive, send)


async def _refuse(send: Send, refusal: AuthError, realm: str) -> None:
    body = json.dumps(
        {"error": refusal.error or "unauthorized", "error_description": refusal.description}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", refusal.challenge(realm).encode("latin-1", "replace")),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
