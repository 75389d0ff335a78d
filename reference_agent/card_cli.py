"""``a2a-harness card``: build, sign and publish the keys of agent cards.

Subcommands::

    a2a-harness card keygen --alg ES256 --out key.pem
    a2a-harness card sign --key key.pem [--kid KID] [--jku URL] [--in card.json] [--out signed.json]
    a2a-harness card jwks --key key.pem [--kid KID] [--out jwks.json]

``sign`` accepts ``--key`` several times (with as many ``--kid``, in the same order) to put one
signature per key on the card, which is how a key rotation is published. Without ``--in`` the
card signed is the reference agent's public card for the default settings; ``--in -`` reads
standard input. Bad input (unreadable key, card that is not a JSON object) exits with code 2 and
one line naming what was wrong; private key material is never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .jose import JoseError, PrivateKey
from .signing import jwks_document, load_signing_keys, sign_card

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _UsageError(Exception):
    """A problem with the user's input, reported as one line and exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="a2a-harness card", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    keygen = commands.add_parser("keygen", help="write a new private key (PEM, PKCS#8)")
    keygen.add_argument("--alg", choices=("ES256", "RS256", "EdDSA"), default="ES256")
    keygen.add_argument("--out", required=True, help="file to write the private key to")

    sign = commands.add_parser("sign", help="sign an agent card (JWS, RFC 8785 payload)")
    sign.add_argument("--key", action="append", required=True, help="PEM private key (repeat)")
    sign.add_argument("--kid", action="append", default=[], help="key id, one per --key")
    sign.add_argument("--jku", help="URL of the JWKS that publishes the keys")
    sign.add_argument("--in", dest="source", help="card JSON file ('-' for stdin)")
    sign.add_argument("--out", help="where to write the signed card (default: stdout)")
    sign.add_argument(
        "--keep-existing", action="store_true", help="keep signatures already on the card"
    )

    jwks = commands.add_parser("jwks", help="print the JWKS document of public keys")
    jwks.add_argument("--key", action="append", required=True, help="PEM private key (repeat)")
    jwks.add_argument("--kid", action="append", default=[], help="key id, one per --key")
    jwks.add_argument("--out", help="where to write the JWKS (default: stdout)")
    return parser


def _read_card(source: str | None) -> dict[str, Any]:
    if source is None:
        from .card import build_public_card
        from .config import AgentSettings

        return build_public_card(AgentSettings())
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _UsageError(f"cannot read card {source}: {exc}") from None
    try:
        card = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _UsageError(f"card {source} is not valid JSON: {exc}") from None
    if not isinstance(card, dict):
        raise _UsageError(f"card {source} must be a JSON object, got {type(card).__name__}")
    return card


def _write(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text + "\n")
        return
    try:
        Path(out).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise _UsageError(f"cannot write {out}: {exc.strerror}") from None


def _new_key(alg: str) -> PrivateKey:
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


def _owner_only(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def _keygen(args: argparse.Namespace) -> None:
    pem = _new_key(args.alg).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = Path(args.out)
    try:
        # Created owner-only from the start: a private key must never be world-readable.
        with open(path, "xb", opener=_owner_only) as f:
            f.write(pem)
    except FileExistsError:
        raise _UsageError(f"{path} exists; refusing to overwrite a key") from None
    except OSError as exc:
        raise _UsageError(f"cannot write {path}: {exc.strerror}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``a2a-harness card`` with ``argv``; returns the exit code."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        if args.command == "keygen":
            _keygen(args)
        elif args.command == "sign":
            keys = load_signing_keys(args.key, args.kid, args.jku)
            card = _read_card(args.source)
            signed = sign_card(card, keys, keep_existing=args.keep_existing)
            _write(json.dumps(signed, indent=2, ensure_ascii=False), args.out)
        else:
            keys = load_signing_keys(args.key, args.kid, None)
            _write(json.dumps(jwks_document(keys), indent=2), args.out)
    except (_UsageError, JoseError) as exc:
        sys.stderr.write(f"a2a-harness card {args.command}: {exc}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
