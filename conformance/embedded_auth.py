"""The security ``a2a-harness test`` gives the reference agent it starts (unless ``--no-auth``).

A secured deployment is what the suite's authentication (AUTH-*) and card-signature (SIG-*)
checks judge; an open, unsigned agent only earns N/A there. So, for the run, this module:

* starts a token issuer on loopback (:class:`fixtures.token_issuer.TokenIssuer`, in this
  process) whose JWKS the agents trust (``--auth jwt``);
* mints two principals' tokens (A with the ``a2a.admin`` scope the admin skill asks for, B for
  the two-principal scoping checks) and writes the issuer's private key for ``--a2a-issuer-key``
  (the matrix's wrong-claim tokens);
* generates a card-signing key (Ed25519) and a trusted JWKS holding its public half, in a
  private temporary directory removed on exit.

Ed25519 because its signatures are deterministic: with ``--instances N`` every instance signs
the same card to the same bytes, so they serve one card with one ETag (MULTI-5), as instances
of one deployment must. No ``jku`` goes in the signatures: the suite gets the key as a trusted
JWKS file, so it never has to fetch keys over plain loopback HTTP.

The tokens reach the suite as ``--a2a-token``/``--a2a-token-b``, which the suite registers as
secrets and redacts from everything it prints or writes; they are never in a process's argv
(the suite runs in this process, through ``pytest.main``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ADMIN_PROMPT",
    "AUDIENCE",
    "CREDENTIAL_ENV",
    "CREDENTIAL_OPTIONS",
    "SecuredSetup",
    "refused_option",
    "secured_setup",
    "without_credential_env",
]

AUDIENCE = "a2a-agent"
# Long enough for any run of the suite (the default run takes well under a minute).
TOKEN_TTL = 6 * 3600
ADMIN_SCOPE = "a2a.admin"
# The reference agent's behaviour contract: a text starting with "admin" reaches skill `admin`.
ADMIN_PROMPT = "skill:admin=admin a2a-harness scope probe"
CARD_KID = "a2a-harness-embedded-card"

# Options naming credentials for principal A or B, or the issuer the agent trusts: the embedded
# agent trusts only its own issuer, so a user's value could only make every check fail.
CREDENTIAL_OPTIONS = (
    "--a2a-token",
    "--a2a-token-command",
    "--a2a-oauth-token-url",
    "--a2a-oauth-client-id",
    "--a2a-oauth-scope",
    "--a2a-token-b",
    "--a2a-issuer-key",
)
# Their environment variables: set for the user's own agent, they are left out of this run
# (the suite's command-line values win over most, but an OAuth client id alone is an error).
CREDENTIAL_ENV = (
    "A2A_TOKEN",
    "A2A_TOKEN_COMMAND",
    "A2A_OAUTH_TOKEN_URL",
    "A2A_OAUTH_CLIENT_ID",
    "A2A_OAUTH_SCOPE",
    "A2A_TOKEN_B",
    "A2A_ISSUER_KEY",
)


@dataclass(frozen=True)
class SecuredSetup:
    """What a secured embedded run needs: the agents' options and the suite's options."""

    agent_args: tuple[str, ...]
    # repr=False: these hold the tokens; a traceback or debug print must not show them.
    suite_args: tuple[str, ...] = field(repr=False)
    issuer_url: str = ""


def _option_values(args: Sequence[str], name: str) -> list[str]:
    """Every value given to option ``name`` in pytest-style ``args`` (``--x v`` or ``--x=v``)."""
    values: list[str] = []
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            values.append(args[i + 1])
        elif arg.startswith(name + "="):
            values.append(arg[len(name) + 1 :])
    return values


def refused_option(args: Sequence[str]) -> str | None:
    """A one-line reason when ``args`` name credentials the secured embedded agent cannot honour.

    Credential options (``--a2a-token``…) and an ``Authorization`` header are refused: the agent
    trusts only the issuer this run starts, and supplies its tokens itself."""
    for name in CREDENTIAL_OPTIONS:
        if any(a == name or a.startswith(name + "=") for a in args):
            return (
                f"{name}: the reference agent started for this run trusts only its own token "
                "issuer, and a2a-harness test supplies its credentials; leave the option out, "
                "add --no-auth to judge the agent without authentication, or give an agent URL"
            )
    for header in _option_values(args, "--a2a-header"):
        if header.partition(":")[0].strip().lower() == "authorization":
            return (
                "--a2a-header Authorization:...: a2a-harness test supplies the credentials of "
                "the reference agent it starts; leave the header out, or add --no-auth"
            )
    return None


def _extra_prompts(args: Sequence[str], env: dict[str, str]) -> list[str]:
    """The ``--a2a-prompt`` options to add: the admin-skill prompt unless the user named one.

    A command-line ``--a2a-prompt`` hides ``A2A_PROMPT`` from the suite, so when the user set
    prompts only in the environment, they are carried over onto the command line too."""
    given = _option_values(args, "--a2a-prompt")
    carried: list[str] = []
    if not given:
        carried = [p.strip() for p in env.get("A2A_PROMPT", "").split("\n") if p.strip()]
    named = [p.partition("=")[0].strip() for p in (*given, *carried)]
    ours = [] if "skill:admin" in named else [ADMIN_PROMPT]
    return [arg for prompt in (*carried, *ours) for arg in ("--a2a-prompt", prompt)]


@contextlib.contextmanager
def without_credential_env() -> Iterator[list[str]]:
    """Leave the credential variables (:data:`CREDENTIAL_ENV`) out of ``os.environ`` for the
    block; yields the names that were set (never their values) and restores them on exit."""
    saved = {name: os.environ.pop(name) for name in CREDENTIAL_ENV if name in os.environ}
    try:
        yield sorted(saved)
    finally:
        os.environ.update(saved)


def _write_private(path: Path, data: bytes) -> str:
    # Owner-only: the file holds a private key (the directory is private too).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return str(path)


@contextlib.contextmanager
def secured_setup(args: Sequence[str] = ()) -> Iterator[SecuredSetup]:
    """Start the token issuer and write the keys; yields the options for agents and suite.

    ``args`` are the user's pytest arguments (to respect their own prompts). The issuer is
    stopped and the temporary directory removed on exit, also on error or KeyboardInterrupt.
    Raises OSError or RuntimeError when the issuer cannot start."""
    from fixtures.token_issuer import IssuerKey, TokenIssuer

    with contextlib.ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="a2a-harness-embedded-"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        issuer = TokenIssuer(audience=AUDIENCE, token_ttl=TOKEN_TTL)
        stack.callback(issuer.stop)
        issuer.start()
        card_key = IssuerKey.generate("EdDSA", CARD_KID)
        card_pem = _write_private(folder / "card-signing-key.pem", card_key.private_pem())
        issuer_pem = _write_private(folder / "issuer-key.pem", issuer.current_key.private_pem())
        trusted = folder / "card-jwks.json"
        trusted.write_text(json.dumps({"keys": [card_key.public_jwk()]}), encoding="utf-8")
        agent_args = (
            "--auth", "jwt",
            "--auth-jwks-url", issuer.jwks_url,
            "--auth-issuer", issuer.issuer,
            "--auth-audience", AUDIENCE,
            "--card-signing-key", card_pem,
            "--card-signing-kid", CARD_KID,
        )  # fmt: skip
        suite_args = (
            "--a2a-token", issuer.issue(subject="harness-principal-a", scope=ADMIN_SCOPE),
            "--a2a-token-b", issuer.issue(subject="harness-principal-b", scope=ADMIN_SCOPE),
            "--a2a-issuer-key", issuer_pem,
            "--a2a-trusted-jwks", str(trusted),
            *_extra_prompts(args, dict(os.environ)),
        )  # fmt: skip
        yield SecuredSetup(agent_args, suite_args, issuer.issuer)
