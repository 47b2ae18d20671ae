"""Curation (issue 11 item 4): exclude, include, merge; kept per person; obeyed everywhere;
undoable. The seed profile: nine papers, 753 citations (seed.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

import refresh_helpers as helpers
import seed
from scholarcli.cache.curation import Rule
from scholarcli.cli import app
from scholarcli.models import Paper
from scholarcli.profile.curation import apply_rules, normalise_ref

NAME = seed.NAME
AS_OF = "2026-11-27"
# Token-Scaled Logit Distillation: 40 citations; Revisiting ILD: 80; Understanding KD: 5.
TSLD, ILD, KD = "2308.06744", "b" * 40, "c" * 40


def run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def profile(runner: CliRunner, *extra: str) -> dict:  # type: ignore[type-arg]
    result = run(runner, "author", NAME, "--as-of", AS_OF, "-f", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return {**json.loads(result.stdout), "stderr": said(result)}


def said(result) -> str:  # type: ignore[no-untyped-def]
    """stderr with the terminal's line wrapping undone."""
    return " ".join(result.stderr.split())


def test_exclude_is_kept_shown_and_obeyed_by_metrics_and_compare(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    first = profile(runner, "--exclude", f"arXiv:{TSLD}v2")
    assert (first["author"]["paper_count"], first["author"]["citation_count"]) == (8, 713)
    assert TSLD not in {p["arxiv_id"] for p in first["papers"]}
    assert "1 paper excluded" in first["stderr"]
    # Kept in the cache: the next run, with no option, still leaves it out and says so.
    again = profile(runner)
    assert again["author"]["citation_count"] == 713 and "1 paper excluded" in again["stderr"]
    metrics = run(runner, "metrics", NAME, "--as-of", AS_OF, "-f", "csv")
    [row] = list(csv.DictReader(io.StringIO(metrics.stdout)))
    assert (row["papers"], row["citations"]) == ("8", "713")
    compare = run(runner, "compare", NAME, "--id", seed.AUTHOR_ID, "--as-of", AS_OF, "-f", "json")
    papers_row = next(r for r in json.loads(compare.stdout)["metrics"] if r["metric"] == "papers")
    assert [v for k, v in papers_row.items() if k not in ("metric", "best")] == [8, 8]
    coauthors = run(runner, "coauthors", NAME, "-f", "json")
    assert "1 paper excluded" in said(coauthors)


def test_include_takes_an_exclusion_back(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    profile(runner, "--exclude", TSLD)
    back = profile(runner, "--include", f"https://arxiv.org/abs/{TSLD}")
    assert back["author"]["citation_count"] == 753
    assert "counts as its own paper again" in back["stderr"]
    assert "excluded" not in back["stderr"].replace("neither excluded", "")
    nothing = profile(runner, "--include", TSLD)
    assert "was neither excluded nor merged" in nothing["stderr"]


def test_merge_counts_two_records_as_one_with_both_citations(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    merged = profile(runner, "--merge", f"{ILD}={KD}")
    papers = {p["paper_id"]: p for p in merged["papers"]}
    assert KD not in papers and papers[ILD]["citations"] == 85
    assert (merged["author"]["paper_count"], merged["author"]["citation_count"]) == (8, 753)
    assert "1 duplicate record merged" in merged["stderr"]
    listed = json.loads(run(runner, "curate", "list", NAME, "-f", "json").stdout)["rules"]
    assert [(r["action"], r["paper"], r["into"]) for r in listed] == [("merge", KD, ILD)]
    assert listed[0]["title"].startswith("Understanding and Improving")


def test_undo_the_newest_then_all(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    profile(runner, "--exclude", TSLD)
    profile(runner, "--merge", f"{ILD}={KD}")
    undone = run(runner, "curate", "undo", NAME)
    assert undone.exit_code == 0 and f"took back the merge of {KD}" in said(undone)
    assert profile(runner)["author"]["citation_count"] == 713  # the exclusion stays
    assert run(runner, "curate", "undo", NAME, "--all").exit_code == 0
    assert profile(runner)["author"]["citation_count"] == 753
    empty = run(runner, "curate", "undo", NAME)
    assert empty.exit_code == 0 and "nothing to undo" in said(empty)


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--exclude", "2999.99999"], 3, "no paper '2999.99999' in this profile"),
        (["--merge", f"{ILD}=2999.99999"], 3, "no paper '2999.99999'"),
        (["--merge", ILD], 2, "is not KEEP=DUPLICATE"),
        (["--merge", f"{ILD}={ILD}"], 2, "both name the same record"),
        (["--exclude", "  "], 2, "a paper reference is empty"),
    ],
)
def test_bad_references_store_nothing(
    runner: CliRunner, seeded, args: list[str], status: int, message: str
) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", NAME, *args)
    assert result.exit_code == status
    assert message in said(result)
    assert json.loads(run(runner, "curate", "list", NAME, "-f", "json").stdout)["rules"] == []


def test_refresh_and_history_obey_curation(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", NAME).exit_code == 0
    profile(runner, "--exclude", TSLD)
    helpers.refresh_at(datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
    rows = json.loads(run(runner, "history", NAME, "-f", "json").stdout)["history"]
    assert (rows[-1]["papers"], rows[-1]["citations"]) == (8, 713)


def paper(paper_id: str, citations: int, doi: str | None = None) -> Paper:
    return Paper(paper_id=paper_id, title=paper_id, citations=citations, doi=doi)


def rule(number: int, action: str, ref: str, target: str | None = None) -> Rule:
    return Rule(number, "1", action, ref, target, "2026-01-01")


def test_rules_newest_wins_chains_follow_and_cycles_break() -> None:
    papers = [paper("a", 10), paper("b", 5, doi="10.1/B"), paper("c", 1)]
    chained = apply_rules(papers, [rule(1, "merge", "c", "b"), rule(2, "merge", "b", "a")])
    assert [(p.paper_id, p.citations) for p in chained.papers] == [("a", 16)]
    cycle = apply_rules(papers, [rule(1, "merge", "b", "a"), rule(2, "merge", "a", "b")])
    assert [(p.paper_id, p.citations) for p in cycle.papers] == [("b", 15), ("c", 1)]
    into_excluded = apply_rules(papers, [rule(1, "exclude", "a"), rule(2, "merge", "c", "a")])
    assert [p.paper_id for p in into_excluded.papers] == ["b"]
    assert len(into_excluded.excluded) == 2
    by_doi = apply_rules(papers, [rule(1, "exclude", normalise_ref("https://doi.org/10.1/b"))])
    assert [p.paper_id for p in by_doi.papers] == ["a", "c"]
    unknown = apply_rules(papers, [rule(1, "exclude", "zz")])
    assert len(unknown.papers) == 3 and "1 rule naming no paper" in unknown.summary()
    assert papers[0].citations == 10  # the input is not changed


def test_the_same_rule_twice_is_stored_once(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    profile(runner, "--exclude", TSLD, "--exclude", TSLD)
    profile(runner, "--exclude", f"arXiv:{TSLD}")
    listed = json.loads(run(runner, "curate", "list", NAME, "-f", "json").stdout)["rules"]
    assert [(r["action"], r["paper"]) for r in listed] == [("exclude", TSLD)]


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_the_header_says_what_curation_changed(runner: CliRunner, seeded, fmt: str) -> None:  # type: ignore[no-untyped-def]
    profile(runner, "--exclude", TSLD)
    shown = runner.invoke(app, ["author", NAME, "-f", fmt], env={"COLUMNS": "120"})
    assert shown.exit_code == 0, shown.stderr
    assert "KT Corporation · 1 paper excluded · as of" in shown.stdout
    plain = runner.invoke(app, ["author", NAME, "-f", fmt, "--include", TSLD])
    assert "excluded · as of" not in plain.stdout


def test_export_and_report_obey_curation(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "author", NAME, "--exclude", TSLD, "-f", "json").exit_code == 0
    exported = run(runner, "export", NAME, "-f", "csljson")
    assert exported.exit_code == 0, exported.stderr
    titles = [item["title"] for item in json.loads(exported.stdout)]
    assert len(titles) == 8
    assert not any(t.startswith("Token-Scaled Logit Distillation") for t in titles)
    assert "1 paper excluded" in said(exported)
    page = run(runner, "report", NAME, "--as-of", AS_OF, "-o", "-")
    assert page.exit_code == 0, page.stderr
    assert "Token-Scaled Logit Distillation" not in page.stdout
    assert "Revisiting Intermediate Layer Distillation" in page.stdout
