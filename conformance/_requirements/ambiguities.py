"""Spec contradictions the harness tolerates (digest §2.23 and a few found since).

A check citing an ``AMBIG-`` record grades WARNING when the agent takes the reading the harness
does not prefer, never FAIL; the level records how strongly the preferred reading is worded.
"""

from __future__ import annotations

from ..registry import Requirement
from ._common import BOTH, SHOULD, V03, V10, req

__all__ = ["RECORDS"]

# fmt: off
RECORDS: tuple[Requirement, ...] = (
    req("AMBIG-1", BOTH, "v1.0 §5.3; v1.0 §11.3.2; v0.3 §7.9", SHOULD,
        "REST subscribe: the spec says POST /tasks/{id}:subscribe, the proto says GET; "
        "either verb is accepted, the spec's is tried first.", "ambiguous", "rest",
        "subscribe"),
    req("AMBIG-2", V10, "v1.0 §5.4", SHOULD,
        "Error-to-HTTP/gRPC mapping changed in 1.0.1 (400/500/FAILED_PRECONDITION) from "
        "1.0.0 (409/415/502/UNIMPLEMENTED); the other table is a warning.", "ambiguous",
        "errors", "rest", "grpc"),
    req("AMBIG-3", V10, "v1.0 §11.1; v1.0 §11.6", SHOULD,
        "REST content type: application/a2a+json (SHOULD) versus application/json and the "
        "problem+json examples; application/json is a warning.", "ambiguous", "rest"),
    req("AMBIG-4", V10, "v1.0 §5.7; v1.0 §8.4.1", SHOULD,
        "REQUIRED arrays must be non-empty (§5.7), yet the signing example has \"skills\": "
        "[]; an empty skills list is a warning, other empty REQUIRED arrays fail CARD-4.",
        "ambiguous", "card"),
    req("AMBIG-5", V10, "v1.0 §3.1.1; v1.0 §3.2.2", SHOULD,
        "SendMessage \"MUST return immediately\" contradicts blocking by default; blocking "
        "per §3.2.2 is the preferred reading.", "ambiguous", "messaging"),
    req("AMBIG-6", V10, "v1.0 §3.1.2; v1.0 §11.7", SHOULD,
        "Streams close at a terminal state (§3.1.2) or also at an interrupted state (§11.7); "
        "closing at input-required is a warning.", "ambiguous", "streaming"),
    req("AMBIG-7", V10, "v1.0 §3.1.11; v1.0 §13.3; v1.0 §4.4.1", SHOULD,
        "The text names AgentCard.security, the proto field is securityRequirements; a card "
        "using security is a warning.", "ambiguous", "card", "auth"),
    req("AMBIG-8", V10, "v1.0 §4.5.7; v1.0 §4.2.2", SHOULD,
        "whats-new shows the OAuth key authorizationCodeFlow and an artifact-update index "
        "field, neither in the proto; seeing them is a warning.", "ambiguous", "card",
        "streaming"),
    req("AMBIG-9", V10, "v1.0 §9.3; v1.0 §9.1", SHOULD,
        "The §9.3 sample method \"category/action\" is stale; v1.0 methods are PascalCase.",
        "ambiguous", "jsonrpc"),
    req("AMBIG-10", V10, "v1.0 §9.2; v1.0 §11.2", SHOULD,
        "Spec examples send A2A-Version: 0.3 with v1.0 payloads; the harness always sends "
        "the interface's own version.", "ambiguous", "versioning"),
    req("AMBIG-11", V03, "v0.3 §11.1.3; v0.3 §7.10", SHOULD,
        "v0.3 §11.1.3 names agent/authenticatedExtendedCard, the method is "
        "agent/getAuthenticatedExtendedCard; answering only the former is a warning.",
        "ambiguous", "extended-card", "jsonrpc"),
    req("AMBIG-12", V03, "v0.3 §3.5.6", SHOULD,
        "The v0.3 method table's gRPC names (CreateTaskPushNotification, ListTask…) do not "
        "exist in the v0.3 proto.", "ambiguous", "grpc"),
    req("AMBIG-13", V03, "v0.3 §6.3; v0.3 §3.2.2", SHOULD,
        "v0.3 gRPC spells TASK_STATE_CANCELLED, JSON-RPC spells canceled; both denote the "
        "same state.", "ambiguous", "state-machine", "grpc"),
    req("AMBIG-14", V10, "v1.0 §3.1.7", SHOULD,
        "Create push config is said to return PushNotificationConfig, the RPC returns "
        "TaskPushNotificationConfig; either shape is accepted.", "ambiguous", "push"),
    req("AMBIG-15", V10, "v1.0 §3.3.1; v1.0 §3.3.2", SHOULD,
        "Cancel is idempotent (§3.3.1), yet an already-canceled task is not cancelable "
        "(§3.3.2); a repeat cancel may return the Task or TaskNotCancelableError.",
        "ambiguous", "cancel"),
    req("AMBIG-16", BOTH, "v1.0 §3.1.2; v1.0 §9.4.2; v0.3 §7.2", SHOULD,
        "Errors raised before a stream starts may come as a plain JSON error response or as "
        "an SSE event; both are accepted.", "ambiguous", "streaming", "errors"),
    req("AMBIG-17", V03, "v0.3 §3.2.3; v0.3 §7.1", SHOULD,
        "v0.3 REST bodies follow the gRPC proto JSON (content, TASK_STATE_*) in the SDKs but "
        "the JSON-RPC shapes (parts, kind) in the spec; either is accepted with a warning.",
        "ambiguous", "rest"),
    req("AMBIG-18", V03, "v0.3 §5.6.1; v0.3 §5.5", SHOULD,
        "preferredTransport is REQUIRED in the v0.3 text but optional (default JSONRPC) in "
        "its schema; a card without it is a warning.", "ambiguous", "card"),
    req("AMBIG-19", V10, "v1.0 §9.5", SHOULD,
        "JSON-RPC A2A errors had to carry ErrorInfo in data in 1.0.0 and only should in "
        "1.0.1; a missing ErrorInfo is a warning under 1.0.0 errata.", "ambiguous",
        "errors", "jsonrpc"),
    req("AMBIG-20", V10, "v1.0 §3.1.4; v1.0 §5.7", SHOULD,
        "ListTasksResponse.tasks is a REQUIRED array, yet an empty page has no task; "
        "\"tasks\": [] is accepted.", "ambiguous", "list"),
    req("AMBIG-21", V10, "v1.0 §4.3.3; v1.0 §13.2", SHOULD,
        "Push retries with backoff are MAY in §4.3.3 and SHOULD in §13.2; no retry is "
        "reported as information only.", "ambiguous", "push"),
)
# fmt: on
