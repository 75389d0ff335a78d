"""Command line of the reference agent: ``python -m reference_agent`` / ``a2a-harness serve``.

The process binds its listening socket **before** serving, so ``--port 0`` picks a free port with
no race and the card advertises the real port; then it prints exactly one line to stdout::

    A2A_AGENT_LISTENING http://127.0.0.1:43117/

and serves with uvicorn (httptools, uvloop when installed, access log off: :mod:`.logs` writes
one JSON line per request to stderr). SIGTERM or SIGINT starts the graceful shutdown at once
(:meth:`A2AApp.begin_shutdown`): in-flight tasks get ``--shutdown-grace`` seconds, then fail;
open streams end; the process exits 0.

A bad option value prints one line on stderr and exits 2, e.g.::

    python -m reference_agent: error: argument --port: expected an integer 0..65535, got 'x'
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import NoReturn

import uvicorn

from ._cli_security import add_security_options, check_security
from ._cli_types import extension_uri, int_range, on_off, public_url, seconds, store_url
from .config import AgentSettings

__all__ = ["bind_socket", "build_parser", "main", "parse_settings"]

logger = logging.getLogger("reference_agent.cli")

LISTENING_PREFIX = "A2A_AGENT_LISTENING "


def _prog() -> str:
    """How the user started us, for error lines: the front door or the module."""
    if os.path.basename(sys.argv[0] if sys.argv else "") == "a2a-harness":
        return "a2a-harness serve"
    return "python -m reference_agent"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is exactly one line on stderr (and exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The option parser (``--help`` documents every option and its default)."""
    d = AgentSettings()
    p = _Parser(
        prog=_prog(),
        description="The a2a-harness reference A2A agent (v1.0 and v0.3, JSON-RPC, SSE, push).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--host", default=d.host, help="address to bind (loopback by default)")
    p.add_argument(
        "--port", type=int_range(0, 65535), default=d.port, help="port; 0 picks a free one"
    )
    p.add_argument(
        "--public-url",
        type=public_url,
        default=None,
        help="URL the agent card advertises (default http://HOST:PORT/)",
    )
    p.add_argument(
        "--log-level",
        default=d.log_level,
        type=str.lower,
        choices=["debug", "info", "warning", "error", "critical"],
    )
    p.add_argument("--store", type=store_url, default=d.store_url, help="task store URL")
    p.add_argument("--streaming", type=on_off, default=d.streaming, metavar="on|off")
    p.add_argument(
        "--push-notifications", type=on_off, default=d.push_notifications, metavar="on|off"
    )
    p.add_argument("--extended-card", type=on_off, default=d.extended_card, metavar="on|off")
    p.add_argument(
        "--require-extension",
        type=extension_uri,
        action="append",
        default=[],
        metavar="URI",
        help="declare a required extension (repeatable)",
    )
    p.add_argument(
        "--task-timeout",
        type=seconds(allow_zero=False),
        default=d.task_timeout_seconds,
        help="seconds before a non-terminal task is FAILED",
    )
    p.add_argument(
        "--task-ttl",
        type=seconds(allow_zero=False),
        default=d.task_ttl_seconds,
        help="seconds a terminal task is kept",
    )
    p.add_argument(
        "--lease-ttl",
        type=seconds(allow_zero=False),
        default=d.lease_ttl_seconds,
        help="Redis store: seconds of an instance's execution lease; a dead instance's running "
        "tasks are FAILED by a survivor within this (+1/3)",
    )
    p.add_argument("--max-tasks", type=int_range(1), default=d.max_tasks)
    p.add_argument("--max-body-bytes", type=int_range(256), default=d.max_body_bytes)
    p.add_argument("--max-parts", type=int_range(1), default=d.max_parts_per_message)
    p.add_argument("--max-message-bytes", type=int_range(1), default=d.max_message_bytes)
    p.add_argument(
        "--allow-private-webhooks",
        action="store_true",
        help="allow push webhooks on private/loopback addresses (tests, local use)",
    )
    p.add_argument(
        "--keepalive",
        type=seconds(allow_zero=True),
        default=d.keepalive_seconds,
        help="seconds between SSE keep-alive comments; 0 disables",
    )
    p.add_argument(
        "--shutdown-grace",
        type=seconds(allow_zero=True),
        default=d.shutdown_grace_seconds,
        help="seconds in-flight tasks get to finish on SIGTERM before they are failed",
    )
    add_security_options(p, d)
    return p


