"""pytest11 entry point of the A2A conformance suite.

Loaded in every pytest run of an environment where a2a-harness is installed, so it is
import-light (heavy modules are imported inside hooks) and does nothing unless asked: the suite
is on when ``--agent-url`` (or ``A2A_AGENT_URL`` / ini ``a2a_agent_url``) is given, with
``--a2a-requirements``, or when the bundled suite directory is collected explicitly (then the
reference agent is started). ``pytest --agent-url URL`` with no path runs the bundled suite.

Hooks, in the order pytest calls them:

* ``pytest_addoption``: the ``a2a`` option group and ini keys.
* ``pytest_configure``: validate options (one :class:`pytest.UsageError` line for a bad value)
  and keep a :class:`~conformance.run.SuiteRun` in ``config.stash``.
* ``pytest_sessionstart``: discover each agent once, with a bounded timeout.
* ``pytest_report_header``: effective options (secrets redacted) and detected interfaces.
* ``pytest_generate_tests``: one test per (interface, version) or per agent.
* ``pytest_collection_modifyitems``: unknown requirement ids fail; level/select/exclude filter.
* ``pytest_runtest_protocol`` / ``_makereport`` / ``_report_teststatus``: span, evidence, grade.
* ``pytest_terminal_summary`` / ``pytest_sessionfinish``: requirement summary, baseline alarms,
  results JSON, exit code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .run import SuiteRun

# The fixtures are this plugin's too: importing them here registers them with pytest.
from ._fixtures import (
    a2a,
    a2a_agent,
    a2a_balanced,
    a2a_instances,
    a2a_run,
    a2a_webhooks,
    check,
)
from ._keys import CHECK_KEY, EVIDENCE_KEY, RUN_KEY, SUITE_DIR

__all__ = [
    "SUITE_DIR",
    "a2a",
    "a2a_agent",
    "a2a_balanced",
    "a2a_instances",
    "a2a_run",
    "a2a_webhooks",
    "check",
]


# Options of the push-notification receiver, the robustness properties and multi-instance mode.
_DELIVERY_OPTIONS = (
    "webhook_host",
    "webhook_port",
    "webhook_url",
    "fuzz_examples",
    "fuzz_seed",
    "load_balanced",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    from ._option_decls import add_options

    add_options(parser)


def _suite_requested(config: pytest.Config) -> bool:
    """Explicit paths into the bundled suite (then the reference agent is started)."""
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return False
    suite = SUITE_DIR.resolve()
    for arg in config.args:
        path = Path(arg.split("::")[0])
        path = path if path.is_absolute() else config.invocation_params.dir / path
        if path.resolve() == suite or suite in path.resolve().parents:
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requirement(id): the A2A requirement a conformance check proves"
    )
    config.addinivalue_line("markers", "a2a_last: run this conformance check after all others")
    cli = {
        name: config.getoption(f"a2a_{name}")
        for name in (
            "agent_url",
            "version",
            "errata",
            "level",
            "strict",
            "select",
            "exclude",
            "header",
            "prompt",
            "timeout",
            "results",
            "report_dir",
            "baseline",
            "requirements",
            *_DELIVERY_OPTIONS,
        )
    }
    from ._option_decls import AUTH_INI_OPTIONS, AUTH_OPTIONS

    cli.update({name: config.getoption(f"a2a_{name}") for name in AUTH_OPTIONS})
    wanted = bool(
        cli["agent_url"]
        or cli["requirements"]
        or os.environ.get("A2A_AGENT_URL", "").strip()
        or config.getini("a2a_agent_url")
    )
    explicit_suite = _suite_requested(config)
    if not wanted and not explicit_suite:
        return
    from .options import OptionError, parse_options
    from .run import SuiteRun

    ini = {
        name: config.getini(f"a2a_{name}")
        for name in (
            "agent_url",
            "version",
            "errata",
            "level",
            "strict",
            "select",
            "exclude",
            "header",
            "prompt",
            "timeout",
            "results",
            "report_dir",
            "baseline",
            *_DELIVERY_OPTIONS,
        )
    }
    ini.update({name: config.getini(f"a2a_{name}") for name in AUTH_INI_OPTIONS})
    try:
        options = parse_options(cli, dict(os.environ), ini)
    except OptionError as exc:
        raise pytest.UsageError(str(exc)) from None
    run = SuiteRun.from_options(options)
    run.explicit_suite = explicit_suite
    config.stash[RUN_KEY] = run
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = [str(SUITE_DIR)]


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    run = session.config.stash.get(RUN_KEY, None)
    if run is None or run.options.list_requirements:
        return
    try:
        run.start(start_reference_agent=True)
    except pytest.UsageError as exc:
        _write_results(run, exit_code=int(pytest.ExitCode.USAGE_ERROR), alarm=str(exc))
        raise


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    run = config.stash.get(RUN_KEY, None)
    return run.header_lines() if run is not None else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    run = metafunc.config.stash.get(RUN_KEY, None)
    if run is None:
        return
    from .run import TargetSpec
    from .verdicts import requirement_of

    listing = not run.agents
    if "a2a" in metafunc.fixturenames:
        req_id = requirement_of(metafunc.definition)
        versions = run.registry[req_id].versions if req_id and req_id in run.registry else None
        specs = [("listing", TargetSpec(-1))] if listing else run.target_specs(versions)
        metafunc.parametrize("a2a", [s for _, s in specs], ids=[i for i, _ in specs], indirect=True)
    elif "a2a_agent" in metafunc.fixturenames:
        specs = [("listing", TargetSpec(-1))] if listing else run.agent_specs()
        metafunc.parametrize(
            "a2a_agent", [s for _, s in specs], ids=[i for i, _ in specs], indirect=True
        )
    else:
        _parametrize_instances(metafunc, run, listing)


def _parametrize_instances(metafunc: pytest.Metafunc, run: SuiteRun, listing: bool) -> None:
    """``a2a_instances`` / ``a2a_balanced`` (multi-instance checks): one test per version."""
    from .instances import balanced_specs, instance_specs
    from .run import TargetSpec
    from .verdicts import requirement_of

    for name, make in (("a2a_instances", instance_specs), ("a2a_balanced", balanced_specs)):
        if name not in metafunc.fixturenames:
            continue
        req_id = requirement_of(metafunc.definition)
        record = run.registry[req_id] if req_id and req_id in run.registry else None
        # Card-level checks (MULTI-5) compare whole agents, not one interface per version.
        card_level = record is not None and "card" in record.tags
        versions = None if card_level or record is None else record.versions
        specs = [("listing", TargetSpec(-1))] if listing else make(run, versions)
        metafunc.parametrize(name, [s for _, s in specs], ids=[i for i, _ in specs], indirect=True)


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    from ._collection import filter_items, print_requirements
    from .verdicts import requirement_of

    marked = [(item, requirement_of(item)) for item in items]
    if not any(req for _, req in marked):
        return
    run = config.stash.get(RUN_KEY, None)
    registry = run.registry if run is not None else _default_registry()
    for item, req_id in marked:
        if req_id is not None and req_id not in registry:
            raise pytest.UsageError(
                f"{item.nodeid}: unknown A2A requirement id {req_id!r} in @pytest.mark.requirement"
            )
    if run is None:
        return
    if run.options.list_requirements:
        print_requirements(config, run, marked)
        items[:] = []
        return
    keep, drop = filter_items(run, marked)
    if drop:
        config.hook.pytest_deselected(items=drop)
    keep.sort(key=lambda item: item.get_closest_marker("a2a_last") is not None)
    items[:] = keep


def _default_registry() -> Any:
    from .registry import default_registry

    return default_registry()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    run = item.config.stash.get(RUN_KEY, None)
    from_suite = run is not None and run.http is not None and item.get_closest_marker("requirement")
    if not from_suite:
        return (yield)
    from .evidence import Evidence
    from .grading import Check
    from .verdicts import requirement_of

    assert run is not None and run.http is not None and run.tracer is not None
    evidence = Evidence()
    item.stash[EVIDENCE_KEY] = evidence
    item.stash[CHECK_KEY] = Check(requirement_of(item))
    run.http.evidence = evidence
    if run.observer is not None:
        run.observer.current_check = item.nodeid
    attributes = {"a2a.requirement": requirement_of(item) or "", "a2a.check": item.nodeid}
    with run.tracer.check_span(item.name, attributes) as trace_id:
        evidence.trace_id = trace_id
        try:
            return (yield)
        finally:
            run.http.evidence = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    run = item.config.stash.get(RUN_KEY, None)
    if run is None or CHECK_KEY not in item.stash:
        return report
    from .verdicts import grade_report

    result = grade_report(
        item,
        report,
        call.excinfo,
        run,
        item.stash.get(CHECK_KEY, None),
        item.stash.get(EVIDENCE_KEY, None),
    )
    if result is not None:
        run.collector.add(result)
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, str] | None:
    grade = getattr(report, "a2a_grade", None)
    if grade is None:
        return None
    from .verdicts import CATEGORIES

    return CATEGORIES[grade]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    run = config.stash.get(RUN_KEY, None)
    if run is not None and not run.options.list_requirements:
        from .verdicts import write_summary

        write_summary(terminalreporter, run)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash.get(RUN_KEY, None)
    if run is None:
        return
    if run.options.list_requirements:
        session.exitstatus = pytest.ExitCode.OK
        return
    alarms = run.collector.baseline_alarms(run.registry, run.baseline)
    run.collector.alarms.extend(alarms)
    if alarms and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    _write_results(run, exit_code=int(session.exitstatus))


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN_KEY, None)
    if run is not None:
        run.finish()


def _write_results(run: SuiteRun, *, exit_code: int, alarm: str | None = None) -> None:
    if run.options.results is None and run.options.report_dir is None:
        return
    from .results import write_json

    if alarm:
        run.collector.alarms.append(alarm)
    doc = run.collector.to_json(
        registry=run.registry,
        options=run.options.redacted(),
        agents=run.agents,
        exit_code=exit_code,
    )
    if run.options.results is not None:
        write_json(run.options.results, doc)
    if run.options.report_dir is not None:
        _publish_report(run.options.report_dir, doc)


def _publish_report(report_dir: Path, doc: dict[str, Any]) -> None:
    """results.json + report.html into ``--a2a-report-dir``; a failure is one warning line,
    never a crashed session (the verdicts are already in the terminal and the exit code)."""
    from reports.publish import publish_run
    from reports.results import ResultsError

    try:
        paths = publish_run(report_dir, doc)
    except (ResultsError, OSError) as exc:
        sys.stderr.write(f"a2a-harness: report not written to {report_dir}: {exc}\n")
    else:
        sys.stderr.write(f"a2a-harness: report written to {paths.html}\n")
