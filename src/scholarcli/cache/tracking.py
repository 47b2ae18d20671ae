"""SQL for the watch list, dated snapshots and refresh runs (the tables of migration 2).

Typed reads and writes for ``refresh``: who is tracked and under which key, each
person's snapshot series, the last citation count stored per paper, the counts S2 gave
when an id was last made current (``refresh_counts``) and the ``refresh_runs`` table.
Everything one person's refresh writes after the fetch (counts from ``/paper/batch``,
their snapshot, the paper snapshots, their status) goes through :func:`commit_person`,
one transaction, so a killed run leaves a person either refreshed or as they were.

It must not fetch anything, compute metrics or decide what to refresh.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scholarcli.cache import digest
from scholarcli.cache.store import Store, _dumps, select_in
from scholarcli.models import Author


@dataclass
class TrackedPerson:
    """A row of the watch list: the key it is stored under and the pinned S2 ids."""

    key: str
    name: str
    label: str | None
    author_ids: list[str]
    added_at: str
    last_refresh: str | None = None
    last_status: str | None = None

    @property
    def display(self) -> str:
        return self.label or self.name


@dataclass
class PersonSnapshot:
    """One point of a person's series: the numbers of one refresh."""

    taken_at: str
    papers: int
    citations: int
    h_index: int
    metrics: dict[str, Any] = field(default_factory=dict)
    checked_at: str | None = None  # the last run that found these numbers unchanged


@dataclass
class PersonCommit:
    """Everything one person's refresh writes after the fetch, as one unit."""

    key: str
    taken_at: str
    snapshot: PersonSnapshot
    paper_citations: Mapping[str, int]  # every paper of the person, its count now
    count_updates: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    authors: Sequence[Author] = ()  # ids whose counts /paper/batch made current


# -- the watch list ----------------------------------------------------------------
def _person(row: sqlite3.Row | tuple[Any, ...]) -> TrackedPerson:
    return TrackedPerson(
        key=row[0],
        name=row[1],
        label=row[2],
        author_ids=json.loads(row[3]),
        added_at=row[4],
        last_refresh=row[5],
        last_status=row[6],
    )


_PERSON_COLUMNS = "person_key, name, label, author_ids, added_at, last_refresh, last_status"


def list_people(store: Store) -> list[TrackedPerson]:
    """The watch list in key order (the order refreshes process people)."""
    rows = store.conn.execute(
        f"SELECT {_PERSON_COLUMNS} FROM tracked ORDER BY person_key"  # noqa: S608
    )
    return [_person(row) for row in rows]


def get_person(store: Store, key: str) -> TrackedPerson | None:
    row = store.conn.execute(
        f"SELECT {_PERSON_COLUMNS} FROM tracked WHERE person_key = ?",  # noqa: S608
        (key,),
    ).fetchone()
    return _person(row) if row else None


def save_person(
    store: Store, person: TrackedPerson, *, old_key: str | None = None, now: str | None = None
) -> None:
    """Insert or update ``person``; with ``old_key``, move that person (and history) first.

    When the person's ids change, their ``refresh_counts.seen_at`` moves to ``now`` (the
    person's time if not given), so the next refresh recomputes them (``inputs_changed``).
    """
    with store.transaction() as tx:
        row = tx.execute(
            "SELECT author_ids FROM tracked WHERE person_key = ?", (old_key or person.key,)
        ).fetchone()
        if row is not None and json.loads(row[0]) != person.author_ids:
            tx.executemany(
                "UPDATE refresh_counts SET seen_at = max(seen_at, ?) WHERE author_id = ?",
                [(now or person.added_at, i) for i in person.author_ids],
            )
        if old_key is not None and old_key != person.key:
            tx.execute(
                "UPDATE tracked SET person_key = ? WHERE person_key = ?", (person.key, old_key)
            )
            tx.execute(
                "UPDATE person_snapshots SET person_key = ? WHERE person_key = ?",
                (person.key, old_key),
            )
        tx.execute(
            """INSERT INTO tracked(person_key, name, label, author_ids, added_at)
               VALUES (?,?,?,?,?)
               ON CONFLICT(person_key) DO UPDATE SET name = excluded.name,
                   label = excluded.label, author_ids = excluded.author_ids""",
            (person.key, person.name, person.label, _dumps(person.author_ids), person.added_at),
        )


