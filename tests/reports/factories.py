"""Results documents for report tests, built the way the conformance plugin writes them (v1).

:func:`results_doc` assembles a whole document from :func:`check` and :func:`requirement`
records; :func:`synthetic_run` makes a large run (hundreds of requirements, failures with
evidence and SSE events) for size and load-time figures.
"""

from __future__ import annotations

import copy
import json
from typing import Any

__all__ = [
    "AGENT",
    "check",
    "exchange",
    "requirement",
    "results_doc",
    "synthetic_run",
]

AGENT = "http://127.0.0.1:9999/"
TRACE = "0af7651916cd43dd8448eb211c80319c"


def exchange(
    *,
    method: str = "POST",
    url: str = AGENT,
    body: Any = None,
    status: int | None = 200,
    response: Any = None,
    headers: dict[str, str] | None = None,
    events: list[tuple[float, str]] | None = None,
    trace_id: str = TRACE,
) -> dict[str, Any]:
    """One recorded request/response (``events``: (seconds, data) SSE arrivals)."""
    request_body = body if isinstance(body, str) else json.dumps(body or {"jsonrpc": "2.0"})
    response_body = response if isinstance(response, str) else json.dumps(response or {})
    return {
        "request": {
            "method": method,
            "url": url,
            "headers": headers or {"Content-Type": "application/json", "A2A-Version": "1.0"},
            "body": request_body,
        },
        "response": None
        if status is None
        else {
            "status": status,
            "headers": {"content-type": "application/json"},
            "body": response_body,
        },
        "events": [{"at_s": at, "event": "message", "data": data} for at, data in events or []],
        "elapsed_s": 0.0123,
        "error": None if status is not None else "ConnectError: connection refused",
        "curl": f"curl -sS -i -X {method} '{url}' --data-binary '{request_body}'",
        "trace_id": trace_id,
    }


def check(
    req_id: str,
    grade: str = "PASS",
    *,
    level: str = "MUST",
    version: str | None = "1.0",
    agent: str = AGENT,
    message: str = "",
    expected: Any = None,
    actual: Any = None,
    exchanges: list[dict[str, Any]] | None = None,
    baselined: str | None = None,
    findings: list[dict[str, Any]] | None = None,
    section: str = "v1.0 §9.5",
) -> dict[str, Any]:
    """One check as the plugin writes it."""
    suffix = f"v{version}-jsonrpc" if version else "agent"
    return {
        "nodeid": f"test_x.py::test_{req_id.lower()}[{suffix}]",
        "name": f"test_{req_id.lower()}[{suffix}]",
        "requirement": req_id,
        "level": level,
        "section": section,
        "version": version,
        "interface": agent if version else None,
        "agent": agent,
        "grade": grade,
        "message": message,
        "expected": expected,
        "actual": actual,
        "findings": findings or [],
        "baselined": baselined,
        "duration_s": 0.004,
        "trace_id": TRACE,
        "evidence": {"trace_id": TRACE, "exchanges": exchanges or []},
    }


def requirement(
    req_id: str,
    *,
    level: str = "MUST",
    section: str = "v1.0 §9.5; v0.3 §8.1",
    paraphrase: str | None = None,
    tags: tuple[str, ...] = ("errors",),
) -> dict[str, Any]:
    """A requirement record (its grades are filled in by :func:`results_doc`)."""
    return {
        "id": req_id,
        "level": level,
        "section": section,
        "paraphrase": paraphrase or f"The rule {req_id} holds.",
        "tags": list(tags),
    }


def _worst(grades: list[str]) -> str:
    order = ["ERROR", "FAIL", "NON-STRICT", "WARNING", "INFO", "N/A", "PASS"]
    graded = [g for g in grades if g != "N/A"] or ["N/A"]
    return min(graded, key=order.index)


