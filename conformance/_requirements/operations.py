"""Core operations, capability gating, ids, history and extensions (digest §2.6 to §2.10)."""

from __future__ import annotations

from ..registry import Requirement
from ._common import BOTH, MAY, MUST, SHOULD, V03, V10, req

__all__ = ["RECORDS"]

# fmt: off
_EXTENSIONS = (
    req("EXTN-1", BOTH, "v1.0 §4.6.1; v1.0 §4.4.4; v0.3 §5.5.2.1", MUST,
        "Extensions are declared in capabilities.extensions[] as {uri, description, required, "
        "params} objects (v0.3 requires uri).", "extensions", "card"),
    req("EXTN-2", V10, "v1.0 §14.2.2; v1.0 topics/extensions.md", SHOULD,
        "The response's A2A-Extensions header lists the extensions the agent activated for "
        "the request.", "extensions"),
    req("EXTN-2b", V03, "v0.3 §5.5.2.1", SHOULD,
        "A v0.3 agent echoes the activated extensions in the X-A2A-Extensions response "
        "header.", "extensions"),
    req("EXTN-3", V10, "v1.0 §3.3.4; v1.0 §4.6.3", MUST,
        "A request that does not opt in to an extension the card marks required: true fails "
        "with ExtensionSupportRequiredError (-32008).", "extensions", "errors"),
    req("EXTN-4", V10, "v1.0 §4.6.3", SHOULD,
        "A requested extension (or extension version) the agent does not support is ignored, "
        "and the request proceeds without it.", "extensions"),
    req("EXTN-4b", V10, "v1.0 §4.6.3", MUST,
        "The agent never falls back to an older version of a requested extension on its own.",
        "extensions"),
    req("EXTN-4c", V10, "v1.0 §4.6.3", MUST,
        "A breaking change to an extension gets a new URI.", "extensions"),
    req("EXTN-4d", V10, "v1.0 §4.6.3", SHOULD,
        "Extension URIs carry version information.", "extensions", "card"),
    req("EXTN-5", BOTH, "v1.0 §4.6.2; v0.3 §6.4; v0.3 §6.7", MAY,
        "Messages and artifacts list the extension URIs they use in extensions[] and carry "
        "the extension data in metadata keyed by that URI.", "extensions", "messaging"),
)

