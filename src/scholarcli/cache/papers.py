"""SQL for paper lookups, paper searches and citation/reference lists.

Tables of the "scholar paper / search" migration: ``paper_details`` (S2's full paper
object of a lookup), ``paper_refs`` (what a ref resolved to, or that it resolved to
nothing, and when), ``paper_searches`` (one search's ordered results) and
``paper_edges`` (a paper's citing or cited papers). Looked-up papers are also written to
the shared ``papers`` table, so other commands see them. Each save is one transaction:
a killed run leaves the old answer or the new one, never half a list.

It must not fetch anything or decide when to fetch again: that is ``papers.lookup``'s,
``papers.search``'s and ``papers.citations``' job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scholarcli.cache import people as people_cache
from scholarcli.cache.store import Store, select_in
from scholarcli.models import Paper

# SQLite's default limit on host parameters is 999 in old builds; stay well below it.


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class RefRow:
    """What a ref resolved to when it was last asked (paper_id None: nothing)."""

    ref: str
    paper_id: str | None
    fetched_at: str
    candidates: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Resolved:
    """One ref's answer to save: the paper found (raw S2 object and parsed), or none."""

    ref: str
    raw: dict[str, Any] | None
    paper: Paper | None
    candidates: list[dict[str, Any]] = field(default_factory=list)


def load_refs(store: Store, refs: Iterable[str]) -> dict[str, RefRow]:
    keys = list(dict.fromkeys(refs))
    found: dict[str, RefRow] = {}
    for ref, paper_id, candidates, fetched_at in select_in(
        store.conn,
        """SELECT ref, paper_id, candidates, fetched_at FROM paper_refs
            WHERE ref IN ({marks})""",
        keys,
    ):
        found[ref] = RefRow(ref, paper_id, fetched_at, json.loads(candidates))
    return found


def known_paper(store: Store, kind: str, value: str) -> RefRow | None:
    """A looked-up paper that a new spelling of a ref names: by S2 id, DOI (lower case)
    or arXiv id, so ``doi:X`` after ``X``'s S2 id costs no request."""
    column = {"s2": "d.paper_id", "doi": "p.doi", "arxiv": "p.arxiv_id"}.get(kind)
    if column is None:
        return None
    row = store.conn.execute(
        f"""SELECT d.paper_id, d.fetched_at FROM paper_details d
            JOIN papers p ON p.paper_id = d.paper_id WHERE {column} = ?
            ORDER BY d.fetched_at DESC LIMIT 1""",  # noqa: S608 - column from the dict above
        (value,),
    ).fetchone()
    return RefRow(value, row[0], row[1]) if row else None


def load_details(store: Store, paper_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The full S2 objects of looked-up papers, by paper id."""
    ids = list(dict.fromkeys(paper_ids))
    found: dict[str, dict[str, Any]] = {}
    for paper_id, raw in select_in(
        store.conn,
        "SELECT paper_id, raw FROM paper_details WHERE paper_id IN ({marks})",
        ids,
    ):
        found[paper_id] = json.loads(raw)
    return found


def save_lookup(store: Store, answers: Sequence[Resolved], now: str) -> None:
    """Record the refs' answers and the papers found, as one unit of work."""
    with store.transaction() as tx:
        for answer in answers:
            paper_id = answer.paper.paper_id if answer.paper is not None else None
            if answer.paper is not None and answer.raw is not None:
                tx.execute(
                    """INSERT OR REPLACE INTO paper_details(paper_id, raw, fetched_at)
                       VALUES (?,?,?)""",
                    (answer.paper.paper_id, _dumps(answer.raw), now),
                )
                people_cache.upsert_paper(tx, answer.paper, now)
            tx.execute(
                """INSERT OR REPLACE INTO paper_refs(ref, paper_id, candidates, fetched_at)
                   VALUES (?,?,?,?)""",
                (answer.ref, paper_id, _dumps(answer.candidates), now),
            )


@dataclass(frozen=True)
class CachedList:
    """A cached search or citation list: items in order, whether the source had no
    more (``complete``), and when it was fetched."""

    items: list[dict[str, Any]]
    complete: bool
    fetched_at: str
    total: int | None = None
    truncated: bool = False


def load_search(store: Store, key: str) -> CachedList | None:
    row = store.conn.execute(
        "SELECT results, total, complete, fetched_at FROM paper_searches WHERE search_key = ?",
        (key,),
    ).fetchone()
    if row is None:
        return None
    return CachedList(json.loads(row[0]), bool(row[2]), row[3], total=row[1])


def save_search(
    store: Store,
    key: str,
    items: Sequence[dict[str, Any]],
    total: int | None,
    complete: bool,
    now: str,
) -> None:
    with store.transaction() as tx:
        tx.execute(
            """INSERT OR REPLACE INTO paper_searches(search_key, results, total, complete,
                   fetched_at) VALUES (?,?,?,?,?)""",
            (key, _dumps(list(items)), total, int(complete), now),
        )


def load_edges(store: Store, paper_id: str, direction: str) -> CachedList | None:
    row = store.conn.execute(
        """SELECT edges, complete, truncated, fetched_at FROM paper_edges
           WHERE paper_id = ? AND direction = ?""",
        (paper_id, direction),
    ).fetchone()
    if row is None:
        return None
    return CachedList(json.loads(row[0]), bool(row[1]), row[3], truncated=bool(row[2]))


def save_edges(
    store: Store,
    paper_id: str,
    direction: str,
    edges: Sequence[dict[str, Any]],
    *,
    complete: bool,
    truncated: bool,
    now: str,
) -> None:
    with store.transaction() as tx:
        tx.execute(
            """INSERT OR REPLACE INTO paper_edges(paper_id, direction, edges, complete,
                   truncated, fetched_at) VALUES (?,?,?,?,?,?)""",
            (paper_id, direction, _dumps(list(edges)), int(complete), int(truncated), now),
        )


def paper_id_by(store: Store, kind: str, value: str) -> str | None:
    """The cached paper an arXiv id (``kind="arxiv"``), DOI (``"doi"``, any case) or
    Corpus id (``"corpus"``, from the raw S2 record) names, or None."""
    args: tuple[object, ...]
    if kind == "arxiv":
        sql, args = "SELECT paper_id FROM papers WHERE arxiv_id = ?", (value,)
    elif kind == "doi":
        sql, args = "SELECT paper_id FROM papers WHERE lower(doi) = lower(?)", (value,)
    elif kind == "corpus":
        sql = "SELECT paper_id FROM papers WHERE json_extract(raw, '$.corpusId') = ?"
        args = (int(value),)
    else:
        return None
    row = store.conn.execute(sql + " ORDER BY fetched_at DESC LIMIT 1", args).fetchone()
    return str(row[0]) if row else None
