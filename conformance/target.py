"""What a suite test talks to: one agent (card checks) or one interface at one version.

:class:`Target` wraps a binding and a dialect with the operations checks need, asks for
behaviours through the prompt book, and shows every Task and status event it reads to the
state-machine observer. Tasks a check leaves running are canceled when the check ends.
Example::

    def test_get_unknown_task(a2a, check):
        reply = a2a.get_task_reply(a2a.unknown_task_id())
        reply.expect_error(-32001, "GetTask of an unknown id")
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from .behaviours import PromptBook
from .client.dialects import ACTIVE, Dialect, Reply, StreamItem, dialect_for
from .client.http import HttpClient, HttpResponse
from .client.jsonrpc import JsonRpcBinding, RpcReply, RpcStream
from .detection import AgentUnderTest, Interface
from .grading import CheckFailed, NotApplicable
from .observer import StateObserver

__all__ = ["AgentHandle", "StreamRecord", "Target"]


@dataclass(slots=True)
class AgentHandle:
    """One agent under test, for checks that are about the agent rather than an interface."""

    agent: AgentUnderTest
    http: HttpClient

    @property
    def card(self) -> dict[str, Any] | None:
        return self.agent.card

    def get(self, url_or_path: str, *, headers: dict[str, str] | None = None) -> HttpResponse:
        """GET an absolute URL or a path on the agent's origin."""
        url = url_or_path if "://" in url_or_path else self.agent.origin + url_or_path
        return self.http.request(
            "GET", url, headers={"Accept": "application/json", **(headers or {})}
        )


@dataclass(slots=True)
class StreamRecord:
    """A stream read to its end: the items, the JSON-RPC documents, and the arrival times."""

    status: int
    content_type: str
    items: list[StreamItem] = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)


