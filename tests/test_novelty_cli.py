"""Novelty and Impact end to end against the double: requests, caching, fields, reasons."""

from __future__ import annotations

import itertools
import json
import math
import sqlite3
from collections import Counter
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import seed
from double import novelty_world
from double.server import ApiDouble
from scholarcli.cli import app
from scholarcli.config import load_settings
from scholarcli.novelty import cohort

AS_OF = "2026-11-27"
NAME = "Du-Seong Chang"
PAPER_FIELDS = (
    "novelty",
    "novelty_q99",
    "novelty_references",
    "references_resolved",
    "novelty_percentile",
    "impact_percentile",
    "cohort",
)
AUTHOR_FIELDS = (
    "novelty_percentile",
    "novelty_papers",
    "impact_percentile",
    "impact_top10_share",
    "cohorts",
)


@pytest.fixture
def world(double_env: ApiDouble) -> ApiDouble:
    novelty_world.seed_world(double_env)
    return double_env


def run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def profile(runner: CliRunner, *extra: str) -> dict:  # type: ignore[type-arg]
    result = run(runner, "author", NAME, "-f", "json", "--as-of", AS_OF, *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def batch_calls(double: ApiDouble, fields: str) -> list[list[str]]:
    """The ids of each POST /paper/batch asking for ``fields``."""
    return [
        json.loads(r.body)["ids"]
        for r in double.requests
        if r.path.endswith("/paper/batch") and r.query.get("fields") == [fields]
    ]


def arxiv_listings(double: ApiDouble) -> list[str]:
    return [
        r.query["search_query"][0]
        for r in double.requests
        if r.source == "arxiv" and "search_query" in r.query
    ]


# --- item 2: few requests ---------------------------------------------------------------
def test_novelty_uses_one_batch_round_per_kind(runner: CliRunner, world: ApiDouble) -> None:
    profile(runner)  # the profile is cached; novelty is not
    world.reset_log()
    data = profile(runner, "--novelty")
    s2 = [r for r in world.requests if r.source == "s2"]
    # Only batches: no request per paper or per reference, nothing about the author.
    assert {r.path for r in s2} == {"/graph/v1/paper/batch"}
    lists = batch_calls(world, "citationCount,referenceCount,externalIds,references.paperId")
    vectors = batch_calls(world, "embedding.specter_v2")
    assert len(lists) + len(vectors) == len(s2)
    asked_lists = [i for call in lists for i in call]
    asked_vectors = [i for call in vectors for i in call]
    # The 9 papers and every cohort member in one round, 500 a request.
    assert sorted(p["paper_id"] for p in data["papers"]) == sorted(
        i for i in asked_lists if not i.startswith("ARXIV:")
    )
    assert all(len(call) <= 500 for call in lists + vectors)
    # At most 500 ids, and (as S2 caps nested items at 9,999 a batch) at most 9,999
    # nested references a batch: the minimum is the larger of the two bounds.
    distinct = set(asked_lists)
    known = [world.store.resolve_paper(i) for i in distinct]
    nested = sum(len(p.references or []) for p in known if p is not None)
    assert nested > 9999  # the cap matters here: 640 papers with ~27 references each
    assert len(lists) == max(math.ceil(len(distinct) / 500), math.ceil(nested / 9999)) == 2
    assert len(set(asked_vectors)) == len(asked_vectors)  # each reference asked once
    assert len(vectors) == math.ceil(len(asked_vectors) / 500)
    # Every reference of the seed papers had its vector asked for.
    seed_refs = {
        r for p in seed.PAPERS for r in world.store.papers[p.paper_id].references or [] if r
    }
    assert seed_refs <= set(asked_vectors)
    # arXiv: the four cohorts' listings (two pages for 250+ entries, one for cs.DC).
    assert Counter(q.split(" AND ")[0] for q in arxiv_listings(world)) == {
        "cat:cs.CL": 6,
        "cat:cs.DC": 1,
    }


def test_a_second_run_and_a_warm_profile_cost_nothing(runner: CliRunner, world: ApiDouble) -> None:
    first = profile(runner, "--novelty")
    world.reset_log()
    assert profile(runner) == first  # the values show on a later profile of that person
    assert world.requests == []
    again = profile(runner, "--novelty")
    assert again == first
    assert world.requests == []  # lists, vectors and cohorts are all fresh


def test_a_second_author_in_the_same_field_and_year_reuses_the_cohort(
    runner: CliRunner, world: ApiDouble
) -> None:
    profile(runner, "--novelty")
    world.add_author("77", "Ada Second", affiliations=[])
    world.add_paper(
        "9" * 40,
        title="A Second Paper",
        year=2023,
        publication_date="2023-05-02",
        authors=[("77", "Ada Second")],
        citation_count=12,
        arxiv_id="2305.99999",
    )
    world.add_arxiv(
        "2305.99999",
        title="A Second Paper",
        abstract="x",
        authors=["Ada Second"],
        published="2023-05-02",
        primary_category="cs.CL",
    )
    pool = novelty_world.pool_ids("cs.CL")
    novelty_world.set_references(world.store, "9" * 40, pool[:40:2])  # 20 references
    result = run(runner, "author", "--id", "77", "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 0
    world.reset_log()
    result = run(runner, "author", "--id", "77", "-f", "json", "--as-of", AS_OF, "--novelty")
    assert result.exit_code == 0, result.stderr
    assert arxiv_listings(world) == []  # the cs.CL 2023 cohort came from the cache
    assert batch_calls(world, "citationCount,referenceCount,externalIds,references.paperId") == [
        ["9" * 40]
    ]
    (paper,) = json.loads(result.stdout)["papers"]
    assert paper["cohort"] == "cs.CL 2023" and paper["novelty_percentile"] is not None


# --- item 6: fields and nulls -----------------------------------------------------------
def test_every_profile_has_the_fields_null_until_computed(
    runner: CliRunner, world: ApiDouble
) -> None:
    data = profile(runner)
    assert {name: data["author"][name] for name in AUTHOR_FIELDS} == dict.fromkeys(AUTHOR_FIELDS)
    for paper in data["papers"]:
        assert {name: paper[name] for name in PAPER_FIELDS} == dict.fromkeys(PAPER_FIELDS)
    csv_header = run(runner, "author", NAME, "-f", "csv").stdout.splitlines()[0].split(",")
    assert set(PAPER_FIELDS) <= set(csv_header)


def linear_q90(values: list[int]) -> float:
    """numpy's default percentile, written out: position 0.9 (n - 1), interpolated."""
    ordered = sorted(values)
    position = 0.9 * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def top10_share_by_hand(data: dict[str, Any]) -> float:
    """PP(top 10 %) from the cached cohorts: a paper is in when its citations reach the
    90th percentile of its cohort's citations, the person's own papers left out."""
    own_ids = {p["paper_id"] for p in data["papers"]}
    own_arxiv = {p["arxiv_id"] for p in data["papers"] if p["arxiv_id"]}
    conn = sqlite3.connect(load_settings().db_path)
    flags = []
    try:
        for paper in data["papers"]:
            if paper["impact_percentile"] is None:
                continue
            category, year = paper["cohort"].split()
            cites = [
                c
                for arxiv_id, paper_id, c in conn.execute(
                    """SELECT arxiv_id, paper_id, citations FROM novelty_cohort_members
                       WHERE category = ? AND year = ?""",
                    (category, int(year)),
                )
                if paper_id
                and c is not None
                and arxiv_id not in own_arxiv
                and paper_id not in own_ids
            ]
            flags.append(paper["citations"] >= linear_q90(cites))
    finally:
        conn.close()
    assert 0 < sum(flags) < len(flags)  # the world has papers on both sides of the bar
    return sum(flags) / len(flags)


def test_values_nulls_and_reasons(runner: CliRunner, world: ApiDouble) -> None:
    data = profile(runner, "--novelty")
    author = data["author"]
    by_id = {p["paper_id"]: p for p in data["papers"]}
    viscuit, psydial, exegpt = by_id["f" * 40], by_id["e" * 40], by_id["0" * 40]
    assert (viscuit["novelty"], viscuit["novelty_percentile"]) == (None, None)
    assert (viscuit["novelty_references"], viscuit["references_resolved"]) == (4, 17)
    assert viscuit["novelty_note"] == "4 of 17 references embedded"
    assert viscuit["impact_percentile"] is not None  # Impact needs no references
    assert psydial["novelty"] is None and psydial["novelty_note"].endswith("references embedded")
    # cs.DC 2024 has too few eligible papers for a novelty percentile: null, never 0.
    assert exegpt["novelty"] is not None and exegpt["novelty_percentile"] is None
    assert exegpt["novelty_note"].startswith("cohort cs.DC 2024 has ")
    assert exegpt["novelty_note"].endswith("eligible papers (< 30)")
    ranked = [p for p in data["papers"] if p["novelty_percentile"] is not None]
    assert author["novelty_papers"] == len(ranked) == 6
    percentiles = sorted(p["novelty_percentile"] for p in ranked)
    assert author["novelty_percentile"] == (percentiles[2] + percentiles[3]) / 2
    impacts = sorted(p["impact_percentile"] for p in data["papers"])
    assert author["impact_percentile"] == impacts[4]
    assert author["impact_top10_share"] == round(top10_share_by_hand(data), 4)
    cohorts = {(c["category"], c["year"]): c for c in author["cohorts"]}
    assert set(cohorts) == {("cs.CL", 2022), ("cs.CL", 2023), ("cs.CL", 2024), ("cs.DC", 2024)}
    assert author["cohorts"][0]["category"] == "cs.CL"
    assert all(0 < c["n_eligible"] <= c["n"] <= cohort.SAMPLE for c in author["cohorts"])
    assert cohorts[("cs.DC", 2024)]["n_eligible"] < 30


def test_one_seed_value_recomputed_with_numpy(runner: CliRunner, world: ApiDouble) -> None:
    data = profile(runner, "--novelty")
    paper = next(p for p in data["papers"] if p["paper_id"] == "a" * 40)
    refs = [r for r in world.store.papers["a" * 40].references or [] if r]
    vectors = [
        np.asarray(world.store.papers[r].embeddings["specter_v2"], dtype=np.float32)
        for r in dict.fromkeys(refs)
        if world.store.papers[r].embeddings
    ]
    distances = [
        1 - float(np.dot(u, v)) / (float(np.linalg.norm(u)) * float(np.linalg.norm(v)))
        for u, v in itertools.combinations([v.astype(np.float64) for v in vectors], 2)
    ]
    assert paper["references_resolved"] == len(set(refs)) == 30
    assert paper["novelty_references"] == len(vectors)
    assert paper["novelty"] == pytest.approx(float(np.percentile(distances, 90)), abs=1e-4)
    assert paper["novelty_q99"] == pytest.approx(float(np.percentile(distances, 99)), abs=1e-4)


def test_the_table_shows_both_slots_never_a_percent_sign_for_novelty(
    runner: CliRunner, world: ApiDouble
) -> None:
    result = run(runner, "author", NAME, "-f", "table", "--as-of", AS_OF, "--novelty")
    assert result.exit_code == 0, result.stderr
    novelty_line = next(line for line in result.stdout.splitlines() if "Novelty p" in line)
    assert "6/9 papers · vs cs.CL 20" in novelty_line and "%" not in novelty_line
    assert "(n=" in novelty_line
    assert "Impact p" in result.stdout and "top10 " in result.stdout


def test_offline_profile_shows_cached_values(runner: CliRunner, world: ApiDouble) -> None:
    first = profile(runner, "--novelty")
    world.stop()  # nothing can be asked any more
    assert profile(runner, "--offline") == first


# --- scholar novelty REF ----------------------------------------------------------------
def test_novelty_of_single_papers(runner: CliRunner, world: ApiDouble) -> None:
    result = run(
        runner,
        "novelty",
        "arXiv:2308.06744",
        "10.48550/arXiv.2406.16469",
        "10.9999/none",
        "-f",
        "json",
    )
    assert result.exit_code == 3  # one reference S2 does not know: named, the rest printed
    assert "'10.9999/none'" in result.stderr
    papers = json.loads(result.stdout)["papers"]
    assert [p["paper_id"] for p in papers] == ["a" * 40, "f" * 40]
    assert papers[0]["cohort"] == "cs.CL 2023" and papers[0]["novelty_percentile"] is not None
    assert papers[1]["novelty_note"] == "4 of 17 references embedded"
    # One batch named all three papers and brought their references.
    assert (
        len(
            batch_calls(
                world, "title,year,externalIds,citationCount,referenceCount,references.paperId"
            )
        )
        == 1
    )


def test_novelty_of_a_title_goes_through_s2_title_match(
    runner: CliRunner, world: ApiDouble
) -> None:
    full = "Token-Scaled Logit Distillation for Ternary Weight Generative Language Models"
    title = run(runner, "novelty", full, "-f", "json")
    assert title.exit_code == 0, title.stderr
    (paper,) = json.loads(title.stdout)["papers"]
    assert paper["paper_id"] == "a" * 40 and paper["cohort"] == "cs.CL 2023"
    assert world.count("s2", "/paper/search/match") == 1
    nothing = run(runner, "novelty", "A title that no paper has at all")
    assert nothing.exit_code == 3 and "knows none of" in nothing.stderr


def test_novelty_refuses_unknown_papers(runner: CliRunner, world: ApiDouble) -> None:
    unknown = run(runner, "novelty", "10.9999/none")
    assert unknown.exit_code == 3 and "knows none of" in unknown.stderr
    assert world.count("s2", "/paper/batch") == 1


# --- track --novelty --------------------------------------------------------------------
def test_refresh_keeps_novelty_of_tracked_people_current(
    runner: CliRunner, world: ApiDouble
) -> None:
    assert run(runner, "track", NAME, "--novelty").exit_code == 0
    assert run(runner, "refresh", "--as-of", AS_OF).exit_code == 0
    world.reset_log()
    # A second refresh: the count check only; novelty is recomputed from the cache.
    world.set_citations("a" * 40, 4000)
    assert run(runner, "refresh", "--as-of", AS_OF).exit_code == 0
    assert world.count("arxiv") == 0
    # Refresh's own count check and list; nothing for novelty (all of it is fresh).
    assert batch_calls(world, "citationCount,referenceCount,externalIds,references.paperId") == []
    assert batch_calls(world, "embedding.specter_v2") == []
    world.stop()
    data = profile(runner, "--offline")
    assert data["author"]["novelty_papers"] == 6
    tsld = next(p for p in data["papers"] if p["paper_id"] == "a" * 40)
    assert tsld["citations"] == 4000 and tsld["impact_percentile"] == 100  # kept current


def test_untrack_ends_the_novelty_refreshes(runner: CliRunner, world: ApiDouble) -> None:
    assert run(runner, "track", NAME, "--novelty").exit_code == 0
    assert run(runner, "untrack", NAME).exit_code == 0
    assert run(runner, "track", NAME).exit_code == 0
    assert run(runner, "refresh", "--as-of", AS_OF).exit_code == 0
    assert batch_calls(world, "embedding.specter_v2") == []
    assert profile(runner, "--offline")["author"]["novelty_papers"] is None


# --- the double -------------------------------------------------------------------------
def test_double_refuses_embeddings_on_author_papers(world: ApiDouble) -> None:
    import requests

    base = world.s2_url
    refused = requests.get(
        f"{base}/author/{seed.AUTHOR_ID}/papers", params={"fields": "embedding.specter_v2"}
    )
    assert refused.status_code == 400
    assert refused.json() == {"error": "Unrecognized or unsupported fields: [embedding.specter_v2]"}
    listed = requests.get(
        f"{base}/author/{seed.AUTHOR_ID}/papers", params={"fields": "references.paperId"}
    )
    assert listed.status_code == 200
    served = requests.post(
        f"{base}/paper/batch", params={"fields": "embedding.specter_v2"}, json={"ids": ["a" * 40]}
    )
    assert served.json() == [{"paperId": "a" * 40, "embedding": None}]  # seed papers: no vector


def test_double_lists_a_category_and_year_with_paging(world: ApiDouble) -> None:
    import requests

    from scholarcli.sources.arxiv import parse_feed

    query = cohort.year_query("cs.CL", 2023)
    pages = [
        parse_feed(
            requests.get(
                world.arxiv_url,
                params={
                    "search_query": query,
                    "start": start,
                    "max_results": 100,
                    "sortBy": "submittedDate",
                    "sortOrder": "ascending",
                },
            ).content
        )
        for start in (0, 100, 200)
    ]
    # 250 cohort papers, 10 cross-lists and the seed's three cs.CL 2023 papers.
    assert {p.total for p in pages} == {263}
    ids = [e.arxiv_id for p in pages for e in p.entries]
    assert len(ids) == len(set(ids)) == 263
    dates = [e.published for p in pages for e in p.entries]
    assert dates == sorted(dates) and all(d and d.startswith("2023-") for d in dates)


# --- failures ---------------------------------------------------------------------------
def test_a_dead_s2_leaves_the_profile_and_stores_no_half_cohort(
    runner: CliRunner, world: ApiDouble
) -> None:
    profile(runner)
    world.inject("s2.paper_batch", "403", times=50)
    result = run(runner, "author", NAME, "-f", "json", "--as-of", AS_OF, "--novelty")
    assert result.exit_code == 5, result.stderr
    assert "novelty values may be missing" in result.stderr
    data = json.loads(result.stdout)
    assert all(p["novelty"] is None for p in data["papers"])
    assert data["author"]["novelty_percentile"] is None
    world.clear_faults()
    world.reset_log()
    # Nothing half-built was stored: the next run draws the cohorts again and succeeds.
    again = profile(runner, "--novelty")
    assert len(arxiv_listings(world)) == 7
    assert again["author"]["novelty_papers"] == 6


def test_offline_novelty_asks_nothing(runner: CliRunner, world: ApiDouble) -> None:
    profile(runner)
    world.reset_log()
    result = run(runner, "author", NAME, "-f", "json", "--offline", "--novelty")
    assert result.exit_code == 0
    assert world.requests == []
    assert "--offline" in result.stderr


# --- item 8: disruption -----------------------------------------------------------------
def test_disruption_cd_nok_with_its_guards_and_cost(runner: CliRunner, world: ApiDouble) -> None:
    profile(runner)
    world.reset_log()
    data = profile(runner, "--disruption")
    by_id = {p["paper_id"]: p for p in data["papers"]}
    tsld, psydial = by_id["a" * 40], by_id["e" * 40]
    # 12 citers of the paper only, 6 of it and a reference: (12 - 6) / 18.
    assert tsld["cd_nok"] == pytest.approx(round(1 / 3, 4))
    assert tsld["cd_nok_citers"] == 18
    assert "2 citer(s) without resolved references left out" in tsld["cd_nok_note"]
    assert "window open until 2028" in tsld["cd_nok_note"]
    assert psydial["cd_nok"] is None and psydial["cd_nok_note"].startswith("9 citers")
    # Cost: one batch for the 9 papers' citers, one for the citers' reference lists.
    focal = batch_calls(
        world,
        "year,citationCount,referenceCount,references.paperId,citations.paperId,citations.year",
    )
    citers = batch_calls(world, "citationCount,referenceCount,externalIds,references.paperId")
    assert [len(c) for c in focal] == [9]
    assert [len(c) for c in citers] == [20 + 9]  # citers in the window, outside ones not read
    assert world.count("s2") == 2 and world.count("arxiv") == 0
    world.reset_log()
    assert profile(runner) == data  # shown again later with no request
    assert world.requests == []


def test_an_answer_over_the_size_cap_is_asked_again_in_halves(
    runner: CliRunner, world: ApiDouble, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from double import s2_routes

    reference = profile(runner, "--novelty")
    monkeypatch.setenv("SCHOLAR_HOME", str(tmp_path / "second-home"))
    monkeypatch.setattr(s2_routes, "RESPONSE_CAP", 150_000)  # 10 MB scaled to 32-number vectors
    world.reset_log()
    again = profile(runner, "--novelty")
    assert again["papers"] == reference["papers"]
    assert [again["author"][f] for f in AUTHOR_FIELDS] == [
        reference["author"][f] for f in AUTHOR_FIELDS
    ]
    refused = [r for r in world.requests if r.status == 400]
    assert refused  # some vector batches were too big at 500 ids ...
    vectors = batch_calls(world, "embedding.specter_v2")
    answered = [
        len(json.loads(r.body)["ids"])
        for r in world.requests
        if r.status == 200 and r.query.get("fields") == ["embedding.specter_v2"]
    ]
    assert max(answered) < 500 and sum(answered) == len({i for c in vectors for i in c})


def test_reference_lists_cut_by_the_nested_cap_are_asked_again(
    runner: CliRunner, world: ApiDouble, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from double import s2_routes

    reference = profile(runner, "--novelty")
    fields = "citationCount,referenceCount,externalIds,references.paperId"
    first_round = len(batch_calls(world, fields))
    monkeypatch.setenv("SCHOLAR_HOME", str(tmp_path / "second-home"))
    from scholarcli.novelty import references

    # S2's 9,999 scaled down to the double's short lists, on both sides.
    monkeypatch.setattr(s2_routes, "NESTED_CAP", 2000)
    monkeypatch.setattr(references, "NESTED_CAP", 2000)
    world.reset_log()
    again = profile(runner, "--novelty")
    assert again["papers"] == reference["papers"]
    assert again["author"]["cohorts"] == reference["author"]["cohorts"]
    # More, smaller list batches than without the cap, each answer within the cap.
    assert len(batch_calls(world, fields)) > first_round
