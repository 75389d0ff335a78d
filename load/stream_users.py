"""Locust users that read SSE: streaming sends and subscribe storms (httpx, raw SSE parsing).

httpx hands over each small event as it arrives (Locust's fast client holds them back), so the
timings are real: ``SSE`` entries ``tth`` (headers), ``ttfe`` (first event) and ``ttt`` (final
event, whose response length is the stream's event count), ``sub_*`` the same for subscriptions.
Like :mod:`load.users`, this module is for Locust processes only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import gevent
from locust import task

from load._a2a import SETTLED_STATES, ProtocolError
from load.users import A2AUser, httpx

__all__ = ["SSEUser", "StreamingSendUser", "SubscribeStormUser"]


class SSEUser(A2AUser):
    """A user that reads SSE answers (no task of its own)."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        # Streams are read with httpx (it hands over each small event as it arrives). Only SSE
        # users build one: an httpx client costs tens of ms (its SSL context) at spawn.
        self.client = httpx.Client(timeout=httpx.Timeout(self._timeout), headers=self.headers)

    def on_stop(self) -> None:
        self.client.close()
        super().on_stop()

    def read_stream(
        self,
        name: str,
        url: str,
        body: dict[str, Any],
        marks_as: tuple[str, str, str],
        *,
        record: bool = False,
    ) -> bool:
        """POST ``body`` and read the SSE answer to its final event; True when it got there.

        ``marks_as`` names the SSE entries for time to headers, first event and final event;
        ``record`` logs the streamed task for the lost-task check.
        """
        started = time.perf_counter()
        marks: dict[str, float] = {}
        count = 0
        size = 0
        try:
            headers = {"Accept": "text/event-stream"}
            with self.client.stream("POST", url, json=body, headers=headers) as response:
                marks["tth"] = time.perf_counter()
                content_type = response.headers.get("content-type", "")
                if response.status_code != 200 or not content_type.startswith("text/event-stream"):
                    raise ProtocolError(f"HTTP {response.status_code} {content_type!r}, not SSE")
                task_id, state = None, None
                for data in _sse_data(response.iter_lines()):
                    count += 1
                    size += len(data)
                    marks.setdefault("ttfe", time.perf_counter())
                    event_task, event_state = self.dialect.stream_event(
                        self.dialect.result(json.loads(data))
                    )
                    if task_id is None and event_task is not None:
                        task_id = event_task
                        if record:
                            self.shared.record_task(url, task_id)
                    state = event_state or state
                    if state in SETTLED_STATES:
                        marks["ttt"] = time.perf_counter()
                        break
                if "ttt" not in marks:
                    raise ProtocolError(f"stream ended after {count} events without a final state")
        except (httpx.HTTPError, ProtocolError, ValueError) as exc:
            self.fire(name, started, length=size, error=exc)
            return False
        self.fire(name, started, length=size)
        for mark, entry in zip(("tth", "ttfe", "ttt"), marks_as, strict=True):
            elapsed = (marks[mark] - started) * 1000
            length = count if mark == "ttt" else 0
            self.fire(entry, started, kind="SSE", length=length, elapsed_ms=elapsed)
        return True


class StreamingSendUser(SSEUser):
    """SendStreamingMessage read to its end, timing headers, first event and terminal event."""

    abstract = True
    prompt = "stream 5 20"

    @task
    def streaming_send(self) -> None:
        self.begin_iteration()
        url = self.shared.next_url()
        body = self.dialect.send(self.prompt, stream=True)
        self.read_stream("SendStreamingMessage", url, body, ("tth", "ttfe", "ttt"), record=True)


class SubscribeStormUser(SSEUser):
    """Start a running task, then several subscribers at once, each read to the final event."""

    abstract = True
    prompt = "stream 10 50"  # ~0.5 s of running task for the subscribers to join
    subscribers = 4
    settle_timeout = 30.0

    @task
    def subscribe_storm(self) -> None:
        self.begin_iteration()
        body = self.dialect.send(self.prompt, non_blocking=True)
        url, result = self.rpc("SendMessage (non-blocking)", body)
        if result is None:
            return
        found = self.created(url, result, "SendMessage (non-blocking)")
        if found is None:
            return
        names = ("sub_tth", "sub_ttfe", "sub_ttt")
        storm = [
            gevent.spawn(
                self.read_stream, "SubscribeToTask", url, self.dialect.subscribe(found["id"]), names
            )
            for _ in range(self.subscribers)
        ]
        gevent.joinall(storm, timeout=self.settle_timeout)
        gevent.killall(storm, block=False)  # only stragglers past the timeout are still alive


def _sse_data(lines: Iterator[str]) -> Iterator[str]:
    """The data of each SSE event (multi-line data joined with newlines)."""
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield "\n".join(data)
                data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)