def results_doc(
    checks: list[dict[str, Any]],
    requirements: list[dict[str, Any]],
    *,
    agents: list[str] | None = None,
    registry_size: int | None = None,
    untested: list[dict[str, Any]] | None = None,
    load: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    card: dict[str, Any] | None = None,
    started: str = "2025-01-01T10:00:00.000Z",
) -> dict[str, Any]:
    """A full v1 document; requirement grades are aggregated from ``checks`` like the plugin."""
    reqs = []
    for rec in requirements:
        mine = [c for c in checks if c["requirement"] == rec["id"]]
        if not mine:
            continue
        by_version: dict[str, list[str]] = {}
        for c in mine:
            by_version.setdefault(c["version"] or "card", []).append(c["grade"])
        reqs.append(
            {
                **copy.deepcopy(rec),
                "grade": _worst([c["grade"] for c in mine]),
                "grades_by_version": {v: _worst(g) for v, g in sorted(by_version.items())},
                "checks": [c["nodeid"] for c in mine],
                "baselined": next((c["baselined"] for c in mine if c["baselined"]), None),
            }
        )
    summary = {g: 0 for g in ("ERROR", "FAIL", "NON-STRICT", "WARNING", "INFO", "N/A", "PASS")}
    for c in checks:
        summary[c["grade"]] += 1
    summary["baselined"] = sum(1 for c in checks if c["baselined"])
    agent_urls = agents or [AGENT]
    doc: dict[str, Any] = {
        "schema": "a2a-harness/results/v1",
        "harness": {"name": "a2a-harness", "version": "0.1.0"},
        "started": started,
        "finished": "2025-01-01T10:00:12.000Z",
        "duration_s": 12.0,
        "options": options or {"agent_urls": agent_urls, "level": "may", "headers": []},
        "agents": [
            {
                "url": url,
                "card_url": url + ".well-known/agent-card.json",
                "card_problem": None,
                "legacy_path": False,
                "interfaces": [
                    {"url": url, "binding": "JSONRPC", "version": "1.0", "tested": True},
                    {"url": url, "binding": "JSONRPC", "version": "0.3", "tested": True},
                ],
                **({"card": card} if card is not None else {}),
            }
            for url in agent_urls
        ],
        "checks": checks,
        "requirements": reqs,
        "summary": summary,
        "alarms": [],
        "exit_code": 1 if summary["FAIL"] or summary["ERROR"] else 0,
    }
    if registry_size is not None or untested:
        doc["registry"] = {"size": registry_size, "untested": untested or []}
    if load is not None:
        doc["load"] = load
    return doc


def synthetic_run(n_requirements: int = 300, *, fail_every: int = 5) -> dict[str, Any]:
    """A large run: ``n_requirements`` requirements in 12 areas, one check per version each.

    Every ``fail_every``-th requirement fails in v1.0 with three exchanges of evidence (4 KiB
    bodies, the largest the plugin writes) and a 30-event SSE stream; every 7th is N/A in
    v0.3 and every 11th has a warning.
    """
    areas = [
        "card", "messaging", "streaming", "push", "errors", "tasks",
        "versioning", "security", "list", "cancel", "history", "extensions",
    ]  # fmt: skip
    big = json.dumps({"jsonrpc": "2.0", "id": 1, "result": {"text": "x" * 3900}})
    requirements, checks = [], []
    for i in range(n_requirements):
        req_id = f"{areas[i % len(areas)].upper()[:4]}-{i}"
        level = ("MUST", "SHOULD", "MAY")[i % 3]
        requirements.append(
            requirement(
                req_id,
                level=level,
                tags=(areas[i % len(areas)], "jsonrpc"),
                paraphrase=f"Requirement {i}: the agent answers request kind {i} as the spec says.",
            )
        )
        failing = i % fail_every == 0
        grade_v1 = (
            {"MUST": "FAIL", "SHOULD": "NON-STRICT", "MAY": "INFO"}[level] if failing else "PASS"
        )
        evidence = []
        if failing:
            stream = [(0.01 * k, json.dumps({"k": k, "pad": "y" * 200})) for k in range(30)]
            evidence = [
                exchange(body={"jsonrpc": "2.0", "id": n, "method": "SendMessage"}, response=big)
                for n in range(2)
            ] + [exchange(body={"jsonrpc": "2.0", "id": 9}, response="", events=stream)]
        checks.append(
            check(
                req_id,
                grade_v1,
                level=level,
                version="1.0",
                message=f"request kind {i} was answered wrongly" if failing else "",
                expected={"code": -32700, "id": None} if failing else None,
                actual={"code": -32603, "id": 1} if failing else None,
                exchanges=evidence,
                findings=[{"grade": "WARNING", "message": "spec-ambiguous"}] if i % 11 == 0 else [],
            )
        )
        grade_v03 = "N/A" if i % 7 == 0 else "PASS"
        checks.append(
            check(
                req_id,
                grade_v03,
                level=level,
                version="0.3",
                message="the card does not declare it" if grade_v03 == "N/A" else "",
            )
        )
    return results_doc(checks, requirements, registry_size=n_requirements + 20)
