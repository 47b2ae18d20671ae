"""SQL for novelty and impact: reference lists, vectors, cohorts, scores (issue 9 tables).

* ``novelty_references``: a paper's distinct resolved references as S2 listed them.
* ``novelty_vectors``: one SPECTER vector per (paper, model), float32 bytes; a NULL
  vector records that S2 has none, so it is not asked again within the reuse window.
* ``novelty_cohorts`` / ``novelty_cohort_members``: a (category, year) cohort and its
  members' citation counts and novelty values, replaced together in one transaction.
* ``novelty_scores``: the last computed values of each scored paper.
* ``novelty_people`` / ``novelty_watch``: who asked for novelty, who refresh keeps current.

It must not fetch anything, compute an indicator or decide when to fetch again.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from scholarcli.cache.store import Store, select_in


# -- reference lists ---------------------------------------------------------------------
@dataclass(frozen=True)
class ReferenceList:
    paper_id: str
    found: bool
    refs: tuple[str, ...] = ()  # distinct resolved reference paperIds, in S2's order
    listed: int = 0  # entries S2 listed, unresolved ones included
    citations: int | None = None
    fetched_at: str = ""


def save_references(store: Store, lists: Iterable[ReferenceList]) -> None:
    with store.transaction() as tx:
        tx.executemany(
            """INSERT OR REPLACE INTO novelty_references(paper_id, found, refs, listed,
                   citations, fetched_at) VALUES (?,?,?,?,?,?)""",
            [
                (
                    r.paper_id,
                    int(r.found),
                    json.dumps(list(r.refs)),
                    r.listed,
                    r.citations,
                    r.fetched_at,
                )
                for r in lists
            ],
        )


def load_references(store: Store, paper_ids: Iterable[str]) -> dict[str, ReferenceList]:
    ids = list(dict.fromkeys(paper_ids))
    found: dict[str, ReferenceList] = {}
    for row in select_in(
        store.conn,
        """SELECT paper_id, found, refs, listed, citations, fetched_at
            FROM novelty_references WHERE paper_id IN ({marks})""",
        ids,
    ):
        found[row[0]] = ReferenceList(
            row[0], bool(row[1]), tuple(json.loads(row[2])), row[3], row[4], row[5]
        )
    return found


# -- vectors -----------------------------------------------------------------------------
def _pack(vector: Sequence[float]) -> bytes:
    return array("f", vector).tobytes()


def _unpack(blob: bytes) -> array[float]:
    values = array("f")
    values.frombytes(blob)
    return values


def save_vectors(
    store: Store, vectors: Iterable[tuple[str, Sequence[float] | None]], model: str, now: str
) -> None:
    """Store ``(paper_id, vector or None)`` pairs of one model in one transaction."""
    with store.transaction() as tx:
        tx.executemany(
            """INSERT OR REPLACE INTO novelty_vectors(paper_id, model, dims, vector, fetched_at)
               VALUES (?,?,?,?,?)""",
            [
                (
                    pid,
                    model,
                    len(v) if v is not None else 0,
                    _pack(v) if v is not None else None,
                    now,
                )
                for pid, v in vectors
            ],
        )


def vector_fetches(
    store: Store, paper_ids: Iterable[str], model: str
) -> dict[str, tuple[bool, str]]:
    """``paper_id -> (has a vector, fetched_at)`` for the ids already asked about."""
    ids = list(dict.fromkeys(paper_ids))
    known: dict[str, tuple[bool, str]] = {}
    for pid, has, fetched_at in select_in(
        store.conn,
        """SELECT paper_id, vector IS NOT NULL, fetched_at FROM novelty_vectors
            WHERE model = ? AND paper_id IN ({marks})""",
        ids,
        before=(model,),
    ):
        known[pid] = (bool(has), fetched_at)
    return known


def load_vectors(store: Store, paper_ids: Iterable[str], model: str) -> dict[str, array[float]]:
    """The stored vectors of those ids that have one."""
    ids = list(dict.fromkeys(paper_ids))
    vectors: dict[str, array[float]] = {}
    for pid, blob in select_in(
        store.conn,
        """SELECT paper_id, vector FROM novelty_vectors
            WHERE model = ? AND vector IS NOT NULL AND paper_id IN ({marks})""",
        ids,
        before=(model,),
    ):
        vectors[pid] = _unpack(blob)
    return vectors


# -- cohorts -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    arxiv_id: str
    paper_id: str | None  # None: S2 does not know the arXiv paper
    citations: int | None
    novelty: float | None
    novelty_q99: float | None
    embedded: int
    resolved: int


@dataclass
class Cohort:
    category: str
    year: int
    built_at: str
    listing_total: int  # arXiv's totalResults for the year's listing of the category
    method: str  # how the sample was drawn ("all", "hash", "days+hash")
    model: str
    members: list[Member] = field(default_factory=list)


def save_cohort(store: Store, cohort: Cohort) -> None:
    """Replace the cohort and its members together."""
    with store.transaction() as tx:
        key = (cohort.category, cohort.year)
        tx.execute("DELETE FROM novelty_cohort_members WHERE category = ? AND year = ?", key)
        tx.execute(
            """INSERT OR REPLACE INTO novelty_cohorts(category, year, built_at, listing_total,
                   method, model) VALUES (?,?,?,?,?,?)""",
            (*key, cohort.built_at, cohort.listing_total, cohort.method, cohort.model),
        )
        tx.executemany(
            """INSERT INTO novelty_cohort_members(category, year, arxiv_id, paper_id, citations,
                   novelty, novelty_q99, embedded, resolved) VALUES (?,?,?,?,?,?,?,?,?)""",
            [
                (
                    *key,
                    m.arxiv_id,
                    m.paper_id,
                    m.citations,
                    m.novelty,
                    m.novelty_q99,
                    m.embedded,
                    m.resolved,
                )
                for m in cohort.members
            ],
        )


def load_cohort(store: Store, category: str, year: int) -> Cohort | None:
    row = store.conn.execute(
        """SELECT built_at, listing_total, method, model FROM novelty_cohorts
           WHERE category = ? AND year = ?""",
        (category, year),
    ).fetchone()
    if row is None:
        return None
    members = [
        Member(*r)
        for r in store.conn.execute(
            """SELECT arxiv_id, paper_id, citations, novelty, novelty_q99, embedded, resolved
               FROM novelty_cohort_members WHERE category = ? AND year = ? ORDER BY arxiv_id""",
            (category, year),
        )
    ]
    return Cohort(category, year, row[0], row[1], row[2], row[3], members)


# -- per-paper scores --------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    paper_id: str
    novelty: float | None
    novelty_q99: float | None
    novelty_references: int | None
    references_resolved: int | None
    novelty_percentile: int | None
    impact_percentile: int | None
    top10: bool | None
    category: str | None
    year: int | None
    cohort_n: int | None
    cohort_eligible: int | None
    note: str | None
    model: str
    computed_at: str


_SCORE_COLUMNS = (
    "paper_id, novelty, novelty_q99, novelty_references, references_resolved, "
    "novelty_percentile, impact_percentile, top10, category, year, cohort_n, "
    "cohort_eligible, note, model, computed_at"
)


def save_scores(store: Store, scores: Iterable[Score]) -> None:
    with store.transaction() as tx:
        tx.executemany(
            f"INSERT OR REPLACE INTO novelty_scores({_SCORE_COLUMNS}) "  # noqa: S608
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    s.paper_id,
                    s.novelty,
                    s.novelty_q99,
                    s.novelty_references,
                    s.references_resolved,
                    s.novelty_percentile,
                    s.impact_percentile,
                    None if s.top10 is None else int(s.top10),
                    s.category,
                    s.year,
                    s.cohort_n,
                    s.cohort_eligible,
                    s.note,
                    s.model,
                    s.computed_at,
                )
                for s in scores
            ],
        )


def load_scores(store: Store, paper_ids: Iterable[str]) -> dict[str, Score]:
    ids = list(dict.fromkeys(paper_ids))
    found: dict[str, Score] = {}
    for row in select_in(
        store.conn,
        f"SELECT {_SCORE_COLUMNS} FROM novelty_scores WHERE paper_id IN ({{marks}})",  # noqa: S608
        ids,
    ):
        values = list(row)
        values[7] = None if values[7] is None else bool(values[7])
        found[row[0]] = Score(*values)
    return found


# -- people ------------------------------------------------------------------------------
def ids_key(author_ids: Iterable[str]) -> str:
    return ",".join(sorted(set(author_ids)))


def mark_person(store: Store, author_ids: Iterable[str], now: str) -> None:
    with store.transaction() as tx:
        tx.execute(
            "INSERT OR REPLACE INTO novelty_people(ids_key, computed_at) VALUES (?,?)",
            (ids_key(author_ids), now),
        )


def person_computed(store: Store, author_ids: Iterable[str]) -> str | None:
    row = store.conn.execute(
        "SELECT computed_at FROM novelty_people WHERE ids_key = ?", (ids_key(author_ids),)
    ).fetchone()
    return None if row is None else str(row[0])


def watch(store: Store, person_key: str, now: str) -> None:
    with store.transaction() as tx:
        tx.execute(
            "INSERT OR IGNORE INTO novelty_watch(person_key, added_at) VALUES (?,?)",
            (person_key, now),
        )


def unwatch(store: Store, person_key: str) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM novelty_watch WHERE person_key = ?", (person_key,))


def watched(store: Store) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT person_key FROM novelty_watch")}


# -- disruption --------------------------------------------------------------------------
@dataclass(frozen=True)
class DisruptionRow:
    paper_id: str
    cd_nok: float | None
    n_i: int
    n_j: int
    excluded: int
    note: str | None
    computed_at: str


def save_disruption(store: Store, rows: Iterable[DisruptionRow]) -> None:
    with store.transaction() as tx:
        tx.executemany(
            """INSERT OR REPLACE INTO novelty_disruption(paper_id, cd_nok, n_i, n_j, excluded,
                   note, computed_at) VALUES (?,?,?,?,?,?,?)""",
            [(r.paper_id, r.cd_nok, r.n_i, r.n_j, r.excluded, r.note, r.computed_at) for r in rows],
        )


def any_disruption(store: Store, paper_ids: Iterable[str]) -> bool:
    """Whether a CD_nok value is stored for any of these papers."""
    rows = select_in(
        store.conn,
        "SELECT 1 FROM novelty_disruption WHERE paper_id IN ({marks}) LIMIT 1",
        paper_ids,
    )
    return any(True for _ in rows)


def load_disruption(store: Store, paper_ids: Iterable[str]) -> dict[str, DisruptionRow]:
    ids = list(dict.fromkeys(paper_ids))
    found: dict[str, DisruptionRow] = {}
    for row in select_in(
        store.conn,
        """SELECT paper_id, cd_nok, n_i, n_j, excluded, note, computed_at
            FROM novelty_disruption WHERE paper_id IN ({marks})""",
        ids,
    ):
        found[row[0]] = DisruptionRow(*row)
    return found
