"""Issue 18 through the commands: --self-citations on a world with a known answer, the
requests it costs (and a warm run's none), provenance and byte-identical output, and
the context warnings of compare."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from double import ApiDouble, s2_routes
from scholarcli.cli import app
from scholarcli.profile import selfcite, sync

AS_OF = "2026-11-27"
PERSON, ALIAS, COAUTHOR, STRANGER, OTHER = "100", "101", "200", "300", "400"
FIELDS = selfcite.FIELDS


def add(double: ApiDouble, pid: str, year: int, authors: list[tuple[str, str]], **kw) -> None:  # type: ignore[no-untyped-def]
    double.add_paper(pid, title=f"Paper {pid}", year=year, authors=authors, **kw)


def citers(double: ApiDouble, pid: str, ids: list[str]) -> None:
    double.store.papers[pid].citers = ids


@pytest.fixture
def world(double_env: ApiDouble) -> ApiDouble:
    """Pat Self (100, and 101 for a second profile of the same person):

    * p1 (Pat, Co): 4 citations, 3 listed: Pat's own later paper, a paper of Co alone,
      a stranger's;
    * p2 (Pat, Dee): 2 citations: Pat's own later paper, and a paper of Pat's other id;
    * own (Pat, 2022) cites both; alias (101, 2023) cites p2; neither is cited.
    """
    d = double_env
    d.add_author(PERSON, "Pat Self")
    d.add_author(ALIAS, "P. Self")
    d.add_author(COAUTHOR, "Co Author")
    d.add_author(STRANGER, "Stan Ger")
    d.add_author(OTHER, "Dee Other")
    pat, co = (PERSON, "Pat Self"), (COAUTHOR, "Co Author")
    add(d, "p1", 2020, [pat, co], citation_count=4)
    add(d, "p2", 2021, [pat, (OTHER, "Dee Other")], citation_count=2)
    add(d, "own", 2022, [pat])
    add(d, "alias", 2023, [(ALIAS, "P. Self")])
    add(d, "co", 2021, [co, ("999", "Some One")])
    add(d, "str", 2021, [(STRANGER, "Stan Ger")])
    citers(d, "p1", ["own", "co", "str"])
    citers(d, "p2", ["own", "alias"])
    return d


def run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def profile(runner: CliRunner, *args: str) -> dict:  # type: ignore[type-arg]
    result = run(runner, "author", *args, "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def batch_calls(double: ApiDouble) -> list[list[str]]:
    return [
        json.loads(r.body)["ids"]
        for r in double.requests
        if r.path.endswith("/paper/batch") and r.query.get("fields") == [FIELDS]
    ]


def by_id(data: dict) -> dict:  # type: ignore[type-arg]
    return {p["paper_id"]: p for p in data["papers"]}


# --- item 1: the counts -----------------------------------------------------------------
def test_self_citations_under_both_rules(runner: CliRunner, world: ApiDouble) -> None:
    data = profile(runner, "--id", PERSON, "--self-citations")
    papers = by_id(data)
    counts = {
        k: (
            p["self_citations"],
            p["coauthor_self_citations"],
            p["citations_excl_self"],
            p["coauthor_citations_excl_self"],
        )
        for k, p in papers.items()
    }
    # p1: own = self and co-author; co = co-author only; stranger = neither; 4 - 1, 4 - 2.
    # p2: own = both; the alias id is not this profile's, nor an author of p2.
    assert counts == {"p1": (1, 2, 3, 2), "p2": (1, 1, 1, 1), "own": (0, 0, 0, 0)}
    author = data["author"]
    assert {k: author[k] for k in ("h_index", "citation_count")} == {
        "h_index": 2,
        "citation_count": 6,
    }
    assert {k: author[k] for k in selfcite.ind.SELF_CITATION_FIELDS} == {
        "self_citations": 2,
        "self_citation_rate": 0.4,
        "citations_excl_self": 4,
        "h_index_excl_self": 1,
        "g_index_excl_self": 2,
        "coauthor_self_citations": 3,
        "coauthor_self_citation_rate": 0.6,
        "coauthor_citations_excl_self": 3,
        "coauthor_h_index_excl_self": 1,
        "coauthor_g_index_excl_self": 1,
        "self_citations_listed": 5,
    }
    assert author["coverage"]["self_citations"] == {"papers": 3, "of": 3, "share": 1.0}
    assert data["provenance"]["self_citations"]["basis"] == "citing papers Semantic Scholar lists"


def test_a_merged_profile_counts_every_id_of_the_person(
    runner: CliRunner, world: ApiDouble
) -> None:
    data = profile(runner, "--id", PERSON, "--id", ALIAS, "--self-citations")
    papers = by_id(data)
    assert set(papers) == {"p1", "p2", "own", "alias"}
    assert (papers["p2"]["self_citations"], papers["p2"]["citations_excl_self"]) == (2, 0)
    assert papers["p1"]["self_citations"] == 1
    author = data["author"]
    assert (author["self_citations"], author["coauthor_self_citations"]) == (3, 4)
    assert (author["self_citation_rate"], author["h_index_excl_self"]) == (0.6, 1)


def test_off_by_default_and_null_until_asked(runner: CliRunner, world: ApiDouble) -> None:
    data = profile(runner, "--id", PERSON)
    assert data["author"]["self_citations"] is None
    assert all(p["self_citations"] is None for p in data["papers"])
    assert batch_calls(world) == []


# --- item 1: requests -------------------------------------------------------------------
def test_one_batch_then_a_warm_profile_makes_no_request(
    runner: CliRunner, world: ApiDouble
) -> None:
    profile(runner, "--id", PERSON)
    world.reset_log()
    first = profile(runner, "--id", PERSON, "--self-citations")
    assert batch_calls(world) == [["p1", "p2"]]  # only the cited papers, most cited first
    assert world.count() == 1
    world.reset_log()
    assert profile(runner, "--id", PERSON, "--self-citations") == first
    assert world.requests == []


def test_a_changed_citation_count_fetches_that_paper_again(
    runner: CliRunner, world: ApiDouble
) -> None:
    profile(runner, "--id", PERSON, "--self-citations")
    world.set_citations("p2", 3)
    profile(runner, "--id", PERSON, "--max-age", "0")  # the paper list sees the new count
    world.reset_log()
    profile(runner, "--id", PERSON, "--self-citations")
    assert batch_calls(world) == [["p2"]]


def test_a_batch_that_reaches_the_nested_budget_sends_the_cut_lists_again(
    runner: CliRunner, world: ApiDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The budget scaled down to 4 on both sides; the profile says p1 and p2 have 1
    # citation each, S2 now lists 3 and 2: together 5, past the budget. Both short lists
    # go round again (p1 always looks short: S2 counts 4 and lists 3), each alone now.
    monkeypatch.setattr(s2_routes, "NESTED_CAP", 4)
    monkeypatch.setattr(selfcite, "NESTED_CAP", 4)
    world.set_citations("p1", 1)
    world.set_citations("p2", 1)
    profile(runner, "--id", PERSON)
    world.set_citations("p1", 4)
    world.set_citations("p2", 2)
    world.reset_log()
    data = profile(runner, "--id", PERSON, "--self-citations")
    calls = batch_calls(world)
    assert calls == [["p1", "p2"], ["p1"], ["p2"]]
    papers = by_id(data)  # the counts of the cached profile (1 citation each) are kept
    assert (papers["p1"]["coauthor_self_citations"], papers["p2"]["self_citations"]) == (2, 1)


def test_a_paper_cited_more_than_the_budget_is_paged(
    runner: CliRunner, world: ApiDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selfcite, "NESTED_CAP", 3)
    monkeypatch.setattr(s2_routes, "NESTED_CAP", 3)
    profile(runner, "--id", PERSON)
    world.reset_log()
    data = profile(runner, "--id", PERSON, "--self-citations")
    assert batch_calls(world) == [["p2"]]
    pages = [r for r in world.requests if r.path.endswith("/paper/p1/citations")]
    assert len(pages) == 1 and pages[0].query["fields"] == ["authors"]
    assert by_id(data)["p1"]["coauthor_self_citations"] == 2


def test_the_double_fills_the_nested_budget_in_its_own_order(world: ApiDouble) -> None:
    """s2-folks #199: the budget is shared, later lists come back empty, not request order."""
    result = [
        {"paperId": pid, "citations": [{"paperId": str(k)} for k in range(n)]}
        for pid, n in (("x", 6000), ("y", 6000), ("z", 10))
    ]
    s2_routes._cap_nested(result)
    sizes = [len(item["citations"]) for item in result]
    assert sum(sizes) == s2_routes.NESTED_CAP
    assert sorted(sizes) == [0, 3999, 6000] or sorted(sizes) == [10, 3989, 6000]


