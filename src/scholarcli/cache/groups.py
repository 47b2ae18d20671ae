"""SQL for saved groups (``scholar group --save L``; table ``saved_groups``, migration 9).

A group is stored under its label with each member's name and the S2 ids pinned when
it was saved, so ``scholar group --label L`` shows the same people later even if a
search would now rank someone else first. It must not resolve or fetch anything.
"""

from __future__ import annotations

import json
from typing import Any

from scholarcli.cache.store import Store, _dumps


def save(store: Store, label: str, members: list[dict[str, Any]], at: str) -> None:
    with store.transaction() as tx:
        tx.execute(
            """INSERT INTO saved_groups(label, members, saved_at) VALUES (?,?,?)
               ON CONFLICT(label) DO UPDATE SET members = excluded.members,
                   saved_at = excluded.saved_at""",
            (label, _dumps(members), at),
        )


def load(store: Store, label: str) -> list[dict[str, Any]] | None:
    row = store.conn.execute(
        "SELECT members FROM saved_groups WHERE label = ?", (label,)
    ).fetchone()
    if row is None:
        return None
    members: list[dict[str, Any]] = json.loads(row[0])
    return members


def labels(store: Store) -> list[str]:
    return [row[0] for row in store.conn.execute("SELECT label FROM saved_groups ORDER BY label")]
