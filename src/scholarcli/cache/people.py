"""Cached people: author searches, author records and each author's complete paper list.

Free functions over an open ``Store`` (every cache module reads and writes this way).
A paper list is replaced only by a complete fetch, in one transaction, so a list in
the cache is always whole. It must not fetch anything or decide freshness.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from scholarcli.cache.store import Store, _dumps, select_in
from scholarcli.models import Author, AuthorRef, Paper


# --- searches ------------------------------------------------------------------------------
def save_search(store: Store, query: str, authors: Sequence[Author], now: str) -> None:
    with store.transaction() as tx:
        for author in authors:
            upsert_author(tx, author, now)
        tx.execute(
            "INSERT OR REPLACE INTO searches(query, author_ids, fetched_at) VALUES (?,?,?)",
            (query, _dumps([a.author_id for a in authors]), now),
        )


def cached_search(store: Store, query: str) -> tuple[list[Author], str] | None:
    row = store.conn.execute(
        "SELECT author_ids, fetched_at FROM searches WHERE query = ?", (query,)
    ).fetchone()
    if row is None:
        return None
    ids = json.loads(row[0])
    found = load_authors(store, ids)
    return [found[i] for i in ids if i in found], row[1]


# --- authors -------------------------------------------------------------------------------
def upsert_author(tx: sqlite3.Connection, author: Author, now: str) -> None:
    tx.execute(
        """INSERT INTO authors(author_id, name, affiliations, paper_count, citation_count,
               h_index, recent_titles, raw, fetched_at)
           VALUES (?,?,?,?,?,?,?,?,?)
           ON CONFLICT(author_id) DO UPDATE SET name=excluded.name,
               affiliations=excluded.affiliations, paper_count=excluded.paper_count,
               citation_count=excluded.citation_count, h_index=excluded.h_index,
               recent_titles=CASE WHEN excluded.recent_titles = '[]'
                   THEN authors.recent_titles ELSE excluded.recent_titles END,
               raw=excluded.raw, fetched_at=excluded.fetched_at""",
        (
            author.author_id,
            author.name,
            _dumps(author.affiliations),
            author.paper_count,
            author.citation_count,
            author.h_index,
            _dumps(author.recent_titles),
            _dumps(author.raw),
            now,
        ),
    )


def save_authors(store: Store, authors: Iterable[Author], now: str) -> None:
    with store.transaction() as tx:
        for author in authors:
            upsert_author(tx, author, now)


def load_authors(store: Store, ids: Iterable[str]) -> dict[str, Author]:
    ids = list(ids)
    result: dict[str, Author] = {}
    for row in select_in(
        store.conn,
        """SELECT author_id, name, affiliations, paper_count, citation_count, h_index,
                recent_titles, raw FROM authors WHERE author_id IN ({marks})""",
        ids,
    ):
        result[row[0]] = Author(
            author_id=row[0],
            name=row[1],
            affiliations=json.loads(row[2]),
            paper_count=row[3],
            citation_count=row[4],
            h_index=row[5],
            recent_titles=json.loads(row[6]),
            url=json.loads(row[7]).get("url"),
            raw=json.loads(row[7]),
        )
    return result


# --- author paper lists --------------------------------------------------------------------
def save_author_papers(
    store: Store,
    author: Author | None,
    author_id: str,
    papers: Sequence[Paper],
    now: str,
    *,
    truncated: bool = False,
) -> None:
    """Replace an author's paper list with a complete fetch, atomically."""
    with store.transaction() as tx:
        if author is not None:
            upsert_author(tx, author, now)
        for paper in papers:
            upsert_paper(tx, paper, now)
        tx.execute("DELETE FROM author_papers WHERE author_id = ?", (author_id,))
        tx.executemany(
            """INSERT OR IGNORE INTO author_papers(author_id, paper_id, rank, author_position)
               VALUES (?,?,?,?)""",
            [
                (author_id, p.paper_id, rank, _position(p, author_id))
                for rank, p in enumerate(papers)
            ],
        )
        tx.execute(
            """INSERT OR REPLACE INTO author_fetches(author_id, fetched_at, paper_total,
                   truncated) VALUES (?,?,?,?)""",
            (author_id, now, len(papers), int(truncated)),
        )


def upsert_paper(tx: sqlite3.Connection, paper: Paper, now: str) -> None:
    tx.execute(
        """INSERT OR REPLACE INTO papers(paper_id, title, year, publication_date, venue,
               arxiv_id, doi, citations, influential_citations, authors, abstract, url,
               raw, fetched_at, n_authors) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (
            paper.paper_id,
            paper.title,
            paper.year,
            paper.publication_date,
            paper.venue,
            paper.arxiv_id,
            paper.doi,
            paper.citations,
            paper.influential_citations,
            _dumps([[a.author_id, a.name] for a in paper.authors]),
            paper.abstract,
            paper.url,
            _dumps(paper.raw),
            now,
            len(paper.authors),
        ),
    )


def author_fetch(store: Store, author_id: str) -> tuple[str, bool] | None:
    """(fetched_at, truncated) of the author's last complete fetch, if any."""
    row = store.conn.execute(
        "SELECT fetched_at, truncated FROM author_fetches WHERE author_id = ?", (author_id,)
    ).fetchone()
    return (row[0], bool(row[1])) if row else None


def load_author_papers(store: Store, author_id: str) -> list[Paper]:
    rows = store.conn.execute(
        """SELECT p.paper_id, p.title, p.year, p.publication_date, p.venue, p.arxiv_id,
               p.doi, p.citations, p.influential_citations, p.authors, p.abstract, p.url
           FROM author_papers ap JOIN papers p ON p.paper_id = ap.paper_id
           WHERE ap.author_id = ? ORDER BY ap.rank""",
        (author_id,),
    )
    return [
        Paper(
            paper_id=r[0],
            title=r[1],
            year=r[2],
            publication_date=r[3],
            venue=r[4],
            arxiv_id=r[5],
            doi=r[6],
            citations=r[7],
            influential_citations=r[8],
            authors=[AuthorRef(a, n) for a, n in json.loads(r[9])],
            abstract=r[10],
            url=r[11],
        )
        for r in rows
    ]


def _position(paper: Paper, author_id: str) -> int | None:
    """1-based place of ``author_id`` in the paper's author list (by id only), or None."""
    for index, ref in enumerate(paper.authors, start=1):
        if ref.author_id == author_id:
            return index
    return None
