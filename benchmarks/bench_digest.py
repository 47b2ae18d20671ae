"""Benchmark: requests of ``scholar refresh --digest`` and the time of ``scholar group``.

Against the loopback API double (tests/double), intervals 0, so the times measure
scholar itself. People are synthetic (``populate_synthetic``, 5-20 papers each), put on
the watch list through the tracking API.

* Digest: 1,000 tracked people after a first refresh and a first (empty) digest; then
  10 of them gain citations on one paper each, and ``scholar refresh --digest`` runs.
  The minimum is the refresh's own requests (the count check, ceil(ids / 1000), plus
  one ``/paper/batch`` for the known papers of the 10) plus one
  ``/paper/{id}/citations`` per paper that gained: the digest stops there.
* Group: ``scholar group --input people.csv`` of 200 members, warm (every profile
  cached, 0 requests), whole process wall time; the goal is under 2 s.

Run:  python benchmarks/bench_digest.py [--people 1000] [--members 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import refresh_helpers  # noqa: E402
from double import ApiDouble, server  # noqa: E402

server._Handler.disable_nagle_algorithm = True  # see bench_refresh.py


def scholar(env: dict[str, str], *args: str) -> tuple[float, str]:
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
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-digest-") as home, ApiDouble() as double:
        for name in [n for n in os.environ if n.startswith("SCHOLAR_")]:
            del os.environ[name]
        os.environ.pop("SEMANTIC_SCHOLAR_API_KEY", None)
        os.environ.update(
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
        scholar(env, "refresh", "--quiet")
        _, empty = scholar(env, "digest")
        if empty:
            raise SystemExit("the first digest after the baseline refresh was not empty")
        changed = ids[:: max(1, len(ids) // 10)][:10]
        rows = []
        for round_number in range(args.repeat):
            for author_id in changed:
                paper = papers[author_id][0]
                double.set_citations(paper.paper_id, paper.citation_count + 5 + round_number)
                paper.citation_count += 5 + round_number
            double.reset_log()
            seconds, text = scholar(env, "refresh", "--digest", "--quiet", "-f", "json")
            routes = [r.path.removeprefix("/graph/v1") for r in double.requests]
            citing = sum(1 for r in routes if r.endswith("/citations"))
            rows.append((len(routes), citing, seconds, text.count('"gain"')))
        known = sum(len(papers[i]) for i in changed)
        refresh_minimum = math.ceil(len(ids) / 1000) + math.ceil(known / 500)

        members = ids[: args.members]
        people = Path(home) / "people.csv"
        people.write_text("ids\n" + "\n".join(members) + "\n", encoding="utf-8")
        scholar(env, "group", "--input", str(people), "-f", "json")  # fills nothing new
        double.reset_log()
        times = [scholar(env, "group", "--input", str(people), "-f", "json")[0]
                 for _ in range(args.repeat)]  # fmt: skip
        group_requests = len(double.requests)

    requests, citing, seconds, gains = rows[-1]
    print(f"{len(ids)} tracked people; 10 gained citations on one paper each; intervals 0")
    print()
    print("| run | requests | of which /citations | minimum | gains listed | wall (s) |")
    print("|---|---:|---:|---:|---:|---:|")
    for number, (requests, citing, seconds, gains) in enumerate(rows, start=1):
        minimum = refresh_minimum + len(changed)
        print(f"| refresh --digest #{number} | {requests} | {citing} | {minimum} | {gains} "
              f"| {seconds:.2f} |")  # fmt: skip
    print()
    print(
        f"scholar group of {args.members} members from the cache: "
        f"{statistics.median(times):.2f} s wall (median of {args.repeat}; "
        f"min {min(times):.2f}), {group_requests} requests"
    )


if __name__ == "__main__":
    main()
