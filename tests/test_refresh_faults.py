"""``scholar refresh`` under faults on every route it uses, and killed at random moments.

The scenario makes a second refresh use all four routes: the count check
(/author/batch), one person's new paper (their list, then arXiv for its id) and
two people who only gained citations (their known papers through /paper/batch).
With a fault that clears within four attempts the refresh must end exactly as
without it; with a persistent one it must exit 4 or 5 with the cache consistent,
and the next run, faults gone, must complete the same result.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresh_helpers import add_people, consistency_problems, latest_numbers, track_directly
from scholarcli.cli import app

PEOPLE = 6
ROUTES = ("s2.author_batch", "s2.author_papers", "s2.paper_batch", "arxiv.query")
FAULTS = ("429", "5xx", "slow", "truncated", "malformed", "reset")


def build(double) -> list[str]:  # type: ignore[no-untyped-def]
    ids = add_people(double, PEOPLE)
    track_directly(ids)
    return ids


def change(double, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Two people gain citations; a third gets a new arXiv paper."""
    for author_id in ids[:2]:
        for paper in double.store.author_papers(author_id)[:2]:
            double.set_citations(paper.paper_id, paper.citation_count + 7)
    double.add_paper(
        "f" * 38 + "01",
        title="A brand new preprint",
        year=datetime.now(UTC).year,
        authors=[(ids[2], "Person 0002")],
        citation_count=1,
        arxiv_id="2611.00001",
    )
    double.add_arxiv(
        "2611.00001",
        title="A brand new preprint",
        abstract="Code: https://github.com/example/new.",
        authors=["Person 0002"],
        published="2026-11-01",
        primary_category="cs.CL",
    )


def refresh(runner: CliRunner) -> tuple[int, str]:
    result = runner.invoke(app, ["refresh", "-f", "json"])
    return result.exit_code, result.stderr


@pytest.fixture
def expected(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Latest snapshot numbers of the scenario without faults, in its own home."""
    from double import ApiDouble

    home = tmp_path_factory.mktemp("refresh-baseline")
    with ApiDouble() as double, pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCHOLAR_HOME", str(home))
        mp.setenv("SCHOLAR_S2_URL", double.s2_url)
        mp.setenv("SCHOLAR_ARXIV_URL", double.arxiv_url)
        ids = build(double)
        runner = CliRunner()
        assert refresh(runner)[0] == 0
        change(double, ids)
        double.reset_log()
        assert refresh(runner)[0] == 0
        routes = {r.route for r in double.requests}
        assert set(ROUTES) <= routes, routes  # the scenario really uses every route
        return {key: numbers[:3] for key, numbers in latest_numbers(home).items()}


def _numbers(home: Path) -> dict[str, tuple[int, int, int]]:
    return {key: numbers[:3] for key, numbers in latest_numbers(home).items()}


@pytest.fixture
def scenario(runner: CliRunner, double_env, scholar_home: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SCHOLAR_TIMEOUT", "0.5")  # a "slow" answer comes after 1.25 s
    ids = build(double_env)
    assert refresh(runner)[0] == 0
    change(double_env, ids)
    return double_env


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("fault", FAULTS)
def test_fault_cleared_within_four_attempts_gives_the_same_result(
    runner: CliRunner,
    scenario,
    scholar_home: Path,
    expected,
    route: str,
    fault: str,  # type: ignore[no-untyped-def]
) -> None:
    scenario.inject(route, fault, times=4, delay=1.25 if fault == "slow" else 0.0)
    code, stderr = refresh(runner)
    assert code == 0, stderr
    assert _numbers(scholar_home) == expected
    assert consistency_problems(scholar_home) == []


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("fault", ["5xx", "malformed", "reset"])
def test_persistent_fault_exits_4_or_5_and_the_next_run_completes(
    runner: CliRunner,
    scenario,
    scholar_home: Path,
    expected,
    route: str,
    fault: str,  # type: ignore[no-untyped-def]
) -> None:
    scenario.inject(route, fault, times=10_000)
    started = time.monotonic()
    code, stderr = refresh(runner)
    assert code in {4, 5}, stderr
    assert time.monotonic() - started < 120
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert consistency_problems(scholar_home) == []
    scenario.clear_faults()
    code, stderr = refresh(runner)
    assert code == 0, stderr
    assert _numbers(scholar_home) == expected


def test_null_entries_in_batches_are_reported_not_fatal(
    runner: CliRunner,
    scenario,
    scholar_home: Path,  # type: ignore[no-untyped-def]
) -> None:
    scenario.remove_author("7005")
    code, stderr = refresh(runner)
    assert code == 5
    assert "7005" in stderr and "no longer exists" in stderr
    assert consistency_problems(scholar_home) == []
    assert len(_numbers(scholar_home)) == PEOPLE


KILLS = 5  # kills that must land while a refresh is under way
MAX_RUNS = 30  # runs started to get them; bounds the test by count, not by time


@pytest.mark.slow
def test_refresh_killed_at_random_moments(double_env, scholar_home: Path) -> None:  # type: ignore[no-untyped-def]
    ids = add_people(double_env, 40, papers=lambda i: 30 + i)
    track_directly(ids)
    env = dict(os.environ, SCHOLAR_S2_INTERVAL="0.02", SCHOLAR_ARXIV_INTERVAL="0.02")
    command = [sys.executable, "-m", "scholarcli", "refresh", "--all", "--quiet"]
    # An uninterrupted run into a fresh home: the numbers to reach, and how many S2
    # requests a run makes, so that each kill is placed by the run's progress (its
    # requests as the double counts them) and lands inside the run however loaded the
    # machine is. Placing kills by elapsed time missed on a loaded machine.
    fresh_home = scholar_home.parent / "uninterrupted"
    fresh_env = dict(env, SCHOLAR_HOME=str(fresh_home))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCHOLAR_HOME", str(fresh_home))
        track_directly(ids)
    before = double_env.count("s2")
    clean = subprocess.run(
        command, env=fresh_env, capture_output=True, text=True, timeout=300, check=False
    )
    assert clean.returncode == 0, clean.stderr
    per_run = double_env.count("s2") - before
    assert per_run >= 20  # one count check and a list per person: room to kill in between

    rng = random.Random(427)
    kills = runs = 0
    while kills < KILLS and runs < MAX_RUNS:
        runs += 1
        start = double_env.count("s2")
        # --all reads every list again, so every run makes about per_run requests;
        # killing within its first half leaves the rest of the work undone.
        target = rng.randint(1, per_run // 2)
        child = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        safety = time.monotonic() + 300  # a hung child must not hang the suite
        while (
            child.poll() is None
            and double_env.count("s2") - start < target
            and time.monotonic() < safety
        ):
            time.sleep(0.005)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            kills += 1
        child.wait(timeout=60)
        assert consistency_problems(scholar_home) == []
    assert kills == KILLS, f"{kills} kills landed in {runs} runs"
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert consistency_problems(scholar_home) == []
    killed_result = _numbers(scholar_home)
    assert _numbers(fresh_home) == killed_result
