"""How a task record changes: the effects both stores apply once the state machine accepted an event.

One copy of these rules, so the memory store and the Redis store (which computes the record in
Python before committing it atomically) cannot drift apart.
"""

from __future__ import annotations

from ..model import Artifact, ArtifactUpdate, StatusUpdate, Task
from .base import TaskEvent

__all__ = ["apply_artifact", "apply_event", "copy_task"]


def copy_task(task: Task) -> Task:
    """A copy whose history and artifact lists can change without touching ``task``.

    Shallow on purpose: statuses and artifacts are replaced, never mutated in place, so only the
    lists need copying for a snapshot to stay frozen in time.
    """
    # Positional, in field order (id, context_id, status, history, artifacts, metadata, owner,
    # tenant): snapshots are taken on every blocking request.
    return Task(
        task.id,
        task.context_id,
        task.status,
        list(task.history),
        list(task.artifacts),
        task.metadata,
        task.owner,
        task.tenant,
    )


def apply_event(task: Task, event: TaskEvent) -> None:
    """Change ``task`` by one event the state machine already accepted."""
    if type(event) is StatusUpdate:
        status = event.status
        if status.message is not None:
            task.history.append(status.message)
        task.status = status
    else:
        apply_artifact(task, event)  # type: ignore[arg-type]


def apply_artifact(task: Task, update: ArtifactUpdate) -> None:
    """Add, replace (same ``artifactId``) or extend (``append``) one artifact of ``task``."""
    new = update.artifact
    artifacts = task.artifacts
    for i, old in enumerate(artifacts):
        if old.artifact_id == new.artifact_id:
            if update.append:
                artifacts[i] = Artifact(
                    artifact_id=old.artifact_id,
                    parts=[*old.parts, *new.parts],
                    name=old.name if new.name is None else new.name,
                    description=old.description if new.description is None else new.description,
                    metadata=old.metadata if new.metadata is None else new.metadata,
                    extensions=old.extensions or new.extensions,
                )
            else:
                artifacts[i] = new
            return
    # An append for an unknown artifact is undefined by the spec; starting it is the kindest.
    artifacts.append(new)
