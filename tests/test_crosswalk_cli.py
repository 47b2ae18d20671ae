"""``scholar sources``, ``author --source s2,openalex`` and ``--orcid``, end to end.

Both sources answer from the loopback doubles, loaded with the seed author on both
(``crosswalk_seed``: a known answer for every comparison).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

import crosswalk_seed as world
import seed
from scholarcli.cli import app

AS_OF = "2026-11-27"
NAME = seed.NAME
ORCID = world.ORCID
S2_IDS = [seed.AUTHOR_ID, world.SPLIT_S2]


@pytest.fixture
def both(double_env):  # type: ignore[no-untyped-def]
    world.load(double_env)
    return double_env


def run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def by_title(papers: list[dict]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {p["title"]: p for p in papers}


def seed_title(arxiv_id: str) -> str:
    return next(p.title for p in seed.PAPERS if p.arxiv_id == arxiv_id)


def test_side_by_side_by_name_json(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", NAME, "--source", "s2,openalex", "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    sources = data["author"]["sources"]
    # By name each source picks its best-ranked record: one id each.
    assert sources["s2"] == {
        "name": "Semantic Scholar",
        "ids": [seed.AUTHOR_ID],
        "papers": 9,
        "citations": 753,
        "h_index": 5,
    }
    assert sources["openalex"]["ids"] == ["A5000000001"]
    assert sources["openalex"]["papers"] == 8
    papers = by_title(data["papers"])
    nash = papers[seed_title("2310.10054")]
    assert nash["citations_by_source"] == {"s2": 120, "openalex": 61}
    assert nash["in_sources"] == ["s2", "openalex"]
    assert nash["matched_by"] == "arxiv"
    assert nash["citations"] == 120  # the headline's own count, never a sum
    assert nash["openalex_id"].startswith("W")  # OpenAlex's own fields, whatever the headline
    only_s2 = papers[seed_title("2406.16758")]
    assert "openalex_id" in only_s2 and only_s2["openalex_id"] is None
    workshop = papers["A Workshop Paper Only OpenAlex Indexes"]
    assert workshop["in_sources"] == ["openalex"]
    assert workshop["citations_by_source"] == {"s2": None, "openalex": 2}
    assert workshop["only_reason"] == "not indexed on Semantic Scholar"
    assert len(papers) == 9 + 2  # every paper once: nine S2 papers, two on OpenAlex only


def test_the_first_source_is_the_headline(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", NAME, "--source", "openalex,s2", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data["author"]["sources"]) == ["openalex", "s2"]
    assert data["author"]["ids"] == ["A5000000001"]
    nash = by_title(data["papers"])[seed_title("2310.10054")]
    assert nash["citations"] == 61
    assert nash["citations_by_source"] == {"openalex": 61, "s2": 120}


def test_side_by_side_table_has_a_line_and_a_column_per_source(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "--orcid", ORCID, "--source", "s2,openalex", "-f", "table")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Semantic Scholar (2112233445, 99887766): 11 papers, 803 citations, h-index 7" in out
    assert "OpenAlex (A5000000001, A5000000002): 10 papers, 231 citations, h-index 6" in out
    assert "In both: 8 (2 by DOI, 6 by arXiv id)" in out
    assert "In every source (8)" in out
    assert "Only in Semantic Scholar (3)" in out
    assert "Only in OpenAlex (2)" in out
    header = next(line for line in out.splitlines() if "matched_by" in line)
    assert header.split()[:3] == ["s2", "openalex", "year"]


def test_csv_and_jsonl_carry_the_side_fields(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", NAME, "--source", "s2,openalex", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    nash = next(r for r in rows if r["arxiv_id"] == "2310.10054")
    assert json.loads(nash["citations_by_source"]) == {"s2": 120, "openalex": 61}
    assert nash["in_sources"] == "s2; openalex"
    result = run(runner, "author", NAME, "--source", "s2,openalex", "-f", "jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {tuple(line["in_sources"]) for line in lines} == {
        ("s2", "openalex"),
        ("s2",),
        ("openalex",),
    }


def test_warm_side_by_side_makes_no_request(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    args = ["author", "--orcid", ORCID, "--source", "s2,openalex", "-f", "json"]
    assert run(runner, *args).exit_code == 0
    # One S2 batch for the ORCID works: it also answers for the OpenAlex-only papers,
    # which are ORCID works too; never one request a paper.
    assert both.count("s2", "/graph/v1/paper/batch") == 1
    assert both.count("openalex", "/openalex/works") >= 1
    both.reset_log()
    assert run(runner, *args).exit_code == 0
    assert run(runner, "sources", "--orcid", ORCID, "-f", "json").exit_code == 0
    assert both.count() == 0


def test_offline_side_by_side_answers_from_the_cache(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    args = ["sources", NAME, "-f", "json"]
    first = run(runner, *args)
    assert first.exit_code == 0, first.stderr
    both.reset_log()
    offline = run(runner, *args, "--offline")
    assert offline.exit_code == 0, offline.stderr
    assert offline.stdout == first.stdout
    assert both.count() == 0


def test_sources_lists_the_disagreements_biggest_first(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "sources", "--orcid", ORCID, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["disagreements"]
    got = [(r["kind"], r["title"], r["gap"]) for r in rows]
    assert got == [
        ("only_in", seed_title("2406.11813"), 300),
        ("only_in", seed_title("2406.16758"), 200),
        ("citations", seed_title("2310.10054"), 59),
        ("only_in", "A Study Semantic Scholar Credits to Someone Else", 8),
        ("only_in", seed_title("2406.16469"), 3),
        ("only_in", "A Workshop Paper Only OpenAlex Indexes", 2),
        ("year", seed_title("2404.00930"), 0),
    ]
    detail = {r["title"]: r["detail"] for r in rows}
    assert detail[seed_title("2406.11813")] == (
        "attributed to another profile on OpenAlex: Dae-Sung Chang (A5999999999)"
    )
    assert detail[seed_title("2406.16758")] == "not indexed on OpenAlex"
    assert detail["A Study Semantic Scholar Credits to Someone Else"] == (
        "attributed to another profile on Semantic Scholar: Mary Somerville"
    )
    assert detail[seed_title("2404.00930")] == (
        "Semantic Scholar 2024, OpenAlex 2025 (a preprint and its publication?)"
    )
    # 40 against 35 and 80 against 70 are within the threshold: not listed.
    assert {r["kind"] for r in rows if r["title"] == seed_title("2308.06744")} == set()


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl", "markdown"])
def test_sources_every_format(runner: CliRunner, both, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "sources", "--orcid", ORCID, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [r["gap"] for r in rows] == ["300", "200", "59", "8", "3", "2", "0"]
        assert set(rows[0]) >= {"kind", "title", "s2", "openalex", "gap", "detail", "doi"}
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
        assert len(rows) == 7 and rows[0]["s2"] == 300 and rows[0]["openalex"] is None
    elif fmt == "json":
        assert len(json.loads(out)["disagreements"]) == 7
    else:
        assert "where the sources disagree" in out
        assert "7 to check, biggest first" in out
        assert "Workshop Paper" in out


def test_sources_agreeing_says_so(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    # The same source twice is refused; two sources that agree on a paper list nothing.
    result = run(runner, "sources", NAME, "--gap", "100,1000", "-f", "json")
    kinds = {r["kind"] for r in json.loads(result.stdout)["disagreements"]}
    assert "citations" not in kinds


def test_find_orcid_shows_each_candidate_and_its_confirmations(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "find", "--orcid", f"https://orcid.org/{ORCID}", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["candidates"]
    got = [(r["source"], r["author_id"], r["confirmed"], r["checked"], r["accepted"]) for r in rows]
    assert got == [
        ("openalex", "A5000000001", 8, 10, True),
        ("openalex", "A5000000002", 2, 10, True),
        # S2 knows 9 of the 10 ORCID works; six seed papers credit 2112233445, the two
        # journal papers the split id 99887766. Mary Somerville's name does not agree.
        ("s2", seed.AUTHOR_ID, 6, 9, True),
        ("s2", world.SPLIT_S2, 2, 9, True),
    ]
    assert all(r["orcid"] == ORCID for r in rows)
    s2 = next(r for r in rows if r["author_id"] == seed.AUTHOR_ID)
    assert (s2["paper_count"], s2["name"]) == (9, NAME)


def test_author_orcid_merges_the_split_s2_ids(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "--orcid", ORCID, "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    author = json.loads(result.stdout)["author"]
    assert author["ids"] == S2_IDS
    assert (author["paper_count"], author["citation_count"]) == (11, 803)
    assert "confirmed by its works" not in result.stdout  # stdout is data only
    assert (
        "note: ORCID 0000-0002-1825-0097 (Du-Seong Chang): Semantic Scholar id(s) "
        "2112233445 (6 of 9), 99887766 (2 of 9) confirmed by its works"
    ) in result.stderr


def test_metrics_and_track_take_orcid(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "metrics", "--orcid", ORCID, "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    person = json.loads(result.stdout)["people"][0]
    assert person["ids"] == S2_IDS and person["papers"] == 11
    assert "Semantic Scholar id(s) 2112233445 (6 of 9), 99887766 (2 of 9)" in result.stderr
    result = run(runner, "track", "--orcid", ORCID)
    assert result.exit_code == 0, result.stderr
    tracked = json.loads(run(runner, "tracked", "-f", "json").stdout)["tracked"]
    assert tracked[0]["name"] == NAME
    assert sorted(tracked[0]["ids"]) == sorted(S2_IDS)


def test_an_orcid_nobody_carries_is_not_found(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "--orcid", "0000-0001-5109-3700")
    assert result.exit_code == 3
    assert "error: no OpenAlex author carries ORCID 0000-0001-5109-3700\n" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sources", NAME, "--orcid", "0000-0002-1825-0098"], "error: --orcid: not a valid ORCID"),
        (["author", "--orcid", "1234"], "error: --orcid: not an ORCID iD"),
        (["find", "--orcid", "0000-0002-1825-009X"], "error: --orcid: not a valid ORCID"),
        (["metrics", "--orcid", "x"], "error: --orcid"),
        (["track", "--orcid", "https://orcid.org/0000-0002-1825-0096"], "error: --orcid"),
        (["author", NAME, "--source", "s2,crossref"], "error: --source 's2,crossref'"),
        (["author", NAME, "--source", "s2,s2"], "names a source twice"),
        (["sources", NAME, "--source", "s2"], "compares two sources"),
        (["sources", NAME, "--gap", "abc"], "error: --gap"),
        (["metrics", "--orcid", ORCID, "--id", "1"], "--orcid and --id"),
        (["metrics", NAME, "--source", "s2,openalex"], "only scholar author and scholar sources"),
    ],
)
def test_bad_options_are_usage_errors(
    runner: CliRunner, both, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert both.count() == 0


def test_a_failed_lookup_leaves_the_reason_unknown_and_the_run_partial(
    runner: CliRunner, both
) -> None:  # type: ignore[no-untyped-def]
    # S2 keeps failing the lookups of the OpenAlex-only papers (by name, so they are
    # not ORCID works asked before): the view still prints, the reasons stay unknown,
    # the run is partial (exit 5) with one warning, and nothing wrong is cached.
    both.inject("s2.paper_batch", "5xx", times=50)
    result = run(runner, "sources", NAME, "-f", "json")
    assert result.exit_code == 5, result.stderr
    assert "lookup(s) on s2 unanswered" in result.stderr
    rows = {r["title"]: r for r in json.loads(result.stdout)["disagreements"]}
    assert rows["A Workshop Paper Only OpenAlex Indexes"]["detail"].startswith("reason unknown")
    both.clear_faults()
    result = run(runner, "sources", NAME, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = {r["title"]: r for r in json.loads(result.stdout)["disagreements"]}
    assert (
        rows["A Workshop Paper Only OpenAlex Indexes"]["detail"]
        == "not indexed on Semantic Scholar"
    )


def test_openalex_down_on_refresh_answers_from_the_cache_as_partial(
    runner: CliRunner, both
) -> None:  # type: ignore[no-untyped-def]
    first = run(runner, "sources", "--orcid", ORCID, "-f", "json")
    assert first.exit_code == 0, first.stderr
    both.inject("*", "5xx", times=500)
    again = run(runner, "sources", "--orcid", ORCID, "-f", "json", "--refresh")
    assert again.exit_code == 5, again.stderr
    assert "cached" in again.stderr
    assert json.loads(again.stdout)["disagreements"] == json.loads(first.stdout)["disagreements"]
    both.clear_faults()
    assert (
        run(runner, "sources", "--orcid", ORCID, "-f", "json", "--offline").stdout == first.stdout
    )


def test_orcid_lookup_failing_is_a_source_error(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    both.inject("s2.paper_batch", "5xx", times=50)
    result = run(runner, "author", "--orcid", ORCID)
    assert result.exit_code == 4, result.stderr
    assert result.stderr.count("error:") == 1


def test_an_id_on_one_source_finds_the_person_by_name_on_the_other(runner: CliRunner, both) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", "--id", seed.AUTHOR_ID, "--source", "s2,openalex", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "OpenAlex: no id given, so the person is looked up as 'Du-Seong Chang'" in result.stderr
    sources = json.loads(result.stdout)["author"]["sources"]
    assert (sources["s2"]["ids"], sources["openalex"]["ids"]) == ([seed.AUTHOR_ID], ["A5000000001"])
    # Both given: each source takes its own (S2 digits, OpenAlex A…), nothing is searched.
    both.reset_log()
    result = run(runner, "sources", "--id", world.SPLIT_S2, "--id", "A5000000002", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert both.count("s2", "/graph/v1/author/search") == 0
    sources = json.loads(result.stdout)["author"]["sources"]
    assert (sources["s2"]["papers"], sources["openalex"]["papers"]) == (2, 2)
