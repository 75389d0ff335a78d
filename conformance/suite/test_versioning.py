"""Version negotiation through ``A2A-Version`` (v1.0 §3.6; digest §2.5)."""

from __future__ import annotations

import pytest

from conformance.client.dialects import dialect_for
from conformance.client.jsonrpc import JsonRpcBinding
from conformance.grading import Check
from conformance.target import Target

VERSION_NOT_SUPPORTED = -32009
TASK_NOT_FOUND = -32001


@pytest.mark.requirement("VER-3b")
def test_unsupported_version_rejected(a2a: Target, check: Check) -> None:
    """A request for version 99.0 fails with VersionNotSupportedError (-32009)."""
    method = a2a.dialect.method("get")
    assert method is not None
    reply = a2a.rpc.call_method(
        method, a2a.dialect.get_task_params(a2a.unknown_task_id()), headers={"A2A-Version": "99.0"}
    )
    reply.expect_error(VERSION_NOT_SUPPORTED, "GetTask with A2A-Version: 99.0")


@pytest.mark.requirement("VER-3")
def test_requested_version_is_honoured(a2a: Target, check: Check) -> None:
    """With ``A2A-Version: 1.0`` the v1.0 method is served (unknown task → -32001, not -32009)."""
    reply = a2a.get_task_reply(a2a.unknown_task_id())
    reply.expect_error(TASK_NOT_FOUND, "GetTask (v1.0) of an unknown task with A2A-Version: 1.0")


@pytest.mark.requirement("VER-4")
def test_absent_version_means_0_3(a2a: Target, check: Check) -> None:
    """No ``A2A-Version`` is v0.3: served as v0.3 where this URL offers v0.3, else -32009."""
    dual_here = any(
        i.version == "0.3" and i.url.rstrip("/") == a2a.interface.url.rstrip("/") and not i.forced
        for i in a2a.agent.interfaces
    )
    unversioned = JsonRpcBinding(
        a2a.http,
        a2a.interface.url,
        dialect_for("0.3"),
        version_header=None,
        extensions=a2a.required_extensions(),
    )
    if dual_here:
        reply = unversioned.call_method("tasks/get", {"id": a2a.unknown_task_id()})
        reply.expect_error(
            TASK_NOT_FOUND, "v0.3 tasks/get without A2A-Version at a URL that also offers v0.3"
        )
    else:
        # Both method names: an agent that wrongly assumed 1.0 answers GetTask with
        # TaskNotFound, and one that dispatches by method name before negotiating the version
        # answers a real v0.3 client's tasks/get with -32601 (a2a-sdk 1.3 does).
        task_id = a2a.unknown_task_id()
        for method in ("GetTask", "tasks/get"):
            unversioned.call_method(method, {"id": task_id}).expect_error(
                VERSION_NOT_SUPPORTED,
                f"{method} without A2A-Version (= v0.3) at a URL that offers only v1.0",
            )
