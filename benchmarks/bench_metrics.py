"""Benchmark of the metric engine: many people from the cache, and one big profile.

Three measurements, printed as markdown tables:

* **10,000 people x 100 papers from the cache.** A synthetic cache is written into a
  temporary SCHOLAR_HOME (schema from ``Store.open``, rows by direct SQL in one
  transaction, with the columns the store writes: 1,000,000 papers with heavy-tailed
  citations, years 1990-2025, 1-12 authors with the person at a random position, each
  in ``author_papers``). Timed in a fresh child process each, with its own peak RSS:
  reading every (person, paper) row into a DataFrame (citations, year, and the author
  count and position from the columns of migration 4; the person as a categorical) and
  ``metrics.metrics_frame`` on it; and, for comparison, the same with the count and
  position decoded from the authors JSON by SQLite (``json_array_length``,
  ``json_each``), as before migration 4. Also timed: migration 4's backfill on this
  cache.
* **The per-person Python loop**, ``metrics.author_metrics`` called once per person, on
  a subset of ``--subset`` people, against ``metrics_frame`` on the same subset; the
  loop's time for all people is extrapolated linearly. Both give the same numbers
  (checked).
* **One person with 2,600 papers**: ``Store.load_author_papers`` from the cache, then
  ``author_metrics`` and ``metrics_frame`` on those papers (median of ``--repeat``).

It needs no network and must not change product code. Run:
``python benchmarks/bench_metrics.py [--people 10000] [--papers 100] [--subset 500]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scholarcli.cache import migrations
from scholarcli.cache import people as people_cache
from scholarcli.cache.store import Store
from scholarcli.indicators import metrics
from scholarcli.indicators.metrics import METRIC_FIELDS, PaperStats

AS_OF_YEAR = 2026
FETCHED_AT = "2026-11-27T00:00:00+00:00"
BIG_PROFILE = 2_600

# One row per (person, paper), from the columns migration 4 added: papers.n_authors
# and author_papers.author_position, so nothing decodes the authors JSON.
FRAME_SQL = """
SELECT ap.author_id AS person, p.citations AS citations, p.year AS year,
       p.n_authors AS n_authors, ap.author_position AS author_position
FROM author_papers AS ap JOIN papers AS p ON p.paper_id = ap.paper_id
"""
# Before migration 4: the count and the position found in the authors JSON
# ([[id, name], ...]) by SQLite itself, for every read.
FRAME_SQL_JSON = """
SELECT ap.author_id AS person,
       p.citations AS citations,
       p.year AS year,
       json_array_length(p.authors) AS n_authors,
       (SELECT CAST(a.key AS INTEGER) + 1 FROM json_each(p.authors) AS a
         WHERE a.value ->> 0 = ap.author_id) AS author_position