def parse_settings(argv: Sequence[str] | None = None) -> AgentSettings:
    """Settings from command-line arguments (exits 2 with one line on a bad value)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    problem = check_security(args)
    if problem is not None:
        parser.error(problem)
    return AgentSettings(
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        log_level=args.log_level,
        store_url=args.store,
        streaming=args.streaming,
        push_notifications=args.push_notifications,
        extended_card=args.extended_card,
        required_extensions=list(dict.fromkeys(args.require_extension)),
        task_timeout_seconds=args.task_timeout,
        task_ttl_seconds=args.task_ttl,
        lease_ttl_seconds=args.lease_ttl,
        max_tasks=args.max_tasks,
        max_body_bytes=args.max_body_bytes,
        max_parts_per_message=args.max_parts,
        max_message_bytes=args.max_message_bytes,
        allow_private_webhooks=args.allow_private_webhooks,
        keepalive_seconds=args.keepalive,
        shutdown_grace_seconds=args.shutdown_grace,
        auth_mode=args.auth,
        auth_jwks_url=args.auth_jwks_url,
        auth_jwt_key_path=args.auth_jwt_key,
        auth_issuer=args.auth_issuer,
        auth_audience=args.auth_audience,
        auth_leeway_seconds=args.auth_leeway,
        auth_jwks_ttl_seconds=args.auth_jwks_ttl,
        auth_jwks_min_refresh_seconds=args.auth_jwks_min_refresh,
        auth_api_key_file=args.auth_api_key_file,
        card_signing_keys=list(args.card_signing_key),
        card_signing_kids=list(args.card_signing_kid),
        card_jku=args.card_jku,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: the kernel picks a free one)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


def _listening_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the agent until SIGTERM/SIGINT; returns the process exit status."""
    try:
        settings = parse_settings(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2), already printed
        return int(exc.code or 0)

    from .logs import configure_logging

    configure_logging(settings.log_level)
    try:
        sock = bind_socket(settings.host, settings.port)
    except OSError as exc:
        print(
            f"{_prog()}: error: cannot listen on {settings.host}:{settings.port}: "
            f"{exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    settings.port = sock.getsockname()[1]
    if settings.public_url is None and ":" in settings.host:
        settings.public_url = _listening_url(sock)  # an IPv6 literal needs brackets in a URL
    try:
        return _serve(settings, sock)
    finally:
        sock.close()


def _serve(settings: AgentSettings, sock: socket.socket) -> int:
    from .app import create_app
    from .security import SecurityConfigError

    try:
        app = create_app(settings)
    except SecurityConfigError as exc:  # a bad key or key file: a usage error, like argparse's
        print(f"{_prog()}: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, ImportError) as exc:
        print(f"{_prog()}: error: {exc}", file=sys.stderr)
        return 1
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    config = uvicorn.Config(
        app,
        loop=loop,
        http="httptools",
        ws="none",
        lifespan="on",
        access_log=False,
        log_config=None,
        log_level=settings.log_level,
        server_header=False,
        proxy_headers=False,  # the agent never uses the client address: skip the middleware
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds + 5),
    )
    server = _AgentServer(config, on_exit=app.begin_shutdown)
    _tune_garbage_collector()
    print(LISTENING_PREFIX + _listening_url(sock), flush=True)
    server.run(sockets=[sock])
    return 0 if server.started else 1


def _tune_garbage_collector() -> None:
    """Fewer, cheaper cyclic collections for a request-serving process.

    Each request allocates many short-lived containers, so the default thresholds (700, 10, 10)
    run the collector every few requests, and full collections over a large task store stalled
    requests for 100+ ms (p99) in the bench. Freezing what exists at startup (modules, the card)
    keeps it out of every later collection; higher thresholds make collections rarer.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 20)


class _AgentServer(uvicorn.Server):
    """uvicorn's Server, with SIGTERM/SIGINT also starting the app's graceful shutdown.

    uvicorn alone would first wait for every open connection (an SSE stream never ends by
    itself) and only then run the lifespan shutdown; starting the shutdown on the signal ends
    tasks and streams first. The signal is not re-raised afterwards, so the exit status is 0.
    """

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        else:
            self.should_exit = True
        if self._loop is not None:
            # Signal handlers run between bytecodes of the loop's thread: schedule, don't run.
            self._loop.call_soon_threadsafe(self._on_exit)
