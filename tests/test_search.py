"""``scholar search``: relevance and bulk search, filters, arXiv, cache, --ids-only pipes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from scholarcli.cli import app
from scholarcli.papers.query import SearchQuery
from scholarcli.papers.records import PAPER_RECORD_FIELDS

WORD = "zeugma"  # a word only the bulk papers have


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env, input=input)


def papers_of(result) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return json.loads(result.stdout)["papers"]


def requests_to(double, path: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [r for r in double.requests if r.path.endswith(path)]


@pytest.fixture
def many(seeded):  # type: ignore[no-untyped-def]
    """2,500 papers that share a word, with varied years, venues and counts."""
    for k in range(2500):
        seeded.add_paper(
            f"{k:040x}",
            title=f"On {WORD} number {k}",
            year=2010 + k % 15,
            publication_date=f"{2010 + k % 15}-{1 + k % 12:02d}-{1 + k % 28:02d}",
            venue=("ACL", "EMNLP", "")[k % 3],
            authors=[(None, f"Writer {k}")],
            citation_count=(k * 7919) % 5000,
            arxiv_id=f"2001.{k:05d}" if k % 4 == 0 else None,
        )
    return seeded


# ------------------------------------------------------------------------- relevance
def test_relevance_search_prints_paper_records(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "search", "distillation", "-f", "json")
    assert result.exit_code == 0, result.stderr
    papers = papers_of(result)
    assert [p["paper_id"] for p in papers] == ["b" * 40, "a" * 40, "c" * 40]
    assert list(papers[0]) == list(PAPER_RECORD_FIELDS)
    # Three arXiv papers: one arXiv request fills their categories and code links.
    assert {p["category"] for p in papers} == {"cs.CL"}
    assert papers[0]["code_url"] == "https://github.com/jongwooko/CR-ILD"
    (search,) = requests_to(seeded, "/paper/search")
    assert search.query["query"] == ["distillation"]
    assert search.query["limit"] == ["20"]
    assert "tldr" not in search.query["fields"][0]
    assert seeded.count("arxiv") == 1


def test_relevance_pages_100_at_a_time_up_to_1000(runner: CliRunner, many) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "search", WORD, "--limit", "250", "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 250
    pages = requests_to(many, "/paper/search")
    assert [(p.query["offset"], p.query["limit"]) for p in pages] == [
        (["0"], ["100"]),
        (["100"], ["100"]),
        (["200"], ["50"]),
    ]
    refused = run(runner, "search", WORD, "--limit", "1001")
    assert refused.exit_code == 2
    assert "--sort citations" in refused.stderr


# ------------------------------------------------------------------------------ bulk
def test_bulk_search_pages_by_token_1000_a_page(runner: CliRunner, many) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "search", WORD, "--sort", "citations", "--limit", "2500", "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2500 and len({r["paper_id"] for r in rows}) == 2500
    counts = [r["citations"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    pages = requests_to(many, "/paper/search/bulk")
    assert len(pages) == 3
    assert "token" not in pages[0].query
    assert all(p.query["token"] for p in pages[1:])
    assert pages[0].query["sort"] == ["citationCount:desc"]
    # 625 arXiv papers listed and none cached: arXiv is not asked, a note says so.
    assert many.count("arxiv") == 0
    assert "not cached" in result.stderr
    many.reset_log()
    smaller = run(runner, "search", WORD, "--sort", "citations", "--limit", "10", "-f", "jsonl")
    assert [json.loads(x)["paper_id"] for x in smaller.stdout.splitlines()] == [
        r["paper_id"] for r in rows[:10]
    ]
    assert many.count("s2") == 0  # ten shown: arXiv is asked about their arXiv papers
    assert many.count("arxiv") == 1


def test_bulk_stops_at_the_limit_and_at_the_last_token(runner: CliRunner, many) -> None:  # type: ignore[no-untyped-def]
    some = run(runner, "search", WORD, "--sort", "year", "--limit", "1200", "-f", "jsonl")
    dates = [json.loads(x)["publication_date"] for x in some.stdout.splitlines()]
    assert len(dates) == 1200 and dates == sorted(dates, reverse=True)
    assert len(requests_to(many, "/paper/search/bulk")) == 2
    many.reset_log()
    every = run(runner, "search", WORD, "--sort", "year", "--limit", "10000", "--ids-only")
    assert len(every.stdout.splitlines()) == 2500
    assert len(requests_to(many, "/paper/search/bulk")) == 3


# --------------------------------------------------------------------------- filters
def test_filters_are_sent_and_applied(runner: CliRunner, many) -> None:  # type: ignore[no-untyped-def]
    result = run(
        runner,
        "search",
        WORD,
        "--year",
        "2020-2022",
        "--venue",
        "ACL",
        "--field",
        "computer science",
        "--type",
        "journalarticle",
        "--min-citations",
        "1000",
        "--open-access",
        "--sort",
        "citations",
        "--limit",
        "10000",
        "-f",
        "jsonl",
    )
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows
    for row in rows:
        assert 2020 <= row["year"] <= 2022 and row["venue"] == "ACL"
        assert row["citations"] >= 1000 and row["pdf_url"]
    (sent,) = requests_to(many, "/paper/search/bulk")
    assert sent.query["year"] == ["2020-2022"]
    assert sent.query["venue"] == ["ACL"]
    assert sent.query["fieldsOfStudy"] == ["Computer Science"]
    assert sent.query["publicationTypes"] == ["JournalArticle"]
    assert sent.query["minCitationCount"] == ["1000"]
    assert "openAccessPdf" in sent.query


@pytest.mark.parametrize(
    ("given", "sent"), [("2020-", "2020-"), ("-2012", "-2012"), ("2015", "2015")]
)
def test_open_year_ranges(runner: CliRunner, many, given: str, sent: str) -> None:  # type: ignore[no-untyped-def]
    rows = run(
        runner, "search", WORD, "--year", given, "--sort", "year", "--limit", "10000", "-f", "jsonl"
    )
    years = {json.loads(x)["year"] for x in rows.stdout.splitlines()}
    low, _, high = given.partition("-")
    assert years and all(
        int(low or 0) <= y <= int((high if "-" in given else low) or 9999) for y in years
    )
    assert requests_to(many, "/paper/search/bulk")[0].query["year"] == [sent]


@pytest.mark.parametrize(
    "args",
    [
        ["--year", "20-21"],
        ["--year", "2024-2020"],
        ["--type", "Preprint"],
        ["--field", "Astrology"],
        ["--min-citations", "-1"],
        ["--limit", "0"],
        ["--limit", "10001", "--sort", "year"],
        ["--source", "arxiv", "--venue", "ACL"],
        ["--source", "arxiv", "--sort", "citations"],
        ["--source", "nowhere"],
    ],
)
def test_bad_options_are_usage_errors_before_any_request(
    runner: CliRunner, seeded, args: list[str]
) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "search", "distillation", *args)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith("error:")
    assert seeded.count() == 0


def test_no_match_exits_3(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "search", "xylophone quasar", "-f", "json")
    assert result.exit_code == 3
    assert papers_of(result) == []
    assert "error: no paper matches" in result.stderr


# ----------------------------------------------------------------------------- cache
def test_searches_are_cached_by_normalised_query_for_a_day(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    first = run(runner, "search", "Distillation", "-f", "json")
    seeded.reset_log()
    same = run(runner, "search", "  distillation ", "-f", "json")
    assert same.stdout == first.stdout
    assert seeded.count() == 0
    other = run(runner, "search", "distillation", "--year", "2023", "-f", "json")
    assert other.exit_code == 0 and seeded.count("s2") == 1
    seeded.reset_log()
    run(runner, "search", "distillation", "-f", "json", env={"SCHOLAR_SEARCH_TTL": "0"})
    assert seeded.count("s2") == 1
    seeded.reset_log()
    run(runner, "search", "distillation", "-f", "json", "--refresh")
    assert seeded.count("s2") == 1


def test_offline_search(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    cold = run(runner, "search", "distillation", "--offline")
    assert cold.exit_code == 4 and "hint:" in cold.stderr
    run(runner, "search", "distillation")
    seeded.reset_log()
    warm = run(
        runner, "search", "distillation", "--offline", "-f", "json", env={"SCHOLAR_SEARCH_TTL": "0"}
    )
    assert warm.exit_code == 0, warm.stderr
    assert len(papers_of(warm)) == 3
    assert seeded.count() == 0


# ----------------------------------------------------------------------------- arXiv
def test_arxiv_source(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "search", "ti:distillation", "--source", "arxiv", "-f", "json")
    assert result.exit_code == 0, result.stderr
    papers = papers_of(result)
    assert {p["arxiv_id"] for p in papers} == {"2308.06744", "2302.01530", "2211.11014"}
    assert all(p["paper_id"] is None and p["category"] == "cs.CL" for p in papers)
    (sent,) = [r for r in seeded.requests if r.source == "arxiv"]
    assert sent.query["search_query"] == ["ti:distillation"]
    assert seeded.count("s2") == 0
    # The ids pipe into scholar paper, which finds them on Semantic Scholar.
    ids = run(runner, "search", "ti:distillation", "--source", "arxiv", "--ids-only")
    assert all(line.startswith("ARXIV:") for line in ids.stdout.splitlines())
    looked = run(runner, "paper", "--input", "-", "-f", "json", input=ids.stdout)
    assert looked.exit_code == 0, looked.stderr
    assert {p["paper_id"] for p in papers_of(looked)} == {"a" * 40, "b" * 40, "c" * 40}


def test_arxiv_query_building() -> None:
    plain = SearchQuery.build("speculative decoding", source="arxiv")
    assert plain.arxiv_query() == "all:speculative AND all:decoding"
    dated = SearchQuery.build("cat:cs.CL AND ti:llm", source="arxiv", year="2023-2024")
    assert dated.arxiv_query() == (
        "(cat:cs.CL AND ti:llm) AND submittedDate:[202301010000 TO 202412312359]"
    )
    own = SearchQuery.build("submittedDate:[202301010000 TO 202401010000]", source="arxiv")
    assert own.arxiv_query() == "submittedDate:[202301010000 TO 202401010000]"
    since = SearchQuery.build('"language model"', source="arxiv", year="2024-")
    assert since.arxiv_query().endswith("submittedDate:[202401010000 TO 999912312359]")


def test_search_ids_pipe_into_paper(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    ids = run(runner, "search", "distillation", "--ids-only")
    assert ids.stdout.splitlines() == ["b" * 40, "a" * 40, "c" * 40]
    looked = run(runner, "paper", "--input", "-", "-f", "json", input=ids.stdout)
    assert [p["paper_id"] for p in papers_of(looked)] == ids.stdout.splitlines()
    assert looked.stdout.count("tldr") == 3


def test_search_rides_out_429s_and_empty_pages(runner: CliRunner, many) -> None:  # type: ignore[no-untyped-def]
    many.inject("s2.paper_search_bulk", "429", times=2)
    bulk = run(runner, "search", WORD, "--sort", "citations", "--limit", "1500", "--ids-only")
    assert bulk.exit_code == 0, bulk.stderr
    assert len(set(bulk.stdout.splitlines())) == 1500
    many.inject("s2.paper_search", "empty_page", times=1)
    relevance = run(runner, "search", WORD, "--limit", "200", "--ids-only")
    assert relevance.exit_code == 0, relevance.stderr
    assert len(set(relevance.stdout.splitlines())) == 200


def test_a_failed_search_is_not_cached(runner: CliRunner, many) -> None:  # type: ignore[no-untyped-def]
    many.inject("s2.paper_search_bulk", "5xx", times=100, status=503)
    failed = run(
        runner,
        "search",
        WORD,
        "--sort",
        "year",
        "--limit",
        "2000",
        env={"SCHOLAR_MAX_ATTEMPTS": "2"},
    )
    assert failed.exit_code == 4
    assert failed.stderr.startswith("error: Semantic Scholar: HTTP 503")
    assert (
        run(runner, "search", WORD, "--sort", "year", "--limit", "2000", "--offline").exit_code == 4
    )


def test_a_query_arxiv_refuses_is_a_usage_error(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "search", "ti:(distillation", "--source", "arxiv")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: arXiv refused the query")
    assert seeded.count("arxiv") == 1  # a 400 is final: not asked again
