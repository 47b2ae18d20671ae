"""Diagnosing a damaged cache file and setting it aside, so work can go on.

``diagnose`` looks at the file without writing to it (SQLite's read-only mode);
``move_aside`` renames the database and its WAL and shared-memory files to one
timestamped name next to it, so nothing is lost and the set still opens together
(``sqlite3 cache-damaged-...sqlite3`` sees the WAL too). ``delete`` removes a file
that identifies itself as a scholar cache, for ``scholar cache clear``.

It must not repair, salvage or delete anything it cannot identify as ours.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scholarcli.cache import migrations

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Health:
    state: str  # "missing", "ok", "damaged" or "foreign"
    problem: str = ""
    ours: bool = False  # the file's header names it a scholar cache

    @property
    def damaged(self) -> bool:
        return self.state == "damaged"


def _header_is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    return (
        len(header) == 100
        and header.startswith(SQLITE_MAGIC)
        and int.from_bytes(header[68:72], "big") == migrations.APPLICATION_ID
    )


def diagnose(path: Path) -> Health:
    """The state of the cache file at ``path``, read without writing to it."""
    if not path.exists():
        return Health("missing")
    if not path.is_file():
        return Health("foreign", "not a file", False)
    ours = _header_is_ours(path)
    before = set(_present(path))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return Health("damaged", str(exc), ours)
    try:
        return _check(conn, ours)
    finally:
        conn.close()
        # A read-only reader of a WAL file makes empty -wal/-shm files it cannot remove.
        for side in set(_present(path)) - before:
            wal = path.with_name(path.name + "-wal")
            if not wal.exists() or wal.stat().st_size == 0:
                side.unlink(missing_ok=True)


def _check(conn: sqlite3.Connection, ours: bool) -> Health:
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        if app_id != migrations.APPLICATION_ID and (app_id != 0 or tables):
            return Health("foreign", "an SQLite file of another program", False)
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.OperationalError as exc:
        # Locked or unreadable (permissions): not evidence of damage.
        return Health("ok" if "locked" in str(exc) else "damaged", str(exc), ours)
    except sqlite3.DatabaseError as exc:
        return Health("damaged", str(exc), ours)
    if rows != ["ok"]:
        return Health("damaged", "; ".join(rows[:3]), ours)
    return Health("ok", "", ours)


def _present(path: Path) -> list[Path]:
    return [p for p in [path, *(path.with_name(path.name + s) for s in SIDE_FILES)] if p.exists()]


def move_aside(path: Path, when: datetime) -> Path:
    """Rename the database and its side files to ``cache-damaged-<UTC time>.sqlite3``."""
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}-damaged-{stamp}{path.suffix}")
    n = 1
    while target.exists():  # two recoveries within a second keep both files
        n += 1
        target = path.with_name(f"{path.stem}-damaged-{stamp}-{n}{path.suffix}")
    for source in _present(path):
        source.rename(target.with_name(target.name + source.name[len(path.name) :]))
    return target


def delete(path: Path) -> None:
    """Remove the database and its side files (the caller checked that it is ours)."""
    for source in _present(path):
        source.unlink()
