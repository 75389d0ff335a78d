"""The ``a2a-harness`` command: one front door that dispatches to each package's own CLI.

Each subcommand's module is imported only when that subcommand runs, so ``a2a-harness serve``
never loads the conformance suite (or Locust) and the reverse. A subcommand whose module is not
part of this version answers with one clear line and exit code 2.

Example::

    a2a-harness serve --port 9999          # reference_agent.cli.main(["--port", "9999"])
    a2a-harness test --agent-url URL       # conformance.cli.main([...])
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from importlib import metadata

from a2a_harness.install_check import shadowed_packages, shadowing_message

__all__ = ["SUBCOMMANDS", "main"]

# subcommand -> (module exposing main(argv) -> int, one-line description)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("reference_agent.cli", "run the reference A2A agent"),
    "test": ("conformance.cli", "run the conformance suite (starts the reference agent if no URL)"),
    "load": ("load.cli", "run a Locust load gate against an agent"),
    "report": ("reports.cli", "render, publish or diff result files"),
    "card": ("reference_agent.card_cli", "build and sign agent cards"),
}

EXIT_USAGE = 2


def version() -> str:
    """The installed a2a-harness version."""
    try:
        return metadata.version("a2a-harness")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def usage() -> str:
    """The top-level help text."""
    width = max(len(name) for name in SUBCOMMANDS)
    commands = "\n".join(
        f"  {name.ljust(width)}  {description}" for name, (_, description) in SUBCOMMANDS.items()
    )
    return (
        "usage: a2a-harness [--version] [--help] <command> [options]\n\n"
        "Conformance and load-testing harness for A2A agents (v0.3 and v1.0).\n\n"
        f"commands:\n{commands}\n\n"
        "Run `a2a-harness <command> --help` for the options of one command."
    )


def _load_entry(command: str, module_name: str) -> Callable[[list[str]], int] | str:
    """The subcommand's ``main``, or a one-line reason why it cannot run."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        # The module itself (or its package) is absent: this version does not ship it.
        if module_name == missing or module_name.startswith(missing + "."):
            return f"a2a-harness {command}: not available in this version"
        return (
            f"a2a-harness {command}: missing dependency {missing!r} "
            f"(reinstall a2a-harness with its extras, e.g. pip install 'a2a-harness[load]')"
        )
    entry = getattr(module, "main", None)
    if not callable(entry):
        return f"a2a-harness {command}: not available in this version"
    return entry


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``a2a-harness`` with ``argv`` (default: the process arguments); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(usage(), file=sys.stderr)
        return EXIT_USAGE
    command, rest = args[0], args[1:]
    if command in ("-h", "--help", "help"):
        print(usage())
        return 0
    if command in ("-V", "--version"):
        print(f"a2a-harness {version()}")
        return 0
    if command not in SUBCOMMANDS:
        choices = ", ".join(SUBCOMMANDS)
        print(f"a2a-harness: unknown command {command!r} (choose from {choices})", file=sys.stderr)
        return EXIT_USAGE
    problems = shadowed_packages()
    if problems:
        print(shadowing_message(problems), file=sys.stderr)
        return EXIT_USAGE
    entry = _load_entry(command, SUBCOMMANDS[command][0])
    if isinstance(entry, str):
        print(entry, file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(entry(rest) or 0)
    except SystemExit as exc:  # argparse inside a subcommand exits; main() returns codes
        return _exit_code(exc.code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
