"""Every command is documented in the README, and the README's set-up commands are CI's."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from scholarcli.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_paths(group: typer.Typer, prefix: str = "scholar") -> list[str]:
    paths = [f"{prefix} {c.name or c.callback.__name__}" for c in group.registered_commands]  # type: ignore[union-attr]
    for sub in group.registered_groups:
        paths += command_paths(sub.typer_instance, f"{prefix} {sub.name}")  # type: ignore[arg-type]
    return paths


def test_every_command_is_documented() -> None:
    paths = command_paths(app)
    assert len(paths) >= 14
    missing = [path for path in paths if path not in README]
    assert missing == []


def test_every_command_has_help_text() -> None:
    for command in app.registered_commands:
        assert (command.callback.__doc__ or "").strip(), command.callback  # type: ignore[union-attr]


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in setup.splitlines() if line.startswith("    ")]
    assert len(commands) == 2
    assert "scholar author" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_every_environment_variable_is_documented() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "scholarcli").rglob("*.py"))
    names = set(re.findall(r'"((?:SCHOLAR|SEMANTIC_SCHOLAR)_[A-Z0-9_]+)"', source))
    assert {"SCHOLAR_HOME", "SCHOLAR_S2_URL", "SEMANTIC_SCHOLAR_API_KEY"} <= names
    assert [n for n in sorted(names) if f"`{n}`" not in README] == []
