"""Issue 5 on the served agent: ``serve --auth jwt`` against the real loopback token issuer.

Real ``python -m reference_agent`` processes, real HTTP JWKS fetching, real redis-server for the
Redis store. Covered: valid and refused tokens (401 + ``WWW-Authenticate``), public paths, owner
scoping on every task method in both stores, skill scopes (403 + -32004), the extended card, the
signed card and its JWKS, and the in-task AUTH_REQUIRED flow on an open stream.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from fixtures.agent_process import AgentProcess
from fixtures.redis_server import RedisServer
from fixtures.token_issuer import IssuerKey, TokenIssuer
from reference_agent.jose import SigningKey
from reference_agent.signing import signature_is_valid

from .auth_support import (
    AUDIENCE,
    BOUND,
    SseReader,
    b64,
    bearer,
    claims_of,
    error,
    hs256_confusion_token,
    jwt_agent_args,
    message,
    public_pem,
    result,
    rpc,
    unsigned_token,
    write_private_key,
)

TASK_NOT_FOUND = -32001
PERMISSION_DENIED = -32004


# -- processes ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer(audience=AUDIENCE) as running:
        yield running


@pytest.fixture(scope="module")
def card_keys(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("card-keys")
    return [write_private_key(folder / "old.pem"), write_private_key(folder / "new.pem", "EdDSA")]


@pytest.fixture(scope="module")
def agent(issuer: TokenIssuer, card_keys: list[Path]) -> Iterator[AgentProcess]:
    signing = ["--card-signing-key", str(card_keys[0]), "--card-signing-kid", "card-2025"]
    signing += ["--card-signing-key", str(card_keys[1]), "--card-signing-kid", "card-2026"]
    with AgentProcess(jwt_agent_args(issuer, *signing)) as process:
        yield process


@pytest.fixture(scope="module")
def redis_agent(issuer: TokenIssuer) -> Iterator[AgentProcess]:
    with (
        RedisServer() as redis,
        AgentProcess(jwt_agent_args(issuer, "--store", redis.url)) as process,
    ):
        yield process


@pytest.fixture(params=["memory", "redis"])
def any_store_agent(request: pytest.FixtureRequest, agent: AgentProcess) -> AgentProcess:
    if request.param == "memory":
        return agent
    chosen: AgentProcess = request.getfixturevalue("redis_agent")
    return chosen


def send(agent: AgentProcess, token: str, text: str, **params: Any) -> dict[str, Any]:
    answer = result(
        rpc(agent, "SendMessage", {"message": message(text), **params}, headers=bearer(token))
    )
    task: dict[str, Any] = answer["task"]
    return task


# -- authentication ----------------------------------------------------------------------------
def test_a_valid_token_is_accepted_and_names_the_owner(
    agent: AgentProcess, issuer: TokenIssuer
) -> None:
    token = issuer.issue(subject="alice")
    task = send(agent, token, "hello")
    assert task["status"]["state"] == "TASK_STATE_COMPLETED"
    got = result(rpc(agent, "GetTask", {"id": task["id"]}, headers=bearer(token)))
    assert got["id"] == task["id"]


def _refusals(issuer: TokenIssuer) -> dict[str, tuple[dict[str, str], int, str | None]]:
    """name -> (headers, status, expected RFC 6750 error code or None for a bare challenge)."""
    good = issuer.issue(subject="mallory")
    claims = claims_of(good)
    head, _, signature = good.split(".")
    tampered_body = b64(json.dumps({**claims, "sub": "alice"}).encode())
    stranger = IssuerKey.generate("ES256", kid=issuer.current_key.kid)
    return {
        "no credentials": ({}, 401, None),
        "another scheme": ({"Authorization": "Basic YWxpY2U6c2VjcmV0"}, 401, None),
        "malformed": (bearer("not-a-jwt"), 401, "invalid_token"),
        "tampered payload": (bearer(f"{head}.{tampered_body}.{signature}"), 401, "invalid_token"),
        "expired": (bearer(issuer.issue(expires_in=-3600)), 401, "invalid_token"),
        "not yet valid": (
            bearer(issuer.issue(not_before=time.time() + 3600)),
            401,
            "invalid_token",
        ),
        "wrong audience": (bearer(issuer.issue(audience="another-service")), 401, "invalid_token"),
        "wrong issuer": (bearer(issuer.issue(issuer="https://evil.example")), 401, "invalid_token"),
        "alg none": (bearer(unsigned_token(claims)), 401, "invalid_token"),
        "HS256 with the public key": (
            bearer(hs256_confusion_token(claims, public_pem(issuer), issuer.current_key.kid)),
            401,
            "invalid_token",
        ),
        "unknown signer": (bearer(issuer.issue(key=stranger)), 401, "invalid_token"),
    }


REFUSALS = [
    "no credentials", "another scheme", "malformed", "tampered payload", "expired",
    "not yet valid", "wrong audience", "wrong issuer", "alg none", "HS256 with the public key",
    "unknown signer",
]  # fmt: skip


@pytest.mark.parametrize("case", REFUSALS)
def test_bad_credentials_get_401_with_a_bearer_challenge(
    agent: AgentProcess, issuer: TokenIssuer, case: str
) -> None:
    headers, status, code = _refusals(issuer)[case]
    response = rpc(agent, "SendMessage", {"message": message("hello")}, headers=headers)
    assert response.status_code == status, response.text
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="a2a"')
    if code is None:
        assert "error=" not in challenge  # RFC 6750 §3.1: no error code without credentials
    else:
        assert f'error="{code}"' in challenge
    body = response.json()
    assert body["error"] == (code or "unauthorized")
    assert "eyJ" not in response.text  # the token is never echoed


def test_credentials_in_the_query_string_are_refused(
    agent: AgentProcess, issuer: TokenIssuer
) -> None:
    token = issuer.issue()
    response = httpx.post(
        agent.url + f"?access_token={token}",
        content=orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": "ListTasks", "params": {}}),
        headers={"Content-Type": "application/json", "A2A-Version": "1.0"},
        timeout=BOUND,
    )
    assert response.status_code == 400
    assert 'error="invalid_request"' in response.headers["www-authenticate"]


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/agent-card.json",
        "/.well-known/agent.json",
        "/.well-known/jwks.json",
        "/healthz",
        "/readyz",
    ],
)
def test_public_paths_need_no_credentials(agent: AgentProcess, path: str) -> None:
    response = httpx.get(agent.url.rstrip("/") + path, timeout=BOUND)
    assert response.status_code == 200, (path, response.text)


# -- owner scoping -----------------------------------------------------------------------------
def _cross_principal_calls(task_id: str, config_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    hook = "http://127.0.0.1:9/hook"
    return [
        ("1.0", "GetTask", {"id": task_id}),
        ("1.0", "CancelTask", {"id": task_id}),
        ("1.0", "SubscribeToTask", {"id": task_id}),
        ("1.0", "SendMessage", {"message": message("more", taskId=task_id)}),
        ("1.0", "CreateTaskPushNotificationConfig", {"taskId": task_id, "url": hook}),
        ("1.0", "GetTaskPushNotificationConfig", {"taskId": task_id, "id": config_id}),
        ("1.0", "ListTaskPushNotificationConfigs", {"taskId": task_id}),
        ("1.0", "DeleteTaskPushNotificationConfig", {"taskId": task_id, "id": config_id}),
        ("0.3", "tasks/get", {"id": task_id}),
        ("0.3", "tasks/cancel", {"id": task_id}),
        ("0.3", "tasks/resubscribe", {"id": task_id}),
        (
            "0.3",
            "tasks/pushNotificationConfig/get",
            {"id": task_id, "pushNotificationConfigId": config_id},
        ),
        ("0.3", "tasks/pushNotificationConfig/list", {"id": task_id}),
        (
            "0.3",
            "tasks/pushNotificationConfig/set",
            {"taskId": task_id, "pushNotificationConfig": {"url": hook}},
        ),
        (
            "0.3",
            "tasks/pushNotificationConfig/delete",
            {"id": task_id, "pushNotificationConfigId": config_id},
        ),
    ]


def test_another_principals_task_is_not_found_on_every_method(
    any_store_agent: AgentProcess, issuer: TokenIssuer
) -> None:
    agent = any_store_agent
    alice, bob = issuer.issue(subject="alice"), issuer.issue(subject="bob")
    task = send(agent, alice, "input-required")  # live: cancel and follow-ups would apply
    config = result(
        rpc(
            agent,
            "CreateTaskPushNotificationConfig",
            {"taskId": task["id"], "url": "http://127.0.0.1:9/hook"},
            headers=bearer(alice),
        )
    )
    for version, method, params in _cross_principal_calls(task["id"], config["id"]):
        response = rpc(agent, method, params, headers=bearer(bob), version=version)
        assert response.status_code == 200, (method, response.status_code, response.text)
        assert error(response)["code"] == TASK_NOT_FOUND, (method, response.text)
    # Nothing of bob's attempts reached alice's task or its config.
    mine = result(rpc(agent, "GetTask", {"id": task["id"]}, headers=bearer(alice)))
    assert mine["status"]["state"] == "TASK_STATE_INPUT_REQUIRED"
    user_texts = [m["parts"][0]["text"] for m in mine["history"] if m["role"] == "ROLE_USER"]
    assert user_texts == ["input-required"]
    configs = result(
        rpc(agent, "ListTaskPushNotificationConfigs", {"taskId": task["id"]}, headers=bearer(alice))
    )["configs"]
    assert [c["id"] for c in configs] == [config["id"]]


def test_list_tasks_shows_only_the_callers_tasks(
    any_store_agent: AgentProcess, issuer: TokenIssuer
) -> None:
    agent = any_store_agent
    suffix = str(time.monotonic_ns())
    alice, bob = issuer.issue(subject="alice-" + suffix), issuer.issue(subject="bob-" + suffix)
    mine = {send(agent, alice, "hello")["id"] for _ in range(3)}
    theirs = send(agent, bob, "hello")["id"]
    listed = result(rpc(agent, "ListTasks", {}, headers=bearer(alice)))
    ids = {task["id"] for task in listed["tasks"]}
    assert ids == mine and theirs not in ids
    assert {t["id"] for t in result(rpc(agent, "ListTasks", {}, headers=bearer(bob)))["tasks"]} == {
        theirs
    }


# -- skill scopes ------------------------------------------------------------------------------
def test_the_card_declares_the_scheme_and_the_admin_scope(agent: AgentProcess) -> None:
    card = httpx.get(agent.url + ".well-known/agent-card.json", timeout=BOUND).json()
    assert card["securitySchemes"]["bearer"]["httpAuthSecurityScheme"]["scheme"] == "Bearer"
    assert card["securitySchemes"]["bearer"]["type"] == "http"  # the v0.3 view
    admin = next(skill for skill in card["skills"] if skill["id"] == "admin")
    assert admin["securityRequirements"] == [{"schemes": {"bearer": {"list": ["a2a.admin"]}}}]
    assert admin["security"] == [{"bearer": ["a2a.admin"]}]


@pytest.mark.parametrize("version", ["1.0", "0.3"])
def test_a_skill_without_its_scope_is_refused_with_403(
    agent: AgentProcess, issuer: TokenIssuer, version: str
) -> None:
    token = issuer.issue(subject="carol", scope="tasks:read")
    params: dict[str, Any] = {"message": message("admin please")}
    if version == "0.3":
        params = {
            "message": {
                "kind": "message",
                "messageId": "m-admin",
                "role": "user",
                "parts": [{"kind": "text", "text": "admin please"}],
            }
        }
    method = "SendMessage" if version == "1.0" else "message/send"
    response = rpc(agent, method, params, headers=bearer(token), version=version)
    assert response.status_code == 403, response.text
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="a2a.admin"' in challenge
    refused = error(response)
    assert refused["code"] == PERMISSION_DENIED and "a2a.admin" in refused["message"]
    # No task was created for the refused message.
    assert result(rpc(agent, "ListTasks", {}, headers=bearer(token)))["tasks"] == []


def test_a_skill_with_its_scope_runs(agent: AgentProcess, issuer: TokenIssuer) -> None:
    token = issuer.issue(subject="dave", scope="tasks:read a2a.admin")
    assert send(agent, token, "admin please")["status"]["state"] == "TASK_STATE_COMPLETED"
    # Skills without their own requirements need no scope.
    assert (
        send(agent, issuer.issue(subject="dave"), "hello")["status"]["state"]
        == "TASK_STATE_COMPLETED"
    )


# -- extended card -----------------------------------------------------------------------------
def test_the_extended_card_needs_authentication_and_says_more(
    agent: AgentProcess, issuer: TokenIssuer
) -> None:
    assert rpc(agent, "GetExtendedAgentCard").status_code == 401
    public = httpx.get(agent.url + ".well-known/agent-card.json", timeout=BOUND).json()
    assert public["capabilities"]["extendedAgentCard"] is True
    assert public["supportsAuthenticatedExtendedCard"] is True
    extended = result(rpc(agent, "GetExtendedAgentCard", headers=bearer(issuer.issue())))
    public_skills = {skill["id"] for skill in public["skills"]}
    extended_skills = {skill["id"] for skill in extended["skills"]}
    assert public_skills < extended_skills and "extended-info" in extended_skills
    assert extended["securitySchemes"].keys() == {"bearer"}
    v03 = result(
        rpc(
            agent,
            "agent/getAuthenticatedExtendedCard",
            headers=bearer(issuer.issue()),
            version="0.3",
        )
    )
    assert "extended-info" in {skill["id"] for skill in v03["skills"]}
    assert v03["security"] == [{"bearer": []}]


# -- signed card -------------------------------------------------------------------------------
def test_the_card_carries_one_valid_signature_per_key_and_its_jwks(
    agent: AgentProcess, card_keys: list[Path]
) -> None:
    response = httpx.get(agent.url + ".well-known/agent-card.json", timeout=BOUND)
    card = response.json()
    keys = [
        SigningKey.from_pem(card_keys[0].read_bytes(), kid="card-2025"),
        SigningKey.from_pem(card_keys[1].read_bytes(), kid="card-2026"),
    ]
    signatures = card["signatures"]
    assert len(signatures) == 2
    for signature, key in zip(signatures, keys, strict=True):
        header = json.loads(base64.urlsafe_b64decode(signature["protected"] + "=="))
        assert header == {"alg": key.alg, "kid": key.kid, "typ": "JOSE"}
        assert signature_is_valid(card, signature, key)
    # Signed before the ETag: the ETag is the hash of the signed bytes served.
    again = httpx.get(
        agent.url + ".well-known/agent-card.json",
        headers={"If-None-Match": response.headers["etag"]},
        timeout=BOUND,
    )
    assert again.status_code == 304
    jwks = httpx.get(agent.url + ".well-known/jwks.json", timeout=BOUND).json()
    assert [k["kid"] for k in jwks["keys"]] == ["card-2025", "card-2026"]
    assert all("d" not in k for k in jwks["keys"])  # public halves only
    tampered = {**card, "name": "someone else"}
    assert not any(
        signature_is_valid(tampered, s, k) for s, k in zip(signatures, keys, strict=True)
    )


# -- in-task authorization ---------------------------------------------------------------------
def test_auth_step_up_keeps_the_stream_open_until_the_credential_arrives(
    any_store_agent: AgentProcess, issuer: TokenIssuer
) -> None:
    agent = any_store_agent
    token = issuer.issue(subject="erin")
    payload = {
        "jsonrpc": "2.0",
        "id": 7,
        "method": "SendStreamingMessage",
        "params": {"message": message("auth-step-up")},
    }
    headers = {"Content-Type": "application/json", "A2A-Version": "1.0", **bearer(token)}
    with (
        httpx.Client(timeout=BOUND) as streaming,
        streaming.stream(
            "POST", agent.url, content=orjson.dumps(payload), headers=headers
        ) as response,
    ):
        assert response.status_code == 200
        reader = SseReader(response)
        states: list[str] = []
        task_id = ""

        def until(state: str) -> dict[str, Any]:
            while True:
                event = reader.next_event()
                assert event is not None, f"stream ended before {state}; saw {states}"
                item = event["result"]
                if "task" in item:
                    nonlocal task_id
                    task_id = item["task"]["id"]
                    states.append(item["task"]["status"]["state"])
                elif "statusUpdate" in item:
                    states.append(item["statusUpdate"]["status"]["state"])
                    if states[-1] == state:
                        return dict(item["statusUpdate"])

        waiting = until("TASK_STATE_AUTH_REQUIRED")
        explanation = waiting["status"]["message"]["parts"][0]["text"]
        assert "credential" in explanation

        # A follow-up without the credential is accepted, but is no authorization.
        follow = message("here you go", taskId=task_id)
        again = result(rpc(agent, "SendMessage", {"message": follow}, headers=bearer(token)))
        assert again["task"]["status"]["state"] == "TASK_STATE_AUTH_REQUIRED"
        until("TASK_STATE_AUTH_REQUIRED")

        # Another principal cannot complete it.
        stranger = rpc(
            agent,
            "SendMessage",
            {"message": message("credential s3cret", taskId=task_id)},
            headers=bearer(issuer.issue(subject="mallory")),
        )
        assert error(stranger)["code"] == TASK_NOT_FOUND

        done = result(
            rpc(
                agent,
                "SendMessage",
                {"message": message("credential s3cret", taskId=task_id)},
                headers=bearer(token),
            )
        )
        assert done["task"]["status"]["state"] == "TASK_STATE_COMPLETED"
        until("TASK_STATE_COMPLETED")
        assert reader.next_event() is None  # and only then the stream ends
    assert states[0] == "TASK_STATE_SUBMITTED"
    assert states.count("TASK_STATE_AUTH_REQUIRED") == 2


def test_auth_step_up_v03_status_is_not_final(agent: AgentProcess, issuer: TokenIssuer) -> None:
    token = issuer.issue(subject="frank")
    payload = {
        "jsonrpc": "2.0",
        "id": 8,
        "method": "message/stream",
        "params": {"message": {"kind": "message", "messageId": "m-step", "role": "user",
                               "parts": [{"kind": "text", "text": "auth-step-up"}]}},
    }  # fmt: skip
    headers = {"Content-Type": "application/json", "A2A-Version": "0.3", **bearer(token)}
    with (
        httpx.Client(timeout=BOUND) as client,
        client.stream(
            "POST", agent.url, content=orjson.dumps(payload), headers=headers
        ) as response,
    ):
        reader = SseReader(response)
        while True:
            event = reader.next_event()
            assert event is not None
            item = event["result"]
            if item.get("kind") == "status-update" and item["status"]["state"] == "auth-required":
                assert item["final"] is False
                task_id = item["taskId"]
                break
        follow = {"kind": "message", "messageId": "m-cred", "role": "user", "taskId": task_id,
                  "parts": [{"kind": "text", "text": "x"}], "metadata": {"credential": "s3cret"}}  # fmt: skip
        done = result(
            rpc(agent, "message/send", {"message": follow}, headers=bearer(token), version="0.3")
        )
        assert done["status"]["state"] == "completed"
        finals = []
        while (event := reader.next_event()) is not None:
            if event["result"].get("kind") == "status-update":
                finals.append((event["result"]["status"]["state"], event["result"]["final"]))
        assert finals[-1] == ("completed", True)


def test_a_blocking_send_returns_at_the_step_up_even_with_a_push_config(
    agent: AgentProcess, issuer: TokenIssuer
) -> None:
    # A blocking send returns at AUTH_REQUIRED although that status does not end streams (and
    # the push config makes the task stored before it runs, unlike the plain blocking path).
    token = issuer.issue(subject="gina")
    config = {"taskPushNotificationConfig": {"url": "http://127.0.0.1:9/hook"}}
    started = time.monotonic()
    task = send(agent, token, "auth-step-up", configuration=config)
    assert task["status"]["state"] == "TASK_STATE_AUTH_REQUIRED"
    assert time.monotonic() - started < 5.0
