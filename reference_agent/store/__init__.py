"""Task stores: the :class:`TaskStore` seam and its in-memory implementation.

``open_store(settings)`` picks the implementation from ``settings.store_url``; a Redis store
(issue 6) plugs in here without any handler change.
"""

from __future__ import annotations

from ..config import AgentSettings
from .base import (
    Applied,
    PushRegistration,
    StateConflictError,
    Subscription,
    TaskEvent,
    TaskScope,
    TaskStore,
)
from .memory import MemoryTaskStore

__all__ = [
    "Applied",
    "MemoryTaskStore",
    "PushRegistration",
    "StateConflictError",
    "Subscription",
    "TaskEvent",
    "TaskScope",
    "TaskStore",
    "open_store",
]


def open_store(settings: AgentSettings) -> TaskStore:
    """The store named by ``settings.store_url``: ``memory://`` or ``redis://``/``rediss://``.

    Raises ``ValueError`` with a clear message for a scheme this build does not support.
    """
    url = settings.store_url or "memory://"
    scheme = url.split(":", 1)[0].lower()
    if scheme == "memory":
        return MemoryTaskStore(
            task_ttl_seconds=settings.task_ttl_seconds, max_tasks=settings.max_tasks
        )
    if scheme in ("redis", "rediss"):
        # Imported here so that memory mode never loads the Redis client.
        from .redis import RedisTaskStore

        return RedisTaskStore(
            url,
            task_ttl_seconds=settings.task_ttl_seconds,
            max_tasks=settings.max_tasks,
            lease_ttl_seconds=settings.lease_ttl_seconds,
        )
    raise ValueError(
        f"unsupported task store {url.split('://', 1)[0]!r}: use memory:// or redis://host:port/db"
    )
