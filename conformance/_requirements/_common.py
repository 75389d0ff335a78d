"""Shorthands shared by the record modules, so each record reads as one line of a table."""

from __future__ import annotations

from ..registry import Level, Requirement

__all__ = ["BOTH", "MAY", "MUST", "SHOULD", "TAGS", "V03", "V10", "req"]

BOTH: tuple[str, ...] = ("0.3", "1.0")
V03: tuple[str, ...] = ("0.3",)
V10: tuple[str, ...] = ("1.0",)

MUST = Level.MUST
SHOULD = Level.SHOULD
MAY = Level.MAY

#: The tag vocabulary: an area of the protocol or the capability a check depends on.
#: ``ambiguous`` marks a spec contradiction (grade WARNING); ``client`` a rule on clients that
#: the harness itself must follow rather than judge.
TAGS: frozenset[str] = frozenset(
    {
        "ambiguous",
        "auth",
        "authz",
        "bindings",
        "cancel",
        "caching",
        "card",
        "client",
        "errors",
        "extended-card",
        "extensions",
        "grpc",
        "history",
        "jsonrpc",
        "list",
        "messaging",
        "multi-instance",
        "push",
        "rest",
        "security",
        "signing",
        "state-machine",
        "streaming",
        "subscribe",
        "tasks",
        "tenancy",
        "timestamps",
        "versioning",
    }
)


def req(
    req_id: str,
    versions: tuple[str, ...],
    section: str,
    level: Level,
    paraphrase: str,
    *tags: str,
) -> Requirement:
    """Build one record; positional so the record modules stay compact and table-like."""
    return Requirement(
        id=req_id,
        versions=versions,
        section=section,
        level=level,
        paraphrase=paraphrase,
        tags=tags,
    )
