"""Helpers for the watch-list tests and the refresh benchmark.

Synthetic people in the API double, tracking them without a search, a refresh run
at a chosen time (the injectable ``Context.clock``), request-log queries, and a
bounded poll for the subprocess tests.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scholarcli.cache import tracking
from scholarcli.config import load_settings
from scholarcli.profile import sync
from scholarcli.tracking import refresh, watchlist

FIRST_ID = 7000


def add_people(double: Any, count: int, *, papers: Callable[[int], int] | None = None) -> list[str]:
    """``count`` synthetic authors with 5-9 papers each (by default); their S2 ids."""
    ids = []
    for index in range(count):
        author_id = str(FIRST_ID + index)
        n_papers = papers(index) if papers else 5 + index % 5
        double.populate_synthetic(author_id, f"Person {index:04d}", n_papers, seed=index)
        ids.append(author_id)
    return ids


def track_directly(ids: Sequence[str]) -> None:
    """Put people on the watch list through the tracking API (no S2 request).

    Keys are ``person 0000`` ... in id order, as ``scholar track --id`` would give them.
    """
    settings = load_settings()
    ctx = sync.Context.open(settings)
    try:
        for index, author_id in enumerate(ids):
            name = f"Person {index:04d}"
            tracking.save_person(
                ctx.store,
                tracking.TrackedPerson(
                    key=watchlist.person_key(name),
                    name=name,
                    label=None,
                    author_ids=[author_id],
                    added_at=ctx.now(),
                ),
            )
    finally:
        ctx.close()


def refresh_at(when: datetime, names: Sequence[str] = (), **options: Any) -> refresh.RunSummary:
    """One ``refresh.run`` whose clock reads ``when`` (snapshots a day apart, staleness)."""
    ctx = sync.Context.open(load_settings())
    ctx.clock = lambda: when.astimezone(UTC)
    try:
        return refresh.run(ctx, names, refresh.Options(as_of=when.date(), **options))
    finally:
        ctx.close()


def requests_by_route(double: Any) -> list[str]:
    """``METHOD path`` of every logged request, S2 paths without the /graph/v1 prefix."""
    return [f"{r.method} {r.path.removeprefix('/graph/v1')}" for r in double.requests]


def list_requests(double: Any) -> list[str]:
    """Author ids whose paper list was requested, in order."""
    return [r.path.split("/")[-2] for r in double.requests if r.path.endswith("/papers")]


def arxiv_ids_asked(double: Any) -> list[str]:
    return [
        ident
        for r in double.requests
        if r.source == "arxiv"
        for ident in r.query.get("id_list", [""])[0].split(",")
        if ident
    ]


def batch_ids(double: Any, path: str) -> list[list[str]]:
    """The ``ids`` of each POST to ``path`` (``/author/batch`` or ``/paper/batch``)."""
    return [json.loads(r.body)["ids"] for r in double.requests if r.path.endswith(path)]


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Poll ``predicate`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "cache.sqlite3")


def consistency_problems(home: Path) -> list[str]:
    """What a half-written person would leave behind; empty when the cache is sound."""
    conn = db(home)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [
            f"author {author_id}: {listed} papers listed, fetch says {total}"
            for author_id, total, listed in conn.execute(
                """SELECT f.author_id, f.paper_total,
                       (SELECT count(*) FROM author_papers a WHERE a.author_id = f.author_id)
                   FROM author_fetches f"""
            )
            if total != listed
        ]
        problems += [
            f"snapshot of {key} without a status"
            for (key,) in conn.execute(
                """SELECT DISTINCT s.person_key FROM person_snapshots s
                   JOIN tracked t ON t.person_key = s.person_key WHERE t.last_refresh IS NULL"""
            )
        ]
        return problems
    finally:
        conn.close()


def latest_numbers(home: Path) -> dict[str, tuple[int, int, int, str]]:
    """key -> (papers, citations, h_index, metrics JSON) of each person's latest snapshot."""
    conn = db(home)
    try:
        return {
            key: (papers, citations, h, metrics)
            for key, _, papers, citations, h, metrics in conn.execute(
                """SELECT person_key, max(taken_at), papers, citations, h_index, metrics
                   FROM person_snapshots GROUP BY person_key"""
            )
        }
    finally:
        conn.close()
