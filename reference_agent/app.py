"""The reference agent as a raw ASGI application.

Raw ASGI (no framework) keeps the hot path short: a dict lookup on the path, then the binding.
The route table in :meth:`A2AApp._routes` is the one place where URLs meet bindings; the HTTP+JSON
(REST) and gRPC bindings of a later issue register there without touching the handlers.

Routes:

=================================  ========================================================
``POST /`` (and the public path)   JSON-RPC 2.0 binding, both dialects
``GET|HEAD /.well-known/agent-card.json``, ``/.well-known/agent.json`` (legacy)
                                   the public agent card, cached, with ETag/304
``GET /healthz``                   200 while the process runs
``GET /readyz``                    200 when the store answers and the agent is not shutting
                                   down, else 503
``GET /docs/behaviour-contract``   the skills table as text (the card's documentationUrl)
``GET /.well-known/jwks.json``     the public keys of ``--card-signing-key`` (404 when unsigned)
anything else                      404 JSON
=================================  ========================================================

Authentication (``--auth jwt|api-key``): every HTTP request first goes through
:class:`auth.AuthMiddleware` (the card, JWKS, health and docs paths stay public); with
``--auth none`` the middleware is not in the chain at all. See :mod:`.security`.

Lifespan: startup starts the service; shutdown runs the service's graceful shutdown (finish or
fail in-flight tasks). :meth:`A2AApp.begin_shutdown` starts that same shutdown as soon as SIGTERM
arrives, before uvicorn waits for open connections, so blocking calls and SSE streams end
instead of holding the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import orjson

from .bindings import JsonRpcBinding
from .card import SKILLS, CardResource, build_extended_card, build_public_card
from .config import AgentSettings
from .security import Security
from .service import A2AService
from .signing import JWKS_PATH
from .telemetry import Telemetry

__all__ = ["A2AApp", "build_service", "create_app"]

logger = logging.getLogger("reference_agent.app")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Handler = Callable[[Scope, Receive, Send], Awaitable[None]]

#: how long SSE streams get, after the service's shutdown finished, to deliver its last events
_STREAM_DRAIN_SECONDS = 0.5


def build_service(settings: AgentSettings, security: Security | None = None) -> A2AService:
    """The engine for ``settings``: store from ``store_url``, push encoder from the dialects.

    With ``security`` the extended card carries its declarations and signatures, and (auth on)
    the engine checks the scopes of the skill each new message is routed to.
    """
    from .dialects import encode_push
    from .engine import TaskService
    from .store import open_store

    extended = build_extended_card(settings)
    if security is not None:
        extended = security.extended_card(extended)
    service = TaskService(settings, open_store(settings), encode_push, lambda ctx: extended)
    if security is not None and security.authenticator is not None:
        service.skill_guard = security.skill_guard
    return service


class A2AApp:
    """ASGI callable: routes, lifespan, health and graceful shutdown around one service."""

    def __init__(
        self,
        settings: AgentSettings,
        service: A2AService,
        *,
        telemetry: Telemetry | None = None,
        security: Security | None = None,
    ) -> None:
        self.settings = settings
        self.service = service
        self.security = security or Security()
        self.telemetry = telemetry or Telemetry.disabled()
        self.closing = asyncio.Event()  # set when open SSE streams must end (shutdown)
        self.shutting_down = False
        self._shutdown_task: asyncio.Task[None] | None = None
        # Declarations and signatures first: the ETag is the hash of the bytes served.
        self.card = CardResource(self.security.public_card(build_public_card(settings)))
        jwks = self.security.jwks
        # Served like the card: Cache-Control, ETag and 304s.
        self.jwks = CardResource(jwks) if jwks is not None else None
        self.jsonrpc = JsonRpcBinding(
            service, settings, telemetry=self.telemetry, closing=self.closing
        )
        self._docs = _skills_text().encode("utf-8")
        self.routes: dict[str, Handler] = self._routes()
        # None with --auth none: then no middleware runs at all.
        self._guarded: Handler | None = (
            None if self.security.authenticator is None else self.security.wrap(self._route)
        )

    def _routes(self) -> dict[str, Handler]:
        routes: dict[str, Handler] = {
            "/": self.jsonrpc,
            "/.well-known/agent-card.json": self._serve_card,
            "/.well-known/agent.json": self._serve_card,
            "/healthz": self._healthz,
            "/readyz": self._readyz,
            "/docs/behaviour-contract": self._serve_docs,
        }
        if self.jwks is not None:
            routes[JWKS_PATH] = self._serve_jwks
        public_path = urlsplit(self.settings.base_url).path or "/"
        routes.setdefault(public_path, self.jsonrpc)
        routes.setdefault(public_path.rstrip("/") or "/", self.jsonrpc)
        return routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            if self._guarded is not None:
                await self._guarded(scope, receive, send)
                return
            handler = self.routes.get(scope["path"])
            if handler is None:
                await _json(send, 404, {"error": "not found", "path": scope["path"][:200]})
                return
            await handler(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1003})

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The authenticated path (the middleware calls this once the caller is known).
        handler = self.routes.get(scope["path"])
        if handler is None:
            await _json(send, 404, {"error": "not found", "path": scope["path"][:200]})
            return
        await handler(scope, receive, send)

    # -- routes ------------------------------------------------------------------------------
    async def _serve_jwks(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.jwks is not None
        await _serve_resource(self.jwks, scope, send)

    async def _serve_card(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _serve_resource(self.card, scope, send)

    async def _serve_docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/markdown; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": self._docs})

    async def _healthz(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _json(send, 200, {"status": "ok"})

    async def _readyz(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.shutting_down:
            await _json(send, 503, {"status": "shutting down"})
            return
        ready = getattr(self.service, "ready", None)
        if ready is not None:
            try:
                ok = await asyncio.wait_for(ready(), timeout=2.0)
            except Exception as exc:
                logger.warning("readiness check failed: %s", type(exc).__name__)
                ok = False
            if ok is False:
                await _json(send, 503, {"status": "not ready"})
                return
        await _json(send, 200, {"status": "ready"})

    # -- lifecycle ---------------------------------------------------------------------------
    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    start = getattr(self.service, "start", None)
                    if start is not None:
                        await start()
                except Exception as exc:
                    logger.exception("agent startup failed")
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def begin_shutdown(self) -> None:
        """Start the graceful shutdown now (idempotent); called on SIGTERM/SIGINT."""
        if self._shutdown_task is None:
            self.shutting_down = True
            logger.info(
                "graceful shutdown started",
                extra={"grace_seconds": self.settings.shutdown_grace_seconds},
            )
            self._shutdown_task = asyncio.get_running_loop().create_task(self._shutdown())

    async def shutdown(self) -> None:
        """Run (or join) the graceful shutdown and wait for it to end."""
        self.begin_shutdown()
        assert self._shutdown_task is not None
        await asyncio.shield(self._shutdown_task)

    async def _shutdown(self) -> None:
        grace = self.settings.shutdown_grace_seconds
        try:
            shutdown = getattr(self.service, "shutdown", None)
            if shutdown is not None:
                await asyncio.wait_for(shutdown(grace), timeout=grace + 10.0)
        except Exception:
            logger.exception("service shutdown failed")
        finally:
            # Streams get a moment to forward the final events the shutdown produced, then end.
            asyncio.get_running_loop().call_later(_STREAM_DRAIN_SECONDS, self.closing.set)
            with contextlib.suppress(Exception):
                self.telemetry.shutdown()
            with contextlib.suppress(Exception):
                await self.security.aclose()
            logger.info("graceful shutdown finished")


def create_app(settings: AgentSettings, service: A2AService | None = None) -> A2AApp:
    """The ASGI app for ``settings``; builds the engine unless a ``service`` is given (tests).

    Raises :class:`security.SecurityConfigError` for an unusable key or key file.
    """
    security = Security.from_settings(settings)
    return A2AApp(
        settings,
        service or build_service(settings, security),
        telemetry=Telemetry(),
        security=security,
    )


async def _json(
    send: Send, status: int, payload: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = orjson.dumps(payload)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _skills_text() -> str:
    lines = [
        "# a2a-harness reference agent: behaviour contract",
        "",
        "A behaviour is chosen by message.metadata.behaviour, by an official TCK messageId prefix,",
        "or by the first word of the first text part (further words are arguments); default echo.",
        "",
        "| skill | what happens | example |",
        "|---|---|---|",
    ]
    lines += [f"| `{s.id}` | {s.description} | `{s.examples[0]}` |" for s in SKILLS]
    return "\n".join(lines) + "\n"


async def _serve_resource(resource: CardResource, scope: Scope, send: Send) -> None:
    """GET/HEAD of a pre-serialised JSON document with its ETag (405 for other methods)."""
    method = scope["method"]
    if method not in ("GET", "HEAD"):
        await _json(
            send, 405, {"error": f"method {method} not allowed"}, [(b"allow", b"GET, HEAD")]
        )
        return
    if_none_match = None
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            if_none_match = value
    status, headers, body = resource.response(method, if_none_match)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
