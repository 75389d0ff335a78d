"""The results file of a run: a documented, versioned model, and how to load and write it.

The schema is documented in ``docs/results-schema.md``; its name is :data:`SCHEMA`. A file is
loaded with :func:`load_results` (or a parsed document with :func:`parse_results`): the schema
name is checked first, then every member the reports use is type-checked, and a problem is one
:class:`ResultsError` line naming the file and the member. Unknown members are ignored, so a
newer harness that adds members within v1 stays readable; a breaking change gets a new name
(``a2a-harness/results/v2``), which this version refuses with a clear message.

Everything loaded is redacted again (:mod:`reports.redaction`), whoever wrote the file.

Example::

    run = load_results(Path("results.json"))
    print(run.agents[0].url, run.summary.get("FAIL", 0))
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._fields import Fields, SchemaError
from ._model import (
    AgentInfo,
    CheckResult,
    Exchange,
    Finding,
    Interface,
    LoadGate,
    LoadResults,
    LoadSample,
    RequirementInfo,
    RequirementResult,
    SseEvent,
)
from .grades import GRADES
from .redaction import REDACTED, redact_header, redact_headers, redact_text

__all__ = [
    "SCHEMA",
    "SCHEMA_FAMILY",
    "Results",
    "ResultsError",
    "collect_results",
    "load_results",
    "parse_results",
    "read_json",
    "redact_json",
    "write_results",
]

SCHEMA_FAMILY = "a2a-harness/results/"
SCHEMA = SCHEMA_FAMILY + "v1"
LEVELS = ("MUST", "SHOULD", "MAY")
_SECTION_VERSION = re.compile(r"\bv(\d+\.\d+)")


class ResultsError(ValueError):
    """A file that cannot be used as a results file; the message is one line for the user."""


@dataclass(slots=True)
class Results:
    """One run, as its results file describes it (see ``docs/results-schema.md``)."""

    source: str
    schema: str = SCHEMA
    harness_name: str = "a2a-harness"
    harness_version: str = "unknown"
    started: str = ""
    finished: str = ""
    duration_s: float | None = None
    options: dict[str, Any] = field(default_factory=dict)
    agents: list[AgentInfo] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    requirements: list[RequirementResult] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    alarms: list[str] = field(default_factory=list)
    exit_code: int | None = None
    load: LoadResults | None = None
    registry_size: int | None = None
    untested: list[RequirementInfo] = field(default_factory=list)

    def requirement(self, req_id: str) -> RequirementResult | None:
        """The aggregated record of ``req_id``, or None when the run did not check it."""
        return next((r for r in self.requirements if r.id == req_id), None)


def load_results(path: Path) -> Results:
    """Read, check and redact a results file; a problem raises :class:`ResultsError`."""
    return parse_results(read_json(path), str(path))


def read_json(path: Path) -> Any:
    """A parsed JSON file; a problem raises :class:`ResultsError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ResultsError(f"{path}: is a directory, not a results file") from None
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ResultsError(f"{path}: not a results file (not UTF-8 text)") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ResultsError(f"{path}: not a results file (not valid JSON: {exc})") from None
    except RecursionError:
        raise ResultsError(f"{path}: not a results file (JSON nested too deeply)") from None


def collect_results(paths: Sequence[Path]) -> tuple[list[Results], list[str]]:
    """The runs of several results files or directories, and notes about files skipped.

    A directory contributes every ``*.json`` results file in it (sorted by name); other JSON
    files there are skipped with a note, but a directory without any results file, or a
    results file that does not load, is an error.
    """
    runs: list[Results] = []
    notes: list[str] = []
    for path in paths:
        if not path.is_dir():
            runs.append(load_results(path))
            continue
        before = len(runs)
        for file in sorted(p for p in path.glob("*.json") if p.is_file()):
            doc = read_json(file)
            if not isinstance(doc, dict) or "schema" not in doc:
                notes.append(f"skipped {file}: not an a2a-harness results file")
                continue
            runs.append(parse_results(doc, str(file)))
        if len(runs) == before:
            raise ResultsError(f"{path}: directory holds no a2a-harness results file")
    return runs, notes


def parse_results(doc: Any, source: str = "<results>") -> Results:
    """Check and redact a parsed results document; ``source`` names it in error messages."""
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if not isinstance(schema, str):
        raise ResultsError(f'{source}: not an a2a-harness results file (no "schema" member)')
    if not schema.startswith(SCHEMA_FAMILY):
        raise ResultsError(
            f"{source}: not an a2a-harness results file (schema {schema!r}, expected {SCHEMA!r})"
        )
    if schema != SCHEMA:
        raise ResultsError(
            f"{source}: unsupported results schema {schema!r}: this a2a-harness reads {SCHEMA!r}"
            " (upgrade a2a-harness to read newer files)"
        )
    try:
        return _results(Fields(doc, ""), source)
    except SchemaError as exc:
        raise ResultsError(f"{source}: {exc}") from None


def write_results(path: Path, doc: dict[str, Any]) -> Results:
    """Validate ``doc`` and write it atomically (temp file + rename: never half a file).

    Returns the parsed (redacted) :class:`Results`; nothing is written when ``doc`` is invalid.
    """
    results = parse_results(doc, str(path))
    _write_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return results


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def redact_json(value: Any, key: str = "") -> Any:
    """A copy of a JSON value with secret-named members and credential-looking text hidden."""
    if isinstance(value, str):
        return redact_header(key, value) if key else redact_text(value)
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): redact_json(v, str(k)) for k, v in value.items()}
    return value


# -- readers, one per object of the schema ---------------------------------------------------
def _results(f: Fields, source: str) -> Results:
    harness = f.obj("harness")
    registry = f.obj("registry")
    load = f.obj("load")
    summary = f.obj("summary")
    return Results(
        source=source,
        schema=f.text("schema"),
        harness_name=harness.text("name", "a2a-harness") if harness else "a2a-harness",
        harness_version=harness.text("version", "unknown") if harness else "unknown",
        started=f.text("started"),
        finished=f.text("finished"),
        duration_s=f.number("duration_s"),
        options=_options(f.obj("options")),
        agents=[_agent(a) for a in f.objects("agents")],
        checks=[_check(c) for c in f.objects("checks")],
        requirements=[_requirement(r) for r in f.objects("requirements")],
        summary={k: v for k, v in (summary.doc.items() if summary else ()) if _is_count(v)},
        alarms=[redact_text(a) for a in f.texts("alarms")],
        exit_code=f.integer("exit_code"),
        load=_load(load) if load else None,
        registry_size=registry.integer("size") if registry else None,
        untested=[_requirement_info(r) for r in registry.objects("untested")] if registry else [],
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _options(f: Fields | None) -> dict[str, Any]:
    if f is None:
        return {}
    options = redact_json(f.doc)
    headers = options.get("headers")
    if isinstance(headers, list):
        # Shown as "Name: value" strings: the value is hidden whatever the name.
        options["headers"] = [
            f"{str(h).split(':', 1)[0].strip()}: {REDACTED}" if ":" in str(h) else REDACTED
            for h in headers
        ]
    return options


def _agent(f: Fields) -> AgentInfo:
    card = f.obj("card")
    return AgentInfo(
        url=f.text("url"),
        card_url=f.opt_text("card_url"),
        card_problem=f.opt_text("card_problem"),
        legacy_path=bool(f.flag("legacy_path")),
        interfaces=[
            Interface(
                url=i.text("url"),
                binding=i.text("binding"),
                version=i.opt_text("version"),
                declared_version=i.opt_text("declared_version"),
                tenant=i.opt_text("tenant"),
                source=i.opt_text("source"),
                tested=bool(i.flag("tested")),
            )
            for i in f.objects("interfaces")
        ],
        card=redact_json(card.doc) if card else None,
    )


def _grade(f: Fields, key: str = "grade") -> str:
    return f.choice(key, GRADES)


def _requirement_info(f: Fields) -> RequirementInfo:
    section = f.text("section")
    # Files without "versions" still name them in the section ("v1.0 §8.2; v0.3 §5.3").
    versions = f.texts("versions") or list(dict.fromkeys(_SECTION_VERSION.findall(section)))
    return RequirementInfo(
        id=f.text("id") or _missing(f, "id"),
        level=f.choice("level", LEVELS, default="MUST"),
        section=section,
        paraphrase=redact_text(f.text("paraphrase")),
        tags=tuple(f.texts("tags")),
        versions=tuple(versions),
    )


def _requirement(f: Fields) -> RequirementResult:
    by_version = f.obj("grades_by_version")
    return RequirementResult(
        info=_requirement_info(f),
        grade=_grade(f),
        grades_by_version={k: _grade(by_version, k) for k in by_version.doc} if by_version else {},
        checks=f.texts("checks"),
        baselined=f.opt_text("baselined"),
    )


def _missing(f: Fields, key: str) -> str:
    where = f"{f.path}.{key}" if f.path else key
    raise SchemaError(f"{where}: required member is missing or empty")


def _check(f: Fields) -> CheckResult:
    evidence = f.obj("evidence")
    exchanges = [_exchange(x) for x in evidence.objects("exchanges")] if evidence else []
    return CheckResult(
        nodeid=f.text("nodeid"),
        name=f.text("name"),
        requirement=f.text("requirement") or _missing(f, "requirement"),
        level=f.choice("level", LEVELS, default="MUST"),
        section=f.text("section"),
        grade=_grade(f),
        version=f.opt_text("version"),
        interface=f.opt_text("interface"),
        agent=f.opt_text("agent"),
        message=redact_text(f.text("message")),
        expected=redact_json(f.doc.get("expected")),
        actual=redact_json(f.doc.get("actual")),
        findings=[
            Finding(
                grade=_grade(x),
                message=redact_text(x.text("message")),
                expected=redact_json(x.doc.get("expected")),
                actual=redact_json(x.doc.get("actual")),
            )
            for x in f.objects("findings")
        ],
        baselined=f.opt_text("baselined"),
        duration_s=f.number("duration_s"),
        trace_id=f.opt_text("trace_id") or (evidence.opt_text("trace_id") if evidence else None),
        exchanges=exchanges,
    )


def _headers(f: Fields | None) -> dict[str, str]:
    return redact_headers(f.doc) if f else {}


def _exchange(f: Fields) -> Exchange:
    request = f.obj("request") or Fields({}, f"{f.path}.request")
    response = f.obj("response")
    return Exchange(
        method=request.text("method"),
        url=redact_text(request.text("url")),
        request_headers=_headers(request.obj("headers")),
        request_body=redact_text(request.text("body")),
        status=response.integer("status") if response else None,
        response_headers=_headers(response.obj("headers") if response else None),
        response_body=redact_text(response.text("body")) if response else "",
        events=[
            SseEvent(
                at_s=e.number("at_s") or 0.0,
                event=e.text("event"),
                data=redact_text(e.text("data")),
            )
            for e in f.objects("events")
        ],
        elapsed_s=f.number("elapsed_s"),
        error=redact_text(f.text("error")) or None,
        curl=redact_text(f.text("curl")),
        trace_id=f.opt_text("trace_id"),
    )


def _load(f: Fields) -> LoadResults:
    # Also read as written by the first load command: "stats_over_time", "agent_urls",
    # "elapsed_s", "metrics" and limits as text ("<250ms").
    metrics = f.obj("metrics")
    requests = f.integer("requests")
    if requests is None and metrics is not None and (total := metrics.number("requests")):
        requests = int(total)
    urls = f.texts("agent_urls")
    return LoadResults(
        agent=f.opt_text("agent") or (urls[0] if urls else None),
        scenario=f.opt_text("scenario"),
        users=f.integer("users"),
        duration_s=f.number("duration_s") or f.number("elapsed_s"),
        requests=requests,
        failures=f.integer("failures") if isinstance(f.doc.get("failures"), int) else None,
        passed=f.flag("passed"),
        problems=[redact_text(p) for p in f.texts("problems")],
        gates=[_gate(g) for g in f.objects("gates")],
        stats=[
            LoadSample(
                t=s.number("t") or 0.0,
                p50=s.number("p50"),
                p95=s.number("p95"),
                p99=s.number("p99"),
                rps=s.number("rps"),
                errors=s.number("errors"),
            )
            for s in (f.objects("stats") or f.objects("stats_over_time"))
        ],
    )


def _gate(g: Fields) -> LoadGate:
    metric = g.text("metric") or _missing(g, "metric")
    raw_limit = g.doc.get("limit")
    limit = raw_limit if isinstance(raw_limit, str) else g.number("limit")
    return LoadGate(
        metric=metric,
        limit=limit,
        observed=g.number("observed"),
        passed=bool(g.flag("passed")),
        unit=g.text("unit") or _unit_of(metric),
        expression=g.text("expression"),
    )


def _unit_of(metric: str) -> str:
    if re.fullmatch(r"(\w+_)?(p\d+|avg|max)", metric):
        return "ms"
    return {"errors": "%", "rps": "/s", "streams_per_s": "/s"}.get(metric, "")
