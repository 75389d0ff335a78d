"""The grades of a results file, their order, and how several grades aggregate into one.

``reports`` imports nothing of the conformance package (ARCHITECTURE.md), so the grade names are
stated here once more; the results schema (``docs/results-schema.md``) is the contract both sides
keep. Order, from worst to best::

    ERROR       harness error or agent unreachable: never counted as a pass
    FAIL        a MUST requirement is violated
    NON-STRICT  a SHOULD requirement is violated
    WARNING     heuristic or spec-ambiguous finding
    INFO        a MAY item the agent does not do, or a note
    N/A         the agent does not offer the behaviour (only from an explicit probe)
    PASS

Example::

    >>> worst(["PASS", "N/A", "WARNING"])
    'WARNING'
    >>> worst(["N/A", "N/A"])
    'N/A'
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ERROR",
    "FAIL",
    "FAILURE_GRADES",
    "GRADES",
    "INFO",
    "NON_STRICT",
    "NOT_APPLICABLE",
    "PASS",
    "UNTESTED",
    "WARNING",
    "is_failure",
    "rank",
    "worst",
]

ERROR = "ERROR"
FAIL = "FAIL"
NON_STRICT = "NON-STRICT"
WARNING = "WARNING"
INFO = "INFO"
NOT_APPLICABLE = "N/A"
PASS = "PASS"
# Not a grade of the results file: shown for a requirement a run did not check at all.
UNTESTED = "untested"

GRADES: tuple[str, ...] = (ERROR, FAIL, NON_STRICT, WARNING, INFO, NOT_APPLICABLE, PASS)
FAILURE_GRADES: frozenset[str] = frozenset({ERROR, FAIL, NON_STRICT})


def rank(grade: str) -> int:
    """0 for the worst grade (ERROR); an unknown grade ranks as ERROR (never as a pass)."""
    try:
        return GRADES.index(grade)
    except ValueError:
        return 0


def is_failure(grade: str | None) -> bool:
    """Whether ``grade`` reports a violation or an error (an absent grade is not a failure)."""
    return grade in FAILURE_GRADES


def worst(grades: Iterable[str]) -> str | None:
    """The worst of ``grades``; N/A only when nothing else was graded; None when empty."""
    seen = list(grades)
    if not seen:
        return None
    graded = [g for g in seen if g != NOT_APPLICABLE]
    if not graded:
        return NOT_APPLICABLE
    return min(graded, key=rank)
