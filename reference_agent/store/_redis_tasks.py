"""Task record changes the Redis store makes in Python before committing them atomically.

They mirror the memory store's effects exactly (the two stores share one behavioural test
suite); they live here rather than being imported from :mod:`.memory` so that each store can
evolve its hot path independently.
"""

from __future__ import annotations

from ..model import Artifact, ArtifactUpdate, Task

__all__ = ["apply_artifact", "copy_task"]


def copy_task(task: Task) -> Task:
    """A copy whose history and artifact lists can change without touching ``task``.

    Shallow on purpose: statuses and artifacts are replaced, never mutated in place.
    """
    return Task(
        id=task.id,
        context_id=task.context_id,
        status=task.status,
        history=list(task.history),
        artifacts=list(task.artifacts),
        metadata=task.metadata,
        owner=task.owner,
        tenant=task.tenant,
    )


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