def test_offline_without_cached_lists_warns_and_leaves_values_empty(
    runner: CliRunner, world: ApiDouble
) -> None:
    profile(runner, "--id", PERSON)
    result = run(
        runner,
        "author",
        "--id",
        PERSON,
        "--self-citations",
        "--offline",
        "-f",
        "json",
        "--as-of",
        AS_OF,
    )
    assert result.exit_code == 0, result.stderr
    assert "who cites 2 paper(s) is not cached and --offline is set" in result.stderr
    assert json.loads(result.stdout)["author"]["self_citations"] is None


def test_table_and_markdown_say_what_the_counts_rest_on(
    runner: CliRunner, world: ApiDouble
) -> None:
    table = run(
        runner, "author", "--id", PERSON, "--self-citations", "-f", "table", "--as-of", AS_OF
    )
    assert table.exit_code == 0, table.stderr
    text = " ".join(table.stdout.replace("│", " ").split())
    assert "Self-citations 2 (40.0%) · co-author 3 (60.0%)" in text
    assert "among the 5 citing papers Semantic Scholar lists" in text
    assert "Self = self-citations / co-author self-citations" in text
    md = run(
        runner, "author", "--id", PERSON, "--self-citations", "-f", "markdown", "--as-of", AS_OF
    )
    assert "Self-citations 2" in md.stdout
    assert md.stdout.rstrip().splitlines()[-1].startswith("Provenance: scholar ")


