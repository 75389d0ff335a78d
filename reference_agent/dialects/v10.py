"""The A2A v1.0 (1.0.1) JSON-RPC dialect: ProtoJSON of ``lf.a2a.v1`` (digest §2.12, §2.14, §2.16).

Shapes this codec produces and accepts:

* methods are PascalCase (``SendMessage``…); send results are ``{"task": …}`` | ``{"message": …}``;
  stream items and push payloads are ``StreamResponse`` wrappers
  (``task`` | ``message`` | ``statusUpdate`` | ``artifactUpdate``), with no ``final`` flag;
* enums are ProtoJSON names (``TASK_STATE_WORKING``, ``ROLE_AGENT``); integers are accepted on
  input as ProtoJSON allows;
* a Part is one object with exactly one of ``text`` | ``raw`` (base64) | ``url`` | ``data``, plus
  ``mediaType``, ``filename``, ``metadata``;
* push configs are the flattened ``TaskPushNotificationConfig`` with a single
  ``authentication.scheme``;
* errors carry ``data`` as an array of ``@type`` objects: ``google.rpc.ErrorInfo`` (domain
  ``a2a-protocol.org``) for A2A errors and ``google.rpc.BadRequest`` naming the failing field.

Unset optional fields are omitted, never sent as ``null``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from ..errors import ERROR_DOMAIN as _DOMAIN
from ..errors import A2AError, JsonRpcProtocolError
from ..model import (
    ListTasksQuery,
    ListTasksResult,
    Message,
    PushConfig,
    SendMessageRequest,
    StreamEvent,
    Task,
    TaskState,
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
    opt_timestamp,
    req_str,
)
from ._v10_objects import (
    STATE_IN,
    STREAM_ENCODERS,
    decode_message,
    decode_push_config,
    encode_message,
    encode_push_config,
    encode_task,
)

__all__ = ["V10_DIALECT", "V10Dialect"]

ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"


class V10Dialect:
    """Codec for ``A2A-Version: 1.0`` requests (see the module docstring for the shapes)."""

    version: ProtocolVersion = "1.0"
    extensions_header = b"a2a-extensions"
    methods: Mapping[str, Operation] = {
        "SendMessage": Operation.SEND,
        "SendStreamingMessage": Operation.STREAM,
        "GetTask": Operation.GET_TASK,
        "ListTasks": Operation.LIST_TASKS,
        "CancelTask": Operation.CANCEL_TASK,
        "SubscribeToTask": Operation.SUBSCRIBE,
        "CreateTaskPushNotificationConfig": Operation.PUSH_CREATE,
        "GetTaskPushNotificationConfig": Operation.PUSH_GET,
        "ListTaskPushNotificationConfigs": Operation.PUSH_LIST,
        "DeleteTaskPushNotificationConfig": Operation.PUSH_DELETE,
        "GetExtendedAgentCard": Operation.EXTENDED_CARD,
    }

    # -- decoding -------------------------------------------------------------------------------
    def decode_tenant(self, params: dict[str, Any]) -> str | None:
        return opt_str(params, "tenant", "params")

    def decode_send(self, params: dict[str, Any]) -> SendMessageRequest:
        message = decode_message(params.get("message"), "params.message")
        if len(params) == 1:  # the common case: just a message
            return SendMessageRequest(message)
        request = SendMessageRequest(
            message=message,
            metadata=opt_object(params, "metadata", "params"),
            tenant=opt_str(params, "tenant", "params"),
        )
        config = opt_object(params, "configuration", "params")
        if config is not None:
            path = "params.configuration"
            request.blocking = not opt_bool(config, "returnImmediately", path)
            request.history_length = opt_int(config, "historyLength", path, minimum=0)
            request.accepted_output_modes = opt_str_list(config, "acceptedOutputModes", path)
            push = config.get("taskPushNotificationConfig")
            if push is not None:
                request.push_config = decode_push_config(
                    push, f"{path}.taskPushNotificationConfig", inline=True
                )
        return request

    def decode_get_task(self, params: dict[str, Any]) -> tuple[str, int | None]:
        return req_str(params, "id", "params"), opt_int(
            params, "historyLength", "params", minimum=0
        )

    def decode_list_tasks(self, params: dict[str, Any]) -> ListTasksQuery:
        path = "params"
        page_size = opt_int(params, "pageSize", path, minimum=1, maximum=100)
        status_raw = params.get("status")
        status: TaskState | None = None
        if status_raw is not None and status_raw not in ("TASK_STATE_UNSPECIFIED", 0):
            status = STATE_IN.get(status_raw)
            if status is None or type(status_raw) is bool:
                raise fail(
                    "params.status", f"expected a TASK_STATE_* name, got {str(status_raw)[:40]!r}"
                )
        return ListTasksQuery(
            context_id=opt_str(params, "contextId", path),
            status=status,
            page_size=50 if page_size is None else page_size,
            page_token=opt_str(params, "pageToken", path),
            history_length=opt_int(params, "historyLength", path, minimum=0),
            status_timestamp_after=opt_timestamp(params, "statusTimestampAfter", path),
            include_artifacts=bool(opt_bool(params, "includeArtifacts", path)),
            tenant=opt_str(params, "tenant", path),
        )

    def decode_task_id(self, params: dict[str, Any]) -> str:
        return req_str(params, "id", "params")

    def decode_push_create(self, params: dict[str, Any]) -> PushConfig:
        return decode_push_config(params, "params", inline=False)

    def decode_push_get(self, params: dict[str, Any]) -> tuple[str, str | None]:
        return req_str(params, "taskId", "params"), req_str(params, "id", "params")

    def decode_push_list(self, params: dict[str, Any]) -> tuple[str, int | None, str | None]:
        return (
            req_str(params, "taskId", "params"),
            opt_int(params, "pageSize", "params", minimum=1, maximum=100),
            opt_str(params, "pageToken", "params"),
        )

    def decode_push_delete(self, params: dict[str, Any]) -> tuple[str, str]:
        return req_str(params, "taskId", "params"), req_str(params, "id", "params")

    # -- encoding -------------------------------------------------------------------------------
    def encode_send_result(self, result: Task | Message) -> dict[str, Any]:
        if type(result) is Task:
            return {"task": encode_task(result)}
        return {"message": encode_message(result)}  # type: ignore[arg-type]

    def encode_stream_event(self, event: StreamEvent) -> dict[str, Any]:
        key, encoder = STREAM_ENCODERS[type(event)]
        return {key: encoder(event)}

    def encode_task(self, task: Task) -> dict[str, Any]:
        return encode_task(task)

    def encode_list_tasks(self, result: ListTasksResult) -> dict[str, Any]:
        return {
            "tasks": [encode_task(t) for t in result.tasks],
            "nextPageToken": result.next_page_token,
            "pageSize": result.page_size,
            "totalSize": result.total_size,
        }

    def encode_push_config(self, config: PushConfig) -> dict[str, Any]:
        return encode_push_config(config)

    def encode_push_list(self, configs: list[PushConfig], next_page_token: str) -> dict[str, Any]:
        return {
            "configs": [encode_push_config(c) for c in configs],
            "nextPageToken": next_page_token,
        }

    def encode_push_deleted(self) -> dict[str, Any]:
        return {}  # google.protobuf.Empty

    def encode_card(self, card: dict[str, Any]) -> dict[str, Any]:
        return card

    def encode_error(self, error: A2AError) -> dict[str, Any]:
        out: dict[str, Any] = {"code": error.code, "message": error.message}
        details: list[dict[str, Any]] = []
        if not isinstance(error, JsonRpcProtocolError):
            details.append(
                {
                    "@type": ERROR_INFO_TYPE,
                    "reason": error.reason,
                    "domain": _DOMAIN,
                    "metadata": {k: str(v) for k, v in error.metadata.items()},
                }
            )
        if error.field:
            field = error.field[7:] if error.field.startswith("params.") else error.field
            details.append(
                {
                    "@type": BAD_REQUEST_TYPE,
                    "fieldViolations": [{"field": field, "description": error.message}],
                }
            )
        if details:
            out["data"] = details
        return out

    def encode_push_notification(
        self, event: StreamEvent, task: Task, config: PushConfig
    ) -> tuple[bytes, dict[str, str]]:
        """A v1.0 webhook POST (§4.3.3): StreamResponse body, ``application/a2a+json``."""
        body = orjson.dumps(self.encode_stream_event(event))
        return body, push_headers(config, "application/a2a+json")


V10_DIALECT = V10Dialect()
"""The shared, stateless v1.0 codec."""
