"""Benchmark: requests of ``scholar author NAME --self-citations`` and bootstrap time (issue 18).

Against the loopback API double (tests/double) with both request intervals at 0. Two
people, each in a fresh ``SCHOLAR_HOME`` whose plain profile is fetched first (not
measured), so the cold state is "profile cached, self-citations not":

* the seed author (9 papers, 753 citations; every citation a stored citing paper);
* a synthetic 2,600-paper author (``populate_synthetic``); each cited paper gets as many
  stored citing papers as it has citations (drawn from a shared pool of 20,000: 5 % of
  them the person's own papers, 10 % by a co-author of one of their papers), so the
  nested lists are as long as the real ones and a paper cited more than 9,999 times is
  paged.

For each: **cold** ``--self-citations -f json`` and **warm** (the same again). The
minimum item 1 implies, for the cited papers' counts c_i: batches = max(ceil(n / 500),
ceil(sum c_i / 9,999)) over the papers with c_i <= 9,999 (500 ids a batch and 9,999
nested citations a batch answer, S2's caps), plus ceil(min(c_i, 9,999) / 1,000) pages of
``/paper/{id}/citations`` for each paper cited more often; warm: 0.

Then the time of ``indicators.stability.stability_intervals`` for 2,600 papers (h-index,
Impact, Novelty and PP(top 10 %), 1,000 resamples): the median of 7 runs after one
warm-up (goal: under 0.2 s).

Run:  python benchmarks/bench_trust.py [--papers 2600]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "src"))

import seed  # noqa: E402
from double import ApiDouble, server  # noqa: E402
from double.store import Paper, stable_hex  # noqa: E402

server._Handler.disable_nagle_algorithm = True  # see bench_refresh.py

SYNTHETIC_ID = "77000001"
CAP = 9999


def add_citers(double: ApiDouble, author_id: str, name: str, pool_size: int) -> None:
    """Stored citing papers for every cited paper of ``author_id``: a shared pool of
    ``pool_size`` papers, a tenth by the person, a tenth with a co-author of theirs."""
    store = double.store
    own = store.author_papers(author_id)
    rng = random.Random(18)
    pool: list[str] = []
    spare = [p.paper_id for p in own]
    rng.shuffle(spare)
    for k in range(pool_size):
        pid = stable_hex("bench-citer", k)
        roll = rng.random()
        if roll < 0.05 and spare:  # one of the person's own papers
            pool.append(spare.pop())
            continue
        if roll < 0.15 and own:  # a co-author of one of their papers, without them
            coauthor = next((a for a in rng.choice(own).authors if a[0] != author_id), None)
            authors = [coauthor or ("88000000", "A Coauthor"), ("89000000", "Someone")]
        else:
            authors = [(str(90_000_000 + k), f"Citing Author {k}")]
        store.add_paper(Paper(pid, f"Citing paper {k}", 2024, None, "", authors))
        pool.append(pid)
    for paper in own:
        count = paper.citation_count
        if count <= 0:
            continue
        start = rng.randrange(len(pool))
        citers = [pool[(start + j) % len(pool)] for j in range(min(count, len(pool)))]
        paper.citers = citers
        paper.citation_count = len(citers)


def minimum(counts: list[int]) -> int:
    small = [c for c in counts if 0 < c <= CAP]
    big = [c for c in counts if c > CAP]
    batches = max(-(-len(small) // 500), -(-sum(small) // CAP)) if small else 0
    return batches + sum(-(-min(c, CAP) // 1000) for c in big)


def run_cli(args: list[str]) -> dict:  # type: ignore[type-arg]
    from typer.testing import CliRunner

    from scholarcli.cli import app

    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise SystemExit(f"scholar {' '.join(args)} failed: {result.stderr}")
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def measure(double: ApiDouble, who: str, args: list[str]) -> list[dict]:  # type: ignore[type-arg]
    os.environ["SCHOLAR_HOME"] = tempfile.mkdtemp(prefix="bench-trust-")
    base = ["author", *args, "-f", "json", "--as-of", "2026-11-27"]
    data = run_cli(base)
    counts = [p["citations"] for p in data["papers"]]
    rows = []
    for label in ("cold (profile cached)", "warm"):
        double.reset_log()
        started = time.perf_counter()
        data = run_cli([*base, "--self-citations"])
        took = time.perf_counter() - started
        batches = sum(1 for r in double.requests if r.path.endswith("/paper/batch"))
        pages = sum(1 for r in double.requests if r.path.endswith("/citations"))
        rows.append(
            {
                "who": who,
                "run": label,
                "papers": len(counts),
                "cited": sum(1 for c in counts if c > 0),
                "citations": sum(counts),
                "requests": double.count("s2"),
                "batches": batches,
                "pages": pages,
                "minimum": minimum(counts) if label.startswith("cold") else 0,
                "seconds": round(took, 2),
                "self_rate": data["author"]["self_citation_rate"],
                "coauthor_rate": data["author"]["coauthor_self_citation_rate"],
            }
        )
    return rows


def bootstrap_time(n: int) -> tuple[float, float, float]:
    from scholarcli.indicators.stability import stability_intervals

    rng = random.Random(3)
    cites = [int((rng.paretovariate(1.3) - 1) * 20) for _ in range(n)]
    impact = [rng.randint(1, 100) if rng.random() < 0.7 else None for _ in range(n)]
    novelty = [rng.randint(1, 100) if rng.random() < 0.4 else None for _ in range(n)]
    top10 = [(p or 0) >= 90 if p is not None else None for p in impact]
    stability_intervals(cites, impact=impact, novelty=novelty, top10=top10)  # warm-up
    times, cpu = [], []
    for _ in range(7):
        started, cpu_started = time.perf_counter(), time.process_time()
        stability_intervals(cites, impact=impact, novelty=novelty, top10=top10)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(times), max(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2600)
    parser.add_argument("--pool", type=int, default=20_000, help="distinct citing papers")
    opts = parser.parse_args()
    with ApiDouble(seed=0) as double:
        os.environ.update(
            SCHOLAR_S2_URL=double.s2_url,
            SCHOLAR_ARXIV_URL=double.arxiv_url,
            SCHOLAR_S2_INTERVAL="0",
            SCHOLAR_ARXIV_INTERVAL="0",
            NO_COLOR="1",
        )
        os.environ.pop("SEMANTIC_SCHOLAR_API_KEY", None)
        seed.load(double)
        add_citers(double, seed.AUTHOR_ID, seed.NAME, 800)
        double.populate_synthetic(SYNTHETIC_ID, "Bench Marker", opts.papers, seed=7)
        add_citers(double, SYNTHETIC_ID, "Bench Marker", opts.pool)
        rows = measure(double, "seed author", [seed.NAME])
        rows += measure(double, f"{opts.papers}-paper author", ["--id", SYNTHETIC_ID])
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in header) + " |")
    median, worst, cpu = bootstrap_time(opts.papers)
    print(
        f"\nbootstrap, {opts.papers} papers, 4 indicators x 1,000 resamples: "
        f"median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms of 7 "
        f"(CPU median {cpu * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
