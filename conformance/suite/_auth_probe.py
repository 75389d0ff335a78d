"""Talking to an agent as someone else: the glue between the auth judges and a :class:`Target`.

The judges in :mod:`conformance.suite._auth` see ``(status, headers, body)`` rows; this module
produces them. Every probe is a SendMessage (the ``echo`` prompt, or a skill's prompt for the
per-skill scope rows) sent through the run's recording HTTP client with the run's own
credential **removed** and the attempt's headers and query parameters in its place, so the
evidence shows each attempt (with credentials redacted).

Preconditions are explicit probes, each an N/A with its reason: the card must declare a
security requirement, and the user must have given a credential (the matrix is derived from a
valid token; the scoping checks need a second principal).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from conformance.grading import Check, HarnessError

from .._jws import JwsError, load_private_key, public_jwk
from ..credentials import Secret
from ..principals import Principals
from ..push import create_params, delete_params, get_params, list_params
from ..target import Target
from ..token_mutations import (
    Attempt,
    attacks_with_issuer_key,
    attacks_without_key,
    decode_unverified,
)
from ..webhook import Endpoint
from ._auth import Answer, collect

__all__ = [
    "AuthProbe",
    "declared_security",
    "foreign_task_results",
    "skill_scopes",
]

SCOPE_PROMPT = "{skill} a2a-harness scope probe"
# B's push config for A's task: never delivered by a conformant agent (TaskNotFound first).
_FOREIGN_ENDPOINT = Endpoint(
    "/a2a-harness/foreign", "https://a2a-harness.invalid/foreign", "t", "Bearer", "c"
)


def declared_security(card: Any) -> str | None:
    """None when the card requires authentication; otherwise why the auth checks are N/A."""
    if not isinstance(card, dict):
        return "there is no agent card to read security requirements from"
    schemes = card.get("securitySchemes")
    required = card.get("securityRequirements") or card.get("security")
    if not schemes or not required:
        return "the card declares no security requirement (securitySchemes + requirements)"
    return None


def _scopes_of(requirements: Any) -> frozenset[str]:
    """Every scope named by a requirement list (v1.0 ``{"schemes": {name: {"list": [...]}}}``
    or v0.3 ``{name: [...]}``); a token lacking all of them satisfies no alternative."""
    found: set[str] = set()
    for requirement in requirements if isinstance(requirements, list) else []:
        if not isinstance(requirement, dict):
            continue
        schemes = requirement.get("schemes", requirement)
        for value in schemes.values() if isinstance(schemes, dict) else []:
            listed = value.get("list") if isinstance(value, dict) else value
            if isinstance(listed, list):
                found.update(scope for scope in listed if isinstance(scope, str))
    return frozenset(found)


def skill_scopes(card: Any) -> dict[str, frozenset[str]]:
    """Scopes each skill declares (``securityRequirements`` in v1.0, ``security`` in v0.3)."""
    out: dict[str, frozenset[str]] = {}
    skills = card.get("skills") if isinstance(card, dict) else None
    for skill in skills if isinstance(skills, list) else []:
        if not isinstance(skill, dict) or not isinstance(skill.get("id"), str):
            continue
        scopes = _scopes_of(skill.get("securityRequirements") or skill.get("security"))
        if scopes:
            out[skill["id"]] = scopes
    return out


class AuthProbe:
    """Sends SendMessage with chosen credentials to one interface."""

    def __init__(self, target: Target, principals: Principals) -> None:
        self.target, self.principals = target, principals

    # -- preconditions --------------------------------------------------------------------------
    @classmethod
    def for_check(cls, target: Target, principals: Principals | None, check: Check) -> AuthProbe:
        """The probe, or N/A: no security declared, or no credential to derive attempts from."""
        reason = declared_security(target.card)
        if reason:
            check.not_applicable(reason)
        if principals is None or principals.a is None:
            check.not_applicable(
                "no credential given (--a2a-token, --a2a-token-command or --a2a-oauth-token-url)"
            )
        return cls(target, principals)

    # -- sending --------------------------------------------------------------------------------
    def _headers(self, credential: Mapping[str, str]) -> dict[str, str | None]:
        headers = self.target.rpc.headers({self.principals.header: None})
        headers.update(credential)
        return headers

    def post(
        self,
        op: str,
        params: dict[str, Any],
        credential: Mapping[str, str],
        query: Mapping[str, str] | None = None,
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One JSON-RPC call with exactly ``credential`` (the run's own is dropped)."""
        rpc = self.target.rpc
        method = self.target.dialect.method(op)
        if method is None:
            raise HarnessError(f"operation {op!r} does not exist in v{self.target.version}")
        if rpc.tenant and "tenant" not in params:
            params = {"tenant": rpc.tenant, **params}
        url = rpc.url
        if query:
            url += ("&" if urlsplit(url).query else "?") + urlencode(query)
        body = json.dumps(rpc.envelope(method, params)).encode()
        response = self.target.http.request(
            "POST", url, headers=self._headers(credential), body=body
        )
        return response.status, dict(response.headers.items()), response.body

    def _attempt_headers(self, attempt: Attempt) -> dict[str, str]:
        if self.principals.scheme is not None:
            return dict(attempt.headers)
        # An apiKey agent: a "Bearer X" attempt carries X in the key's own header instead.
        out = {}
        for name, value in attempt.headers.items():
            scheme, _, rest = value.partition(" ")
            if name.lower() == "authorization" and scheme == "Bearer":
                out[self.principals.header] = rest
            else:
                out[name] = value
        return out

    def send_attempt(self, attempt: Attempt) -> tuple[int, Mapping[str, str], bytes]:
        """SendMessage with one attempt's credentials (a skill's prompt for scope rows)."""
        if attempt.skill is not None:
            text = self.target.prompts.skill_text(attempt.skill)
            params = self.target.send_params(text=text or SCOPE_PROMPT.format(skill=attempt.skill))
        else:
            params = self.target.send_params("echo")
        return self.post("send", params, self._attempt_headers(attempt), attempt.params)

    def as_principal(self, secret: Secret, op: str, params: dict[str, Any]) -> tuple[int, bytes]:
        """``op`` sent with ``secret``'s credential: ``(status, body)``."""
        status, _, body = self.post(op, params, self.principals.headers_for(secret))
        return status, body

    # -- the authentication matrix --------------------------------------------------------------
    def token(self) -> str:
        assert self.principals.a is not None
        return self.principals.a.reveal()

    def require_accepted(self) -> None:
        """The run's own credential must be accepted, or no refusal means anything (ERROR)."""
        assert self.principals.a is not None
        status, _, body = self.send_attempt(
            Attempt("valid", "", self.principals.headers_for(self.principals.a))
        )
        if not Answer(Attempt("valid", ""), status, {}, body).accepted:
            raise HarnessError(
                f"the agent refused the given credential (HTTP {status}) on SendMessage; "
                f"check {self.principals.source or 'the credential options'}"
            )

    def public_keys(self, issuer_key: Path | None) -> list[dict[str, Any]]:
        """The issuer's public JWKs (for the HS256 confusion rows): from the issuer key, else
        from the token issuer's OIDC discovery document (best effort, without our token)."""
        if issuer_key is not None:
            try:
                key, _ = load_private_key(issuer_key.read_bytes())
            except (OSError, JwsError) as exc:
                raise HarnessError(f"--a2a-issuer-key {issuer_key}: {exc}") from None
            return [public_jwk(key.public_key())]
        decoded = decode_unverified(self.token())
        issuer = decoded[1].get("iss") if decoded else None
        if not isinstance(issuer, str) or not issuer.startswith(("https://", "http://")):
            return []
        no_credential: dict[str, str | None] = {self.principals.header: None}
        http = self.target.http
        try:
            discovery = http.request(
                "GET",
                issuer.rstrip("/") + "/.well-known/openid-configuration",
                headers=no_credential,
            )
            jwks_uri = json.loads(discovery.body).get("jwks_uri")
            if discovery.status != 200 or not isinstance(jwks_uri, str):
                return []
            keys = json.loads(http.request("GET", jwks_uri, headers=no_credential).body)["keys"]
        except Exception:  # any fetch problem only drops the optional HS256 rows
            return []
        return [k for k in keys if isinstance(k, dict)] if isinstance(keys, list) else []

    def matrix(self, issuer_key: Path | None, check: Check) -> list[Answer]:
        """Every attempt's answer (control row first); skipped rows are noted."""
        self.require_accepted()
        token = self.token()
        plan = attacks_without_key(token, public_keys=self.public_keys(issuer_key))
        attempts = list(plan.attempts)
        skipped = list(plan.skipped)
        if issuer_key is None:
            skipped.append(("issuer-key rows", "no --a2a-issuer-key"))
        else:
            try:
                pem = issuer_key.read_bytes()
                minted = attacks_with_issuer_key(
                    token, pem, skill_scopes=skill_scopes(self.target.card)
                )
            except (OSError, JwsError) as exc:
                raise HarnessError(f"--a2a-issuer-key {issuer_key}: {exc}") from None
            attempts.extend(minted.attempts)
            skipped.extend(minted.skipped)
        for name, reason in skipped:
            check.note(f"not sent: {name} ({reason})")
        return collect(attempts, self.send_attempt)


