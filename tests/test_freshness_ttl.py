"""Freshness on a record aged past its TTL, not only with TTL 0.

The cached paper list is aged by rewriting when it was fetched; then a profile with
``--max-age 7d`` must fetch it again when it is 8 days old and not when it is 6 days
old. (The clock itself is the wall clock here: the record moves, not time.)
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cli import app
from scholarcli.config import load_settings


def age_list(days: float) -> None:
    when = (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()
    conn = sqlite3.connect(load_settings().db_path)
    try:
        with conn:
            conn.execute("UPDATE author_fetches SET fetched_at = ?", (when,))
            conn.execute("UPDATE authors SET fetched_at = ?", (when,))
    finally:
        conn.close()


@pytest.mark.parametrize(("days", "refetched"), [(8, True), (6, False)])
def test_a_list_older_than_max_age_is_fetched_again(
    seeded: Any, runner: CliRunner, days: float, refetched: bool
) -> None:
    args = ["author", "--id", seed.AUTHOR_ID, "--max-age", "7d", "-f", "json"]
    assert runner.invoke(app, args).exit_code == 0
    age_list(days)
    seeded.reset_log()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    lists = seeded.count("s2", f"/author/{seed.AUTHOR_ID}/papers")
    assert (lists > 0) is refetched
