"""The bundled auth and card-signature checks, proven both ways over real processes.

* Keeps the rule: a reference agent started with ``--auth jwt`` (keys from the loopback token
  issuer's JWKS over real HTTP) and a signed card passes every AUTH and SIG check.
* Breaks the rule: the mutating proxy in front of that agent plays a broken gateway or serves a
  broken card (:mod:`tests.conformance.broken.auth`); each variant fails exactly its check and
  every other check of its family still passes (or is N/A).
* Secrets: no token (nor the OAuth client secret) reaches results.json or report.html.
* N/A with a reason: an agent whose card declares no security, and a run without a credential.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance._auth_options import AuthOptionError, parse_auth_options
from conformance.principals import card_credential_header
from fixtures.agent_process import AgentProcess
from fixtures.token_issuer import IssuerKey, TokenIssuer
from reference_agent.jose import SigningKey

from .asgi_server import ThreadedServer
from .broken.auth import AUTH_PROOFS, AuthWorld, auth_mutations, expired_jwks, resign_card
from .broken.proxy import MutatingProxy, Mutation
from .plugin_support import SuiteOutcome, run_suite

pytest_plugins = ["pytester"]

AUDIENCE = "a2a-agent"
JKU = "https://keys.a2a-harness.invalid/jwks.json"  # https, never fetched: keys are trusted
CLIENT_ID, CLIENT_SECRET = "harness-client", "oauth-client-secret-value-42"
AUTH_CHECKS = {"AUTH-5", "AUTH-6", "AUTH-7", "AUTH-8", "AUTH-9", "AUTH-10"}
SIG_CHECKS = {"SIG-1b", "SIG-5", "SIG-5b", "SIG-7", "SIG-8b", "SIG-8c", "SIG-9"}


@dataclass
class AuthSetup:
    """The auth-on agent, its proxy, and the run arguments that name the credentials."""

    agent_url: str
    proxy: MutatingProxy
    proxy_url: str
    world: AuthWorld
    args: tuple[str, ...]
    mutations: dict[str, Mutation]


def _pem(key: IssuerKey, path: Path) -> str:
    path.write_bytes(key.private_pem())
    return str(path)


@pytest.fixture(scope="module")
def auth_setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthSetup]:
    folder = tmp_path_factory.mktemp("auth-suite")
    clients = {CLIENT_ID: (CLIENT_SECRET, "a2a.admin")}
    with TokenIssuer(audience=AUDIENCE, clients=clients, token_ttl=1800) as issuer:
        card_key = IssuerKey.generate("ES256", "card-1")
        old_key = IssuerKey.generate("ES256", "card-0")
        card_pem = _pem(card_key, folder / "card.pem")
        signing = [
            SigningKey.from_pem(card_key.private_pem(), kid="card-1"),
            SigningKey.from_pem(old_key.private_pem(), kid="card-0"),
        ]
        world = AuthWorld(
            issuer,
            token_a=issuer.issue(subject="alice", scope="a2a.admin"),
            token_b=issuer.issue(subject="bob", scope="a2a.admin"),
            card_keys=signing,
            jku=JKU,
        )
        trusted = folder / "trusted-jwks.json"
        trusted.write_text(json.dumps(expired_jwks(world)), encoding="utf-8")
        issuer_pem = _pem(issuer.current_key, folder / "issuer.pem")
        agent_args = (
            "--auth", "jwt",
            "--auth-jwks-url", issuer.jwks_url,
            "--auth-issuer", issuer.issuer,
            "--auth-audience", AUDIENCE,
            "--card-signing-key", card_pem,
            "--card-signing-kid", "card-1",
            "--card-jku", JKU,
            "--shutdown-grace", "0",
        )  # fmt: skip
        args = (
            "--a2a-token", world.token_a,
            "--a2a-token-b", world.token_b,
            "--a2a-issuer-key", issuer_pem,
            "--a2a-prompt", "skill:admin=admin a2a-harness scope probe",
            "--a2a-trusted-jwks", str(trusted),
        )  # fmt: skip
        with AgentProcess(agent_args) as agent:
            proxy = MutatingProxy(agent.url, None)
            with ThreadedServer(proxy) as server:
                proxy.public_url = server.url
                yield AuthSetup(
                    agent.url, proxy, server.url, world, args, dict(auth_mutations(world))
                )


def _family_grades(outcome: SuiteOutcome, family: set[str]) -> dict[str, str]:
    grades = outcome.requirement_grades
    return {req: grades[req] for req in family if req in grades}


def test_auth_on_reference_agent_passes_every_check(
    pytester: pytest.Pytester, auth_setup: AuthSetup
) -> None:
    report = pytester.path / "report"
    outcome = run_suite(
        pytester,
        auth_setup.agent_url,
        "-q",
        "--a2a-select",
        "AUTH-*,SIG-*",
        "--a2a-report-dir",
        str(report),
        *auth_setup.args,
    )
    grades = _family_grades(outcome, AUTH_CHECKS | SIG_CHECKS)
    assert grades == dict.fromkeys(AUTH_CHECKS | SIG_CHECKS, "PASS"), outcome.output
    assert outcome.result.ret == 0, outcome.output
    # Secrets: neither principal's token appears in anything the run wrote or printed.
    written = [
        (report / "results.json").read_text(encoding="utf-8"),
        (report / "report.html").read_text(encoding="utf-8"),
        (pytester.path / "a2a-results.json").read_text(encoding="utf-8"),
        outcome.output,
    ]
    for token in (auth_setup.world.token_a, auth_setup.world.token_b):
        for text in written:
            assert token not in text
    # The matrix really went out: the token-in-query row is in the evidence, redacted.
    assert "access_token=" in written[0] and "<redacted>" in written[0]


def test_faithful_resigning_proxy_changes_nothing(
    pytester: pytest.Pytester, auth_setup: AuthSetup
) -> None:
    auth_setup.proxy.mutation = auth_setup.mutations["card-resigned"]
    outcome = run_suite(
        pytester, auth_setup.proxy_url, "-q", "--a2a-select", "AUTH-*,SIG-*", *auth_setup.args
    )
    grades = _family_grades(outcome, AUTH_CHECKS | SIG_CHECKS)
    assert grades == dict.fromkeys(AUTH_CHECKS | SIG_CHECKS, "PASS"), outcome.output


@pytest.mark.parametrize("mutation", sorted(AUTH_PROOFS))
def test_broken_auth_variant_fails_its_check(
    pytester: pytest.Pytester, auth_setup: AuthSetup, mutation: str
) -> None:
    proof = AUTH_PROOFS[mutation]
    auth_setup.proxy.mutation = auth_setup.mutations[mutation]
    outcome = run_suite(
        pytester, auth_setup.proxy_url, "-q", "--a2a-select", proof.select, *auth_setup.args
    )
    family = AUTH_CHECKS if proof.select.startswith("AUTH") else SIG_CHECKS
    grades = _family_grades(outcome, family)
    assert {req: grades.get(req) for req in proof.expected} == proof.expected, outcome.output
    others = {req: g for req, g in grades.items() if req not in proof.expected}
    assert set(others.values()) <= {"PASS", "N/A"}, (others, outcome.output)
    assert outcome.errors() == [], outcome.output
    failing = any(g == "FAIL" for g in proof.expected.values())
    assert (outcome.result.ret != 0) == failing, outcome.output


def test_scope_probe_without_a_named_skill_prompt_warns_instead_of_failing(
    pytester: pytest.Pytester, auth_setup: AuthSetup
) -> None:
    # The harness cannot know that its default text reaches the skill: an accepting agent may
    # have answered with a skill that needs no scope, so without --a2a-prompt skill:ID=TEXT the
    # acceptance is a WARNING, never a FAIL.
    auth_setup.proxy.mutation = auth_setup.mutations["auth-ignores-scope"]
    args = list(auth_setup.args)
    at = args.index("--a2a-prompt")
    del args[at : at + 2]
    outcome = run_suite(pytester, auth_setup.proxy_url, "-q", "--a2a-select", "AUTH-7", *args)
    assert outcome.requirement_grades.get("AUTH-7") == "WARNING", outcome.output
    assert outcome.result.ret == 0, outcome.output


def test_oauth_client_credentials_source(
    pytester: pytest.Pytester, auth_setup: AuthSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("A2A_OAUTH_CLIENT_SECRET", CLIENT_SECRET)
    issuer = auth_setup.world.issuer
    before = issuer.token_requests
    outcome = run_suite(
        pytester,
        auth_setup.agent_url,
        "-q",
        "--a2a-select",
        "AUTH-5",
        "--a2a-oauth-token-url",
        issuer.token_url,
        "--a2a-oauth-client-id",
        CLIENT_ID,
    )
    assert outcome.requirement_grades["AUTH-5"] == "PASS", outcome.output
    assert issuer.token_requests == before + 1
    written = (pytester.path / "a2a-results.json").read_text(encoding="utf-8")
    assert CLIENT_SECRET not in written and CLIENT_SECRET not in outcome.output


def test_token_command_source(pytester: pytest.Pytester, auth_setup: AuthSetup) -> None:
    script = pytester.path / "print_token.py"
    script.write_text(f"print({auth_setup.world.token_a!r})\n", encoding="utf-8")
    outcome = run_suite(
        pytester,
        auth_setup.agent_url,
        "-q",
        "--a2a-select",
        "AUTH-5",
        "--a2a-token-command",
        f"{sys.executable} {script}",
    )
    assert outcome.requirement_grades["AUTH-5"] == "PASS", outcome.output
    written = (pytester.path / "a2a-results.json").read_text(encoding="utf-8")
    assert auth_setup.world.token_a not in written


def test_without_credentials_the_auth_checks_are_not_applicable(
    pytester: pytest.Pytester, auth_setup: AuthSetup
) -> None:
    outcome = run_suite(pytester, auth_setup.agent_url, "-q", "--a2a-select", "AUTH-*")
    grades = _family_grades(outcome, AUTH_CHECKS)
    assert grades == dict.fromkeys(AUTH_CHECKS, "N/A"), outcome.output
    reasons = {c["message"] for c in outcome.doc["checks"]} if outcome.doc else set()
    assert any("no credential given" in (r or "") for r in reasons), reasons


def test_unsecured_unsigned_agent_is_not_applicable(
    pytester: pytest.Pytester, reference_agent_url: str
) -> None:
    outcome = run_suite(
        pytester, reference_agent_url, "-q", "--a2a-select", "AUTH-*,SIG-*", "--a2a-token", "x" * 20
    )
    grades = _family_grades(outcome, AUTH_CHECKS | SIG_CHECKS)
    assert grades == dict.fromkeys(AUTH_CHECKS | SIG_CHECKS, "N/A"), outcome.output
    messages = " ".join(c["message"] or "" for c in outcome.doc["checks"]) if outcome.doc else ""
    assert "declares no security" in messages and "not signed" in messages


# -- options and the credential header ---------------------------------------------------------
@pytest.mark.parametrize(
    ("cli", "env", "message"),
    [
        ({"token": "a", "token_command": "b"}, {}, "choose one credential source"),
        ({"oauth_token_url": "https://i.example/token"}, {}, "needs --a2a-oauth-client-id"),
        ({"oauth_client_id": "c"}, {}, "need --a2a-oauth-token-url"),
        ({"oauth_token_url": "ftp://x"}, {}, "not an absolute http(s) URL"),
        ({"issuer_key": "/nonexistent/key.pem"}, {}, "--a2a-issuer-key: file not found"),
        ({"trusted_jwks": ["/nonexistent.json"]}, {}, "--a2a-trusted-jwks: file not found"),
        ({"jku_origin": ["keys.example"]}, {}, "--a2a-jku-origin"),
        ({}, {"A2A_ALLOW_HTTP_JKU": "maybe"}, "--a2a-allow-http-jku"),
        ({"token": "abc\ndef"}, {}, "line break (value not shown)"),
    ],
)
def test_bad_auth_options_are_named(
    cli: dict[str, object], env: dict[str, str], message: str
) -> None:
    with pytest.raises(AuthOptionError) as caught:
        parse_auth_options(cli, env, {})
    assert message in str(caught.value)
    assert "abc" not in str(caught.value)


def test_auth_option_precedence_and_redaction() -> None:
    env = {"A2A_TOKEN": "env-token-123", "A2A_TOKEN_B": "b-token"}
    from_env = parse_auth_options({}, env, {})
    assert from_env.token == "env-token-123" and from_env.token_b == "b-token"
    # An explicit command on the command line wins over an exported A2A_TOKEN (no ambiguity).
    cli_wins = parse_auth_options({"token_command": "print-token"}, {"A2A_TOKEN": "env"}, {})
    assert cli_wins.token is None and cli_wins.token_command == "print-token"
    # Tokens are never read from ini files.
    assert parse_auth_options({}, {}, {"token": "ini-token"}).token is None
    shown = json.dumps(from_env.redacted())
    assert "env-token-123" not in shown and "b-token" not in shown
    assert "env-token-123" not in repr(from_env)


def test_credential_header_follows_the_card() -> None:
    header = {"location": "header", "name": "X-Key"}
    v1_api_key = {"securitySchemes": {"k": {"apiKeySecurityScheme": header}}}
    v03_api_key = {"securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": "X-Key"}}}
    bearer = {"securitySchemes": {"b": {"httpAuthSecurityScheme": {"scheme": "Bearer"}}}}
    assert card_credential_header(v1_api_key) == ("X-Key", None)
    assert card_credential_header(v03_api_key) == ("X-Key", None)
    assert card_credential_header(bearer) == ("Authorization", "Bearer")
    assert card_credential_header({}) == ("Authorization", "Bearer")


def test_api_key_agent_gets_the_key_in_its_header(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """An apiKey card: the harness sends the key in the header the card names, and the matrix
    and the scoping checks pass on the reference agent in api-key mode."""
    key_a, key_b = "alice-key-0123456789abcdef", "bob-key-0123456789abcdef"
    keys = tmp_path / "keys.txt"
    keys.write_text(f"alice:{key_a}\nbob:{key_b}\n", encoding="utf-8")
    with AgentProcess(["--auth", "api-key", "--auth-api-key-file", str(keys)]) as agent:
        outcome = run_suite(
            pytester,
            agent.url,
            "-q",
            "--a2a-select",
            "AUTH-*",
            "--a2a-token",
            key_a,
            "--a2a-token-b",
            key_b,
        )
    grades = _family_grades(outcome, AUTH_CHECKS)
    expected = dict.fromkeys(AUTH_CHECKS - {"AUTH-7"}, "PASS") | {"AUTH-7": "N/A"}
    assert grades == expected, outcome.output
    written = (pytester.path / "a2a-results.json").read_text(encoding="utf-8")
    assert key_a not in written and key_b not in written


@pytest.mark.parametrize("allow", [True, False])
def test_keys_by_jku_on_loopback_need_the_flag(
    pytester: pytest.Pytester, auth_setup: AuthSetup, allow: bool
) -> None:
    """No trusted JWKS: the key comes from the jku (the agent's own /.well-known/jwks.json over
    plain HTTP on loopback), which the verifier fetches only with --a2a-allow-http-jku."""
    jku = auth_setup.proxy_url + ".well-known/jwks.json"
    auth_setup.proxy.mutation = Mutation(
        "card-loopback-jku",
        "jku on the card's own loopback origin",
        on_response=resign_card(auth_setup.world, header=lambda h: h.update(jku=jku)),
    )
    flag = ("--a2a-allow-http-jku",) if allow else ()
    outcome = run_suite(pytester, auth_setup.proxy_url, "-q", "--a2a-select", "SIG-7,SIG-8b", *flag)
    grades = outcome.requirement_grades
    if allow:
        assert (grades["SIG-7"], grades["SIG-8b"]) == ("PASS", "NON-STRICT"), outcome.output
    else:
        assert grades["SIG-7"] == "FAIL", outcome.output
        assert "not HTTPS" in json.dumps(outcome.doc), outcome.output
