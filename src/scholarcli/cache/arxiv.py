"""Cached arXiv metadata: which ids arXiv has answered (found or not), and the entries.

Free functions over an open ``Store``. An id arXiv answered without an entry is kept
(``found = 0``) so it is not asked again. It must not fetch anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from scholarcli.cache.store import Store, _dumps, select_in
from scholarcli.models import ArxivEntry


def arxiv_answered(store: Store, ids: Iterable[str]) -> set[str]:
    """The ids arXiv has already answered for (found or not)."""
    ids = list(ids)
    sql = "SELECT arxiv_id FROM arxiv_entries WHERE arxiv_id IN ({marks})"
    return {r[0] for r in select_in(store.conn, sql, ids)}


def save_arxiv_batch(
    store: Store, requested: Sequence[str], found: dict[str, ArxivEntry], now: str
) -> None:
    with store.transaction() as tx:
        for arxiv_id in requested:
            e = found.get(arxiv_id)
            if e is None:
                tx.execute(
                    """INSERT OR REPLACE INTO arxiv_entries(arxiv_id, found, fetched_at)
                       VALUES (?, 0, ?)""",
                    (arxiv_id, now),
                )
                continue
            tx.execute(
                """INSERT OR REPLACE INTO arxiv_entries(arxiv_id, found, version, title,
                       abstract, authors, published, updated, primary_category, categories,
                       comment, journal_ref, doi, raw, fetched_at)
                   VALUES (?,1,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    e.arxiv_id,
                    e.version,
                    e.title,
                    e.abstract,
                    _dumps(e.authors),
                    e.published,
                    e.updated,
                    e.primary_category,
                    _dumps(e.categories),
                    e.comment,
                    e.journal_ref,
                    e.doi,
                    e.raw,
                    now,
                ),
            )


def load_arxiv(store: Store, ids: Iterable[str]) -> dict[str, ArxivEntry]:
    ids = list(ids)
    result: dict[str, ArxivEntry] = {}
    for r in select_in(
        store.conn,
        """SELECT arxiv_id, version, title, abstract, authors, published, updated,
                primary_category, categories, comment, journal_ref, doi
            FROM arxiv_entries WHERE found = 1 AND arxiv_id IN ({marks})""",
        ids,
    ):
        result[r[0]] = ArxivEntry(
            arxiv_id=r[0],
            version=r[1],
            title=r[2] or "",
            abstract=r[3] or "",
            authors=json.loads(r[4] or "[]"),
            published=r[5],
            updated=r[6],
            primary_category=r[7],
            categories=json.loads(r[8] or "[]"),
            comment=r[9],
            journal_ref=r[10],
            doi=r[11],
        )
    return result


# --- maintenance ---------------------------------------------------------------------------
