"""The cache store: the SQLite file under SCHOLAR_HOME, opened, migrated and guarded.

``Store`` holds the connection and its lifecycle (open, transaction, health, clear);
records are read and written by free functions over a ``Store`` in the modules beside
this one (``people``, ``arxiv``, ``papers``, ``citations``, ``curation``, ``novelty``,
``tracking``): one access style. ``select_in`` is the one way to ask ``IN (...)``
for many ids.

One write transaction per unit of work (``BEGIN IMMEDIATE`` … ``COMMIT``), WAL
mode and a generous busy timeout, so concurrent ``scholar`` processes queue for
the write lock instead of failing with "database is locked", and a process killed
at any moment leaves either the old or the new state. A file that is not a scholar
cache is refused, never modified. Files are created readable by the user only.

It must not fetch anything or compute metrics.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scholarcli.cache import migrations
from scholarcli.errors import CacheDamagedError, CacheError, CacheTooNewError, DiskFullError

BUSY_TIMEOUT_MS = 60_000


def ensure_private_dir(path: Path) -> None:
    """Make a folder under SCHOLAR_HOME (private); a path that cannot be one is a usage error."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:
        raise CacheError(
            f"cannot use {path} as a folder: it is a file",
            hint=HOME_HINT,
        ) from None
    except OSError as exc:
        raise CacheError(
            f"cannot create the folder {path}: {exc.strerror or exc}",
            hint=HOME_HINT,
        ) from None


def check_home(folder: Path) -> None:
    """Refuse a SCHOLAR_HOME that is, or lies under, a file, without creating anything."""
    existing = next((p for p in [folder, *folder.parents] if p.exists()), None)
    if existing is not None and not existing.is_dir():
        where = "it is a file" if existing == folder else f"{existing} is a file"
        raise CacheError(f"cannot use {folder} as a folder: {where}", hint=HOME_HINT)


HOME_HINT = "point SCHOLAR_HOME at a folder you can write to, or unset it to use the default"
RECOVER_HINT = (
    "run 'scholar cache recover': it moves the damaged file aside (kept, with a timestamp) "
    "and starts a fresh cache"
)


def corruption(exc: BaseException) -> CacheError | None:
    """The user-facing error for a damaged cache file met mid-run, else None.

    SQLite reports damage ("database disk image is malformed", "file is not a
    database") as a plain ``DatabaseError``; its subclasses (locked, constraint
    failures) are other problems and stay unexpected.
    """
    if type(exc) is not sqlite3.DatabaseError:
        return None
    return CacheDamagedError(
        f"the cache is damaged ({exc}); nothing more was written to it", hint=RECOVER_HINT
    )


def disk_full(exc: BaseException, where: Path) -> DiskFullError | None:
    """The user-facing error for a write that failed on a full disk (or quota), else None.

    SQLite says SQLITE_FULL ("database or disk is full"); a plain file write says
    ENOSPC or EDQUOT. ``where`` is the file that could not be written.
    """
    full = False
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        full = (code is not None and code & 0xFF == sqlite3.SQLITE_FULL) or (
            "database or disk is full" in str(exc)
        )
    elif isinstance(exc, OSError):
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if not full:
        return None
    return DiskFullError(
        f"the disk is full: could not write {where}; the unfinished change was rolled back "
        "and the cache keeps its last complete state",
        hint=f"free space on the disk that holds {where.parent} (or point SCHOLAR_HOME at "
        "another disk) and run the command again",
    )


def _read_only(path: Path) -> bool:
    """True when the cache file or its folder may not be written.

    Either the permissions say so for this user, or there is no write bit at all
    (``chmod a-w``): then the owner meant a shared, read-only cache, and even root,
    whom permissions do not stop, leaves it unwritten.
    """
    for item in (path, path.parent):
        try:
            mode = item.stat().st_mode
        except OSError:
            return False
        if not os.access(item, os.W_OK) or not mode & 0o222:
            return True
    return False


