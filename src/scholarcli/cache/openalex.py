"""SQL for OpenAlex records (the ``openalex_*`` tables of migration 8, ``openalex_records``).

Authors and works are stored as their raw JSON and re-parsed on load with
``sources.openalex`` (so a parser fix reaches cached data); an author's complete works
are one unit of work (a row in ``openalex_author_fetches`` means the whole list,
100-author trap handled, was committed together). The budget row holds what the last
response's ``X-RateLimit-*`` headers said, never the key.

It must not decide freshness or ask OpenAlex: that is ``profile.openalex_source``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scholarcli.cache.store import Store, select_in
from scholarcli.models import Author, Paper


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _parse_author(raw: str) -> Author:
    from scholarcli.sources.openalex import parse_author

    return parse_author(json.loads(raw))


def _parse_work(raw: str) -> Paper:
    from scholarcli.sources.openalex import parse_work

    return parse_work(json.loads(raw))


def _upsert_authors(store: Store, authors: Iterable[Author], now: str) -> None:
    store.conn.executemany(
        """INSERT INTO openalex_authors(author_id, name, orcid, raw, fetched_at)
           VALUES (?,?,?,?,?)
           ON CONFLICT(author_id) DO UPDATE SET name=excluded.name, orcid=excluded.orcid,
               raw=excluded.raw, fetched_at=excluded.fetched_at""",
        [(a.author_id, a.name, a.orcid, _dumps(a.raw), now) for a in authors],
    )


def save_authors(store: Store, authors: Sequence[Author], now: str) -> None:
    with store.transaction():
        _upsert_authors(store, authors, now)


def load_authors(store: Store, ids: Sequence[str]) -> dict[str, tuple[Author, str]]:
    """(author, fetched_at) by id, for the ids cached."""
    found: dict[str, tuple[Author, str]] = {}
    for author_id, raw, fetched_at in select_in(
        store.conn,
        "SELECT author_id, raw, fetched_at FROM openalex_authors WHERE author_id IN ({marks})",
        ids,
    ):
        found[author_id] = (_parse_author(raw), fetched_at)
    return found


def save_search(store: Store, query: str, authors: Sequence[Author], now: str) -> None:
    with store.transaction() as tx:
        _upsert_authors(store, authors, now)
        tx.execute(
            """INSERT OR REPLACE INTO openalex_searches(query, author_ids, fetched_at)
               VALUES (?,?,?)""",
            (query, _dumps([a.author_id for a in authors]), now),
        )


def cached_search(store: Store, query: str) -> tuple[list[Author], str] | None:
    row = store.conn.execute(
        "SELECT author_ids, fetched_at FROM openalex_searches WHERE query = ?", (query,)
    ).fetchone()
    if row is None:
        return None
    ids = json.loads(row[0])
    found = load_authors(store, ids)
    return [found[i][0] for i in ids if i in found], row[1]


@dataclass(frozen=True)
class WorksFetch:
    fetched_at: str
    total: int
    swept: bool
    recovered: int


def _upsert_works(store: Store, works: Iterable[Paper], now: str) -> None:
    store.conn.executemany(
        """INSERT INTO openalex_works(work_id, doi, arxiv_id, citations, raw, fetched_at)
           VALUES (?,?,?,?,?,?)
           ON CONFLICT(work_id) DO UPDATE SET doi=excluded.doi, arxiv_id=excluded.arxiv_id,
               citations=excluded.citations, raw=excluded.raw, fetched_at=excluded.fetched_at""",
        [(w.paper_id, w.doi, w.arxiv_id, w.citations, _dumps(w.raw), now) for w in works],
    )


def save_author_works(
    store: Store,
    author: Author,
    works: Sequence[Paper],
    now: str,
    *,
    swept: bool = False,
    recovered: int = 0,
) -> None:
    """The author record and their complete works, committed as one unit of work."""
    with store.transaction() as tx:
        _upsert_authors(store, [author], now)
        _upsert_works(store, works, now)
        tx.execute("DELETE FROM openalex_author_works WHERE author_id = ?", (author.author_id,))
        tx.executemany(
            "INSERT OR IGNORE INTO openalex_author_works(author_id, work_id, rank) VALUES (?,?,?)",
            [(author.author_id, w.paper_id, rank) for rank, w in enumerate(works)],
        )
        tx.execute(
            """INSERT OR REPLACE INTO openalex_author_fetches(author_id, fetched_at, work_total,
                   swept, recovered) VALUES (?,?,?,?,?)""",
            (author.author_id, now, len(works), int(swept), recovered),
        )


def works_fetch(store: Store, author_id: str) -> WorksFetch | None:
    row = store.conn.execute(
        """SELECT fetched_at, work_total, swept, recovered FROM openalex_author_fetches
           WHERE author_id = ?""",
        (author_id,),
    ).fetchone()
    return None if row is None else WorksFetch(row[0], row[1], bool(row[2]), row[3])


def load_author_works(store: Store, author_id: str) -> list[Paper]:
    rows = store.conn.execute(
        """SELECT w.raw FROM openalex_author_works aw JOIN openalex_works w USING (work_id)
           WHERE aw.author_id = ? ORDER BY aw.rank""",
        (author_id,),
    )
    return [_parse_work(raw) for (raw,) in rows]


def load_works(store: Store, ids: Sequence[str]) -> dict[str, Paper]:
    found: dict[str, Paper] = {}
    for work_id, raw in select_in(
        store.conn, "SELECT work_id, raw FROM openalex_works WHERE work_id IN ({marks})", ids
    ):
        found[work_id] = _parse_work(raw)
    return found


def find_work(store: Store, column: str, value: str) -> tuple[Paper, str] | None:
    """The newest cached work whose ``work_id``, ``doi`` or ``arxiv_id`` is ``value``."""
    if column not in {"work_id", "doi", "arxiv_id"}:
        raise ValueError(column)
    row = store.conn.execute(
        f"""SELECT raw, fetched_at FROM openalex_works WHERE {column} = ?
            ORDER BY fetched_at DESC""",  # noqa: S608 - column from the set above
        (value,),
    ).fetchone()
    return None if row is None else (_parse_work(row[0]), row[1])


def works_search(store: Store, key: str) -> tuple[list[str], str] | None:
    """(work ids, fetched_at) of a cached works search."""
    row = store.conn.execute(
        "SELECT author_ids, fetched_at FROM openalex_searches WHERE query = ?", (key,)
    ).fetchone()
    return None if row is None else (list(json.loads(row[0])), row[1])


def save_works_search(store: Store, key: str, works: Sequence[Paper], now: str) -> None:
    """A works search and its works, one unit (the ids go where author searches keep theirs)."""
    with store.transaction() as tx:
        _upsert_works(store, works, now)
        tx.execute(
            """INSERT OR REPLACE INTO openalex_searches(query, author_ids, fetched_at)
               VALUES (?,?,?)""",
            (key, _dumps([w.paper_id for w in works]), now),
        )


def save_works(store: Store, works: Sequence[Paper], now: str) -> None:
    with store.transaction():
        _upsert_works(store, works, now)


def update_counts(store: Store, counts: dict[str, Paper], now: str) -> None:
    """Lay fresh counts (a refresh's OR-filtered calls) over the cached records."""
    from scholarcli.sources.openalex import COUNT_SELECT

    fields = COUNT_SELECT.split(",")
    cached = load_works(store, list(counts))
    merged = []
    for work_id, fresh in counts.items():
        if work_id not in cached:
            continue
        raw = dict(cached[work_id].raw)
        raw.update({k: fresh.raw[k] for k in fields if k in fresh.raw})
        merged.append(_parse_work(_dumps(raw)))
    with store.transaction():
        _upsert_works(store, merged, now)


@dataclass(frozen=True)
class Budget:
    pool: str  # key | keyless
    limit: int | None
    remaining: int | None
    resets_at: str | None
    observed_at: str


def save_budget(store: Store, budget: Budget) -> None:
    with store.transaction() as tx:
        tx.execute(
            """INSERT OR REPLACE INTO openalex_budget(pool, credits_limit, credits_remaining,
                   resets_at, observed_at) VALUES (?,?,?,?,?)""",
            (budget.pool, budget.limit, budget.remaining, budget.resets_at, budget.observed_at),
        )


def budgets(store: Store) -> list[Budget]:
    try:
        rows = store.conn.execute(
            """SELECT pool, credits_limit, credits_remaining, resets_at, observed_at
               FROM openalex_budget ORDER BY pool"""
        ).fetchall()
    except sqlite3.OperationalError:  # a cache read before openalex_records: nothing reported
        return []
    return [Budget(*row) for row in rows]
