"""Benchmark of ``scholar metrics --input FILE`` on a big CSV, against two peers.

A synthetic CSV in the shape ``scholar author -f csv`` writes (paper_id, arxiv_id, doi,
title with commas in quotes, authors joined with "; ", author_position, date, year,
venue, category, citations, ...; abstracts empty) plus a ``person`` column naming one of
``--people`` people, is written to a temporary folder. Each measurement is a child
process, timed with ``time.perf_counter`` around it and with its own CPU time and peak
RSS from ``os.wait4`` (``ru_maxrss``), started through a small ``python -S`` launcher so
the child's high-water mark does not start from this process's memory:

* ``scholar metrics --input FILE -f json`` (the console script; DuckDB's CSV reader when
  duckdb is installed, then ``metrics_frame``), with ``--by person`` and from standard
  input;
* the same with the pandas engine (duckdb hidden), as without the datasets extra;
* the peers, in the same run: a short pandas script (``read_csv`` of the person and
  citations columns, a sort, group-wise rank and running sum) and one DuckDB query over
  the CSV (window functions), each computing papers, citations, h, g and i10 per
  person, which is what a user who can write either would do instead;
* a small input (``--small-rows``, 1,000 by default) against ``scholar --help``;
* optionally (``--reference``) the reference parser on the whole file, which is what
  ``--input`` did before the fast engines.

The CPU column is the figure to compare on a shared machine (wall time follows the
load); ratios are CPU against the pandas script and the DuckDB query of the same run.
No network. Run: ``python benchmarks/bench_input.py [--rows 1000000] [--people 10000]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HEADER = (
    "paper_id,arxiv_id,doi,title,authors,author_position,date,year,venue,category,"
    "citations,influential_citations,cites_per_year,code_url,abstract,url,person"
)
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
stdin = open(sys.argv[1], "rb") if sys.argv[1] != "-" else None
pid = os.fork()
if pid == 0:
    if stdin is not None:
        os.dup2(stdin.fileno(), 0)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
      os.waitstatus_to_exitcode(status))
"""
REFERENCE = """
import sys
from pathlib import Path
from scholarcli.inputs.reference import parse_papers
from scholarcli.indicators.metrics import author_metrics
papers = parse_papers(Path(sys.argv[1]).read_bytes(), "file")
print(author_metrics(papers.papers, 2026)["h_index"])
"""
# scholar with duckdb hidden: the pandas engine, as without the datasets extra.
PANDAS_ENGINE = """
import sys
from scholarcli.inputs import duckdb_csv
duckdb_csv.available = lambda: False
from scholarcli.cli import main
sys.argv = ["scholar", *sys.argv[1:]]
main()
"""
PANDAS_PEER = """
import sys
import pandas as pd
df = pd.read_csv(sys.argv[1], usecols=["person", "citations"])
df = df.sort_values(["person", "citations"], ascending=[True, False], ignore_index=True)
by = df.groupby("person", sort=False)
rank = by.cumcount() + 1
running = by["citations"].cumsum()
person = df["person"]
pd.DataFrame({
    "papers": by.size(),
    "citations": by["citations"].sum(),
    "h": (df["citations"] >= rank).groupby(person, sort=False).sum(),
    "g": rank.where(running >= rank * rank, 0).groupby(person, sort=False).max(),
    "i10": (df["citations"] >= 10).groupby(person, sort=False).sum(),
}).to_csv(sys.stdout)
"""
DUCKDB_PEER = """
import sys
import duckdb
path = sys.argv[1].replace("'", "''")
rows = duckdb.sql(f\"\"\"
WITH ranked AS (
  SELECT person, citations, row_number() OVER w AS k,
         sum(citations) OVER (w ROWS UNBOUNDED PRECEDING) AS running
  FROM read_csv('{path}')
  WINDOW w AS (PARTITION BY person ORDER BY citations DESC))
SELECT person, count(*) AS papers, sum(citations) AS citations,
       count(*) FILTER (WHERE citations >= k) AS h,
       max(k) FILTER (WHERE running >= k * k) AS g,
       count(*) FILTER (WHERE citations >= 10) AS i10
FROM ranked GROUP BY person ORDER BY person\"\"\").fetchall()
sys.stdout.write("".join(f"{r}\\n" for r in rows))
"""


