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
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .evidence import Evidence
    from .grading import Check
    from .run import SuiteRun
    from .target import AgentHandle, Target

SUITE_DIR = Path(__file__).parent / "suite"
RUN_KEY: pytest.StashKey[SuiteRun] = pytest.StashKey()
CHECK_KEY: pytest.StashKey[Check] = pytest.StashKey()
EVIDENCE_KEY: pytest.StashKey[Evidence] = pytest.StashKey()
_LEVELS = {"must": ("MUST",), "should": ("MUST", "SHOULD"), "may": ("MUST", "SHOULD", "MAY")}


def pytest_addoption(parser: pytest.Parser) -> None:
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
        "--a2a-baseline",
        dest="a2a_baseline",
        metavar="FILE",
        help='known failures: {"expected_failures": {"REQ-ID": "comment"}}',
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
        ("a2a_baseline", "baseline file"),
    ):
        parser.addini(name, text, default=None)
    for name in ("a2a_select", "a2a_exclude", "a2a_header", "a2a_prompt"):
        parser.addini(name, name.replace("_", " "), type="linelist")


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
            "baseline",
            "requirements",
        )
    }
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
            "baseline",
        )
    }
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


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
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
        _print_requirements(config, run, marked)
        items[:] = []
        return
    keep, drop = _filter(run, marked)
    if drop:
        config.hook.pytest_deselected(items=drop)
    keep.sort(key=lambda item: item.get_closest_marker("a2a_last") is not None)
    items[:] = keep


def _default_registry() -> Any:
    from .registry import default_registry

    return default_registry()


def _filter(
    run: SuiteRun, marked: list[tuple[pytest.Item, str | None]]
) -> tuple[list[pytest.Item], list[pytest.Item]]:
    import fnmatch

    levels = _LEVELS[run.options.level]
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item, req_id in marked:
        if req_id is None:
            keep.append(item)
            continue
        ok = str(run.registry[req_id].level) in levels
        if run.options.select:
            ok = ok and any(fnmatch.fnmatchcase(req_id, p) for p in run.options.select)
        if any(fnmatch.fnmatchcase(req_id, p) for p in run.options.exclude):
            ok = False
        (keep if ok else drop).append(item)
    return keep, drop


def _print_requirements(
    config: pytest.Config, run: SuiteRun, marked: list[tuple[pytest.Item, str | None]]
) -> None:
    coverage: dict[str, list[str]] = {}
    for item, req_id in marked:
        if req_id is not None:
            name = item.originalname if isinstance(item, pytest.Function) else item.name
            tests = coverage.setdefault(req_id, [])
            if name not in tests:
                tests.append(name)
    writer = config.get_terminal_writer()
    writer.line(f"{'id':<14}{'level':<8}{'versions':<10}{'section':<22}covered by")
    for req in run.registry:
        covered_by = ", ".join(coverage.get(req.id, [])) or "-"
        versions = ",".join(req.versions)
        writer.line(f"{req.id:<14}{req.level!s:<8}{versions:<10}{req.section[:21]:<22}{covered_by}")
        writer.line(f"{'':<14}{req.paraphrase}")
    covered = sum(1 for r in run.registry if r.id in coverage)
    writer.line(f"{len(run.registry)} requirements, {covered} covered by the bundled suite")


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
    if run.options.results is None:
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
    write_json(run.options.results, doc)


# -- fixtures: the check API of suite tests ---------------------------------------------------
@pytest.fixture(scope="session")
def a2a_run(request: pytest.FixtureRequest) -> SuiteRun:
    """The run's shared state (options, registry, agents, client, observer)."""
    run = request.config.stash.get(RUN_KEY, None)
    if run is None or run.http is None:
        from .grading import HarnessError

        raise HarnessError("A2A conformance checks need --agent-url (or a2a-harness test)")
    return run


@pytest.fixture
def check(request: pytest.FixtureRequest) -> Check:
    """The grading API of one check: ``fail``, ``that``, ``equal``, ``warn``, ``not_applicable``."""
    from .grading import Check

    node = request.node
    if CHECK_KEY not in node.stash:
        node.stash[CHECK_KEY] = Check()
    return node.stash[CHECK_KEY]


@pytest.fixture
def a2a(request: pytest.FixtureRequest, a2a_run: SuiteRun, check: Check) -> Iterator[Target]:
    """One interface of the agent at one protocol version (parametrized by the plugin)."""
    from .grading import HarnessError, NotApplicable
    from .target import Target

    spec = getattr(request, "param", None)
    if spec is None or spec.agent_index < 0:
        raise HarnessError("the a2a fixture is parametrized by the conformance plugin")
    if spec.problem:
        raise HarnessError(spec.problem)
    if spec.not_applicable:
        raise NotApplicable(spec.not_applicable)
    assert a2a_run.http is not None and a2a_run.observer is not None
    target = Target(
        a2a_run.agents[spec.agent_index],
        spec.interface,
        a2a_run.http,
        a2a_run.observer,
        a2a_run.prompts,
        errata=a2a_run.options.errata,
    )
    yield target
    target.cleanup()


@pytest.fixture
def a2a_agent(request: pytest.FixtureRequest, a2a_run: SuiteRun, check: Check) -> AgentHandle:
    """One agent under test, for checks about the agent card."""
    from .grading import HarnessError
    from .target import AgentHandle

    spec = getattr(request, "param", None)
    if spec is None or spec.agent_index < 0:
        raise HarnessError("the a2a_agent fixture is parametrized by the conformance plugin")
    assert a2a_run.http is not None
    agent = a2a_run.agents[spec.agent_index]
    marker = request.node.get_closest_marker("requirement")
    if (
        marker is not None
        and marker.args
        and marker.args[0] in a2a_run.registry
        and agent.interfaces
    ):
        wanted = a2a_run.registry[marker.args[0]].versions
        offered = sorted({i.version for i in agent.interfaces})
        if not set(wanted) & set(offered):
            from .grading import NotApplicable

            raise NotApplicable(
                f"requirement applies to v{', v'.join(wanted)} only; the agent offers "
                f"v{', v'.join(offered)}"
            )
    return AgentHandle(agent, a2a_run.http)
