"""The suite's options: read from the command line, else ``A2A_*`` environment variables, else ini.

Every value is validated here, once, and a bad one becomes a single :class:`OptionError` line
naming the option and what was wrong. Header values are secrets: they are expanded from
``${VAR}`` references, never echoed, and shown as ``NAME: <redacted>``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._auth_options import AuthOptionError, AuthOptions, parse_auth_options
from ._option_values import parse_bool
from .behaviours import BEHAVIOURS, SKILL_PROMPT_PREFIX

__all__ = ["REDACTED", "A2AOptions", "HeaderSpec", "OptionError", "parse_options"]

REDACTED = "<redacted>"
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 field-name token
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
VERSIONS = ("auto", "0.3", "1.0")
ERRATA = ("1.0.0", "1.0.1")
LEVELS = ("must", "should", "may")


class OptionError(ValueError):
    """A bad option value; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class HeaderSpec:
    """One ``--a2a-header``: the name, the expanded value, and the template as typed."""

    name: str
    value: str
    template: str

    @property
    def from_env(self) -> bool:
        """Whether the value came from environment variables (so a reproduction can cite them)."""
        return bool(_ENV_REF.search(self.template))


@dataclass(slots=True)
class A2AOptions:
    """The effective options of one run."""

    agent_urls: list[str] = field(default_factory=list)
    version: str = "auto"
    errata: str = "1.0.1"
    level: str = "may"
    strict: bool = False
    select: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    headers: list[HeaderSpec] = field(default_factory=list)
    prompts: dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    results: Path | None = None
    report_dir: Path | None = None
    baseline: Path | None = None
    list_requirements: bool = False
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 0
    webhook_url: str | None = None
    fuzz_examples: int = 25
    fuzz_seed: int = 0
    load_balanced: bool = False
    auth: AuthOptions = field(default_factory=AuthOptions)

    @property
    def secrets(self) -> list[str]:
        """Literal values that must never appear in output (header values, tokens)."""
        return [h.value for h in self.headers if h.value] + self.auth.secrets

    def header_dict(self) -> dict[str, str]:
        """The extra headers to send with every request."""
        return {h.name: h.value for h in self.headers}

    def redacted(self) -> dict[str, Any]:
        """The options as shown in the report header and the results file (no secrets)."""
        return {
            "agent_urls": list(self.agent_urls),
            "version": self.version,
            "errata": self.errata,
            "level": self.level,
            "strict": self.strict,
            "select": list(self.select),
            "exclude": list(self.exclude),
            "headers": [f"{h.name}: {REDACTED}" for h in self.headers],
            "prompts": dict(self.prompts),
            "timeout": self.timeout,
            "results": str(self.results) if self.results else None,
            "report_dir": str(self.report_dir) if self.report_dir else None,
            "baseline": str(self.baseline) if self.baseline else None,
            "webhook": self.webhook_url
            or f"http://{_host_in_url(self.webhook_host)}:{self.webhook_port or '<free port>'}/",
            "fuzz_examples": self.fuzz_examples,
            "fuzz_seed": self.fuzz_seed,
            "load_balanced": self.load_balanced,
            **self.auth.redacted(),
        }


def parse_options(
    cli: dict[str, Any], env: dict[str, str] | None = None, ini: dict[str, Any] | None = None
) -> A2AOptions:
    """Build :class:`A2AOptions` from the three sources (CLI > env > ini).

    ``cli`` maps option names (``agent_url``…) to the parsed CLI value (None or [] when not
    given); ``env`` is the environment (``os.environ`` by default); ``ini`` maps the same names
    to ini values.
    """
    env = dict(os.environ) if env is None else env
    ini = ini or {}

    def pick(name: str, env_name: str) -> Any:
        value = cli.get(name)
        if value not in (None, [], ""):
            return value
        if env.get(env_name, "").strip():
            return env[env_name]
        value = ini.get(name)
        return value if value not in (None, [], "") else None

    opts = A2AOptions()
    opts.agent_urls = [_check_url(u) for u in _as_list(pick("agent_url", "A2A_AGENT_URL"), ",")]
    opts.version = _choice("--a2a-version", pick("version", "A2A_VERSION"), VERSIONS, "auto")
    opts.errata = _choice("--a2a-errata", pick("errata", "A2A_ERRATA"), ERRATA, "1.0.1")
    opts.level = _choice("--a2a-level", pick("level", "A2A_LEVEL"), LEVELS, "may").lower()
    opts.strict = _bool("--a2a-strict", pick("strict", "A2A_STRICT"))
    opts.select = _as_list(pick("select", "A2A_SELECT"), ",")
    opts.exclude = _as_list(pick("exclude", "A2A_EXCLUDE"), ",")
    headers = _as_list(pick("header", "A2A_HEADER"), "\n")
    opts.headers = [_header(raw, i + 1, env) for i, raw in enumerate(headers)]
    prompts = _as_list(pick("prompt", "A2A_PROMPT"), "\n")
    opts.prompts = dict(_prompt(raw) for raw in prompts)
    opts.timeout = _timeout(pick("timeout", "A2A_TIMEOUT"))
    results = pick("results", "A2A_RESULTS")
    opts.results = Path(results) if results else None
    report_dir = pick("report_dir", "A2A_REPORT_DIR")
    opts.report_dir = Path(report_dir) if report_dir else None
    baseline = pick("baseline", "A2A_BASELINE")
    if baseline:
        opts.baseline = Path(baseline)
        if not opts.baseline.is_file():
            raise OptionError(f"--a2a-baseline: file not found: {opts.baseline}")
    opts.list_requirements = bool(cli.get("requirements"))
    opts.webhook_host = _webhook_host(pick("webhook_host", "A2A_WEBHOOK_HOST"))
    opts.webhook_port = _int_in(
        "--a2a-webhook-port", pick("webhook_port", "A2A_WEBHOOK_PORT"), 0, 0, 65535
    )
    webhook_url = pick("webhook_url", "A2A_WEBHOOK_URL")
    opts.webhook_url = _webhook_url(webhook_url) if webhook_url else None
    opts.fuzz_examples = _int_in(
        "--a2a-fuzz-examples", pick("fuzz_examples", "A2A_FUZZ_EXAMPLES"), 25, 1, 10_000
    )
    opts.fuzz_seed = _int_in("--a2a-fuzz-seed", pick("fuzz_seed", "A2A_FUZZ_SEED"), 0, 0, 2**63 - 1)
    opts.load_balanced = _bool("--a2a-load-balanced", pick("load_balanced", "A2A_LOAD_BALANCED"))
    try:
        opts.auth = parse_auth_options(cli, env, ini)
    except AuthOptionError as exc:
        raise OptionError(str(exc)) from None
    return opts


