"""Benchmark of the cross-process rate limiter: request arrival gaps at a loopback server.

P processes (default 8) share one lock folder and each send R requests (default 4)
through ``HttpClient`` at ``--interval`` (default 0.2 s, a strict 5-per-second API) to
a loopback server that timestamps each arrival. Reported per run: the smallest gap
between two arrivals (the kernel's receive timestamps on Linux), how many gaps are
below the interval (and below interval minus the tests' tolerance), and the span
against its theoretical minimum (requests - 1) x interval. ``--load N`` adds N busy-
looping processes, to see the limiter on a loaded machine (the case where a reserved
slot and the real send drift).

Run: ``python benchmarks/bench_limiter.py [--runs 5] [--load 3]``
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import test_limiter_processes as setup
from test_limiter_processes import StrictServer, run_workers

BUSY = "while True: pass"


def one_run(interval: float) -> dict[str, float]:
    server = StrictServer(interval, 0.0)
    try:
        with tempfile.TemporaryDirectory() as folder:
            statuses = run_workers(server, Path(folder) / "locks", interval)
        arrivals = sorted(server.arrivals)
    finally:
        server.stop()
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    return {
        "requests": len(statuses),
        "min_gap": min(gaps),
        "below_interval": sum(g < interval for g in gaps),
        "below_tolerance": sum(g < interval - setup.TOLERANCE for g in gaps),
        "span": arrivals[-1] - arrivals[0],
        "minimum_span": (len(arrivals) - 1) * interval,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load", type=int, default=0)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--requests", type=int, default=4)
    args = parser.parse_args()
    setup.PROCESSES, setup.REQUESTS_EACH = args.processes, args.requests
    hogs = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(args.load)]
    try:
        time.sleep(0.5 if hogs else 0)
        print(
            f"{args.processes} processes x {args.requests} requests, interval "
            f"{args.interval} s, {args.load} busy processes"
        )
        for run in range(1, args.runs + 1):
            r = one_run(args.interval)
            print(
                f"run {run}: {r['requests']:.0f} requests, min gap {r['min_gap']:.3f} s, "
                f"{r['below_interval']:.0f} gaps < interval, {r['below_tolerance']:.0f} < "
                f"interval - {setup.TOLERANCE}, span {r['span']:.2f} s "
                f"(minimum {r['minimum_span']:.2f} s)"
            )
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


if __name__ == "__main__":
    main()
