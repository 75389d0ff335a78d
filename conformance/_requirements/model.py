"""Data model: task states, object shapes, serialization and timestamps (§2.11, §2.12, §2.20)."""

from __future__ import annotations

from ..registry import Requirement
from ._common import BOTH, MAY, MUST, SHOULD, V03, V10, req

__all__ = ["RECORDS"]

# fmt: off
_STATES = (
    req("STATE-1", BOTH, "v1.0 §4.1.3; v0.3 §6.1", MUST,
        "A task that reached a terminal state (completed, failed, canceled, rejected) never "
        "changes state again.", "state-machine", "tasks"),
    req("STATE-2", BOTH, "v1.0 §3.1.5; v0.3 §7.4", SHOULD,
        "A successful cancel leaves the task in the canceled state.", "state-machine",
        "cancel"),
    req("STATE-3", BOTH, "v1.0 §3.4.3; v1.0 §7.6.1; v0.3 §4.5", SHOULD,
        "An interrupted task (input-required, auth-required) resumes working or finishes "
        "after the client's input or credentials.", "state-machine", "tasks"),
    req("STATE-4", BOTH, "v1.0 §4.1.3; v1.0 §5.5; v0.3 §6.3", MUST,
        "Task states use the version's names: v1.0 TASK_STATE_* names, v0.3 lower-case "
        "(submitted, input-required, …).", "state-machine", "tasks"),
    req("STATE-5", BOTH, "v1.0 §4.1.3; v0.3 §6.3", SHOULD,
        "No response reports the placeholder state TASK_STATE_UNSPECIFIED (v0.3: unknown).",
        "state-machine", "tasks"),
    req("STATE-6", BOTH, "v1.0 §4.1.3; v0.3 §6.3", MAY,
        "A task may go from submitted straight to a terminal state without a working state, "
        "and may be rejected at creation or later.", "state-machine", "tasks"),
)

_OBJECTS = (
    req("OBJ-1", BOTH, "v1.0 §4.1.1; v0.3 §6.1", MUST,
        "A Task has id and status (v0.3 also kind \"task\" and contextId).", "tasks"),
    req("OBJ-2", BOTH, "v1.0 §4.1.2; v0.3 §6.2", MUST,
        "A TaskStatus has a state, with an optional message and timestamp.", "tasks"),
    req("OBJ-3", BOTH, "v1.0 §4.1.4; v1.0 §4.1.5; v0.3 §6.4", MUST,
        "A Message has messageId, role (v1.0 ROLE_USER/ROLE_AGENT, v0.3 user/agent) and "
        "parts, non-empty in v1.0 (v0.3 also kind \"message\").", "messaging"),
    req("OBJ-4", BOTH, "v1.0 §4.1.6; v0.3 §6.5", MUST,
        "A Part carries exactly one content (v1.0 text, raw, url or data; v0.3 kind text, "
        "file with bytes or uri, or data holding an object).", "messaging"),
    req("OBJ-5", BOTH, "v1.0 §4.1.7; v0.3 §6.7", MUST,
        "An Artifact has artifactId and parts, non-empty in v1.0.", "tasks"),
    req("OBJ-6", BOTH, "v1.0 §4.1.7; v0.3 §6.7", MUST,
        "Artifact ids are unique within a task.", "tasks"),
    req("OBJ-7", BOTH, "v1.0 §4.2.1; v0.3 §7.2.2", MUST,
        "A status update event has taskId, contextId and status (v0.3 also kind "
        "\"status-update\" and final).", "streaming"),
    req("OBJ-8", BOTH, "v1.0 §4.2.2; v0.3 §7.2.3", MUST,
        "An artifact update event has taskId, contextId and artifact (v0.3 also kind "
        "\"artifact-update\").", "streaming"),
    req("OBJ-9", BOTH, "v1.0 §3.1.1; v1.0 §9.4.1; v0.3 §7.1", MUST,
        "The SendMessage result is {\"task\": …} or {\"message\": …} in v1.0, and a bare "
        "Task or Message told apart by kind in v0.3.", "messaging"),
    req("OBJ-10", V10, "v1.0 §3.2.3", MUST,
        "Each StreamResponse holds exactly one of task, message, statusUpdate and "
        "artifactUpdate.", "streaming"),
    req("OBJ-11", BOTH, "v1.0 §3.7; v0.3 §6.1", SHOULD,
        "Task outputs are delivered as artifacts, not as messages.", "tasks", "messaging"),
)

_SERIALIZATION = (
    req("SER-1", V10, "v1.0 §5.5", MUST,
        "JSON field names are camelCase.", "messaging"),
    req("SER-2", V10, "v1.0 §5.5", MUST,
        "Enum values are their ProtoJSON string names (TASK_STATE_COMPLETED, ROLE_AGENT), "
        "never numbers.", "messaging"),
    req("SER-3", V10, "v1.0 §4.1.6", MUST,
        "Binary content (Part.raw) is base64 encoded.", "messaging"),
    req("SER-4", V10, "v1.0 §14.1.1", MUST,
        "JSON bodies are encoded in UTF-8.", "messaging"),
    req("TS-1", V10, "v1.0 §5.6.1", MUST,
        "Timestamps are ISO 8601 in UTC with a 'Z' suffix, never with another offset.",
        "timestamps"),
    req("TS-2", V10, "v1.0 §5.6.1", SHOULD,
        "Timestamps carry millisecond precision.", "timestamps"),
    req("TS-3", V10, "v1.0 §5.6.1", MAY,
        "Timestamps may omit the fractional seconds.", "timestamps"),
    req("TS-4", V10, "v1.0 §5.6.1", MUST,
        "The agent parses ISO 8601 timestamps in requests correctly (e.g. "
        "statusTimestampAfter).", "timestamps", "list"),
    req("TS-5", V03, "v0.3 §6.2", MUST,
        "A v0.3 TaskStatus.timestamp is an ISO 8601 date-time string (a missing zone is "
        "tolerated, as in the spec's own examples).", "timestamps"),
)
# fmt: on

RECORDS: tuple[Requirement, ...] = _STATES + _OBJECTS + _SERIALIZATION