def delete_person(store: Store, key: str) -> None:
    """Take a person off the watch list; their snapshots stay (history is not refetchable)."""
    with store.transaction() as tx:
        tx.execute("DELETE FROM tracked WHERE person_key = ?", (key,))


def record_failure(store: Store, key: str, reason: str, at: str) -> None:
    """A person's refresh failed: their status and health (consecutive failures) say so."""
    with store.transaction() as tx:
        tx.execute(
            "UPDATE tracked SET last_status = ? WHERE person_key = ?", (f"failed: {reason}", key)
        )
        digest.record_failure(tx, key, at, reason)


# -- reads for planning --------------------------------------------------------------
def author_paper_ids(store: Store, author_ids: Sequence[str]) -> dict[str, list[str]]:
    """The cached paper list of each author id (ids only, cheap)."""
    result: dict[str, list[str]] = {i: [] for i in author_ids}
    for author_id, paper_id in select_in(
        store.conn,
        """SELECT author_id, paper_id FROM author_papers
            WHERE author_id IN ({marks}) ORDER BY author_id, rank""",
        author_ids,
    ):
        result[author_id].append(paper_id)
    return result


def arxiv_ids(store: Store, author_ids: Sequence[str], *, unanswered: bool = False) -> list[str]:
    """The distinct arXiv ids (as S2 gave them) of the authors' cached papers.

    With ``unanswered``, only those that are not, as written, a key of ``arxiv_entries``.
    That loses nothing to ask about: entries are keyed by the normalised id, so an id
    found there is already normalised and answered; the others are normalised and
    checked by the caller (``sync.enrich_arxiv``).
    """
    found: dict[str, None] = {}
    unanswered_only = (
        " AND NOT EXISTS (SELECT 1 FROM arxiv_entries a WHERE a.arxiv_id = p.arxiv_id)"
        if unanswered
        else ""
    )
    for (arxiv_id,) in select_in(
        store.conn,
        """SELECT DISTINCT p.arxiv_id FROM author_papers ap
            JOIN papers p ON p.paper_id = ap.paper_id
            WHERE ap.author_id IN ({marks}) AND p.arxiv_id IS NOT NULL"""  # noqa: S608
        + unanswered_only,
        author_ids,
    ):
        found[arxiv_id] = None
    return list(found)


def fetch_times(store: Store, author_ids: Sequence[str]) -> dict[str, str]:
    """When each id's whole list was last fetched (``author_fetches``); absent if never."""
    return dict(
        select_in(
            store.conn,
            "SELECT author_id, fetched_at FROM author_fetches WHERE author_id IN ({marks})",
            author_ids,
        )
    )


