"""Headless Chromium driven by the DevTools protocol over a pipe (no port, no extra package).

``--remote-debugging-pipe`` makes Chromium read commands from fd 3 and write replies to fd 4,
each a JSON message ended by a NUL byte. Every read has a deadline, so a hung browser fails the
test instead of hanging it.

Example::

    with Chromium() as browser:
        page = browser.open_page(Path("report.html").as_uri())
        print(page.evaluate("document.title"))
        page.screenshot(Path("shot.png"))
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["CHROMIUM", "Chromium", "ChromiumError", "Page", "chromium_path"]

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
)


class ChromiumError(RuntimeError):
    """The browser failed, closed the pipe, or did not answer in time."""


def chromium_path() -> str | None:
    """The Chromium binary to use, or None when the machine has none."""
    found = os.environ.get("A2A_CHROMIUM") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    return found or shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    """One headless browser process with a fresh profile; use as a context manager."""

    def __init__(self, executable: str | None = None, *, timeout: float = 30.0) -> None:
        self.executable = executable or chromium_path() or CHROMIUM
        self.timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._profile = ""
        self._to_browser = -1
        self._from_browser = -1
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Launch the browser and wait (bounded) until it answers on the pipe."""
        self._profile = tempfile.mkdtemp(prefix="a2a-chromium-")
        cmd_r, cmd_w = os.pipe()  # we write commands, the browser reads them on fd 3
        out_r, out_w = os.pipe()  # the browser writes replies on fd 4
        # Above fd 4, so that mapping them onto 3 and 4 cannot clobber one another.
        cmd_r, out_w = _above_four(cmd_r), _above_four(out_w)
        # bash (dash takes one-digit fds only) maps our pipe ends onto fds 3 and 4 in the child, then execs the browser.
        script = f'exec "$0" "$@" 3<&{cmd_r} 4>&{out_w} {cmd_r}<&- {out_w}>&-'
        log = open(Path(self._profile) / "chromium.log", "wb")  # noqa: SIM115
        try:
            self._proc = subprocess.Popen(
                [
                    "/bin/bash",
                    "-c",
                    script,
                    self.executable,
                    *FLAGS,
                    f"--user-data-dir={self._profile}",
                    "about:blank",
                ],
                pass_fds=(cmd_r, out_w),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        finally:
            log.close()
            os.close(cmd_r)
            os.close(out_w)
        self._to_browser, self._from_browser = cmd_w, out_r
        self.call("Browser.getVersion")

    def close(self) -> None:
        """Close the browser (politely, then by signal) and remove its profile."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ChromiumError):  # it may be gone already
                self.call("Browser.close", timeout=5)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for fd in (self._to_browser, self._from_browser):
            if fd >= 0:
                os.close(fd)
        self._to_browser = self._from_browser = -1
        self._proc = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send one command and return its result; events seen meanwhile go to :attr:`events`."""
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        except OSError as exc:
            raise ChromiumError(f"{method}: the browser closed its pipe ({exc})") from None
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_event(self, method: str, *, session: str | None = None) -> dict[str, Any]:
        """The first event named ``method`` (already seen or arriving before the deadline)."""
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._read(deadline, method))

    def _read(self, deadline: float, what: str) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChromiumError(f"{what}: no answer from the browser in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise ChromiumError(f"{what}: the browser exited ({self._log_tail()})")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def _log_tail(self) -> str:
        try:
            return (Path(self._profile) / "chromium.log").read_text(errors="replace")[-600:]
        except OSError:
            return "no log"

    def open_page(self, url: str, *, width: int = 1280, height: int = 900) -> Page:
        """A new tab showing ``url``, returned once its load event has fired."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, session)
        page.call("Page.enable")
        page.call("Runtime.enable")
        page.call("Log.enable")  # CSP violations and load errors arrive as Log entries
        page.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        page.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired", session=session)
        return page


def _above_four(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Page:
    """One tab attached through a flat session."""

    def __init__(self, browser: Chromium, session: str) -> None:
        self.browser = browser
        self.session = session

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """A DevTools command on this tab."""
        return self.browser.call(method, params, session=self.session)

    def evaluate(self, expression: str, *, await_promise: bool = False) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable values).

        With ``await_promise`` the expression's promise is awaited (bounded by the browser's
        timeout), so a test can wait for an event the page fires instead of sleeping.
        """
        params = {"expression": expression, "returnByValue": True, "awaitPromise": await_promise}
        result = self.call("Runtime.evaluate", params)
        if "exceptionDetails" in result:
            raise ChromiumError(f"{expression!r} raised {result['exceptionDetails']}")
        return result["result"].get("value")

    def console_errors(self) -> list[str]:
        """Exceptions thrown, console errors and CSP violations reported in the page so far."""
        found = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            if event.get("method") == "Runtime.exceptionThrown":
                found.append(json.dumps(event["params"]["exceptionDetails"])[:300])
            if event.get("method") == "Runtime.consoleAPICalled" and (
                event["params"].get("type") == "error"
            ):
                found.append(json.dumps(event["params"]["args"])[:300])
            if event.get("method") == "Log.entryAdded" and (
                event["params"]["entry"].get("level") == "error"
            ):
                found.append(event["params"]["entry"].get("text", "")[:300])
        return found

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        """Save a PNG of the viewport (or of the whole page)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        data = self.call("Page.captureScreenshot", params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path
