"""SQL for digests and cron health (the tables of migration 9).

``person_papers`` records which papers each tracked person had and when: a refresh
adds the papers it finds (``first_seen``), marks those it no longer finds (``left_at``)
and clears the mark when one comes back. The papers found by a person's first recorded
refresh are the ``baseline``: a digest never reports them as new. ``known_citers`` holds
the citing papers a digest has already seen, so the next one stops at the first known
citer. ``person_health`` keeps each person's last success, last failure, error and
consecutive failures; ``digest_marks`` when each person was last digested.

Membership and health are written inside the refresh's own per-person transaction
(``cache.tracking.commit_person`` and ``record_failure``), so they never disagree with
the snapshots. It must not fetch anything or decide what a digest says.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scholarcli.cache.store import Store, select_in


@dataclass(frozen=True)
class Health:
    """How a tracked person's refreshes have gone."""

    person_key: str
    last_success: str | None
    last_failure: str | None
    consecutive_failures: int
    last_error: str | None


@dataclass(frozen=True)
class Membership:
    """One paper of a tracked person: when a refresh first found it, and when it left."""

    paper_id: str
    first_seen: str
    left_at: str | None
    baseline: bool


# -- written by a refresh, inside its per-person transaction ---------------------------
def update_membership(
    tx: sqlite3.Connection, key: str, paper_ids: Iterable[str], taken_at: str
) -> None:
    """Record the person's papers as of this refresh (call inside a transaction)."""
    now = set(paper_ids)
    rows = tx.execute(
        "SELECT paper_id, left_at FROM person_papers WHERE person_key = ?", (key,)
    ).fetchall()
    baseline = not rows
    known = {paper_id: left_at for paper_id, left_at in rows}
    tx.executemany(
        """INSERT INTO person_papers(person_key, paper_id, first_seen, baseline)
           VALUES (?,?,?,?)""",
        [(key, pid, taken_at, int(baseline)) for pid in sorted(now - known.keys())],
    )
    tx.executemany(  # came back: it was only away
        "UPDATE person_papers SET left_at = NULL WHERE person_key = ? AND paper_id = ?",
        [(key, pid) for pid in sorted(now & known.keys()) if known[pid] is not None],
    )
    tx.executemany(
        "UPDATE person_papers SET left_at = ? WHERE person_key = ? AND paper_id = ?",
        [(taken_at, key, p) for p, gone in sorted(known.items()) if p not in now and not gone],
    )


def record_success(tx: sqlite3.Connection, key: str, at: str) -> None:
    tx.execute(
        """INSERT INTO person_health(person_key, last_success, consecutive_failures)
           VALUES (?, ?, 0)
           ON CONFLICT(person_key) DO UPDATE SET last_success = excluded.last_success,
               consecutive_failures = 0, last_error = NULL""",
        (key, at),
    )


def record_failure(tx: sqlite3.Connection, key: str, at: str, error: str) -> None:
    tx.execute(
        """INSERT INTO person_health(person_key, last_failure, consecutive_failures,
               last_error) VALUES (?, ?, 1, ?)
           ON CONFLICT(person_key) DO UPDATE SET last_failure = excluded.last_failure,
               consecutive_failures = person_health.consecutive_failures + 1,
               last_error = excluded.last_error""",
        (key, at, error),
    )


# -- reads -----------------------------------------------------------------------------
def health(store: Store) -> dict[str, Health]:
    rows = store.conn.execute(
        """SELECT person_key, last_success, last_failure, consecutive_failures, last_error
           FROM person_health"""
    )
    return {row[0]: Health(*row) for row in rows}


def membership(store: Store, key: str) -> list[Membership]:
    rows = store.conn.execute(
        """SELECT paper_id, first_seen, left_at, baseline FROM person_papers
           WHERE person_key = ? ORDER BY paper_id""",
        (key,),
    )
    return [Membership(row[0], row[1], row[2], bool(row[3])) for row in rows]


def counts_at(store: Store, paper_ids: Sequence[str], when: str | None) -> dict[str, int]:
    """Each paper's citation count as last stored at or before ``when``.

    With ``when`` None, or for a paper first stored after it, the earliest stored count:
    the first figure we know (a digest then reports the gain since tracking began).
    """
    result: dict[str, int] = {}
    # Per paper oldest first (a paper's rows all come in its chunk): the first row, then
    # every row at or before ``when``, so the last one written is the wanted count.
    for paper_id, citations, taken_at in select_in(
        store.conn,
        """SELECT paper_id, citations, taken_at FROM paper_snapshots
           WHERE paper_id IN ({marks}) ORDER BY paper_id, taken_at""",
        paper_ids,
    ):
        first = paper_id not in result
        if first or (when is not None and taken_at <= when):
            result[paper_id] = citations
    return result


def latest_counts(store: Store, paper_ids: Sequence[str]) -> dict[str, int]:
    rows = select_in(
        store.conn,
        """SELECT paper_id, citations FROM paper_snapshots
           WHERE paper_id IN ({marks}) ORDER BY paper_id, taken_at""",
        paper_ids,
    )
    return dict(rows)  # the last row per paper is its latest count


def known_citers(store: Store, paper_ids: Sequence[str]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for paper_id, citing_id in select_in(
        store.conn,
        "SELECT paper_id, citing_id FROM known_citers WHERE paper_id IN ({marks})",
        paper_ids,
    ):
        result.setdefault(paper_id, set()).add(citing_id)
    return result


def save_citers(store: Store, citers: Mapping[str, Sequence[str]], at: str) -> None:
    """Remember the citing papers a digest has seen (one transaction for all)."""
    with store.transaction() as tx:
        tx.executemany(
            "INSERT OR IGNORE INTO known_citers(paper_id, citing_id, seen_at) VALUES (?,?,?)",
            [(pid, cid, at) for pid, ids in citers.items() for cid in ids],
        )


def marks(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT person_key, digested_at FROM digest_marks"))


def set_marks(store: Store, marks: Mapping[str, str]) -> None:
    """Each person's new mark (the time of the data last digested), in one transaction."""
    with store.transaction() as tx:
        tx.executemany(
            """INSERT INTO digest_marks(person_key, digested_at) VALUES (?,?)
               ON CONFLICT(person_key) DO UPDATE SET digested_at = excluded.digested_at""",
            sorted(marks.items()),
        )


@dataclass(frozen=True)
class PaperFacts:
    """What a digest line names of a paper: title, venue and date."""

    title: str
    venue: str
    date: str | None
    year: int | None


def paper_facts(store: Store, paper_ids: Sequence[str]) -> dict[str, PaperFacts]:
    rows = select_in(
        store.conn,
        """SELECT paper_id, title, venue, publication_date, year FROM papers
           WHERE paper_id IN ({marks})""",
        paper_ids,
    )
    return {
        paper_id: PaperFacts(title, venue or "", date, year)
        for paper_id, title, venue, date, year in rows
    }