def load_counts(store: Store, author_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(paperCount, citationCount) S2 gave when a refresh last made each id current."""
    result: dict[str, tuple[int, int]] = {}
    for author_id, papers, citations in select_in(
        store.conn,
        """SELECT author_id, paper_count, citation_count FROM refresh_counts
            WHERE author_id IN ({marks})""",
        author_ids,
    ):
        result[author_id] = (papers, citations)
    return result


def inputs_changed(store: Store, author_ids: Sequence[str]) -> dict[str, str]:
    """Per id, when anything its metrics are computed from was last written.

    That is the latest of: its list's fetch (``author_fetches``), its counts or rules
    (``refresh_counts.seen_at``, which curation and ``track`` move forward), its curation
    rules' creation, and the fetch of any of its papers or of their arXiv entries. Ids
    with nothing cached are absent. One pass of SQL; no JSON is decoded.
    """
    result: dict[str, str] = {}

    def later(author_id: str, when: str | None) -> None:
        if when is not None and when > result.get(author_id, ""):
            result[author_id] = when

    queries = (
        "SELECT author_id, fetched_at FROM author_fetches WHERE author_id IN ({marks})",
        "SELECT author_id, seen_at FROM refresh_counts WHERE author_id IN ({marks})",
        """SELECT author_id, max(created_at) FROM curation
            WHERE author_id IN ({marks}) GROUP BY author_id""",
        """SELECT ap.author_id, max(max(p.fetched_at), coalesce(max(a.fetched_at), ''))
            FROM author_papers ap JOIN papers p ON p.paper_id = ap.paper_id
            LEFT JOIN arxiv_entries a ON a.arxiv_id = p.arxiv_id
            WHERE ap.author_id IN ({marks}) GROUP BY ap.author_id""",
    )
    for sql in queries:
        for author_id, when in select_in(store.conn, sql, author_ids):
            later(author_id, when)
    return result


def confirm_snapshots(store: Store, confirmed: Mapping[str, PersonSnapshot], run_at: str) -> None:
    """Record that a run found these people's latest snapshots still current.

    What :func:`commit_person` writes for a person whose numbers did not change (the
    latest point's ``checked_at``, the person's status), for many people in one unit.
    """
    with store.transaction() as tx:
        tx.executemany(
            "UPDATE person_snapshots SET checked_at = ? WHERE person_key = ? AND taken_at = ?",
            [
                (max(run_at, snap.checked_at or ""), key, snap.taken_at)
                for key, snap in confirmed.items()
            ],
        )
        tx.executemany(
            "UPDATE tracked SET last_refresh = ?, last_status = 'ok' WHERE person_key = ?",
            [(run_at, key) for key in confirmed],
        )
        for key in confirmed:  # a success all the same: a failing streak ends here
            digest.record_success(tx, key, run_at)


def _save_counts(tx: sqlite3.Connection, authors: Iterable[Author], seen_at: str) -> None:
    tx.executemany(
        """INSERT OR REPLACE INTO refresh_counts(author_id, paper_count, citation_count,
               seen_at) VALUES (?,?,?,?)""",
        [(a.author_id, a.paper_count, a.citation_count, seen_at) for a in authors],
    )


def save_counts(store: Store, authors: Iterable[Author], seen_at: str) -> None:
    """Record that these ids' cached papers match the counts S2 gave (a list was read)."""
    with store.transaction() as tx:
        _save_counts(tx, authors, seen_at)


# -- snapshots -----------------------------------------------------------------------
def last_paper_citations(store: Store, paper_ids: Sequence[str]) -> dict[str, int]:
    """The count stored in each paper's latest snapshot (papers never snapshotted: absent)."""
    result: dict[str, int] = {}
    # SQLite takes the bare column ``citations`` from the row holding max(taken_at).
    for paper_id, citations, _ in select_in(
        store.conn,
        """SELECT paper_id, citations, max(taken_at) FROM paper_snapshots
            WHERE paper_id IN ({marks}) GROUP BY paper_id""",
        paper_ids,
    ):
        result[paper_id] = citations
    return result


def commit_person(store: Store, commit: PersonCommit) -> None:
    """Write one person's refresh: counts, author rows, snapshots and status, atomically."""
    snap = commit.snapshot
    with store.transaction() as tx:
        previous = last_paper_citations(store, list(commit.paper_citations))
        tx.executemany(
            "UPDATE papers SET citations = ?, influential_citations = ? WHERE paper_id = ?",
            [(c, i, paper_id) for paper_id, (c, i) in commit.count_updates.items()],
        )
        tx.executemany(
            """UPDATE authors SET name = ?, paper_count = ?, citation_count = ?, raw = ?
               WHERE author_id = ?""",
            [
                (a.name, a.paper_count, a.citation_count, _dumps(a.raw), a.author_id)
                for a in commit.authors
            ],
        )
        _save_counts(tx, commit.authors, commit.taken_at)
        _store_snapshot(tx, commit.key, snap)
        tx.executemany(
            "INSERT OR REPLACE INTO paper_snapshots(paper_id, taken_at, citations) VALUES (?,?,?)",
            [
                (paper_id, commit.taken_at, count)
                for paper_id, count in commit.paper_citations.items()
                if previous.get(paper_id) != count
            ],
        )
        tx.execute(
            "UPDATE tracked SET last_refresh = ?, last_status = 'ok' WHERE person_key = ?",
            (commit.taken_at, commit.key),
        )
        digest.update_membership(tx, commit.key, commit.paper_citations, commit.taken_at)
        digest.record_success(tx, commit.key, commit.taken_at)


def _numbers(snapshot: PersonSnapshot) -> tuple[Any, ...]:
    """What a snapshot says, without the date it was computed for."""
    metrics = {k: v for k, v in snapshot.metrics.items() if k != "as_of"}
    return snapshot.papers, snapshot.citations, snapshot.h_index, _dumps(metrics)


def _later(previous: str, wanted: str) -> str:
    """``wanted``, or just after ``previous`` when a run in the same second came first.

    Snapshots are keyed by time to the second; two runs within one second that found
    different numbers each keep their point (the later one a microsecond on).
    """
    if wanted > previous or wanted[:19] != previous[:19]:
        return wanted
    return (datetime.fromisoformat(previous) + timedelta(microseconds=1)).isoformat(
        timespec="microseconds"
    )


def _store_snapshot(tx: sqlite3.Connection, key: str, snap: PersonSnapshot) -> None:
    """A new point only when the numbers changed; else the last point is re-confirmed.

    So the series is a step function that reads back, on every date, exactly what the
    run of that date computed (metrics depend on the as-of year, so a new year that
    moves them is a change), and an unchanged person costs no row per run.
    """
    row = tx.execute(
        f"""SELECT {_SNAPSHOT_COLUMNS} FROM person_snapshots WHERE person_key = ?
            ORDER BY taken_at DESC LIMIT 1""",  # noqa: S608
        (key,),
    ).fetchone()
    latest = _snapshot(row) if row else None
    if latest is not None and _numbers(latest) == _numbers(snap):
        tx.execute(
            "UPDATE person_snapshots SET checked_at = ? WHERE person_key = ? AND taken_at = ?",
            (max(snap.taken_at, latest.checked_at or ""), key, latest.taken_at),
        )
        return
    taken_at = _later(latest.taken_at, snap.taken_at) if latest else snap.taken_at
    tx.execute(
        """INSERT INTO person_snapshots(person_key, taken_at, papers, citations, h_index,
               metrics, checked_at) VALUES (?,?,?,?,?,?,?)""",
        (key, taken_at, snap.papers, snap.citations, snap.h_index, _dumps(snap.metrics), None),
    )


_SNAPSHOT_COLUMNS = "taken_at, papers, citations, h_index, metrics, checked_at"


def _snapshot(row: tuple[Any, ...]) -> PersonSnapshot:
    return PersonSnapshot(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5])