FROM author_papers AS ap JOIN papers AS p ON p.paper_id = ap.paper_id
"""


def synthetic_rows(
    rng: np.random.Generator, person: str, first: int, count: int
) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, int]]]:
    """Papers (for INSERT INTO papers) and links (author_papers) of one person."""
    citations = np.minimum(np.floor(rng.pareto(1.2, count) * 4), 60_000).astype(int)
    years = rng.integers(1990, AS_OF_YEAR, count)
    authors = rng.integers(1, 13, count)
    positions = rng.integers(0, authors)
    papers, links = [], []
    for k in range(count):
        paper_id = f"{first + k:040x}"
        refs = [[f"c{(first + k) * 13 + j}", f"Coauthor {j}"] for j in range(authors[k])]
        refs[positions[k]] = [person, f"Person {person}"]
        papers.append(
            (
                paper_id,
                f"Paper {first + k}",
                int(years[k]),
                int(citations[k]),
                json.dumps(refs, separators=(",", ":")),
                int(authors[k]),
            )
        )
        links.append((person, paper_id, k, int(positions[k]) + 1))
    return papers, links


def build_cache(path: Path, people: int, papers: int, seed: int) -> Store:
    store = Store.open(path)
    rng = np.random.default_rng(seed)
    with store.transaction() as tx:
        for number in range(people):
            person = str(1_000_000 + number)
            rows, links = synthetic_rows(rng, person, number * papers, papers)
            tx.executemany(
                """INSERT INTO papers(paper_id, title, year, citations, influential_citations,
                       authors, n_authors, raw, fetched_at) VALUES (?,?,?,?,0,?,?,'{}',?)""",
                [(*row, FETCHED_AT) for row in rows],
            )
            tx.executemany(
                """INSERT INTO author_papers(author_id, paper_id, rank, author_position)
                   VALUES (?,?,?,?)""",
                links,
            )
            tx.execute(
                "INSERT INTO author_fetches(author_id, fetched_at, paper_total) VALUES (?,?,?)",
                (person, FETCHED_AT, papers),
            )
    return store


def read_frame(store: Store, sql: str = FRAME_SQL) -> pd.DataFrame:
    # from_records on the fetched tuples is about twice as fast as read_sql_query.
    cursor = store.conn.execute(sql)
    frame = pd.DataFrame.from_records(
        cursor.fetchall(), columns=[column[0] for column in cursor.description]
    )
    frame["person"] = frame["person"].astype("category")
    return frame


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def loop_metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """author_metrics once per person: the per-person Python loop."""
    rows = {}
    for person, group in frame.groupby("person", observed=True, sort=False):
        papers = [
            PaperStats(
                citations=int(c),
                year=None if pd.isna(y) else int(y),
                n_authors=None if pd.isna(a) else int(a),
                author_position=None if pd.isna(p) else int(p),
            )
            for c, y, a, p in zip(
                group["citations"],
                group["year"],
                group["n_authors"],
                group["author_position"],
                strict=True,
            )
        ]
        rows[person] = metrics.author_metrics(papers, AS_OF_YEAR)
    return pd.DataFrame.from_dict(rows, orient="index")


def check_same(vectorised: pd.DataFrame, looped: pd.DataFrame) -> None:
    for field in METRIC_FIELDS:
        left = vectorised[field].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        right = looped.loc[vectorised.index, field].to_numpy(dtype=float, na_value=np.nan)
        if not np.allclose(left, right, rtol=1e-9, atol=1e-9, equal_nan=True):
            raise SystemExit(f"metrics_frame and author_metrics disagree on {field}")


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    return statistics.median(timed(fn)[1] for _ in range(repeat))


def mb(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:,.0f}"


LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
      file=sys.stderr)
"""


def child(path: str, sql_name: str) -> None:
    """In a fresh process: open the cache, read the frame, compute; print the times."""
    start = time.perf_counter()
    store = Store.open(Path(path))
    frame, read_s = timed(lambda: read_frame(store, globals()[sql_name]))
    table, compute_s = timed(lambda: metrics.metrics_frame(frame, AS_OF_YEAR))
    assert list(table.columns) == list(METRIC_FIELDS)
    total = time.perf_counter() - start
    print(json.dumps({"read_s": read_s, "compute_s": compute_s, "total_s": total}))


def in_child(path: Path, sql_name: str) -> dict[str, float]:
    """``child`` in its own process, with that process's peak RSS (``os.wait4``).

    A ``python -S`` launcher forks it, so its high-water mark does not start from this
    process's memory (on Linux a fork inherits it).
    """
    command = [sys.executable, __file__, "--child", str(path), sql_name]
    done = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, *command],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu, rss_kib, status = done.stderr.split()[-3:]
    if int(status) != 0:
        raise SystemExit(f"child failed: {done.stderr}")
    return {**json.loads(done.stdout), "rss": int(rss_kib) * 1024, "cpu_s": float(cpu)}


def backfill(store: Store) -> float:
    """Seconds migration 4's backfill takes on this cache (run again, then rolled back)."""
    statements = [
        s
        for s in migrations.split_statements(migrations.MIGRATIONS[3].sql)
        if s.startswith("UPDATE")
    ]
    start = time.perf_counter()
    store.conn.execute("BEGIN IMMEDIATE")
    for statement in statements:
        store.conn.execute(statement)
    seconds = time.perf_counter() - start
    store.conn.execute("ROLLBACK")
    return seconds


