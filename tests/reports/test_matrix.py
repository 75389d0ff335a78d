"""Merging runs into a matrix, compliance levels per version, and registry coverage."""

from __future__ import annotations

from typing import Any

import pytest

from reports.compliance import compliance_by_version, coverage
from reports.grades import worst
from reports.matrix import build_matrix
from reports.results import parse_results

from .factories import check, requirement, results_doc

OTHER = "http://127.0.0.1:8888/"


def _run(checks: list[dict[str, Any]], reqs: list[dict[str, Any]], **kw: Any) -> Any:
    return parse_results(results_doc(checks, reqs, **kw))


def test_worst_grade_and_na_only_when_all_na() -> None:
    assert worst(["PASS", "WARNING", "N/A"]) == "WARNING"
    assert worst(["PASS", "ERROR", "FAIL"]) == "ERROR"
    assert worst(["N/A", "N/A"]) == "N/A"
    assert worst([]) is None
    assert worst(["PASS", "MYSTERY"]) == "MYSTERY"  # unknown grades rank as ERROR


def test_one_column_per_agent_of_one_run() -> None:
    run = _run(
        [check("ERR-1", "FAIL"), check("ERR-1", "PASS", agent=OTHER)],
        [requirement("ERR-1")],
        agents=["http://127.0.0.1:9999/", OTHER],
    )
    matrix = build_matrix([run])
    assert [c.agent.url for c in matrix.columns if c.agent] == ["http://127.0.0.1:9999/", OTHER]
    assert [cell.grade for cell in matrix.rows[0].cells] == ["FAIL", "PASS"]


def test_several_runs_side_by_side_with_distinct_labels() -> None:
    a = _run([check("ERR-1", "PASS")], [requirement("ERR-1")])
    b = _run(
        [check("ERR-1", "FAIL"), check("ERR-2", "PASS")],
        [requirement("ERR-1"), requirement("ERR-2")],
        started="2025-02-02T00:00:00.000Z",
    )
    matrix = build_matrix([a, b])
    assert len(matrix.columns) == 2
    assert len({c.label for c in matrix.columns}) == 2
    grades = {row.info.id: [c.grade for c in row.cells] for row in matrix.rows}
    assert grades == {"ERR-1": ["PASS", "FAIL"], "ERR-2": ["untested", "PASS"]}


def test_card_name_labels_the_column() -> None:
    run = _run([check("ERR-1", "PASS")], [requirement("ERR-1")], card={"name": "Travel agent"})
    assert build_matrix([run]).columns[0].label == "Travel agent"


def test_load_only_run_merges_into_the_agents_column() -> None:
    suite = _run([check("ERR-1", "PASS")], [requirement("ERR-1")])
    load_doc = results_doc([], [], load={"agent": "http://127.0.0.1:9999/", "gates": []})
    matrix = build_matrix([suite, parse_results(load_doc)])
    assert len(matrix.columns) == 1
    assert matrix.columns[0].load is not None


def test_untested_requirements_are_rows_but_never_pass() -> None:
    untested = [requirement("PUSH-1", tags=("push",))]
    run = _run(
        [check("ERR-1", "PASS")], [requirement("ERR-1")], registry_size=10, untested=untested
    )
    matrix = build_matrix([run])
    assert [(r.info.id, r.cells[0].grade) for r in matrix.rows] == [
        ("ERR-1", "PASS"),
        ("PUSH-1", "untested"),
    ]
    cov = coverage(matrix.columns[0])
    assert (cov.tested, cov.not_applicable, cov.not_tested) == (1, 0, 9)


def test_coverage_unknown_without_registry_size() -> None:
    run = _run(
        [check("ERR-1", "PASS"), check("ERR-2", "N/A")],
        [requirement("ERR-1"), requirement("ERR-2")],
    )
    cov = coverage(build_matrix([run]).columns[0])
    assert (cov.tested, cov.not_applicable, cov.not_tested) == (1, 1, None)


def _levels(checks: list[dict[str, Any]], reqs: list[dict[str, Any]], **kw: Any) -> dict[str, str]:
    matrix = build_matrix([_run(checks, reqs, **kw)])
    return {c.version: c.level for c in compliance_by_version(matrix.columns[0], matrix.catalogue)}


REQS = [
    requirement("M-1", level="MUST"),
    requirement("S-1", level="SHOULD"),
    requirement("Y-1", level="MAY"),
]


@pytest.mark.parametrize(
    ("grades", "level"),
    [
        (("PASS", "PASS", "PASS"), "full"),
        (("PASS", "PASS", "INFO"), "MUST + SHOULD"),
        (("PASS", "NON-STRICT", "PASS"), "MUST-complete"),
        (("PASS", "ERROR", "PASS"), "MUST-complete"),
        (("FAIL", "PASS", "PASS"), "not MUST-complete"),
        (("ERROR", "PASS", "PASS"), "not MUST-complete"),
        (("WARNING", "N/A", "PASS"), "full"),
    ],
)
def test_compliance_levels(grades: tuple[str, str, str], level: str) -> None:
    checks = [
        check(r["id"], g, level=r["level"], version="1.0")
        for r, g in zip(REQS, grades, strict=True)
    ]
    assert _levels(checks, REQS)["1.0"] == level


def test_levels_are_claimed_only_for_what_was_tested() -> None:
    must_only = [check("M-1", "PASS", level="MUST")]
    assert _levels(must_only, REQS)["1.0"] == "MUST-complete"
    everything = [check(r["id"], "PASS", level=r["level"]) for r in REQS]
    capped = _levels(everything, REQS, options={"level": "must"})
    assert capped["1.0"] == "MUST-complete"


def test_baselined_failures_still_block_compliance() -> None:
    checks = [check("M-1", "FAIL", baselined="known since JIRA-1")]
    assert _levels(checks, REQS[:1])["1.0"] == "not MUST-complete"


def test_card_checks_count_for_the_versions_they_apply_to() -> None:
    reqs = [
        requirement("CARD-2", section="v1.0 §8.2; v0.3 §5.3", tags=("card",)),
        requirement("CACHE-2", level="MUST", section="v1.0 §8.6.1", tags=("caching",)),
        requirement("M-1"),
    ]
    checks = [
        check("CARD-2", "PASS", version=None),
        check("CACHE-2", "FAIL", version=None),
        check("M-1", "PASS", version="1.0"),
        check("M-1", "PASS", version="0.3"),
    ]
    levels = _levels(checks, reqs)
    assert levels["1.0"] == "not MUST-complete"  # CACHE-2 applies to v1.0 only
    assert levels["0.3"] != "not MUST-complete"
