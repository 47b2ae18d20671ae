"""SQL for citations received per year (tables of migration 3).

``citation_years`` holds one row per (paper, year of the citing papers) and
``citation_fetches`` one row per fetch: when it happened, the paper's citation count
at that moment (a later, different count means the per-year counts are out of date),
how many citing papers had no year, and whether Semantic Scholar's 9,999-item cap cut
the list short. A paper's rows are replaced together with its fetch record in one
transaction, so a killed run leaves the old counts or the new ones, never a mix.

It must not fetch anything or decide when to fetch again: that is ``analysis``'s job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scholarcli.cache.store import Store, select_in

# SQLite's default limit on host parameters is 999 in old builds; stay well below it.


@dataclass(frozen=True)
class CitationYears:
    """Per-year citation counts of one paper, as last fetched."""

    paper_id: str
    citations: int  # the paper's citation count when the years were fetched
    fetched_at: str
    by_year: Mapping[int, int] = field(default_factory=dict)
    undated: int = 0
    truncated: bool = False


def save(store: Store, counts: CitationYears) -> None:
    """Replace the paper's per-year counts and fetch record, atomically."""
    with store.transaction() as tx:
        tx.execute("DELETE FROM citation_years WHERE paper_id = ?", (counts.paper_id,))
        tx.executemany(
            "INSERT INTO citation_years(paper_id, year, count) VALUES (?,?,?)",
            [(counts.paper_id, year, n) for year, n in sorted(counts.by_year.items()) if n],
        )
        tx.execute(
            """INSERT OR REPLACE INTO citation_fetches(paper_id, fetched_at, citations,
                   undated, truncated) VALUES (?,?,?,?,?)""",
            (
                counts.paper_id,
                counts.fetched_at,
                counts.citations,
                counts.undated,
                int(counts.truncated),
            ),
        )


def load(store: Store, paper_ids: Iterable[str]) -> dict[str, CitationYears]:
    """The cached per-year counts of those papers that have a fetch record."""
    ids = list(dict.fromkeys(paper_ids))
    fetches: dict[str, tuple[str, int, int, bool]] = {}
    years: dict[str, dict[int, int]] = {}
    for paper_id, fetched_at, citations, undated, truncated in select_in(
        store.conn,
        """SELECT paper_id, fetched_at, citations, undated, truncated
            FROM citation_fetches WHERE paper_id IN ({marks})""",
        ids,
    ):
        fetches[paper_id] = (fetched_at, citations, undated, bool(truncated))
    for paper_id, year, count in select_in(
        store.conn,
        """SELECT paper_id, year, count FROM citation_years
            WHERE paper_id IN ({marks}) ORDER BY paper_id, year""",
        ids,
    ):
        years.setdefault(paper_id, {})[year] = count
    return {
        paper_id: CitationYears(
            paper_id=paper_id,
            citations=citations,
            fetched_at=fetched_at,
            by_year=years.get(paper_id, {}),
            undated=undated,
            truncated=truncated,
        )
        for paper_id, (fetched_at, citations, undated, truncated) in fetches.items()
    }
