"""Issue 11 item 5, the watch list and refresh defects: namesakes are never spliced into
one history, names are stored as S2 spells them, snapshots only on change (the series
stays exact), jittered --max-age, and a stale answer to an explicit --refresh is partial."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import refresh_helpers as helpers
import seed
from scholarcli.cli import app
from scholarcli.commands import track as track_command
from scholarcli.tracking.refresh import MAX_AGE_JITTER, due_age

DAY1 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def run(runner: CliRunner, *args: str, input: str | None = None, env=None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input, env=env)


def said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.stderr.split())


def tracked(runner: CliRunner) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(run(runner, "tracked", "-f", "json").stdout)["tracked"]


def history(runner: CliRunner, who: str) -> list[dict]:  # type: ignore[type-arg]
    result = run(runner, "history", who, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["history"]


# --- namesakes -----------------------------------------------------------------------------


def test_a_namesake_by_id_is_refused_and_the_history_stays_whole(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.add_author("999", "Du-Seong Chang")
    assert run(runner, "track", seed.NAME).exit_code == 0
    helpers.refresh_at(DAY1)
    before = history(runner, seed.NAME)
    refused = run(runner, "track", "--id", "999")
    assert refused.exit_code == 2
    assert "'du seong chang' is already tracked as Du-Seong Chang (S2 id 2112233445)" in said(
        refused
    )
    assert "hint: track them under a label of their own: scholar track --id 999 --label" in said(
        refused
    )
    [row] = tracked(runner)
    assert row["ids"] == [seed.AUTHOR_ID]
    assert history(runner, seed.NAME) == before
    # With a label the namesake is a second person with a history of their own.
    assert run(runner, "track", "--id", "999", "--label", "DSC two").exit_code == 0
    assert sorted((r["key"], tuple(r["ids"])) for r in tracked(runner)) == [
        ("dsc two", ("999",)),
        ("du seong chang", (seed.AUTHOR_ID,)),
    ]


def test_a_terminal_is_asked_for_a_label(
    runner: CliRunner, seeded, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    seeded.add_author("999", "Du-Seong Chang")
    assert run(runner, "track", seed.NAME).exit_code == 0
    monkeypatch.setattr(track_command, "_interactive", lambda: True)
    asked = run(runner, "track", "--id", "999", input="Chang at KAIST\n")
    assert asked.exit_code == 0, asked.stderr
    assert {r["key"] for r in tracked(runner)} == {"du seong chang", "chang at kaist"}
    declined = run(runner, "track", "--id", "999", "--label", "", input="\n")
    assert declined.exit_code == 2  # an empty answer changes nothing


def test_the_name_is_stored_as_s2_spells_it(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.add_author("555", "Zoë Łukasik-Müller")
    result = run(runner, "track", "ZOË łukasik-MÜLLER")
    assert result.exit_code == 0, result.stderr
    [row] = tracked(runner)
    assert row["name"] == "Zoë Łukasik-Müller"
    assert "tracking Zoë Łukasik-Müller as" in said(result)


# --- snapshots -----------------------------------------------------------------------------


def snapshot_rows(home: Path) -> int:
    with sqlite3.connect(home / "cache.sqlite3") as conn:
        return int(conn.execute("SELECT count(*) FROM person_snapshots").fetchone()[0])


def test_snapshots_only_on_change_and_the_series_stays_exact(
    runner: CliRunner, seeded, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", seed.NAME).exit_code == 0
    helpers.refresh_at(DAY1)
    helpers.refresh_at(DAY1 + timedelta(days=1))  # nothing changed: no new row
    helpers.refresh_at(DAY1 + timedelta(days=2))
    assert snapshot_rows(scholar_home) == 1
    [point] = history(runner, seed.NAME)
    assert (point["taken_at"], point["checked_at"]) == (
        "2026-11-26T03:00:00+00:00",
        "2026-11-28T03:00:00+00:00",
    )
    with sqlite3.connect(scholar_home / "cache.sqlite3") as conn:
        runs = conn.execute("SELECT count(*) FROM refresh_runs").fetchone()[0]
    assert runs == 3  # every run is still recorded
    seeded.set_citations("a" * 40, 41)  # one more citation
    helpers.refresh_at(DAY1 + timedelta(days=3))
    # A new year moves the age-based metrics: that is a change too.
    helpers.refresh_at(datetime(2027, 1, 2, 3, 0, tzinfo=UTC))
    points = history(runner, seed.NAME)
    assert [(p["taken_at"][:10], p["citations"]) for p in points] == [
        ("2026-11-26", 753),
        ("2026-11-29", 754),
        ("2027-01-02", 754),
    ]
    assert points[1]["m_quotient"] != points[2]["m_quotient"]


def test_two_runs_in_one_second_keep_both_points(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", seed.NAME).exit_code == 0
    helpers.refresh_at(DAY1)
    seeded.set_citations("a" * 40, 45)
    helpers.refresh_at(DAY1, force=True)  # the same second, new numbers
    points = history(runner, seed.NAME)
    assert [p["citations"] for p in points] == [753, 758]
    assert points[0]["taken_at"] < points[1]["taken_at"]
    assert points[1]["taken_at"] == "2026-11-26T03:00:00.000001+00:00"


# --- jitter ----------------------------------------------------------------------------------


def test_max_age_jitter_is_fixed_per_id_and_never_beyond_max_age() -> None:
    week = timedelta(days=7)
    ages = [due_age(week, str(7000 + i)) for i in range(400)]
    assert all(week * (1 - MAX_AGE_JITTER) <= age <= week for age in ages)
    assert ages == [due_age(week, str(7000 + i)) for i in range(400)]  # deterministic
    due_at_six_and_a_half = sum(age <= timedelta(days=6.5) for age in ages) / len(ages)
    # Due ages are spread evenly over 5.25-7 days: at 6.5 days (1 - 0.5/1.75) are due.
    assert 0.6 < due_at_six_and_a_half < 0.85


def test_people_tracked_together_fall_due_over_several_runs(runner: CliRunner, double_env) -> None:  # type: ignore[no-untyped-def]
    ids = helpers.add_people(double_env, 12)
    helpers.track_directly(ids)
    helpers.refresh_at(DAY1)

    def due(days: float) -> int:
        ctx_when = DAY1 + timedelta(days=days)
        from scholarcli.config import load_settings
        from scholarcli.profile import sync
        from scholarcli.tracking import refresh

        ctx = sync.Context.open(load_settings())
        ctx.clock = lambda: ctx_when
        try:
            plan = refresh.dry_run(ctx, [], refresh.Options(as_of=ctx_when.date()), check=False)
        finally:
            ctx.close()
        return sum(row["action"] == "fetch list" for row in plan.rows)

    assert due(5.0) == 0
    assert 0 < due(6.5) < len(ids)
    assert due(7.0) == len(ids)


# --- a stale answer to an explicit --refresh ---------------------------------------------------


def test_rejected_key_on_explicit_refresh_is_partial(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "author", seed.NAME, "-f", "json").exit_code == 0
    seeded.rejected_api_keys.add("pruned-key")
    env = {"SEMANTIC_SCHOLAR_API_KEY": "pruned-key"}
    result = run(runner, "author", seed.NAME, "--refresh", "-f", "json", env=env)
    assert result.exit_code == 5, result.stderr
    assert "warning:" in result.stderr and "403" in result.stderr
    assert json.loads(result.stdout)["author"]["paper_count"] == 9  # the cached data, shown
    # Without --refresh the cached profile is what was asked for: success, no request.
    assert run(runner, "author", seed.NAME, "-f", "json", env=env).exit_code == 0