class Target:
    """One interface of one agent, spoken at one protocol version."""

    def __init__(
        self,
        agent: AgentUnderTest,
        interface: Interface,
        http: HttpClient,
        observer: StateObserver,
        prompts: PromptBook,
        *,
        errata: str = "1.0.1",
    ) -> None:
        self.agent, self.interface, self.http = agent, interface, http
        self.observer, self.prompts, self.errata = observer, prompts, errata
        self.version = interface.version
        self.dialect: Dialect = dialect_for(self.version)
        self.rpc = JsonRpcBinding(
            http,
            interface.url,
            self.dialect,
            version_header=self.version if self.version != "0.3" else None,
            tenant=interface.tenant if self.version == "1.0" else None,
            extensions=self.required_extensions(),
        )
        self.scope = f"{interface.url}|{self.version}"
        self.to_cancel: list[str] = []

    @property
    def card(self) -> dict[str, Any]:
        return self.agent.card or {}

    @property
    def capabilities(self) -> dict[str, Any]:
        caps = self.card.get("capabilities")
        return caps if isinstance(caps, dict) else {}

    def required_extensions(self) -> list[str]:
        """URIs of the extensions the card marks ``required: true``."""
        items = self.capabilities.get("extensions")
        return [
            e["uri"]
            for e in (items if isinstance(items, list) else [])
            if isinstance(e, dict) and e.get("required") is True and isinstance(e.get("uri"), str)
        ]

    def declares(self, capability: str) -> bool:
        """Whether the card declares ``capability`` (v0.3's extended card flag is top-level)."""
        if capability == "extendedAgentCard" and self.version == "0.3":
            return self.card.get("supportsAuthenticatedExtendedCard") is True
        return self.capabilities.get(capability) is True

    # -- messages -------------------------------------------------------------------------
    def message(
        self, behaviour: str = "echo", *, text: str | None = None, **kw: Any
    ) -> dict[str, Any]:
        """A user message asking for ``behaviour`` (see :mod:`conformance.behaviours`), or
        carrying plain ``text`` (a follow-up turn) when given."""
        if text is not None:
            return self.dialect.user_message(
                text, message_id=f"a2a-harness-{uuid.uuid4().hex}", **kw
            )
        prompt = self.prompts.prompt(behaviour)
        return self.dialect.user_message(
            prompt.text, message_id=prompt.message_id, metadata=prompt.metadata, **kw
        )

    def send_params(
        self, behaviour: str = "echo", *, blocking: bool | None = True, **kw: Any
    ) -> dict[str, Any]:
        history_length = kw.pop("history_length", None)
        msg = self.message(behaviour, **kw)
        # v1.0 blocks by default; v0.3 leaves the default open, so say it explicitly there.
        if self.version == "1.0" and blocking is True:
            blocking = None
        return self.dialect.send_params(msg, blocking=blocking, history_length=history_length)

    def send_reply(
        self,
        behaviour: str = "echo",
        *,
        blocking: bool | None = True,
        timeout: float | None = None,
        **kw: Any,
    ) -> RpcReply:
        """SendMessage as sent; the raw answer (for checks that expect an error)."""
        return self.rpc.call(
            "send", self.send_params(behaviour, blocking=blocking, **kw), timeout=timeout
        )

    def send(self, behaviour: str = "echo", **kw: Any) -> Reply:
        """SendMessage that must succeed: the Task or Message reply (observed)."""
        reply = self.send_reply(behaviour, **kw)
        return self.read_send(reply)

    def read_send(self, reply: RpcReply) -> Reply:
        result = reply.expect_result(f"{self.dialect.method('send')}")
        read = self.dialect.read_send_result(result)
        if read.kind == "task":
            self.observe_task(read.body)
        return read

    def task_or_na(self, behaviour: str = "echo", **kw: Any) -> dict[str, Any]:
        """Probe: a Task for ``behaviour``; N/A when the agent answers with a Message."""
        reply = self.send(behaviour, **kw)
        if reply.kind != "task":
            raise NotApplicable(
                f"the agent answered the {behaviour!r} prompt with a Message, not a Task"
            )
        return reply.body

    def running_task(self, *, timeout: float | None = None) -> dict[str, Any]:
        """Probe: a task still in progress (the ``slow`` behaviour, non-blocking); N/A otherwise.

        ``timeout`` defaults to 5 s, or the run's request timeout when that is shorter. The task
        is canceled when the check ends.
        """
        import httpx

        timeout = min(5.0, self.http.timeout) if timeout is None else timeout

        try:
            task = self.task_or_na("slow", blocking=False, timeout=timeout)
        except httpx.ReadTimeout:
            raise NotApplicable(
                f"a non-blocking send of the 'slow' prompt did not answer within {timeout:g}s"
            ) from None
        self.to_cancel.append(task["id"])
        if self.dialect.task_state(task) not in ACTIVE:
            raise NotApplicable(
                "could not get a task that stays in progress (the 'slow' prompt answered "
                f"{self.dialect.raw_state(task)!r}); set --a2a-prompt slow=…"
            )
        return task

    # -- tasks ----------------------------------------------------------------------------
    def get_task_reply(self, task_id: str, history_length: int | None = None) -> RpcReply:
        return self.rpc.call("get", self.dialect.get_task_params(task_id, history_length))

    def get_task(self, task_id: str, history_length: int | None = None) -> dict[str, Any]:
        """GetTask that must succeed: the Task (observed)."""
        reply = self.get_task_reply(task_id, history_length)
        task = self.dialect.read_task(reply.expect_result(f"{self.dialect.method('get')}"))
        self.observe_task(task)
        return task

    def cancel_reply(self, task_id: str) -> RpcReply:
        reply = self.rpc.call("cancel", self.dialect.task_id_params(task_id))
        if reply.has_result:
            self.observe_task(reply.result)
        return reply

    def cleanup(self) -> None:
        """Cancel what the check left running (best effort: errors are not the check's verdict)."""
        for task_id in self.to_cancel:
            # Cleanup must never change a verdict: whatever happens here is ignored.
            with contextlib.suppress(Exception):
                self.rpc.call("cancel", self.dialect.task_id_params(task_id), timeout=2.0)
        self.to_cancel.clear()

    # -- streams --------------------------------------------------------------------------
    def open_stream(self, op: str, params: dict[str, Any], *, max_events: int = 200) -> RpcStream:
        return self.rpc.open_stream(op, params, max_events=max_events)

    def read_stream(self, stream: RpcStream, *, stop_after: int | None = None) -> StreamRecord:
        """Read an SSE answer (or stop after ``stop_after`` items); items are observed."""
        assert stream.stream is not None
        record = StreamRecord(stream.stream.status, stream.stream.content_type)
        try:
            for doc in stream.documents():
                record.documents.append(doc)
                record.arrivals.append(stream.stream.exchange.events[-1].at)
                if not isinstance(doc, dict) or "result" not in doc:
                    raise CheckFailed("an SSE event is not a JSON-RPC success response", actual=doc)
                item = self.dialect.read_stream_item(doc["result"])
                self.observe_item(item)
                record.items.append(item)
                if stop_after is not None and len(record.items) >= stop_after:
                    break
        finally:
            stream.close()
        return record

    def stream(self, behaviour: str = "stream", **kw: Any) -> StreamRecord:
        """SendStreamingMessage read to its end; a non-SSE answer is a check failure."""
        params = self.dialect.send_params(self.message(behaviour), **kw)
        rpc_stream = self.open_stream("stream", params)
        if not rpc_stream.is_sse:
            assert rpc_stream.plain is not None
            raise CheckFailed(
                "SendStreamingMessage was not answered with text/event-stream",
                expected="HTTP 200 text/event-stream",
                actual=rpc_stream.plain.doc
                if rpc_stream.plain.is_object
                else rpc_stream.plain.parse_error,
            )
        return self.read_stream(rpc_stream)

    # -- observation ----------------------------------------------------------------------
    def observe_task(self, task: Any) -> None:
        self.observer.observe_task(self.scope, self.version, task)

    def observe_item(self, item: StreamItem) -> None:
        if item.kind == "task":
            self.observe_task(item.body)
        elif item.kind == "status-update":
            self.observer.observe_status_update(self.scope, self.version, item.body)

    @staticmethod
    def unknown_task_id() -> str:
        """A task id no agent has issued."""
        return f"a2a-harness-no-such-task-{uuid.uuid4().hex}"
