"""The cache: migrations, atomic units of work, private files, refusing foreign files."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.cache import migrations
from scholarcli.cache import people as people_cache
from scholarcli.cache.store import Store
from scholarcli.errors import CacheError
from scholarcli.models import ArxivEntry, Author, AuthorRef, Paper

NOW = "2026-11-27T09:00:00+00:00"


def paper(n: int, **kw: object) -> Paper:
    fields: dict[str, object] = {
        "paper_id": f"p{n}",
        "title": f"Paper {n}",
        "year": 2020 + n % 5,
        "citations": n,
        "authors": [AuthorRef("1", "Ada Lovelace"), AuthorRef(None, "Anon")],
    }
    fields.update(kw)
    return Paper(**fields)  # type: ignore[arg-type]


def test_new_cache_is_migrated_private_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "home" / "cache.sqlite3"
    store = Store.open(path)
    version = store.conn.execute("PRAGMA user_version").fetchone()[0]
    assert version == len(migrations.MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    store.close()
    # Opening again applies nothing new and keeps data.
    Store.open(path).close()


def test_many_openers_of_a_new_cache_at_once_all_succeed(tmp_path: Path) -> None:
    # Several cron jobs starting on a fresh SCHOLAR_HOME: one creates the schema while
    # the others look at the file. None may take the half-made file for a foreign
    # SQLite file, nor fail on the switch to WAL. (Before the fix, about one opener
    # in ten failed one way or the other.)
    openers, rounds = 8, 40
    failures: list[str] = []
    for round_ in range(rounds):
        path = tmp_path / f"r{round_}" / "cache.sqlite3"
        barrier = threading.Barrier(openers)

        def open_once(path: Path = path, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                Store.open(path).close()
            except CacheError as exc:
                failures.append(str(exc))

        threads = [threading.Thread(target=open_once) for _ in range(openers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        store = Store.open(path)
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        store.close()
    assert failures == []


def test_author_papers_roundtrip_in_order(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    author = Author("1", "Ada Lovelace", affiliations=["Analytical Engines"], paper_count=3)
    papers = [paper(3), paper(1, arxiv_id="2308.06744"), paper(2, doi="10.1/x")]
    people_cache.save_author_papers(store, author, "1", papers, NOW)
    loaded = people_cache.load_author_papers(store, "1")
    assert [p.paper_id for p in loaded] == ["p3", "p1", "p2"]
    assert loaded[1].arxiv_id == "2308.06744"
    assert loaded[0].authors == [AuthorRef("1", "Ada Lovelace"), AuthorRef(None, "Anon")]
    assert people_cache.author_fetch(store, "1") == (NOW, False)
    assert people_cache.load_authors(store, ["1"])["1"].affiliations == ["Analytical Engines"]


def test_a_failed_unit_of_work_leaves_the_old_state(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    people_cache.save_author_papers(store, None, "1", [paper(1), paper(2)], NOW)
    bad = [paper(3), Paper(paper_id="p4", title=None)]  # type: ignore[arg-type]  # NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        people_cache.save_author_papers(store, None, "1", bad, "2026-11-28T00:00:00+00:00")
    assert [p.paper_id for p in people_cache.load_author_papers(store, "1")] == ["p1", "p2"]
    assert people_cache.author_fetch(store, "1") == (NOW, False)


def test_arxiv_answers_include_the_ids_it_did_not_know(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    entry = ArxivEntry(
        "2308.06744",
        2,
        title="T",
        primary_category="cs.CL",
        categories=["cs.CL", "cs.AI"],
        published="2023-08-13",
    )
    arxiv_cache.save_arxiv_batch(store, ["2308.06744", "0000.00001"], {"2308.06744": entry}, NOW)
    assert arxiv_cache.arxiv_answered(store, ["2308.06744", "0000.00001", "1234.5678"]) == {
        "2308.06744",
        "0000.00001",
    }
    loaded = arxiv_cache.load_arxiv(store, ["2308.06744", "0000.00001"])
    assert list(loaded) == ["2308.06744"]
    assert loaded["2308.06744"].categories == ["cs.CL", "cs.AI"]


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos(id INTEGER)")
    conn.execute("INSERT INTO photos VALUES (1)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(CacheError, match="not a scholar cache"):
        Store.open(path)
    assert path.read_bytes() == before


def test_garbage_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(CacheError, match="unreadable") as info:
        Store.open(path)
    assert info.value.hint
    assert path.read_bytes() == before


def test_info_and_clear(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    people_cache.save_author_papers(store, Author("1", "Ada"), "1", [paper(1), paper(2)], NOW)
    info = store.info()
    assert (info.authors, info.papers, info.fetched_authors) == (1, 2, 1)
    assert info.oldest_fetch == info.newest_fetch == NOW
    assert info.size_bytes > 0
    store.clear()
    info = store.info()
    assert (info.authors, info.papers, info.fetched_authors) == (0, 0, 0)
    assert info.schema_version == len(migrations.MIGRATIONS)


def test_migration_scripts_split_like_sqlite_does() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE a (x TEXT DEFAULT 'semi;colon');
    CREATE TABLE b (y INTEGER);
    """
    statements = migrations.split_statements(script)
    assert len(statements) == 2
    assert "semi;colon" in statements[0]
    with pytest.raises(ValueError, match="incomplete"):
        migrations.split_statements("CREATE TABLE c (z INTEGER)")


