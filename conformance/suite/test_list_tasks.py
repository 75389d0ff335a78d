"""ListTasks (v1.0 §3.1.4): response fields, pagination, ordering, filters, includeArtifacts.

The checks make their own tasks in one context (three echo tasks) and list that context, so
other traffic on the agent does not disturb them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from conformance.grading import Check
from conformance.target import Target

MAX_PAGES = 10


def _context_with_tasks(a2a: Target, check: Check, count: int = 3) -> tuple[str, list[str]]:
    first = a2a.task_or_na("echo")
    context = first.get("contextId")
    if not isinstance(context, str) or not context:
        check.not_applicable("the probe task has no contextId to filter on")
    ids = [first["id"]]
    for _ in range(count - 1):
        reply = a2a.send_reply("echo", context_id=context)
        if reply.error is not None:
            check.not_applicable(
                f"the agent refused a second task in the same context ({reply.error_code})"
            )
        read = a2a.read_send(reply)
        if read.kind != "task":
            check.not_applicable("the agent answered with a Message")
        ids.append(read.body["id"])
    return context, ids


def _list(a2a: Target, **params: Any) -> dict[str, Any]:
    result = a2a.rpc.call("list", params).expect_result("ListTasks")
    if not isinstance(result, dict):
        raise AssertionError(f"ListTasks result is not an object: {result!r}")
    for task in result.get("tasks") or []:
        a2a.observe_task(task)
    return result


def _walk(a2a: Target, **params: Any) -> list[dict[str, Any]]:
    pages, token = [], None
    for _ in range(MAX_PAGES):
        page = _list(a2a, **params, **({"pageToken": token} if token else {}))
        pages.append(page)
        token = page.get("nextPageToken")
        if not token:
            break
    return pages


@pytest.mark.requirement("OP-8")
def test_list_response_fields(a2a: Target, check: Check) -> None:
    """The answer has tasks, nextPageToken, pageSize and totalSize."""
    context, _ = _context_with_tasks(a2a, check, 1)
    page = _list(a2a, contextId=context)
    missing = [k for k in ("tasks", "nextPageToken", "pageSize", "totalSize") if k not in page]
    check.that(not missing, "ListTasks response members are missing", actual=missing)


@pytest.mark.requirement("OP-8b")
def test_next_page_token_always_present(a2a: Target, check: Check) -> None:
    """nextPageToken is present on every page and the empty string on the last."""
    context, _ = _context_with_tasks(a2a, check)
    pages = _walk(a2a, contextId=context, pageSize=2)
    tokens = [p.get("nextPageToken", "<absent>") for p in pages]
    check.that("<absent>" not in tokens, "a page has no nextPageToken", actual=tokens)
    check.equal(tokens[-1], "", what="nextPageToken of the last page")


@pytest.mark.requirement("OP-8c")
def test_newest_status_first(a2a: Target, check: Check) -> None:
    """Tasks come ordered by status timestamp, most recent first."""
    context, _ = _context_with_tasks(a2a, check)
    tasks = _list(a2a, contextId=context)["tasks"]
    stamps = [t.get("status", {}).get("timestamp") for t in tasks]
    if not all(isinstance(s, str) for s in stamps):
        check.not_applicable("listed tasks carry no status timestamps to order by")
    parsed = [datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps]
    check.that(parsed == sorted(parsed, reverse=True), "tasks are not newest first", actual=stamps)


@pytest.mark.requirement("OP-8d")
def test_cursor_walks_every_task_once(a2a: Target, check: Check) -> None:
    """Following nextPageToken (pageSize 2) visits each task of the context exactly once."""
    context, ids = _context_with_tasks(a2a, check)
    pages = _walk(a2a, contextId=context, pageSize=2)
    seen = [t.get("id") for p in pages for t in p.get("tasks", [])]
    check.that(len(pages) < MAX_PAGES, "the cursor never ended", actual=f"{len(pages)} pages")
    check.equal(sorted(seen, key=str), sorted(ids), what="task ids over all pages")


@pytest.mark.requirement("OP-8e")
def test_artifacts_only_when_asked(a2a: Target, check: Check) -> None:
    """Without includeArtifacts no listed task has an ``artifacts`` member; with it, they do."""
    context, _ = _context_with_tasks(a2a, check, 1)
    plain = _list(a2a, contextId=context)["tasks"]
    check.that(
        all("artifacts" not in t for t in plain), "artifacts listed without includeArtifacts"
    )
    full = _list(a2a, contextId=context, includeArtifacts=True)["tasks"]
    check.that(
        any(t.get("artifacts") for t in full),
        "includeArtifacts: true listed no artifacts",
        actual=full,
    )


@pytest.mark.requirement("OP-8f")
def test_page_size_respected(a2a: Target, check: Check) -> None:
    """A page holds at most pageSize tasks."""
    context, _ = _context_with_tasks(a2a, check)
    page = _list(a2a, contextId=context, pageSize=1)
    check.that(
        len(page.get("tasks", [])) <= 1, "a page exceeds pageSize 1", actual=len(page["tasks"])
    )


@pytest.mark.requirement("OP-8g")
def test_context_filter(a2a: Target, check: Check) -> None:
    """The contextId filter returns only (and all) that context's tasks."""
    context, ids = _context_with_tasks(a2a, check, 2)
    a2a.task_or_na("echo")  # a task in another context, which must not be listed
    tasks = _list(a2a, contextId=context)["tasks"]
    check.equal(sorted(t.get("id") for t in tasks), sorted(ids), what="ids listed for the context")