def write_csv(path: Path, rows: int, people: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        for number in range(rows):
            n_authors = rng.randint(1, 12)
            authors = "; ".join(f"Author {rng.randint(1, 99_999)}" for _ in range(n_authors))
            year = rng.randint(1990, 2025)
            citations = min(int(rng.paretovariate(1.2) * 4) - 4, 60_000)
            out.write(
                f"{number:040x},{2000 + number % 9999}.{number % 99999:05d},"
                f'10.1000/x{number},"Paper {number}: a study, with commas",'
                f'"{authors}",{rng.randint(1, n_authors)},{year}-06-01,{year},Venue '
                f"{number % 50},cs.CL,{citations},0,{citations / (2027 - year):.2f},,,"
                f"https://www.semanticscholar.org/paper/{number:040x},P{number % people}\n"
            )


def measure(command: list[str], stdin: str = "-") -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MiB, exit status) of one child.

    CPU seconds (user + system) are what the child itself used: on a machine shared with
    other work they stay close to the wall time it would take alone, where the wall time
    grows with the load.
    """
    done = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, stdin, *command],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, cpu, rss_kib, status = done.stdout.split()
    return float(seconds), float(cpu), int(rss_kib) / 1024, int(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--small-rows", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reference", action="store_true", help="also time the slow old path")
    parser.add_argument(
        "--csv", type=Path, help="reuse this file (written by an earlier run) instead of a new one"
    )
    args = parser.parse_args()
    scholar = shutil.which("scholar") or "scholar"
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-input-") as folder:
        os.environ["SCHOLAR_HOME"] = folder
        path = args.csv or Path(folder) / "papers.csv"
        small = Path(folder) / "small.csv"
        if args.csv is None:
            print(f"writing {args.rows:,} rows ...", file=sys.stderr)
            write_csv(path, args.rows, args.people, args.seed)
        write_csv(small, args.small_rows, 10, args.seed)
        size = path.stat().st_size
        options = ["metrics", "--as-of", "2026-11-27", "-f", "json"]
        base = [scholar, *options]
        on_file = ["--input", str(path)]
        runs: list[tuple[str, list[str], str]] = [
            ("peer: pandas script", [python, "-c", PANDAS_PEER, str(path)], "-"),
            ("peer: one DuckDB query", [python, "-c", DUCKDB_PEER, str(path)], "-"),
            ("`scholar metrics --input FILE`", [*base, *on_file], "-"),
            (
                "`scholar metrics --input FILE --by person`",
                [*base, *on_file, "--by", "person"],
                "-",
            ),
            ("`scholar metrics --input -` (stdin)", [*base, "--input", "-"], str(path)),
            (
                "`scholar metrics --input FILE`, pandas engine",
                [python, "-c", PANDAS_ENGINE, *options, *on_file],
                "-",
            ),
            (
                "`scholar metrics --input FILE --by person`, pandas engine",
                [python, "-c", PANDAS_ENGINE, *options, *on_file, "--by", "person"],
                "-",
            ),
            (
                f"`scholar metrics --input` {args.small_rows:,} rows",
                [*base, "--input", str(small)],
                "-",
            ),
            ("`scholar --help`", [scholar, "--help"], "-"),
        ]
        if args.reference:
            runs.append(
                (
                    "reference parser + `author_metrics` (before the fast engines)",
                    [python, "-c", REFERENCE, str(path)],
                    "-",
                )
            )
        lines = [
            f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}. "
            f"File: {size / 2**20:,.0f} MiB"
            + ("" if args.csv else f", {args.rows:,} rows, {args.people:,} people")
            + ".",
            "",
            f"Load average at the start: {os.getloadavg()[0]:.1f}.",
            "",
            "| command | wall s | CPU s (user + sys) | CPU / pandas script | "
            "CPU / DuckDB query | peak RSS MiB | exit |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        measured = []
        for label, command, stdin in runs:
            print(f"running {label} ...", file=sys.stderr)
            measured.append((label, *measure(command, stdin)))
        pandas_cpu, duckdb_cpu = measured[0][2], measured[1][2]
        for label, seconds, cpu, rss, status in measured:
            lines.append(
                f"| {label} | {seconds:.2f} | {cpu:.2f} | {cpu / pandas_cpu:.2f}x | "
                f"{cpu / duckdb_cpu:.2f}x | {rss:,.0f} | {status} |"
            )
        lines += ["", f"Load average at the end: {os.getloadavg()[0]:.1f}."]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
