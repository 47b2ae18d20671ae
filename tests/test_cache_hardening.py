"""The cache under a full disk, from a newer version, and read-only (issue 21, item 3).

A full disk is simulated two ways, both without a real small file system: SQLite's
own size limit (``PRAGMA max_page_count``, which fails a statement exactly as a full
disk does) and a connection whose COMMIT fails after SQLite rolled the transaction
back itself, which is what a full disk at COMMIT does.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cache import migrations, people
from scholarcli.cache.store import Store
from scholarcli.cli import app
from scholarcli.errors import CacheError, CacheTooNewError, DiskFullError, ExitStatus
from scholarcli.models import AuthorRef, Paper

NOW = "2026-11-27T09:00:00+00:00"


def paper(n: int, title: str = "") -> Paper:
    return Paper(
        paper_id=f"p{n}",
        title=title or f"Paper {n}",
        year=2020,
        citations=n,
        authors=[AuthorRef("1", "Ada Lovelace")],
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_error(result: Any, status: int) -> str:
    assert result.exit_code == status, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and "unexpected" not in lines[0], lines
    assert len(lines) <= 2 and all(line.startswith(("error: ", "hint: ")) for line in lines)
    return str(result.stderr)


def integrity(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall()


@pytest.fixture
def cached(runner: CliRunner, seeded: Any, scholar_home: Path) -> Path:
    """A cache holding the seed profile, checkpointed so the main file holds it all."""
    assert runner.invoke(app, ["author", seed.NAME, "-f", "json"]).exit_code == 0
    path = scholar_home / "cache.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


# -- a full disk -------------------------------------------------------------------------


def test_a_disk_that_fills_mid_write_says_so_and_keeps_the_old_state(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = Store.open(path)
    people.save_author_papers(store, None, "1", [paper(1)], NOW)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
    big = [paper(n, "x" * 2000) for n in range(2, 200)]
    with pytest.raises(DiskFullError) as caught:
        people.save_author_papers(store, None, "1", big, NOW)
    assert "disk is full" in caught.value.message and str(path) in caught.value.message
    assert caught.value.exit_status == ExitStatus.DISK_FULL == 9
    assert [p.paper_id for p in people.load_author_papers(store, "1")] == ["p1"]
    assert not store.conn.in_transaction
    store.close()
    assert integrity(path) == [("ok",)]


class CommitFailsOnAFullDisk:
    """A connection whose COMMIT meets a full disk: SQLite rolls back by itself, then
    reports SQLITE_FULL, so the transaction is gone when the caller tries ROLLBACK."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.strip().upper() == "COMMIT":
            self._conn.execute("ROLLBACK")
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
            raise error
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_a_disk_full_at_commit_is_not_reported_as_no_transaction_is_active(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.sqlite3"
    store = Store.open(path)
    people.save_author_papers(store, None, "1", [paper(1)], NOW)
    real = store.conn
    store.conn = CommitFailsOnAFullDisk(real)  # type: ignore[assignment]
    with pytest.raises(DiskFullError) as caught:
        people.save_author_papers(store, None, "1", [paper(2), paper(3)], NOW)
    assert "no transaction" not in str(caught.value) and str(path) in caught.value.message
    store.conn = real
    assert [p.paper_id for p in people.load_author_papers(store, "1")] == ["p1"]
    store.close()
    assert integrity(path) == [("ok",)]


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cache opened from now on is as large as its disk allows (no page to spare)."""
    original = Store.open.__func__  # type: ignore[attr-defined]

    def open_full(cls: type[Store], path: Path, *, create: bool = True) -> Store:
        store: Store = original(cls, path, create=create)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        return store

    monkeypatch.setattr(Store, "open", classmethod(open_full))


def test_scholar_on_a_full_disk_exits_9_naming_the_cache(
    runner: CliRunner, seeded: Any, scholar_home: Path, full_disk: None
) -> None:
    result = runner.invoke(app, ["author", seed.NAME, "-f", "json"])
    stderr = one_error(result, 9)
    assert "disk is full" in stderr and str(scholar_home / "cache.sqlite3") in stderr
    assert result.stdout == ""
    assert integrity(scholar_home / "cache.sqlite3") == [("ok",)]


# -- a cache from a newer version ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["author", seed.NAME], ["author", seed.NAME, "--offline"], ["cache", "info"], ["refresh"]],
)
def test_a_cache_from_a_newer_version_is_refused_and_left_byte_identical(
    runner: CliRunner, cached: Path, args: list[str]
) -> None:
    newer = len(migrations.MIGRATIONS) + 3
    with sqlite3.connect(cached) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = digest(cached)
    stderr = one_error(runner.invoke(app, args), 8)
    assert f"version {newer}" in stderr and f"version {len(migrations.MIGRATIONS)}" in stderr
    assert "newer version of scholar" in stderr
    assert digest(cached) == before


def test_store_refuses_a_newer_schema_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # WAL would be switched on again
        conn.execute(f"PRAGMA user_version = {len(migrations.MIGRATIONS) + 1}")
    conn.close()
    before = digest(path)
    with pytest.raises(CacheTooNewError):
        Store.open(path)
    assert digest(path) == before  # not even switched to WAL


# -- a read-only cache -----------------------------------------------------------------------


@pytest.fixture
def read_only(cached: Path) -> Iterator[Path]:
    """The cache file and its folder without write permission (a shared cache)."""
    folder = cached.parent
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in (cached, folder)}
    cached.chmod(0o444)
    folder.chmod(0o555)
    yield cached
    for item, mode in modes.items():
        item.chmod(mode)


def test_a_read_only_cache_answers_reads(runner: CliRunner, read_only: Path) -> None:
    before = digest(read_only)
    result = runner.invoke(app, ["author", seed.NAME, "--offline", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    profile = json.loads(result.stdout)
    assert profile["author"]["h_index"] == 5 and len(profile["papers"]) == len(seed.PAPERS)
    info = runner.invoke(app, ["cache", "info", "-f", "json"])
    assert info.exit_code == 0, info.stderr
    assert digest(read_only) == before


def test_a_read_only_cache_refuses_only_what_must_write(
    runner: CliRunner, read_only: Path, seeded: Any
) -> None:
    before = digest(read_only)
    asked = seeded.count()
    stderr = one_error(runner.invoke(app, ["author", seed.NAME, "--refresh"]), 2)
    assert "read-only" in stderr and str(read_only) in stderr and "--offline" in stderr
    assert seeded.count() == asked  # refused before asking: nothing to save it in
    one_error(runner.invoke(app, ["track", seed.NAME]), 2)
    assert digest(read_only) == before


def test_a_cache_sqlite_itself_opens_read_only(cached: Path) -> None:
    # Root ignores file permissions, so this opens the way a user without write access
    # must: through SQLite's read-only mode, where any write would fail.
    before = digest(cached)
    store = Store._open_read_only(cached)
    assert store.read_only
    assert [p.paper_id for p in people.load_author_papers(store, seed.AUTHOR_ID)]
    with pytest.raises(CacheError, match="read-only"):
        people.save_authors(store, [], NOW)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.conn.execute("DELETE FROM papers")
    store.close()
    assert digest(cached) == before


def test_a_read_only_cache_of_an_older_schema_is_refused_not_misread(cached: Path) -> None:
    with sqlite3.connect(cached) as conn:
        conn.execute(f"PRAGMA user_version = {len(migrations.MIGRATIONS) - 1}")
    conn.close()
    with pytest.raises(CacheError, match="cannot upgrade"):
        Store._open_read_only(cached)
