"""The state-machine observer: transitions, enum values, placeholders, timestamps."""

from __future__ import annotations

from conformance.observer import StateObserver


def _task(state: str, ts: str | None = "2025-01-01T10:00:00.123Z") -> dict[str, object]:
    status: dict[str, object] = {"state": state}
    if ts is not None:
        status["timestamp"] = ts
    return {"id": "t1", "status": status}


def test_terminal_state_change_is_flagged() -> None:
    obs = StateObserver()
    for state in (
        "TASK_STATE_SUBMITTED",
        "TASK_STATE_WORKING",
        "TASK_STATE_COMPLETED",
        "TASK_STATE_COMPLETED",
    ):
        obs.observe_task("s", "1.0", _task(state))
    assert obs.by_rule("transition") == []
    obs.observe_task("s", "1.0", _task("TASK_STATE_WORKING"))
    (violation,) = obs.by_rule("transition", "1.0")
    assert "completed (terminal) and later working" in violation.message
    obs.observe_task("other-scope", "1.0", _task("TASK_STATE_WORKING"))  # a different agent's t1
    assert len(obs.by_rule("transition")) == 1


def test_enum_values_per_version() -> None:
    obs = StateObserver()
    obs.observe_task("s", "1.0", _task("completed"))
    obs.observe_task("s", "0.3", _task("TASK_STATE_COMPLETED"))
    obs.observe_task("s", "0.3", _task("input-required"))
    assert [v.version for v in obs.by_rule("enum")] == ["1.0", "0.3"]
    obs.observe_task("s", "1.0", _task("TASK_STATE_UNSPECIFIED"))
    obs.observe_status_update("s", "0.3", {"taskId": "t2", "status": {"state": "unknown"}})
    assert [v.version for v in obs.by_rule("unspecified")] == ["1.0", "0.3"]


def test_timestamps_strict_v1_lenient_v03() -> None:
    obs = StateObserver()
    for ts in ("2025-01-01T10:00:00Z", "2025-01-01T10:00:00.123456789Z"):
        obs.observe_task("s", "1.0", _task("TASK_STATE_WORKING", ts))
    assert obs.by_rule("timestamp") == []
    for ts in ("2025-01-01T10:00:00+02:00", "2025-01-01T10:00:00", "2025-13-01T10:00:00Z"):
        obs.observe_task("s", "1.0", _task("TASK_STATE_WORKING", ts))
    assert len(obs.by_rule("timestamp", "1.0")) == 3
    for ts in ("2025-04-02T16:59:25.331844", "2025-01-01T10:00:00+02:00"):
        obs.observe_task("s", "0.3", _task("working", ts))
    assert obs.by_rule("timestamp", "0.3") == []
    obs.observe_task("s", "0.3", _task("working", "yesterday"))
    assert len(obs.by_rule("timestamp", "0.3")) == 1
    assert obs.count("timestamp", "1.0") == 5


def test_ignores_non_tasks() -> None:
    obs = StateObserver()
    obs.observe_task("s", "1.0", {"no": "id"})
    obs.observe_task("s", "1.0", "nonsense")
    assert obs.violations == [] and obs.count("enum", "1.0") == 0


def test_stale_snapshot_after_terminal_is_not_a_transition() -> None:
    obs = StateObserver()
    obs.observe_task("s", "1.0", _task("TASK_STATE_CANCELED", "2025-01-01T10:00:05.000Z"))
    obs.observe_task("s", "1.0", _task("TASK_STATE_WORKING", "2025-01-01T10:00:04.999Z"))  # older
    assert obs.by_rule("transition") == []
    obs.observe_task("s", "1.0", _task("TASK_STATE_WORKING", "2025-01-01T10:00:06Z"))  # newer
    assert len(obs.by_rule("transition")) == 1


def test_fractional_timestamp_keeps_its_offset() -> None:
    """A fraction followed by an offset is parsed with that offset, not read as more digits."""
    from datetime import UTC, datetime

    from conformance.observer import _parse_time

    assert _parse_time("2026-01-01T10:00:46.354+02:00") == datetime(
        2026, 1, 1, 8, 0, 46, 354000, tzinfo=UTC
    )
    assert _parse_time("2026-01-01T10:00:46.123456789Z") == datetime(
        2026, 1, 1, 10, 0, 46, 123456, tzinfo=UTC
    )