def test_metrics_and_compare_take_self_citations(runner: CliRunner, world: ApiDouble) -> None:
    result = run(
        runner, "metrics", "--id", PERSON, "--self-citations", "-f", "json", "--as-of", AS_OF
    )
    assert result.exit_code == 0, result.stderr
    person = json.loads(result.stdout)["people"][0]
    assert (person["self_citations"], person["h_index_excl_self"]) == (2, 1)
    bad = run(runner, "metrics", "--input", "x.csv", "--self-citations")
    assert bad.exit_code == 2 and "error: --self-citations" in bad.stderr


# --- item 2: provenance -----------------------------------------------------------------
def test_provenance_names_sources_times_and_definitions(
    runner: CliRunner, world: ApiDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "sekrit-key-123")
    data = profile(runner, "--id", PERSON, "--self-citations")
    record = data["provenance"]
    assert record["scholar_version"] and record["metric_definitions_version"]
    assert record["as_of"] == AS_OF
    assert [s["name"] for s in record["sources"]] == ["semantic_scholar", "arxiv"]
    assert record["sources"][0]["base_url"] == world.s2_url
    assert set(record["fetched"]) >= {
        "author_records",
        "paper_lists",
        "paper_records",
        "citing_papers",
    }
    for span in record["fetched"].values():
        assert span["oldest"] <= span["newest"]
    assert record["curation"] == [] and record["cohorts"] is None
    assert "sekrit" not in json.dumps(data)


def test_a_base_url_never_shows_credentials() -> None:
    from scholarcli.profile.trust import public_url

    assert public_url("https://user:pw@api.example.org:8443/graph/v1?key=k#x") == (
        "https://api.example.org:8443/graph/v1"
    )


