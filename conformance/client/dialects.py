"""The harness's own wire dialects of A2A v0.3 and v1.0 (JSON-RPC payloads).

Written from the specification (digest §2.12, §2.16, §3), not shared with the reference agent:
a bug common to both would make them agree. A dialect builds request params and reads results
into plain dicts plus a few normalized values (the task state as a lower-case name such as
``"input-required"``), and raises :class:`ShapeError` when the agent's answer does not have the
version's shape.

Example::

    d = dialect_for("1.0")
    params = d.send_params(d.user_message("hi", message_id="m1"))
    reply = d.read_send_result({"task": {"id": "t", "status": {"state": "TASK_STATE_COMPLETED"}}})
    assert reply.kind == "task" and d.task_state(reply.body) == "completed"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..grading import CheckFailed

__all__ = [
    "INTERRUPTED",
    "TERMINAL",
    "Dialect",
    "Reply",
    "ShapeError",
    "StreamItem",
    "dialect_for",
]

TERMINAL = frozenset({"completed", "failed", "canceled", "rejected"})
INTERRUPTED = frozenset({"input-required", "auth-required"})
ACTIVE = frozenset({"submitted", "working"})
VALID_STATES = TERMINAL | INTERRUPTED | ACTIVE

V1_STATES = {f"TASK_STATE_{s.upper().replace('-', '_')}": s for s in VALID_STATES}
V03_STATES = {s: s for s in VALID_STATES}


class ShapeError(CheckFailed):
    """The agent's answer does not have the shape this protocol version defines."""


@dataclass(slots=True)
class Reply:
    """A SendMessage result: ``kind`` is ``"task"`` or ``"message"``; ``body`` the object."""

    kind: str
    body: dict[str, Any]


@dataclass(slots=True)
class StreamItem:
    """One streamed result: ``kind`` is task, message, status-update or artifact-update."""

    kind: str
    body: dict[str, Any]


