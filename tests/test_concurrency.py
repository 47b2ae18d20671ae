"""Several scholar processes at once share the cache and each source's rate limit."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

INTERVAL = 0.2


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    # --debug logs every reserved start slot (see assert_rate_held).
    return subprocess.Popen(
        [sys.executable, "-m", "scholarcli", "--debug", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def arrivals(double, source: str) -> list[float]:  # type: ignore[no-untyped-def]
    return sorted(r.time for r in double.requests if r.source == source)


SLOT = re.compile(r"^debug: scholarcli\.http: rate (\S+) slot ([0-9.]+)$", re.MULTILINE)
LIMITER = {"s2": "semantic", "arxiv": "arxiv"}


def slots(stderrs: list[str], source: str) -> list[float]:
    found = (SLOT.findall(err) for err in stderrs)
    return sorted(float(when) for lines in found for name, when in lines if name == LIMITER[source])


@pytest.mark.slow
def test_concurrent_author_runs_share_cache_and_rate_limit(
    double_env,
    scholar_home: Path,  # type: ignore[no-untyped-def]
) -> None:
    people = [
        ("6000001", "Alice Concurrent"),
        ("6000002", "Bob Concurrent"),
        ("6000003", "Carol Concurrent"),
    ]
    for author_id, name in people:
        double_env.populate_synthetic(
            author_id, name, 1200, arxiv_fraction=0.3, seed=int(author_id)
        )
    env = dict(os.environ, SCHOLAR_S2_INTERVAL=str(INTERVAL), SCHOLAR_ARXIV_INTERVAL=str(INTERVAL))
    # Three people, and the first one twice: five processes on one cache.
    runs = [_start(["author", name, "-f", "json"], env) for _, name in people]
    runs.append(_start(["author", people[0][1], "-f", "json"], env))
    runs.append(_start(["author", "--id", people[1][0], "-f", "csv"], env))
    stderrs = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert "locked" not in err
        assert out
        stderrs.append(err)
    for source in ("s2", "arxiv"):
        assert_rate_held(slots(stderrs, source), arrivals(double_env, source), INTERVAL)


def assert_rate_held(slots: list[float], arrivals: list[float], interval: float) -> None:
    """Request starts across all processes were at least ``interval`` apart.

    Arrival times at the double alone cannot show it on a busy machine: a process
    descheduled between its slot and its send arrives late and bunches with the next
    one, although the limiter did its job. So each process logs the start slot it
    reserved (--debug), and the test checks two things that no delay can fake:
    the reserved slots, all processes together, are ``interval`` apart; and every
    request that reached the double had a slot no later than its arrival (one slot
    per request, and the k-th arrival is never before the k-th slot; delays only
    make arrivals later).
    """
    assert len(slots) >= 3
    assert len(slots) == len(arrivals), (len(slots), len(arrivals))
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert min(gaps) >= interval - 1e-5, min(gaps)
    early = [(k, s, a) for k, (s, a) in enumerate(zip(slots, arrivals, strict=True)) if a < s]
    assert early == [], early[:3]


@pytest.mark.slow
def test_author_during_a_refresh(double_env, scholar_home: Path) -> None:  # type: ignore[no-untyped-def]
    from refresh_helpers import add_people, track_directly

    ids = add_people(double_env, 15, papers=lambda i: 40)
    track_directly(ids)
    double_env.populate_synthetic("6100001", "Dora Interactive", 900, arxiv_fraction=0.5)
    env = dict(os.environ, SCHOLAR_S2_INTERVAL=str(INTERVAL), SCHOLAR_ARXIV_INTERVAL=str(INTERVAL))
    refresh = _start(["refresh", "-f", "json"], env)
    interactive = [
        _start(["author", "Dora Interactive", "-f", "json"], env),
        _start(["author", "Person 0003", "-f", "csv"], env),
    ]
    stderrs = []
    for run in [*interactive, refresh]:
        out, err = run.communicate(timeout=180)
        assert run.returncode == 0, err
        assert "locked" not in err
        assert out
        stderrs.append(err)
    for source in ("s2", "arxiv"):
        assert_rate_held(slots(stderrs, source), arrivals(double_env, source), INTERVAL)