def holds_records(path: Path) -> bool:
    """Whether the cache at ``path`` holds any author or paper; read without writing."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute(
            "SELECT EXISTS(SELECT 1 FROM papers) OR EXISTS(SELECT 1 FROM authors)"
        ).fetchone()
        return bool(row and row[0])
    except sqlite3.Error:
        return False
    finally:
        conn.close()


READ_ONLY_HINT = (
    "run it where the cache may be written, point SCHOLAR_HOME at a folder you can write "
    "to, or answer from the cache alone with --offline"
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class CacheInfo:
    path: str
    size_bytes: int
    schema_version: int
    authors: int
    papers: int
    arxiv_entries: int
    fetched_authors: int
    oldest_fetch: str | None
    newest_fetch: str | None


class Store:
    """A connection to the cache with the project's transaction discipline."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
        self.conn = conn
        self.path = path
        # A shared cache this user may not write: reads are answered, writes refused.
        self.read_only = read_only

    # -- opening -------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Store:
        """Open (and migrate) the cache; with ``create=False`` a missing file is not made:
        an empty in-memory cache answers instead, so a read leaves no file behind."""
        if not create and not path.exists():
            check_home(path.parent)
            return cls.empty(path)
        if path.is_file() and _read_only(path):
            return cls._open_read_only(path)
        ensure_private_dir(path.parent)
        if path.is_dir():
            raise CacheError(f"cannot use {path} as the cache: it is a folder", hint=HOME_HINT)
        if not path.exists():
            # Create the file ourselves so it is private from the first byte.
            try:
                fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
            except OSError as exc:
                raise CacheError(
                    f"cannot create the cache {path}: {exc.strerror or exc}", hint=HOME_HINT
                ) from None
            os.close(fd)
        try:
            conn = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise CacheError(f"cannot open the cache at {path}: {exc}") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cls._check_identity(conn, path)
            cls._use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrations.apply(conn)
        except sqlite3.OperationalError as exc:
            # Not damage: a read-only file or folder, a full disk, a lock held too long.
            conn.close()
            full = disk_full(exc, path)
            if full is not None:
                raise full from exc
            if "readonly" in str(exc) or "read-only" in str(exc):
                return cls._open_read_only(path)
            raise CacheError(f"cannot use the cache at {path}: {exc}", hint=HOME_HINT) from exc
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise CacheDamagedError(
                f"the cache at {path} is unreadable ({exc})", hint=RECOVER_HINT
            ) from exc
        except CacheError:
            conn.close()
            raise
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                with contextlib.suppress(OSError):
                    side.chmod(0o600)
        return cls(conn, path)

    @classmethod
    def _open_read_only(cls, path: Path) -> Store:
        """Open a cache this user may not write, for reading only.

        ``mode=ro`` first, which still sees other processes' commits; when the folder
        cannot even hold WAL's shared-memory file, ``immutable=1``, which reads the
        file as it stands. A schema older than this version's cannot be upgraded
        without writing, so it is refused rather than misread.
        """
        failure: sqlite3.Error | None = None
        for query in ("mode=ro", "immutable=1"):
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?{query}",
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                version = cls._check_identity(conn, path)
                break
            except CacheError:
                conn.close()
                raise
            except sqlite3.DatabaseError as exc:
                conn.close()
                failure = exc
        else:
            if type(failure) is sqlite3.DatabaseError:
                raise CacheDamagedError(
                    f"the cache at {path} is unreadable ({failure})", hint=RECOVER_HINT
                ) from failure
            raise CacheError(
                f"cannot read the read-only cache at {path}: {failure}", hint=HOME_HINT
            ) from failure
        if version < len(migrations.MIGRATIONS):
            conn.close()
            raise CacheError(
                f"the cache at {path} is read-only and at schema version {version}; this "
                f"version of scholar needs version {len(migrations.MIGRATIONS)} and cannot "
                "upgrade a file it may not write",
                hint="run scholar once where the cache may be written, or point SCHOLAR_HOME "
                "at a folder you can write to",
            )
        return cls(conn, path, read_only=True)

    @classmethod
    def empty(cls, path: Path) -> Store:
        """An empty, migrated cache in memory that reports ``path`` as its location."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        migrations.apply(conn)
        return cls(conn, path)

    def problems(self) -> list[str]:
        """What ``PRAGMA quick_check`` finds wrong with the file ([] when healthy)."""
        try:
            rows = self.conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        found = [str(r[0]) for r in rows]
        return [] if found == ["ok"] else found

    @staticmethod
    def _use_wal(conn: sqlite3.Connection) -> None:
        """Put the file in WAL mode, which it keeps from then on.

        The switch needs every other connection gone, and SQLite answers "database
        is locked" at once, without its busy handler, when several processes open a
        new cache together; so it is retried within the busy timeout.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                    # A file system without WAL support answers with the old mode;
                    # the cache then works in that mode, only less concurrently.
                    conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    @staticmethod
    def _check_identity(conn: sqlite3.Connection, path: Path) -> int:
        """Refuse a foreign file or one from a newer scholar; return its schema version.

        Runs before anything can write (the switch to WAL, migrations), so a refused
        file stays byte-identical.
        """
        # All reads in one read transaction: another process creating the cache at
        # this moment commits its tables and its application_id together, and two
        # separate reads could see the tables without the id and call it foreign.
        conn.execute("BEGIN")
        try:
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.execute("COMMIT")
        if app_id != migrations.APPLICATION_ID and (app_id != 0 or tables):
            raise CacheError(
                f"{path} is an SQLite file but not a scholar cache; it was left untouched",
                hint="point SCHOLAR_HOME at another folder or move the file away",
            )
        known = len(migrations.MIGRATIONS)
        if version > known:
            from scholarcli import __version__

            raise CacheTooNewError(
                f"the cache at {path} was written by a newer version of scholar (schema "
                f"version {version}; scholar {__version__} knows up to version {known}); "
                "it was left untouched",
                hint="upgrade scholar (pip install --upgrade scholarcli), or point "
                "SCHOLAR_HOME at another folder for this version",
            )
        return version

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One unit of work: all of it is committed, or none of it.

        A full disk becomes ``DiskFullError`` naming the file; a read-only cache
        refuses before anything starts.
        """
        if self.read_only:
            raise CacheError(
                f"the cache at {self.path} is read-only, and this command needs to write "
                "to it; nothing was changed",
                hint=READ_ONLY_HINT,
            )
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            # After some errors (a full disk at COMMIT, an I/O error) SQLite has already
            # rolled the transaction back itself: a second ROLLBACK would fail with
            # "no transaction is active" and hide the real cause.
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            full = disk_full(exc, self.path)
            if full is not None:
                raise full from exc
            raise

    def info(self) -> CacheInfo:
        def count(table: str) -> int:
            return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608

        oldest, newest = self.conn.execute(
            "SELECT min(fetched_at), max(fetched_at) FROM author_fetches"
        ).fetchone()
        size = sum(
            p.stat().st_size
            for p in (self.path, self.path.with_name(self.path.name + "-wal"))
            if p.exists()
        )
        return CacheInfo(
            path=str(self.path),
            size_bytes=size,
            schema_version=int(self.conn.execute("PRAGMA user_version").fetchone()[0]),
            authors=count("authors"),
            papers=count("papers"),
            arxiv_entries=count("arxiv_entries"),
            fetched_authors=count("author_fetches"),
            oldest_fetch=oldest,
            newest_fetch=newest,
        )

    def clear(self) -> None:
        """Delete every cached record (the schema stays)."""
        tables = [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        with self.transaction() as tx:
            tx.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                tx.execute(f"DELETE FROM {table}")  # noqa: S608 - names from sqlite_master
        self.conn.execute("VACUUM")


#: Ids per ``IN (...)`` query: well below the bound-parameter limit of old SQLite builds.
IN_CHUNK = 500


def select_in(
    conn: sqlite3.Connection,
    sql: str,
    ids: Iterable[str],
    *,
    before: Sequence[object] = (),
    size: int = IN_CHUNK,
) -> Iterator[Any]:
    """Rows of ``sql`` for every id, asked ``size`` ids at a time.

    ``sql`` holds the literal ``{marks}`` where the placeholders of one chunk go
    (``... WHERE paper_id IN ({marks})``); ``before`` are parameters bound ahead of
    the ids. Ids are taken once each (in first-seen order), so a row never comes twice
    because an id was given twice and fell into two chunks.
    """
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), size):
        chunk = unique[start : start + size]
        query = sql.replace("{marks}", ",".join("?" * len(chunk)))
        yield from conn.execute(query, [*before, *chunk])