_OPERATIONS = (
    req("OP-1", BOTH, "v1.0 §3.1.1; v1.0 §9.4.1; v0.3 §7.1", MUST,
        "SendMessage answers with either a Task or a Message.", "messaging"),
    req("OP-2", BOTH, "v1.0 §3.1.1; v1.0 §3.1.2; v0.3 §7.1; v0.3 §7.2", MUST,
        "A message sent to a task in a terminal state is rejected with an error (v1.0: "
        "UnsupportedOperationError, -32004).", "messaging", "state-machine", "errors"),
    req("OP-2b", BOTH, "v1.0 §3.1.1; v1.0 §3.4.2; v0.3 §8.2", MUST,
        "A message naming an unknown taskId fails with TaskNotFoundError (-32001).",
        "messaging", "errors"),
    req("OP-2c", BOTH, "v1.0 §3.1.1; v0.3 §8.2", MUST,
        "A message part whose media type the agent does not support fails with "
        "ContentTypeNotSupportedError (-32005).", "messaging", "errors"),
    req("OP-3", V10, "v1.0 §3.2.2", MUST,
        "A blocking SendMessage (returnImmediately false or unset) returns only once the task "
        "is terminal or interrupted (INPUT_REQUIRED, AUTH_REQUIRED).", "messaging", "tasks"),
    req("OP-3b", V10, "v1.0 §3.2.2", MUST,
        "A blocking SendMessage returns the task's latest state with all its artifacts.",
        "messaging", "tasks"),
    req("OP-4", V10, "v1.0 §3.2.2", MUST,
        "With returnImmediately: true, SendMessage returns right after creating the task, in "
        "an in-progress state.", "messaging", "tasks"),
    req("OP-4b", V03, "v0.3 §7.1.1", SHOULD,
        "With configuration.blocking: true the agent answers once the task is terminal or "
        "interrupted; with false it may answer while the task still runs.", "messaging",
        "tasks"),
    req("OP-4c", V10, "v1.0 §3.2.2", MUST,
        "returnImmediately changes nothing for Message replies, streaming operations or push "
        "delivery.", "messaging", "streaming", "push"),
    req("OP-5", BOTH, "v1.0 §3.1.2; v0.3 §7.2", MUST,
        "SendStreamingMessage opens a stream of updates for the request.", "streaming",
        "messaging"),
    req("OP-5b", V10, "v1.0 §3.1.2", MUST,
        "A stream that answers with a Message carries exactly one Message and then closes.",
        "streaming"),
    req("OP-5c", V10, "v1.0 §3.1.2", MUST,
        "A task stream starts with the Task, followed only by status and artifact update "
        "events.", "streaming", "tasks"),
    req("OP-5d", V10, "v1.0 §3.1.2", MUST,
        "A task stream closes once the task reaches a terminal state.", "streaming",
        "state-machine"),
    req("OP-6", V10, "v1.0 §3.1.2", MUST,
        "Streaming gives immediate feedback: the first event arrives promptly rather than at "
        "the end of the work.", "streaming"),
    req("OP-7", BOTH, "v1.0 §3.1.3; v0.3 §7.3", MUST,
        "GetTask returns the task's current state.", "tasks"),
    req("OP-7b", BOTH, "v1.0 §3.1.3; v0.3 §7.3; v0.3 §8.2", MUST,
        "GetTask on an unknown task id fails with TaskNotFoundError (-32001).", "tasks",
        "errors"),
    req("OP-8", V10, "v1.0 §3.1.4", MUST,
        "ListTasks answers with tasks, nextPageToken, pageSize and totalSize, all present.",
        "list", "tasks"),
    req("OP-8b", V10, "v1.0 §3.1.4", MUST,
        "nextPageToken is always present and is the empty string on the last page.", "list"),
    req("OP-8c", V10, "v1.0 §3.1.4", MUST,
        "Tasks are listed by status timestamp, most recently updated first.", "list"),
    req("OP-8d", V10, "v1.0 §3.1.4", MUST,
        "Pagination is cursor based: following nextPageToken walks every matching task once, "
        "with no duplicates or gaps.", "list"),
    req("OP-8e", V10, "v1.0 §3.1.4", MUST,
        "Unless includeArtifacts is true, listed tasks carry no artifacts field at all (not "
        "even an empty list).", "list"),
    req("OP-8f", V10, "v1.0 §3.1.4", MUST,
        "A page holds at most pageSize tasks (1 to 100; at most 50 when pageSize is unset).",
        "list"),
    req("OP-8g", V10, "v1.0 §3.1.4", MUST,
        "The contextId, status and statusTimestampAfter (inclusive) filters return only "
        "matching tasks.", "list"),
    req("OP-8h", V10, "v1.0 §3.1.4; v1.0 §13.1", MUST,
        "ListTasks returns only tasks visible to the authenticated caller.", "list", "authz"),
    req("OP-9", BOTH, "v1.0 §3.1.5; v0.3 §7.4", MUST,
        "CancelTask on a cancelable task returns the updated Task.", "cancel", "tasks"),
    req("OP-9b", BOTH, "v1.0 §3.1.5; v0.3 §8.2", MUST,
        "Cancelling a task that cannot be canceled (e.g. already terminal) fails with "
        "TaskNotCancelableError (-32002).", "cancel", "errors"),
    req("OP-9c", BOTH, "v1.0 §3.1.5; v0.3 §7.4; v0.3 §8.2", MUST,
        "CancelTask on an unknown task id fails with TaskNotFoundError (-32001).", "cancel",
        "errors"),
    req("OP-9d", V10, "v1.0 §3.3.1", MUST,
        "CancelTask is idempotent: repeating it has the same effect as the first request.",
        "cancel"),
    req("OP-9e", V10, "v1.0 §3.3.1", MAY,
        "A repeated cancel may fail with TaskNotFoundError once the canceled task was "
        "purged.", "cancel"),
    req("OP-10", V10, "v1.0 §3.1.6", MUST,
        "SubscribeToTask sends the task's current Task as the first event.", "subscribe",
        "streaming"),
    req("OP-10b", V03, "v0.3 §7.9", MUST,
        "tasks/resubscribe reopens an SSE stream of the running task's subsequent updates "
        "(backfill of missed events is implementation-defined).", "subscribe", "streaming"),
    req("OP-10c", V10, "v1.0 §3.1.6", MUST,
        "A SubscribeToTask stream ends when the task reaches a terminal state.", "subscribe",
        "streaming", "state-machine"),
    req("OP-10d", V10, "v1.0 §3.1.6; v1.0 §9.4.6", MUST,
        "SubscribeToTask on a task already in a terminal state fails with "
        "UnsupportedOperationError (-32004).", "subscribe", "errors"),
    req("OP-10e", V10, "v1.0 §3.1.6", MUST,
        "SubscribeToTask on an unknown task id fails with TaskNotFoundError (-32001).",
        "subscribe", "errors"),
    req("OP-10f", V03, "v0.3 §7.9; v0.3 §8.2", MUST,
        "tasks/resubscribe on an unknown task id fails with TaskNotFoundError (-32001).",
        "subscribe", "errors"),
    req("OP-11", BOTH, "v1.0 §3.1.7; v0.3 §7.5", MUST,
        "Creating a push config registers the webhook, and the config persists until the "
        "task completes or the config is deleted.", "push"),
    req("OP-11b", BOTH, "v1.0 §3.1.8; v0.3 §7.6", MUST,
        "Getting a push config returns it (URL and settings), or fails when it does not "
        "exist or the caller lacks access.", "push"),
    req("OP-11c", BOTH, "v1.0 §3.1.9; v0.3 §7.7", MUST,
        "Listing push configs returns every active config of the task.", "push"),
    req("OP-11d", V10, "v1.0 §3.1.9", MAY,
        "Listing push configs may be paginated.", "push"),
    req("OP-11e", BOTH, "v1.0 §3.1.10; v0.3 §7.8", MUST,
        "Deleting a push config removes it for good: no notification goes to it afterwards.",
        "push"),
    req("OP-11f", V10, "v1.0 §3.1.10", MUST,
        "Deleting a push config is idempotent: deleting it again has the same effect.",
        "push"),
    req("OP-12", BOTH, "v1.0 §3.3.2; v1.0 §13.4; v0.3 §10.2", MUST,
        "The agent validates every input parameter before processing and rejects invalid "
        "requests with an error.", "errors", "security"),
    req("OP-12b", V10, "v1.0 §3.3.2", SHOULD,
        "Validation errors name the parameter that failed and why.", "errors"),
    req("OP-12c", V10, "v1.0 §3.3.2", MUST,
        "Requests with invalid or missing credentials are rejected.", "auth", "errors"),
    req("OP-12d", V10, "v1.0 §3.3.2", MUST,
        "Errors never reveal the existence of resources the caller may not access.", "authz",
        "errors"),
    req("OP-12e", V10, "v1.0 §3.3.2", SHOULD,
        "\"Does not exist\" and \"not authorized\" get the same answer (not found).", "authz",
        "errors"),
    req("OP-13", V03, "v0.3 §11.1.2", MUST,
        "The agent implements message/send, tasks/get and tasks/cancel on at least one "
        "transport.", "messaging", "tasks", "cancel"),
)

