"""Benchmark of `scholar report`: page size and warm write time against the budgets.

Issue 12's budgets: the seed author's report under 1 MB and written warm in under
1.5 s; the 2,600-paper author's under 5 MB and 5 s. For each author, against one
loopback test double (tests/double/), this script runs as subprocesses, with a fresh
`SCHOLAR_HOME`:

* a cold `scholar report NAME -o FILE` (fills the cache: the profile, arXiv metadata and
  citations per year; its requests are counted from the double's log);
* `--repeat` warm runs of the same command (each must make 0 requests): the median,
  min and max wall time of the whole process (what a user waits for) and its peak RSS;
* the same warm command's work split in one process: gathering from the cache
  (`report.data.people_reports`), drawing the four charts, and filling the template;
* for scale, a warm `scholar author NAME -f json` and `scholar --help` in the same way.

The seed author is tests/seed.py (9 papers); the large one is the double's
`populate_synthetic` author of benchmarks/bench_profile.py (2,600 papers, 60 % on arXiv).
Nothing here reaches a real API: URLs point at 127.0.0.1 and children get a dead
loopback proxy (bench_profile.base_env). It must not change product code.

Run: `python benchmarks/bench_report.py [--repeat 5] [--sizes 9 2600] [--json [PATH]]`
(needs the report extra: `pip install -e ".[report]"`). Figures: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_profile import (  # noqa: E402
    base_env,
    machine,
    run_process,
    scholar_env,
    scholar_script,
)

AS_OF = "2026-11-27"
BUDGETS = {9: (1.0, 1.5), 2600: (5.0, 5.0)}  # papers -> (MB, warm seconds)
LARGE_NAME = "Yuki Tanabe"  # bench_profile's 2,600-paper author
ARXIV_FRACTION = 0.6


@dataclass
class Result:
    papers: int
    name: str
    page_mb: float
    budget_mb: float
    cold_s: float
    cold_requests: int
    warm_median_s: float
    warm_min_s: float
    warm_max_s: float
    warm_rss_mb: float
    warm_cpu_s: float
    warm_requests: int
    budget_s: float
    phases: dict[str, float]
    author_json_s: float
    help_s: float

    @property
    def within(self) -> bool:
        return self.page_mb < self.budget_mb and self.warm_median_s < self.budget_s


# Import everything once, untimed, so no measured run pays for writing .pyc files.
WARM_BYTECODE = """
import importlib, pkgutil, scholarcli
for module in pkgutil.walk_packages(scholarcli.__path__, "scholarcli."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
import matplotlib.pyplot, jinja2
"""


def warm_bytecode() -> None:
    import subprocess

    subprocess.run([sys.executable, "-c", WARM_BYTECODE], check=True, env=base_env(), cwd=REPO)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def start_double(papers: int) -> tuple[Any, str]:
    import seed
    from double import ApiDouble

    double = ApiDouble(seed=0).start()
    if papers == len(seed.PAPERS):
        seed.load(double)
        return double, seed.NAME
    double.populate_synthetic(
        str(900_000 + papers), LARGE_NAME, papers, arxiv_fraction=ARXIV_FRACTION
    )
    return double, LARGE_NAME


def median_run(cmd: list[str], env: dict[str, str], cwd: Path, repeat: int) -> dict[str, float]:
    """Wall time (median, min, max), peak RSS and CPU seconds (user + system) per run.

    CPU comes from this process's children's usage, launcher included (a `python -S`
    of a few milliseconds): on a shared machine it moves less than wall time does.
    """
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    runs = [run_process(cmd, env, cwd) for _ in range(repeat)]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / repeat
    failed = [r for r in runs if r.returncode != 0]
    if failed:
        raise SystemExit(f"{cmd} failed: {failed[0].stderr.decode()[-400:]}")
    seconds = [r.seconds for r in runs]
    return {
        "median": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "rss": statistics.median(r.max_rss_mb for r in runs),
        "cpu": cpu,
    }


def phases(home: Path, double: Any, name: str) -> dict[str, float]:
    """One warm report's work split, timed in a fresh process-like order in this one:
    importing matplotlib and jinja2, gathering from the cache, drawing the charts
    (second drawing, warm) and filling the template (the page minus its charts)."""
    import os

    start = time.perf_counter()
    import jinja2  # noqa: F401
    import matplotlib.figure  # noqa: F401

    imported = time.perf_counter()
    from scholarcli.config import load_settings
    from scholarcli.core import Context, Freshness
    from scholarcli.report import charts, data, html

    saved = dict(os.environ)
    os.environ.update(scholar_env(double, home))
    try:
        ctx = Context.open(load_settings())
        try:
            gather_start = time.perf_counter()
            people = data.people_reports(
                ctx, [name], [], as_of=date.fromisoformat(AS_OF), fresh=Freshness()
            )
            gathered = time.perf_counter()
            html.render_page(people)  # the first drawing pays matplotlib's warm-up
            drawn = time.perf_counter()
            for index, person in enumerate(people, start=1):
                charts.person_charts(person, f"p{index}")
            charts_s = time.perf_counter() - drawn
            page_start = time.perf_counter()
            html.render_page(people)
            page_s = time.perf_counter() - page_start
        finally:
            ctx.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        "import": imported - start,
        "gather": gathered - gather_start,
        "first_page": drawn - gathered,
        "charts": charts_s,
        "template": page_s - charts_s,
    }


def bench(papers: int, repeat: int, folder: Path) -> Result:
    double, name = start_double(papers)
    try:
        home = folder / f"home-{papers}"
        page = folder / f"report-{papers}.html"
        env = scholar_env(double, home)
        cmd = [*scholar_script(), "report", name, "--as-of", AS_OF, "-o", str(page)]
        log(f"{papers} papers: cold report")
        cold = run_process(cmd, env, folder)
        if cold.returncode != 0:
            raise SystemExit(f"cold report failed: {cold.stderr.decode()[-400:]}")
        cold_requests = double.count()
        double.reset_log()
        log(f"{papers} papers: {repeat} warm reports")
        warm = median_run(cmd, env, folder, repeat)
        warm_requests = double.count()
        size_mb = page.stat().st_size / 1e6
        author = [*scholar_script(), "author", name, "--as-of", AS_OF, "-f", "json"]
        author_warm = median_run(author, env, folder, repeat)
        helped = median_run([*scholar_script(), "--help"], base_env(), folder, repeat)
        split = phases(home, double, name)
    finally:
        double.stop()
    budget_mb, budget_s = BUDGETS.get(papers, (float("nan"), float("nan")))
    return Result(
        papers=papers,
        name=name,
        page_mb=size_mb,
        budget_mb=budget_mb,
        cold_s=cold.seconds,
        cold_requests=cold_requests,
        warm_median_s=warm["median"],
        warm_min_s=warm["min"],
        warm_max_s=warm["max"],
        warm_rss_mb=warm["rss"],
        warm_cpu_s=warm["cpu"],
        warm_requests=warm_requests,
        budget_s=budget_s,
        phases=split,
        author_json_s=author_warm["median"],
        help_s=helped["median"],
    )


def markdown(results: list[Result], repeat: int) -> str:
    lines = [
        f"Warm times: median (min–max) of {repeat} whole-process runs. Split: one warm "
        "run in-process: import of matplotlib + jinja2 / gather from the cache / "
        "first page (charts + template, matplotlib's warm-up) / charts again / template.",
        "",
        "| author | page | budget | cold (requests) | warm write | budget | CPU | peak RSS "
        "| split (s) | warm `author -f json` | `--help` | within |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.papers:,} papers | {r.page_mb * 1000:,.0f} kB | {r.budget_mb:g} MB "
            f"| {r.cold_s:.2f} s ({r.cold_requests:,}) "
            f"| **{r.warm_median_s:.2f} s** ({r.warm_min_s:.2f}–{r.warm_max_s:.2f}) "
            f"| {r.budget_s:g} s | {r.warm_cpu_s:.2f} s | {r.warm_rss_mb:.0f} MB "
            f"| {' / '.join(f'{v:.2f}' for v in r.phases.values())} "
            f"| {r.author_json_s:.2f} s | {r.help_s:.2f} s "
            f"| {'yes' if r.within else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[9, 2600])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", nargs="?", const=REPO / "benchmarks/out/report.json", type=Path)
    options = parser.parse_args()
    warm_bytecode()
    with tempfile.TemporaryDirectory() as folder:
        results = [bench(n, options.repeat, Path(folder)) for n in options.sizes]
    print(markdown(results, options.repeat))
    load = " / ".join(f"{x:.1f}" for x in __import__("os").getloadavg())
    print(f"Machine: {machine()}; load average (1/5/15 min) at the end: {load}")
    problems = [r for r in results if not r.within or r.warm_requests]
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"machine": machine(), "results": [asdict(r) for r in results]}
        options.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    for r in problems:
        log(f"problem: {r.papers} papers: over budget or warm requests ({r.warm_requests})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
