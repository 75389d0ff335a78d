"""Locust users that speak A2A JSON-RPC (v1.0, or v0.3): blocking, polling and streaming sends.

Importing this module imports Locust, which monkey-patches the process with gevent: only Locust
processes (``locust -f load/scenarios/…`` or the child that ``a2a-harness load`` starts) import it.

Configuration comes from Locust options (``--a2a-url``, ``--a2a-version``, ``--a2a-header``,
``--a2a-task-log``) or, in the child, from ``A2A_LOAD_*`` environment variables. Header values are
secrets: they are sent, never logged. Every request picks the next instance URL in a round robin
(the host plus each ``--a2a-url``), and every task a user creates is written to the task log so
the run can check at the end that none was lost.

Request events: ``A2A`` entries are the calls themselves (a failed or invalid answer is a
failure). The streaming users are in :mod:`load.stream_users`.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
import gevent.monkey
from geventhttpclient import HTTPClient
from locust import User, events, task
from locust.exception import StopUser

from load._a2a import SETTLED_STATES, Dialect, ProtocolError, dialect
from load._units import parse_headers


def _import_httpx() -> Any:
    """httpx, imported under gevent's patches.

    httpcore imports trio when it is installed, and trio's import needs ``select.epoll``, which
    gevent's monkey-patching removes; trio is never used here, so the original is lent for the
    import only.
    """
    import select

    if hasattr(select, "epoll"):
        import httpcore
    else:
        setattr(select, "epoll", gevent.monkey.get_original("select", "epoll"))  # noqa: B010
        try:
            import httpcore
        finally:
            delattr(select, "epoll")
    import httpx as module

    del httpcore  # imported for its side effect: trio is loaded while epoll exists
    return module


httpx = _import_httpx()
# httpx logs every request at INFO: noise at thousands per second, and it slows the generator.
logging.getLogger("httpx").setLevel(logging.WARNING)

__all__ = ["A2AUser", "BlockingSendUser", "ListTasksPagingUser", "NonBlockingPollUser"]

ENV_URLS = "A2A_LOAD_URLS"
ENV_VERSION = "A2A_LOAD_VERSION"
ENV_HEADERS = "A2A_LOAD_HEADERS"  # a JSON object; secret values
ENV_TASK_LOG = "A2A_LOAD_TASK_LOG"  # a directory: one file per Locust process
ENV_ITERATIONS = "A2A_LOAD_ITERATIONS"  # per process; 0 = no limit
ENV_TIMEOUT = "A2A_LOAD_REQUEST_TIMEOUT"
ENV_WAIT = "A2A_LOAD_WAIT"  # seconds each user pauses between iterations (default 0)


@events.init_command_line_parser.add_listener
def _add_options(parser: Any) -> None:
    group = parser.add_argument_group("A2A")
    group.add_argument("--a2a-url", action="append", default=[], help="another instance URL")
    group.add_argument("--a2a-version", default=None, choices=["1.0", "0.3"])
    group.add_argument(
        "--a2a-header", action="append", default=[], help="NAME:VALUE ($VARS expanded)"
    )
    group.add_argument("--a2a-task-log", default=None, help="directory for created task ids")


class _Shared:
    """Per-process state every user shares: URL round robin, task log, iteration budget."""

    def __init__(self, urls: list[str], task_log: str | None, iterations: int) -> None:
        self._urls = itertools.cycle(urls)
        self._lock = threading.Lock()
        self._iterations_left = iterations if iterations > 0 else None
        self._log = None
        if task_log:
            Path(task_log).mkdir(parents=True, exist_ok=True)
            path = Path(task_log) / f"tasks-{os.getpid()}.tsv"
            self._log = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - process-long

    def next_url(self) -> str:
        with self._lock:
            return next(self._urls)

    def record_task(self, url: str, task_id: str) -> None:
        if self._log is not None:
            self._log.write(f"{url}\t{task_id}\n")

    def take_iteration(self) -> bool:
        """False once the iteration budget is spent."""
        with self._lock:
            if self._iterations_left is None:
                return True
            if self._iterations_left <= 0:
                return False
            self._iterations_left -= 1
            return True


_shared: _Shared | None = None
# What a failed plain call can raise: transport errors (OSError covers socket errors and
# timeouts), bad JSON (ValueError) and answers A2A does not allow (ProtocolError).
_CALL_ERRORS = (OSError, ProtocolError, ValueError, gevent.Timeout)


def _settings(environment: Any) -> tuple[_Shared, Dialect, dict[str, str], float]:
    global _shared
    options = environment.parsed_options
    urls = [u for u in os.environ.get(ENV_URLS, "").split() if u]
    if not urls:
        urls = [environment.host or "", *(getattr(options, "a2a_url", None) or [])]
    urls = [u if u.endswith("/") else u + "/" for u in urls if u]
    if not urls:
        raise ValueError("no agent URL: pass --host (and --a2a-url for more instances)")
    version = os.environ.get(ENV_VERSION) or getattr(options, "a2a_version", None) or "1.0"
    headers: dict[str, str] = json.loads(os.environ.get(ENV_HEADERS) or "{}")
    headers.update(parse_headers(getattr(options, "a2a_header", None) or []))
    if _shared is None:
        task_log = os.environ.get(ENV_TASK_LOG) or getattr(options, "a2a_task_log", None)
        _shared = _Shared(urls, task_log, int(os.environ.get(ENV_ITERATIONS) or 0))
    timeout = float(os.environ.get(ENV_TIMEOUT) or 30)
    return _shared, dialect(version), headers, timeout


class A2AUser(User):
    """Base of the A2A users: one httpx client per user (connections kept alive)."""

    abstract = True
    prompt = "echo load"

    def wait_time(self) -> float:
        """The pause between iterations: none by default (a closed loop), else ``--wait``."""
        return float(os.environ.get(ENV_WAIT) or 0)

    def on_start(self) -> None:
        self.shared, self.dialect, extra, timeout = _settings(self.environment)
        self.headers = {**self.dialect.headers, **extra}
        # Plain calls go through geventhttpclient, which lets one Locust process send several
        # times more requests per second than httpx does under gevent (streams: SSEUser).
        self._timeout = timeout
        self._calls: dict[str, HTTPClient] = {}

    def on_stop(self) -> None:
        for client in self._calls.values():
            client.close()

    def post_json(self, url: str, body: dict[str, Any]) -> tuple[int, bytes]:
        """POST a JSON-RPC body on this user's keep-alive connection to ``url``."""
        client = self._calls.get(url)
        if client is None:
            client = HTTPClient.from_url(
                url,
                headers=self.headers,
                connection_timeout=self._timeout,
                network_timeout=self._timeout,
            )
            self._calls[url] = client
        path = urlsplit(url).path or "/"
        response = client.post(path, body=json.dumps(body).encode())
        try:
            return response.status_code, response.read()
        finally:
            response.release()

    def begin_iteration(self) -> None:
        """Stop this user when the process's iteration budget is spent."""
        if not self.shared.take_iteration():
            raise StopUser()

    def fire(
        self,
        name: str,
        started: float,
        *,
        kind: str = "A2A",
        length: int = 0,
        error: BaseException | None = None,
        elapsed_ms: float | None = None,
    ) -> None:
        """Report one request event to Locust."""
        if elapsed_ms is None:
            elapsed_ms = (time.perf_counter() - started) * 1000
        self.environment.events.request.fire(
            request_type=kind,
            name=name,
            response_time=elapsed_ms,
            response_length=length,
            exception=error,
            context={},
        )

    def rpc(self, name: str, body: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
        """One JSON-RPC call, reported as ``name``; returns (url, result) or (url, None)."""
        url = self.shared.next_url()
        started = time.perf_counter()
        try:
            status, content = self.post_json(url, body)
            if status != 200:
                raise ProtocolError(f"HTTP {status}")
            result = self.dialect.result(json.loads(content))
        except _CALL_ERRORS as exc:
            self.fire(name, started, error=exc)
            return url, None
        self.fire(name, started, length=len(content))
        return url, result

    def created(self, url: str, result: dict[str, Any], name: str) -> dict[str, Any] | None:
        """The task a send created (logged for the lost-task check); failure event if invalid."""
        try:
            found = self.dialect.task_of_send(result)
        except ProtocolError as exc:
            self.fire(f"{name} (validation)", time.perf_counter(), error=exc, elapsed_ms=0)
            return None
        if found is not None:
            self.shared.record_task(url, found["id"])
        return found


class BlockingSendUser(A2AUser):
    """SendMessage and wait for the answer: the task must come back settled."""

    abstract = True

    @task
    def blocking_send(self) -> None:
        self.begin_iteration()
        url, result = self.rpc("SendMessage", self.dialect.send(self.prompt))
        if result is None:
            return
        found = self.created(url, result, "SendMessage")
        if found is not None and self.dialect.task_state(found) not in SETTLED_STATES:
            error = ProtocolError(f"blocking send returned {self.dialect.task_state(found)}")
            self.fire("SendMessage (validation)", time.perf_counter(), error=error, elapsed_ms=0)


class NonBlockingPollUser(A2AUser):
    """SendMessage that returns at once, then GetTask until the task is settled."""

    abstract = True
    prompt = "stream 3 20"
    poll_interval = 0.02
    settle_timeout = 30.0

    @task
    def send_then_poll(self) -> None:
        self.begin_iteration()
        body = self.dialect.send(self.prompt, non_blocking=True)
        url, result = self.rpc("SendMessage (non-blocking)", body)
        if result is None:
            return
        found = self.created(url, result, "SendMessage (non-blocking)")
        if found is None:
            return
        started = time.perf_counter()
        deadline = time.monotonic() + self.settle_timeout
        while time.monotonic() < deadline:
            # The poll goes to the instance that created the task: an in-memory store is local.
            started_get = time.perf_counter()
            try:
                status, content = self.post_json(url, self.dialect.get_task(found["id"]))
                if status != 200:
                    raise ProtocolError(f"HTTP {status}")
                state = self.dialect.task_state(self.dialect.result(json.loads(content)))
            except _CALL_ERRORS as exc:
                self.fire("GetTask", started_get, error=exc)
                return
            self.fire("GetTask", started_get, length=len(content))
            if state in SETTLED_STATES:
                self.fire("settled", started, kind="POLL")
                return
            gevent.sleep(self.poll_interval)  # the polling cadence of a real client
        error = ProtocolError(f"task {found['id']} not settled within {self.settle_timeout}s")
        self.fire("settled", started, kind="POLL", error=error)


class ListTasksPagingUser(A2AUser):
    """Walk ListTasks pages (v1.0) while other users write: every page must be well formed."""

    abstract = True
    page_size = 50
    max_pages = 5

    @task
    def list_pages(self) -> None:
        self.begin_iteration()
        url = self.shared.next_url()
        token = ""
        seen: set[str] = set()
        for _ in range(self.max_pages):
            started = time.perf_counter()
            try:
                status, content = self.post_json(
                    url, self.dialect.list_tasks(self.page_size, token)
                )
                if status != 200:
                    raise ProtocolError(f"HTTP {status}")
                page = self.dialect.result(json.loads(content))
                tasks = page.get("tasks")
                if not isinstance(tasks, list) or len(tasks) > self.page_size:
                    raise ProtocolError("ListTasks page without a tasks list of at most pageSize")
                ids = [t.get("id") for t in tasks if isinstance(t, dict)]
                repeated = len(seen.intersection(ids))
                seen.update(i for i in ids if isinstance(i, str))
                token = page.get("nextPageToken") or ""
            except _CALL_ERRORS as exc:
                self.fire("ListTasks", started, error=exc)
                return
            self.fire("ListTasks", started, length=len(content))
            if repeated:
                # Offset paging repeats tasks when writes land mid-walk; the spec does not forbid
                # it, so it is counted (response length = repeats), not failed.
                self.fire("repeated across pages", started, kind="PAGING", length=repeated)
            if not token:
                return
