"""Serve an interop agent's ASGI app on loopback and announce it on stdout.

The agent binds its socket itself, before building the app, so the card can carry the real URL
even with ``--port 0``. Once uvicorn serves, one line ``INTEROP_AGENT_LISTENING <url>`` goes to
stdout: ``run.py`` waits for it (bounded) instead of polling the port.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from collections.abc import Callable
from typing import Any

import uvicorn

__all__ = ["LISTENING", "PROFILES", "parse_args", "serve"]

LISTENING = "INTEROP_AGENT_LISTENING"
PROFILES = ("full", "bare")


def parse_args(description: str, argv: list[str] | None = None) -> argparse.Namespace:
    """The agents' common command line: ``--host``, ``--port`` (0: a free one), ``--profile``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0: a free one)")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="full",
        help="full: the card declares streaming, push and an extended card (1.x: and v0.3 "
        "through the SDK's compatibility layer); bare: none of them (judges the SDK's gating)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port: expected 0..65535, got {args.port}")
    return args


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that prints the listening line once it really serves."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(f"{LISTENING} {self.url}", flush=True)


def serve(build_app: Callable[[str, bool], Any], args: argparse.Namespace) -> None:
    """Bind ``args.host:args.port``, build the app for its URL and profile, and serve it.

    ``build_app(url, full)`` gets the agent's URL (``http://host:port/``) and whether the card
    declares the optional capabilities (``--profile full``).
    """
    host, port = args.host, args.port
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sys.exit(f"cannot bind {host}:{port}: {exc}")
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/"
    config = uvicorn.Config(
        build_app(url, args.profile == "full"),
        log_level="warning",
        access_log=False,
        # The SDKs keep SSE streams open; a short grace keeps Ctrl-C and SIGTERM prompt.
        timeout_graceful_shutdown=2,
    )
    asyncio.run(_AnnouncingServer(config, url).serve(sockets=[sock]))
