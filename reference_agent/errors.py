"""Errors the reference agent answers with, in binding-neutral form.

Tree::

    A2AError                      code, message, reason (ErrorInfo.reason), http_status
    ├── JsonRpcProtocolError      -32700 … -32603 (parse, invalid request, method, params, internal)
    │   ├── ParseError            -32700  (response id is always null)
    │   ├── InvalidRequestError   -32600
    │   ├── MethodNotFoundError   -32601
    │   ├── InvalidParamsError    -32602
    │   └── InternalError         -32603
    ├── TaskNotFoundError         -32001  TASK_NOT_FOUND
    ├── TaskNotCancelableError    -32002  TASK_NOT_CANCELABLE
    ├── PushNotificationNotSupportedError  -32003
    ├── UnsupportedOperationError -32004
    ├── ContentTypeNotSupportedError       -32005
    ├── InvalidAgentResponseError -32006
    ├── ExtendedAgentCardNotConfiguredError -32007 (v0.3: AuthenticatedExtendedCardNotConfigured)
    ├── ExtensionSupportRequiredError      -32008 (v1.0 only)
    ├── VersionNotSupportedError  -32009 (v1.0 only)
    ├── AuthenticationError       HTTP 401 (not a JSON-RPC code: answered at the HTTP layer)
    ├── AuthorizationError        HTTP 403
    └── ServiceUnavailableError   HTTP 503 (store outage, shutting down)

Codes and ErrorInfo reasons follow v1.0 §5.4 "Error Code Mappings"; default messages follow the
v0.3 JSON Schema. ``http_status`` is the v1.0.1 HTTP+JSON mapping, used by the REST binding.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "A2AError",
    "AuthenticationError",
    "AuthorizationError",
    "ContentTypeNotSupportedError",
    "ExtendedAgentCardNotConfiguredError",
    "ExtensionSupportRequiredError",
    "InternalError",
    "InvalidAgentResponseError",
    "InvalidParamsError",
    "InvalidRequestError",
    "JsonRpcProtocolError",
    "MethodNotFoundError",
    "ParseError",
    "PushNotificationNotSupportedError",
    "ServiceUnavailableError",
    "TaskNotCancelableError",
    "TaskNotFoundError",
    "UnsupportedOperationError",
    "VersionNotSupportedError",
]

ERROR_DOMAIN = "a2a-protocol.org"


class A2AError(Exception):
    """Base of every error the agent answers with.

    ``message`` is safe to show to the caller (never exception text of internals);
    ``metadata`` becomes ``ErrorInfo.metadata`` (string values) in v1.0 and ``data`` in v0.3;
    ``field`` names the failing parameter for validation errors (v1.0 §3.3.2 SHOULD).
    """

    code: ClassVar[int] = -32603
    reason: ClassVar[str] = "INTERNAL_ERROR"
    default_message: ClassVar[str] = "Internal error"
    http_status: ClassVar[int] = 500

    def __init__(
        self,
        message: str | None = None,
        *,
        metadata: dict[str, str] | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.metadata = dict(metadata or {})
        if field is not None:
            self.metadata.setdefault("field", field)
        self.field = field
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code}, message={self.message!r})"


class JsonRpcProtocolError(A2AError):
    """JSON-RPC 2.0 standard errors."""


class ParseError(JsonRpcProtocolError):
    code = -32700
    reason = "PARSE_ERROR"
    default_message = "Invalid JSON payload"
    http_status = 400


class InvalidRequestError(JsonRpcProtocolError):
    code = -32600
    reason = "INVALID_REQUEST"
    default_message = "Request payload validation error"
    http_status = 400


class MethodNotFoundError(JsonRpcProtocolError):
    code = -32601
    reason = "METHOD_NOT_FOUND"
    default_message = "Method not found"
    http_status = 404


class InvalidParamsError(JsonRpcProtocolError):
    code = -32602
    reason = "INVALID_ARGUMENT"
    default_message = "Invalid parameters"
    http_status = 400


class InternalError(JsonRpcProtocolError):
    code = -32603
    reason = "INTERNAL_ERROR"
    default_message = "Internal error"
    http_status = 500


class TaskNotFoundError(A2AError):
    code = -32001
    reason = "TASK_NOT_FOUND"
    default_message = "Task not found"
    http_status = 404


class TaskNotCancelableError(A2AError):
    code = -32002
    reason = "TASK_NOT_CANCELABLE"
    default_message = "Task cannot be canceled"
    http_status = 400


class PushNotificationNotSupportedError(A2AError):
    code = -32003
    reason = "PUSH_NOTIFICATION_NOT_SUPPORTED"
    default_message = "Push Notification is not supported"
    http_status = 400


class UnsupportedOperationError(A2AError):
    code = -32004
    reason = "UNSUPPORTED_OPERATION"
    default_message = "This operation is not supported"
    http_status = 400


class ContentTypeNotSupportedError(A2AError):
    code = -32005
    reason = "CONTENT_TYPE_NOT_SUPPORTED"
    default_message = "Incompatible content types"
    http_status = 400


class InvalidAgentResponseError(A2AError):
    code = -32006
    reason = "INVALID_AGENT_RESPONSE"
    default_message = "Invalid agent response"
    http_status = 500


class ExtendedAgentCardNotConfiguredError(A2AError):
    code = -32007
    reason = "EXTENDED_AGENT_CARD_NOT_CONFIGURED"
    default_message = "Extended agent card is not configured"
    http_status = 400


class ExtensionSupportRequiredError(A2AError):
    code = -32008
    reason = "EXTENSION_SUPPORT_REQUIRED"
    default_message = "A required extension was not requested by the client"
    http_status = 400


class VersionNotSupportedError(A2AError):
    code = -32009
    reason = "VERSION_NOT_SUPPORTED"
    default_message = "The requested A2A protocol version is not supported"
    http_status = 400


class AuthenticationError(A2AError):
    """Missing or invalid credentials: HTTP 401 with a ``WWW-Authenticate`` challenge."""

    code = -32001  # unused on the wire: answered at the HTTP layer
    reason = "UNAUTHENTICATED"
    default_message = "Authentication required"
    http_status = 401

    def __init__(self, message: str | None = None, *, challenge: str = "Bearer", **kw: Any) -> None:
        super().__init__(message, **kw)
        self.challenge = challenge


class AuthorizationError(A2AError):
    """Authenticated but not allowed (e.g. a missing skill scope): HTTP 403."""

    code = -32004
    reason = "PERMISSION_DENIED"
    default_message = "Not authorized for this operation"
    http_status = 403

    def __init__(
        self, message: str | None = None, *, challenge: str | None = None, **kw: Any
    ) -> None:
        super().__init__(message, **kw)
        # RFC 6750 challenge for the HTTP layer (e.g. error="insufficient_scope"), if any.
        self.challenge = challenge


class ServiceUnavailableError(A2AError):
    """The agent cannot serve now (task store outage, shutting down): HTTP 503 + Retry-After."""

    code = -32603
    reason = "UNAVAILABLE"
    default_message = "Service temporarily unavailable"
    http_status = 503
