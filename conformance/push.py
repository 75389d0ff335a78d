"""Push-notification configs and payloads in the two wire dialects (digest §2.14).

v1.0 configs are flat (``TaskPushNotificationConfig{id, taskId, url, token, authentication
{scheme, credentials}}``) and webhook bodies are ``StreamResponse`` objects; v0.3 configs are
nested (``{taskId, pushNotificationConfig{id, url, token, authentication{schemes,
credentials}}}``) and webhook bodies are the Task (the spec's example; the shape is not strictly
defined). Written from the spec, shared with nothing on the agent side.

Example::

    params = create_params("1.0", task_id, endpoint)
    view = read_config("1.0", reply.result)
    assert view.problems == [] and view.url == endpoint.url
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .client.dialects import V03_STATES, V1_STATES
from .webhook import Endpoint

__all__ = [
    "ConfigView",
    "create_params",
    "delete_params",
    "get_params",
    "inline_config",
    "list_params",
    "notification_shape_problems",
    "notification_state",
    "notification_task_id",
    "read_config",
    "read_config_list",
]


def _config_body(version: str, endpoint: Endpoint) -> dict[str, Any]:
    if version == "1.0":
        return {
            "url": endpoint.url,
            "token": endpoint.token,
            "authentication": {"scheme": endpoint.scheme, "credentials": endpoint.credentials},
        }
    return {
        "url": endpoint.url,
        "token": endpoint.token,
        "authentication": {"schemes": [endpoint.scheme], "credentials": endpoint.credentials},
    }


def inline_config(version: str, endpoint: Endpoint) -> tuple[str, dict[str, Any]]:
    """``(configuration member, config)`` to register a webhook inside SendMessage."""
    if version == "1.0":
        return "taskPushNotificationConfig", _config_body(version, endpoint)
    return "pushNotificationConfig", _config_body(version, endpoint)


def create_params(version: str, task_id: str, endpoint: Endpoint) -> dict[str, Any]:
    """Params of CreateTaskPushNotificationConfig / ``tasks/pushNotificationConfig/set``."""
    if version == "1.0":
        return {"taskId": task_id, **_config_body(version, endpoint)}
    return {"taskId": task_id, "pushNotificationConfig": _config_body(version, endpoint)}


def get_params(version: str, task_id: str, config_id: str) -> dict[str, Any]:
    if version == "1.0":
        return {"taskId": task_id, "id": config_id}
    return {"id": task_id, "pushNotificationConfigId": config_id}


def list_params(version: str, task_id: str) -> dict[str, Any]:
    return {"taskId": task_id} if version == "1.0" else {"id": task_id}


def delete_params(version: str, task_id: str, config_id: str) -> dict[str, Any]:
    return get_params(version, task_id, config_id)


@dataclass(slots=True)
class ConfigView:
    """A push config as the agent answered it, normalized across versions."""

    raw: Any
    id: str | None = None
    task_id: str | None = None
    url: str | None = None
    token: str | None = None
    problems: list[str] = field(default_factory=list)


def read_config(version: str, result: Any) -> ConfigView:
    """Read a config result (create/get), noting shape problems (PUSH-1)."""
    view = ConfigView(result)
    if not isinstance(result, dict):
        view.problems.append("the config is not a JSON object")
        return view
    if version == "1.0":
        inner = result
        if "pushNotificationConfig" in result and "url" not in result:
            # The pre-1.0 nested shape (AMBIG-14 is about the name, this is about the layout).
            view.problems.append("v1.0 configs are flat, not nested in pushNotificationConfig")
            inner = (
                result["pushNotificationConfig"]
                if isinstance(result["pushNotificationConfig"], dict)
                else {}
            )
        view.task_id = _str(result.get("taskId"))
        auth = inner.get("authentication")
        if auth is not None and not (
            isinstance(auth, dict) and isinstance(auth.get("scheme"), str)
        ):
            view.problems.append("authentication must be {scheme, credentials?} (scheme a string)")
    else:
        view.task_id = _str(result.get("taskId"))
        nested = result.get("pushNotificationConfig")
        if not isinstance(nested, dict):
            view.problems.append("pushNotificationConfig is missing or not an object")
            return view
        inner = nested
        auth = inner.get("authentication")
        if auth is not None and not (
            isinstance(auth, dict)
            and isinstance(auth.get("schemes"), list)
            and all(isinstance(s, str) for s in auth["schemes"])
        ):
            view.problems.append("authentication must be {schemes: [string], credentials?}")
    view.id = _str(inner.get("id"))
    view.url = _str(inner.get("url"))
    view.token = _str(inner.get("token"))
    if view.url is None:
        view.problems.append("url is missing or not a string")
    if "token" in inner and view.token is None:
        view.problems.append("token is not a string")
    if view.task_id is None:
        view.problems.append("taskId is missing or not a string")
    return view


def read_config_list(version: str, result: Any) -> tuple[list[ConfigView], list[str]]:
    """Read a list result: v1.0 ``{configs, nextPageToken}``, v0.3 a bare array."""
    items: Any
    problems: list[str] = []
    if version == "1.0":
        if not isinstance(result, dict) or not isinstance(result.get("configs", []), list):
            return [], ["the result is not {configs: [...], nextPageToken}"]
        items = result.get("configs", [])
    else:
        if not isinstance(result, list):
            return [], ["the result is not an array of TaskPushNotificationConfig"]
        items = result
    views = [read_config(version, item) for item in items]
    for i, view in enumerate(views):
        problems.extend(f"configs[{i}]: {p}" for p in view.problems)
    return views, problems


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# -- notifications ----------------------------------------------------------------------------
_V1_MEMBERS = ("task", "message", "statusUpdate", "artifactUpdate")


def notification_shape_problems(version: str, body: Any) -> list[str]:
    """What is wrong with a webhook body's shape (PUSH-3 v1.0; PUSH-4 v0.3)."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    if version == "1.0":
        members = [m for m in _V1_MEMBERS if m in body]
        if len(members) != 1:
            return [f"a StreamResponse holds exactly one of {_V1_MEMBERS}, got {sorted(body)}"]
        inner = body[members[0]]
        if not isinstance(inner, dict):
            return [f"{members[0]} is not an object"]
        if members[0] in ("statusUpdate", "artifactUpdate") and not isinstance(
            inner.get("taskId"), str
        ):
            return [f"{members[0]}.taskId is missing"]
        if members[0] == "task" and not isinstance(inner.get("id"), str):
            return ["task.id is missing"]
        return []
    if notification_task_id(version, body) is None:
        return ["the notification does not identify its task (no Task id or taskId)"]
    artifact = body.get("kind") == "artifact-update" or "artifactUpdate" in body
    if notification_state(version, body) is None and not artifact:
        return ["the notification does not carry the task's state (status.state)"]
    return []


