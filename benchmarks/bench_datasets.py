"""Benchmark of ``scholar datasets`` ingest and metrics, DuckDB and Spark local[2], one run.

For each size N (papers) the generator (gen_shards.py) writes S2-shaped shards once
(10 papers shards, 10 authors shards, A = 0.45 N authors). Then, per engine, as
subprocesses of the real command line (each engine with its own Parquet folder,
the shards linked in):

* ``scholar datasets ingest DIR --engine E`` - ingest records/s = (papers + authors
  records read) / wall seconds;
* ``scholar datasets metrics DIR -o m.parquet --engine E`` (DuckDB with
  ``--memory-limit``, default 2GB) - metrics papers/s = N / wall seconds.

The 1-minute load average before each engine's run is shown, and the CPU seconds
the run used (user + system of the process tree, the JVM included, sampled with the
memory; the last 0.1 s of a process may be missed): on a shared machine the wall time
depends on the neighbours, the CPU time much less. Wall time includes process start
(and, for Spark, the JVM and session start, ~5 s); the engine's own time for the
stage is shown next to it. Peak memory is the largest
RSS sum of the process tree (the JVM included), sampled every 0.1 s with psutil. The
two engines' outputs are compared row by row (full outer join on author_id, every
column). The extrapolation to a full release (200M papers, 75M authors; docs/datasets.md)
scales each stage by N^b, with b fitted from the two sizes of this run (b = 1 if
only one size ran).

Run (shared machine: run the 10M case once):
``python benchmarks/bench_datasets.py --sizes 1000000 10000000 [--engines duckdb spark]``
Needs ``pip install -e ".[spark,bench]"`` (duckdb, pyarrow, pyspark, psutil) and Java 17+.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_shards import generate

FULL_PAPERS = 200_000_000
FULL_AUTHORS = 75_000_000
AS_OF = "2026-01-01"


def run_measured(command: list[str]) -> dict[str, Any]:
    """Run ``command``; wall seconds, peak RSS of the process tree, stdout/stderr."""
    import psutil

    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    cpu: dict[int, float] = {}  # pid -> user + system seconds at its last sample
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(process.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
                for p in tree:  # the Spark JVM is a grandchild: rusage would miss it
                    times = p.cpu_times()
                    cpu[p.pid] = times.user + times.system
            except psutil.Error:
                pass
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{err}")
    return {
        "seconds": seconds,
        "cpu_seconds": sum(cpu.values()),
        "load": load,
        "peak_bytes": peak,
        "stdout": out,
        "stderr": err,
    }


def scholar(*args: str) -> list[str]:
    return [sys.executable, "-m", "scholarcli", *args]


def engine_dir(work: Path, shards: Path, engine: str) -> Path:
    root = work / engine
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for dataset in ("papers", "authors"):
        (root / dataset).symlink_to(shards / dataset, target_is_directory=True)
    return root


def bench_engine(engine: str, root: Path, memory_limit: str, master: str) -> dict[str, Any]:
    extra = ["--engine", engine] + (["--master", master] if engine == "spark" else [])
    ingest = run_measured(scholar("datasets", "ingest", str(root), "-f", "json", *extra))
    tables = {t["table"]: t for t in json.loads(ingest["stdout"])["tables"]}
    limit = ["--memory-limit", memory_limit] if engine == "duckdb" and memory_limit else []
    out = root / "metrics.parquet"
    metrics = run_measured(
        scholar("datasets", "metrics", str(root), "-o", str(out), "--as-of", AS_OF, *extra, *limit)
    )
    inner = metrics["stderr"].rsplit(" in ", 1)[-1].split(" s")[0]
    return {
        "engine": engine,
        "ingest_seconds": ingest["seconds"],
        "ingest_engine_seconds": sum(t["seconds"] for t in tables.values()),
        "ingest_peak_bytes": ingest["peak_bytes"],
        "ingest_cpu_seconds": ingest["cpu_seconds"],
        "load_before": ingest["load"],
        "records": tables["papers"]["read"] + tables["authors"]["read"],
        "authorships": tables["authorship"]["kept"],
        "metrics_seconds": metrics["seconds"],
        "metrics_engine_seconds": float(inner) if inner.replace(".", "").isdigit() else None,
        "metrics_peak_bytes": metrics["peak_bytes"],
        "metrics_cpu_seconds": metrics["cpu_seconds"],
        "output": str(out),
    }


def differing_rows(a: str, b: str) -> tuple[int, int]:
    """(rows compared, rows that differ in any column or exist on one side only)."""
    import duckdb

    con = duckdb.connect()
    columns = [
        "name",
        "papers",
        "citations",
        "h_index",
        "g_index",
        "i10_index",
        "hi_norm",
        "first_author_papers",
    ]
    same = " AND ".join(f"x.{c} IS NOT DISTINCT FROM y.{c}" for c in columns)
    close = " AND ".join(
        f"abs(x.{c} - y.{c}) <= 1e-9 * greatest(1, abs(x.{c}))"
        for c in ("m_quotient", "cites_per_year")
    )
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE x.author_id IS NULL OR y.author_id IS NULL "
        f"OR NOT ({same} AND {close})) FROM read_parquet('{a}') x "
        f"FULL OUTER JOIN read_parquet('{b}') y ON x.author_id = y.author_id"
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def gib(value: float) -> str:
    return f"{value / 2**30:.2f}"


def exponent(small: tuple[int, float], large: tuple[int, float]) -> float:
    (n1, t1), (n2, t2) = small, large
    return math.log(t2 / t1) / math.log(n2 / n1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/scholar-bench-datasets"))
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--keep", action="store_true", help="keep generated shards")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    results: list[dict[str, Any]] = []
    for size in args.sizes:
        shards = args.work / f"shards-{size}"
        gen_seconds = None
        if not (shards / "papers").exists():
            print(f"generating {size:,} papers ...", file=sys.stderr)
            started = time.perf_counter()
            generate(shards, size, 10)
            gen_seconds = time.perf_counter() - started
        gz = sum(f.stat().st_size for f in shards.rglob("*.jsonl.gz"))
        for engine in args.engines:
            print(f"{size:,} papers, {engine} ...", file=sys.stderr)
            root = engine_dir(args.work / f"run-{size}", shards, engine)
            row = bench_engine(engine, root, args.memory_limit, args.master)
            row.update(papers=size, gz_bytes=gz, generate_seconds=gen_seconds)
            results.append(row)
        by_engine = {r["engine"]: r for r in results if r["papers"] == size}
        if {"duckdb", "spark"} <= set(by_engine):
            compared, differ = differing_rows(
                by_engine["duckdb"]["output"], by_engine["spark"]["output"]
            )
            for r in by_engine.values():
                r["parity"] = f"{differ} of {compared} authors differ"
        if not args.keep and size >= 10_000_000:
            shutil.rmtree(shards, ignore_errors=True)
        shutil.rmtree(args.work / f"run-{size}", ignore_errors=True)

    print(f"Machine: {os.cpu_count()} cores, {platform.python_version()}, {platform.platform()}")
    print()
    print(
        "| papers | engine | load | ingest s (engine s; cpu s) | ingest records/s "
        "| ingest peak GiB | metrics s (engine s; cpu s) | metrics papers/s | metrics peak GiB "
        "| DuckDB vs Spark |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['papers']:,} | {r['engine']} | {r['load_before']:.1f} "
            f"| {r['ingest_seconds']:.1f} ({r['ingest_engine_seconds']:.1f}; "
            f"{r['ingest_cpu_seconds']:.1f}) | {r['records'] / r['ingest_seconds']:,.0f} "
            f"| {gib(r['ingest_peak_bytes'])} | {r['metrics_seconds']:.2f} "
            f"({r['metrics_engine_seconds']}; {r['metrics_cpu_seconds']:.1f}) "
            f"| {r['papers'] / r['metrics_seconds']:,.0f} "
            f"| {gib(r['metrics_peak_bytes'])} | {r.get('parity', '')} |"
        )
    print()
    print("Extrapolation to a full release (200M papers + 75M authors), t(N) = t_max (N/N_max)^b:")
    print()
    print("| engine | stage | b | measured at | estimate |")
    print("|---|---|---|---|---|")
    for engine in args.engines:
        rows = sorted((r for r in results if r["engine"] == engine), key=lambda r: r["papers"])
        if not rows:
            continue
        for stage, key in (("ingest", "ingest_seconds"), ("metrics", "metrics_seconds")):
            b = 1.0
            if len(rows) > 1:
                b = exponent((rows[0]["papers"], rows[0][key]), (rows[-1]["papers"], rows[-1][key]))
            largest = rows[-1]
            estimate = largest[key] * (FULL_PAPERS / largest["papers"]) ** max(b, 1.0)
            print(
                f"| {engine} | {stage} | {b:.2f} | {largest['papers']:,} papers, "
                f"{largest[key]:.1f} s | {estimate / 60:.1f} min |"
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
