"""Secrets and hostile data: the API key never leaks; state is private; no shell."""

from __future__ import annotations

import csv
import io
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cli import app

KEY = "sk-LEAKCHECK-0123456789abcdef"
SRC = Path(__file__).resolve().parents[1] / "src" / "scholarcli"


def _everything_written(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "scenario", ["success", "forbidden", "server_down", "corrupt_cache", "offline_miss"]
)
def test_key_never_reaches_output_logs_cache_or_tracebacks(
    runner: CliRunner,
    double_env,
    scholar_home: Path,
    scenario: str,  # type: ignore[no-untyped-def]
) -> None:
    seed.load(double_env)
    args = ["--debug", "author", seed.NAME, "-f", "json"]
    env = {"SEMANTIC_SCHOLAR_API_KEY": KEY, "SCHOLAR_MAX_ATTEMPTS": "2"}
    if scenario == "forbidden":
        double_env.rejected_api_keys.add(KEY)
    elif scenario == "server_down":
        double_env.inject("*", "5xx", times=100)
    elif scenario == "corrupt_cache":
        scholar_home.mkdir(parents=True)
        (scholar_home / "cache.sqlite3").write_bytes(b"garbage" * 1000)
    elif scenario == "offline_miss":
        args.append("--offline")
    result = runner.invoke(app, args, env=env)
    if scenario == "success":
        assert result.exit_code == 0
        assert double_env.requests[0].headers["x-api-key"] == KEY
    else:
        assert result.exit_code != 0
        assert "Traceback" in result.stderr  # --debug shows the traceback ...
    assert KEY not in result.stdout
    assert KEY not in result.stderr  # ... but never the key
    assert KEY.encode() not in _everything_written(scholar_home)


def test_state_files_are_private(runner: CliRunner, double_env, scholar_home: Path) -> None:  # type: ignore[no-untyped-def]
    seed.load(double_env)
    assert runner.invoke(app, ["author", seed.NAME, "-f", "json"]).exit_code == 0
    paths = [scholar_home, *scholar_home.rglob("*")]
    assert len(paths) > 3
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            assert mode == 0o700, path
        else:
            assert mode & 0o077 == 0, (path, oct(mode))


def test_formula_cells_are_neutralised_in_csv(runner: CliRunner, double_env) -> None:  # type: ignore[no-untyped-def]
    double_env.add_author("42", "Eve Hostile")
    double_env.add_paper(
        "e" * 40,
        title='=HYPERLINK("http://evil.example/","click")',
        year=2024,
        authors=[("42", "Eve Hostile"), (None, "+cmd|' /C calc'!A0")],
        citation_count=1,
        abstract="-2+3",
    )
    result = runner.invoke(app, ["author", "Eve Hostile", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["title"].startswith("'=HYPERLINK")
    assert row["abstract"] == "'-2+3"
    for cell in row.values():
        assert not re.match(r"^[=+\-@\t\r]", cell), cell


def test_no_shell_is_ever_invoked() -> None:
    """No module runs a shell or a subprocess: names are data, never commands."""
    forbidden = re.compile(r"\b(subprocess|os\.system|os\.popen|shell\s*=\s*True|pty\.spawn)\b")
    offenders = [
        f"{path.name}:{n}"
        for path in SRC.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if forbidden.search(line)
    ]
    assert offenders == []
