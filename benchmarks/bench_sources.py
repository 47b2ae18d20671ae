"""Benchmark of the sources side by side: requests of `--source s2,openalex`, cold and warm.

For the seed author on both sources (tests/crosswalk_seed.py: nine S2 papers under
one id plus two under a split id; ten OpenAlex works over two records carrying one
ORCID iD), against the project's loopback double, it runs as subprocesses:

* `scholar author NAME --source s2,openalex -f json` cold (fresh SCHOLAR_HOME), then
  warm (same home), then `scholar sources NAME -f json` warm;
* the same with `--orcid` instead of the name (the person pinned on both sources);

and counts each run's requests per source and route from the double's log, against the
minimum the APIs' limits imply for the same answer:

* by name: S2 1 author search + ceil(n/1000) paper pages for the id + ceil(a/100) arXiv
  batches (a = papers with an arXiv id); OpenAlex 1 author search + ceil(w/100) works
  pages; the lookups that explain one-source papers: ceil(k/500) S2 batches for the
  OpenAlex-only papers with a DOI or arXiv id and ceil(k/100) OpenAlex DOI OR-filters
  for the S2-only ones (0 when there are none);
* by ORCID: OpenAlex 1 author list by ORCID + ceil(w/100) works pages per record;
  S2 ceil(k/500) batches for the ORCID works' DOIs and arXiv ids, 1 author batch for
  the ids found, ceil(n/1000) paper pages per id, ceil(a/100) arXiv batches, and
  ceil(k/100) OpenAlex OR-filters for the S2-only papers (the S2 lookups of the
  OpenAlex-only papers are ORCID works, answered by the first batch).

A warm run must make 0 requests. Intervals are 0, so wall time is scholar's own work
plus loopback I/O. Nothing here reaches a real API: every URL points at 127.0.0.1 and
children get a dead loopback proxy. Results go to stdout (markdown), with --json also
to benchmarks/out/sources.json. Exit 1 when a check failed (above the minimum, a warm
request, a wrong answer).

Run: `python benchmarks/bench_sources.py [--json [PATH]]` (about 15 s on 2 cores).
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
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out" / "sources.json"
DEAD_PROXY = "http://127.0.0.1:9"


@dataclass
class Run:
    label: str
    seconds: float
    exit_code: int
    requests: dict[str, int]
    routes: dict[str, int]
    minimum: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def child_env(double: Any, home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SCHOLAR_", "OPENALEX_", "SEMANTIC_SCHOLAR_"))
        and "proxy" not in k.lower()
    }
    env.update(
        SCHOLAR_HOME=str(home),
        SCHOLAR_S2_URL=double.s2_url,
        SCHOLAR_ARXIV_URL=double.arxiv_url,
        SCHOLAR_OPENALEX_URL=double.openalex_url,
        SCHOLAR_S2_INTERVAL="0",
        SCHOLAR_ARXIV_INTERVAL="0",
        SCHOLAR_OPENALEX_INTERVAL="0",
        NO_COLOR="1",
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        NO_PROXY="127.0.0.1,localhost",
        PYTHONPATH=str(REPO / "src"),
    )
    return env


def run(double: Any, home: Path, label: str, args: list[str]) -> tuple[Run, Any]:
    double.reset_log()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "scholarcli", *args],
        env=child_env(double, home),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    log = list(double.requests)  # the child has exited: nothing appends now
    by_source = Counter(r.source for r in log)
    routes = Counter(f"{r.source} {r.method} {route_name(r)}" for r in log)
    body = json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() else None
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
    return Run(label, round(seconds, 2), done.returncode, dict(by_source), dict(routes)), body


def route_name(request: Any) -> str:
    path = request.path
    for marker in ("/author/search", "/author/batch", "/paper/batch", "/papers"):
        if marker in path:
            return marker
    if "/openalex/" in path:
        flt = (request.query.get("filter") or [""])[0]
        entity = path.split("/openalex", 1)[1].split("/")[1]
        if flt:
            return f"{entity}?filter={flt.split(':', 1)[0]}"
        return entity + ("?search" if "search" in request.query else "")
    return path.rsplit("/", 1)[-1]


def minimum_by_name(world: Any, seed: Any, view: dict[str, Any]) -> dict[str, int]:
    n_s2 = len(seed.PAPERS)
    arxiv = sum(1 for p in seed.PAPERS if p.arxiv_id)
    works = view["author"]["sources"]["openalex"]["papers"]
    only = _only(view)
    return {
        "s2": 1 + math.ceil(n_s2 / 1000) + math.ceil(only["openalex"] / 500),
        "arxiv": math.ceil(arxiv / 100),
        "openalex": 1 + math.ceil(works / 100) + math.ceil(only["s2"] / 100),
    }


def minimum_by_orcid(world: Any, seed: Any, view: dict[str, Any]) -> dict[str, int]:
    oa = view["author"]["sources"]["openalex"]
    s2 = view["author"]["sources"]["s2"]
    per_record = [len(world.JOURNAL_DOIS), oa["papers"] - len(world.JOURNAL_DOIS)]
    arxiv = sum(1 for p in view["papers"] if p["arxiv_id"] and "s2" in p["in_sources"])
    lookup_ids = oa["papers"] + sum(
        1 for p in view["papers"] if "openalex" in p["in_sources"] and p["doi"] and p["arxiv_id"]
    )
    # One paper page per S2 id (each has fewer than 1,000 papers).
    return {
        "s2": math.ceil(lookup_ids / 500) + 1 + len(s2["ids"]),
        "arxiv": math.ceil(arxiv / 100),
        "openalex": 1
        + sum(math.ceil(w / 100) for w in per_record)
        + math.ceil(_only(view)["s2"] / 100),
    }


def _only(view: dict[str, Any]) -> dict[str, int]:
    only = Counter(p["in_sources"][0] for p in view["papers"] if len(p["in_sources"]) == 1)
    return {"s2": only["s2"], "openalex": only["openalex"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", nargs="?", const=str(OUT), default=None, metavar="PATH")
    options = parser.parse_args()
    sys.path.insert(0, str(REPO / "tests"))
    import crosswalk_seed as world
    import seed
    from double import ApiDouble

    problems: list[str] = []
    runs: list[Run] = []
    with ApiDouble(seed=0) as double:
        world.load(double)
        for mode, person, minimum in (
            ("name", [seed.NAME], minimum_by_name),
            ("orcid", ["--orcid", world.ORCID], minimum_by_orcid),
        ):
            with tempfile.TemporaryDirectory() as tmp:
                home = Path(tmp)
                args = ["author", *person, "--source", "s2,openalex", "-f", "json"]
                cold, view = run(double, home, f"author by {mode}, cold", args)
                if view is None:
                    problems.append(f"{cold.label}: exit {cold.exit_code}")
                    runs.append(cold)
                    continue
                cold.minimum = minimum(world, seed, view)
                warm, again = run(double, home, f"author by {mode}, warm", args)
                sources_args = ["sources", *person, "-f", "json"]
                warm_sources, _ = run(double, home, f"sources by {mode}, warm", sources_args)
                runs += [cold, warm, warm_sources]
                for source, floor in cold.minimum.items():
                    made = cold.requests.get(source, 0)
                    if made > floor:
                        problems.append(f"{cold.label}: {source} {made} > minimum {floor}")
                for quiet in (warm, warm_sources):
                    if quiet.total or quiet.exit_code:
                        problems.append(
                            f"{quiet.label}: {quiet.total} requests, exit {quiet.exit_code}"
                        )
                if again != view:
                    problems.append(f"{warm.label}: the warm answer differs from the cold one")
    print("| run | S2 | arXiv | OpenAlex | minimum (S2/arXiv/OpenAlex) | time (s) |")
    print("|---|---:|---:|---:|---|---:|")
    for r in runs:
        floor = "/".join(str(r.minimum.get(s, "")) for s in ("s2", "arxiv", "openalex"))
        print(
            f"| {r.label} | {r.requests.get('s2', 0)} | {r.requests.get('arxiv', 0)} | "
            f"{r.requests.get('openalex', 0)} | {floor if r.minimum else '0/0/0'} | {r.seconds} |"
        )
    print("\nRoutes of the cold runs:")
    for r in runs:
        if r.minimum:
            print(f"- {r.label}: " + ", ".join(f"{k} x{v}" for k, v in sorted(r.routes.items())))
    if problems:
        print("\nProblems found:\n" + "\n".join(f"- {p}" for p in problems))
    if options.json:
        path = Path(options.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps([asdict(r) for r in runs], indent=2) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
