"""Benchmark of `scholar report --group`'s drawing: time and page size for big groups.

Builds a synthetic group in memory (no cache, no source, no request): `--members`
members of `--papers` papers each over 2000-2025, a share of them joint with a few
neighbours on the circle, then counts the union and the network with the same
arithmetic as `scholar group` (indicators.group) and times `report.group.render_group_page`
(the charts and the template). Fetching the members' profiles is `scholar group`'s cost,
measured apart. It must not change product code.

Run: `python benchmarks/bench_group_report.py [--members 3 50 200] [--repeat 3]`
(needs the report extra).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from scholarcli.group.build import GroupView, Member
from scholarcli.indicators import group as arithmetic
from scholarcli.models import ProfilePaper


def paper(pid: str, year: int, cites: int) -> ProfilePaper:
    return ProfilePaper(
        paper_id=pid,
        title=f"Paper {pid}",
        authors=[],
        author_position=None,
        date=None,
        year=year,
        venue="",
        category=None,
        citations=cites,
        influential_citations=0,
        cites_per_year=0.0,
        code_url=None,
        abstract=None,
        url=None,
    )


def synthetic(members: int, papers: int, seed: int = 0) -> GroupView:
    rng = random.Random(seed)
    works: dict[str, list[ProfilePaper]] = {f"Member {i:03d}": [] for i in range(members)}
    keys = list(works)
    for index, key in enumerate(keys):
        for n in range(papers):
            row = paper(f"{key}-{n}", rng.randint(2000, 2025), rng.randint(0, 200))
            works[key].append(row)
            if rng.random() < 0.15 and members > 1:  # joint with a near neighbour
                works[keys[(index + rng.randint(1, 3)) % members]].append(row)
    union = arithmetic.union(works)
    people = [
        Member(k, k, [str(i)], {"papers": len(v), "citations": sum(p.citations for p in v),
               "h_index": 0, "g_index": 0, "i10_index": 0}, v)
        for i, (k, v) in enumerate(works.items())
    ]  # fmt: skip
    return GroupView(
        members=people,
        figures=arithmetic.figures(union, [0] * members),
        papers=union,
        edges=arithmetic.collaboration(union),
        since=None,
        resolved=[],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[3, 50, 200])
    parser.add_argument("--papers", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from scholarcli.report.group import render_group_page

    render_group_page(synthetic(3, 5))  # imports and matplotlib's font cache, not timed
    print("members  edges  union papers  render median (min-max) s  page kB")
    for count in args.members:
        view = synthetic(count, args.papers)
        times, page = [], ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            page = render_group_page(view)
            times.append(time.perf_counter() - start)
        print(
            f"{count:7d}  {len(view.edges):5d}  {len(view.papers):12,d}  "
            f"{statistics.median(times):8.2f} ({min(times):.2f}-{max(times):.2f})"
            f"           {len(page.encode()) / 1024:7,.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
