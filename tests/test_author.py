"""``scholar author`` and ``scholar find`` end to end against the loopback double."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cli import app

AS_OF = "2026-11-27"


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def test_seed_profile_as_json(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "Du-Seong Chang", "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    author = data["author"]
    assert author["name"] == "Du-Seong Chang"
    assert author["ids"] == [seed.AUTHOR_ID]
    assert author["affiliations"] == ["KT Corporation"]
    assert author["primary_category"] == "cs.CL"
    assert author["primary_category_name"] == "Computation and Language"
    assert (author["paper_count"], author["citation_count"], author["h_index"]) == (9, 753, 5)
    assert (author["g_index"], author["i10_index"]) == (9, 5)
    assert author["as_of"] == AS_OF
    by_arxiv = {p["arxiv_id"]: p for p in data["papers"]}
    assert len(by_arxiv) == 9
    for expected in seed.PAPERS:
        paper = by_arxiv[expected.arxiv_id]
        assert paper["title"] == expected.title
        assert paper["date"] == expected.published  # arXiv v1 date, not S2's date
        assert paper["category"] == expected.category
        assert paper["code_url"] == expected.code_url
        assert paper["citations"] == expected.citations
        assert paper["authors"][:3] == list(expected.first_authors)
        assert paper["author_position"] == 5
        year = int(expected.published[:4])
        assert paper["cites_per_year"] == round(expected.citations / (2026 - year + 1), 2)
        assert set(paper) >= {
            "paper_id",
            "doi",
            "year",
            "venue",
            "influential_citations",
            "abstract",
            "url",
        }
    # The arXiv DataCite DOI names the preprint; it is not reported as the paper's DOI.
    assert all(p["doi"] is None for p in data["papers"])
    # S2 had no abstract for CR-ILD: arXiv's fills the gap.
    assert "CR-ILD" in by_arxiv["2302.01530"]["abstract"]


def _table(runner: CliRunner, width: int) -> str:
    result = run(
        runner,
        "author",
        "Du-Seong Chang",
        "-f",
        "table",
        "--as-of",
        AS_OF,
        env={"COLUMNS": str(width)},
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("width", [80, 200])
def test_seed_profile_as_table(runner: CliRunner, seeded, width: int) -> None:  # type: ignore[no-untyped-def]
    out = _table(runner, width)
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= width
    header = out.split("9 Papers")[0]
    assert "Du-Seong Chang" in header
    assert re.search(r"\bCL\b", header) and "Computation and Language" in header
    assert "h-index 5" in header and "9 papers" in header and "753 citations" in header
    assert out.count("Code") == 8
    assert re.search(r"\bDC\b", out)
    words = out.split()
    for paper in seed.PAPERS:
        # Titles may wrap at 80 columns, but never inside a word.
        for word in paper.title.split():
            assert word in words, (word, width)
    for date in (
        "Aug 13, 2023",
        "Feb 3, 2023",
        "Nov 20, 2022",
        "Oct 16, 2023",
        "Apr 1, 2024",
        "Jun 24, 2024",
        "Mar 15, 2024",
        "Jun 17, 2024",
    ):
        assert date in out
    assert " ".join(out.split()).count("et al.") == 9  # the Cites column may wrap it at 80
    assert "Novelty" not in out and "AI Score" not in out
    if width == 200:
        for paper in seed.PAPERS:
            assert paper.title in out  # one line each when the terminal is wide


def test_csv_is_the_default_in_a_pipe(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "Du-Seong Chang", "--as-of", AS_OF)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 9
    assert list(rows[0]) == [
        "paper_id",
        "arxiv_id",
        "doi",
        "title",
        "authors",
        "author_position",
        "date",
        "year",
        "venue",
        "category",
        "citations",
        "influential_citations",
        "cites_per_year",
        "code_url",
        "abstract",
        "url",
        # Novelty and Impact (issue 9): empty until scholar author --novelty computes them.
        "novelty",
        "novelty_q99",
        "novelty_references",
        "references_resolved",
        "novelty_percentile",
        "impact_percentile",
        "cohort",
        "novelty_note",
        "cd_nok",
        "cd_nok_citers",
        "cd_nok_note",
        # Issue 18: empty until --self-citations / --novelty compute them.
        "self_citations",
        "coauthor_self_citations",
        "citations_excl_self",
        "coauthor_citations_excl_self",
        "ncs",
        "impact_top10",
    ]
    assert rows[0]["authors"].count("; ") == 4
    assert result.stderr == ""


def test_requests_cold_then_warm_then_refresh(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "author", "Du-Seong Chang", "-f", "json").exit_code == 0
    # The minimum: 1 search + 1 page of papers + 1 arXiv batch.
    assert seeded.count("s2") == 2
    assert seeded.count("arxiv") == 1
    search = next(r for r in seeded.requests if r.path.endswith("/author/search"))
    assert search.query["query"] == ["Du Seong Chang"]  # hyphens match nothing on S2
    papers = next(r for r in seeded.requests if r.path.endswith("/papers"))
    assert papers.query["limit"] == ["1000"]
    assert "citationCount" in papers.query["fields"][0]
    arxiv = next(r for r in seeded.requests if r.source == "arxiv")
    assert arxiv.query["max_results"] == ["9"]
    seeded.reset_log()
    warm = run(runner, "author", "Du-Seong Chang", "-f", "json")
    assert warm.exit_code == 0
    assert seeded.count() == 0
    seeded.set_citations(seed.PAPERS[0].paper_id, 1000)
    fresh = run(runner, "author", "Du-Seong Chang", "-f", "json", "--refresh")
    assert fresh.exit_code == 0
    assert seeded.count("s2") == 2
    assert seeded.count("arxiv") == 0  # arXiv already answered for every id
    assert json.loads(fresh.stdout)["author"]["citation_count"] == 753 - 40 + 1000


def test_max_age_zero_fetches_again(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "author", "Du-Seong Chang", "-f", "json").exit_code == 0
    seeded.reset_log()
    assert run(runner, "author", "Du-Seong Chang", "-f", "json", "--max-age", "0").exit_code == 0
    assert seeded.count("s2") == 2


def test_offline_without_cache_exits_4(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "Du-Seong Chang", "--offline")
    assert result.exit_code == 4
    assert result.stderr.startswith("error: ")
    assert seeded.count() == 0


def test_offline_with_cache_answers_without_network(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "author", "Du-Seong Chang", "-f", "json").exit_code == 0
    seeded.reset_log()
    result = run(runner, "author", "Du-Seong Chang", "-f", "json", "--offline", "--max-age", "0")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["author"]["h_index"] == 5
    assert seeded.count() == 0


def test_stale_cache_is_shown_with_a_warning_when_s2_fails(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    first = run(runner, "author", "Du-Seong Chang", "-f", "json")
    seeded.inject("*", "5xx", times=100, status=503)
    result = run(
        runner,
        "author",
        "Du-Seong Chang",
        "-f",
        "json",
        "--refresh",
        env={"SCHOLAR_MAX_ATTEMPTS": "2"},
    )
    # The cached profile is shown, but an explicit --refresh that got only the cache is
    # partial (issue 11): a script must be able to tell.
    assert result.exit_code == 5, result.stderr
    assert "warning:" in result.stderr and "cached" in result.stderr
    assert json.loads(result.stdout)["papers"] == json.loads(first.stdout)["papers"]


def test_s2_down_and_no_cache_exits_4(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.inject("*", "5xx", times=100, status=502)
    result = run(runner, "author", "Du-Seong Chang", env={"SCHOLAR_MAX_ATTEMPTS": "3"})
    assert result.exit_code == 4
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: Semantic Scholar: HTTP 502")
    assert "after 3 attempts" in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_name_exits_3_with_hint(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "Nobody Atall")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: no Semantic Scholar author matches 'Nobody Atall'")
    assert "hint: " in result.stderr
    assert result.stdout == ""


def test_several_candidates_pick_the_exact_name_and_say_so(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    # A more prolific namesake whose folded name is not an exact match comes second.
    seeded.add_author("999", "Du Seong Chang Kim")
    for n in range(20):
        seeded.add_paper(
            f"x{n:039d}",
            title=f"Other {n}",
            year=2020,
            authors=[("999", "Du Seong Chang Kim")],
            citation_count=1000,
        )
    result = run(runner, "author", "du-seong CHANG", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["author"]["ids"] == [seed.AUTHOR_ID]
    assert "1 other Semantic Scholar profile" in result.stderr
    assert "scholar find" in result.stderr and "--id" in result.stderr


def test_id_pins_and_merges_profiles(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    # A split profile: the same person under a second id with one duplicate (by arXiv id)
    # and one new paper.
    seeded.add_author("77", "D. Chang")
    seeded.add_paper(
        "f" * 39 + "9",
        title="NASH (published version)",
        year=2023,
        authors=[("77", "D. Chang")],
        citation_count=7,
        arxiv_id="2310.10054",
    )
    seeded.add_paper(
        "e" * 39 + "9",
        title="A new paper",
        year=2025,
        authors=[("77", "D. Chang")],
        citation_count=2,
    )
    one = run(runner, "author", "--id", "77", "-f", "json")
    assert one.exit_code == 0, one.stderr
    assert json.loads(one.stdout)["author"]["paper_count"] == 2
    both = run(runner, "author", "--id", seed.AUTHOR_ID, "--id", "77", "-f", "json")
    assert both.exit_code == 0, both.stderr
    data = json.loads(both.stdout)
    assert data["author"]["ids"] == [seed.AUTHOR_ID, "77"]
    assert data["author"]["paper_count"] == 10  # 9 + 1 new, the duplicate counted once
    assert data["author"]["citation_count"] == 755
    assert [p["title"] for p in data["papers"]].count("NASH (published version)") == 0


def test_unknown_id_exits_3(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "--id", "123456")
    assert result.exit_code == 3
    assert "123456" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["author"], "give a name or at least one --id"),
        (["author", "X", "--refresh", "--offline"], "cannot be used together"),
        (["author", "X", "--as-of", "yesterday"], "--as-of"),
        (["author", "X", "--max-age", "soon"], "--max-age"),
        (["author", "X", "--limit", "0"], "--limit"),
        (["author", "X", "-f", "xml"], "unknown format"),
        (["author", "--id", "abc"], "not a Semantic Scholar author id"),
        (["author", "!!!"], "empty"),
    ],
)
def test_bad_input_is_a_usage_error(
    runner: CliRunner, seeded, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert seeded.count() == 0


def test_sort_and_limit(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    by_date = run(
        runner, "author", "Du-Seong Chang", "-f", "json", "--sort", "date", "--limit", "3"
    )
    papers = json.loads(by_date.stdout)["papers"]
    assert [p["date"] for p in papers] == ["2024-06-24", "2024-06-24", "2024-06-17"]
    by_score = run(runner, "author", "Du-Seong Chang", "-f", "json", "--sort", "score")
    scores = [p["cites_per_year"] for p in json.loads(by_score.stdout)["papers"]]
    assert scores == sorted(scores, reverse=True)


def test_abstracts_in_table(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    plain = run(runner, "author", "Du-Seong Chang", "-f", "table", env={"COLUMNS": "120"})
    full = run(
        runner, "author", "Du-Seong Chang", "-f", "table", "--abstracts", env={"COLUMNS": "120"}
    )
    assert "We study" not in plain.stdout
    assert full.stdout.count("We study") == 9


def test_api_key_is_sent_but_never_shown(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    key = "sk-TEST-9f8e7d6c5b4a"
    result = runner.invoke(
        app,
        ["--debug", "author", "Du-Seong Chang", "-f", "json"],
        env={"SEMANTIC_SCHOLAR_API_KEY": key},
    )
    assert result.exit_code == 0, result.stderr
    s2 = [r for r in seeded.requests if r.source == "s2"]
    assert s2 and all(r.headers.get("x-api-key") == key for r in s2)
    assert all("x-api-key" not in r.headers for r in seeded.requests if r.source == "arxiv")
    assert "debug:" in result.stderr  # request logging is on
    assert key not in result.stdout + result.stderr


def test_rejected_key_exits_4_with_a_hint(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.rejected_api_keys.add("pruned-key")
    result = run(runner, "author", "Du-Seong Chang", env={"SEMANTIC_SCHOLAR_API_KEY": "pruned-key"})
    assert result.exit_code == 4
    assert "403" in result.stderr and "SEMANTIC_SCHOLAR_API_KEY" in result.stderr
    assert "pruned-key" not in result.stderr
    assert seeded.count("s2") == 1  # a refusal is final, not retried


def test_find_lists_candidates(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.add_author("999", "Du Seong Chang")
    seeded.add_paper(
        "9" * 40,
        title="Some namesake paper",
        year=2021,
        authors=[("999", "Du Seong Chang")],
        citation_count=3,
    )
    result = run(runner, "find", "Du-Seong Chang", "-f", "json")
    assert result.exit_code == 0, result.stderr
    candidates = json.loads(result.stdout)["candidates"]
    assert [c["author_id"] for c in candidates] == [seed.AUTHOR_ID, "999"]
    first = candidates[0]
    assert (first["paper_count"], first["citation_count"], first["h_index"]) == (9, 753, 5)
    assert len(first["recent_titles"]) == 2
    assert first["affiliations"] == ["KT Corporation"]
    table = run(runner, "find", "Du-Seong Chang", "-f", "table", env={"COLUMNS": "120"})
    assert seed.AUTHOR_ID in table.stdout and "999" in table.stdout


def test_find_unknown_exits_3(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "find", "Nobody Atall").exit_code == 3


def test_cache_commands(runner: CliRunner, seeded, scholar_home) -> None:  # type: ignore[no-untyped-def]
    path = run(runner, "cache", "path")
    assert path.stdout.strip() == str(scholar_home / "cache.sqlite3")
    run(runner, "author", "Du-Seong Chang", "-f", "json")
    info = json.loads(run(runner, "cache", "info", "-f", "json").stdout)["cache"]
    assert (info["authors"], info["papers"], info["arxiv_entries"]) == (1, 9, 9)
    assert info["oldest_fetch"] and info["size_bytes"] > 0
    refused = run(runner, "cache", "clear")
    assert refused.exit_code == 2
    assert run(runner, "cache", "clear", "--yes").exit_code == 0
    info = json.loads(run(runner, "cache", "info", "-f", "json").stdout)["cache"]
    assert (info["authors"], info["papers"]) == (0, 0)


@pytest.mark.parametrize("bad", ["١٢٣", "12 3", "-1", "0x10", "1" * 21])
def test_only_ascii_numeric_ids_are_sent(runner: CliRunner, seeded, bad: str) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "--id", bad)
    assert result.exit_code == 2
    assert seeded.count() == 0


def test_repeated_id_counts_once(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "--id", seed.AUTHOR_ID, "--id", seed.AUTHOR_ID, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["author"]["ids"] == [seed.AUTHOR_ID]
