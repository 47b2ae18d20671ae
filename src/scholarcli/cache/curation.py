"""SQL for curation rules (the ``curation`` table of migration 4).

A rule belongs to one Semantic Scholar author id: ``exclude`` REF (the paper does not
count) or ``merge`` REF into TARGET (two records of one paper count as TARGET). A rule
is undone by deleting its row; ``rule_id`` orders rules, so the newest can be undone
first. REF and TARGET are stored as ``profile.curation.normalise_ref`` writes them.

It must not decide which paper a reference names or apply rules: that is
``profile.curation``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scholarcli.cache.store import Store, select_in


@dataclass(frozen=True)
class Rule:
    rule_id: int
    author_id: str
    action: str  # exclude | merge
    ref: str
    target: str | None
    created_at: str


def rules_for(store: Store, author_ids: Sequence[str]) -> list[Rule]:
    """Every rule of these ids, oldest first."""
    rows = select_in(
        store.conn,
        """SELECT rule_id, author_id, action, ref, target, created_at FROM curation
            WHERE author_id IN ({marks})""",
        author_ids,
    )
    return sorted((Rule(*row) for row in rows), key=lambda rule: rule.rule_id)


def add_rules(store: Store, rules: Sequence[tuple[str, str, str, str | None]], now: str) -> None:
    """Add (author_id, action, ref, target) rules in one unit of work."""
    with store.transaction() as tx:
        tx.executemany(
            """INSERT INTO curation(author_id, action, ref, target, created_at)
               VALUES (?,?,?,?,?)""",
            [(*rule, now) for rule in rules],
        )
        _mark_changed(tx, {rule[0] for rule in rules}, now)


def delete_rules(store: Store, rule_ids: Sequence[int], now: str) -> None:
    """Delete rules; their ids' next refresh recomputes the person (``_mark_changed``)."""
    with store.transaction() as tx:
        owners = {
            row[0]
            for i in rule_ids
            for row in tx.execute("SELECT author_id FROM curation WHERE rule_id = ?", (i,))
        }
        tx.executemany("DELETE FROM curation WHERE rule_id = ?", [(i,) for i in rule_ids])
        _mark_changed(tx, owners, now)


def _mark_changed(tx: sqlite3.Connection, author_ids: Iterable[str], now: str) -> None:
    """Move the ids' ``refresh_counts.seen_at`` to ``now``: their rules changed.

    A refresh recomputes a tracked person only when something their metrics depend on
    was written after their latest snapshot was computed (docs/tracking.md, "What a
    refresh recomputes"); a deleted rule leaves no row of its own, so it leaves this.
    """
    tx.executemany(
        "UPDATE refresh_counts SET seen_at = max(seen_at, ?) WHERE author_id = ?",
        [(now, author_id) for author_id in author_ids],
    )
