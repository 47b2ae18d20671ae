"""Migration 4 backfills the author count and the person's position from the authors JSON,
and the store keeps writing them (read by many-people metrics without decoding JSON)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from scholarcli.cache import migrations
from scholarcli.cache import people as people_cache
from scholarcli.cache.store import Store
from scholarcli.models import AuthorRef, Paper


def old_cache(path: Path) -> None:
    """A cache as the version before migration 4 left it, with one paper."""
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in migrations.MIGRATIONS[:3]:
        for statement in migrations.split_statements(migration.sql):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 3")
    authors = json.dumps([["1", "A"], [None, "B"], ["7", "Me"], ["7", "Me again"]])
    conn.execute(
        """INSERT INTO papers(paper_id, title, citations, influential_citations, authors, raw,
               fetched_at) VALUES ('p', 't', 3, 0, ?, '{}', 'now')""",
        (authors,),
    )
    conn.executemany(
        "INSERT INTO author_papers(author_id, paper_id, rank) VALUES (?, 'p', 0)",
        [("7",), ("9",)],
    )
    conn.close()


def test_backfill_and_new_writes(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    old_cache(path)
    store = Store.open(path)
    conn = store.conn
    assert conn.execute("SELECT n_authors FROM papers").fetchone() == (4,)
    positions = dict(conn.execute("SELECT author_id, author_position FROM author_papers"))
    assert positions == {"7": 3, "9": None}  # the first place of the id; absent: unknown
    paper = Paper("q", "t2", citations=1, authors=[AuthorRef("5", "X"), AuthorRef("8", "Y")])
    people_cache.save_author_papers(store, None, "8", [paper], "now")
    assert conn.execute("SELECT n_authors FROM papers WHERE paper_id = 'q'").fetchone() == (2,)
    row = conn.execute("SELECT author_position FROM author_papers WHERE author_id = '8'")
    assert row.fetchone() == (2,)
    store.close()
