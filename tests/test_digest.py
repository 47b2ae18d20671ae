"""``scholar digest``, ``refresh --digest`` and cron health (``tracked --failing``).

A tracked world that changes between two refreshes — a new paper, two new citers of one
paper, a paper that leaves the profile — must give exactly those lines, and a second
digest nothing. Refreshes and digests run on an injected clock, so "since the previous
digest" never depends on two runs falling in different seconds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

import refresh_helpers as helpers
from scholarcli.cli import app
from scholarcli.config import load_settings
from scholarcli.core import Context
from scholarcli.tracking import digest as news

ADA = "9100"
BEN = "9200"
T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def run(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, list(args))


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def digest_at(
    when: datetime, names: Sequence[str] = (), *, since: str | None = None
) -> tuple[news.Digest, int]:
    """One digest on a clock reading ``when``, its marks set as the command sets them;
    returns it with the number of requests it made."""
    ctx = Context.open(load_settings())
    ctx.clock = lambda: when
    try:
        result = news.build(ctx, names, since)
        if since is None:
            news.remember(ctx, result)
        return result, sum(ctx.requests_made().values())
    finally:
        ctx.close()


def citer(double: Any, cited: str, n: int, year: int) -> str:
    pid = f"c{cited[:4]}{n:03d}".ljust(40, "0")
    double.add_citer(
        cited,
        pid,
        title=f"Citing study {n}",
        year=year,
        venue="Findings",
        authors=[
            (str(8000 + n), f"Cita Tion{n}"),
            (None, "Second Author"),
            (None, "Third"),
            (None, "Fourth"),
        ],
    )
    return pid


def paper(double: Any, pid: str, title: str, year: int, cites: int, authors: Any) -> None:
    double.add_paper(
        pid,
        title=title,
        year=year,
        venue="ACL",
        authors=authors,
        citation_count=cites,
        publication_date=f"{year}-05-01",
    )


@pytest.fixture
def ada(double_env: Any, runner: CliRunner) -> Any:
    """Ada with three papers: P1 cited by five stored citers, P2 by 3, P3 by none."""
    double_env.add_author(ADA, "Ada Digest")
    me = [(ADA, "Ada Digest")]
    paper(double_env, "p1".ljust(40, "1"), "Paper One", 2021, 0, me)
    for n in range(5):
        citer(double_env, "p1".ljust(40, "1"), n, 2022)
    paper(double_env, "p2".ljust(40, "2"), "Paper Two", 2022, 3, me)
    paper(double_env, "p3".ljust(40, "3"), "Paper Three", 2023, 0, me)
    assert run(runner, "track", "--id", ADA).exit_code == 0
    return double_env


P1, P2, P3, P4 = (
    "p1".ljust(40, "1"),
    "p2".ljust(40, "2"),
    "p3".ljust(40, "3"),
    "p4".ljust(40, "4"),
)


def change_world(double: Any) -> list[str]:
    """A new paper (P4, 3 citations), two new citers of P1, P3 moved to someone else."""
    paper(double, P4, "Paper Four", 2026, 3, [(ADA, "Ada Digest")])
    new = [citer(double, P1, 5, 2026), citer(double, P1, 6, 2026)]
    paper(double, P3, "Paper Three", 2023, 0, [("9999", "Someone Else")])
    return new


def test_a_changed_world_gives_exactly_its_lines_and_then_nothing(ada: Any) -> None:
    assert helpers.refresh_at(at(0)).status == "ok"
    first, requests = digest_at(at(1))
    assert first.news() == [] and requests == 0  # the first refresh is the baseline
    new_citers = change_world(ada)
    assert helpers.refresh_at(at(2)).status == "ok"
    ada.reset_log()
    result, requests = digest_at(at(3))
    [person] = result.news()
    assert [p.paper_id for p in person.new_papers] == [P4]
    assert [p.paper_id for p in person.left_papers] == [P3]
    assert [(g.paper_id, g.before, g.after) for g in person.gains] == [(P1, 5, 7)]
    [gain] = person.gains
    assert [c.paper_id for c in gain.new_citers] == list(reversed(new_citers))  # newest first
    assert gain.new_citers[0].title == "Citing study 6"
    assert gain.new_citers[0].authors == ["Cita Tion6", "Second Author", "Third"]
    assert gain.new_citers[0].more_authors and gain.new_citers[0].venue == "Findings"
    assert gain.citers_note is None
    # h-index [5, 3, 0] -> [7, 3, 3]: 2 -> 3.
    assert (person.h_before, person.h_after) == (2, 3)
    # One request, for the one paper that gained, asking for exactly the gain.
    calls = helpers.requests_by_route(ada)
    assert calls == [f"GET /paper/{P1}/citations"]
    assert ada.requests[0].query["limit"] == ["2"]
    again, requests = digest_at(at(4))
    assert again.news() == [] and requests == 0


def test_citers_stop_at_the_first_one_already_reported(ada: Any) -> None:
    helpers.refresh_at(at(0))
    digest_at(at(1))
    change_world(ada)
    helpers.refresh_at(at(2))
    digest_at(at(3))  # reports citers 5 and 6
    newest = citer(ada, P1, 7, 2026)
    # S2 counts four more than it lists anew: gain 5, and the page of 5 holds citer 7,
    # then 6 and 5 (reported before), then 4 and 3 (old ones, part of the baseline).
    ada.set_citations(P1, 12)
    helpers.refresh_at(at(4))
    result, requests = digest_at(at(5))
    [gain] = result.news()[0].gains
    assert (gain.before, gain.after) == (7, 12)
    assert [c.paper_id for c in gain.new_citers] == [newest]  # stopped at citer 6, known
    assert gain.citers_note == "4 citing paper(s) not listed by Semantic Scholar"
    assert requests == 1


def test_since_a_date_looks_back_without_moving_the_mark(ada: Any) -> None:
    helpers.refresh_at(at(0))
    digest_at(at(1))
    change_world(ada)
    helpers.refresh_at(at(2))
    look, _ = digest_at(at(3), since=news.parse_since(at(1.5).date().isoformat()))
    assert [p.paper_id for p in look.news()[0].new_papers] == [P4]
    still, _ = digest_at(at(3))  # the default digest still has the news
    assert [p.paper_id for p in still.news()[0].new_papers] == [P4]


def test_cli_formats_and_quiet_when_nothing_is_new(ada: Any, runner: CliRunner) -> None:
    helpers.refresh_at(at(0))
    change_world(ada)
    helpers.refresh_at(at(2))
    out = run(runner, "digest", "-f", "json")
    assert out.exit_code == 0, out.stderr
    [person] = json.loads(out.stdout)["digest"]["people"]
    assert [p["title"] for p in person["new_papers"]] == ["Paper Four"]
    assert [p["title"] for p in person["left_papers"]] == ["Paper Three"]
    assert person["citation_gains"][0]["gain"] == 2
    assert [c["title"] for c in person["citation_gains"][0]["new_citing_papers"]] == [
        "Citing study 6",
        "Citing study 5",
    ]
    assert (person["h_index_before"], person["h_index"]) == (2, 3)
    quiet = run(runner, "digest")
    assert quiet.exit_code == 0 and quiet.stdout == ""


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "jsonl"])
def test_every_format_carries_the_news(ada: Any, runner: CliRunner, fmt: str) -> None:
    helpers.refresh_at(at(0))
    change_world(ada)
    helpers.refresh_at(at(2))
    out = run(runner, "digest", "-f", fmt)
    assert out.exit_code == 0, out.stderr
    text = out.stdout
    for needle in ("Paper Four", "Paper Three", "Paper One", "Citing study 6"):
        assert needle in text, (fmt, text)
    if fmt == "markdown":
        assert text.startswith("# scholar digest") and "## Ada Digest" in text
        assert "**+2** Paper One (5 → 7)" in text
    if fmt == "table":
        assert "+2     Paper One (5 → 7)" in text and "h-index 2 → 3" in text
    if fmt == "jsonl":
        assert json.loads(text.splitlines()[0])["citations_gained"] == 2


def test_hostile_titles_are_escaped_in_text_but_kept_in_json(ada: Any, runner: CliRunner) -> None:
    helpers.refresh_at(at(0))
    paper(ada, P4, "Evil \x1b]0;owned\x07 \u202etitle", 2026, 1, [(ADA, "Ada Digest")])
    helpers.refresh_at(at(2))
    table = run(runner, "digest", "--since", "2026-11-01", "-f", "table").stdout
    assert "\x1b" not in table and "\u202e" not in table and "\x07" not in table
    assert "Evil" in table and "title" in table
    raw = json.loads(run(runner, "digest", "--since", "2026-11-01", "-f", "json").stdout)
    assert raw["digest"]["people"][0]["new_papers"][0]["title"].startswith("Evil \x1b]0;")


def test_refresh_digest_refreshes_and_prints_only_the_digest(ada: Any, runner: CliRunner) -> None:
    helpers.refresh_at(at(0))
    change_world(ada)
    out = run(runner, "refresh", "--digest", "-f", "markdown")
    assert out.exit_code == 0, out.stderr
    assert out.stdout.startswith("# scholar digest") and "Paper Four" in out.stdout
    assert "1 refreshed" in out.stderr  # the tally stays on stderr
    again = run(runner, "refresh", "--digest")
    assert again.exit_code == 0 and again.stdout == ""


def test_bad_since_is_a_usage_error(ada: Any, runner: CliRunner) -> None:
    out = run(runner, "digest", "--since", "yesterday")
    assert out.exit_code == 2
    assert out.stderr.startswith("error: --since: 'yesterday' is not a date")


# -- cron health -------------------------------------------------------------------------
def tracked(runner: CliRunner, *args: str) -> list[dict[str, Any]]:
    out = run(runner, "tracked", "-f", "json", *args)
    assert out.exit_code == 0, out.stderr
    rows: list[dict[str, Any]] = json.loads(out.stdout)["tracked"]
    return rows


def test_consecutive_failures_are_counted_named_and_cleared(ada: Any, runner: CliRunner) -> None:
    ada.add_author(BEN, "Ben Failing")
    paper(ada, "b1".ljust(40, "1"), "Ben's paper", 2020, 4, [(BEN, "Ben Failing")])
    assert run(runner, "track", "--id", BEN).exit_code == 0
    helpers.refresh_at(at(0))
    ada.remove_author(BEN)  # S2 no longer knows Ben's id: every refresh of Ben fails
    for day in (1, 2, 3):
        summary = helpers.refresh_at(at(day))
        assert [r.key for r in summary.failed()] == ["ben failing"]
    [ben] = tracked(runner, "--failing")
    assert ben["key"] == "ben failing" and ben["failures"] == 3
    assert "no longer exists" in ben["last_error"]
    assert ben["last_success"] == at(0).isoformat()
    ada_row = next(r for r in tracked(runner) if r["key"] == "ada digest")
    assert ada_row["failures"] == 0 and ada_row["last_error"] is None
    assert ada_row["next_due"] is not None
    # A refresh of Ada alone still names Ben on stderr, with the error.
    out = run(runner, "refresh", "Ada Digest", "-q")
    assert out.exit_code == 0
    assert "ben failing: refresh failed 3 runs in a row: S2 author 9200 no longer exists" in (
        out.stderr
    )
    # ... and the digest names him, even with nothing else new.
    result, _ = digest_at(at(9))
    failing = [p for p in result.news() if p.failing is not None]
    assert [p.key for p in failing] == ["ben failing"]
    assert failing[0].failing is not None and failing[0].failing.consecutive_failures == 3
    # Back on S2: the next run succeeds and the streak is gone.
    ada.add_author(BEN, "Ben Failing")
    assert helpers.refresh_at(at(10)).status == "ok"
    assert tracked(runner, "--failing") == []
    quiet = run(runner, "refresh", "-q")
    assert "runs in a row" not in quiet.stderr


def test_every_run_is_recorded_with_its_failures(ada: Any) -> None:
    import sqlite3

    ada.add_author(BEN, "Ben Failing")
    paper(ada, "b1".ljust(40, "1"), "Ben's paper", 2020, 4, [(BEN, "Ben Failing")])
    helpers.track_directly([ADA, BEN])
    ada.remove_author(BEN)
    helpers.refresh_at(at(0))
    conn = sqlite3.connect(load_settings().db_path)
    try:
        [(started, finished, status, summary)] = conn.execute(
            "SELECT started_at, finished_at, status, summary FROM refresh_runs"
        ).fetchall()
    finally:
        conn.close()
    record = json.loads(summary)
    assert started == at(0).isoformat() and finished and status == "partial"
    assert record["tracked"] == 3  # Ada (the fixture's) and the two tracked here
    assert sorted(record["refreshed"]) == ["ada digest", "person 0000"]
    assert record["failed"][0]["person"] == "person 0001"
    assert "no longer exists" in record["failed"][0]["reason"]


def test_a_refresh_in_the_same_second_as_the_digest_still_counts_next_time(ada: Any) -> None:
    helpers.refresh_at(at(0))
    digest_at(at(1))  # the mark is the data's time (the refresh at 0), not the clock's 1
    change_world(ada)
    helpers.refresh_at(at(1))  # cron: the next refresh starts in the digest's second
    result, _ = digest_at(at(1))
    [person] = result.news()
    assert [p.paper_id for p in person.new_papers] == [P4]
    assert [(g.before, g.after) for g in person.gains] == [(5, 7)]
