"""Benchmark of the metric engine: many people from the cache, and one big profile.

Three measurements, printed as markdown tables:

* **10,000 people x 100 papers from the cache.** A synthetic cache is written into a
  temporary SCHOLAR_HOME (schema from ``Store.open``, rows by direct SQL in one
  transaction: 1,000,000 papers with heavy-tailed citations, years 1990-2025, 1-12
  authors with the person at a random position, each in ``author_papers``). Timed:
  reading every (person, paper) row into a DataFrame (citations, year, author count
  ``json_array_length(authors)`` and the person's position from the authors JSON, all
  in SQLite; the person as a categorical) and ``metrics.metrics_frame`` on it. Peak
  memory of the same two steps is measured in a separate pass under ``tracemalloc``
  (which slows them down), and the process's peak RSS is reported too.
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
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scholarcli.cache.store import Store
from scholarcli.indicators import metrics
from scholarcli.indicators.metrics import METRIC_FIELDS, PaperStats

AS_OF_YEAR = 2026
FETCHED_AT = "2026-11-27T00:00:00+00:00"
BIG_PROFILE = 2_600

# One row per (person, paper); the person's position is found in the authors JSON
# ([[id, name], ...]) by SQLite itself, so Python never parses the lists.
FRAME_SQL = """
SELECT ap.author_id AS person,
       p.citations AS citations,
       p.year AS year,
       json_array_length(p.authors) AS n_authors,
       (SELECT CAST(a.key AS INTEGER) + 1 FROM json_each(p.authors) AS a
         WHERE a.value ->> 0 = ap.author_id) AS author_position
FROM author_papers AS ap JOIN papers AS p ON p.paper_id = ap.paper_id
"""
# The same without the position: how much of the read is the JSON walk.
FRAME_SQL_NO_POSITION = """
SELECT ap.author_id AS person, p.citations AS citations, p.year AS year,
       json_array_length(p.authors) AS n_authors, NULL AS author_position
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
            )
        )
        links.append((person, paper_id, k))
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
                       authors, raw, fetched_at) VALUES (?,?,?,?,0,?,'{}',?)""",
                [(*row, FETCHED_AT) for row in rows],
            )
            tx.executemany(
                "INSERT INTO author_papers(author_id, paper_id, rank) VALUES (?,?,?)", links
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


def traced_peak(fn: Callable[[], Any]) -> int:
    """Peak bytes Python and numpy allocated while ``fn`` ran (tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


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


def measure_many(args: argparse.Namespace) -> dict[str, Any]:
    """The 10,000-people measurements (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as home:
        os.environ["SCHOLAR_HOME"] = home
        print(f"writing {args.people:,} x {args.papers} papers ...", file=sys.stderr)
        path = Path(home) / "cache.sqlite3"
        store, write_s = timed(lambda: build_cache(path, args.people, args.papers, args.seed))
        frame, read_s = timed(lambda: read_frame(store))
        _, read_unpositioned_s = timed(lambda: read_frame(store, FRAME_SQL_NO_POSITION))
        table, compute_s = timed(lambda: metrics.metrics_frame(frame, AS_OF_YEAR))
        assert len(table) == args.people and list(table.columns) == list(METRIC_FIELDS)
        print("tracing memory ...", file=sys.stderr)
        read_peak = traced_peak(lambda: read_frame(store))
        compute_peak = traced_peak(lambda: metrics.metrics_frame(frame, AS_OF_YEAR))
        print("looping over a subset ...", file=sys.stderr)
        chosen = frame["person"].cat.categories[: args.subset]
        subset = frame[frame["person"].isin(chosen)].copy()
        subset["person"] = subset["person"].cat.remove_unused_categories()
        looped, loop_s = timed(lambda: loop_metrics(subset))
        vectorised, vectorised_s = timed(lambda: metrics.metrics_frame(subset, AS_OF_YEAR))
        check_same(vectorised, looped)
        store.close()
        return {
            "size": path.stat().st_size if path.exists() else 0,
            "write_s": write_s,
            "read_s": read_s,
            "read_unpositioned_s": read_unpositioned_s,
            "compute_s": compute_s,
            "read_peak": read_peak,
            "compute_peak": compute_peak,
            "subset": len(chosen),
            "loop_s": loop_s,
            "vectorised_s": vectorised_s,
        }


def measure_one(args: argparse.Namespace) -> dict[str, float]:
    """One person with BIG_PROFILE papers: load from the cache, then both code paths."""
    with tempfile.TemporaryDirectory(prefix="bench-metrics-big-") as home:
        store = build_cache(Path(home) / "cache.sqlite3", 1, BIG_PROFILE, args.seed)
        load_s = median_time(lambda: store.load_author_papers("1000000"), args.repeat)
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
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    loop_all_s = many["loop_s"] / many["subset"] * args.people
    per_person = 1000 / many["subset"]
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}, SQLite {sqlite_version()}.",
        f"Cache: {args.people:,} people x {args.papers} papers = {rows:,} rows, "
        f"{mb(many['size'])} MB, written in {many['write_s']:.1f} s (not timed below).",
        "",
        "| step | seconds | peak traced MB |",
        "|---|---:|---:|",
        f"| read {rows:,} rows from the cache into a DataFrame | {many['read_s']:.2f} "
        f"| {mb(many['read_peak'])} |",
        f"| (the same read without the author-position lookup) "
        f"| ({many['read_unpositioned_s']:.2f}) | |",
        f"| `metrics_frame`: {len(METRIC_FIELDS)} metrics x {args.people:,} people "
        f"| {many['compute_s']:.2f} | {mb(many['compute_peak'])} |",
        f"| total, cache to metric table | {many['read_s'] + many['compute_s']:.2f} "
        f"| {mb(max(many['read_peak'], many['compute_peak']))} |",
        "",
        f"Peak RSS of the whole benchmark process (cache writing included): {mb(peak_rss)} MB.",
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
    args = parser.parse_args()
    many = measure_many(args)
    one = measure_one(args)
    report(args, many, one)
    return 0


def sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    sys.exit(main())
