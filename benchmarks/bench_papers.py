"""Benchmark of `scholar paper` and `scholar search`: requests and time, cold and warm.

Against one loopback test double (tests/double/) holding a synthetic author's 1,000
papers (60 % on arXiv) and 2,500 papers that share a search word, it measures:

* `scholar paper --input refs.txt -f json` for 1, 100 and 1,000 refs (a mix of the forms
  users paste: `arXiv:<id>` for arXiv papers, a bare DOI where there is one, else the S2
  id), cold (fresh SCHOLAR_HOME) and warm (same home): S2 and arXiv requests from the
  double's log against the minimum ceil(N/500) batches + ceil(A/100) arXiv batches
  (1, 1 and 2 S2 requests), wall time and peak RSS of the whole process;
* `scholar search WORD --sort citations --limit 2500 -f json`, cold and warm: the
  minimum is 3 bulk pages (1,000 a page);
* next to them, the `semanticscholar` package (0.12) on the same double, each in its own
  process: `get_papers` in chunks of 500 (its documented maximum) with the same fields
  scholar asks for (its default fields include nested citations, references and
  embeddings, which are not what a lookup needs), and `search_paper(WORD, bulk=True,
  sort="citationCount:desc")` at its default fields, iterated to 2,500 results.

Intervals are 0; the pacing floor at the default intervals (1 s S2, 3 s arXiv) is
computed from the request counts. Nothing may reach a real API (see bench_profile.py,
whose process launcher, environment and loopback guard this script reuses).

Run: `python benchmarks/bench_papers.py [--runs 3] [--json]`. Numbers: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_profile as bp  # a sibling script, not a package

SIZES = (1, 100, 1000)
SEARCH_RESULTS = 2500
WORD = "zeugma"
BATCH = 500
BULK_PAGE = 1000


@dataclass
class Row:
    case: str
    client: str
    s2_requests: int
    arxiv_requests: int
    minimum: str
    returned: str
    wall_s: float
    floor_s: float
    max_rss_mb: float


def refs_for(papers: list[Any]) -> list[str]:
    refs = []
    for paper in papers:
        if paper.arxiv_id:
            refs.append(f"arXiv:{paper.arxiv_id}")
        elif paper.doi:
            refs.append(paper.doi)
        else:
            refs.append(paper.paper_id)
    return refs


def add_search_papers(double: Any) -> None:
    for k in range(SEARCH_RESULTS):
        double.add_paper(
            f"{k:040x}",
            title=f"On {WORD} number {k}",
            year=2010 + k % 15,
            venue=("ACL", "EMNLP", "")[k % 3],
            authors=[(None, f"Writer {k}")],
            citation_count=(k * 7919) % 5000,
        )


def row(case: str, client: str, m: bp.Measured, minimum: str, returned: str) -> Row:
    return Row(
        case,
        client,
        m.s2,
        m.arxiv,
        minimum,
        returned,
        m.run.seconds,
        bp.pacing_floor(m.s2, m.arxiv),
        m.run.max_rss_mb,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", nargs="?", const=str(bp.OUT_DIR / "papers.json"))
    parser.add_argument("--peer", choices=("get_papers", "search_paper"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--ids-file", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.peer:
        run_peer(options)
        return 0
    problems: list[str] = []
    rows: list[Row] = []
    bp.warm_bytecode()
    sys.path.insert(0, str(bp.REPO / "src"))
    from scholarcli.papers.records import LOOKUP_FIELDS

    with bp.CountingDouble(1000) as bench, tempfile.TemporaryDirectory() as tmp:
        add_search_papers(bench.double)
        papers = bench.double.store.author_papers(bench.author_id)
        peer = [sys.executable, str(Path(__file__).resolve()), "--peer"]
        for size in SIZES:
            chosen = papers[:size]
            n_arxiv = sum(1 for p in chosen if p.arxiv_id)
            min_s2, min_arxiv = math.ceil(size / BATCH), math.ceil(n_arxiv / 100)
            refs = Path(tmp) / f"refs{size}.txt"
            refs.write_text("\n".join(refs_for(chosen)) + "\n")
            homes = [Path(tmp) / f"home{size}-{i}" for i in range(options.runs)]
            for home in homes:
                home.mkdir()
            command = [*bp.scholar_cmd(), "paper", "--input", str(refs), "-f", "json"]
            case = f"paper, {size:,} refs ({n_arxiv} arXiv)"
            for cold in (True, False):
                label = "scholar paper, " + ("cold" if cold else "warm")
                bp.log(f"{case}: {label} x{options.runs}")
                m = bp.measure(
                    bench,
                    f"{case} {label}",
                    options.runs,
                    lambda i, cold=cold, command=command, homes=homes: (
                        command,
                        bp.scholar_env(bench.double, homes[i if cold else 0]),
                        homes[i if cold else 0],
                    ),
                    problems,
                )
                found = json.loads(m.run.stdout)["papers"] if m.run.returncode == 0 else []
                categorised = sum(1 for p in found if p.get("category"))
                bp.check(len(found) == size, f"{case} {label}: {len(found)} papers", problems)
                bp.check(
                    categorised == n_arxiv, f"{case} {label}: {categorised} categorised", problems
                )
                if cold:
                    bp.check(
                        (m.s2, m.arxiv) == (min_s2, min_arxiv),
                        f"{case} cold: {m.s2} + {m.arxiv} requests, minimum {min_s2} + {min_arxiv}",
                        problems,
                    )
                else:
                    bp.check(m.s2 + m.arxiv == 0, f"{case} warm: {m.s2 + m.arxiv}", problems)
                minimum = f"{min_s2} + {min_arxiv}" if cold else "0"
                returned = f"{len(found)} papers, {categorised} with arXiv category"
                rows.append(row(case, label, m, minimum, returned))
            ids_file = Path(tmp) / f"ids{size}.json"
            ids_file.write_text(json.dumps(refs_for(chosen)))
            cmd = [*peer, "get_papers", "--url", bench.double.base_url, "--ids-file", str(ids_file)]
            bp.log(f"{case}: semanticscholar get_papers x{options.runs}")
            m = _measure_peer(
                bench, f"{case} get_papers", options.runs, cmd, homes[0], problems, LOOKUP_FIELDS
            )
            result = bp.peer_result(m.run)
            bp.check(result.get("papers") == size, f"{case} get_papers: {result}", problems)
            rows.append(
                row(
                    case,
                    "`semanticscholar` get_papers (chunks of 500)",
                    m,
                    f"{min_s2} + 0",
                    f"{result.get('papers', '?')} papers, no arXiv metadata",
                )
            )

        case = f"search, {SEARCH_RESULTS:,} results"
        home = Path(tmp) / "search-home"
        home.mkdir()
        command = [
            *bp.scholar_cmd(),
            "search",
            WORD,
            "--sort",
            "citations",
            "--limit",
            str(SEARCH_RESULTS),
            "-f",
            "json",
        ]
        minimum_pages = math.ceil(SEARCH_RESULTS / BULK_PAGE)
        for cold in (True, False):
            label = "scholar search, " + ("cold" if cold else "warm")
            bp.log(f"{case}: {label} x{options.runs}")
            homes = [Path(tmp) / f"search{i}" for i in range(options.runs)]
            for h in homes:
                h.mkdir(exist_ok=True)
            m = bp.measure(
                bench,
                f"{case} {label}",
                options.runs,
                lambda i, cold=cold, homes=homes: (
                    command,
                    bp.scholar_env(bench.double, homes[i if cold else 0]),
                    homes[i if cold else 0],
                ),
                problems,
            )
            found = json.loads(m.run.stdout)["papers"] if m.run.returncode == 0 else []
            bp.check(len(found) == SEARCH_RESULTS, f"{case} {label}: {len(found)}", problems)
            want = minimum_pages if cold else 0
            bp.check(m.s2 + m.arxiv == want, f"{case} {label}: {m.s2} + {m.arxiv}", problems)
            rows.append(row(case, label, m, str(want), f"{len(found)} papers"))
        cmd = [*peer, "search_paper", "--url", bench.double.base_url]
        bp.log(f"{case}: semanticscholar search_paper x{options.runs}")
        m = _measure_peer(bench, f"{case} search_paper", options.runs, cmd, home, problems, None)
        result = bp.peer_result(m.run)
        bp.check(result.get("papers") == SEARCH_RESULTS, f"{case} search_paper: {result}", problems)
        rows.append(
            row(
                case,
                "`semanticscholar` search_paper(bulk=True), defaults",
                m,
                str(minimum_pages),
                f"{result.get('papers', '?')} papers",
            )
        )
    print(markdown(rows, problems))
    if options.json:
        out = Path(options.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps({"rows": [asdict(r) for r in rows], "problems": problems}, indent=2)
        )
    return 1 if problems else 0


def _measure_peer(
    bench: Any,
    label: str,
    runs: int,
    cmd: list[str],
    cwd: Path,
    problems: list[str],
    fields: str | None,
) -> bp.Measured:
    env = bp.base_env()
    if fields:
        env["PEER_FIELDS"] = fields
    return bp.measure(bench, label, runs, lambda i: (cmd, env, cwd), problems)


def run_peer(options: argparse.Namespace) -> None:
    import os

    sys.addaudithook(bp._loopback_only)
    from semanticscholar import SemanticScholar

    client = SemanticScholar(api_url=options.url)
    start = time.perf_counter()
    if options.peer == "get_papers":
        ids = json.loads(Path(options.ids_file).read_text())
        fields = os.environ["PEER_FIELDS"].split(",")
        found = []
        for first in range(0, len(ids), BATCH):  # get_papers takes at most 500 ids
            found += client.get_papers(ids[first : first + BATCH], fields=fields)
        result = {"papers": len(found)}
    else:
        results = client.search_paper(WORD, bulk=True, sort="citationCount:desc")
        found = list(itertools.islice(results, SEARCH_RESULTS))
        result = {"papers": len(found)}
    result["fetch_s"] = time.perf_counter() - start
    json.dump(result, sys.stdout)


def markdown(rows: list[Row], problems: list[str]) -> str:
    lines = [
        "| case | client | S2 req. | arXiv req. | minimum (S2 + arXiv) | returned | wall s | "
        "floor s | peak RSS MB |",
        "|---|---|---:|---:|---|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.case} | {r.client} | {r.s2_requests} | {r.arxiv_requests} | {r.minimum} | "
            f"{r.returned} | {r.wall_s:.2f} | {r.floor_s:.0f} | {r.max_rss_mb:.0f} |"
        )
    info = bp.machine()
    lines.append("")
    lines.append(
        f"Machine: {info['cpu']}, {info['nproc']} cores, Python {info['python']}, {info['os']}"
    )
    if problems:
        lines += ["", "Problems found:", *(f"- {p}" for p in problems)]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
