"""Citations per year: the S2 walk, its cache, h5/i10_5y and the profile's chart.

The profile below is hand-built (as_of 2026-11-27, so Google Scholar's five-year
window is 2022-2026). Citations received per year, by paper:

    P1 50 cites, 2010: 2012: 48, 2022: 2   -> 2 in the window
    P2 30 cites, 2012: 2013: 27, 2023: 3   -> 3
    P3 12 cites, 2021: 2021: 1, 2024: 11   -> 11
    P4  5 cites, 2019: 2020: 4, 2026: 1    -> 1
    P5  0 cites, 2025                      -> 0

All-time h = 4 (50, 30, 12, 5 >= 4) and i10 = 3; in the window the counts sorted are
11, 3, 2, 1, 0, so h5 = 2 (3 >= 2, 2 < 3) and i10_5y = 1.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from scholarcli.cache import citations as citation_cache
from scholarcli.cache import people as people_cache
from scholarcli.cache.store import Store
from scholarcli.cli import app
from scholarcli.config import load_settings
from scholarcli.core import Context
from scholarcli.models import PAPER_FIELDS, Paper
from scholarcli.profile import analysis
from scholarcli.sources import semanticscholar

AS_OF = "2026-11-27"
PERSON_ID = "500"
NAME = "Per Year Person"
PAPERS = {
    "p1" + "0" * 38: (50, 2010, {2012: 48, 2022: 2}),
    "p2" + "0" * 38: (30, 2012, {2013: 27, 2023: 3}),
    "p3" + "0" * 38: (12, 2021, {2021: 1, 2024: 11}),
    "p4" + "0" * 38: (5, 2019, {2020: 4, 2026: 1}),
    "p5" + "0" * 38: (0, 2025, {}),
}
P3 = "p3" + "0" * 38


@pytest.fixture
def person(double_env):  # type: ignore[no-untyped-def]
    double_env.add_author(PERSON_ID, NAME)
    for number, (paper_id, (cites, year, by_year)) in enumerate(PAPERS.items(), start=1):
        double_env.add_paper(
            paper_id,
            title=f"Paper {number}",
            year=year,
            authors=[(PERSON_ID, NAME), ("501", "Co Author")],
            citation_count=cites,
            citations_by_year=by_year or None,
        )
    return double_env


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def profile_json(runner: CliRunner, *extra: str) -> dict:  # type: ignore[type-arg]
    result = run(runner, "author", NAME, "-f", "json", "--as-of", AS_OF, *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def citation_requests(double) -> list:  # type: ignore[no-untyped-def, type-arg]
    return [r for r in double.requests if r.path.endswith("/citations")]


def test_h5_i10_5y_and_per_year_rows(runner: CliRunner, person) -> None:  # type: ignore[no-untyped-def]
    data = profile_json(runner, "--citations-by-year")
    author = data["author"]
    assert (author["h_index"], author["i10_index"]) == (4, 3)
    assert (author["h5_index"], author["i10_5y"]) == (2, 1)
    rows = {row["year"]: row for row in data["per_year"]}
    assert sorted(rows) == list(range(2010, 2027))  # gaps are rows of zeros
    assert rows[2012] == {"year": 2012, "papers": 1, "citations": 48}
    assert rows[2011] == {"year": 2011, "papers": 0, "citations": 0}
    assert rows[2025] == {"year": 2025, "papers": 1, "citations": 0}
    assert rows[2026] == {"year": 2026, "papers": 0, "citations": 1}
    assert sum(row["citations"] for row in rows.values()) == 97
    # One page per cited paper; the uncited one costs nothing.
    requests = citation_requests(person)
    assert len(requests) == 4
    assert all(r.query["fields"] == ["year"] and r.query["limit"] == ["1000"] for r in requests)


def test_without_the_flag_nothing_is_fetched(runner: CliRunner, person) -> None:  # type: ignore[no-untyped-def]
    data = profile_json(runner)
    assert "per_year" not in data
    assert (data["author"]["h5_index"], data["author"]["i10_5y"]) == (None, None)
    assert citation_requests(person) == []


def test_cached_years_are_fetched_again_only_when_the_count_changed(
    runner: CliRunner, person
) -> None:  # type: ignore[no-untyped-def]
    profile_json(runner, "--citations-by-year")
    person.reset_log()
    warm = profile_json(runner, "--citations-by-year")
    assert person.count() == 0
    assert warm["author"]["h5_index"] == 2
    # P3 gains a citation: a refresh re-reads the paper list, and only P3's years.
    person.set_citations(P3, 13)
    person.reset_log()
    refreshed = profile_json(runner, "--citations-by-year", "--refresh")
    assert [r.path.split("/")[-2] for r in citation_requests(person)] == [P3]
    assert sum(row["citations"] for row in refreshed["per_year"]) == 98
    # Past --max-age every cited paper is asked again.
    person.reset_log()
    profile_json(runner, "--citations-by-year", "--max-age", "0")
    assert len(citation_requests(person)) == 4


def test_offline_without_cached_years_warns_and_leaves_h5_empty(runner: CliRunner, person) -> None:  # type: ignore[no-untyped-def]
    profile_json(runner)
    person.reset_log()
    result = run(
        runner, "author", NAME, "-f", "json", "--as-of", AS_OF, "--offline", "--citations-by-year"
    )
    assert result.exit_code == 0, result.stderr
    assert person.count() == 0
    assert "4 paper(s) are not cached and --offline is set" in result.stderr
    data = json.loads(result.stdout)
    assert data["author"]["h5_index"] is None
    assert {row["year"]: row["citations"] for row in data["per_year"]}[2012] == 0


def test_source_failure_keeps_going_with_a_warning_and_exits_5(runner: CliRunner, person) -> None:  # type: ignore[no-untyped-def]
    person.inject("s2.paper_citations", "5xx", times=100, status=503)
    result = run(
        runner,
        "author",
        NAME,
        "-f",
        "json",
        "--as-of",
        AS_OF,
        "--citations-by-year",
        env={"SCHOLAR_MAX_ATTEMPTS": "1"},
    )
    assert result.exit_code == 5
    assert "HTTP 503" in result.stderr and "4 paper(s)" in result.stderr
    assert json.loads(result.stdout)["author"]["h5_index"] is None
    # Only the first paper was tried: a failing source is not asked four times over.
    assert len(citation_requests(person)) == 1


def test_a_paper_gone_from_s2_is_skipped_and_the_rest_fetched(
    runner: CliRunner, person, scholar_home
) -> None:  # type: ignore[no-untyped-def]
    profile_json(runner)
    # The cached list holds a paper S2 no longer knows: its /citations answers 404.
    store = Store.open(scholar_home / "cache.sqlite3")
    try:
        papers = people_cache.load_author_papers(store, PERSON_ID)
        gone = Paper("f" * 40, "Withdrawn", year=2020, citations=7)
        now = datetime.now(UTC).isoformat()
        people_cache.save_author_papers(store, None, PERSON_ID, [gone, *papers], now)
    finally:
        store.close()
    person.reset_log()
    result = run(runner, "author", NAME, "-f", "json", "--citations-by-year")
    assert result.exit_code == 5, result.stderr  # partial: one item failed
    assert "HTTP 404" in result.stderr and f"for paper {'f' * 40}; skipped" in result.stderr
    assert [r.status for r in citation_requests(person)] == [404, 200, 200, 200, 200]
    assert "1 paper(s) are not available" in result.stderr


def test_table_shows_the_chart_and_h5(runner: CliRunner, person) -> None:  # type: ignore[no-untyped-def]
    result = run(
        runner,
        "author",
        NAME,
        "-f",
        "table",
        "--as-of",
        AS_OF,
        "--citations-by-year",
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "h5-index 2" in out
    assert "Citations by the year of the citing paper" in out
    lines = {line[:4]: line.split() for line in out.splitlines() if line[:2] == "20"}
    # At 80 columns the citation bars get 40 cells and the paper bars 20: 2012's 48
    # citations (the most) fill 40, 2013's 27 fill 27/48 * 40 = 22.5 cells.
    assert lines["2012"] == ["2012", "█" * 40, "48", "█" * 20, "1"]
    assert lines["2013"] == ["2013", "█" * 22 + "▌", "27", "0"]
    assert max(len(line) for line in out.splitlines()) <= 80


def test_csv_and_jsonl_stay_papers_only(runner: CliRunner, person) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", NAME, "-f", "csv", "--citations-by-year")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 5 and list(rows[0]) == list(PAPER_FIELDS)
    lines = run(runner, "author", NAME, "-f", "jsonl", "--citations-by-year").stdout.splitlines()
    assert len(lines) == 5 and all("paper_id" in json.loads(line) for line in lines)


def test_markdown_has_a_per_year_table(runner: CliRunner, person) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", NAME, "-f", "markdown", "--as-of", AS_OF, "--citations-by-year")
    assert "## Per year" in result.stdout
    assert "| 2012 | 1 | 48 |" in result.stdout


def test_timeline_command_prints_rows(runner: CliRunner, person) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "timeline", NAME, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["year", "papers", "citations"]
    assert {r["year"]: (r["papers"], r["citations"]) for r in rows}["2024"] == ("0", "11")


# --- the S2 walk ---------------------------------------------------------------------------


def citation_years(paper_id: str):  # type: ignore[no-untyped-def]
    """The S2 client's walk over one paper's citing papers, with its own context."""
    ctx = Context.open(load_settings())
    try:
        return ctx.s2.citation_years(paper_id)
    finally:
        ctx.close()


@pytest.mark.parametrize("cites", [1, 999, 1000, 1001, 2500])
def test_one_request_per_thousand_citations(double_env, cites: int) -> None:  # type: ignore[no-untyped-def]
    double_env.add_paper("c" * 40, title="Cited", year=2020, authors=[], citation_count=cites)
    counts = citation_years("c" * 40)
    assert sum(counts.by_year.values()) == cites and not counts.truncated
    assert len(citation_requests(double_env)) == math.ceil(cites / 1000)


def test_walk_stops_below_the_9999_cap_and_reports_truncation(double_env) -> None:  # type: ignore[no-untyped-def]
    double_env.add_paper("c" * 40, title="Cited", year=2020, authors=[], citation_count=12_345)
    counts = citation_years("c" * 40)
    assert counts.truncated and sum(counts.by_year.values()) == 9_999
    requests = citation_requests(double_env)
    assert len(requests) == 10
    assert (requests[-1].query["offset"], requests[-1].query["limit"]) == (["9000"], ["999"])
    assert all(r.status == 200 for r in requests)


def test_400_past_the_cap_ends_the_walk_as_truncated(
    double_env, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # Were our idea of the cap wrong, S2's 400 "Requested data ... not available" ends it.
    monkeypatch.setattr(semanticscholar, "CITATIONS_REACHABLE", 20_000)
    double_env.add_paper("c" * 40, title="Cited", year=2020, authors=[], citation_count=12_345)
    counts = citation_years("c" * 40)
    assert counts.truncated and sum(counts.by_year.values()) == 9_000
    assert [r.status for r in citation_requests(double_env)][-1] == 400


def test_citing_papers_without_year_are_counted_apart(double_env) -> None:  # type: ignore[no-untyped-def]
    # The double gives citing papers of an undated paper no year.
    double_env.add_paper("c" * 40, title="Cited", year=None, authors=[], citation_count=7)
    counts = citation_years("c" * 40)
    assert (counts.by_year, counts.undated) == ({}, 7)


def test_truncated_papers_are_reported_as_lower_bounds(runner: CliRunner, person) -> None:  # type: ignore[no-untyped-def]
    person.add_paper(
        "p6" + "0" * 38,
        title="Famous",
        year=2020,
        authors=[(PERSON_ID, NAME)],
        citation_count=10_500,
    )
    result = run(runner, "author", NAME, "-f", "json", "--citations-by-year")
    assert result.exit_code == 0, result.stderr
    assert "first 9,999 citing papers" in result.stderr and "1 paper(s)" in result.stderr


# --- the cache -----------------------------------------------------------------------------


def test_cache_round_trip_replaces_a_paper_atomically(scholar_home) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(scholar_home / "cache.sqlite3")
    try:
        first = citation_cache.CitationYears(
            "x", 5, "2026-01-01T00:00:00+00:00", {2024: 3, 2025: 2}
        )
        citation_cache.save(store, first)
        second = citation_cache.CitationYears(
            "x", 6, "2026-02-01T00:00:00+00:00", {2025: 4}, undated=2, truncated=True
        )
        citation_cache.save(store, second)
        loaded = citation_cache.load(store, ["x", "absent"])
    finally:
        store.close()
    assert loaded == {"x": second}


def test_per_year_rows_and_recent_metrics_are_pure() -> None:
    from datetime import date

    from scholarcli.models import ProfilePaper

    def paper(pid: str, cites: int, year: int | None) -> ProfilePaper:
        return ProfilePaper(
            pid, "t", [], None, None, year, "", None, cites, 0, 0.0, None, None, None
        )

    papers = [paper("a", 3, 2024), paper("b", 0, None)]
    assert analysis.per_year_rows(papers, {"a": {2025: 3}}) == [
        {"year": 2024, "papers": 1, "citations": 0},
        {"year": 2025, "papers": 0, "citations": 3},
    ]
    assert analysis.per_year_rows([paper("b", 0, None)], {}) == []
    recent = analysis.recent_metrics(papers, {"a": {2025: 3}, "b": {}}, date(2026, 1, 1))
    assert recent == {"h5_index": 1, "i10_5y": 0}
    assert analysis.recent_metrics(papers, {"b": {}}, date(2026, 1, 1))["h5_index"] is None
