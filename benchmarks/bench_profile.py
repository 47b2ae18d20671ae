"""Benchmark of `scholar author`: requests, wall time and memory, cold and warm.

For authors with 9, 900 and 2,600 papers (synthetic, from the project's loopback
test double in tests/double/) it measures, in one run against one double per size:

* a cold `scholar author NAME -f json` (fresh SCHOLAR_HOME) as a subprocess: S2 and
  arXiv requests from the double's request log against the minimum
  1 search + ceil(N/1000) paper pages + ceil(A/100) arXiv batches, wall time, peak RSS;
* the warm run right after it (same SCHOLAR_HOME): it must make 0 requests;
* what users do today, at the packages' defaults and against the same double: the
  `semanticscholar` package (search the name, then iterate the author's papers) and
  the `arxiv` package (`arxiv.Search(id_list=...)` with `arxiv.Client()`), each in
  its own subprocess so wall time and peak RSS compare like for like;
* whole-process time of a warm `scholar author` against `scholar --help` (median of
  `--repeat` runs) and against a bare `python -c pass`.

Intervals are 0 (SCHOLAR_S2_INTERVAL=0, SCHOLAR_ARXIV_INTERVAL=0, arxiv
`delay_seconds=0`), so wall time is our own work plus loopback I/O; the pacing floor
against the real APIs at the default intervals (1 s S2, 3 s arXiv) is computed from
the request counts as requests x interval.

Nothing here may reach a real API: every URL points at 127.0.0.1, child processes
get a dead loopback proxy for anything else, and peer subprocesses refuse any
non-loopback socket through an audit hook. It must not change product code or the
double's files; results go to stdout (markdown) and optionally to benchmarks/out/.

Run: `python benchmarks/bench_profile.py [--json] [--sizes 9 900 2600] [--runs 3]
[--repeat 7]` (needs the bench extra: `pip install -e ".[bench]"`); each row reports
the median-time run of `--runs`. Numbers and their meaning: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "benchmarks" / "out"

SIZES = (9, 900, 2600)
ARXIV_FRACTION = 0.6  # share of an ML/NLP author's papers that are on arXiv
NAMES = {9: "Mira Halvorsen", 900: "Daniel Ferreira", 2600: "Yuki Tanabe"}
S2_INTERVAL = 1.0  # scholar's default SCHOLAR_S2_INTERVAL, S2's 1 request/s with a key
ARXIV_INTERVAL = 3.0  # scholar's default SCHOLAR_ARXIV_INTERVAL, arxiv.Client's delay_seconds
S2_PAGE = 1000
ARXIV_BATCH = 100
ARXIV_GET_414_IDS = 642  # docs/sources.md, arXiv's quirks: 642 ids over GET gave HTTP 414
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEAD_PROXY = "http://127.0.0.1:9"  # discard port: a request that escapes the URLs fails here


# ---------------------------------------------------------------- processes
@dataclass
class ProcessRun:
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: bytes
    stderr: bytes


# A small launcher runs each measured command: on Linux a child's ru_maxrss starts from
# the memory of the process that forked it (the high-water mark survives fork and exec),
# so measuring from this process, which holds the double and its data, would inflate it.
# The launcher (python -S, a few MB) posix_spawns the command and reports wall time,
# peak RSS (kB) and exit status of that one child through os.wait4.
LAUNCHER = """
import os, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(report, "w") as f:
    f.write(f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_process(cmd: list[str], env: dict[str, str], cwd: Path) -> ProcessRun:
    """Run `cmd` to completion: its wall time, its own peak RSS and its output."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".txt") as report,
    ):
        launcher = [sys.executable, "-S", "-c", LAUNCHER, report.name, *cmd]
        status = subprocess.run(
            launcher, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd
        )
        if status.returncode != 0:
            raise RuntimeError(f"launcher failed for {cmd}: exit {status.returncode}")
        seconds, max_rss_kb, returncode = report.read().split()
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in kilobytes on Linux.
        return ProcessRun(
            float(seconds), int(max_rss_kb) / 1024, int(returncode), out.read(), err.read()
        )


# Set in some sandboxes and CI images but not by a typical user: without a bytecode
# cache every run compiles the package again (PYTHONUNBUFFERED=1 made no measurable
# difference, but is dropped too so the environment is a plain user's).
NOT_INHERITED = {
    "SEMANTIC_SCHOLAR_API_KEY",
    "NO_COLOR",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
}


def base_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SCHOLAR_") and k not in NOT_INHERITED and "proxy" not in k.lower()
    }
    env.update(
        NO_COLOR="1",
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    return env


def scholar_env(double: Any, home: Path) -> dict[str, str]:
    env = base_env()
    env.update(
        SCHOLAR_HOME=str(home),
        SCHOLAR_S2_URL=double.s2_url,
        SCHOLAR_ARXIV_URL=double.arxiv_url,
        SCHOLAR_S2_INTERVAL="0",
        SCHOLAR_ARXIV_INTERVAL="0",
    )
    return env


def scholar_cmd() -> list[str]:
    return [sys.executable, "-m", "scholarcli"]


def scholar_script() -> list[str]:
    """The installed console script `scholar` (what users type), else `-m scholarcli`."""
    script = Path(sys.executable).with_name("scholar")
    return [str(script)] if script.exists() else scholar_cmd()


# -------------------------------------------------------------- the double
class CountingDouble:
    """An `ApiDouble` whose response bodies are also measured (bytes per source)."""

    def __init__(self, n_papers: int) -> None:
        sys.path.insert(0, str(REPO / "tests"))
        from double import ApiDouble

        self.double = ApiDouble(seed=0)
        self.n_papers = n_papers
        self.author_id = str(900_000 + n_papers)
        self.name = NAMES.get(n_papers, f"Bench Author{n_papers}")
        self.double.populate_synthetic(
            self.author_id, self.name, n_papers, arxiv_fraction=ARXIV_FRACTION
        )
        papers = self.double.store.author_papers(self.author_id)
        self.arxiv_ids = sorted({p.arxiv_id for p in papers if p.arxiv_id})
        self._bytes: dict[str, int] = {}
        self._server_s = 0.0  # time the double spent building answers (not the client's)
        self._lock = threading.Lock()
        answer = self.double._answer

        def measured(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            source, route, response, shot = answer(*args, **kwargs)
            spent = time.perf_counter() - start
            with self._lock:
                size = len(response.body) if response is not None else 0
                self._bytes[route] = self._bytes.get(route, 0) + size
                self._server_s += spent
            return source, route, response, shot

        self.double._answer = measured  # instance attribute: the double's file is untouched

    def __enter__(self) -> CountingDouble:
        self.double.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.double.stop()

    def reset(self) -> None:
        self.double.reset_log()
        with self._lock:
            self._bytes.clear()
            self._server_s = 0.0

    def counts(self) -> dict[str, int]:
        return {
            "s2": self.double.count("s2"),
            "arxiv": self.double.count("arxiv"),
            "other": self.double.count("other"),
        }

    def routes(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for request in list(self.double.requests):
            found[request.route] = found.get(request.route, 0) + 1
        return found

    def received_mb(self) -> dict[str, float]:
        """Response megabytes by route (`s2.author_search`, `arxiv.query`, ...)."""
        with self._lock:
            return {route: size / 1e6 for route, size in self._bytes.items()}

    def server_s(self) -> float:
        with self._lock:
            return self._server_s


# ------------------------------------------------------------------- rows
@dataclass
class Row:
    n_papers: int
    arxiv_papers: int
    client: str
    s2_requests: int
    arxiv_requests: int
    minimum: int
    returned: str
    wall_s: float
    floor_s: float
    max_rss_mb: float
    received_mb: dict[str, float]
    server_s: float
    routes: dict[str, int] = field(default_factory=dict)
    notes: str = ""

    @property
    def requests(self) -> int:
        return self.s2_requests + self.arxiv_requests

    def received(self, source: str) -> float:
        return sum(mb for route, mb in self.received_mb.items() if route.startswith(source))


def minimum_requests(n_papers: int, arxiv_papers: int) -> tuple[int, int]:
    """(S2, arXiv) minimum for a cold profile: 1 search + pages, then id batches."""
    return 1 + math.ceil(n_papers / S2_PAGE), math.ceil(arxiv_papers / ARXIV_BATCH)


def pacing_floor(s2: int, arxiv: int) -> float:
    return s2 * S2_INTERVAL + arxiv * ARXIV_INTERVAL


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check(condition: bool, problem: str, problems: list[str]) -> None:
    if not condition:
        problems.append(problem)
        log(f"PROBLEM: {problem}")


@dataclass
class Measured:
    """The median-time run of a client plus what the double saw (identical every run)."""

    run: ProcessRun
    s2: int
    arxiv: int
    received_mb: dict[str, float]
    server_s: float
    routes: dict[str, int]


def measure(
    bench: CountingDouble,
    label: str,
    runs: int,
    launch: Callable[[int], tuple[list[str], dict[str, str], Path]],
    problems: list[str],
) -> Measured:
    """Run `launch(i)` `runs` times; keep the median wall time, check the counts agree."""
    results: list[Measured] = []
    for index in range(runs):
        cmd, env, cwd = launch(index)
        bench.reset()
        run = run_process(cmd, env, cwd)
        counts = bench.counts()
        check(run.returncode == 0, f"{label}: exit {run.returncode}", problems)
        if run.returncode != 0:
            log(run.stderr.decode(errors="replace")[-2000:])
        check(
            counts["other"] == 0, f"{label}: {counts['other']} requests to unknown paths", problems
        )
        results.append(
            Measured(
                run,
                counts["s2"],
                counts["arxiv"],
                bench.received_mb(),
                bench.server_s(),
                bench.routes(),
            )
        )
    distinct = {(m.s2, m.arxiv) for m in results}
    check(len(distinct) == 1, f"{label}: request counts differ between runs: {distinct}", problems)
    return sorted(results, key=lambda m: m.run.seconds)[len(results) // 2]


def bench_size(
    n_papers: int, runs: int, repeat: int, problems: list[str]
) -> tuple[list[Row], list[dict]]:
    rows: list[Row] = []
    timings: list[dict] = []
    with CountingDouble(n_papers) as bench, tempfile.TemporaryDirectory() as tmp:
        n_arxiv = len(bench.arxiv_ids)
        min_s2, min_arxiv = minimum_requests(n_papers, n_arxiv)
        homes = [Path(tmp) / f"home{i}" for i in range(runs)]
        for home in homes:
            home.mkdir()
        command = [*scholar_cmd(), "author", bench.name, "-f", "json"]
        tag = f"N={n_papers}"

        def scholar_row(label: str, cold: bool) -> Row:
            # Cold: a fresh SCHOLAR_HOME per run. Warm: the home the first cold run filled.
            measured = measure(
                bench,
                f"{tag} {label}",
                runs,
                lambda i: (
                    command,
                    scholar_env(bench.double, homes[i if cold else 0]),
                    homes[i if cold else 0],
                ),
                problems,
            )
            papers: list[dict] = []
            if measured.run.returncode == 0:
                papers = json.loads(measured.run.stdout)["papers"]
            enriched = sum(1 for p in papers if p.get("arxiv_id") and p.get("category"))
            check(len(papers) == n_papers, f"{tag} {label}: {len(papers)} papers", problems)
            check(enriched == n_arxiv, f"{tag} {label}: {enriched} with a category", problems)
            if cold:
                check(
                    measured.s2 <= min_s2 and measured.arxiv <= min_arxiv,
                    f"{tag} cold: {measured.s2} S2 + {measured.arxiv} arXiv requests, "
                    f"minimum {min_s2} + {min_arxiv} (routes {measured.routes})",
                    problems,
                )
            else:
                check(
                    measured.s2 + measured.arxiv == 0,
                    f"{tag} warm: {measured.s2 + measured.arxiv} requests "
                    f"(routes {measured.routes})",
                    problems,
                )
            return make_row(
                bench,
                label,
                measured,
                min_s2 + min_arxiv if cold else 0,
                f"{len(papers)} papers, {enriched} with arXiv category",
            )

        log(f"{tag}: {n_arxiv} arXiv papers; scholar cold x{runs}")
        rows.append(scholar_row("scholar author, cold", cold=True))
        log(f"{tag}: scholar warm x{runs}")
        rows.append(scholar_row("scholar author, warm", cold=False))

        log(f"{tag}: semanticscholar package x{runs}")
        peer_env = base_env()
        peer = [sys.executable, str(Path(__file__).resolve()), "--peer"]
        s2_cmd = [*peer, "semanticscholar", "--url", bench.double.base_url, "--name", bench.name]
        measured = measure(
            bench, f"{tag} semanticscholar", runs, lambda i: (s2_cmd, peer_env, homes[0]), problems
        )
        result = peer_result(measured.run)
        check(
            result.get("papers") == n_papers,
            f"{tag} semanticscholar: {result.get('papers')} papers",
            problems,
        )
        rows.append(
            make_row(
                bench,
                "`semanticscholar` package, defaults",
                measured,
                min_s2,
                f"{result.get('papers', '?')} papers",
                f"fetch {result.get('fetch_s', 0):.2f} s in-process; "
                f"page limit {result.get('limit')}",
            )
        )

        ids_file = Path(tmp) / "arxiv_ids.json"
        ids_file.write_text(json.dumps(bench.arxiv_ids))
        for max_results in ("default", "none"):
            log(f"{tag}: arxiv package, max_results={max_results} x{runs}")
            arxiv_cmd = [
                *peer,
                "arxiv",
                "--url",
                bench.double.arxiv_url,
                "--ids-file",
                str(ids_file),
                "--max-results",
                max_results,
            ]
            measured = measure(
                bench,
                f"{tag} arxiv",
                runs,
                lambda i, cmd=arxiv_cmd: (cmd, peer_env, homes[0]),
                problems,
            )
            result = peer_result(measured.run)
            if max_results == "none":  # at its defaults it may truncate: reported, not checked
                check(
                    result.get("entries") == n_arxiv,
                    f"{tag} arxiv max_results=None: {result.get('entries')} entries",
                    problems,
                )
            ids_per_get = result.get("max_id_list", 0)
            note = (
                f"fetch {result.get('fetch_s', 0):.2f} s in-process; every GET carries all "
                f"{ids_per_get} ids ({result.get('max_url_chars', 0):,}-character URL)"
            )
            if ids_per_get > ARXIV_GET_414_IDS:
                note += f"; real arXiv answers 414 above ~{ARXIV_GET_414_IDS} ids"
            label = (
                "`arxiv` package, defaults"
                if max_results == "default"
                else "`arxiv` package, `max_results=None`"
            )
            rows.append(
                make_row(
                    bench,
                    label,
                    measured,
                    min_arxiv,
                    f"{result.get('entries', '?')} entries",
                    note,
                )
            )
        rows.append(combined_peers(rows[-3], rows[-2], min_s2 + min_arxiv))

        log(f"{tag}: whole-process, warm x{repeat}")
        warm_cmd = [*scholar_script(), "author", bench.name, "-f", "json"]
        bench.reset()
        label = f"scholar author (warm, N={n_papers}) -f json"
        env = scholar_env(bench.double, homes[0])
        timings.append(repeated(label, warm_cmd, env, homes[0], repeat))
        warm_requests = bench.counts()["s2"] + bench.counts()["arxiv"]
        check(warm_requests == 0, f"{tag}: {warm_requests} requests in timed warm runs", problems)
    return rows, timings


def make_row(
    bench: CountingDouble,
    client: str,
    measured: Measured,
    minimum: int,
    returned: str,
    notes: str = "",
) -> Row:
    return Row(
        bench.n_papers,
        len(bench.arxiv_ids),
        client,
        measured.s2,
        measured.arxiv,
        minimum,
        returned,
        measured.run.seconds,
        pacing_floor(measured.s2, measured.arxiv),
        measured.run.max_rss_mb,
        measured.received_mb,
        measured.server_s,
        measured.routes,
        notes,
    )


def combined_peers(s2_row: Row, arxiv_row: Row, minimum: int) -> Row:
    """What a user of both packages does: the sum of their defaults rows."""
    return Row(
        s2_row.n_papers,
        s2_row.arxiv_papers,
        "both packages, defaults (sum)",
        s2_row.s2_requests,
        arxiv_row.arxiv_requests,
        minimum,
        f"{s2_row.returned.split(',')[0]} + {arxiv_row.returned.split(',')[0]}",
        s2_row.wall_s + arxiv_row.wall_s,
        s2_row.floor_s + arxiv_row.floor_s,
        max(s2_row.max_rss_mb, arxiv_row.max_rss_mb),
        {
            route: s2_row.received_mb.get(route, 0) + arxiv_row.received_mb.get(route, 0)
            for route in {*s2_row.received_mb, *arxiv_row.received_mb}
        },
        s2_row.server_s + arxiv_row.server_s,
    )


def peer_result(run: ProcessRun) -> dict[str, Any]:
    return json.loads(run.stdout) if run.returncode == 0 else {}


def repeated(label: str, cmd: list[str], env: dict[str, str], cwd: Path, repeat: int) -> dict:
    runs = [run_process(cmd, env, cwd) for _ in range(repeat)]
    failed = [r.returncode for r in runs if r.returncode != 0]
    if failed:
        raise RuntimeError(f"{label}: exit codes {failed}: {runs[0].stderr[-500:]!r}")
    seconds = [r.seconds for r in runs]
    return {
        "command": label,
        "runs": repeat,
        "median_s": statistics.median(seconds),
        "min_s": min(seconds),
        "max_s": max(seconds),
        "median_max_rss_mb": statistics.median(r.max_rss_mb for r in runs),
    }


WARM_BYTECODE = """
import importlib, pkgutil, scholarcli
for module in pkgutil.walk_packages(scholarcli.__path__, "scholarcli."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
import pandas, semanticscholar, arxiv
"""


def warm_bytecode() -> None:
    """Import everything once, untimed, so no measured run pays for writing .pyc files."""
    subprocess.run([sys.executable, "-c", WARM_BYTECODE], check=True, env=base_env(), cwd=REPO)


def baseline_timings(repeat: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = base_env()
        env["SCHOLAR_HOME"] = str(home)
        return [
            repeated("scholar --help", [*scholar_script(), "--help"], env, home, repeat),
            repeated("python -c pass", [sys.executable, "-c", "pass"], env, home, repeat),
        ]


# ------------------------------------------------------------------- peers
def _loopback_only(event: str, args: tuple[Any, ...]) -> None:
    """Audit hook for peer processes: any socket to a non-loopback host is an error."""
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise RuntimeError(f"benchmark refused a connection to {address!r}")
    elif event == "socket.getaddrinfo":
        host = args[0]
        if isinstance(host, bytes):
            host = host.decode()
        if host is not None and host not in LOOPBACK:
            raise RuntimeError(f"benchmark refused to resolve {host!r}")


def run_peer(options: argparse.Namespace) -> None:
    sys.addaudithook(_loopback_only)
    if options.peer == "semanticscholar":
        from semanticscholar import SemanticScholar

        # The documented `api_url` argument; the package appends /graph/v1 itself.
        client = SemanticScholar(api_url=options.url)
        start = time.perf_counter()
        candidates = client.search_author(options.name)  # defaults: limit 100, all fields
        pages = client.get_author_papers(candidates[0].authorId)  # defaults: limit 100
        papers = list(pages)  # iterating follows `next` page by page
        fetch_s = time.perf_counter() - start
        result = {"papers": len(papers), "fetch_s": fetch_s, "limit": pages._limit}
    else:
        import arxiv

        ids = json.loads(Path(options.ids_file).read_text())
        client = arxiv.Client(delay_seconds=0)  # default 3.0; pacing floor computed instead
        # Not a patch of the package: an instance attribute shadowing the class default
        # "https://export.arxiv.org/api/query?{}".
        client.query_url_format = options.url + "?{}"
        search = (
            arxiv.Search(id_list=ids)
            if options.max_results == "default"
            else arxiv.Search(id_list=ids, max_results=None)
        )
        start = time.perf_counter()
        entries = list(client.results(search))
        fetch_s = time.perf_counter() - start
        result = {
            "entries": len(entries),
            "fetch_s": fetch_s,
            "page_size": client.page_size,
            "max_id_list": len(ids),
            "max_url_chars": len(client._format_url(search, 0, client.page_size)),
        }
    json.dump(result, sys.stdout)


# ------------------------------------------------------------------ output
def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    with_model = Path("/proc/cpuinfo")
    if with_model.exists():
        for line in with_model.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("scholarcli", "semanticscholar", "arxiv", "httpx", "requests"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def markdown(rows: list[Row], timings: list[dict], info: dict[str, Any]) -> str:
    lines = [
        f"Machine: {info['machine']['nproc']} cores ({info['machine']['cpu']}), "
        f"Python {info['machine']['python']}, {info['machine']['os']}. "
        "Packages: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".",
        "",
        f"Requests, wall time and peak RSS of the median-time run of {info['runs']} per row "
        "(cold: a fresh SCHOLAR_HOME each run); intervals 0.",
        "",
        "| N papers | arXiv papers | client | S2 req | arXiv req | total | minimum "
        "| returned | wall s (intervals 0) | of which double s | floor at 1 s / 3 s "
        "| peak RSS MB | received MB S2 / arXiv |",
        "|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.n_papers:,} | {r.arxiv_papers:,} | {r.client} | {r.s2_requests} "
            f"| {r.arxiv_requests} | {r.requests} | {r.minimum} | {r.returned} "
            f"| {r.wall_s:.2f} | {r.server_s:.2f} | {r.floor_s:.0f} s | {r.max_rss_mb:.0f} "
            f"| {r.received('s2.'):.2f} / {r.received('arxiv.'):.2f} |"
        )
    noted = [r for r in rows if r.notes]
    if noted:
        lines += ["", "Peer notes:", ""]
        lines += [f"- N={r.n_papers:,}, {r.client}: {r.notes}" for r in noted]
    lines += [
        "",
        f"Whole process, median of {timings[0]['runs']} runs "
        "(`scholar` console script, warm cache, loopback double):",
        "",
        "| command | median s | min s | max s | peak RSS MB (median) |",
        "|---|---:|---:|---:|---:|",
    ]
    for t in timings:
        lines.append(
            f"| `{t['command']}` | {t['median_s']:.3f} | {t['min_s']:.3f} "
            f"| {t['max_s']:.3f} | {t['median_max_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per client and size (median wall time)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="runs per whole-process timing")
    parser.add_argument(
        "--json",
        nargs="?",
        const=str(OUT_DIR / "profile.json"),
        default=None,
        help="also write results as JSON (default path benchmarks/out/profile.json)",
    )
    parser.add_argument("--peer", choices=("semanticscholar", "arxiv"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    parser.add_argument("--ids-file", help=argparse.SUPPRESS)
    parser.add_argument("--max-results", default="default", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.peer:
        run_peer(options)
        return 0

    os.environ.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    started = time.perf_counter()
    problems: list[str] = []
    warm_bytecode()
    rows: list[Row] = []
    timings: list[dict] = []
    for n_papers in options.sizes:
        size_rows, size_timings = bench_size(n_papers, options.runs, options.repeat, problems)
        rows += size_rows
        timings += size_timings
    log("baselines: scholar --help, python -c pass")
    timings += baseline_timings(options.repeat)
    info = {
        "machine": machine(),
        "versions": _versions(),
        "command": "python benchmarks/bench_profile.py " + " ".join(sys.argv[1:]),
        "runs": options.runs,
        "repeat": options.repeat,
        "total_s": time.perf_counter() - started,
    }
    print(markdown(rows, timings, info))
    if problems:
        print("\nProblems found:\n")
        print("\n".join(f"- {p}" for p in problems))
    log(f"total {info['total_s']:.0f} s")
    if options.json:
        path = Path(options.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            **info,
            "rows": [asdict(r) | {"requests": r.requests} for r in rows],
            "timings": timings,
            "problems": problems,
        }
        path.write_text(json.dumps(payload, indent=2) + "\n")
        log(f"wrote {path}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
