"""SIGKILL at random moments: the cache stays consistent and a rerun finishes the job.

A real ``scholar author`` subprocess is killed at seeded random times while it
fetches a 2,600-paper profile (three S2 pages, sixteen arXiv batches, slowed down
a little so kills land inside the work). After every kill the database passes
``PRAGMA integrity_check``, no author's paper list is half committed, and the
final rerun gives exactly the result of an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

NAME = "Crash Test Author"
TRIALS = 12


def _env(double, home: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(
        os.environ,
        SCHOLAR_HOME=str(home),
        SCHOLAR_S2_URL=double.s2_url,
        SCHOLAR_ARXIV_URL=double.arxiv_url,
        # Small but real intervals stretch the run over many commits.
        SCHOLAR_S2_INTERVAL="0.05",
        SCHOLAR_ARXIV_INTERVAL="0.05",
    )


def _run(env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, "-m", "scholarcli", "author", NAME, "-f", "json", "--as-of", "2026-11-27"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    data["author"].pop("fetched_at")
    data.pop("provenance", None)  # fetch times (and the double's port) differ by run
    return data


def check_consistent(db_path: Path) -> None:
    """Integrity, and every list marked complete holds exactly the papers it counted."""
    if not db_path.exists():
        return
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for author_id, total in db.execute("SELECT author_id, paper_total FROM author_fetches"):
            listed = db.execute(
                "SELECT count(*) FROM author_papers WHERE author_id = ?", (author_id,)
            ).fetchone()[0]
            assert listed == total
        orphans = db.execute(
            "SELECT count(*) FROM author_papers ap LEFT JOIN author_fetches f"
            " USING (author_id) WHERE f.author_id IS NULL"
        ).fetchone()[0]
        assert orphans == 0  # no list without its completion record
        dangling = db.execute(
            "SELECT count(*) FROM author_papers ap LEFT JOIN papers p USING (paper_id)"
            " WHERE p.paper_id IS NULL"
        ).fetchone()[0]
        assert dangling == 0


@pytest.mark.slow
def test_sigkill_at_random_moments(double_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    double_env.populate_synthetic("5550001", NAME, 2600, arxiv_fraction=0.6)
    clean_env = _env(double_env, tmp_path / "clean")
    started = time.monotonic()
    expected = _run(clean_env)
    duration = time.monotonic() - started

    home = tmp_path / "killed"
    env = _env(double_env, home)
    rng = random.Random(20261127)
    kills = 0
    for _ in range(TRIALS):
        child = subprocess.Popen(
            [sys.executable, "-m", "scholarcli", "author", NAME, "-f", "json", "--refresh"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, duration))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            kills += 1
        child.wait(timeout=30)
        check_consistent(home / "cache.sqlite3")
    assert kills >= TRIALS // 2  # most kills landed while the work was under way
    assert _run(env) == expected
    check_consistent(home / "cache.sqlite3")
