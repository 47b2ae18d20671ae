"""Tests that can catch what they claim (issue 11, item 7).

Each test here was checked against the bug it names, put in on purpose and taken out
again: a transaction that never rolls back (``Store.transaction`` without its
``ROLLBACK``), a paper list that is never replaced (``save_author_papers`` without its
``DELETE``), and the 10,000-paper cap forgotten on a warm run (the cached ``truncated``
flag never read). A failure is injected *after* the old rows have been touched, so a
missing rollback shows, and every check reads through a second connection too, so
what the same connection sees of its own uncommitted work cannot hide anything.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cache import people as people_cache
from scholarcli.cache.store import Store
from scholarcli.cli import app
from scholarcli.models import Author, AuthorRef, Paper

NOW = "2026-11-27T09:00:00+00:00"
LATER = "2026-11-28T09:00:00+00:00"


def paper(n: int) -> Paper:
    return Paper(
        paper_id=f"p{n}",
        title=f"Paper {n}",
        year=2020 + n % 5,
        citations=10 * n,
        authors=[AuthorRef("1", "Ada Lovelace")],
    )


def committed(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    """Rows as another process sees them: only committed data."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def fail_last_step(store: Store) -> None:
    """Make the final statement of ``save_author_papers`` fail, after the list was replaced."""
    store.conn.execute(
        """CREATE TRIGGER fail_fetch BEFORE INSERT ON author_fetches
           BEGIN SELECT RAISE(ABORT, 'injected failure'); END"""
    )


def test_a_unit_of_work_that_fails_at_its_last_step_leaves_nothing_of_itself(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.db"
    store = Store.open(path)
    people_cache.save_author_papers(store, Author("1", "Ada"), "1", [paper(1), paper(2)], NOW)
    fail_last_step(store)
    with pytest.raises(sqlite3.IntegrityError, match="injected failure"):
        people_cache.save_author_papers(store, Author("1", "Ada B."), "1", [paper(3)], LATER)
    # The same connection, which would see its own unfinished work ...
    assert [p.paper_id for p in people_cache.load_author_papers(store, "1")] == ["p1", "p2"]
    assert people_cache.author_fetch(store, "1") == (NOW, False)
    assert people_cache.load_authors(store, ["1"])["1"].name == "Ada"
    assert not store.conn.in_transaction
    # ... and another one, which sees only what was committed.
    assert committed(path, "SELECT paper_id FROM author_papers ORDER BY rank") == [
        ("p1",),
        ("p2",),
    ]
    assert committed(path, "SELECT paper_id FROM papers ORDER BY paper_id") == [("p1",), ("p2",)]
    # The connection is usable for the next unit of work.
    store.conn.execute("DROP TRIGGER fail_fetch")
    people_cache.save_author_papers(store, None, "1", [paper(3)], LATER)
    assert committed(path, "SELECT paper_id FROM author_papers") == [("p3",)]
    store.close()


def test_an_exception_in_any_transaction_rolls_back_and_frees_the_write_lock(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.db"
    store = Store.open(path)

    def interrupted_unit_of_work() -> None:
        with store.transaction() as tx:
            tx.execute(
                "INSERT INTO searches(query, author_ids, fetched_at) VALUES ('ada', '[]', ?)",
                (NOW,),
            )
            raise KeyboardInterrupt  # a Ctrl-C in the middle of a unit of work

    with pytest.raises(KeyboardInterrupt):
        interrupted_unit_of_work()
    assert store.conn.execute("SELECT count(*) FROM searches").fetchone()[0] == 0
    # Another writer gets the lock at once: nothing is left holding it.
    other = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    store.close()


def test_a_new_list_replaces_the_old_one(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = Store.open(path)
    people_cache.save_author_papers(store, None, "1", [paper(1), paper(2), paper(3)], NOW)
    people_cache.save_author_papers(store, None, "1", [paper(3), paper(1)], LATER)
    assert [p.paper_id for p in people_cache.load_author_papers(store, "1")] == ["p3", "p1"]
    assert committed(path, "SELECT paper_id FROM author_papers ORDER BY rank") == [
        ("p3",),
        ("p1",),
    ]
    store.close()


def drop_from_profile(double, paper_id: str) -> None:  # type: ignore[no-untyped-def]
    """S2 corrects an attribution: the paper stays, but no longer on the seed profile."""
    seed_paper = next(p for p in seed.PAPERS if p.paper_id == paper_id)
    double.add_paper(
        seed_paper.paper_id,
        title=seed_paper.title,
        year=int(seed_paper.published[:4]),
        authors=[(None, n) for n in seed_paper.first_authors] + [("999", "Another Person")],
        citation_count=seed_paper.citations,
        arxiv_id=seed_paper.arxiv_id,
    )


def author_json(runner: CliRunner, *extra: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["author", seed.NAME, "-f", "json", *extra])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_paper_s2_drops_from_a_profile_stops_counting(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    before = author_json(runner)["author"]
    assert (before["paper_count"], before["citation_count"]) == (9, 753)
    dropped = "2" * 40  # the 300-citation paper
    drop_from_profile(seeded, dropped)
    after = author_json(runner, "--refresh")
    assert (after["author"]["paper_count"], after["author"]["citation_count"]) == (8, 453)
    assert dropped not in [p["paper_id"] for p in after["papers"]]
    # And a warm run, from the cache alone, agrees.
    warm = author_json(runner, "--offline")["author"]
    assert (warm["paper_count"], warm["citation_count"]) == (8, 453)


def test_a_refresh_forgets_a_dropped_paper_too(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(app, ["track", seed.NAME]).exit_code == 0
    assert runner.invoke(app, ["refresh", "--quiet"]).exit_code == 0
    drop_from_profile(seeded, "2" * 40)
    refreshed = runner.invoke(app, ["refresh", "--all", "-f", "json"])
    assert refreshed.exit_code == 0, refreshed.stderr
    (person,) = json.loads(refreshed.stdout)["people"]
    assert (person["papers"], person["citations"]) == (8, 453)


@pytest.mark.slow
def test_the_10000_paper_cap_is_reported_on_warm_runs_too(runner: CliRunner, double_env) -> None:  # type: ignore[no-untyped-def]
    double_env.populate_synthetic("7000001", "Prolific Person", 10_003, arxiv_fraction=0.0)
    warning = "at most 10,000 papers per author; Prolific Person has more"
    cold = runner.invoke(app, ["author", "--id", "7000001", "-f", "csv"])
    assert cold.exit_code == 0, cold.stderr
    assert warning in cold.stderr
    asked = double_env.count()
    warm = runner.invoke(app, ["author", "--id", "7000001", "-f", "csv"])
    assert warm.exit_code == 0, warm.stderr
    assert double_env.count() == asked  # answered from the cache
    assert warning in warm.stderr
    assert warm.stdout.count("\n") == cold.stdout.count("\n") == 10_001  # header + 10,000


def test_an_untruncated_list_carries_no_warning(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):  # cold, then warm
        result = runner.invoke(app, ["author", seed.NAME, "-f", "csv"])
        assert result.exit_code == 0 and "10,000" not in result.stderr