class Dialect:
    """Base of the two dialects; the differences are data (method names, field names)."""

    version: str = ""
    methods: dict[str, str] = {}

    def method(self, op: str) -> str | None:
        """The JSON-RPC method for an operation (``send``, ``get``…), None if the version lacks it."""
        return self.methods.get(op)

    # -- builders ---------------------------------------------------------------------------
    def user_message(
        self,
        text: str,
        *,
        message_id: str,
        context_id: str | None = None,
        task_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError

    def send_params(
        self,
        message: dict[str, Any],
        *,
        blocking: bool | None = None,
        history_length: int | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError

    def get_task_params(self, task_id: str, history_length: int | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"id": task_id}
        if history_length is not None:
            params["historyLength"] = history_length
        return params

    def task_id_params(self, task_id: str) -> dict[str, Any]:
        """Params of cancel and subscribe: ``{"id": …}`` in both versions."""
        return {"id": task_id}

    # -- readers ----------------------------------------------------------------------------
    def read_send_result(self, result: Any) -> Reply:
        raise NotImplementedError

    def read_stream_item(self, result: Any) -> StreamItem:
        raise NotImplementedError

    def read_task(self, result: Any, *, what: str = "result") -> dict[str, Any]:
        """A bare Task (GetTask, CancelTask results)."""
        if not isinstance(result, dict) or not isinstance(result.get("id"), str):
            raise ShapeError(f"{what} is not a Task object with a string id", actual=result)
        if not isinstance(result.get("status"), dict):
            raise ShapeError(f"{what}.status is missing or not an object", actual=result)
        return result

    def raw_state(self, task: dict[str, Any]) -> Any:
        """The state exactly as sent (``task.status.state``)."""
        status = task.get("status")
        return status.get("state") if isinstance(status, dict) else None

    def task_state(self, task: dict[str, Any]) -> str:
        """Normalized state name; ``"invalid:<value>"`` when the value is not of this version."""
        raw = self.raw_state(task)
        table = V1_STATES if self.version == "1.0" else V03_STATES
        return table.get(raw, f"invalid:{raw}") if isinstance(raw, str) else f"invalid:{raw}"

    def is_terminal(self, task: dict[str, Any]) -> bool:
        return self.task_state(task) in TERMINAL

    def history(self, task: dict[str, Any]) -> list[Any]:
        value = task.get("history")
        return value if isinstance(value, list) else []


class DialectV1(Dialect):
    """A2A v1.0 (ProtoJSON, PascalCase methods, ``TASK_STATE_*``, wrapped results)."""

    version = "1.0"
    methods = {
        "send": "SendMessage",
        "stream": "SendStreamingMessage",
        "get": "GetTask",
        "list": "ListTasks",
        "cancel": "CancelTask",
        "subscribe": "SubscribeToTask",
        "push-create": "CreateTaskPushNotificationConfig",
        "push-get": "GetTaskPushNotificationConfig",
        "push-list": "ListTaskPushNotificationConfigs",
        "push-delete": "DeleteTaskPushNotificationConfig",
        "extended-card": "GetExtendedAgentCard",
    }

    def user_message(
        self,
        text: str,
        *,
        message_id: str,
        context_id: str | None = None,
        task_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "messageId": message_id,
            "role": "ROLE_USER",
            "parts": [{"text": text}],
        }
        if context_id:
            msg["contextId"] = context_id
        if task_id:
            msg["taskId"] = task_id
        if metadata:
            msg["metadata"] = metadata
        return msg

    def send_params(
        self,
        message: dict[str, Any],
        *,
        blocking: bool | None = None,
        history_length: int | None = None,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"message": message}
        config: dict[str, Any] = {}
        if blocking is False:
            config["returnImmediately"] = True
        if history_length is not None:
            config["historyLength"] = history_length
        if config:
            params["configuration"] = config
        return params

    def read_send_result(self, result: Any) -> Reply:
        if isinstance(result, dict):
            keys = [k for k in ("task", "message") if k in result]
            if len(keys) == 1 and isinstance(result[keys[0]], dict):
                return Reply(keys[0], result[keys[0]])
        raise ShapeError(
            "SendMessage result must be exactly one of {task} or {message} (v1.0 SendMessageResponse)",
            actual=result,
        )

    def read_stream_item(self, result: Any) -> StreamItem:
        names = {
            "task": "task",
            "message": "message",
            "statusUpdate": "status-update",
            "artifactUpdate": "artifact-update",
        }
        if isinstance(result, dict):
            keys = [k for k in names if k in result]
            if len(keys) == 1 and isinstance(result[keys[0]], dict):
                return StreamItem(names[keys[0]], result[keys[0]])
        raise ShapeError(
            "a stream item must be exactly one of task, message, statusUpdate, artifactUpdate "
            "(v1.0 StreamResponse)",
            actual=result,
        )


class DialectV03(Dialect):
    """A2A v0.3 JSON-RPC (slash methods, lower-case states, bare results with ``kind``)."""

    version = "0.3"
    methods = {
        "send": "message/send",
        "stream": "message/stream",
        "get": "tasks/get",
        "cancel": "tasks/cancel",
        "subscribe": "tasks/resubscribe",
        "push-create": "tasks/pushNotificationConfig/set",
        "push-get": "tasks/pushNotificationConfig/get",
        "push-list": "tasks/pushNotificationConfig/list",
        "push-delete": "tasks/pushNotificationConfig/delete",
        "extended-card": "agent/getAuthenticatedExtendedCard",
    }

    def user_message(
        self,
        text: str,
        *,
        message_id: str,
        context_id: str | None = None,
        task_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "kind": "message",
            "messageId": message_id,
            "role": "user",
            "parts": [{"kind": "text", "text": text}],
        }
        if context_id:
            msg["contextId"] = context_id
        if task_id:
            msg["taskId"] = task_id
        if metadata:
            msg["metadata"] = metadata
        return msg

    def send_params(
        self,
        message: dict[str, Any],
        *,
        blocking: bool | None = None,
        history_length: int | None = None,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"message": message}
        config: dict[str, Any] = {}
        if blocking is not None:
            config["blocking"] = blocking
        if history_length is not None:
            config["historyLength"] = history_length
        if config:
            params["configuration"] = config
        return params

    def read_send_result(self, result: Any) -> Reply:
        if isinstance(result, dict) and result.get("kind") in ("task", "message"):
            return Reply(result["kind"], result)
        raise ShapeError(
            'message/send result must be a Task (kind "task") or a Message (kind "message")',
            actual=result,
        )

    def read_stream_item(self, result: Any) -> StreamItem:
        kinds = ("task", "message", "status-update", "artifact-update")
        if isinstance(result, dict) and result.get("kind") in kinds:
            return StreamItem(result["kind"], result)
        raise ShapeError(f"a v0.3 stream result must have kind in {kinds}", actual=result)


_DIALECTS: dict[str, Dialect] = {"1.0": DialectV1(), "0.3": DialectV03()}


def dialect_for(version: str) -> Dialect:
    """The dialect of protocol ``version`` (``"0.3"`` or ``"1.0"``)."""
    return _DIALECTS[version]
