"""The A2A v0.3 JSON-RPC dialect: the shapes of the v0.3.0 JSON Schema (``a2a.json``).

Shapes this codec produces and accepts (digest §2.12, §2.14, §2.16, §3):

* methods are slash-style (``message/send``, ``tasks/get``…); results are bare objects
  discriminated by ``kind`` (``task``, ``message``, ``status-update``, ``artifact-update``), and
  status updates carry ``final`` (end of a cycle: terminal or interrupted state);
* enums are lower-case (``input-required``, ``user``/``agent``);
* parts are a union by ``kind``: ``text``, ``file`` (``{bytes | uri, mimeType?, name?}``) and
  ``data`` (an object);
* push configs are nested: ``{taskId, pushNotificationConfig: {id, url, token,
  authentication: {schemes[], credentials}}}``; list answers a bare array, delete answers
  ``null``;
* errors carry free-form ``data`` (an object of details, omitted when there are none).

Choices where v0.3 is silent: ``historyLength: 0`` means "no limit" (the v0.3 proto comment and
the v0.3 SDK); a v1.0 ``data`` part that is not an object is wrapped as ``{"value": …}``; a
message without ``kind`` is accepted, a wrong ``kind`` is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from ..card import to_v03_card
from ..errors import A2AError
from ..model import (
    ListTasksQuery,
    ListTasksResult,
    Message,
    PushConfig,
    SendMessageRequest,
    StreamEvent,
    Task,
)
from ..service import ProtocolVersion
from ._base import Operation
from ._common import push_headers
from ._fields import (
    fail,
    opt_bool,
    opt_int,
    opt_object,
    opt_str,
    opt_str_list,
    req_str,
)
from ._v03_objects import (
    STREAM_ENCODERS,
    decode_message,
    decode_push_config,
    encode_message,
    encode_push_config,
    encode_task,
)

__all__ = ["V03_DIALECT", "V03Dialect"]


class V03Dialect:
    """Codec for requests without ``A2A-Version`` (or ``0.3``); see the module docstring."""

    version: ProtocolVersion = "0.3"
    extensions_header = b"x-a2a-extensions"
    methods: Mapping[str, Operation] = {
        "message/send": Operation.SEND,
        "message/stream": Operation.STREAM,
        "tasks/get": Operation.GET_TASK,
        "tasks/cancel": Operation.CANCEL_TASK,
        "tasks/resubscribe": Operation.SUBSCRIBE,
        "tasks/pushNotificationConfig/set": Operation.PUSH_CREATE,
        "tasks/pushNotificationConfig/get": Operation.PUSH_GET,
        "tasks/pushNotificationConfig/list": Operation.PUSH_LIST,
        "tasks/pushNotificationConfig/delete": Operation.PUSH_DELETE,
        "agent/getAuthenticatedExtendedCard": Operation.EXTENDED_CARD,
    }

    # -- decoding -------------------------------------------------------------------------------
    def decode_tenant(self, params: dict[str, Any]) -> str | None:
        return None  # v0.3 has no tenants

    def decode_send(self, params: dict[str, Any]) -> SendMessageRequest:
        message = decode_message(params.get("message"), "params.message")
        if len(params) == 1:  # the common case: just a message
            return SendMessageRequest(message=message)
        request = SendMessageRequest(
            message=message, metadata=opt_object(params, "metadata", "params")
        )
        config = opt_object(params, "configuration", "params")
        if config is not None:
            path = "params.configuration"
            blocking = opt_bool(config, "blocking", path)
            request.blocking = True if blocking is None else blocking
            request.history_length = opt_int(config, "historyLength", path, minimum=0) or None
            request.accepted_output_modes = opt_str_list(config, "acceptedOutputModes", path)
            push = config.get("pushNotificationConfig")
            if push is not None:
                request.push_config = decode_push_config(push, f"{path}.pushNotificationConfig", "")
        return request

    def decode_get_task(self, params: dict[str, Any]) -> tuple[str, int | None]:
        history = opt_int(params, "historyLength", "params", minimum=0)
        return req_str(params, "id", "params"), history or None

    def decode_list_tasks(self, params: dict[str, Any]) -> ListTasksQuery:
        raise NotImplementedError("v0.3 JSON-RPC has no tasks/list")  # never in ``methods``

    def decode_task_id(self, params: dict[str, Any]) -> str:
        return req_str(params, "id", "params")

    def decode_push_create(self, params: dict[str, Any]) -> PushConfig:
        task_id = req_str(params, "taskId", "params")
        inner = params.get("pushNotificationConfig")
        if inner is None:
            raise fail("params.pushNotificationConfig", "is required")
        return decode_push_config(inner, "params.pushNotificationConfig", task_id)

    def decode_push_get(self, params: dict[str, Any]) -> tuple[str, str | None]:
        return req_str(params, "id", "params"), opt_str(
            params, "pushNotificationConfigId", "params"
        )

    def decode_push_list(self, params: dict[str, Any]) -> tuple[str, int | None, str | None]:
        return req_str(params, "id", "params"), None, None

    def decode_push_delete(self, params: dict[str, Any]) -> tuple[str, str]:
        return req_str(params, "id", "params"), req_str(
            params, "pushNotificationConfigId", "params"
        )

    # -- encoding -------------------------------------------------------------------------------
    def encode_send_result(self, result: Task | Message) -> dict[str, Any]:
        if type(result) is Task:
            return encode_task(result)
        return encode_message(result)  # type: ignore[arg-type]

    def encode_stream_event(self, event: StreamEvent) -> dict[str, Any]:
        return STREAM_ENCODERS[type(event)](event)

    def encode_task(self, task: Task) -> dict[str, Any]:
        return encode_task(task)

    def encode_list_tasks(self, result: ListTasksResult) -> dict[str, Any]:
        raise NotImplementedError("v0.3 JSON-RPC has no tasks/list")  # never in ``methods``

    def encode_push_config(self, config: PushConfig) -> dict[str, Any]:
        return encode_push_config(config)

    def encode_push_list(self, configs: list[PushConfig], next_page_token: str) -> list[Any]:
        return [encode_push_config(c) for c in configs]

    def encode_push_deleted(self) -> None:
        return None

    def encode_card(self, card: dict[str, Any]) -> dict[str, Any]:
        return to_v03_card(card)

    def encode_error(self, error: A2AError) -> dict[str, Any]:
        out: dict[str, Any] = {"code": error.code, "message": error.message}
        if error.metadata:
            out["data"] = dict(error.metadata)
        return out

    def encode_push_notification(
        self, event: StreamEvent, task: Task, config: PushConfig
    ) -> tuple[bytes, dict[str, str]]:
        """A v0.3 webhook POST: the whole Task after ``event`` (what the v0.3 SDK sends)."""
        return orjson.dumps(encode_task(task)), push_headers(config, "application/json")


V03_DIALECT = V03Dialect()
"""The shared, stateless v0.3 codec."""
