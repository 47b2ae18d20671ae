"""Benchmark: CPU of warm ``scholar author`` runs against ``scholar --help`` (issue 20 item 4).

``bench_latency.py`` times wall clock; on a loaded machine CPU time (user + system of
each child, ``resource.getrusage(RUSAGE_CHILDREN)``) is the steadier figure. One
loopback double holds the seed author (tests/seed.py) and a synthetic 2,600-paper
author; every tree given fills its own warm home with one ``-f json`` run per author,
then rounds interleave ``--help``, the seed author to a pipe (CSV) and the 2,600-paper
author ``-f csv`` for every tree. The double must log no request after the fill.

Run:  python benchmarks/bench_warm_cpu.py [--repeat 5] [--before DIR/src]
(``--before``: another checkout's ``src/``, e.g. ``git archive main src | tar -x -C DIR``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import seed  # noqa: E402
from double import ApiDouble, server  # noqa: E402

server._Handler.disable_nagle_algorithm = True  # see bench_refresh.py
BIG_ID, BIG_NAME, BIG_PAPERS = "902600", "Yuki Tanabe", 2600


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU, wall) seconds of one child; children run one at a time."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command[2:]} failed: {done.stderr.decode(errors='replace')}")
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", help="another checkout's src/ to measure alongside")
    args = parser.parse_args()
    trees = {"after": str(REPO / "src")}
    if args.before:
        trees = {"before": args.before, **trees}
    commands = {
        "`scholar --help`": ["--help"],
        "seed author, CSV to a pipe": ["author", seed.NAME, "-f", "csv"],
        "2,600 papers `-f csv`, pipe": ["author", BIG_NAME, "-f", "csv"],
    }
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as root, ApiDouble() as double:
        seed.load(double)
        double.populate_synthetic(BIG_ID, BIG_NAME, BIG_PAPERS, arxiv_fraction=0.6)
        base = {k: v for k, v in os.environ.items() if not k.startswith("SCHOLAR_")}
        base.pop("SEMANTIC_SCHOLAR_API_KEY", None)
        base.update(
            HTTP_PROXY="http://127.0.0.1:9",
            HTTPS_PROXY="http://127.0.0.1:9",
            NO_PROXY="127.0.0.1,localhost",
            SCHOLAR_S2_URL=double.s2_url,
            SCHOLAR_ARXIV_URL=double.arxiv_url,
            SCHOLAR_S2_INTERVAL="0",
            SCHOLAR_ARXIV_INTERVAL="0",
            NO_COLOR="1",
        )
        envs = {
            tree: dict(base, PYTHONPATH=src, SCHOLAR_HOME=str(Path(root) / tree))
            for tree, src in trees.items()
        }
        py = [sys.executable, "-m", "scholarcli"]
        for env in envs.values():
            for who in (seed.NAME, BIG_NAME):
                timed([*py, "author", who, "-f", "json"], env)
        double.reset_log()
        results: dict[tuple[str, str], list[tuple[float, float]]] = {
            (tree, name): [] for tree in trees for name in commands
        }
        for round_number in range(args.repeat):
            print(f"round {round_number + 1}/{args.repeat}", file=sys.stderr)
            for tree, env in envs.items():
                for name, argv in commands.items():
                    results[(tree, name)].append(timed([*py, *argv], env))
        if double.count() != 0:
            raise SystemExit(f"warm runs made {double.count()} requests")
    print("| tree | command | CPU s | x `--help` CPU | wall s | x `--help` wall |")
    print("|---|---|---:|---:|---:|---:|")
    for tree in trees:
        help_cpu = statistics.median(c for c, _ in results[(tree, "`scholar --help`")])
        help_wall = statistics.median(w for _, w in results[(tree, "`scholar --help`")])
        for name in commands:
            cpu = statistics.median(c for c, _ in results[(tree, name)])
            wall = statistics.median(w for _, w in results[(tree, name)])
            print(
                f"| {tree} | {name} | {cpu:.3f} | {cpu / help_cpu:.2f} | {wall:.2f} "
                f"| {wall / help_wall:.2f} |"
            )


if __name__ == "__main__":
    main()
