"""Benchmark: requests and time of ``scholar author NAME --novelty``, cold and warm.

Against the loopback API double (tests/double) with its novelty world
(tests/double/novelty_world.py: reference lists, 768-number vectors, 250-paper arXiv
cohorts) and both request intervals at 0, so the times measure scholar and the double,
not politeness; the "at the default pace" column adds 1 s per S2 request and 3 s per
arXiv request, the floor the real services impose.

Two people: the seed author (9 papers, 4 cohorts) and a synthetic 50-paper author
(``populate_synthetic``, 60 % on arXiv; their cohorts are every (category, year) their
arXiv papers fall in). For each, a fresh ``SCHOLAR_HOME``:

* the plain profile is fetched first (not measured): the cold state is "profile cached,
  novelty not";
* **cold**: ``scholar author NAME --novelty -f json``;
* **warm profile**: ``scholar author NAME -f json`` (shows the cached values);
* **warm --novelty**: the cold command again (everything younger than 30 days).

The minimum items 2 and 3 imply, for P papers, cohorts c with listing size T_c and M
sampled members in all, R reference entries and U distinct resolved references of those
P + M papers: S2 = max(ceil((P + M) / 500), ceil(R / 9999)) + ceil(U / 500) (500 ids a
batch, and at most 9,999 nested items, S2's cap); arXiv = sum over cohorts of ceil(T_c / 2000)
(one page per listing; the double's listings are below 2,000). U is counted from the
double's own data, not from what scholar asked.

Run:  python benchmarks/bench_novelty.py [--dims 768] [--papers 50]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import seed  # noqa: E402
from double import ApiDouble, novelty_world, server  # noqa: E402

server._Handler.disable_nagle_algorithm = True  # see bench_refresh.py

LIST_FIELDS = "citationCount,referenceCount,externalIds,references.paperId"


def child_env(double: ApiDouble, home: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SCHOLAR_") and k != "SEMANTIC_SCHOLAR_API_KEY"
    }
    env.update(
        SCHOLAR_HOME=home,
        SCHOLAR_S2_URL=double.s2_url,
        SCHOLAR_ARXIV_URL=double.arxiv_url,
        SCHOLAR_S2_INTERVAL="0",
        SCHOLAR_ARXIV_INTERVAL="0",
        NO_COLOR="1",
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


def scholar(env: dict[str, str], *args: str) -> tuple[float, dict]:  # type: ignore[type-arg]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "scholarcli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"scholar {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return elapsed, json.loads(done.stdout)


def minimum(double: ApiDouble, papers: list[str]) -> tuple[int, int, int, int]:
    """(S2 minimum, arXiv minimum, P + M, U) from the cohorts scholar drew and the data."""
    asked = [
        i
        for r in double.requests
        if r.path.endswith("/paper/batch") and r.query.get("fields") == [LIST_FIELDS]
        for i in json.loads(r.body)["ids"]
    ]
    members = [i for i in asked if i.startswith("ARXIV:")]
    store = double.store
    refs: set[str] = set()
    listed = 0  # reference entries of all those papers, unresolved ones included
    for ident in dict.fromkeys([*papers, *members]):
        found = store.resolve_paper(ident)
        if found is not None:
            refs |= {r for r in found.references or [] if r}
            listed += len(found.references or [])
    cohorts = {
        (e.primary_category, e.published[:4])
        for m in members
        if (e := store.arxiv.get(m.split(":", 1)[1])) is not None
    }
    arxiv = 0
    for category, year in cohorts:
        total = sum(
            1 for e in store.arxiv.values() if category in e.categories and e.published[:4] == year
        )
        arxiv += math.ceil(total / 2000)
    units = len(set(papers) | set(members))
    lists = max(math.ceil(units / 500), math.ceil(listed / 9999))
    return lists + math.ceil(len(refs) / 500), arxiv, units, len(refs)


def measure(double: ApiDouble, name: str, args: list[str]) -> list[dict]:  # type: ignore[type-arg]
    home = tempfile.mkdtemp(prefix="bench-novelty-")
    env = child_env(double, home)
    scholar(env, "author", *args, "-f", "json")  # profile cached, novelty not
    rows = []
    double.reset_log()
    took, data = scholar(env, "author", *args, "-f", "json", "--novelty")
    s2_min, arxiv_min, units, refs = minimum(double, [p["paper_id"] for p in data["papers"]])
    s2, arxiv = double.count("s2"), double.count("arxiv")
    rows.append(
        {
            "who": name,
            "run": "cold (profile cached)",
            "papers": len(data["papers"]),
            "cohorts": len(data["author"]["cohorts"] or []),
            "s2": s2,
            "arxiv": arxiv,
            "s2_min": s2_min,
            "arxiv_min": arxiv_min,
            "time": took,
            "paced": took + s2 * 1.0 + arxiv * 3.0,
            "detail": f"P+M={units}, U={refs}",
            "novelty": data["author"]["novelty_percentile"],
        }
    )
    for label, extra in (("warm profile", []), ("warm --novelty", ["--novelty"])):
        double.reset_log()
        took, again = scholar(env, "author", *args, "-f", "json", *extra)
        if again["author"]["novelty_percentile"] != data["author"]["novelty_percentile"]:
            raise SystemExit(f"{name}: the warm value differs from the cold one")
        rows.append(
            {
                "who": name,
                "run": label,
                "papers": len(again["papers"]),
                "cohorts": len(again["author"]["cohorts"] or []),
                "s2": double.count("s2"),
                "arxiv": double.count("arxiv"),
                "s2_min": 0,
                "arxiv_min": 0,
                "time": took,
                "paced": took + double.count("s2") * 1.0 + double.count("arxiv") * 3.0,
                "detail": "",
                "novelty": again["author"]["novelty_percentile"],
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dims", type=int, default=768, help="vector length in the double")
    parser.add_argument("--papers", type=int, default=50, help="papers of the synthetic author")
    args = parser.parse_args()
    rows = []
    with ApiDouble() as double:
        novelty_world.seed_world(double, dims=args.dims)
        rows += measure(double, "seed (9 papers)", [seed.NAME])
    with ApiDouble() as double:
        author_id = "3000000050"
        double.populate_synthetic(author_id, "Bench Fifty", args.papers, arxiv_fraction=0.6)
        novelty_world.author_world(double, author_id, dims=args.dims)
        rows += measure(double, f"synthetic ({args.papers} papers)", ["--id", author_id])
    print(f"vectors of {args.dims} numbers; intervals 0; python {sys.version.split()[0]}\n")
    print(
        "| author | run | cohorts | S2 requests (min) | arXiv requests (min) "
        "| time, s | at default pace, s | detail |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|")
    problems = []
    for r in rows:
        print(
            f"| {r['who']} | {r['run']} | {r['cohorts']} | {r['s2']} ({r['s2_min']}) "
            f"| {r['arxiv']} ({r['arxiv_min']}) | {r['time']:.2f} | {r['paced']:.0f} "
            f"| {r['detail']} |"
        )
        if r["s2"] > r["s2_min"]:
            problems.append(f"{r['who']} {r['run']}: {r['s2']} S2 requests > {r['s2_min']}")
    if problems:
        print("\nProblems found:\n" + "\n".join(f"- {p}" for p in problems))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