def _v1_wrapped(body: dict[str, Any]) -> bool:
    """A v0.3 notification in the v1.0 StreamResponse shape (SDKs serving both versions send
    it): accepted, since v0.3 does not define the webhook body strictly."""
    return len([m for m in _V1_MEMBERS if isinstance(body.get(m), dict)]) == 1


def notification_task_id(version: str, body: Any) -> str | None:
    """The task a webhook body is about (None when it does not say)."""
    if not isinstance(body, dict):
        return None
    inner: Any = body
    if version == "1.0" or _v1_wrapped(body):
        members = [m for m in _V1_MEMBERS if m in body]
        inner = body[members[0]] if len(members) == 1 else None
    if not isinstance(inner, dict):
        return None
    if isinstance(inner.get("taskId"), str):
        return str(inner["taskId"])
    if isinstance(inner.get("id"), str) and isinstance(inner.get("status"), dict):
        return str(inner["id"])
    return None


def notification_state(version: str, body: Any) -> str | None:
    """The normalized task state a webhook body reports (``"completed"``), if any."""
    if not isinstance(body, dict):
        return None
    inner: Any = body
    v1_shape = version == "1.0" or _v1_wrapped(body)
    if v1_shape:
        inner = body.get("statusUpdate", body.get("task"))
    status = inner.get("status") if isinstance(inner, dict) else None
    raw = status.get("state") if isinstance(status, dict) else None
    if not isinstance(raw, str):
        return None
    if version == "1.0":
        return V1_STATES.get(raw)
    return V03_STATES.get(raw) or (V1_STATES.get(raw) if v1_shape else None)
