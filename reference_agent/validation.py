"""Validation and presentation rules the engine applies to requests and responses.

Kept apart from :mod:`reference_agent.engine` so the rules read as a list: limits on incoming
messages, ``historyLength`` trimming (v1.0 §3.2.4), ListTasks parameter checks (OP-8), and
the push-config page tokens.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

import orjson

from .config import AgentSettings
from .errors import InvalidParamsError
from .model import ListTasksQuery, Message, Part, PushConfig, Role, Task, utc_timestamp

__all__ = [
    "MAX_PAGE_SIZE",
    "check_history_length",
    "normalise_list_query",
    "page_push_configs",
    "trim_history",
    "validate_message",
]

MAX_PAGE_SIZE = 100


def _part_size(part: Part) -> int:
    content = part.content
    if part.kind == "raw":
        return len(content)
    if part.kind == "data":
        return len(orjson.dumps(content))
    # UTF-8 is at most 4 bytes per character: encode only when the bound could matter.
    return len(content) if content.isascii() else len(content.encode())


def validate_message(message: Message, settings: AgentSettings) -> None:
    """Check a client message against the spec and this agent's limits (InvalidParamsError)."""
    if message.role is not Role.USER:
        raise InvalidParamsError(
            f"message.role must be user for a message sent to the agent, got {message.role.value}",
            field="message.role",
        )
    if not message.message_id:
        raise InvalidParamsError("message.messageId must not be empty", field="message.messageId")
    parts = message.parts
    if not parts:
        raise InvalidParamsError("message.parts must not be empty", field="message.parts")
    if len(parts) > settings.max_parts_per_message:
        raise InvalidParamsError(
            f"message has {len(parts)} parts; this agent accepts at most "
            f"{settings.max_parts_per_message} (max_parts_per_message)",
            field="message.parts",
        )
    size = 0
    limit = settings.max_message_bytes
    for part in parts:
        content = part.content
        if part.kind == "text" and content.isascii():  # the common part, sized without a call
            size += len(content)
        else:
            size += _part_size(part)
        if size > limit:
            raise InvalidParamsError(
                f"message content exceeds {limit} bytes (max_message_bytes)", field="message"
            )


def check_history_length(value: int | None, field: str = "historyLength") -> None:
    """``historyLength`` must be unset or >= 0."""
    if value is not None and value < 0:
        raise InvalidParamsError(f"{field} must be >= 0, got {value}", field=field)


def trim_history(task: Task, history_length: int | None) -> Task:
    """Apply v1.0 §3.2.4 to a snapshot in place: unset → all, 0 → none, N → the last N."""
    if history_length is not None:
        task.history = task.history[-history_length:] if history_length > 0 else []
    return task


def _normalise_timestamp(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidParamsError(
            f"statusTimestampAfter must be an ISO 8601 timestamp, got {value[:64]!r}",
            field="statusTimestampAfter",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return utc_timestamp(moment)


def normalise_list_query(query: ListTasksQuery) -> ListTasksQuery:
    """Validate ListTasks parameters (OP-8) and normalise the timestamp filter."""
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise InvalidParamsError(
            f"pageSize must be between 1 and {MAX_PAGE_SIZE}, got {query.page_size}",
            field="pageSize",
        )
    check_history_length(query.history_length)
    if query.status_timestamp_after:
        query.status_timestamp_after = _normalise_timestamp(query.status_timestamp_after)
    return query


def page_push_configs(
    configs: list[PushConfig], page_size: int | None, page_token: str | None
) -> tuple[list[PushConfig], str]:
    """One page of a task's push configs (creation order) and the next token (``""``: last)."""
    if page_size is not None and page_size < 0:
        raise InvalidParamsError(f"pageSize must be >= 0, got {page_size}", field="pageSize")
    start = 0
    if page_token:
        try:
            after = base64.urlsafe_b64decode(page_token + "=" * (-len(page_token) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            after = None
        ids = [c.id for c in configs]
        if after is None or after not in ids:
            raise InvalidParamsError(
                f"invalid pageToken {page_token[:64]!r}: not a token this agent issued "
                "for this task",
                field="pageToken",
            )
        start = ids.index(after) + 1
    size = min(page_size or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    page = configs[start : start + size]
    more = start + size < len(configs)
    token = base64.urlsafe_b64encode(page[-1].id.encode()).decode().rstrip("=") if more else ""
    return page, token