_GATING = (
    req("GATE-PUSH", V10, "v1.0 §3.3.4", MUST,
        "Without the pushNotifications capability, every push-config operation fails with "
        "PushNotificationNotSupportedError (-32003).", "push", "errors"),
    # v0.3 only says the operations require the capability and that servers SHOULD use the A2A
    # codes (§8.2), so the same rule is a SHOULD there.
    req("GATE-PUSH-V03", V03, "v0.3 §7.5; v0.3 §8.2", SHOULD,
        "Without the pushNotifications capability, every push-config operation fails with "
        "PushNotificationNotSupportedError (-32003).", "push", "errors"),
    req("GATE-STREAM", V10, "v1.0 §3.3.4", MUST,
        "Without the streaming capability, SendStreamingMessage and SubscribeToTask fail "
        "with UnsupportedOperationError (-32004).", "streaming", "errors"),
    req("GATE-STREAM-V03", V03, "v0.3 §7.2; v0.3 §7.9; v0.3 §8.2", SHOULD,
        "Without the streaming capability, message/stream and tasks/resubscribe fail with "
        "an error (UnsupportedOperationError, -32004).", "streaming", "errors"),
    req("GATE-STREAM-WORKS", BOTH, "v1.0 §3.3.4; v1.0 §4.4.3; v0.3 §5.5.2; v0.3 §11.1.3", MUST,
        "A declared streaming capability works: streaming requests answer with an SSE "
        "stream.", "streaming"),
    req("GATE-PUSH-WORKS", BOTH, "v1.0 §3.3.4; v1.0 §4.4.3; v0.3 §5.5.2; v0.3 §11.1.3", MUST,
        "A declared pushNotifications capability works: push-config operations succeed.",
        "push"),
)