def foreign_task_results(
    probe: AuthProbe, task_id: str, other: Secret
) -> dict[str, tuple[int, bytes]]:
    """Principal ``other`` asks about ``task_id`` on every task-scoped operation it can.

    Cancel comes last: on an agent that leaks, it would end the task the other calls look at.
    """
    target = probe.target
    version, dialect = target.version, target.dialect
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GetTask", "get", dialect.get_task_params(task_id)),
        ("SendMessage(taskId)", "send", target.send_params(text="a2a-harness", task_id=task_id)),
    ]
    if target.declares("pushNotifications"):
        calls += [
            ("push-config set", "push-create", create_params(version, task_id, _FOREIGN_ENDPOINT)),
            ("push-config get", "push-get", get_params(version, task_id, "a2a-harness")),
            ("push-config list", "push-list", list_params(version, task_id)),
            ("push-config delete", "push-delete", delete_params(version, task_id, "a2a-harness")),
        ]
    calls.append(("CancelTask", "cancel", dialect.task_id_params(task_id)))
    results = {name: probe.as_principal(other, op, params) for name, op, params in calls}
    if target.declares("streaming"):
        results["SubscribeToTask"] = _subscribe_as(probe, task_id, other)
    return results


def _subscribe_as(probe: AuthProbe, task_id: str, other: Secret) -> tuple[int, bytes]:
    """Subscribe as ``other``: an SSE answer is a leak (status 200, a synthetic result body)."""
    target = probe.target
    method = target.dialect.method("subscribe")
    assert method is not None
    params: dict[str, Any] = dict(target.dialect.task_id_params(task_id))
    if target.rpc.tenant:
        params = {"tenant": target.rpc.tenant, **params}
    headers = probe._headers(probe.principals.headers_for(other))
    headers["Accept"] = "text/event-stream"
    body = json.dumps(target.rpc.envelope(method, params)).encode()
    stream = target.http.open_stream("POST", target.rpc.url, headers=headers, body=body)
    if stream.content_type == "text/event-stream":
        stream.close()
        return stream.status, b'{"result": "an SSE stream of the task"}'
    return stream.status, stream.read_body()
