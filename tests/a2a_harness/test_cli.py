"""The ``a2a-harness`` console script: version, help, dispatch, missing parts, shadowing guard."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from a2a_harness import cli


def console_script() -> str:
    beside_python = Path(sys.executable).with_name("a2a-harness")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("a2a-harness")
    assert found, "the a2a-harness console script is not installed (pip install -e .)"
    return found


def run(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return subprocess.run(
        [console_script(), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"a2a-harness {metadata.version('a2a-harness')}"


def test_help_lists_every_subcommand() -> None:
    result = run("--help")
    assert result.returncode == 0
    for name in ("serve", "test", "load", "report", "card"):
        assert f"\n  {name} " in result.stdout


def test_no_arguments_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 2
    assert result.stderr.startswith("usage: a2a-harness")


def test_unknown_command_names_it_and_the_choices() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert "unknown command 'frobnicate' (choose from serve, test, load, report, card)" in (
        result.stderr
    )


@pytest.mark.parametrize("command", list(cli.SUBCOMMANDS))
def test_subcommand_runs_its_module_or_says_it_is_not_available(command: str) -> None:
    module = cli.SUBCOMMANDS[command][0]
    result = run(command, "--help")
    if importlib.util.find_spec(module) is None:
        assert result.returncode == 2
        assert result.stderr.strip() == f"a2a-harness {command}: not available in this version"
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip(), f"{module} --help printed nothing"


def test_shadowing_package_is_refused_with_advice(tmp_path: Path) -> None:
    impostor = tmp_path / "fixtures"
    impostor.mkdir()
    (impostor / "__init__.py").write_text("raise RuntimeError('the impostor was imported')\n")

    result = run("serve", "--help", pythonpath=tmp_path)

    assert result.returncode == 2
    assert f"fixtures: found {impostor.resolve()}" in result.stderr
    assert "own environment" in result.stderr
    assert "impostor was imported" not in result.stderr  # found, never imported
    assert run("--version", pythonpath=tmp_path).returncode == 0


def test_python_dash_m_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "a2a_harness", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("a2a-harness ")


# -- dispatch, in process, against stand-in modules -----------------------------------------


@pytest.fixture
def stand_ins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "h3_echo_cli.py").write_text(
        "import sys\ndef main(argv):\n    print('argv=' + ' '.join(argv))\n    return 7\n"
    )
    (tmp_path / "h3_argparse_cli.py").write_text(
        "import argparse\n"
        "def main(argv):\n"
        "    argparse.ArgumentParser(prog='x').parse_args(argv)\n"
        "    return 0\n"
    )
    (tmp_path / "h3_broken_dep_cli.py").write_text(
        "import h3_dependency_that_is_not_installed\ndef main(argv):\n    return 0\n"
    )
    (tmp_path / "h3_no_main.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "shadowed_packages", lambda: [])
    monkeypatch.setattr(
        cli,
        "SUBCOMMANDS",
        {
            "echo": ("h3_echo_cli", ""),
            "strict": ("h3_argparse_cli", ""),
            "broken": ("h3_broken_dep_cli", ""),
            "nomain": ("h3_no_main", ""),
            "absent": ("h3_module_that_does_not_exist", ""),
        },
    )


@pytest.mark.usefixtures("stand_ins")
def test_dispatch_passes_the_rest_and_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["echo", "--agent-url", "http://x/", "-k", "card"]) == 7
    assert capsys.readouterr().out == "argv=--agent-url http://x/ -k card\n"


@pytest.mark.usefixtures("stand_ins")
def test_subcommand_argparse_exit_becomes_the_return_code() -> None:
    assert cli.main(["strict", "--no-such-option"]) == 2
    assert cli.main(["strict", "--help"]) == 0


@pytest.mark.usefixtures("stand_ins")
@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("absent", "a2a-harness absent: not available in this version"),
        ("nomain", "a2a-harness nomain: not available in this version"),
        ("broken", "a2a-harness broken: missing dependency 'h3_dependency_that_is_not_installed'"),
    ],
)
def test_unavailable_subcommand_is_one_clear_line(
    command: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([command]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
