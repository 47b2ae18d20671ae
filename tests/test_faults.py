"""Faults on every source route: ridden out within four failures, or a clean exit 4/5.

For each fault the double can inject, ``scholar author`` must either give the same
result as without the fault, or stop with exit 4 (S2 failed, nothing cached) or 5
(arXiv failed: profile shown, categories missing) and one clear line, quickly, and
must never store a partial or garbled record.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cli import app

S2_ROUTES = ("s2.author_search", "s2.author_papers")
S2_FAULTS = ("429", "5xx", "retry_after", "slow", "truncated", "malformed", "reset")
ARXIV_FAULTS = ("429", "5xx", "slow", "truncated", "malformed", "reset", "empty_page")
# A fault that clears within this many failed attempts must be ridden out (issue #5).
RIDDEN_OUT = 4


# A "slow" answer comes after SLOW seconds, well past the client's TIMEOUT; both are
# short so the suite does not spend its time waiting for answers nobody reads.
TIMEOUT, SLOW = 0.5, 1.25


@pytest.fixture
def seeded(seeded, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SCHOLAR_TIMEOUT", str(TIMEOUT))
    return seeded


def profile(runner: CliRunner) -> tuple[int, dict | None, str]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["author", seed.NAME, "-f", "json", "--as-of", "2026-11-27"])
    data = json.loads(result.stdout) if result.stdout.strip() else None
    if data:
        data["author"].pop("fetched_at")
        data.pop("provenance", None)  # fetch times (and the double's port) differ by run
    return result.exit_code, data, result.stderr


@pytest.fixture
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    """The fault-free profile, built once in its own home against its own double."""
    from double import ApiDouble

    with ApiDouble() as double, pytest.MonkeyPatch.context() as mp:
        seed.load(double)
        mp.setenv("SCHOLAR_HOME", str(tmp_path_factory.mktemp("baseline")))
        mp.setenv("SCHOLAR_S2_URL", double.s2_url)
        mp.setenv("SCHOLAR_ARXIV_URL", double.arxiv_url)
        code, data, _ = profile(CliRunner())
    assert code == 0 and data
    return data


def _db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "cache.sqlite3")


def _delay(fault: str) -> float:
    # A fractional Retry-After is honoured (test_http), and keeps these tests short.
    return {"slow": SLOW, "retry_after": 0.25}.get(fault, 0.0)


RIDE_OUT_CASES = (
    [(route, fault) for route in S2_ROUTES for fault in S2_FAULTS]
    + [("s2.author_papers", "empty_page")]
    + [("arxiv.query", fault) for fault in ARXIV_FAULTS]
)


@pytest.mark.parametrize(("route", "fault"), RIDE_OUT_CASES)
def test_fault_that_clears_within_four_attempts_is_ridden_out(
    runner: CliRunner,
    seeded,
    baseline,
    route: str,
    fault: str,  # type: ignore[no-untyped-def]
) -> None:
    seeded.inject(route, fault, times=RIDDEN_OUT, delay=_delay(fault))
    code, data, stderr = profile(runner)
    assert code == 0, stderr
    assert data == baseline
    # The faults plus the three real answers (a "slow" request is logged when its
    # delayed answer is written, after the client has given up on it).
    deadline = time.monotonic() + 10
    while seeded.count() < RIDDEN_OUT + 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seeded.count() == RIDDEN_OUT + 3


PERSISTENT_S2_CASES = [(route, fault) for route in S2_ROUTES for fault in S2_FAULTS] + [
    ("s2.author_papers", "empty_page")
]


@pytest.mark.parametrize(("route", "fault"), PERSISTENT_S2_CASES)
def test_persistent_s2_fault_exits_4_and_stores_nothing_partial(
    runner: CliRunner,
    seeded,
    scholar_home: Path,
    route: str,
    fault: str,  # type: ignore[no-untyped-def]
) -> None:
    seeded.inject(route, fault, times=1000, delay=_delay(fault))
    started = time.monotonic()
    code, data, stderr = profile(runner)
    elapsed = time.monotonic() - started
    assert code == 4, stderr
    assert data is None
    lines = stderr.strip().splitlines()
    assert lines[0].startswith("error: Semantic Scholar: ")
    assert "Traceback" not in stderr
    assert elapsed < 120
    with _db(scholar_home) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM author_fetches").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM author_papers").fetchone()[0] == 0


@pytest.mark.parametrize("fault", [*ARXIV_FAULTS, "billion_laughs"])
def test_persistent_arxiv_fault_shows_the_profile_and_exits_5(
    runner: CliRunner,
    seeded,
    baseline,
    scholar_home: Path,
    fault: str,  # type: ignore[no-untyped-def]
) -> None:
    seeded.inject("arxiv.query", fault, times=1000, delay=_delay(fault))
    code, data, stderr = profile(runner)
    assert code == 5, stderr
    assert "warning: arXiv" in stderr
    assert data is not None
    assert data["author"]["h_index"] == baseline["author"]["h_index"]
    assert all(p["category"] is None for p in data["papers"])
    with _db(scholar_home) as db:
        assert db.execute("SELECT count(*) FROM arxiv_entries").fetchone()[0] == 0
    # Once arXiv is back, the next run completes the enrichment.
    seeded.clear_faults()
    code, data, _ = profile(runner)
    assert code == 0
    assert data == baseline


def test_billion_laughs_is_refused_at_once(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.inject("arxiv.query", "billion_laughs", times=1000)
    code, _, stderr = profile(runner)
    assert code == 5
    assert "unsafe XML" in stderr
    assert seeded.count("arxiv") == 1  # hostile bodies are not asked for again


def test_403_is_final(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.inject("s2.author_search", "403", times=1000)
    code, _, stderr = profile(runner)
    assert code == 4
    assert seeded.count("s2") == 1
    assert "hint:" in stderr


# Issue #5's bound on the wall clock, on a time scale of 1/10: every duration the
# command can wait on (timeout, backoff base, retry budget, the fault's delay) is a
# tenth of the default or of the original test's, so the bound is too. Nothing in the
# retry logic has a fixed duration that stops it from scaling (the 60 s backoff cap is
# not reached at the default base either); test_http checks the default policy's
# arithmetic with an injected clock.
SCALE = 0.1


@pytest.mark.slow
@pytest.mark.parametrize("command", ["author", "refresh"])
def test_a_dead_source_stops_within_two_minutes_at_default_backoff(
    runner: CliRunner,
    double_env,
    monkeypatch: pytest.MonkeyPatch,
    command: str,  # type: ignore[no-untyped-def]
) -> None:
    """Issue #5's bound: backoff 2 s doubling, 90 s budget, SCHOLAR_TIMEOUT=2, scaled."""
    from refresh_helpers import add_people, track_directly
    from scholarcli.config import DEFAULT_BACKOFF_BASE, DEFAULT_MAX_RETRY_TIME

    seed.load(double_env)
    track_directly(add_people(double_env, 4))
    monkeypatch.setenv("SCHOLAR_TIMEOUT", str(2 * SCALE))
    monkeypatch.setenv("SCHOLAR_BACKOFF_BASE", str(DEFAULT_BACKOFF_BASE * SCALE))
    monkeypatch.setenv("SCHOLAR_MAX_RETRY_TIME", str(DEFAULT_MAX_RETRY_TIME * SCALE))
    # Answers slower than the timeout, the worst fault for the clock: for a refresh
    # only the paper lists, so that every person's list fails in turn. Ten times the
    # timeout: a client starved of CPU on a loaded machine reads an answer that came in
    # while it slept instead of timing out, so a delay just over the timeout is not
    # reliably a failure.
    route = "*" if command == "author" else "s2.author_papers"
    double_env.inject(route, "slow", times=10_000, delay=20.0 * SCALE)
    args = ["author", seed.NAME] if command == "author" else ["refresh", "--all"]
    started = time.monotonic()
    result = runner.invoke(app, args)
    elapsed = time.monotonic() - started
    assert result.exit_code == 4, result.stderr
    assert elapsed < 120 * SCALE, elapsed
    # It did retry for most of the budget rather than give up at the first timeout.
    assert elapsed > DEFAULT_MAX_RETRY_TIME * SCALE / 2, elapsed
    assert "Traceback" not in result.stderr
