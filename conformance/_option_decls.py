"""The plugin's command-line options and ini keys, as pytest declares them.

Imported by ``pytest_addoption`` in every pytest run, so it imports nothing but pytest.
"""

from __future__ import annotations

from typing import Any

import pytest

__all__ = ["AUTH_INI_OPTIONS", "AUTH_OPTIONS", "add_options"]

# Names (without the a2a_ prefix) of the credential/signature options; tokens have no ini key.
AUTH_OPTIONS = (
    "token",
    "token_command",
    "oauth_token_url",
    "oauth_client_id",
    "oauth_scope",
    "token_b",
    "issuer_key",
    "trusted_jwks",
    "jku_origin",
    "allow_http_jku",
)
AUTH_INI_OPTIONS = tuple(name for name in AUTH_OPTIONS if name not in ("token", "token_b"))


def add_options(parser: pytest.Parser) -> None:
    """Declare the ``a2a`` option group and the ini keys (values are read by
    :func:`conformance.options.parse_options`)."""
    group = parser.getgroup("a2a", "A2A conformance (a2a-harness)")
    add = group.addoption
    add(
        "--agent-url",
        action="append",
        default=[],
        dest="a2a_agent_url",
        metavar="URL",
        help="agent to judge (repeatable); runs the bundled suite when no test path is given",
    )
    add(
        "--a2a-version",
        dest="a2a_version",
        metavar="auto|0.3|1.0",
        help="protocol version to test (default auto: per interface, from the agent card)",
    )
    add(
        "--a2a-errata",
        dest="a2a_errata",
        metavar="1.0.0|1.0.1",
        help="v1.0 errata to judge by (default 1.0.1)",
    )
    add(
        "--a2a-level",
        dest="a2a_level",
        metavar="must|should|may",
        help="lowest requirement level to check (default may: all)",
    )
    add(
        "--a2a-strict",
        action="store_true",
        default=None,
        dest="a2a_strict",
        help="NON-STRICT (violated SHOULD) fails the run too",
    )
    add(
        "--a2a-select",
        action="append",
        default=[],
        dest="a2a_select",
        metavar="GLOB",
        help="only requirements whose id matches (repeatable, comma-separated)",
    )
    add(
        "--a2a-exclude",
        action="append",
        default=[],
        dest="a2a_exclude",
        metavar="GLOB",
        help="skip requirements whose id matches (repeatable, comma-separated)",
    )
    add(
        "--a2a-header",
        action="append",
        default=[],
        dest="a2a_header",
        metavar="NAME:VALUE",
        help="header sent with every request; ${VAR} expands from the environment; never shown",
    )
    add(
        "--a2a-prompt",
        action="append",
        default=[],
        dest="a2a_prompt",
        metavar="BEHAVIOUR=TEXT",
        help="prompt that makes the agent show a behaviour (echo, slow, input-required…); "
        "skill:SKILL_ID=TEXT names the text that routes a message to a skill (scope checks)",
    )
    add(
        "--a2a-timeout",
        dest="a2a_timeout",
        metavar="SECONDS",
        help="timeout of each request (default 10)",
    )
    add("--a2a-results", dest="a2a_results", metavar="PATH", help="write the results JSON here")
    add(
        "--a2a-report-dir",
        dest="a2a_report_dir",
        metavar="DIR",
        help="write results.json and report.html (self-contained HTML) here, also on failure",
    )
    add(
        "--a2a-baseline",
        dest="a2a_baseline",
        metavar="FILE",
        help='known failures: {"expected_failures": {"REQ-ID": "comment"}}',
    )
    add(
        "--a2a-webhook-host",
        dest="a2a_webhook_host",
        metavar="HOST",
        help="address the push-notification receiver binds (default 127.0.0.1)",
    )
    add(
        "--a2a-webhook-port",
        dest="a2a_webhook_port",
        metavar="PORT",
        help="port the push-notification receiver binds (default 0: a free port)",
    )
    add(
        "--a2a-webhook-url",
        dest="a2a_webhook_url",
        metavar="URL",
        help="public base URL the agent must POST to, when it cannot reach the receiver's "
        "own address (a tunnel or ingress forwarding to --a2a-webhook-host:port)",
    )
    add(
        "--a2a-fuzz-examples",
        dest="a2a_fuzz_examples",
        metavar="N",
        help="examples per robustness property (Hypothesis; default 25)",
    )
    add(
        "--a2a-fuzz-seed",
        dest="a2a_fuzz_seed",
        metavar="SEED",
        help="seed of the robustness properties, to reproduce a run (default 0)",
    )
    add(
        "--a2a-load-balanced",
        action="store_true",
        default=None,
        dest="a2a_load_balanced",
        help="the one --agent-url balances over several instances: run the multi-instance "
        "checks by repeating reads through it (several --agent-url: one per instance instead)",
    )
    _add_auth_options(add)
    add(
        "--a2a-requirements",
        action="store_true",
        default=False,
        dest="a2a_requirements",
        help="print the requirement registry with its coverage and exit",
    )
    parser.addini("a2a_agent_url", "agents to judge (one per line)", type="linelist")
    for name, text in (
        ("a2a_version", "protocol version: auto|0.3|1.0"),
        ("a2a_errata", "v1.0 errata: 1.0.0|1.0.1"),
        ("a2a_level", "lowest requirement level: must|should|may"),
        ("a2a_strict", "NON-STRICT fails the run (true/false)"),
        ("a2a_timeout", "request timeout in seconds"),
        ("a2a_results", "results JSON path"),
        ("a2a_report_dir", "directory for results.json and report.html"),
        ("a2a_baseline", "baseline file"),
        ("a2a_webhook_host", "push-notification receiver bind address"),
        ("a2a_webhook_port", "push-notification receiver port (0: free)"),
        ("a2a_webhook_url", "public base URL of the push-notification receiver"),
        ("a2a_fuzz_examples", "examples per robustness property"),
        ("a2a_fuzz_seed", "seed of the robustness properties"),
        ("a2a_load_balanced", "the agent URL balances over several instances (true/false)"),
    ):
        parser.addini(name, text, default=None)
    for name in ("a2a_select", "a2a_exclude", "a2a_header", "a2a_prompt"):
        parser.addini(name, name.replace("_", " "), type="linelist")
    for name, text in (
        ("a2a_token_command", "command printing principal A's token"),
        ("a2a_oauth_token_url", "OAuth2 token endpoint (client credentials)"),
        ("a2a_oauth_client_id", "OAuth2 client id"),
        ("a2a_oauth_scope", "OAuth2 scope to ask for"),
        ("a2a_issuer_key", "PEM of a staging token issuer the agent trusts"),
        ("a2a_allow_http_jku", "accept a plain-HTTP loopback jku (true/false)"),
    ):
        parser.addini(name, text, default=None)
    for name in ("a2a_trusted_jwks", "a2a_jku_origin"):
        parser.addini(name, name.replace("_", " "), type="linelist")