def measure_many(args: argparse.Namespace) -> dict[str, Any]:
    """The 10,000-people measurements (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as home:
        os.environ["SCHOLAR_HOME"] = home
        print(f"writing {args.people:,} x {args.papers} papers ...", file=sys.stderr)
        path = Path(home) / "cache.sqlite3"
        store, write_s = timed(lambda: build_cache(path, args.people, args.papers, args.seed))
        print("reading in child processes ...", file=sys.stderr)
        columns = in_child(path, "FRAME_SQL")
        from_json = in_child(path, "FRAME_SQL_JSON")
        print("timing the backfill of migration 4 ...", file=sys.stderr)
        backfill_s = backfill(store)
        print("looping over a subset ...", file=sys.stderr)
        frame = read_frame(store)
        chosen = frame["person"].cat.categories[: args.subset]
        subset = frame[frame["person"].isin(chosen)].copy()
        subset["person"] = subset["person"].cat.remove_unused_categories()
        looped, loop_s = timed(lambda: loop_metrics(subset))
        vectorised, vectorised_s = timed(lambda: metrics.metrics_frame(subset, AS_OF_YEAR))
        check_same(vectorised, looped)
        check_same(metrics.metrics_frame(frame, AS_OF_YEAR).loc[chosen], vectorised)
        store.close()
        return {
            "size": path.stat().st_size if path.exists() else 0,
            "write_s": write_s,
            "columns": columns,
            "json": from_json,
            "backfill_s": backfill_s,
            "compute_s": columns["compute_s"],
            "subset": len(chosen),
            "loop_s": loop_s,
            "vectorised_s": vectorised_s,
        }


def measure_one(args: argparse.Namespace) -> dict[str, float]:
    """One person with BIG_PROFILE papers: load from the cache, then both code paths."""
    with tempfile.TemporaryDirectory(prefix="bench-metrics-big-") as home:
        store = build_cache(Path(home) / "cache.sqlite3", 1, BIG_PROFILE, args.seed)
        load_s = median_time(lambda: people_cache.load_author_papers(store, "1000000"), args.repeat)
        big = read_frame(store)
        store.close()
    columns = big[["citations", "year", "n_authors", "author_position"]].to_numpy()
    stats = [PaperStats(int(c), int(y), int(a), int(p)) for c, y, a, p in columns]
    check_same(metrics.metrics_frame(big, AS_OF_YEAR), loop_metrics(big))
    return {
        "load_s": load_s,
        "author_metrics_s": median_time(
            lambda: metrics.author_metrics(stats, AS_OF_YEAR), args.repeat
        ),
        "metrics_frame_s": median_time(lambda: metrics.metrics_frame(big, AS_OF_YEAR), args.repeat),
    }


def report(args: argparse.Namespace, many: dict[str, Any], one: dict[str, float]) -> None:
    rows = args.people * args.papers
    loop_all_s = many["loop_s"] / many["subset"] * args.people
    per_person = 1000 / many["subset"]

    def line(label: str, run: dict[str, float]) -> str:
        return (
            f"| {label} | {run['read_s']:.2f} | {run['compute_s']:.2f} "
            f"| {run['read_s'] + run['compute_s']:.2f} | {run['total_s']:.2f} "
            f"| {run['cpu_s']:.2f} | {mb(run['rss'])} |"
        )

    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}, SQLite {sqlite_version()}.",
        f"Cache: {args.people:,} people x {args.papers} papers = {rows:,} rows, "
        f"{mb(many['size'])} MB, written in {many['write_s']:.1f} s (not timed below). "
        f"Load average at the end: {os.getloadavg()[0]:.1f}.",
        "",
        "Each row is a fresh process (`Store.open`, read every (person, paper) row into a "
        "DataFrame, `metrics_frame`); peak RSS is that process's own.",
        "",
        "| read | read s | `metrics_frame` s | read + metrics s | from `Store.open` s "
        "| process CPU s (imports included) | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
        line("columns `n_authors`, `author_position` (migration 4)", many["columns"]),
        line("before: count and position decoded from the authors JSON", many["json"]),
        "",
        f"Migration 4's backfill of those columns on this cache: {many['backfill_s']:.1f} s, "
        "once, when an existing cache is first opened by this version.",
        "",
        f"| {many['subset']} people | seconds | ms per person |",
        "|---|---:|---:|",
        f"| `author_metrics` once per person (Python loop) | {many['loop_s']:.2f} "
        f"| {many['loop_s'] * per_person:.2f} |",
        f"| `metrics_frame` (vectorised) | {many['vectorised_s']:.3f} "
        f"| {many['vectorised_s'] * per_person:.3f} |",
        "",
        f"The loop extrapolated to {args.people:,} people: {loop_all_s:.1f} s, against "
        f"{many['compute_s']:.2f} s for `metrics_frame` ({loop_all_s / many['compute_s']:.0f}x; "
        f"{many['loop_s'] / many['vectorised_s']:.0f}x on the subset). Both give the same "
        "numbers (checked).",
        "",
        f"| one person, {BIG_PROFILE:,} papers (median of {args.repeat}) | ms |",
        "|---|---:|",
        f"| `Store.load_author_papers` from the cache | {one['load_s'] * 1000:.1f} |",
        f"| `author_metrics` | {one['author_metrics_s'] * 1000:.1f} |",
        f"| `metrics_frame` | {one['metrics_frame_s'] * 1000:.1f} |",
    ]
    print("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--papers", type=int, default=100)
    parser.add_argument("--subset", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    many = measure_many(args)
    one = measure_one(args)
    report(args, many, one)
    return 0


def sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    sys.exit(main())
