"""Task update delivery: streaming (SSE) and push notifications (digest §2.13, §2.14)."""

from __future__ import annotations

from ..registry import Requirement
from ._common import BOTH, MAY, MUST, SHOULD, V03, V10, req

__all__ = ["RECORDS"]

# fmt: off
_STREAMING = (
    req("STREAM-1", BOTH, "v1.0 §9.4.2; v1.0 §11.7; v0.3 §3.3.1; v0.3 §3.3.3", MUST,
        "JSON-RPC and REST streams answer HTTP 200 with Content-Type text/event-stream, one "
        "JSON object per SSE data field.", "streaming", "jsonrpc", "rest"),
    req("STREAM-2", V03, "v0.3 §3.3.1; v0.3 §7.2.1", MUST,
        "Each v0.3 SSE event is a full JSON-RPC response whose result is a Task, Message, "
        "status update or artifact update, told apart by kind.", "streaming", "jsonrpc"),
    req("STREAM-3", V10, "v1.0 §9.4.2; v1.0 §11.7", MUST,
        "Each v1.0 SSE event holds a StreamResponse: wrapped in a JSON-RPC response "
        "(JSON-RPC) or bare (REST).", "streaming", "jsonrpc", "rest"),
    req("STREAM-4", V10, "v1.0 §3.5.2", MUST,
        "Events arrive in the order they were generated, never reordered.", "streaming"),
    req("STREAM-5", V10, "v1.0 §3.5.2", MUST,
        "Several streams open on one task all receive the same events in the same order.",
        "streaming", "subscribe"),
    req("STREAM-6", V10, "v1.0 §3.5.2", MUST,
        "Closing one stream does not affect the other streams open on the same task.",
        "streaming", "subscribe"),
    req("STREAM-7", V10, "v1.0 §3.5.2", MAY,
        "The agent may serve several concurrent streams for one task.", "streaming",
        "subscribe"),
    req("STREAM-8", V10, "v1.0 §11.7", MAY,
        "The agent may resend a final Task snapshot before closing a stream.", "streaming"),
    req("STREAM-9", V03, "v0.3 §7.2.2", SHOULD,
        "A v0.3 stream marks the end of a cycle with final: true (terminal or input-required "
        "state) and then closes.", "streaming", "state-machine"),
    req("STREAM-10", BOTH, "v1.0 §4.2.2; v0.3 §7.2.3", SHOULD,
        "An artifact update with append: true extends an artifact already sent with the same "
        "artifactId; lastChunk: true marks its final chunk.", "streaming"),
    req("STREAM-11", V10, "v1.0 §3.5.2; v1.0 §3.1.6", SHOULD,
        "A client that reconnects can open a new stream on the task (SubscribeToTask) and "
        "keep receiving its updates.", "streaming", "subscribe"),
    req("STREAM-12", V03, "v0.3 §7.2; v0.3 §3.3.1", MUST,
        "message/stream delivers updates in real time: each event reaches the client as it "
        "is generated, not held back until the stream ends.", "streaming"),
)

_PUSH = (
    req("PUSH-1", BOTH, "v1.0 §4.3.1; v1.0 §4.3.2; v0.3 §6.8; v0.3 §6.9; v0.3 §6.10", MUST,
        "Push configs are well-formed: v1.0 flattened {id, taskId, url, token, "
        "authentication {scheme, credentials}}; v0.3 {taskId, pushNotificationConfig {url, "
        "token, authentication {schemes}}}.", "push"),
    req("PUSH-2", BOTH, "v1.0 §3.2.2; v0.3 §7.1.1", MUST,
        "A push config given inline in the SendMessage configuration is registered for the "
        "new task.", "push", "messaging"),
    req("PUSH-3", V10, "v1.0 §4.3.3", MUST,
        "Each webhook POST body is a StreamResponse holding exactly one of task, message, "
        "statusUpdate and artifactUpdate.", "push"),
    req("PUSH-4", V03, "v0.3 §9.5", SHOULD,
        "A v0.3 webhook POST identifies the task and its state (the spec's example sends the "
        "Task).", "push"),
    req("PUSH-5", V10, "v1.0 §4.3.3; v1.0 §13.2", MUST,
        "Webhook requests carry the credentials of the config's authentication "
        "(Authorization: <scheme> <credentials>).", "push", "auth"),
    req("PUSH-6", V10, "v1.0 §4.3.3", SHOULD,
        "Webhook requests use Content-Type application/a2a+json.", "push"),
    req("PUSH-7", BOTH, "v1.0 §4.3.1; v0.3 §9.5", SHOULD,
        "The config's token accompanies each notification (X-A2A-Notification-Token).",
        "push", "auth"),
    req("PUSH-8", V10, "v1.0 §4.3.3", MUST,
        "The agent attempts delivery at least once to every configured webhook.", "push"),
    req("PUSH-8b", V03, "v0.3 §9.5; v0.3 §7.5", SHOULD,
        "Once a push config is set, the agent POSTs a notification to its webhook when the "
        "task's state changes, up to its final state.", "push"),
    req("PUSH-9", V10, "v1.0 §4.3.3; v1.0 §13.2", MAY,
        "Failed deliveries may be retried with exponential backoff (§13.2 says SHOULD).",
        "push"),
    req("PUSH-10", V10, "v1.0 §4.3.3; v1.0 §13.2", SHOULD,
        "Webhook requests use a bounded timeout (10 to 30 seconds recommended).", "push"),
    req("PUSH-11", V10, "v1.0 §4.3.3; v1.0 §13.2", MAY,
        "The agent may stop delivering after repeated consecutive failures.", "push"),
    req("PUSH-12", BOTH, "v1.0 §13.2; v0.3 §10.2", SHOULD,
        "Webhook URLs are validated against SSRF (private, loopback and link-local targets "
        "rejected or challenged).", "push", "security"),
    req("PUSH-13", BOTH, "v1.0 §3.1.7; v1.0 §3.1.9; v0.3 §7.6", MUST,
        "Push-config operations on an unknown task fail with TaskNotFoundError (-32001).",
        "push", "errors"),
    req("PUSH-14", BOTH, "v1.0 §3.1.7; v0.3 §7.5", MUST,
        "Creating a push config returns the stored config with its id (assigned by the "
        "agent when absent).", "push"),
    req("PUSH-15", BOTH, "v1.0 §1.2; v0.3 §1.2", MAY,
        "A webhook request carries the W3C trace context (traceparent) of the client request "
        "that caused it, so one trace spans the request and its notifications.", "push"),
    req("PUSH-16", V10, "v1.0 §3.5.1; v1.0 §4.3.3", MUST,
        "Every task update after the config is registered is notified: each state change "
        "reaches the webhook at least once.", "push", "state-machine"),
    req("PUSH-17", V10, "v1.0 §4.3.3; v1.0 §13.2", MUST,
        "Each notification names the task its config belongs to, so the receiver can "
        "validate the task id.", "push"),
)
# fmt: on

RECORDS: tuple[Requirement, ...] = _STREAMING + _PUSH
