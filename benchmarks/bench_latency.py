"""Warm latency of `scholar author` as a ratio to `scholar --help`, measured in one run.

Issue 11's goals: a warm `scholar author "Du-Seong Chang"` at most 1.2x `scholar --help`,
and at most 2x for a 2,600-paper author with CSV to a pipe. Both are whole-process wall
times, so the ratio is what a person feels and the machine's speed cancels out. One
loopback `ApiDouble` (tests/double/) holds the seed author (tests/seed.py) and a
synthetic 2,600-paper author; one `-f json` run per author fills a SCHOLAR_HOME, and
every timed run after it answers from that cache (the double's request log must stay
empty). Rounds interleave the commands so a busy machine slows them alike; each row is
the median of `--repeat` rounds.

Commands, all `python -m scholarcli` with the same environment:

* `--help` (the yardstick);
* the seed author to a pipe (CSV, the default there) and on a pseudo-terminal (table);
* the 2,600-paper author with `-f csv` to a pipe, and on a pseudo-terminal twice: the
  default table (the top 30 papers) and `--all` (every row, what the table cost before).

`--src DIR` runs another checkout's `src/` (e.g. `git archive OLD | tar -x -C DIR`) under
the same double, so before and after are measured alike; a command that checkout does
not know (`--all`) is reported as n/a. Nothing here reaches a real API (see
bench_profile.py: dead loopback proxy, loopback URLs), and it changes no product code.

Run: `python benchmarks/bench_latency.py [--repeat 9] [--src DIR] [--json [PATH]]`
(about 1 minute on 2 cores at 9 rounds). Numbers and their meaning: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_profile import REPO, machine, scholar_env

OUT_DIR = REPO / "benchmarks" / "out"
BIG_ID, BIG_NAME, BIG_PAPERS = "902600", "Yuki Tanabe", 2600
COLUMNS = "100"
# name -> (arguments after `scholar`, on a pseudo-terminal?)
COMMANDS: dict[str, tuple[list[str], bool]] = {
    "scholar --help": (["--help"], False),
    "seed author, pipe (csv)": (["author", "Du-Seong Chang"], False),
    "seed author, terminal (table)": (["author", "Du-Seong Chang"], True),
    "2,600 papers -f csv, pipe": (["author", BIG_NAME, "-f", "csv"], False),
    "2,600 papers, terminal (default)": (["author", BIG_NAME], True),
    "2,600 papers --all, terminal": (["author", BIG_NAME, "--all"], True),
}
GOALS = {"seed author, pipe (csv)": 1.2, "2,600 papers -f csv, pipe": 2.0}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(cmd: list[str], env: dict[str, str], terminal: bool) -> tuple[float, int, bytes]:
    """Wall time, exit status and stdout size of one run (stdout a pipe or a pty)."""
    if not terminal:
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, stdin=subprocess.DEVNULL)
        return time.perf_counter() - start, done.returncode, done.stderr
    leader, follower = pty.openpty()
    received = [0]

    def drain() -> None:  # read the terminal as fast as a terminal would
        try:
            while chunk := os.read(leader, 1 << 16):
                received[0] += len(chunk)
        except OSError:  # EIO once the child has exited and the follower is closed
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.perf_counter()
    done = subprocess.run(
        cmd, env=env, stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - start
    os.close(follower)
    reader.join(timeout=5)
    os.close(leader)
    return seconds, done.returncode, done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="rounds (median reported)")
    parser.add_argument("--src", help="another checkout's src/ directory to measure instead")
    parser.add_argument("--json", nargs="?", const=str(OUT_DIR / "latency.json"), default=None)
    options = parser.parse_args()
    sys.path.insert(0, str(REPO / "tests"))
    import seed
    from double import ApiDouble

    double = ApiDouble(seed=0)
    seed.load(double)
    double.populate_synthetic(BIG_ID, BIG_NAME, BIG_PAPERS, arxiv_fraction=0.6)
    problems: list[str] = []
    with double, tempfile.TemporaryDirectory() as tmp:
        env = scholar_env(double, Path(tmp))
        env.pop("NO_COLOR", None)  # a person's terminal: colour and links on
        env.update(COLUMNS=COLUMNS, TERM="xterm-256color")
        if options.src:
            env["PYTHONPATH"] = str(Path(options.src).resolve())
        scholar = [sys.executable, "-m", "scholarcli"]
        for name in ("Du-Seong Chang", BIG_NAME):
            log(f"filling the cache: {name}")
            subprocess.run(
                [*scholar, "author", name, "-f", "json"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        double.reset_log()
        times: dict[str, list[float]] = {label: [] for label in COMMANDS}
        unknown: set[str] = set()
        for round_number in range(options.repeat):
            log(f"round {round_number + 1}/{options.repeat}")
            for label, (args, terminal) in COMMANDS.items():
                if label in unknown:
                    continue
                seconds, status, stderr = timed([*scholar, *args], env, terminal)
                if status == 2 and b"--all" in stderr:  # an older checkout: no such option
                    unknown.add(label)
                    continue
                if status != 0:
                    problems.append(f"{label}: exit {status}: {stderr[-300:]!r}")
                times[label].append(seconds)
        if double.count() != 0:
            problems.append(f"{double.count()} requests during warm runs")
    medians = {label: statistics.median(v) for label, v in times.items() if v}
    help_s = medians["scholar --help"]
    lines = [
        f"Machine: {machine()['nproc']} cores, Python {machine()['python']}; "
        f"median of {options.repeat} interleaved rounds, COLUMNS={COLUMNS}"
        + (f"; src {options.src}" if options.src else "")
        + ".",
        "",
        "| command | median s | min s | x `--help` (medians) | x `--help` (minima) | goal |",
        "|---|---:|---:|---:|---:|---|",
    ]
    help_min = min(times["scholar --help"])
    for label in COMMANDS:
        if label not in medians:
            lines.append(f"| {label} | n/a | n/a | n/a | n/a | |")
            continue
        goal = GOALS.get(label)
        ratio, ratio_min = medians[label] / help_s, min(times[label]) / help_min
        # Judged on both: medians carry the machine's load, minima the program's own cost.
        met = goal is not None and ratio <= goal and ratio_min <= goal
        verdict = "" if goal is None else f"<= {goal}x {'met' if met else 'MISSED'}"
        lines.append(
            f"| {label} | {medians[label]:.3f} | {min(times[label]):.3f} "
            f"| {ratio:.2f} | {ratio_min:.2f} | {verdict} |"
        )
    print("\n".join(lines))
    if problems:
        print("\nProblems found:\n\n" + "\n".join(f"- {p}" for p in problems))
    if options.json:
        path = Path(options.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "machine": machine(),
            "src": options.src,
            "repeat": options.repeat,
            "times": times,
            "medians": medians,
            "ratios": {label: s / help_s for label, s in medians.items()},
            "problems": problems,
        }
        path.write_text(json.dumps(payload, indent=2) + "\n")
        log(f"wrote {path}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
