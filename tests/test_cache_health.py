"""The cache's rough edges met as a new user (issue 11, item 5): declining a clear, an
empty cache offline, a SCHOLAR_HOME that cannot be a folder, and a damaged file, which
``cache info`` must diagnose, ``cache clear --yes`` must clear, every command must
report with exit 6, and ``scholar cache recover`` must set aside without losing it."""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cli import app

DAMAGED = 6


def run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def one_error(result, status: int) -> str:  # type: ignore[no-untyped-def]
    """The exit status is ``status`` and stderr is one error line plus at most a hint."""
    assert result.exit_code == status, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and "unexpected" not in lines[0]
    assert len(lines) <= 2 and all(line.startswith(("error: ", "hint: ")) for line in lines)
    assert "Traceback" not in result.stderr
    return str(result.stderr)


@pytest.fixture
def cached(runner: CliRunner, seeded, scholar_home: Path) -> Path:  # type: ignore[no-untyped-def]
    """A cache holding the seed profile and a tracked person; returns the file."""
    assert run(runner, "author", seed.NAME, "-f", "json").exit_code == 0
    assert run(runner, "track", seed.NAME).exit_code == 0
    return scholar_home / "cache.sqlite3"


def damage_papers_table(db_path: Path) -> None:
    """Overwrite the root page of the papers table: the file opens, reading it fails."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'papers'").fetchone()
    conn.close()
    data = bytearray(db_path.read_bytes())
    data[(root[0] - 1) * page_size : root[0] * page_size] = b"\xde\xad" * (page_size // 2)
    db_path.write_bytes(bytes(data))


# -- cache clear, asked on a terminal -------------------------------------------------------


def clear_on_a_terminal(answer: str) -> tuple[int, str]:
    """Run ``scholar cache clear`` with a pseudo-terminal as stdin; type ``answer``."""
    parent, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "scholarcli", "cache", "clear"],
        stdin=child,
        stdout=child,
        stderr=child,
        env=dict(os.environ, COLUMNS="200"),
    )
    os.close(child)
    seen, answered = b"", False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([parent], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(parent, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"[y/N]" in seen:
            os.write(parent, answer.encode() + b"\n")
            answered = True
        if proc.poll() is not None and not ready:
            break
    status = proc.wait(timeout=30)
    os.close(parent)
    return status, " ".join(seen.decode(errors="replace").split())


@pytest.mark.slow
def test_declining_cache_clear_is_a_normal_answer_that_deletes_nothing(
    runner: CliRunner,
    cached: Path,  # type: ignore[no-untyped-def]
) -> None:
    status, screen = clear_on_a_terminal("n")
    assert status == 0, screen
    assert "the watch list" in screen and "every history" in screen
    assert "nothing deleted" in screen and "unexpected" not in screen
    with sqlite3.connect(cached) as db:
        assert db.execute("SELECT count(*) FROM papers").fetchone()[0] == 9
        assert db.execute("SELECT count(*) FROM tracked").fetchone()[0] == 1
    db.close()
    status, screen = clear_on_a_terminal("y")
    assert status == 0, screen
    assert "cache cleared" in screen
    with sqlite3.connect(cached) as db:
        assert db.execute("SELECT count(*) FROM papers").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM tracked").fetchone()[0] == 0
    db.close()


# -- --offline on an empty cache -----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["author", seed.NAME, "--offline"],
        ["metrics", seed.NAME, "--offline"],
        ["author", "--id", seed.AUTHOR_ID, "--offline"],
    ],
)
def test_offline_on_an_empty_cache_says_how_to_fill_it_and_creates_nothing(
    runner: CliRunner, scholar_home: Path, args: list[str]
) -> None:
    stderr = one_error(run(runner, *args), 4)
    assert "not in the cache" in stderr
    assert "hint: " in stderr and "without --offline" in stderr
    assert not scholar_home.exists()


def test_reading_commands_leave_no_cache_file_behind(runner: CliRunner, scholar_home: Path) -> None:
    info = run(runner, "cache", "info", "-f", "json")
    assert info.exit_code == 0, info.stderr
    assert '"papers": 0' in info.stdout
    assert run(runner, "tracked").exit_code == 0
    assert run(runner, "cache", "clear", "--yes").exit_code == 0
    assert not scholar_home.exists()


def test_offline_names_the_cached_person_it_does_not_have(runner: CliRunner, cached) -> None:  # type: ignore[no-untyped-def]
    stderr = one_error(run(runner, "author", "Somebody Else", "--offline"), 4)
    assert "'Somebody Else' is not in the cache" in stderr
    assert run(runner, "author", seed.NAME, "--offline", "-f", "json").exit_code == 0


# -- SCHOLAR_HOME that cannot be a folder ---------------------------------------------------


@pytest.mark.parametrize("where", ["is-a-file", "under-a-file", "cache-is-a-folder"])
@pytest.mark.parametrize(
    "args",
    [
        ["author", seed.NAME],
        ["author", seed.NAME, "--offline"],
        ["cache", "info"],
        ["track", seed.NAME],
        ["refresh"],
        ["cache", "recover"],
    ],
)
def test_a_scholar_home_that_cannot_be_used_is_a_usage_error(
    runner: CliRunner,
    seeded,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    args: list[str],  # type: ignore[no-untyped-def]
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("my notes\n")
    home = {"is-a-file": blocker, "under-a-file": blocker / "scholar"}.get(where, tmp_path / "h")
    if where == "cache-is-a-folder":
        (home / "cache.sqlite3").mkdir(parents=True)
    monkeypatch.setenv("SCHOLAR_HOME", str(home))
    result = run(runner, *args)
    stderr = one_error(result, 2)
    assert str(home) in stderr and "SCHOLAR_HOME" in stderr
    assert blocker.read_text() == "my notes\n"


# -- a damaged cache -------------------------------------------------------------------------


def test_cache_info_runs_an_integrity_check(runner: CliRunner, cached: Path) -> None:
    healthy = run(runner, "cache", "info", "-f", "json")
    assert healthy.exit_code == 0 and '"integrity": "ok"' in healthy.stdout
    damage_papers_table(cached)
    stderr = one_error(run(runner, "cache", "info"), DAMAGED)
    assert "damaged" in stderr and "scholar cache recover" in stderr


@pytest.mark.parametrize(
    "args",
    [
        ["author", seed.NAME, "--offline"],
        ["metrics", seed.NAME, "--offline"],
        ["coauthors", seed.NAME, "--offline"],
        ["refresh"],
    ],
)
def test_every_command_reports_damage_with_its_own_exit_status(
    runner: CliRunner, cached: Path, args: list[str]
) -> None:
    damage_papers_table(cached)
    stderr = one_error(run(runner, *args), DAMAGED)
    assert "damaged" in stderr and "hint: run 'scholar cache recover'" in stderr


def test_cache_clear_clears_a_damaged_cache(runner: CliRunner, cached: Path) -> None:
    damage_papers_table(cached)
    cleared = run(runner, "cache", "clear", "--yes")
    assert cleared.exit_code == 0, cleared.stderr
    info = run(runner, "cache", "info", "-f", "json")
    assert info.exit_code == 0, info.stderr
    assert '"papers": 0' in info.stdout and '"integrity": "ok"' in info.stdout
    assert run(runner, "author", seed.NAME, "-f", "json").exit_code == 0


def test_recover_keeps_the_damaged_file_and_starts_afresh(
    runner: CliRunner,
    cached: Path,
    scholar_home: Path,  # type: ignore[no-untyped-def]
) -> None:
    healthy = run(runner, "cache", "recover")
    assert healthy.exit_code == 0 and "healthy" in healthy.stderr
    assert sorted(p.name for p in scholar_home.glob("cache*")) == ["cache.sqlite3"]
    damage_papers_table(cached)
    damaged_bytes = cached.read_bytes()
    recovered = run(runner, "cache", "recover")
    assert recovered.exit_code == 0, recovered.stderr
    (kept,) = scholar_home.glob("cache-damaged-*.sqlite3")
    assert kept.name[len("cache-damaged-") :][:8].isdigit()  # a UTC timestamp
    assert kept.read_bytes() == damaged_bytes
    assert str(kept) in recovered.stderr
    info = run(runner, "cache", "info", "-f", "json")
    assert info.exit_code == 0 and '"papers": 0' in info.stdout
    again = run(runner, "author", seed.NAME, "-f", "json")
    assert again.exit_code == 0, again.stderr


def test_a_file_that_is_not_sqlite_is_moved_aside_but_never_deleted(
    runner: CliRunner, seeded, scholar_home: Path
) -> None:
    scholar_home.mkdir(parents=True)
    db_path = scholar_home / "cache.sqlite3"
    db_path.write_bytes(b"\x00\xffnot sqlite" * 500)
    before = db_path.read_bytes()
    one_error(run(runner, "author", seed.NAME), DAMAGED)
    stderr = one_error(run(runner, "cache", "clear", "--yes"), DAMAGED)
    assert "not deleted" in stderr
    assert db_path.read_bytes() == before
    assert run(runner, "cache", "recover").exit_code == 0
    (kept,) = scholar_home.glob("cache-damaged-*.sqlite3")
    assert kept.read_bytes() == before
    assert run(runner, "author", seed.NAME, "-f", "json").exit_code == 0


def test_recover_leaves_another_programs_file_alone(runner: CliRunner, scholar_home: Path) -> None:
    scholar_home.mkdir(parents=True)
    db_path = scholar_home / "cache.sqlite3"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE notes(body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('my thesis')")
    conn.close()
    before = db_path.read_bytes()
    one_error(run(runner, "cache", "recover"), 2)
    one_error(run(runner, "cache", "info"), 2)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in scholar_home.iterdir()) == ["cache.sqlite3"]


def test_a_scholar_home_that_cannot_be_made_is_a_usage_error(
    runner: CliRunner, seeded, monkeypatch: pytest.MonkeyPatch, scholar_home: Path
) -> None:
    # Tests run as root in CI, where no folder is unwritable; so the refusal is simulated.
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    stderr = one_error(run(runner, "author", seed.NAME), 2)
    assert f"cannot create the folder {scholar_home}: Permission denied" in stderr
    assert "SCHOLAR_HOME" in stderr
