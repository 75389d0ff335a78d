"""The ``serve`` options for authentication and card signing (issue 5).

Each option is parsed on its own by argparse; :func:`check_security` then refuses combinations
that cannot work (``--auth jwt`` without keys or audience, a ``--card-signing-kid`` count that
does not match the keys…) with one message, which the CLI prints as one line before exiting 2.
What ``--auth MODE`` needs is checked by :func:`.auth.setup.check_auth_options`, the rule
:func:`.auth.setup.build_authenticator` applies too; this module adds only the CLI's own
combinations (a flag given for a mode that ignores it, ``--card-jku`` without a key).
"""

from __future__ import annotations

import argparse
import os

from ._cli_types import public_url, seconds
from .auth.authenticator import MODES
from .auth.setup import check_auth_options
from .config import AgentSettings

__all__ = ["add_security_options", "check_security"]


def add_security_options(p: argparse.ArgumentParser, d: AgentSettings) -> None:
    """Add the ``--auth*`` and ``--card-*`` options; :func:`check_security` checks them together."""
    g = p.add_argument_group("authentication and card signing")
    g.add_argument(
        "--auth",
        default=d.auth_mode,
        type=str.lower,
        choices=MODES,
        help="how callers authenticate; none keeps every request anonymous",
    )
    g.add_argument("--auth-jwks-url", type=public_url, default=None, metavar="URL")
    g.add_argument(
        "--auth-jwt-key",
        type=_readable_file,
        default=None,
        metavar="PEM",
        help="a static JWT verification key (instead of --auth-jwks-url)",
    )
    g.add_argument("--auth-issuer", default=None, metavar="ISS", help="expected iss claim")
    g.add_argument(
        "--auth-audience", default=None, metavar="AUD", help="expected aud (needed by jwt)"
    )
    g.add_argument(
        "--auth-leeway",
        type=seconds(allow_zero=True),
        default=d.auth_leeway_seconds,
        help="clock skew tolerated on exp/nbf, in seconds",
    )
    g.add_argument(
        "--auth-jwks-ttl",
        type=seconds(allow_zero=False),
        default=d.auth_jwks_ttl_seconds,
        help="seconds the JWKS is cached",
    )
    g.add_argument(
        "--auth-jwks-min-refresh",
        type=seconds(allow_zero=True),
        default=d.auth_jwks_min_refresh_seconds,
        help="minimum seconds between two JWKS refreshes caused by an unknown kid",
    )
    g.add_argument(
        "--auth-api-key-file",
        type=_readable_file,
        default=None,
        metavar="PATH",
        help="API keys, one name:key[:scopes] line each (for --auth api-key)",
    )
    g.add_argument(
        "--card-signing-key",
        type=_readable_file,
        action="append",
        default=[],
        metavar="PEM",
        help="sign the served card with this private key (repeatable: one signature per key)",
    )
    g.add_argument(
        "--card-signing-kid",
        action="append",
        default=[],
        metavar="KID",
        help="kid of the --card-signing-key at the same position (default: JWK thumbprint)",
    )
    g.add_argument(
        "--card-jku", type=public_url, default=None, metavar="URL", help="jku of every signature"
    )


def _readable_file(text: str) -> str:
    if not os.path.isfile(text) or not os.access(text, os.R_OK):
        raise argparse.ArgumentTypeError(f"no readable file at {text!r}")
    return text


def check_security(args: argparse.Namespace) -> str | None:
    """The first bad combination of security options, as one message (None when fine)."""
    mode = args.auth
    jwt_only = ("--auth-jwks-url", args.auth_jwks_url), ("--auth-jwt-key", args.auth_jwt_key)
    if mode != "jwt":
        for flag, value in (*jwt_only, ("--auth-issuer", args.auth_issuer),
                            ("--auth-audience", args.auth_audience)):  # fmt: skip
            if value is not None:
                return f"{flag} needs --auth jwt (got --auth {mode})"
    if mode != "api-key" and args.auth_api_key_file is not None:
        return f"--auth-api-key-file needs --auth api-key (got --auth {mode})"
    try:
        check_auth_options(
            mode,
            jwks_url=args.auth_jwks_url,
            jwt_key_pem=args.auth_jwt_key,
            audience=args.auth_audience,
            api_key_file=args.auth_api_key_file,
        )
    except ValueError as exc:
        return str(exc)
    # signing.load_signing_keys refuses this too, but only once the app starts; checked here so
    # that it is a one-line usage error before anything is loaded.
    if args.card_signing_kid and len(args.card_signing_kid) != len(args.card_signing_key):
        return (
            f"got {len(args.card_signing_kid)} --card-signing-kid for "
            f"{len(args.card_signing_key)} --card-signing-key; give one per key or none"
        )
    if args.card_jku is not None and not args.card_signing_key:
        return "--card-jku needs --card-signing-key"
    return None
