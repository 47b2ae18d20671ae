"""SQL for who cites a paper (table ``citing_authors``, migration 8).

One row per paper: the citing papers the source listed, each with its author ids,
stored as one JSON list, with the paper's citation count at the fetch, how many were
listed, whether a cap cut the list, and when. A row is replaced whole, so a killed run
leaves the old list or the new one.

It must not fetch anything, decide when to fetch again, or count self-citations.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from scholarcli.cache.store import Store, select_in

Citer = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class CitingAuthors:
    """The listed citing papers of one paper, as last fetched."""

    paper_id: str
    citations: int  # the paper's citation count when the list was fetched
    fetched_at: str
    citers: tuple[Citer, ...] = field(default_factory=tuple)
    truncated: bool = False
    source: str = "s2"

    @property
    def listed(self) -> int:
        return len(self.citers)


def save(store: Store, rows: Iterable[CitingAuthors]) -> None:
    """Replace the rows of these papers in one transaction."""
    values = [
        (
            r.paper_id,
            r.source,
            r.citations,
            r.listed,
            int(r.truncated),
            json.dumps([[pid, list(authors)] for pid, authors in r.citers], separators=(",", ":")),
            r.fetched_at,
        )
        for r in rows
    ]
    if not values:
        return
    with store.transaction() as tx:
        tx.executemany(
            """INSERT OR REPLACE INTO citing_authors(paper_id, source, citations, listed,
                   truncated, citers, fetched_at) VALUES (?,?,?,?,?,?,?)""",
            values,
        )


def _citers(text: str) -> tuple[Citer, ...]:
    try:
        raw = json.loads(text)
    except ValueError:
        return ()
    out: list[Citer] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, list) and len(item) == 2 and isinstance(item[1], list):
            out.append((str(item[0]), tuple(str(a) for a in item[1] if a)))
    return tuple(out)


def load(store: Store, paper_ids: Iterable[str]) -> dict[str, CitingAuthors]:
    """The cached lists of those papers that have one."""
    found: dict[str, CitingAuthors] = {}
    for paper_id, source, citations, truncated, citers, fetched_at in select_in(
        store.conn,
        """SELECT paper_id, source, citations, truncated, citers, fetched_at
           FROM citing_authors WHERE paper_id IN ({marks})""",
        paper_ids,
    ):
        found[paper_id] = CitingAuthors(
            paper_id, citations, fetched_at, _citers(citers), bool(truncated), source
        )
    return found


def paper_author_ids(store: Store, paper_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The author ids each cached paper lists (``papers.authors``), in byline order."""
    found: dict[str, tuple[str, ...]] = {}
    for paper_id, authors in select_in(
        store.conn, "SELECT paper_id, authors FROM papers WHERE paper_id IN ({marks})", paper_ids
    ):
        try:
            listed = json.loads(authors)
        except ValueError:
            listed = []
        found[paper_id] = tuple(str(a[0]) for a in listed if isinstance(a, list) and a and a[0])
    return found


def watch(store: Store, person_key: str, now: str) -> None:
    """Let every refresh keep this tracked person's citing lists current."""
    with store.transaction() as tx:
        tx.execute(
            "INSERT OR IGNORE INTO selfcite_watch(person_key, added_at) VALUES (?,?)",
            (person_key, now),
        )


def unwatch(store: Store, person_key: str) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM selfcite_watch WHERE person_key = ?", (person_key,))


def watched(store: Store) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT person_key FROM selfcite_watch")}
