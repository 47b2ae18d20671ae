"""``-h`` everywhere, ``--debug`` before or after the command, and help grouped by capability."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from scholarcli.cli import app, global_flags_first
from scholarcli.commands.cli_reference import command_paths

PATHS = command_paths(app)


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(["scholar", *p]) for p in PATHS])
def test_h_is_help_for_every_command(runner: CliRunner, path: list[str]) -> None:
    long = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    short = runner.invoke(app, [*path, "-h"], env={"COLUMNS": "100"})
    assert long.exit_code == 0, long.output
    assert short.exit_code == 0, short.stderr
    assert short.stdout == long.stdout
    assert "Usage: " in short.stdout and "-h" in short.stdout


def test_help_lists_the_commands_by_capability(runner: CliRunner) -> None:
    out = runner.invoke(app, ["-h"], env={"COLUMNS": "100"}).stdout
    panels = ["People", "Papers", "Tracking", "Datasets", "Maintenance"]
    where = [out.find(f"─ {panel} ─") for panel in panels]
    assert -1 not in where and where == sorted(where), where
    assert "─ Commands ─" not in out  # no command left outside a panel

    def panel_of(command: str) -> str:
        at = out.find(f"│ {command} ")
        assert at != -1, command
        return [p for p, w in zip(panels, where, strict=True) if w < at][-1]

    expected = {
        "author": "People",
        "find": "People",
        "metrics": "People",
        "compare": "People",
        "coauthors": "People",
        "curate": "People",
        "paper": "Papers",
        "search": "Papers",
        "export": "Papers",
        "novelty": "Papers",
        "track": "Tracking",
        "refresh": "Tracking",
        "history": "Tracking",
        "datasets": "Datasets",
        "cache": "Maintenance",
    }
    assert {c: panel_of(c) for c in expected} == expected


def test_debug_after_the_command_shows_the_traceback(runner: CliRunner) -> None:
    # Reported: --debug was refused unless it came before the command name.
    args = ["author", "Nobody Here", "--offline"]
    plain = runner.invoke(app, args)
    after = runner.invoke(app, [*args, "--debug"])
    before = runner.invoke(app, ["--debug", *args])
    assert plain.exit_code == after.exit_code == before.exit_code == 4
    assert "Traceback" not in plain.stderr
    assert "Traceback" in after.stderr and "Traceback" in before.stderr
    assert after.stderr.splitlines()[-2:] == plain.stderr.splitlines()[-2:]


def test_debug_after_a_subcommand_of_a_group(runner: CliRunner) -> None:
    result = runner.invoke(app, ["cache", "info", "--debug", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert "no such option" not in result.stderr


def test_a_value_after_double_dash_is_left_alone() -> None:
    assert global_flags_first(["author", "X", "--debug"]) == ["--debug", "author", "X"]
    assert global_flags_first(["--debug", "author"]) == ["--debug", "author"]
    assert global_flags_first(["author", "--", "--debug"]) == ["author", "--", "--debug"]
    assert global_flags_first(["track", "X", "--debug", "--", "--debug"]) == [
        "--debug",
        "track",
        "X",
        "--",
        "--debug",
    ]
