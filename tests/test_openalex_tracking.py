"""``scholar track --source openalex`` and ``scholar refresh``/``history`` for them.

A refresh of an OpenAlex person checks citation counts with OR-filtered list calls (100
works each, 1 credit), because OpenAlex's updated-date filters are paid-only; the works
list is fetched again only when works_count changed or the list is due.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import openalex_seed as oa_seed
import seed
from double import ApiDouble
from scholarcli.cli import app


@pytest.fixture
def world(double_env: ApiDouble) -> ApiDouble:
    seed.load(double_env)
    oa_seed.load(double_env)
    return double_env


def run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def credits(double: ApiDouble) -> int:
    return double.openalex.pool(None).used


def test_track_refresh_and_history(world: ApiDouble, runner: CliRunner) -> None:
    tracked = run(runner, "track", oa_seed.NAME, "--source", "openalex")
    assert tracked.exit_code == 0, tracked.stderr
    assert f"(OpenAlex id {oa_seed.AUTHOR_ID})" in tracked.stderr
    rows = json.loads(run(runner, "tracked", "-f", "json").stdout)["tracked"]
    assert [r["ids"] for r in rows] == [[oa_seed.AUTHOR_ID]]

    first = run(runner, "refresh", "-q", "--as-of", "2026-11-27")
    assert first.exit_code == 0, first.stderr

    # Nothing changed: one free author record and one OR-filtered count call (11 works).
    world.reset_log()
    spent = credits(world)
    again = run(runner, "refresh", "-q", "--as-of", "2026-11-27")
    assert again.exit_code == 0, again.stderr
    oa = [r for r in world.requests if r.source == "openalex"]
    assert [r.path for r in oa] == [f"/openalex/authors/{oa_seed.AUTHOR_ID}", "/openalex/works"]
    assert (
        oa[1].query["filter"][0].startswith("openalex:")
        and oa[1].query["filter"][0].count("|") == 10
    )
    assert credits(world) - spent == 1
    assert world.count("s2") == 0

    # Citations changed: the count call sees them, no list is fetched again.
    top = world.openalex.works["W4400000008"]
    top.cited_by_count += 50
    world.reset_log()
    changed = run(runner, "refresh", "-q", "--as-of", "2026-11-27")
    assert changed.exit_code == 0, changed.stderr
    assert not any("authorships.author.id" in str(r.query) for r in world.requests)
    history = json.loads(run(runner, "history", oa_seed.NAME, "-f", "json").stdout)["history"]
    assert [h["citations"] for h in history][-2:] == [
        history[-2]["citations"],
        history[-2]["citations"] + 50,
    ]

    # A new work changes works_count: the list is fetched again.
    world.openalex.works["W4499999999"] = type(top)(
        "W4499999999", "A new paper", 2026, [(oa_seed.AUTHOR_ID, oa_seed.NAME)], cited_by_count=3
    )
    world.reset_log()
    assert run(runner, "refresh", "-q", "--as-of", "2026-11-27").exit_code == 0
    assert any("authorships.author.id" in str(r.query) for r in world.requests)
    latest = json.loads(run(runner, "history", oa_seed.NAME, "-f", "json").stdout)["history"][-1]
    assert latest["papers"] == 12


def test_spent_budget_fails_the_person_and_keeps_history(
    world: ApiDouble, runner: CliRunner
) -> None:
    assert run(runner, "track", oa_seed.NAME, "--source", "openalex").exit_code == 0
    assert run(runner, "refresh", "-q", "--as-of", "2026-11-27").exit_code == 0
    pool = world.openalex.pool(None)
    pool.used = pool.limit
    failed = run(runner, "refresh", "-q", "--as-of", "2026-11-27")
    assert failed.exit_code == 4, failed.stderr
    history = json.loads(run(runner, "history", oa_seed.NAME, "-f", "json").stdout)["history"]
    assert len(history) == 1
