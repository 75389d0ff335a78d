"""The project's threaded uvicorn server, re-exported for the tests' small ASGI apps.

The tests' own servers (broken proxies, hostile agents, stubs) run on the same helper as the
fixtures do (:mod:`fixtures._threaded_server`), so there is one place that knows how to start a
loopback server without a race.
"""

from __future__ import annotations

from fixtures._threaded_server import ThreadedServer

__all__ = ["ThreadedServer"]
