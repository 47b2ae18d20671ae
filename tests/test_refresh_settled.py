"""A refresh that finds nothing changed re-confirms snapshots without rebuilding profiles.

Issue 20 item 1: a person is rebuilt (``refresh._commit``) only when S2's counts moved,
when something their metrics come from was written since their snapshot was computed
(curation rules added or taken back, their ids changed), when the as-of year changed or
when the snapshot lacks a metric of today's set. Every clock here is frozen and later
than any real fetch, so timestamps compare as they do in production.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import refresh_helpers as helpers
from scholarcli.cache import curation as rules_cache
from scholarcli.cache import tracking
from scholarcli.config import load_settings
from scholarcli.profile import curation, sync
from scholarcli.tracking import refresh

T0 = datetime(2030, 12, 31, 12, 0, tzinfo=UTC)  # a new year hours later


def at(hours: int) -> datetime:
    """Hours apart: well inside --max-age, so no list falls due on its own."""
    return T0 + timedelta(hours=hours)


@pytest.fixture
def rebuilt(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Keys of the people ``refresh._commit`` rebuilt, in order (cleared by the test)."""
    calls: list[str] = []
    original = refresh._commit

    def spy(ctx, plan, state):  # type: ignore[no-untyped-def]
        calls.append(plan.person.key)
        return original(ctx, plan, state)

    monkeypatch.setattr(refresh, "_commit", spy)
    return calls


@pytest.fixture
def people(double_env) -> list[str]:  # type: ignore[no-untyped-def]
    ids = helpers.add_people(double_env, 3)
    helpers.track_directly(ids)
    return ids


KEYS = ["person 0000", "person 0001", "person 0002"]


def history(key: str) -> list[tracking.PersonSnapshot]:
    ctx = sync.Context.open(load_settings())
    try:
        return tracking.person_history(ctx.store, key)
    finally:
        ctx.close()


def settle(rebuilt: list[str]) -> None:
    """A fetching run, the run that follows it (it recomputes what was fetched), then
    one that must rebuild nobody."""
    helpers.refresh_at(at(0))
    helpers.refresh_at(at(1))
    rebuilt.clear()
    summary = helpers.refresh_at(at(2))
    assert rebuilt == []
    assert [(r.key, r.status, r.citations_change) for r in summary.people] == [
        (key, "unchanged", 0) for key in KEYS
    ]
    rebuilt.clear()


def test_nothing_changed_rebuilds_nobody_and_still_records_the_run(
    double_env, people, rebuilt, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    helpers.refresh_at(at(0))
    assert rebuilt == KEYS  # never refreshed: everyone is computed
    rebuilt.clear()
    helpers.refresh_at(at(1))
    assert rebuilt == KEYS  # their lists were written during the run that computed them
    before = {key: history(key) for key in KEYS}
    rebuilt.clear()
    double_env.reset_log()
    summary = helpers.refresh_at(at(2))
    assert rebuilt == []
    assert helpers.requests_by_route(double_env) == ["POST /author/batch"]
    for result in summary.people:
        [point] = history(result.key)
        assert point.checked_at == at(2).isoformat()
        assert (result.papers, result.citations, result.h_index) == (
            point.papers,
            point.citations,
            point.h_index,
        )
        assert [(p.taken_at, p.metrics) for p in before[result.key]] == [
            (point.taken_at, point.metrics)
        ]
    with sqlite3.connect(scholar_home / "cache.sqlite3") as conn:
        status = conn.execute("SELECT DISTINCT last_refresh, last_status FROM tracked").fetchall()
    assert status == [(at(2).isoformat(), "ok")]


def test_a_citation_change_rebuilds_only_that_person(double_env, people, rebuilt) -> None:  # type: ignore[no-untyped-def]
    settle(rebuilt)
    paper = double_env.store.author_papers(people[1])[0]
    double_env.set_citations(paper.paper_id, paper.citation_count + 50)
    helpers.refresh_at(at(3))
    assert rebuilt == ["person 0001"]
    assert history("person 0001")[-1].citations == history("person 0001")[0].citations + 50


def test_added_and_taken_back_rules_recompute_the_person(double_env, people, rebuilt) -> None:  # type: ignore[no-untyped-def]
    settle(rebuilt)
    papers = history("person 0000")[-1].papers
    victim = double_env.store.author_papers(people[0])[0].paper_id
    ctx = sync.Context.open(load_settings())
    try:
        rules_cache.add_rules(ctx.store, [(people[0], "exclude", victim, None)], at(3).isoformat())
    finally:
        ctx.close()
    helpers.refresh_at(at(4))
    assert rebuilt == ["person 0000"]
    assert history("person 0000")[-1].papers == papers - 1
    rebuilt.clear()
    helpers.refresh_at(at(5))  # the run after: the rule was written before it, settled
    assert rebuilt == []
    ctx = sync.Context.open(load_settings())
    try:
        assert curation.undo(ctx.store, [people[0]], at(6).isoformat())
    finally:
        ctx.close()
    helpers.refresh_at(at(7))
    assert rebuilt == ["person 0000"]
    assert history("person 0000")[-1].papers == papers


def test_another_as_of_year_recomputes_everyone(double_env, people, rebuilt) -> None:  # type: ignore[no-untyped-def]
    settle(rebuilt)
    helpers.refresh_at(datetime(2031, 1, 1, 3, 0, tzinfo=UTC))  # within --max-age
    assert rebuilt == KEYS
    latest = history("person 0000")[-1]
    assert latest.metrics["as_of"] == "2031-01-01"


def test_changed_ids_recompute_the_person(double_env, people, rebuilt) -> None:  # type: ignore[no-untyped-def]
    settle(rebuilt)
    papers = history("person 0000")[-1].papers + history("person 0001")[-1].papers
    ctx = sync.Context.open(load_settings())
    try:
        person = tracking.get_person(ctx.store, "person 0000")
        assert person is not None
        person.author_ids = [people[0], people[1]]
        tracking.save_person(ctx.store, person, now=at(3).isoformat())
    finally:
        ctx.close()
    helpers.refresh_at(at(4))
    # 7001 is also person 0001's id: its mark recomputes them too (cheap, and safe).
    assert rebuilt == ["person 0000", "person 0001"]
    assert history("person 0000")[-1].papers == papers


def test_a_snapshot_without_todays_metrics_is_recomputed(
    double_env, people, rebuilt, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    settle(rebuilt)
    with sqlite3.connect(scholar_home / "cache.sqlite3") as conn:
        conn.execute(
            "UPDATE person_snapshots SET metrics = json_remove(metrics, '$.g_index')"
            " WHERE person_key = 'person 0002'"
        )
    helpers.refresh_at(at(3))
    assert rebuilt == ["person 0002"]
    assert "g_index" in history("person 0002")[-1].metrics
    assert json.dumps(history("person 0002")[-1].metrics)