def person_history(store: Store, key: str) -> list[PersonSnapshot]:
    rows = store.conn.execute(
        f"""SELECT {_SNAPSHOT_COLUMNS} FROM person_snapshots
           WHERE person_key = ? ORDER BY taken_at""",  # noqa: S608
        (key,),
    )
    return [_snapshot(row) for row in rows]


def latest_snapshots(store: Store) -> dict[str, PersonSnapshot]:
    """Each person's newest snapshot, by key."""
    rows = store.conn.execute(
        """SELECT person_key, max(taken_at), papers, citations, h_index, metrics, checked_at
           FROM person_snapshots GROUP BY person_key"""
    )
    return {row[0]: _snapshot(row[1:]) for row in rows}


def has_history(store: Store, key: str) -> bool:
    row = store.conn.execute(
        "SELECT 1 FROM person_snapshots WHERE person_key = ? LIMIT 1", (key,)
    ).fetchone()
    return row is not None


def paper_history(store: Store, paper_id: str) -> list[tuple[str, int]]:
    """(taken_at, citations) of a paper: its first count and every change after."""
    rows = store.conn.execute(
        "SELECT taken_at, citations FROM paper_snapshots WHERE paper_id = ? ORDER BY taken_at",
        (paper_id,),
    )
    return [(row[0], row[1]) for row in rows]


# -- refresh runs ----------------------------------------------------------------------
def start_run(store: Store, started_at: str) -> int:
    with store.transaction() as tx:
        cursor = tx.execute(
            "INSERT INTO refresh_runs(started_at, status) VALUES (?, 'running')", (started_at,)
        )
    return int(cursor.lastrowid or 0)


def finish_run(
    store: Store, run_id: int, finished_at: str, status: str, summary: Mapping[str, Any]
) -> None:
    with store.transaction() as tx:
        tx.execute(
            "UPDATE refresh_runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?",
            (finished_at, status, _dumps(summary), run_id),
        )
