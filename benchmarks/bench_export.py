"""Benchmark of ``scholar export``: requests, time and memory.

Two measurements, printed as markdown:

* **An author's export, cold and warm**, as a real ``scholar export NAME`` process
  against the loopback test double filled with ``populate_synthetic`` (60 % of papers on
  arXiv), for each format: S2 and arXiv requests next to the minimum (cold: 1 author
  search + 1 page per 1,000 papers + 1 arXiv request per 100 arXiv papers; warm: none,
  the profile cache answers) and wall time of the whole process.
* **The formatters alone** on N synthetic records (1-12 authors with accents, CJK and
  LaTeX specials in titles, a quarter published in journals): time and peak Python
  memory (tracemalloc) per format, and one paper with 3,000 authors.

Child processes get a dead proxy so nothing can leave the machine; it must not change
product code. Run: ``python benchmarks/bench_export.py [--papers 900] [--records 10000]``.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from double.server import ApiDouble  # noqa: E402
from scholarcli.papers import formats  # noqa: E402

AUTHOR_ID, NAME = "4242", "Bench Author"
DEAD_PROXY = "http://127.0.0.1:9"


def scholar_env(double: ApiDouble, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHOLAR_", "SEMANTIC"))}
    env.update(
        SCHOLAR_HOME=str(home),
        SCHOLAR_S2_URL=double.s2_url,
        SCHOLAR_ARXIV_URL=double.arxiv_url,
        SCHOLAR_S2_INTERVAL="0",
        SCHOLAR_ARXIV_INTERVAL="0",
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        NO_PROXY="127.0.0.1,localhost",
        NO_COLOR="1",
    )
    return env


def run_export(env: dict[str, str], fmt: str) -> tuple[float, int, int]:
    """(seconds, exit code, bytes written) of one ``scholar export`` process."""
    cmd = [sys.executable, "-m", "scholarcli", "export", NAME, "-f", fmt]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start, done.returncode, len(done.stdout)


def bench_author(n_papers: int) -> list[str]:
    lines = [
        f"### `scholar export NAME`, {n_papers} papers (60 % on arXiv)",
        "",
        "| format | run | S2 requests | arXiv requests | minimum (S2 + arXiv) | time s "
        "| output KB |",
        "|---|---|---|---|---|---|---|",
    ]
    with ApiDouble(seed=0) as double, tempfile.TemporaryDirectory() as tmp:
        double.populate_synthetic(AUTHOR_ID, NAME, n_papers, arxiv_fraction=0.6)
        arxiv_papers = sum(1 for p in double.store.papers.values() if p.arxiv_id)
        for fmt in formats.FORMATS:
            home = Path(tmp) / fmt
            env = scholar_env(double, home)
            for run in ("cold", "warm"):
                double.reset_log()
                seconds, code, size = run_export(env, fmt)
                if code != 0:
                    raise SystemExit(f"scholar export -f {fmt} exited {code}")
                s2, arxiv = double.count("s2"), double.count("arxiv")
                minimum = (
                    f"{1 + math.ceil(n_papers / 1000)} + {math.ceil(arxiv_papers / 100)}"
                    if run == "cold"
                    else "0 + 0"
                )
                lines.append(
                    f"| {fmt} | {run} | {s2} | {arxiv} | {minimum} | {seconds:.2f} | "
                    f"{size / 1024:.0f} |"
                )
    return lines


NAMES = ["Minsoo Kim", "José Müller", "Ludwig van Beethoven", "김민수", "Zoë d'Arc", "大谷 翔平"]
WORDS = ["Token", "LLM", "$x^2$", "100%", "a_b", "Ärger", "中文", "한국어", "{Braces}", "--"]


def synthetic_records(n: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        published = rng.random() < 0.25
        records.append(
            {
                "paper_id": f"{i:040x}",
                "title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))),
                "authors": [
                    {"name": rng.choice(NAMES), "author_id": None}
                    for _ in range(rng.randint(1, 12))
                ],
                "year": rng.randint(1990, 2026),
                "date": f"{rng.randint(1990, 2026)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "venue": "Nature" if published else "arXiv.org",
                "journal": {"name": "Nature", "volume": "5", "pages": "1-9"} if published else None,
                "publication_types": ["JournalArticle"],
                "arxiv_id": None if published else f"2401.{i:05d}",
                "category": "cs.CL",
                "doi": f"10.1/{i}" if published else None,
                "abstract": "We study things. " * 20,
            }
        )
    return records


def measure(records: list[dict[str, Any]], fmt: str) -> tuple[float, float, float, int]:
    """(CPU s, wall s, peak MB under tracemalloc, output KB) of formatting the records.

    CPU time is reported next to wall time because the benchmark machine is shared."""
    cpu, start = time.process_time(), time.perf_counter()
    text = formats.dumps(records, fmt, abstracts=True)
    cpu, seconds = time.process_time() - cpu, time.perf_counter() - start
    tracemalloc.start()
    formats.dumps(records, fmt, abstracts=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return cpu, seconds, peak / 2**20, len(text.encode("utf-8")) // 1024


def bench_formatters(n_records: int) -> list[str]:
    records = synthetic_records(n_records)
    big = [dict(records[0], authors=[{"name": f"{NAMES[i % 6]} {i}"} for i in range(3000)])]
    lines = [
        f"### Formatters alone ({n_records:,} records with abstracts; one 3,000-author paper)",
        "",
        "| format | records | CPU s | wall s | peak MB | output KB | 3,000 authors: CPU s |",
        "|---|---|---|---|---|---|---|",
    ]
    for fmt in formats.FORMATS:
        cpu, seconds, peak, size = measure(records, fmt)
        big_cpu = measure(big, fmt)[0]
        lines.append(
            f"| {fmt} | {n_records:,} | {cpu:.2f} | {seconds:.2f} | {peak:.0f} | {size:,} | "
            f"{big_cpu:.3f} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=900)
    parser.add_argument("--records", type=int, default=10_000)
    options = parser.parse_args()
    print("\n".join(bench_author(options.papers)))
    print()
    print("\n".join(bench_formatters(options.records)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
