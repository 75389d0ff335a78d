"""Interop: the conformance suite against agents built on the official a2a-sdk, 1.x and 0.3.x.

For each SDK line and agent profile: start the agent (``sdk1_agent.py`` with this python, which
must have ``a2a-sdk`` 1.x; ``sdk03_agent.py`` with a sub-venv ``.tox/interop-sdk03`` holding
``a2a-sdk[http-server]>=0.3,<0.4``, created once and then reused), wait for its listening line,
run the bundled suite against it (``pytest --agent-url URL --a2a-results …``), stop it, then
print a table of grade counts and every FAIL, ERROR, NON-STRICT and WARNING with its
requirement, spec section and one line of evidence. Profiles: ``full`` declares streaming, push
notifications and an extended card (and on 1.x also v0.3, served by the SDK's compatibility
layer at the same URL); ``bare`` is v1.0 or v0.3 alone with none of them declared, so the
suite's gating checks judge the SDK too.

FAILs that are genuine spec violations by the SDK are listed, with the section they violate,
in ``interop/baselines/<agent>.json`` (the suite's ``--a2a-baseline`` format; one file per SDK
line and profile), so each FAIL shows its classification. Exit code: 0 when every agent
was judged with no ERROR, no unclassified FAIL and no stale baseline entry; 1 otherwise; 2 when
the harness itself crashed (an agent did not start, the suite did not finish or wrote nothing).
Bounded: about 10 s per agent; `--budget` bounds the whole run (venv creation aside).

Run it as ``tox -e interop`` (installs the 1.x SDK) or ``python interop/run.py --help``. Options
it does not know go to pytest, e.g. ``tox -e interop -- --sdk 1 -k card``. Results (the JSON per
agent, the pytest and agent logs, ``summary.txt``) go to ``interop/results/``. The tools' own
tests: ``python -m pytest interop -q -p no:cacheprovider``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _process import (
    ROOT,
    AgentProcess,
    HarnessCrash,
    SuiteOutcome,
    ensure_venv,
    run_suite,
    sdk_version,
)
from _serve import PROFILES
from _summary import AgentReport, render

INTEROP = Path(__file__).resolve().parent
SUITE_EXIT_CODES = (0, 1)  # pytest: all passed / some check failed; anything else is a crash


@dataclass(frozen=True, slots=True)
class SdkLine:
    """One release line of the official SDK and the agent built on it."""

    key: str
    name: str
    protocols: dict[str, str]  # profile -> the A2A versions its card declares
    script: str
    requirements: tuple[str, ...] = ()  # empty: runs in this python

    def python(self, recreate: bool) -> str:
        """The python to run the agent with (its ``a2a-sdk`` checked or installed)."""
        prefix = self.name + "."
        if not self.requirements:
            version = sdk_version(sys.executable)
            if not version.startswith(prefix):
                raise HarnessCrash(
                    f"this python has a2a-sdk {version or 'not installed'}, expected {prefix}x: "
                    "run `tox -e interop`, or pip install 'a2a-sdk[http-server]>=1.0,<2'"
                )
            return sys.executable
        venv = ROOT / ".tox" / f"interop-{self.key}"
        return ensure_venv(venv, list(self.requirements), prefix, recreate=recreate)


LINES = {
    "1": SdkLine("sdk1", "1", {"full": "v1.0+v0.3", "bare": "v1.0"}, "sdk1_agent.py"),
    "0.3": SdkLine(
        "sdk03",
        "0.3",
        {"full": "v0.3", "bare": "v0.3"},
        "sdk03_agent.py",
        ("a2a-sdk[http-server]>=0.3,<0.4", "uvicorn"),
    ),
}


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Other options are passed to pytest.",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--sdk",
        action="append",
        choices=sorted(LINES),
        help="SDK line to test (repeatable; default: all)",
    )
    parser.add_argument(
        "--profile",
        action="append",
        choices=PROFILES,
        help="agent profile (repeatable; default: all): full declares streaming, push and an "
        "extended card; bare declares none, to judge the SDK's capability gating",
    )
    parser.add_argument("--out", type=Path, default=INTEROP / "results", help="results folder")
    parser.add_argument("--no-baseline", action="store_true", help="show raw verdicts")
    parser.add_argument("--recreate-venv", action="store_true", help="rebuild the 0.3.x venv")
    parser.add_argument("--startup-timeout", type=float, default=20.0, metavar="SECONDS")
    parser.add_argument("--suite-timeout", type=float, default=110.0, metavar="SECONDS")
    parser.add_argument(
        "--budget",
        type=float,
        default=280.0,
        metavar="SECONDS",
        help="bound of the whole run, venv creation aside (default 280)",
    )
    args, extra = parser.parse_known_args(argv)
    for name in ("startup_timeout", "suite_timeout", "budget"):
        if not 0 < getattr(args, name) <= 3600:
            parser.error(f"--{name.replace('_', '-')}: expected 0 < SECONDS <= 3600")
    return args, extra


def run_line(
    line: SdkLine,
    python: str,
    profile: str,
    args: argparse.Namespace,
    extra: list[str],
    deadline: float,
) -> AgentReport:
    """Start one agent, judge it, stop it; every failure to do so is a crash in the report."""
    key = line.key if profile == "full" else f"{line.key}-{profile}"
    report = AgentReport(
        key, f"a2a-sdk {sdk_version(python)} ({line.protocols[profile]}, {profile})"
    )
    # One baseline per agent: the profiles differ in what they exercise (e.g. full is dual-stack
    # on 1.x), and a listed requirement that passes raises a stale-baseline alarm.
    baseline = INTEROP / "baselines" / f"{key}.json"
    use_baseline = baseline if baseline.is_file() and not args.no_baseline else None
    script, agent_log = INTEROP / line.script, args.out / f"{key}-agent.log"
    try:
        # Leaves room for stopping the agent; the budget bounds the whole run, not each agent.
        left = deadline - time.monotonic() - args.startup_timeout - 10
        if left < 10:
            raise HarnessCrash(
                f"not enough left of the run's --budget of {args.budget:g} s to judge this agent"
            )
        print(f"{report.label}: starting {line.script}", flush=True)
        with AgentProcess(
            python, script, ["--profile", profile], agent_log, args.startup_timeout
        ) as agent:
            report.url = agent.url
            print(f"{report.label}: judging {agent.url}", flush=True)
            outcome = run_suite(
                agent.url,
                args.out / f"{key}.json",
                args.out / f"{key}-pytest.log",
                use_baseline,
                extra,
                min(args.suite_timeout, left),
            )
        report.exit_code, report.duration_s = outcome.exit_code, outcome.duration_s
        if use_baseline is not None:
            report.notes.append(f"baseline {use_baseline.relative_to(ROOT)}")
        report.results = _read_results(outcome)
    except HarnessCrash as exc:
        report.crash = str(exc)
    return report


def _read_results(outcome: SuiteOutcome) -> dict[str, Any]:
    problem = ""
    if outcome.exit_code not in SUITE_EXIT_CODES:
        problem = f"pytest exited with {outcome.exit_code}"
    elif not outcome.results.is_file():
        problem = f"pytest wrote no {outcome.results.name}"
    else:
        try:
            doc = json.loads(outcome.results.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problem = f"unreadable {outcome.results.name}: {exc}"
        else:
            if isinstance(doc, dict) and isinstance(doc.get("checks"), list):
                return doc
            problem = f"{outcome.results.name} is not a results document"
    tail = outcome.log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
    raise HarnessCrash(f"{problem}; log tail:\n" + "\n".join(tail))


def main(argv: list[str] | None = None) -> int:
    args, extra = parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / ".gitignore").write_text("*\n", encoding="utf-8")  # run output, never committed
    profiles = args.profile or list(PROFILES)
    lines = [LINES[key] for key in (args.sdk or list(LINES))]
    # Interpreters first (building the 0.3.x venv may take a while, once): the budget is for
    # the agents and the suite.
    pythons: dict[str, str | HarnessCrash] = {}
    for line in lines:
        try:
            pythons[line.key] = line.python(args.recreate_venv)
        except HarnessCrash as exc:
            pythons[line.key] = exc
    deadline = time.monotonic() + args.budget
    reports = []
    for line in lines:
        python = pythons[line.key]
        for profile in profiles:
            if isinstance(python, HarnessCrash):
                key = line.key if profile == "full" else f"{line.key}-{profile}"
                label = f"a2a-sdk {line.name}.x ({line.protocols[profile]}, {profile})"
                reports.append(AgentReport(key, label, crash=str(python)))
            else:
                reports.append(run_line(line, python, profile, args, extra, deadline))
    text = render(reports)
    (args.out / "summary.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    print(f"results: {args.out}")
    if any(rep.crash for rep in reports):
        return 2
    return 0 if all(rep.ok for rep in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
