"""Security, idempotency and multi-instance consistency (digest §2.21, §2.22)."""

from __future__ import annotations

from ..registry import Requirement
from ._common import BOTH, MAY, MUST, SHOULD, V03, V10, req

__all__ = ["RECORDS"]

# fmt: off
_AUTH = (
    req("AUTH-1", BOTH, "v1.0 §7.1; v1.0 §13.4; v0.3 §3.1; v0.3 §4.1", MUST,
        "Production deployments use HTTPS (TLS for gRPC).", "security"),
    req("AUTH-2", BOTH, "v1.0 §7.1; v1.0 §13.4; v0.3 §4.1", SHOULD,
        "TLS is modern (1.3 recommended) with strong cipher suites.", "security"),
    req("AUTH-3", V10, "v1.0 §13.4", SHOULD,
        "HTTP-based bindings send HSTS (Strict-Transport-Security).", "security"),
    req("AUTH-4", V10, "v1.0 §13.4", SHOULD,
        "SSLv3, TLS 1.0 and TLS 1.1 are disabled.", "security"),
    req("AUTH-5", BOTH, "v1.0 §7.4; v1.0 §3.3.2; v0.3 §4.4; v0.3 §10.2", MUST,
        "Every request is authenticated against the card's declared requirements; missing "
        "or invalid credentials are rejected.", "auth"),
    req("AUTH-6", BOTH, "v1.0 §7.4; v1.0 §3.3.2; v0.3 §4.4", SHOULD,
        "Authentication failures use the binding's challenge (HTTP 401 or 403, 401 with "
        "WWW-Authenticate naming the scheme).", "auth", "errors"),
    req("AUTH-7", V10, "v1.0 §13.1; v1.0 §3.3.2", MUST,
        "Authorization is checked on every operation; a caller without permission gets an "
        "authorization error.", "authz"),
    req("AUTH-8", V10, "v1.0 §13.1", MUST,
        "Results are scoped to what the caller may access, even when no filter is given.",
        "authz", "list"),
    req("AUTH-9", V10, "v1.0 §13.1", MUST,
        "Authorization runs before any lookup that could leak whether a resource exists.",
        "authz"),
    req("AUTH-10", V10, "v1.0 §13.1", MUST,
        "GetTask, CancelTask, SubscribeToTask and push-config operations verify that the "
        "caller may access the task.", "authz", "tasks"),
    req("AUTH-11", V10, "v1.0 §7.6.1", MUST,
        "In-task authorization uses a Task moved to AUTH_REQUIRED with a status message "
        "explaining what is needed (unless negotiated out of band).", "auth",
        "state-machine"),
    req("AUTH-12", V03, "v0.3 §4.5", SHOULD,
        "v0.3 in-task (secondary) authentication moves the task to auth-required with a "
        "status message describing what is needed.", "auth", "state-machine"),
    req("AUTH-13", V10, "v1.0 §7.6.1", SHOULD,
        "Streams stay open while a task waits in AUTH_REQUIRED.", "auth", "streaming"),
    req("AUTH-14", V10, "v1.0 §7.6.1", SHOULD,
        "The agent accepts messages to a task that is in AUTH_REQUIRED.", "auth",
        "messaging"),
    req("AUTH-15", V10, "v1.0 §13.4", SHOULD,
        "Rate-limited requests get an appropriate error (e.g. HTTP 429) instead of failing "
        "at random.", "security", "errors"),
)

_HARDENING = (
    req("SEC-1", V10, "v1.0 §13.4", SHOULD,
        "The agent limits message size, file size and request complexity, answering an "
        "oversized request with an error instead of failing.", "security"),
    req("SEC-2", V10, "v1.0 §13.4", SHOULD,
        "The agent validates file content types and rejects unexpected media types.",
        "security", "messaging"),
    req("SEC-3", V10, "v1.0 §14.1.1", MUST,
        "File references (URLs) in messages are validated against SSRF before the agent "
        "fetches them.", "security", "messaging"),
    req("ROBUST-1", BOTH, "v1.0 §3.3.2; v1.0 §9.5; v0.3 §7.1; v0.3 §8.1", MUST,
        "Any well-formed SendMessage (every part kind, sizes, any Unicode) is answered with a "
        "result or a JSON-RPC error, never a 5xx, a non-JSON body or no answer.", "security",
        "messaging", "errors"),
    req("ROBUST-2", BOTH, "v1.0 §3.3.2; v1.0 §9.5; v0.3 §6.11; v0.3 §8.1", MUST,
        "Malformed envelopes and params get a JSON-RPC error (-32700, -32600, -32601, -32602 "
        "or an A2A code), never a 5xx, a non-JSON body or no answer.", "security", "jsonrpc",
        "errors"),
    req("ROBUST-3", BOTH, "v1.0 §13.4; v0.3 §10.2", SHOULD,
        "After hostile and malformed input the agent is still healthy: it serves its card and "
        "answers a valid request.", "security"),
)

_IDEMPOTENCY = (
    req("IDEM-1", V10, "v1.0 §3.3.1", MUST,
        "Get operations (GetTask, ListTasks, GetExtendedAgentCard) are idempotent: repeating "
        "one changes nothing.", "tasks"),
    req("IDEM-2", V10, "v1.0 §3.3.1", MAY,
        "SendMessage may be idempotent, detecting a repeated messageId.", "messaging"),
)

_MULTI_INSTANCE = (
    req("MULTI-1", BOTH, "v1.0 §3.1.3; v1.0 §3.1.5; v1.0 §3.1.6; v0.3 §7.3; v0.3 §7.4", MUST,
        "A task created through one instance can be read, canceled and subscribed to "
        "through any other, with its current state.", "multi-instance", "tasks"),
    req("MULTI-2", V10, "v1.0 §3.5.2", MUST,
        "Streams on one task opened through different instances receive the same events in "
        "the same order.", "multi-instance", "streaming"),
    req("MULTI-3", BOTH, "v1.0 §3.1.7; v0.3 §7.5", MUST,
        "A push config created through one instance is visible and used by every instance "
        "until the task completes or it is deleted.", "multi-instance", "push"),
    req("MULTI-4", V10, "v1.0 §3.1.4", MUST,
        "ListTasks order and page tokens are consistent across instances.",
        "multi-instance", "list"),
    req("MULTI-5", BOTH, "v1.0 §8.6.1; v0.3 §5.1", SHOULD,
        "Every instance serves the same Agent Card (and the same ETag).", "multi-instance",
        "card", "caching"),
    req("MULTI-6", V10, "v1.0 §3.1.10; v1.0 §3.3.1", MUST,
        "A push-config delete or task cancel done through one instance holds on every "
        "instance.", "multi-instance", "push", "cancel"),
)
# fmt: on

RECORDS: tuple[Requirement, ...] = _AUTH + _HARDENING + _IDEMPOTENCY + _MULTI_INSTANCE
