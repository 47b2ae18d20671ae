"""``scholar paper REF --citations / --references``: paging, limits, sorting, caps, cache."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from scholarcli.cli import app
from scholarcli.papers.records import EDGE_RECORD_FIELDS

CITED = "c1" * 20
BIG = "c2" * 20


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def jsonl(result) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return [json.loads(line) for line in result.stdout.splitlines()]


def edge_requests(double, direction: str = "citations") -> list:  # type: ignore[no-untyped-def,type-arg]
    return [r for r in double.requests if r.path.endswith("/" + direction)]


@pytest.fixture
def cited(seeded):  # type: ignore[no-untyped-def]
    seeded.add_paper(
        CITED,
        title="A Much Cited Paper",
        year=2019,
        venue="ACL",
        authors=[(None, "Ann Author")],
        citation_count=2500,
        influential_citation_count=300,
        doi="10.18653/v1/p19-1001",
    )
    return seeded


def test_citations_are_paged_to_the_end_1000_a_page(runner: CliRunner, cited) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "paper", CITED, "--citations", "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = jsonl(result)
    assert len(rows) == 2500
    assert list(rows[0]) == list(EDGE_RECORD_FIELDS)
    assert len({r["paper_id"] for r in rows}) == 2500
    assert sum(r["is_influential"] for r in rows) == 300
    pages = edge_requests(cited)
    assert [p.query["limit"] for p in pages] == [["1000"]] * 3
    assert cited.count("s2") == 1 + 3  # the lookup batch, then three pages
    cited.reset_log()
    again = run(runner, "paper", "doi:10.18653/v1/p19-1001", "--citations", "-f", "jsonl")
    assert again.exit_code == 0
    assert again.stdout == result.stdout  # a DOI ref resolves to the same cached list
    assert cited.count() == 0


def test_limit_asks_only_for_what_it_shows(runner: CliRunner, cited) -> None:  # type: ignore[no-untyped-def]
    five = run(runner, "paper", CITED, "--citations", "--limit", "5", "-f", "json")
    assert five.exit_code == 0, five.stderr
    assert len(json.loads(five.stdout)["papers"]) == 5
    assert [p.query["limit"] for p in edge_requests(cited)] == [["5"]]
    cited.reset_log()
    three = run(runner, "paper", CITED, "--citations", "--limit", "3", "-f", "jsonl")
    assert [r["paper_id"] for r in jsonl(three)] == [
        p["paper_id"] for p in json.loads(five.stdout)["papers"][:3]
    ]
    assert cited.count() == 0  # five cached answer three
    more = run(runner, "paper", CITED, "--citations", "--limit", "1200", "-f", "jsonl")
    assert len(jsonl(more)) == 1200
    assert [p.query["limit"] for p in edge_requests(cited)] == [["1000"], ["200"]]


def test_sort_reads_the_whole_list_then_keeps_the_top(runner: CliRunner, cited) -> None:  # type: ignore[no-untyped-def]
    every = jsonl(run(runner, "paper", CITED, "--citations", "-f", "jsonl"))
    top = run(
        runner, "paper", CITED, "--citations", "--sort", "citations", "--limit", "3", "-f", "jsonl"
    )
    assert top.exit_code == 0, top.stderr
    best = sorted((r["citations"] for r in every), reverse=True)[:3]
    assert [r["citations"] for r in jsonl(top)] == best
    newest = jsonl(run(runner, "paper", CITED, "--citations", "--sort", "year", "-f", "jsonl"))
    years = [r["year"] for r in newest]
    assert years == sorted(years, reverse=True)


def test_references_carry_intents_influence_and_unresolved_entries(
    runner: CliRunner, seeded
) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "paper", "2308.06744", "--references", "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = jsonl(result)
    expected = seeded.store.papers["a" * 40]
    (looked_up,) = json.loads(run(runner, "paper", "2308.06744", "-f", "json").stdout)["papers"]
    assert len(rows) == looked_up["references_count"]
    assert expected.paper_id not in {r["paper_id"] for r in rows}
    unresolved = [r for r in rows if r["paper_id"] is None]
    assert unresolved and all(r["title"] for r in unresolved)
    assert any(r["intents"] == ["methodology"] for r in rows)
    assert any(r["is_influential"] for r in rows) and not all(r["is_influential"] for r in rows)
    assert all(r["contexts"] for r in rows)


def test_table_names_the_paper_and_marks_influential(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(
        runner,
        "paper",
        "2308.06744",
        "--references",
        "--limit",
        "4",
        "-f",
        "table",
        env={"COLUMNS": "120"},
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("References of Token-Scaled Logit Distillation")
    assert "Infl." in result.stdout and "yes" in result.stdout
    assert "intents: background" in result.stdout
    (paper,) = json.loads(run(runner, "paper", "2308.06744", "-f", "json").stdout)["papers"]
    assert f"4 of {paper['references_count']} references" in result.stdout


def test_only_the_first_9999_citations_are_reachable(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.add_paper(
        BIG,
        title="A Famous Paper",
        year=2015,
        venue="NeurIPS",
        authors=[(None, "Famous Author")],
        citation_count=12_000,
    )
    result = run(runner, "paper", BIG, "--citations", "--ids-only")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 9_999
    assert "only the first 9,999 citations" in result.stderr
    limits = [int(p.query["limit"][0]) for p in edge_requests(seeded)]
    assert limits == [1000] * 9 + [999]
    seeded.reset_log()
    again = run(runner, "paper", BIG, "--citations", "--ids-only")
    assert again.stdout == result.stdout
    assert seeded.count() == 0


def test_unknown_paper_exits_3_and_offline_needs_the_cache(runner: CliRunner, cited) -> None:  # type: ignore[no-untyped-def]
    missing = run(runner, "paper", "9" * 40, "--citations")
    assert missing.exit_code == 3
    assert "error: no paper for" in missing.stderr
    cold = run(runner, "paper", CITED, "--references", "--offline")
    assert cold.exit_code == 4
    assert run(runner, "paper", CITED, "--references", "-f", "json").exit_code == 0
    cited.reset_log()
    warm = run(runner, "paper", CITED, "--references", "--offline", "-f", "json")
    assert warm.exit_code == 0, warm.stderr
    assert cited.count() == 0
    assert run(runner, "paper", CITED, "--citations", "--offline").exit_code == 4


def test_json_names_the_paper_the_list_belongs_to(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "paper", "2308.06744", "--citations", "--limit", "2", "-f", "json")
    data = json.loads(result.stdout)
    assert data["paper"]["paper_id"] == "a" * 40 and data["paper"]["citations"] == 40
    assert len(data["papers"]) == 2 and list(data["papers"][0]) == list(EDGE_RECORD_FIELDS)