def test_offline_with_as_of_is_byte_identical_a_week_later(
    runner: CliRunner, world: ApiDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile(runner, "--id", PERSON, "--self-citations", "--intervals")
    args = [
        "author",
        "--id",
        PERSON,
        "--self-citations",
        "--intervals",
        "--offline",
        "--as-of",
        AS_OF,
        "-f",
        "json",
    ]
    first = run(runner, *args)
    second = run(runner, *args)
    # A week later: every clock the run could read is moved on.
    later = datetime.now(UTC) + timedelta(days=7)
    opened = sync.Context.open

    def open_later(*a, **kw):  # type: ignore[no-untyped-def]
        ctx = opened(*a, **kw)
        ctx.clock = lambda: later
        return ctx

    monkeypatch.setattr(sync.Context, "open", open_later)
    third = run(runner, *args)
    assert first.exit_code == second.exit_code == third.exit_code == 0, third.stderr
    assert first.stdout_bytes == second.stdout_bytes == third.stdout_bytes
    assert json.loads(first.stdout)["provenance"]["intervals"]["seed"] == 18


def test_jsonl_lines_carry_it_csv_stays_pure_and_a_file_gets_it(
    runner: CliRunner, world: ApiDouble, tmp_path: Path
) -> None:
    lines = run(runner, "author", "--id", PERSON, "-f", "jsonl", "--as-of", AS_OF)
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert rows and all(row["provenance"]["as_of"] == AS_OF for row in rows)
    target = tmp_path / "prov.json"
    plain = run(
        runner, "author", "--id", PERSON, "-f", "csv", "--as-of", AS_OF, "--provenance", str(target)
    )
    assert plain.exit_code == 0, plain.stderr
    header = next(csv.reader(io.StringIO(plain.stdout)))
    assert "provenance" not in header
    assert json.loads(target.read_text())["as_of"] == AS_OF
    bad = run(
        runner,
        "author",
        "--id",
        PERSON,
        "-f",
        "csv",
        "--as-of",
        AS_OF,
        "--provenance",
        str(tmp_path / "missing" / "dir" / "p.json"),
    )
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --provenance")


# --- items 3 and 5 on a profile ---------------------------------------------------------
def test_intervals_on_the_seed_profile(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    data = profile(runner, "Du-Seong Chang", "--intervals")
    low, high = data["author"]["h_index_interval"]
    assert low <= data["author"]["h_index"] == 5 <= high
    assert data["provenance"]["intervals"]["resamples"] == 1000
    table = run(runner, "author", "Du-Seong Chang", "--intervals", "-f", "table", "--as-of", AS_OF)
    assert f"h-index 5 [{low}-{high}]" in " ".join(table.stdout.split())


def test_few_papers_say_the_interval_is_not_meaningful(runner: CliRunner, world: ApiDouble) -> None:
    data = profile(runner, "--id", PERSON, "--intervals")
    assert data["author"]["h_index_interval"] is None
    assert "not meaningful" in data["author"]["intervals_note"]


def test_compare_warns_about_fields_and_career_lengths(runner: CliRunner, world: ApiDouble) -> None:
    from scholarcli.profile.trust import context_warnings

    people = [
        {"name": "A", "primary_category": "cs.CL", "career_years": 4},
        {"name": "B", "primary_category": "math.AG", "career_years": 20},
    ]
    warnings = context_warnings(people)
    assert len(warnings) == 2
    assert "different primary categories (cs.CL, math.AG)" in warnings[0]
    assert "A: 4 years, B: 20 years" in warnings[1]
    # Twice as long but only 3 years apart, or 5 apart but not twice: no warning.
    for short, long in ((3, 6), (10, 16)):
        pair = [{"name": "A", "career_years": short}, {"name": "B", "career_years": long}]
        assert context_warnings(pair) == []
    world.add_author("500", "Olde Timer")
    add(world, "old1", 1995, [("500", "Olde Timer")], citation_count=30)
    add(world, "old2", 2020, [("500", "Olde Timer")], citation_count=3)
    result = run(runner, "compare", "Pat Self", "Olde Timer", "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "careers of very different lengths (Pat Self: 7 years, Olde Timer: 32 years" in (
        " ".join(result.stderr.split())
    )


# --- item 1 on track and report ---------------------------------------------------------
def test_track_with_self_citations_keeps_the_lists_current(
    runner: CliRunner, world: ApiDouble
) -> None:
    tracked = run(runner, "track", "--id", PERSON, "--label", "pat", "--self-citations")
    assert tracked.exit_code == 0, tracked.stderr
    assert run(runner, "refresh", "--quiet").exit_code == 0
    assert batch_calls(world) == [["p1", "p2"]]
    result = run(
        runner,
        "author",
        "--id",
        PERSON,
        "--self-citations",
        "--offline",
        "-f",
        "json",
        "--as-of",
        AS_OF,
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["author"]["self_citations"] == 2
    assert run(runner, "untrack", "pat").exit_code == 0
    world.reset_log()
    world.set_citations("p2", 3)
    assert run(runner, "refresh", "--quiet", "--all").exit_code == 0
    assert batch_calls(world) == []  # no longer watched


def test_the_report_shows_self_citations_provenance_and_context(
    runner: CliRunner, world: ApiDouble, tmp_path: Path
) -> None:
    pytest.importorskip("jinja2")
    pytest.importorskip("matplotlib")
    world.add_author("500", "Olde Timer")
    add(world, "old1", 1995, [("500", "Olde Timer")], citation_count=30)
    page = tmp_path / "r.html"
    result = run(
        runner,
        "report",
        "--id",
        PERSON,
        "Olde Timer",
        "--self-citations",
        "-o",
        str(page),
        "--as-of",
        AS_OF,
    )
    assert result.exit_code == 0, result.stderr
    html = page.read_text()
    assert "Self-citations" in html and "h-index excl. self" in html
    assert "Provenance: scholar " in html
    assert "careers of very different lengths" in html


def test_the_double_nests_at_most_1000_citations_on_a_single_paper(
    world: ApiDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FIX Paper.json: GET /paper/{id} nested 1,000 of 10,059 citations (scaled to 2 here)."""
    import requests

    monkeypatch.setattr(s2_routes, "SINGLE_NESTED_CAP", 2)
    answer = requests.get(f"{world.s2_url}/paper/p1", params={"fields": "citations"}, timeout=5)
    assert [c["paperId"] for c in answer.json()["citations"]] == ["own", "co"]
    listed = requests.get(
        f"{world.s2_url}/paper/p1/citations", params={"fields": "authors"}, timeout=5
    ).json()
    # /citations lists the same stored citers, newest first (2022, then the later added).
    assert [e["citingPaper"]["paperId"] for e in listed["data"]] == ["own", "str", "co"]


def test_a_refused_batch_is_partial_and_keeps_the_cached_lists(
    runner: CliRunner, world: ApiDouble
) -> None:
    first = profile(runner, "--id", PERSON, "--self-citations")
    world.set_citations("p2", 3)
    profile(runner, "--id", PERSON, "--max-age", "0")
    world.inject("s2.paper_batch", "403", times=50)
    result = run(
        runner, "author", "--id", PERSON, "--self-citations", "-f", "json", "--as-of", AS_OF
    )
    assert result.exit_code == 5, result.stderr
    assert "self-citations of some papers are missing or older" in result.stderr
    # p2's older list still counts (p2 now has 3 citations: one more not excluded).
    papers = by_id(json.loads(result.stdout))
    assert papers["p2"]["self_citations"] == by_id(first)["p2"]["self_citations"] == 1
    assert papers["p2"]["citations_excl_self"] == 2


# --- item 4: MNCS and PP(top 1 %) on the novelty world ----------------------------------
def test_mncs_and_top1_from_the_stored_cohorts(runner: CliRunner, double_env: ApiDouble) -> None:
    import sqlite3

    from double import novelty_world

    novelty_world.seed_world(double_env)
    data = profile(runner, "Du-Seong Chang", "--novelty")
    author, papers = data["author"], data["papers"]
    home = Path(os.environ["SCHOLAR_HOME"])
    db = sqlite3.connect(home / "cache.sqlite3")
    own = {p["paper_id"] for p in papers} | {p["arxiv_id"] for p in papers if p["arxiv_id"]}
    ratios, top1 = [], []
    for paper in papers:
        if paper["impact_percentile"] is None:
            assert paper["ncs"] is None
            continue
        category, year = paper["cohort"].split()
        cites = [
            c
            for arxiv_id, pid, c in db.execute(
                "SELECT arxiv_id, paper_id, citations FROM novelty_cohort_members"
                " WHERE category = ? AND year = ?",
                (category, int(year)),
            )
            if pid and c is not None and pid not in own and arxiv_id not in own
        ]
        mean = sum(cites) / len(cites)
        assert paper["ncs"] == round(paper["citations"] / mean, 4)
        ratios.append(paper["citations"] / mean)
        ranked = sorted(cites)
        position = (len(ranked) - 1) * 0.99
        low = int(position)
        bar = ranked[low] + (ranked[min(low + 1, len(ranked) - 1)] - ranked[low]) * (position - low)
        top1.append(paper["citations"] >= bar)
    assert ratios, "the world scores some papers"
    assert author["mncs"] == round(sum(ratios) / len(ratios), 4)
    assert author["impact_top1_share"] == round(sum(top1) / len(top1), 4)
    assert author["impact_scored_papers"] == len(ratios)
    assert author["coverage"]["impact_percentile"]["papers"] == len(ratios)