def test_damage_found_mid_run_becomes_a_cache_error() -> None:
    from scholarcli.cache.store import corruption

    damaged = corruption(sqlite3.DatabaseError("database disk image is malformed"))
    assert damaged is not None and "damaged" in damaged.message and damaged.hint
    assert corruption(sqlite3.OperationalError("database is locked")) is None
    assert corruption(ValueError("x")) is None


# The SHA-256 of every shipped migration's SQL, taken from the release that shipped it:
# a shipped migration is never edited (a cache already past it would never see the
# change), only a new number added.
SHIPPED_SQL = {
    1: "d0f14633a7301747066d91acf9b7e6517b546be123794fcec2577697ebf545a2",
    2: "686e4453ff3cac84b70b1fce95e68f0805433876e5494068aa9de718cc41003c",
    3: "74b2201621a06ad47386a86ead844ec9e935a14f3898b7b420b19d7500cc1457",
    4: "8df053377f321203df88da3fb177ea252ec06139ab97b662c94700dbd6e904e0",
    5: "cade0a1f8c651eafa37ea18b957d1258a36e6f06916a6809adf67a6e46d40ae9",
    6: "ce26d83b440e6d2220f6e3f41a4b666beac789cf5a5f4eb4e0ff6aaa5aa863fa",
}


def test_shipped_migrations_keep_their_sql_byte_for_byte() -> None:
    import hashlib

    for migration in migrations.MIGRATIONS:
        if migration.number in SHIPPED_SQL:
            digest = hashlib.sha256(migration.sql.encode("utf-8")).hexdigest()
            assert digest == SHIPPED_SQL[migration.number], migration.name


def test_migrations_are_named_and_numbered_one_to_n() -> None:
    numbers = [m.number for m in migrations.MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(m.name and m.name.isidentifier() for m in migrations.MIGRATIONS)
    assert len({m.name for m in migrations.MIGRATIONS}) == len(numbers)


@pytest.mark.parametrize(
    "numbers",
    [[1, 3], [2, 1], [1, 1]],
)
def test_a_gap_or_repeat_in_the_numbers_is_refused(numbers: list[int]) -> None:
    steps = [migrations.Migration(n, f"m{i}", "SELECT 1;") for i, n in enumerate(numbers)]
    with pytest.raises(ValueError, match="numbers"):
        migrations.check(steps)


def test_a_repeated_name_is_refused() -> None:
    steps = [migrations.Migration(1, "same", "SELECT 1;"), migrations.Migration(2, "same", "")]
    with pytest.raises(ValueError, match="names"):
        migrations.check(steps)


def test_select_in_asks_in_chunks_and_returns_every_row_once() -> None:
    from scholarcli.cache.store import select_in

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (k TEXT, tag TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(str(i), "a") for i in range(1200)])
    conn.execute("INSERT INTO t VALUES ('5', 'b')")
    asked: list[str] = []
    conn.set_trace_callback(asked.append)  # each statement as run, values filled in
    wanted = [str(i) for i in range(1100)] + ["5", "7", "missing"]  # repeats across chunks
    rows = list(
        select_in(conn, "SELECT k FROM t WHERE tag = ? AND k IN ({marks})", wanted, before=["a"])
    )
    assert sorted(int(k) for (k,) in rows) == list(range(1100))
    # 1,101 distinct ids: three queries of at most 500, the tag bound ahead of each.
    assert len(asked) == 3 and all("tag = 'a'" in sql for sql in asked)
    assert list(select_in(conn, "SELECT k FROM t WHERE k IN ({marks})", [])) == []
