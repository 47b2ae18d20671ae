"""``--source openalex``: the profile, its cache rules, the 100-author trap, faults.

The seed author lives on the OpenAlex double (tests/openalex_seed.py) with two
consortium works; every number asserted here is worked out from that data, not by the
code under test.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import openalex_seed as oa_seed
import seed
from double import ApiDouble
from scholarcli.cli import app

AS_OF = "2026-11-27"
# Nine seed works + the two consortium works; citations are oa_seed.CITATIONS + 12 + 9.
WORKS = 11
CITATIONS = sum(oa_seed.CITATIONS.values()) + 12 + 9
# Cited 190, 130, 77, 51, 25, 12, 9, 3, 2, 2, 1: seven works with at least 7 citations.
H_INDEX = 7


@pytest.fixture
def world(double_env: ApiDouble) -> ApiDouble:
    seed.load(double_env)  # the arXiv entries (and the S2 side) of the seed papers
    oa_seed.load(double_env)
    return double_env


def profile(runner: CliRunner, *extra: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = runner.invoke(
        app,
        ["author", oa_seed.NAME, "--source", "openalex", "-f", "json", "--as-of", AS_OF, *extra],
    )
    data = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, data, result.stderr


def test_profile_from_openalex(world: ApiDouble, runner: CliRunner) -> None:
    code, data, err = profile(runner)
    assert code == 0, err
    author, papers = data["author"], data["papers"]
    assert author["source"] == "openalex" and author["ids"] == [oa_seed.AUTHOR_ID]
    assert author["openalex_id"] == oa_seed.AUTHOR_ID and author["orcid"] == oa_seed.ORCID
    assert author["paper_count"] == WORKS and author["citation_count"] == CITATIONS
    assert author["h_index"] == H_INDEX
    # OpenAlex's own figure is shown beside scholar's where it differs, never used.
    assert author["source_reported"] == {"h_index": oa_seed.REPORTED_H_INDEX}
    assert "OpenAlex's own figures differ (h_index 9)" in err
    assert author["institutions"][0]["name"] == "KT Corporation"
    assert author["institutions"][0]["first_year"] == 2021
    assert author["institutions"][0]["last_year"] == 2024
    assert author["primary_category"] == "cs.CL"  # arXiv enrichment, as for S2
    by_title = {p["title"]: p for p in papers}
    top = by_title["How Do Large Language Models Acquire Factual Knowledge During Pretraining?"]
    assert top["citations"] == 190 and top["arxiv_id"] == "2406.11813"
    assert top["influential_citations"] is None  # OpenAlex has no such count
    assert top["fwci"] == 19.0 and top["citation_normalized_percentile"] == 0.95
    assert top["topic"] == "Natural Language Processing Techniques"
    assert top["is_retracted"] is False and top["openalex_id"].startswith("W")
    assert top["category"] == "cs.CL" and top["author_position"] == 5


def test_the_100_author_trap(world: ApiDouble, runner: CliRunner) -> None:
    code, data, err = profile(runner)
    assert code == 0, err
    by_id = {p["openalex_id"]: p for p in data["papers"]}
    past = by_id[oa_seed.CONSORTIUM_PAST_100]  # missed by the author filter
    assert past["author_position"] == 130 and len(past["authors"]) == 140
    cut = by_id[oa_seed.CONSORTIUM_CUT]  # authorships cut at 100 on the list page
    assert cut["author_position"] == 3 and len(cut["authors"]) == 120
    assert "1 work(s) where they are listed past the 100th author" in err


def test_warm_profile_makes_no_request(world: ApiDouble, runner: CliRunner) -> None:
    first = profile(runner)
    world.reset_log()
    second = profile(runner)
    assert second[0] == 0 and world.count() == 0
    for data in (first[1], second[1]):
        data["author"].pop("fetched_at")
    assert first[1] == second[1]
    offline = profile(runner, "--offline")
    assert offline[0] == 0 and world.count() == 0
    offline[1]["author"].pop("fetched_at")
    assert offline[1] == first[1]


def test_offline_without_cache(world: ApiDouble, runner: CliRunner) -> None:
    code, _, err = profile(runner, "--offline")
    assert code == 4 and err.startswith("error: ") and world.count() == 0


def test_keyless_note_once_and_key_never_shown(
    world: ApiDouble, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, scholar_home: Path
) -> None:
    code, _, err = profile(runner)
    assert code == 0 and err.count("no OPENALEX_API_KEY set") == 1
    key = "k-very-secret-123"
    world.openalex.keys[key] = 10_000
    monkeypatch.setenv("OPENALEX_API_KEY", key)
    monkeypatch.setenv("SCHOLAR_DEBUG", "1")
    world.reset_log()
    code, _, err = profile(runner, "--refresh")
    assert code == 0 and "no OPENALEX_API_KEY" not in err
    assert "api_key=***" in err and key not in err
    assert all(r.query.get("api_key") == [key] for r in world.requests if r.source == "openalex")
    with sqlite3.connect(scholar_home / "cache.sqlite3") as conn:
        dump = "\n".join(conn.iterdump())
    assert key not in dump


def test_invalid_key_is_exit_4_with_one_line(
    world: ApiDouble, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENALEX_API_KEY", "revoked-key-999")
    monkeypatch.setenv("SCHOLAR_DEBUG", "1")  # tracebacks and request logs: still no key
    code, data, err = profile(runner)
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 4 and not data and len(lines) == 1
    assert "401" in lines[0] and "revoked-key-999" not in err


def test_budget_spent_mid_run(world: ApiDouble, runner: CliRunner, scholar_home: Path) -> None:
    pool = world.openalex.pool(None)
    pool.used = pool.limit - 10  # the name search (10 credits) passes, the works list not
    code, data, err = profile(runner)
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 4 and not data and len(lines) == 1
    assert "1,000 of 1,000 credits used today" in lines[0] and "resets at midnight UTC" in lines[0]
    assert "hint: set OPENALEX_API_KEY" in err
    info = runner.invoke(app, ["cache", "info", "-f", "json"])
    facts = json.loads(info.stdout)["cache"]
    assert info.exit_code == 0 and facts["openalex_credits_remaining"] == 0
    assert facts["openalex_credits_limit"] == 1000 and facts["openalex_pool"] == "keyless"
    assert facts["openalex_budget_resets_at"].endswith("T00:00:00+00:00")


def test_stale_cache_answers_when_openalex_fails(world: ApiDouble, runner: CliRunner) -> None:
    first = profile(runner)
    world.inject("*", "5xx", times=50)
    code, data, err = profile(runner, "--refresh")
    assert code == 5 and "showing OpenAlex data cached at" in err
    data["author"].pop("fetched_at")
    first[1]["author"].pop("fetched_at")
    assert data == first[1]


@pytest.mark.parametrize("fault", ["429", "5xx", "malformed", "truncated", "empty_page"])
def test_faults_are_ridden_out(world: ApiDouble, runner: CliRunner, fault: str) -> None:
    clean = profile(runner)
    world.reset_log()
    kwargs = {"delay": 0.01} if fault == "429" else {}
    world.inject("openalex.works", fault, times=3, **kwargs)
    code, data, err = profile(runner, "--refresh")
    assert code == 0, err
    data["author"].pop("fetched_at")
    clean[1]["author"].pop("fetched_at")
    assert data == clean[1]


def test_unsupported_steps_are_refused(world: ApiDouble, runner: CliRunner) -> None:
    for option in ("--novelty", "--disruption"):
        code, _, err = profile(runner, option)
        assert code == 2 and f"error: {option} is not available with --source openalex" in err
    assert world.count() == 0


def test_bad_openalex_id(world: ApiDouble, runner: CliRunner) -> None:
    result = runner.invoke(app, ["author", "--id", "12345", "--source", "openalex"])
    assert result.exit_code == 2 and "is not an OpenAlex author id" in result.stderr
    by_id = runner.invoke(
        app,
        [
            "author",
            "--id",
            f"https://openalex.org/{oa_seed.AUTHOR_ID}",
            "--source",
            "openalex",
            "-f",
            "json",
            "--as-of",
            AS_OF,
        ],
    )
    assert by_id.exit_code == 0 and json.loads(by_id.stdout)["author"]["h_index"] == H_INDEX


def test_find_on_openalex(world: ApiDouble, runner: CliRunner) -> None:
    result = runner.invoke(app, ["find", "Du Seong Chang", "--source", "openalex", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    [candidate] = json.loads(result.stdout)["candidates"]
    assert candidate["author_id"] == oa_seed.AUTHOR_ID and candidate["orcid"] == oa_seed.ORCID
    assert candidate["institutions"][0] == "KT Corporation (2021-2024)"
    assert candidate["h_index"] == oa_seed.REPORTED_H_INDEX  # OpenAlex's own figure
    missing = runner.invoke(app, ["find", "Nobody Atall", "--source", "openalex"])
    assert missing.exit_code == 3 and "no OpenAlex author matches" in missing.stderr


def test_stalls_and_resets_are_ridden_out(
    world: ApiDouble, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = profile(runner)
    monkeypatch.setenv("SCHOLAR_TIMEOUT", "0.5")
    world.inject("openalex.works", "slow", times=2, delay=1.25)
    world.inject("openalex.work", "reset", times=2)
    code, data, err = profile(runner, "--refresh")
    assert code == 0, err
    data["author"].pop("fetched_at")
    clean[1]["author"].pop("fetched_at")
    assert data == clean[1]


def test_a_429_storm_ends_in_one_error_and_leaves_the_cache(
    world: ApiDouble, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = profile(runner)
    monkeypatch.setenv("SCHOLAR_MAX_ATTEMPTS", "3")
    world.inject("openalex.works", "429", times=100, delay=0.01)
    world.inject("openalex.author", "429", times=100, delay=0.01)
    code, _, err = profile(runner, "--refresh", "--id", oa_seed.AUTHOR_ID)
    assert code == 5 and "showing OpenAlex data cached at" in err  # the cache answered
    world.clear_faults()
    pool = world.openalex.pool(None)
    pool.used = pool.limit  # then the budget runs out as well
    spent = profile(runner, "--refresh")
    assert spent[0] == 5 and "the daily budget is spent" in spent[2]
    offline = profile(runner, "--offline")
    for one in (first[1], offline[1]):
        one["author"].pop("fetched_at")
    assert offline[0] == 0 and offline[1] == first[1]  # cached data intact


def test_no_cache_and_a_storm_is_exit_4(
    world: ApiDouble, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLAR_MAX_ATTEMPTS", "3")
    world.inject("*", "5xx", times=100)
    code, data, err = profile(runner)
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 4 and not data and len(lines) == 1 and "OpenAlex" in lines[0]


def test_a_merged_author_id_is_followed(world: ApiDouble, runner: CliRunner) -> None:
    world.openalex.merge("A1234", oa_seed.AUTHOR_ID)
    result = runner.invoke(
        app, ["author", "--id", "A1234", "--source", "openalex", "-f", "json", "--as-of", AS_OF]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["author"]["ids"] == [oa_seed.AUTHOR_ID]
    assert f"OpenAlex merged A1234 into {oa_seed.AUTHOR_ID}" in result.stderr


def test_citations_by_year_from_counts_by_year(world: ApiDouble, runner: CliRunner) -> None:
    profile(runner)
    world.reset_log()
    code, data, err = profile(runner, "--citations-by-year")
    assert code == 0, err
    assert world.count() == 0  # the counts came with the works: no request
    rows = {row["year"]: row for row in data["per_year"]}
    # The seed works' counts_by_year put each work's citations in its publication year.
    by_year: dict[int, int] = {}
    for paper in seed.PAPERS:
        year = int(paper.published[:4])
        by_year[year] = by_year.get(year, 0) + oa_seed.CITATIONS[paper.arxiv_id]
    assert {y: rows[y]["citations"] for y in by_year} == by_year
    assert rows[2025]["papers"] == 1 and rows[2024]["papers"] == 5 + 1
    assert "OpenAlex counts citations per year from" in err
    assert data["author"]["h5_index"] is not None


def test_table_header_names_the_source_and_its_own_figures(
    world: ApiDouble, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    result = runner.invoke(
        app, ["author", oa_seed.NAME, "--source", "openalex", "-f", "table", "--as-of", AS_OF]
    )
    assert result.exit_code == 0, result.stderr
    assert (
        f"Source: OpenAlex {oa_seed.AUTHOR_ID} · ORCID {oa_seed.ORCID} · "
        "OpenAlex's own figures: h-index 9"
    ) in result.stdout
    assert "h-index 7" in result.stdout  # scholar's, computed from the works
    s2 = runner.invoke(app, ["author", seed.NAME, "-f", "table", "--as-of", AS_OF])
    assert s2.exit_code == 0 and "Source: OpenAlex" not in s2.stdout


def test_a_malformed_orcid_is_not_shown(world: ApiDouble, runner: CliRunner) -> None:
    world.openalex.authors[oa_seed.AUTHOR_ID].orcid = "\x1b[31mnot-an-orcid"
    code, data, _ = profile(runner)
    assert code == 0 and data["author"]["orcid"] is None
