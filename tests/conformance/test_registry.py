"""The bundled requirement registry: well-formed records that cover the requirements digest.

The digest (``../shared/spec/A2A-REQUIREMENTS.md``) and the spec texts
(``../shared/reference/a2a-spec/``) are read at test time when present, so a renamed digest id
or a section number that does not exist in the cited specification fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance._registry_doc import render
from conformance.registry import Level, Registry, Requirement, default_registry
from conformance.requirements_data import REQUIREMENTS, TAGS

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DIGEST = SHARED / "spec" / "A2A-REQUIREMENTS.md"
SPEC_DIR = SHARED / "reference" / "a2a-spec"
SPECS = {"1.0": SPEC_DIR / "v1.0.1", "0.3": SPEC_DIR / "v0.3.0"}

ID_PATTERN = re.compile(r"^[A-Z]+(?:-[A-Z0-9]+)*-[0-9]+[a-z]?$|^GATE-[A-Z]+(?:-[A-Z0-9]+)*$")
CITATION = re.compile(
    r"^v(?P<version>1\.0|0\.3) (?:§(?P<section>[0-9A-Z]+(?:\.[0-9]+)*)|(?P<topic>topics/[a-z-]+\.md))$"
)


def _citations(req: Requirement) -> list[re.Match[str]]:
    matches = [CITATION.match(part) for part in req.section.split("; ")]
    assert all(matches), f"{req.id}: malformed section {req.section!r}"
    return [m for m in matches if m is not None]


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared/ reference folder is not beside the repo)")
    return path


def test_ids_are_unique_and_the_registry_loads() -> None:
    ids = [r.id for r in REQUIREMENTS]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []
    assert len(default_registry()) == len(REQUIREMENTS)


@pytest.mark.parametrize("req", REQUIREMENTS, ids=lambda r: r.id)
def test_record_is_well_formed(req: Requirement) -> None:
    assert ID_PATTERN.match(req.id), req.id
    assert isinstance(req.level, Level)
    assert req.versions in {("0.3",), ("1.0",), ("0.3", "1.0")}
    cited = {m.group("version") for m in _citations(req)}
    assert cited == set(req.versions), f"{req.id}: sections {req.section!r} vs {req.versions}"
    text = req.paraphrase
    assert text.endswith(".") and "\n" not in text and 20 <= len(text) <= 260, req.id
    assert req.tags and set(req.tags) <= TAGS, f"{req.id}: tags {req.tags}"
    assert len(set(req.tags)) == len(req.tags), req.id
    assert ("ambiguous" in req.tags) == req.id.startswith("AMBIG-"), req.id


def test_every_digest_table_id_is_in_the_registry() -> None:
    digest = _needs(DIGEST).read_text("utf-8")
    table_ids = set(re.findall(r"^\| ([A-Z]+-[0-9]+[a-z]?) \|", digest, flags=re.MULTILINE))
    assert len(table_ids) > 60, "the digest tables were not parsed"
    registry = default_registry()
    assert sorted(i for i in table_ids if i not in registry) == []


def test_every_digest_ambiguity_has_an_ambig_record() -> None:
    digest = _needs(DIGEST).read_text("utf-8")
    section = digest.split("### 2.23", 1)[1].split("\n## ", 1)[0]
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", section, flags=re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 14
    registry = default_registry()
    assert [n for n in numbers if f"AMBIG-{n}" not in registry] == []


@pytest.mark.parametrize("version", ["1.0", "0.3"])
def test_cited_sections_exist_in_the_specification(version: str) -> None:
    spec = _needs(SPECS[version] / "specification.md").read_text("utf-8")
    headings = set(re.findall(r"^#{1,6} ([0-9A-Z]+(?:\.[0-9]+)*)\.?\s", spec, flags=re.MULTILINE))
    assert {"3.1.1", "5.7", "A.2.2"} & headings, "spec headings were not parsed"
    missing = []
    for req in REQUIREMENTS:
        for cite in _citations(req):
            if cite.group("version") != version:
                continue
            if cite.group("section") and cite.group("section") not in headings:
                missing.append(f"{req.id}: §{cite.group('section')}")
            if cite.group("topic") and not (SPECS[version] / cite.group("topic")).exists():
                missing.append(f"{req.id}: {cite.group('topic')}")
    assert missing == []


def test_area_globs_select_whole_areas() -> None:
    registry = default_registry()
    ambiguities = registry.select(["AMBIG-*"])
    assert ambiguities and all("ambiguous" in r.tags for r in ambiguities)
    assert {r.id for r in registry.select(["CARD-9*"])} >= {"CARD-9", "CARD-9b", "CARD-9e"}


def test_requirements_doc_is_up_to_date() -> None:
    committed = (REPO / "docs" / "requirements.md").read_text("utf-8")
    assert committed == render(REQUIREMENTS), (
        "docs/requirements.md is stale: run python -m conformance._registry_doc > "
        "docs/requirements.md"
    )


def test_doc_module_runs_as_a_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "conformance._registry_doc"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=REPO,
    )
    assert result.stdout == render(REQUIREMENTS)


def test_render_escapes_table_pipes_and_counts_levels() -> None:
    reqs = [
        Requirement("X-1", ("1.0",), "v1.0 §1", Level.MUST, "A | B must hold.", ("card",)),
        Requirement("X-2", ("0.3",), "v0.3 §2", Level.MAY, "C may hold.", ("push",)),
    ]
    text = render(Registry(reqs))
    assert "| `X-1` | MUST | 1.0 | v1.0 §1 | A \\| B must hold. | card |" in text
    assert "2 requirements: 1 MUST, 0 SHOULD, 1 MAY." in text
