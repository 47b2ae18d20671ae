"""``scholar paper``: records, formats, batching, partial failures, cache and --offline.

Request counts come from the double's log: many refs must cost one ``POST /paper/batch``
per 500 ids and one arXiv request per 100 arXiv papers, and a warm lookup nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cli import app
from scholarcli.papers.records import PAPER_RECORD_FIELDS

TSLD = "a" * 40
CRILD = "b" * 40


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env, input=input)


def papers_of(result) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return json.loads(result.stdout)["papers"]


# --------------------------------------------------------------------------- records
def test_json_record_carries_every_field(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "paper", "2308.06744", "-f", "json")
    assert result.exit_code == 0, result.stderr
    (paper,) = papers_of(result)
    assert list(paper) == list(PAPER_RECORD_FIELDS)
    stored = seeded.store.papers[TSLD]
    assert paper["paper_id"] == TSLD
    assert paper["corpus_id"] == stored.corpus_id
    assert paper["arxiv_id"] == "2308.06744"
    assert paper["doi"] is None  # arXiv's DataCite DOI is not a publication DOI
    assert paper["title"] == seed.PAPERS[0].title
    assert paper["authors"][0] == {"name": "Minsoo Kim", "author_id": None}
    assert paper["authors"][-1] == {"name": "Du-Seong Chang", "author_id": seed.AUTHOR_ID}
    assert paper["date"] == "2023-08-13"  # arXiv v1, not S2's 2023-12-10
    assert paper["publication_date"] == "2023-12-10"
    assert paper["year"] == 2023
    assert (paper["category"], paper["categories"]) == ("cs.CL", ["cs.CL", "cs.AI"])
    assert paper["citations"] == 40
    assert paper["references_count"] > 0
    assert paper["code_url"] == "https://github.com/aiha-lab/TSLD"
    assert paper["pdf_url"] == "https://arxiv.org/pdf/2308.06744"
    assert paper["tldr"].startswith("This paper is about token-scaled")
    assert paper["abstract"].startswith("We study token-scaled")
    assert paper["url"] == f"https://www.semanticscholar.org/paper/{TSLD}"
    assert paper["publication_types"] == ["JournalArticle"]
    assert paper["journal"] == {"name": "ArXiv", "volume": "abs/2308.06744", "pages": None}
    assert paper["external_ids"]["ArXiv"] == "2308.06744"
    assert paper["external_ids"]["CorpusId"] == stored.corpus_id
    assert paper["arxiv_comment"] is None
    assert isinstance(paper["cites_per_year"], float)


def test_abstract_falls_back_to_arxiv_and_comment_is_kept(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    (crild,) = papers_of(run(runner, "paper", "2302.01530", "-f", "json"))
    assert crild["abstract"].startswith("We study revisiting")  # S2 has none: arXiv's
    (kd,) = papers_of(run(runner, "paper", "2211.11014", "-f", "json"))
    assert kd["arxiv_comment"].startswith("EMNLP 2022 Main.")
    assert kd["code_url"] == "https://github.com/MarsJacobs/kd-qat-large-enc"


def test_table_is_a_panel_per_paper(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "paper", "2308.06744", "2302.01530", "-f", "table", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.count("╭") == 2
    for expected in (
        "Token-Scaled Logit Distillation",
        "Minsoo Kim, Sihwa Lee, Janghwan Lee, Another Author, Du-Seong Chang",
        "Aug 13, 2023",
        "CL (cs.CL)",
        "40 citations",
        "cites/year",
        "Code https://github.com/aiha-lab/TSLD",
        "PDF  https://arxiv.org/pdf/2308.06744",
        "TLDR This paper is about",
    ):
        assert expected in text, expected
    assert "We study token-scaled" not in text
    with_abstracts = run(runner, "paper", "2308.06744", "-f", "table", "--abstracts")
    assert "We study token-scaled" in with_abstracts.stdout


def test_csv_jsonl_and_markdown(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    csv_out = run(runner, "paper", "2308.06744", "2302.01530", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert list(rows[0]) == list(PAPER_RECORD_FIELDS)
    assert rows[0]["authors"].startswith("Minsoo Kim; Sihwa Lee;")
    assert [r["paper_id"] for r in rows] == [TSLD, CRILD]
    lines = run(runner, "paper", "2308.06744", "2302.01530", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["paper_id"] for line in lines] == [TSLD, CRILD]
    markdown = run(runner, "paper", "2308.06744", "--abstracts", "-f", "markdown").stdout
    assert markdown.startswith(f"## {seed.PAPERS[0].title}\n\nMinsoo Kim, Sihwa Lee,")
    assert "[Code](<https://github.com/aiha-lab/TSLD>)" in markdown
    assert "> **TLDR** This paper is about" in markdown
    assert "We study token-scaled" in markdown  # --abstracts


def test_markdown_list_escapes_table_breakers(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.add_paper(
        "d0" * 20,
        title="Pipes | and\\backslashes in distillation",
        year=2024,
        authors=[(None, "A | B")],
        citation_count=1,
    )
    table = run(runner, "search", "distillation", "-f", "markdown").stdout
    row = next(line for line in table.splitlines() if "Pipes" in line)
    assert "Pipes \\| and" in row and "A \\| B" in row
    # Six cells, seven unescaped pipes: nothing leaked out of its cell.
    assert len(re.findall(r"(?<!\\)\|", row)) == 7


# -------------------------------------------------------------------------- batching
@pytest.fixture
def thousand(double_env):  # type: ignore[no-untyped-def]
    double_env.populate_synthetic("7000001", "Batch Person", 1000, arxiv_fraction=0.6)
    papers = double_env.store.author_papers("7000001")
    return double_env, papers


def test_a_thousand_refs_cost_two_batches_and_one_arxiv_request_per_100(
    runner: CliRunner, thousand, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    double, papers = thousand
    refs = tmp_path / "refs.txt"
    refs.write_text("# my reading list\n\n" + "\n".join(p.paper_id for p in papers) + "\n")
    result = run(runner, "paper", "--input", str(refs), "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1000
    on_arxiv = sum(1 for p in papers if p.arxiv_id)
    assert double.count("s2", "/paper/batch") == 2
    assert double.count("s2") == 2
    assert double.count("arxiv") == -(-on_arxiv // 100)
    bodies = [json.loads(r.body)["ids"] for r in double.requests if r.source == "s2"]
    assert sorted(len(b) for b in bodies) == [500, 500]
    # Warm: nothing is asked again.
    double.reset_log()
    again = run(runner, "paper", "--input", str(refs), "-f", "jsonl")
    assert again.exit_code == 0
    assert again.stdout == result.stdout
    assert double.count() == 0


def test_refresh_and_max_age_fetch_again_but_arxiv_is_not_asked_twice(
    runner: CliRunner, seeded
) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "paper", "2308.06744", "2302.01530").exit_code == 0
    seeded.reset_log()
    assert run(runner, "paper", "2308.06744", "2302.01530", "--refresh").exit_code == 0
    assert (seeded.count("s2", "/paper/batch"), seeded.count("arxiv")) == (1, 0)
    seeded.reset_log()
    assert run(runner, "paper", "2308.06744", "--max-age", "0").exit_code == 0
    assert seeded.count("s2", "/paper/batch") == 1
    seeded.reset_log()
    assert run(runner, "paper", "2308.06744", "--max-age", "1d").exit_code == 0
    assert seeded.count() == 0


def test_refreshed_counts_replace_the_cached_ones(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    run(runner, "paper", TSLD)
    seeded.set_citations(TSLD, 99)
    assert papers_of(run(runner, "paper", TSLD, "-f", "json"))[0]["citations"] == 40
    assert papers_of(run(runner, "paper", TSLD, "-f", "json", "--refresh"))[0]["citations"] == 99


# ------------------------------------------------------------------ partial failures
def test_unknown_refs_are_named_the_rest_printed_exit_3(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "paper", "2308.06744", "9" * 40, "10.9999/nope", "-f", "json")
    assert result.exit_code == 3
    assert [p["paper_id"] for p in papers_of(result)] == [TSLD]
    assert f"error: not found: '{'9' * 40}'" in result.stderr
    assert "'10.9999/nope'" in result.stderr
    assert seeded.count("s2", "/paper/batch") == 1
    # Known misses are cached too: asking again costs nothing and still exits 3.
    seeded.reset_log()
    again = run(runner, "paper", "2308.06744", "9" * 40, "-f", "json")
    assert again.exit_code == 3
    assert seeded.count() == 0


def test_a_title_without_match_shows_the_closest_candidates(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "paper", "Token Scaled Logit Distilation for Ternary LLMs", "-f", "json")
    assert result.exit_code == 3
    assert papers_of(result) == []
    assert "no Semantic Scholar paper has this title" in result.stderr
    hint = next(line for line in result.stderr.splitlines() if line.startswith("hint:"))
    assert "closest titles:" in hint and seed.PAPERS[0].title in hint and TSLD in hint


def test_an_arxiv_paper_s2_does_not_know_is_shown_from_arxiv(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.add_arxiv(
        "2501.00001",
        title="A Brand New Preprint",
        abstract="Code: https://github.com/new/preprint",
        authors=["New Author"],
        published="2025-01-01",
        primary_category="cs.LG",
    )
    result = run(runner, "paper", "2501.00001", "-f", "json")
    assert result.exit_code == 0, result.stderr
    (paper,) = papers_of(result)
    assert paper["paper_id"] is None and paper["arxiv_id"] == "2501.00001"
    assert paper["category"] == "cs.LG" and paper["citations"] is None
    assert paper["code_url"] == "https://github.com/new/preprint"
    assert "not on Semantic Scholar yet" in result.stderr


def test_arxiv_down_is_partial_exit_5(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.inject("arxiv.query", "5xx", times=100, status=503)
    result = run(runner, "paper", "2308.06744", "-f", "json", env={"SCHOLAR_MAX_ATTEMPTS": "2"})
    assert result.exit_code == 5
    (paper,) = papers_of(result)
    assert paper["citations"] == 40 and paper["category"] is None
    assert "warning:" in result.stderr


def test_s2_down_uses_the_cached_paper_with_a_warning(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    first = run(runner, "paper", "2308.06744", "-f", "json")
    seeded.inject("*", "5xx", times=100, status=503)
    result = run(
        runner, "paper", "2308.06744", "-f", "json", "--refresh", env={"SCHOLAR_MAX_ATTEMPTS": "2"}
    )
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and "cached" in result.stderr
    assert papers_of(result) == papers_of(first)


def test_s2_down_and_nothing_cached_exits_4(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.inject("*", "5xx", times=100, status=502)
    result = run(runner, "paper", "2308.06744", env={"SCHOLAR_MAX_ATTEMPTS": "2"})
    assert result.exit_code == 4
    assert result.stderr.startswith("error: Semantic Scholar: HTTP 502")


# ---------------------------------------------------------------------------- offline
def test_offline_answers_from_the_cache_or_exits_4(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    cold = run(runner, "paper", "2308.06744", "--offline", "-f", "json")
    assert cold.exit_code == 4
    assert cold.stdout == ""
    assert "--offline" in cold.stderr and "hint: run once without --offline" in cold.stderr
    assert seeded.count() == 0
    warm = run(runner, "paper", "2308.06744", "-f", "json")
    seeded.reset_log()
    offline = run(runner, "paper", "2308.06744", "--offline", "--max-age", "0", "-f", "json")
    assert offline.exit_code == 0, offline.stderr
    assert offline.stdout == warm.stdout
    assert seeded.count() == 0
    mixed = run(runner, "paper", "2308.06744", "2302.01530", "--offline")
    assert mixed.exit_code == 4


# ------------------------------------------------------------------------ usage, input
def test_usage_errors(runner: CliRunner, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "paper").exit_code == 2
    assert run(runner, "paper", "--input", str(tmp_path / "absent.txt")).exit_code == 2
    assert run(runner, "paper", "x", "--refresh", "--offline").exit_code == 2
    assert run(runner, "paper", "x", "--limit", "3").exit_code == 2
    assert run(runner, "paper", "a", "b", "--citations").exit_code == 2
    assert run(runner, "paper", "a", "--citations", "--references").exit_code == 2
    assert run(runner, "paper", "x", "--citations", "--limit", "0").exit_code == 2
    assert seeded.count() == 0


def test_ids_only_round_trips_through_input_stdin(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    ids = run(runner, "paper", "2308.06744", "2302.01530", "--ids-only")
    assert ids.stdout == f"{TSLD}\n{CRILD}\n"
    again = run(runner, "paper", "--input", "-", "-f", "json", input=ids.stdout)
    assert again.exit_code == 0, again.stderr
    assert [p["paper_id"] for p in papers_of(again)] == [TSLD, CRILD]


def test_as_of_fixes_the_year_of_cites_per_year(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    (now,) = papers_of(run(runner, "paper", "2308.06744", "-f", "json", "--as-of", "2026-01-01"))
    (then,) = papers_of(run(runner, "paper", "2308.06744", "-f", "json", "--as-of", "2024-06-01"))
    assert (now["cites_per_year"], then["cites_per_year"]) == (10.0, 20.0)
    assert run(runner, "paper", "2308.06744", "--as-of", "soon").exit_code == 2


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_scholars_own_output_pipes_into_input(runner: CliRunner, seeded, fmt: str) -> None:  # type: ignore[no-untyped-def]
    listed = run(runner, "search", "distillation", "-f", fmt)
    seeded.reset_log()
    again = run(runner, "paper", "--input", "-", "-f", "json", input=listed.stdout)
    assert again.exit_code == 0, again.stderr
    assert [p["paper_id"] for p in papers_of(again)] == ["b" * 40, "a" * 40, "c" * 40]
    # Read as ids, not as titles: one batch, no title matches.
    assert seeded.count("s2") == 1 and seeded.count("s2", "/paper/search") == 0


def test_refs_from_text_forms() -> None:
    from scholarcli.errors import UsageError
    from scholarcli.inputs.paper_refs import refs_from_text

    assert refs_from_text("\ufeff# list\n2308.06744\n\n  10.1/x  \n") == ["2308.06744", "10.1/x"]
    arxiv_only = '{"papers": [{"paper_id": null, "arxiv_id": "2501.00001"}, {"doi": "10.1/y"}]}'
    assert refs_from_text(arxiv_only) == ["ARXIV:2501.00001", "10.1/y"]
    assert refs_from_text('["a", "b"]') == ["a", "b"]
    assert refs_from_text('title,paper_id\n"A, B",abc\n') == ["abc"]
    # A title with a comma on its own line is a title, not a CSV header.
    assert refs_from_text("Attention, please\n") == ["Attention, please"]
    with pytest.raises(UsageError):
        refs_from_text('{"papers": [\n')


def test_a_failure_midway_keeps_the_batches_already_fetched(thousand, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from scholarcli.config import load_settings
    from scholarcli.core import Context
    from scholarcli.errors import SourceError
    from scholarcli.papers.lookup import lookup_papers
    from scholarcli.sources.semanticscholar import SemanticScholar

    double, papers = thousand
    ids = [p.paper_id for p in papers]
    real = SemanticScholar.papers_batch_raw
    calls: list[int] = []

    def second_fails(self, chunk, fields):  # type: ignore[no-untyped-def]
        calls.append(len(chunk))
        if len(calls) == 2:
            raise SourceError("Semantic Scholar: HTTP 503 after 6 attempts", source="s2")
        return real(self, chunk, fields)

    monkeypatch.setattr(SemanticScholar, "papers_batch_raw", second_fails)
    ctx = Context.open(load_settings())
    with pytest.raises(SourceError):
        lookup_papers(ctx, ids)
    ctx.close()
    assert calls == [500, 500]
    double.reset_log()
    offline = Context.open(load_settings(), offline=True)
    try:
        kept = lookup_papers(offline, ids[:500])
    finally:
        offline.close()
    assert [p["paper_id"] for p in kept.papers] == ids[:500]
    assert double.count() == 0


def test_many_titles_get_a_note_on_their_cost(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    titles = "\n".join(f"A made up title number {k}" for k in range(25))
    result = run(runner, "paper", "--input", "-", "--ids-only", input=titles)
    assert result.exit_code == 3
    assert "note: 25 titles to match, one Semantic Scholar request each" in result.stderr
    assert seeded.count("s2", "/paper/search/match") == 25