def _add_auth_options(add: Any) -> None:
    """Credentials (principal A, principal B) and card-signature trust."""
    add(
        "--a2a-token",
        dest="a2a_token",
        metavar="TOKEN",
        help="bearer token sent with every request (or $A2A_TOKEN); never shown",
    )
    add(
        "--a2a-token-command",
        dest="a2a_token_command",
        metavar="CMD",
        help="command (no shell) that prints the token, e.g. 'gcloud auth print-identity-token'",
    )
    add(
        "--a2a-oauth-token-url",
        dest="a2a_oauth_token_url",
        metavar="URL",
        help="OAuth2 client-credentials token endpoint (secret from $A2A_OAUTH_CLIENT_SECRET)",
    )
    add(
        "--a2a-oauth-client-id",
        dest="a2a_oauth_client_id",
        metavar="ID",
        help="OAuth2 client id for --a2a-oauth-token-url",
    )
    add(
        "--a2a-oauth-scope",
        dest="a2a_oauth_scope",
        metavar="SCOPE",
        help="scope to ask the OAuth2 token endpoint for",
    )
    add(
        "--a2a-token-b",
        dest="a2a_token_b",
        metavar="TOKEN",
        help="a second principal's token (or $A2A_TOKEN_B), for the authorization-scoping checks",
    )
    add(
        "--a2a-issuer-key",
        dest="a2a_issuer_key",
        metavar="PEM",
        help="private key of a staging issuer the agent trusts: adds expired, wrong-audience, "
        "wrong-issuer, unknown-kid and missing-scope tokens to the authentication matrix",
    )
    add(
        "--a2a-trusted-jwks",
        action="append",
        default=[],
        dest="a2a_trusted_jwks",
        metavar="PATH_OR_URL",
        help="JWKS whose keys verify card signatures by kid (repeatable)",
    )
    add(
        "--a2a-jku-origin",
        action="append",
        default=[],
        dest="a2a_jku_origin",
        metavar="ORIGIN",
        help="extra origin a card signature's jku may point at (repeatable)",
    )
    add(
        "--a2a-allow-http-jku",
        action="store_true",
        default=None,
        dest="a2a_allow_http_jku",
        help="accept a plain-HTTP jku on a loopback host (local test deployments)",
    )
