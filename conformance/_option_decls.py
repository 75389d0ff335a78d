"""The plugin's command-line options and ini keys, as pytest declares them.

Imported by ``pytest_addoption`` in every pytest run, so it imports nothing but pytest.
"""

from __future__ import annotations

import pytest

__all__ = ["add_options"]


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
        help="prompt that makes the agent show a behaviour (echo, slow, input-required…)",
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
    ):
        parser.addini(name, text, default=None)
    for name in ("a2a_select", "a2a_exclude", "a2a_header", "a2a_prompt"):
        parser.addini(name, name.replace("_", " "), type="linelist")
