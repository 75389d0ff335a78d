"""The few A2A wire shapes a load run needs, for v1.0 and v0.3 JSON-RPC (self-contained).

Load traffic is simple (send a message, get a task, stream a message), so it is built here
rather than borrowed from ``conformance``: nothing in this module imports Locust or pytest, so the
parent process (gates, lost-task check) and the Locust child share it.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SETTLED_STATES",
    "Dialect",
    "ProtocolError",
    "dialect",
]

# Terminal (completed, failed, canceled, rejected) or interrupted (input/auth required): a task in
# one of these states is settled, nothing more will happen to it without a client.
SETTLED_STATES = frozenset(
    {
        "TASK_STATE_COMPLETED",
        "TASK_STATE_FAILED",
        "TASK_STATE_CANCELED",
        "TASK_STATE_REJECTED",
        "TASK_STATE_INPUT_REQUIRED",
        "TASK_STATE_AUTH_REQUIRED",
    }
)
_V03_STATES = {
    "submitted": "TASK_STATE_SUBMITTED",
    "working": "TASK_STATE_WORKING",
    "completed": "TASK_STATE_COMPLETED",
    "failed": "TASK_STATE_FAILED",
    "canceled": "TASK_STATE_CANCELED",
    "rejected": "TASK_STATE_REJECTED",
    "input-required": "TASK_STATE_INPUT_REQUIRED",
    "auth-required": "TASK_STATE_AUTH_REQUIRED",
    "unknown": "TASK_STATE_UNSPECIFIED",
}
_ids = itertools.count(1)


class ProtocolError(Exception):
    """An answer that is not what A2A promises (counted as a failure under load)."""


@dataclass(frozen=True)
class Dialect:
    """Request builders and response readers for one protocol version."""

    version: str  # "1.0" or "0.3"

    @property
    def headers(self) -> dict[str, str]:
        """Headers every JSON-RPC request carries (v0.3 clients send no A2A-Version)."""
        base = {"Content-Type": "application/json"}
        return {**base, "A2A-Version": "1.0"} if self.version == "1.0" else base

    def send(
        self, text: str, *, stream: bool = False, non_blocking: bool = False
    ) -> dict[str, Any]:
        """A SendMessage / SendStreamingMessage request with one text part."""
        message_id = f"load-{uuid.uuid4().hex}"
        params: dict[str, Any]
        if self.version == "1.0":
            method = "SendStreamingMessage" if stream else "SendMessage"
            message = {"role": "ROLE_USER", "messageId": message_id, "parts": [{"text": text}]}
            params = {"message": message}
            if non_blocking:
                params["configuration"] = {"returnImmediately": True}
        else:
            method = "message/stream" if stream else "message/send"
            message = {
                "kind": "message",
                "role": "user",
                "messageId": message_id,
                "parts": [{"kind": "text", "text": text}],
            }
            params = {"message": message}
            if non_blocking:
                params["configuration"] = {"blocking": False}
        return {"jsonrpc": "2.0", "id": next(_ids), "method": method, "params": params}

    def get_task(self, task_id: str) -> dict[str, Any]:
        """A GetTask request (``tasks/get`` in v0.3)."""
        method = "GetTask" if self.version == "1.0" else "tasks/get"
        return {"jsonrpc": "2.0", "id": next(_ids), "method": method, "params": {"id": task_id}}

    def subscribe(self, task_id: str) -> dict[str, Any]:
        """A SubscribeToTask request (``tasks/resubscribe`` in v0.3); answered with SSE."""
        method = "SubscribeToTask" if self.version == "1.0" else "tasks/resubscribe"
        return {"jsonrpc": "2.0", "id": next(_ids), "method": method, "params": {"id": task_id}}

    def list_tasks(self, page_size: int, page_token: str = "") -> dict[str, Any]:
        """A ListTasks request (v1.0 only: v0.3 has no such method)."""
        if self.version != "1.0":
            raise ProtocolError("ListTasks exists in A2A v1.0 only")
        params: dict[str, Any] = {"pageSize": page_size}
        if page_token:
            params["pageToken"] = page_token
        return {"jsonrpc": "2.0", "id": next(_ids), "method": "ListTasks", "params": params}

    def result(self, envelope: Any) -> dict[str, Any]:
        """The ``result`` member of a JSON-RPC answer; raises :class:`ProtocolError` otherwise."""
        if not isinstance(envelope, dict) or envelope.get("jsonrpc") != "2.0":
            raise ProtocolError("not a JSON-RPC 2.0 response")
        if "error" in envelope:
            error = envelope["error"] if isinstance(envelope["error"], dict) else {}
            raise ProtocolError(f"JSON-RPC error {error.get('code')}: {error.get('message')}")
        result = envelope.get("result")
        if not isinstance(result, dict):
            raise ProtocolError("JSON-RPC response without an object result")
        return result

    def task_of_send(self, result: dict[str, Any]) -> dict[str, Any] | None:
        """The Task in a SendMessage result (None when the agent answered with a Message)."""
        if self.version == "1.0":
            if "task" in result:
                return _task(result["task"])
            if "message" in result:
                return None
            raise ProtocolError("SendMessage result holds neither task nor message")
        kind = result.get("kind")
        if kind == "task":
            return _task(result)
        if kind == "message":
            return None
        raise ProtocolError(f"message/send result of unknown kind {kind!r}")

    def task_state(self, task: dict[str, Any]) -> str:
        """The task's state as a v1.0 enum name."""
        status = task.get("status")
        state = status.get("state") if isinstance(status, dict) else None
        if not isinstance(state, str):
            raise ProtocolError("task without status.state")
        return state if self.version == "1.0" else _V03_STATES.get(state, state)

    def stream_event(self, result: dict[str, Any]) -> tuple[str | None, str | None]:
        """(task id, state) carried by one streamed event; the state is None for artifacts."""
        if self.version == "1.0":
            if "task" in result:
                task = _task(result["task"])
                return task["id"], self.task_state(task)
            if "statusUpdate" in result:
                update = result["statusUpdate"]
                return update.get("taskId"), self.task_state(update)
            if "artifactUpdate" in result:
                return result["artifactUpdate"].get("taskId"), None
            if "message" in result:
                return None, None
            raise ProtocolError("stream event of no known kind")
        kind = result.get("kind")
        if kind == "task":
            return result.get("id"), self.task_state(result)
        if kind == "status-update":
            return result.get("taskId"), self.task_state(result)
        if kind in ("artifact-update", "message"):
            return result.get("taskId"), None
        raise ProtocolError(f"stream event of unknown kind {kind!r}")


def _task(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        raise ProtocolError("task without a string id")
    return value


def dialect(version: str) -> Dialect:
    """The :class:`Dialect` for ``version`` ("1.0" or "0.3")."""
    if version not in ("1.0", "0.3"):
        raise ValueError(f"A2A version must be 1.0 or 0.3, got {version!r}")
    return Dialect(version)
