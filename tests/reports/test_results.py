"""The results model: loading, version check, clear errors, tolerance, redaction on load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reports.results import SCHEMA, ResultsError, load_results, parse_results, write_results

from .factories import check, exchange, requirement, results_doc

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


def _doc() -> dict[str, Any]:
    return results_doc(
        [
            check("ERR-1", "FAIL", message="id must be null", exchanges=[exchange()]),
            check("ERR-1", "PASS", version="0.3"),
            check("CARD-2", "PASS", version=None),
        ],
        [requirement("ERR-1"), requirement("CARD-2", section="v1.0 §8.2", tags=("card",))],
    )


def _write(tmp_path: Path, doc: Any, name: str = "r.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_loads_what_the_plugin_writes(tmp_path: Path) -> None:
    run = load_results(_write(tmp_path, _doc()))
    assert run.schema == SCHEMA
    assert [a.url for a in run.agents] == ["http://127.0.0.1:9999/"]
    assert [(c.requirement, c.grade, c.version) for c in run.checks] == [
        ("ERR-1", "FAIL", "1.0"),
        ("ERR-1", "PASS", "0.3"),
        ("CARD-2", "PASS", None),
    ]
    err1 = run.requirement("ERR-1")
    assert err1 is not None
    assert err1.grade == "FAIL" and err1.grades_by_version == {"0.3": "PASS", "1.0": "FAIL"}
    assert run.checks[0].exchanges[0].status == 200
    assert run.checks[0].trace_id == "0af7651916cd43dd8448eb211c80319c"
    assert run.summary["FAIL"] == 1 and run.exit_code == 1


def test_reads_a_real_file_of_the_plugin_shape_with_unknown_members(tmp_path: Path) -> None:
    doc = _doc()
    doc["future_member"] = {"anything": [1, 2]}
    doc["checks"][0]["new_field"] = "ignored"
    doc["agents"][0]["interfaces"][0]["extra"] = True
    run = load_results(_write(tmp_path, doc))
    assert len(run.checks) == 3


def test_versions_come_from_the_section_when_absent() -> None:
    run = parse_results(_doc())
    err1 = run.requirement("ERR-1")
    card2 = run.requirement("CARD-2")
    assert err1 is not None and card2 is not None
    assert err1.info.versions == ("1.0", "0.3")
    assert card2.info.versions == ("1.0",)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not a results file (not valid JSON"),
        ("[1, 2]", 'not an a2a-harness results file (no "schema" member)'),
        ('{"checks": []}', 'not an a2a-harness results file (no "schema" member)'),
        ('{"schema": "something/else/v1"}', "not an a2a-harness results file (schema"),
        (
            '{"schema": "a2a-harness/results/v2"}',
            "unsupported results schema 'a2a-harness/results/v2': this a2a-harness reads",
        ),
    ],
)
def test_bad_files_get_one_clear_line(tmp_path: Path, content: str, expected: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(ResultsError) as info:
        load_results(path)
    message = str(info.value)
    assert message.startswith(str(path)) and expected in message
    assert "\n" not in message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="no such file"):
        load_results(tmp_path / "absent.json")
    with pytest.raises(ResultsError, match="is a directory"):
        load_results(tmp_path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ResultsError, match="not UTF-8"):
        load_results(path)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["checks"][1].update(grade="OK"), "checks[1].grade: expected one of ERROR"),
        (lambda d: d.update(checks={"a": 1}), "checks: expected an array, got an object"),
        (lambda d: d["checks"][0].pop("requirement"), "checks[0].requirement: required member"),
        (
            lambda d: d["agents"][0].update(interfaces=[{"url": 5}]),
            "agents[0].interfaces[0].url: expected a string, got a number",
        ),
        (lambda d: d.update(exit_code="1"), "exit_code: expected an integer, got a string"),
        (
            lambda d: d["requirements"][0].update(tags="errors"),
            "requirements[0].tags: expected an array",
        ),
        (
            lambda d: d.update(load={"gates": [{"limit": 3}]}),
            "load.gates[0].metric: required member",
        ),
    ],
)
def test_wrong_member_is_named_with_its_path(edit: Any, expected: str) -> None:
    doc = _doc()
    edit(doc)
    with pytest.raises(ResultsError) as info:
        parse_results(doc, "run.json")
    assert str(info.value).startswith("run.json: ")
    assert expected in str(info.value)


def test_credentials_are_redacted_on_load_whoever_wrote_the_file() -> None:
    leaky = exchange(
        headers={"Authorization": f"Bearer {JWT}", "X-Api-Key": "k-12345678", "Accept": "*/*"},
        body={"token": "s3cr3t-value", "jsonrpc": "2.0"},
        response=f'{{"echo": "{JWT}"}}',
    )
    leaky["curl"] = f"curl -H 'Authorization: Bearer {JWT}' -H 'Cookie: sid=abcdef' URL"
    doc = results_doc(
        [
            check(
                "ERR-1",
                "FAIL",
                message=f"got {JWT}",
                actual={"password": "hunter22"},
                exchanges=[leaky],
            )
        ],
        [requirement("ERR-1")],
        options={"headers": ["Authorization: Bearer raw-token-value"], "level": "may"},
    )
    run = parse_results(doc)
    x = run.checks[0].exchanges[0]
    assert x.request_headers == {
        "Authorization": "<redacted>",
        "X-Api-Key": "<redacted>",
        "Accept": "*/*",
    }
    assert "s3cr3t-value" not in x.request_body and '"token": "<redacted>"' in x.request_body
    assert JWT not in x.response_body and JWT not in run.checks[0].message
    assert JWT not in x.curl and "sid=abcdef" not in x.curl
    assert run.checks[0].actual == {"password": "<redacted>"}
    assert run.options["headers"] == ["Authorization: <redacted>"]


def test_write_results_validates_and_writes_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out" / "results.json"
    write_results(target, _doc())
    assert json.loads(target.read_text())["schema"] == SCHEMA
    bad = _doc()
    bad["checks"][0]["grade"] = "MAYBE"
    with pytest.raises(ResultsError):
        write_results(target, bad)
    assert json.loads(target.read_text())["checks"][0]["grade"] == "FAIL"  # old file intact
    assert sorted(p.name for p in target.parent.iterdir()) == ["results.json"]