_IDS = (
    req("CTX-1", V10, "v1.0 §3.4.1", MUST,
        "A contextId the agent generates appears in the response Task or Message.",
        "messaging"),
    req("CTX-1b", V10, "v1.0 §3.4.1", MAY,
        "The agent may generate a contextId for a message that has none.", "messaging"),
    req("CTX-2", V10, "v1.0 §3.4.1", MUST,
        "A client contextId the agent cannot accept is rejected with an error, never "
        "replaced by a new one.", "messaging", "errors"),
    req("CTX-2b", V10, "v1.0 §3.4.1", MAY,
        "The agent may accept and keep a client-provided contextId.", "messaging"),
    req("CTX-3", V10, "v1.0 §3.4.1", SHOULD,
        "Clients do not invent contextIds and treat the agent's as opaque.", "messaging",
        "client"),
    req("CTX-4", V10, "v1.0 §3.4.2", MUST,
        "Task ids are generated by the agent, unique per task, and returned in the Task.",
        "tasks"),
    req("CTX-4b", V10, "v1.0 §3.4.2", MUST,
        "A client-chosen taskId never creates a task: an id that matches no task fails with "
        "TaskNotFoundError.", "tasks", "errors"),
    req("CTX-5", V10, "v1.0 §3.4.3", MUST,
        "A message with only a taskId is placed in that task's context (contextId "
        "inferred).", "messaging", "tasks"),
    req("CTX-5b", V10, "v1.0 §3.4.3", MUST,
        "A message whose contextId differs from its task's contextId is rejected.",
        "messaging", "errors"),
    req("CTX-6", V10, "v1.0 §3.4.3", SHOULD,
        "Follow-ups reference related tasks in referenceTaskIds, and agents use those "
        "references.", "messaging"),
    req("CTX-7", V03, "v0.3 §6.1", MUST,
        "Every v0.3 Task carries a contextId.", "tasks"),
    req("CTX-7b", V10, "v1.0 §4.2.1; v1.0 §4.2.2", MUST,
        "Status and artifact update events carry taskId and contextId.", "streaming",
        "tasks"),
    req("CTX-7c", V10, "v1.0 §4.1.4", MUST,
        "Messages sent by the agent carry a contextId (and a taskId only when a task "
        "exists).", "messaging"),
    req("CTX-8", BOTH, "v1.0 §3.1.1; v0.3 §6.1; v0.3 §7.1", MUST,
        "A task in a terminal state cannot be restarted; refining its result needs a new "
        "task in the same context.", "tasks", "state-machine"),
)

_HISTORY = (
    req("HIST-1", BOTH, "v1.0 §3.2.4; v0.3 §7.3.1", MUST,
        "With historyLength N > 0 (GetTask, SendMessage configuration, ListTasks) a task "
        "carries at most the N most recent history messages.", "history", "tasks"),
    req("HIST-2", V10, "v1.0 §3.2.4", SHOULD,
        "With historyLength 0 the history field is omitted.", "history"),
    req("HIST-3", V10, "v1.0 §3.2.4", MAY,
        "The agent may return fewer history messages than historyLength allows, or its "
        "default amount when it is unset.", "history"),
    req("HIST-4", BOTH, "v1.0 §3.7; v0.3 §6.1", MAY,
        "Task history holds the messages exchanged for the task (not guaranteed: agents "
        "choose what they persist).", "history"),
)
# fmt: on

RECORDS: tuple[Requirement, ...] = _EXTENSIONS + _OPERATIONS + _GATING + _IDS + _HISTORY
