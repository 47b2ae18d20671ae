"""SQL for the crosswalk's lookups: a work looked up on another source by DOI or arXiv id.

One answer per (source, lookup id), kept in the ``paper_searches`` table of the paper
lookups under keys ``crosswalk:<source>:<id>`` (``crosswalk:s2:DOI:10.1000/x``), so
no new table or migration is needed: ``items`` is empty when the source has no such
work (not indexed) and holds one ``{paper_id, title, year, doi, arxiv_id, authors}``
record when it has, ``authors`` as ``[[author_id, name], ...]``. Each save is one
transaction. It must not fetch anything or decide when to fetch again
(``crosswalk.lookup`` does).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scholarcli.cache.store import Store

PREFIX = "crosswalk:"
_CHUNK = 500


@dataclass(frozen=True)
class CachedLookup:
    """A lookup's answer: ``record`` None when the source had no such work."""

    record: dict[str, Any] | None
    fetched_at: str


def key(source: str, lookup_id: str) -> str:
    return f"{PREFIX}{source}:{lookup_id}"


def load_lookups(store: Store, source: str, lookup_ids: Iterable[str]) -> dict[str, CachedLookup]:
    wanted = {key(source, i): i for i in dict.fromkeys(lookup_ids)}
    keys = list(wanted)
    found: dict[str, CachedLookup] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for search_key, results, fetched_at in store.conn.execute(
            f"""SELECT search_key, results, fetched_at FROM paper_searches
                WHERE search_key IN ({marks})""",  # noqa: S608
            chunk,
        ):
            items = json.loads(results)
            record = items[0] if items and isinstance(items[0], dict) else None
            found[wanted[search_key]] = CachedLookup(record, fetched_at)
    return found


def save_lookups(
    store: Store, source: str, answers: Mapping[str, dict[str, Any] | None], now: str
) -> None:
    rows = [
        (
            key(source, lookup_id),
            json.dumps([] if record is None else [record], ensure_ascii=False),
            None,
            1,
            now,
        )
        for lookup_id, record in answers.items()
    ]
    with store.transaction() as tx:
        tx.executemany(
            """INSERT OR REPLACE INTO paper_searches(search_key, results, total, complete,
                   fetched_at) VALUES (?,?,?,?,?)""",
            rows,
        )
