"""Applying S2 dataset diffs (datasets/schema.py ``build_sql``) on DuckDB.

A diff applies its updates, then its deletes: a key deleted in the same diff that
updated it is gone, a key deleted by an older input than its latest update stays.
"""

from __future__ import annotations

import pytest

from scholarcli.datasets.schema import COLUMNS, build_sql

duckdb = pytest.importorskip("duckdb")


def test_a_delete_wins_over_an_update_of_the_same_diff_only() -> None:
    con = duckdb.connect()
    cols = ", ".join(
        f"{c} {'BIGINT' if c in ('corpusid', 'year') else 'VARCHAR'}"
        for c in COLUMNS["papers"]
        if c not in ("citationcount", "influentialcitationcount")
    )
    con.execute(
        f"CREATE TABLE staged (src INTEGER, {cols}, citationcount BIGINT, "
        "influentialcitationcount BIGINT)"
    )
    rows = [
        (0, 1, "base then deleted by diff 1"),
        (1, 1, "updated by diff 1, which also deletes it"),
        (0, 2, "base, deleted by diff 1, updated again by diff 2"),
        (2, 2, "updated by diff 2"),
        (0, 3, "base, never touched"),
    ]
    for src, key, title in rows:
        con.execute("INSERT INTO staged (src, corpusid, title) VALUES (?, ?, ?)", [src, key, title])
    con.execute("CREATE TABLE deletes (src INTEGER, key BIGINT)")
    con.execute("INSERT INTO deletes VALUES (1, 1), (1, 2)")
    result = con.execute(
        f"SELECT corpusid, title FROM ({build_sql('papers', True)}) ORDER BY corpusid"
    ).fetchall()
    assert result == [(2, "updated by diff 2"), (3, "base, never touched")]
