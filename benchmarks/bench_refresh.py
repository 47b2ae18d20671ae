"""Benchmark: requests and whole-process time of ``scholar refresh`` for a large watch list.

Against the loopback API double (tests/double), with both request intervals set to 0,
so the times measure scholar itself (start-up, SQLite, metrics), not politeness: with
the real defaults every S2 request adds at least 1 s and every arXiv request 3 s.

People are synthetic (``populate_synthetic``, 5-20 papers each) and are put on the
watch list through the tracking API (``refresh_helpers.track_directly``), not with
1,000 ``scholar track`` searches. A first ``scholar refresh`` fills the cache; then:

* no change: the minimum is ceil(ids / 1000) ``/author/batch`` requests, no arXiv;
* 10 people gained citations: the list path would cost that + 10 x ceil(papers / 1000);
  refresh sends their known papers through one ``/paper/batch`` instead;
* 10 people with a new paper: the minimum is the count check + 10 lists + one arXiv
  batch for the 10 new arXiv ids.

Run:  python benchmarks/bench_refresh.py [--people 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PEER = REPO / "benchmarks" / "peers" / "refresh_one_batch.py"
sys.path.insert(0, str(REPO / "tests"))

import refresh_helpers  # noqa: E402
from double import ApiDouble, server  # noqa: E402

# The double writes headers and body separately; with Nagle's algorithm on, loopback's
# delayed ACK then adds ~40 ms to every request, which would swamp what is measured.
server._Handler.disable_nagle_algorithm = True


def child_cpu() -> float:
    """User + system CPU seconds of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``command``; (wall, CPU) seconds of that one child (children run one at a time)."""
    cpu_before, started = child_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - started, child_cpu() - cpu_before
    if done.returncode != 0:
        raise SystemExit(f"{command[1:3]} failed ({done.returncode}): {done.stderr}")
    return elapsed, cpu


def refresh_process(env: dict[str, str]) -> tuple[float, float]:
    """Run ``python -m scholarcli refresh --quiet``; its (wall, CPU) seconds."""
    return timed([sys.executable, "-m", "scholarcli", "refresh", "--quiet"], env)


def peer_process(env: dict[str, str], double: ApiDouble) -> tuple[float, float]:
    """The one-batch peer (benchmarks/peers/refresh_one_batch.py) on the same cache."""
    cache = str(Path(env["SCHOLAR_HOME"]) / "cache.sqlite3")
    return timed([sys.executable, str(PEER), cache, double.s2_url], env)


def measure(
    double: ApiDouble,
    env: dict[str, str],
    repeat: int,
    change: Callable[[int], None],
    peer: list[tuple[float, float]] | None = None,
) -> tuple[int, int, float, float]:
    """(S2 requests, arXiv requests, median wall, median CPU) of ``repeat`` refreshes.

    With ``peer``, the peer runs right after each refresh (same load) and its (wall,
    CPU) are appended there.
    """
    walls, cpus, s2, arxiv = [], [], set(), set()
    for round_number in range(repeat):
        change(round_number)
        double.reset_log()
        wall, cpu = refresh_process(env)
        walls.append(wall)
        cpus.append(cpu)
        s2.add(double.count("s2"))
        arxiv.add(double.count("arxiv"))
        if peer is not None:
            peer.append(peer_process(env, double))
    if len(s2) != 1 or len(arxiv) != 1:
        raise SystemExit(f"request counts varied between rounds: {s2} {arxiv}")
    return s2.pop(), arxiv.pop(), statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as home, ApiDouble() as double:
        for name in [n for n in os.environ if n.startswith("SCHOLAR_")]:
            del os.environ[name]
        os.environ.pop("SEMANTIC_SCHOLAR_API_KEY", None)
        os.environ.update(
            # A request that escaped the configured URLs would hit a dead proxy, not the net.
            HTTP_PROXY="http://127.0.0.1:9",
            HTTPS_PROXY="http://127.0.0.1:9",
            NO_PROXY="127.0.0.1,localhost",
            SCHOLAR_HOME=home,
            SCHOLAR_S2_URL=double.s2_url,
            SCHOLAR_ARXIV_URL=double.arxiv_url,
            SCHOLAR_S2_INTERVAL="0",
            SCHOLAR_ARXIV_INTERVAL="0",
            NO_COLOR="1",
        )
        env = dict(os.environ)
        ids = refresh_helpers.add_people(double, args.people, papers=lambda i: 5 + i % 16)
        refresh_helpers.track_directly(ids)
        papers = {i: double.store.author_papers(i) for i in ids}
        total_papers = sum(len(p) for p in papers.values())
        arxiv_total = len({p.arxiv_id for ps in papers.values() for p in ps if p.arxiv_id})
        changed = ids[:: max(1, len(ids) // 10)][:10]

        first_s2, first_arxiv, first_time, first_cpu = measure(double, env, 1, lambda _: None)
        rows_after_first = snapshot_rows(Path(home))
        # The first run after a fetching one recomputes who was fetched; then it settles.
        after_first = measure(double, env, 1, lambda _: None)
        peer: list[tuple[float, float]] = []
        still = measure(double, env, args.repeat, lambda _: None, peer)
        rows_after_still = snapshot_rows(Path(home))

        def gain_citations(round_number: int) -> None:
            for author_id in changed:
                paper = papers[author_id][0]
                double.set_citations(paper.paper_id, paper.citation_count + 100 + round_number)

        cited = measure(double, env, args.repeat, gain_citations)

        def new_paper(round_number: int) -> None:
            for index, author_id in enumerate(changed):
                arxiv_id = f"2612.{round_number:01d}{index:04d}"
                double.add_paper(
                    f"new-{round_number}-{author_id}".ljust(40, "0"),
                    title=f"New paper {round_number}",
                    year=2026,
                    authors=[(author_id, "Someone")],
                    citation_count=1,
                    arxiv_id=arxiv_id,
                )
                double.add_arxiv(
                    arxiv_id,
                    title="New",
                    abstract="New.",
                    authors=["Someone"],
                    published="2026-12-01",
                    primary_category="cs.CL",
                )

        grown = measure(double, env, args.repeat, new_paper)

    checks = math.ceil(len(ids) / 1000)
    known = sum(len(papers[i]) for i in changed)
    lists = sum(max(1, math.ceil(len(papers[i]) / 1000)) for i in changed)
    print(f"{len(ids)} tracked people, {total_papers} papers; intervals 0; median of {args.repeat}")
    print()
    rows = [
        ("first refresh (cold cache)", first_s2, checks + len(ids), first_arxiv,
         math.ceil(arxiv_total / 100), first_time, first_cpu),
        ("the run after it (recomputes who was fetched)", after_first[0], checks,
         after_first[1], 0, after_first[2], after_first[3]),
        ("no change", still[0], checks, still[1], 0, still[2], still[3]),
        ("10 people gained citations", cited[0],
         f"{checks + lists} with lists, {checks + math.ceil(known / 500)} with /paper/batch",
         cited[1], 0, cited[2], cited[3]),
        ("10 people with a new paper", grown[0], checks + lists, grown[1], 1, grown[2],
         grown[3]),
    ]  # fmt: skip
    print(
        "| scenario | S2 requests | S2 minimum | arXiv requests | arXiv minimum | wall (s) "
        "| CPU (s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, s2, s2_min, arxiv, arxiv_min, seconds, cpu in rows:
        print(f"| {name} | {s2} | {s2_min} | {arxiv} | {arxiv_min} | {seconds:.2f} | {cpu:.2f} |")
    peer_wall = statistics.median(w for w, _ in peer)
    peer_cpu = statistics.median(c for _, c in peer)
    print(
        f"| peer: one /author/batch and a comparison (peers/refresh_one_batch.py) | "
        f"{checks} | {checks} | 0 | 0 | {peer_wall:.2f} | {peer_cpu:.2f} |"
    )
    print()
    print(
        f"No change against the peer, same run (median of {args.repeat}, interleaved): "
        f"CPU {still[3] / peer_cpu:.2f}x, wall {still[2] / peer_wall:.2f}x."
    )
    print()
    print(
        f"Person snapshot rows: {rows_after_first[0]} ({rows_after_first[1]:,} bytes of "
        f"metrics) after the first refresh, {rows_after_still[0]} "
        f"({rows_after_still[1]:,} bytes) after {args.repeat} more with no change."
    )


def snapshot_rows(home: Path) -> tuple[int, int]:
    """(rows, bytes of their metrics JSON) of person_snapshots."""
    with sqlite3.connect(home / "cache.sqlite3") as conn:
        rows, size = conn.execute(
            "SELECT count(*), coalesce(sum(length(metrics)), 0) FROM person_snapshots"
        ).fetchone()
    return int(rows), int(size)


if __name__ == "__main__":
    main()
