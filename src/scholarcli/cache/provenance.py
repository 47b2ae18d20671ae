"""SQL for a profile's provenance: when the records it used were fetched.

Oldest and newest ``fetched_at`` per record kind, read from the fetch tables the other
cache modules write. It must not write, fetch or decide anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scholarcli.cache.store import Store, select_in

Span = tuple[str, str]


def _span(store: Store, table: str, column: str, keys: Sequence[str]) -> Span | None:
    oldest: str | None = None
    newest: str | None = None
    for low, high in select_in(
        store.conn,
        f"SELECT min(fetched_at), max(fetched_at) FROM {table} "  # noqa: S608 - our names
        f"WHERE {column} IN ({{marks}})",
        keys,
    ):
        if low is not None:
            oldest = low if oldest is None else min(oldest, low)
            newest = high if newest is None else max(newest, high)
    return None if oldest is None or newest is None else (oldest, newest)


def fetch_spans(
    store: Store,
    *,
    author_ids: Iterable[str],
    paper_ids: Iterable[str],
    arxiv_ids: Iterable[str],
) -> dict[str, Span]:
    """``kind -> (oldest, newest)`` for author records, paper lists, paper records,
    arXiv records and citations per year, over the records of one profile."""
    authors = list(dict.fromkeys(author_ids))
    papers = list(dict.fromkeys(paper_ids))
    arxiv = list(dict.fromkeys(arxiv_ids))
    wanted = {
        "author_records": ("authors", "author_id", authors),
        "paper_lists": ("author_fetches", "author_id", authors),
        "paper_records": ("papers", "paper_id", papers),
        "arxiv_records": ("arxiv_entries", "arxiv_id", arxiv),
        "citations_by_year": ("citation_fetches", "paper_id", papers),
    }
    spans: dict[str, Span] = {}
    for kind, (table, column, keys) in wanted.items():
        span = _span(store, table, column, keys) if keys else None
        if span is not None:
            spans[kind] = span
    return spans