def _as_list(value: Any, sep: str) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        parts = str(item).split(sep) if sep != "\n" or isinstance(value, str) else [str(item)]
        out.extend(p.strip() for p in parts if p.strip())
    return out


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OptionError(f"--agent-url {url!r} is not an absolute http(s) URL")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise OptionError(f"--agent-url {url!r} has an invalid port") from None
    return url


def _choice(option: str, value: Any, allowed: tuple[str, ...], default: str) -> str:
    if value is None:
        return default
    text = str(value).strip()
    if text.lower() not in allowed:
        raise OptionError(f"{option}: {text!r} is not one of {', '.join(allowed)}")
    return text.lower()


def _bool(option: str, value: Any) -> bool:
    return parse_bool(option, value, OptionError)


def _header(raw: str, index: int, env: dict[str, str]) -> HeaderSpec:
    # Never echo the raw text: a malformed header is often a token pasted without its name.
    name, sep, template = raw.partition(":")
    name = name.strip()
    if not sep or not _TOKEN.match(name):
        raise OptionError(
            f"--a2a-header #{index} is malformed: expected NAME:VALUE with NAME a header "
            "field name (value not shown)"
        )
    template = template.strip()

    def expand(match: re.Match[str]) -> str:
        var = match.group(1)
        if var not in env:
            raise OptionError(f"--a2a-header {name}: environment variable {var} is not set")
        return env[var]

    value = _ENV_REF.sub(expand, template)
    if "\n" in value or "\r" in value:
        raise OptionError(f"--a2a-header {name}: the value contains a line break (value not shown)")
    return HeaderSpec(name, value, template)


def _prompt(raw: str) -> tuple[str, str]:
    behaviour, sep, text = raw.partition("=")
    behaviour = behaviour.strip()
    if not sep or not text.strip():
        raise OptionError(f"--a2a-prompt {raw!r} is malformed: expected BEHAVIOUR=TEXT")
    if behaviour.startswith(SKILL_PROMPT_PREFIX):
        # ``skill:ID=TEXT``: the text that routes a message to skill ID (the scope checks).
        if not behaviour[len(SKILL_PROMPT_PREFIX) :].strip():
            raise OptionError(f"--a2a-prompt {raw!r}: expected skill:SKILL_ID=TEXT")
        return behaviour, text.strip()
    if behaviour not in BEHAVIOURS:
        known = ", ".join(sorted(BEHAVIOURS))
        raise OptionError(
            f"--a2a-prompt: unknown behaviour {behaviour!r} (known: {known}, or skill:SKILL_ID)"
        )
    return behaviour, text.strip()


def _int_in(option: str, value: Any, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise OptionError(f"{option}: {value!r} is not an integer") from None
    if not low <= number <= high:
        raise OptionError(f"{option}: {number} is out of range ({low} to {high})")
    return number


def _webhook_host(value: Any) -> str:
    host = str(value).strip() if value is not None else "127.0.0.1"
    if not host or any(c in host for c in "/ ?#@"):
        raise OptionError(f"--a2a-webhook-host: {host!r} is not a host name or IP address")
    return host.strip("[]")


def _host_in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _webhook_url(value: Any) -> str:
    url = str(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OptionError(f"--a2a-webhook-url {url!r} is not an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise OptionError(f"--a2a-webhook-url {url!r} must have no query or fragment")
    return url if url.endswith("/") else url + "/"


def _timeout(value: Any) -> float:
    if value is None:
        return 10.0
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"--a2a-timeout: {value!r} is not a number of seconds") from None
    if not 0 < seconds <= 600:
        raise OptionError(f"--a2a-timeout: {seconds:g} is out of range (0 < seconds <= 600)")
    return seconds
