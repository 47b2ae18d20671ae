"""Benchmark: requests and credits of ``scholar author --source openalex``, against the
minimum OpenAlex's limits imply and against pyalex doing the same job in the same run.

Against the loopback double (tests/double, OpenAlex under /openalex) with the request
intervals set to 0, so times measure the tools, not politeness (at the default 0.1 s
interval every OpenAlex request adds at least 0.1 s). Credits are what the double's
metering charged (0 for a record by id, 1 for a list page, 10 for a search), read from
its budget pool, exactly as the real proxy would charge them.

Two people:

* the seed author (tests/openalex_seed.py): 9 works plus 2 consortium works, one with
  the author 130th of 140 (OpenAlex's author filter misses it), one cut at 100 authors
  on list pages;
* a 2,600-work author (``populate``) with a consortium work every 500 (5 works the
  author filter misses).

The job: find the person by name and list every work with its authors. The minimum:
1 name search (10 credits) + ceil(listed / 100) list pages (1 credit each) + the
100-author trap's cost (1 name sweep page, 10 credits, when the list came back short of
works_count; one free record per work cut at 100 authors or found by the sweep). Warm,
the minimum is 0. pyalex's idiomatic version (``Authors().search(name)``, then
``Works().filter(authorships={"author": {"id": ...}}).paginate(per_page=100)``) runs
against the same double; it has no cache, so warm equals cold, and it misses what the
author filter misses.

Both cursor end signals are measured: the server's behaviour since 2026-04 (null
``next_cursor`` on the last page) and before (a cursor to one more, empty page).

Run:  python benchmarks/bench_openalex.py [--works 2600]
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
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import openalex_seed  # noqa: E402
import seed  # noqa: E402
from double import ApiDouble, server  # noqa: E402
from double.openalex_store import populate  # noqa: E402

server._Handler.disable_nagle_algorithm = True
BIG_ID, BIG_NAME = "A5999000001", "Mina Example-Park"


@dataclass
class Run:
    requests: int
    credits: int
    works: int
    seconds: float
    arxiv: int = 0
    missed: int = 0


def scholar(double: ApiDouble, env: dict[str, str], name: str) -> Run:
    pool = double.openalex.pool(None)
    before = pool.used
    double.reset_log()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "scholarcli", "author", name, "--source", "openalex", "-f", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"scholar failed ({done.returncode}): {done.stderr}")
    works = len(json.loads(done.stdout)["papers"])
    return Run(double.count("openalex"), pool.used - before, works, elapsed, double.count("arxiv"))


def _pyalex_to_double(double: ApiDouble) -> None:
    """Send pyalex's requests to the double: pyalex 0.21 builds every URL on
    https://api.openalex.org whatever ``config.openalex_url`` says, so its session
    rewrites them, and refuses anything else, before a byte leaves the machine."""
    import pyalex.api
    import requests
    from requests.adapters import HTTPAdapter

    real = "https://api.openalex.org"

    class ToDouble(HTTPAdapter):
        def send(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
            url = str(request.url)
            if not url.startswith(real + "/"):
                raise RuntimeError(f"pyalex asked for {url}: not the double")
            request.url = double.openalex_url + url[len(real) :]
            return super().send(request, *args, **kwargs)

    def session() -> requests.Session:
        made = requests.Session()
        made.mount("https://", ToDouble())
        made.mount("http://", ToDouble())
        return made

    pyalex.api._get_requests_session = session


def pyalex_job(double: ApiDouble, name: str, expected_ids: set[str]) -> Run:
    import pyalex

    _pyalex_to_double(double)
    pyalex.config.api_key = None
    pyalex.config.max_retries = 0
    pool = double.openalex.pool(None)
    before = pool.used
    double.reset_log()
    started = time.perf_counter()
    author = pyalex.Authors().search(name).get()[0]
    found: set[str] = set()
    query = pyalex.Works().filter(authorships={"author": {"id": author["id"]}})
    for page in query.paginate(per_page=100, n_max=None):
        found.update(str(w["id"]).rsplit("/", 1)[-1] for w in page)
    elapsed = time.perf_counter() - started
    return Run(
        double.count("openalex"),
        pool.used - before,
        len(found),
        elapsed,
        missed=len(expected_ids - found),
    )


def minimum(listed: int, cut: int, trapped: int) -> tuple[int, int]:
    """(requests, credits) the limits imply for the job, trap included."""
    sweep = 1 if trapped else 0
    requests = 1 + max(1, math.ceil(listed / 100)) + sweep + cut + trapped
    credits = 10 + max(1, math.ceil(listed / 100)) + 10 * sweep
    return requests, credits


def row(label: str, run: Run, best: tuple[int, int] | None) -> str:
    floor = f"{best[0]:>4} / {best[1]:>4}" if best else "   - /    -"
    return (
        f"| {label:<38} | {run.requests:>5} | {run.credits:>5} | {floor} | {run.works:>6} "
        f"| {run.missed:>6} | {run.seconds:>6.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--works", type=int, default=2600)
    args = parser.parse_args()
    print(
        "| job | requests | credits | minimum req / cr | works | missed | seconds |\n"
        "|---|---:|---:|---:|---:|---:|---:|"
    )
    for end in ("null_on_last", "empty_after"):
        with ApiDouble() as double, tempfile.TemporaryDirectory() as home:
            double.openalex.cursor_end = end
            seed.load(double)
            openalex_seed.load(double)
            populate(double.openalex, BIG_ID, BIG_NAME, args.works, consortium_every=500)
            env = {
                **os.environ,
                "SCHOLAR_HOME": home,
                "SCHOLAR_OPENALEX_URL": double.openalex_url,
                "SCHOLAR_ARXIV_URL": double.arxiv_url,
                "SCHOLAR_S2_URL": double.s2_url,
                "SCHOLAR_OPENALEX_INTERVAL": "0",
                "SCHOLAR_ARXIV_INTERVAL": "0",
                "NO_COLOR": "1",
                "PYTHONPATH": str(REPO / "src"),
            }
            env.pop("OPENALEX_API_KEY", None)
            people = [
                (openalex_seed.NAME, openalex_seed.AUTHOR_ID, 10, 1, 1),
                (BIG_NAME, BIG_ID, args.works - args.works // 500, 0, args.works // 500),
            ]
            for name, author_id, listed, cut, trapped in people:
                everything = {w.work_id for w in double.openalex.works_of(author_id)}
                best = minimum(listed, cut, trapped)
                tag = f"{name} ({len(everything):,} works), {end}"
                cold = scholar(double, env, name)
                cold.missed = len(everything) - cold.works
                print(row(f"scholar cold: {tag}", cold, best))
                warm = scholar(double, env, name)
                warm.missed = len(everything) - warm.works
                print(row(f"scholar warm: {tag}", warm, (0, 0)))
                print(row(f"pyalex (no cache): {tag}", pyalex_job(double, name, everything), best))
    print(
        "\nscholar's arXiv requests are not in the table (arXiv enrichment, as for S2); "
        "`missed` = works of the person the job did not return."
    )


if __name__ == "__main__":
    main()
