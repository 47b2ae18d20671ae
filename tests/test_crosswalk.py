"""The crosswalk's pure parts: ORCID iDs, matching papers across sources, the
side-by-side view and its disagreements (docs/sources.md, "Side by side")."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

import crosswalk_world as world
from scholarcli.crosswalk import match as matching
from scholarcli.crosswalk.orcid import check_character, parse_orcid
from scholarcli.crosswalk.sides import (
    CitationGap,
    Sighting,
    SourceSide,
    disagreements,
    side_by_side,
    summary_lines,
)

# --- ORCID ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),  # ORCID's own example
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("http://orcid.org/0000-0002-1825-0097/", "0000-0002-1825-0097"),
        ("orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),  # check character X
        (" orcid:0000-0002-1694-233X ", "0000-0002-1694-233X"),
    ],
)
def test_orcid_forms_are_accepted_and_canonicalised(text: str, canonical: str) -> None:
    assert parse_orcid(text) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "0000-0002-1825-0098",  # wrong check digit
        "0000-0002-1852-0097",  # two neighbours swapped
        "0000-0002-1825-009",  # too short
        "0000-0002-1825-00977",
        "https://example.org/0000-0002-1825-0097",
        "Ada Lovelace",
        "",
    ],
)
def test_bad_orcids_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ORCID"):
        parse_orcid(text)


def test_check_character_matches_published_examples() -> None:
    # ORCID's documentation: 0000-0002-1825-0097 and 0000-0002-1694-233X.
    assert check_character("000000021825009") == "7"
    assert check_character("000000021694233") == "X"


@given(st.text(alphabet="0123456789", min_size=15, max_size=15), st.integers(0, 14))
def test_any_single_digit_typo_is_caught(body: str, position: int) -> None:
    good = body + check_character(body)
    wrong = str((int(good[position]) + 1) % 10)
    typo = good[:position] + wrong + good[position + 1 :]
    with pytest.raises(ValueError, match="check digit"):
        parse_orcid(typo)
    assert parse_orcid(good).replace("-", "") == good


# --- matching: the world with a known answer ---------------------------------------


def pairs_by_id(found: matching.Matching) -> set[tuple[str, str, str]]:
    return {
        (world.S2[p.left].paper_id, world.OPENALEX[p.right].paper_id, p.rule) for p in found.pairs
    }


def test_known_world_pairs_exactly_as_expected() -> None:
    found = matching.match(world.S2, world.OPENALEX)
    assert pairs_by_id(found) == world.EXPECTED
    assert {world.S2[i].paper_id for i in found.left_only} == world.S2_ONLY
    assert {world.OPENALEX[i].paper_id for i in found.right_only} == world.OPENALEX_ONLY


def test_known_world_is_symmetric() -> None:
    forward = matching.match(world.S2, world.OPENALEX)
    backward = matching.match(world.OPENALEX, world.S2)
    assert backward == forward.mirrored()


def test_title_pairs_only_within_a_year() -> None:
    s2 = [world.paper("a", "Bernoulli Numbers: A Worked Program", 2017, 1)]
    oa = [world.paper("b", "bernoulli numbers a worked program", 2019, 1)]
    assert matching.match(s2, oa).pairs == ()
    oa = [world.paper("b", "bernoulli numbers a worked program", 2018, 1)]
    assert [p.rule for p in matching.match(s2, oa).pairs] == ["title"]


def test_a_yearless_paper_pairs_on_its_title() -> None:
    s2 = [world.paper("a", "Bernoulli Numbers: A Worked Program", None, 1)]
    oa = [world.paper("b", "bernoulli numbers a worked program", 2018, 1)]
    assert [(p.left, p.right) for p in matching.match(s2, oa).pairs] == [(0, 0)]


def test_doi_beats_title_in_the_world() -> None:
    # W7's title equals s-same-year's; a decoy with the same title and year but no DOI
    # must not take the DOI's place.
    decoy = world.paper("W-decoy", "Poetical Science in Practice", 2015, 1)
    found = matching.match(world.S2, [decoy, *world.OPENALEX])
    right = {world.S2[p.left].paper_id: p.right for p in found.pairs}
    assert right["s-same-year"] == 1 + world.OPENALEX.index(world.OPENALEX[6])


# --- matching: properties -------------------------------------------------------------

TITLES = ["Alpha beta gamma delta", "Epsilon zeta eta theta", "Iota kappa lambda mu", "Nu"]
_papers = st.builds(
    lambda n, title, year, doi, arxiv, case: world.paper(
        f"p{n}",
        title.upper() if case else title,
        year,
        0,
        doi=(f"10.1/{doi}".upper() if case else f"https://doi.org/10.1/{doi}") if doi else None,
        arxiv_id=f"2101.0000{arxiv}" if arxiv else None,
    ),
    st.integers(0, 10_000),
    st.sampled_from(TITLES),
    st.one_of(st.none(), st.integers(2018, 2021)),
    st.one_of(st.none(), st.sampled_from("abc")),
    st.one_of(st.none(), st.integers(1, 3)),
    st.booleans(),
)
_lists = st.lists(_papers, max_size=8).map(
    lambda ps: [dataclasses.replace(p, paper_id=f"{p.paper_id}-{i}") for i, p in enumerate(ps)]
)


@given(_lists, _lists)
def test_a_paper_is_paired_at_most_once(left: list, right: list) -> None:  # type: ignore[type-arg]
    found = matching.match(left, right)
    lefts = [p.left for p in found.pairs]
    rights = [p.right for p in found.pairs]
    assert len(lefts) == len(set(lefts)) and len(rights) == len(set(rights))
    assert sorted(lefts + list(found.left_only)) == list(range(len(left)))
    assert sorted(rights + list(found.right_only)) == list(range(len(right)))


@given(_lists, _lists)
def test_matching_is_symmetric(left: list, right: list) -> None:  # type: ignore[type-arg]
    assert matching.match(right, left) == matching.match(left, right).mirrored()


@given(_lists, _lists)
def test_every_pair_shares_the_key_of_its_rule(left: list, right: list) -> None:  # type: ignore[type-arg]
    for pair in matching.match(left, right).pairs:
        a, b = left[pair.left], right[pair.right]
        if pair.rule == "doi":
            assert matching.doi_key(a) == matching.doi_key(b) is not None
        elif pair.rule == "arxiv":
            assert matching.arxiv_key(a) == matching.arxiv_key(b) is not None
        else:
            assert matching.fold_title(a.title) == matching.fold_title(b.title) is not None
            if a.year is not None and b.year is not None:
                assert abs(a.year - b.year) <= matching.YEAR_SLACK


@given(_lists, _lists)
def test_doi_beats_title(left: list, right: list) -> None:  # type: ignore[type-arg]
    # Whenever a DOI is shared by exactly one paper on each side, those two are paired
    # by DOI, whatever titles, years or arXiv ids say.
    found = matching.match(left, right)
    by_left = {p.left: (p.right, p.rule) for p in found.pairs}
    for i, a in enumerate(left):
        key = matching.doi_key(a)
        same_l = [x for x in left if matching.doi_key(x) == key]
        same_r = [j for j, b in enumerate(right) if matching.doi_key(b) == key]
        if key and len(same_l) == 1 and len(same_r) == 1:
            assert by_left[i] == (same_r[0], "doi")


# --- the side-by-side view and its disagreements ------------------------------------


def world_view() -> object:
    sightings = {
        ("openalex", "s-unindexed"): Sighting(found=False),
        ("openalex", "s-elsewhere"): Sighting(found=True, authors=("Mary Somerville",)),
        ("s2", "W5"): Sighting(found=False),
    }
    return side_by_side(
        [
            SourceSide("s2", world.profile(world.S2, ["111"])),
            SourceSide("openalex", world.profile(world.OPENALEX, ["A5000000001"])),
        ],
        sightings,
    )


def test_each_paper_once_with_citations_by_source() -> None:
    view = world_view()
    records = {r["paper_id"]: r for r in (p.record() for p in view.papers)}
    assert len(records) == len(world.S2) + len(world.OPENALEX_ONLY)
    assert records["s-doi"]["citations_by_source"] == {"s2": 187, "openalex": 120}
    assert records["s-doi"]["in_sources"] == ["s2", "openalex"]
    assert records["s-doi"]["citations"] == 187  # the headline's own count, never a sum
    assert records["W5"]["citations_by_source"] == {"s2": None, "openalex": 7}
    assert records["W5"]["in_sources"] == ["openalex"]


def test_reasons_for_papers_in_one_source() -> None:
    reasons = {p.shown.paper_id: p.only_reason for p in world_view().papers}
    assert reasons["s-unindexed"] == "not indexed on OpenAlex"
    assert reasons["s-elsewhere"] == "attributed to another profile on OpenAlex: Mary Somerville"
    assert reasons["s-preprint"].startswith("one work there: OpenAlex counts it with 'Looms")
    assert reasons["W5"] == "not indexed on Semantic Scholar"
    assert reasons["s-short"] is None  # no id to look it up by: the reason is unknown


def test_source_summaries() -> None:
    summaries = world_view().summaries()
    assert summaries["s2"] == {
        "name": "Semantic Scholar",
        "ids": ["111"],
        "papers": 10,
        "citations": 351,
        "h_index": 7,
    }
    assert summaries["openalex"]["citations"] == 248
    assert summaries["openalex"]["h_index"] == 6


def test_summary_lines_say_how_papers_paired() -> None:
    lines = summary_lines(world_view())
    assert lines[0] == "Semantic Scholar (111): 10 papers, 351 citations, h-index 7"
    assert lines[2] == (
        "In both: 6 (3 by DOI, 2 by arXiv id, 1 by title and year); "
        "only in Semantic Scholar: 4; only in OpenAlex: 2"
    )


def test_disagreements_biggest_first() -> None:
    rows = disagreements(world_view())
    got = [(r["kind"], r["title"], r["gap"]) for r in rows]
    assert got == [
        ("citations", "Analytical Engines for Everyone", 67),
        ("only_in", "Attributed to Somebody Else", 15),
        ("only_in", "A Paper OpenAlex Never Saw", 9),
        ("only_in", "Only OpenAlex Has This One", 7),
        ("only_in", "Looms and Logic (preprint)", 6),
        ("only_in", "Introduction", 3),
        ("only_in", "Introduction", 2),
        ("year", "Poetical Science in Practice", 0),
        ("year", "Bernoulli Numbers: A Worked Program!", 0),
    ]
    first = rows[0]
    assert (first["s2"], first["openalex"]) == (187, 120)
    assert first["detail"] == "Semantic Scholar counts 67 more (187 against 120, 36% of the larger)"


def test_a_gap_under_the_threshold_is_not_listed() -> None:
    # 40 against 31: 9 citations, under 25 % of 40.
    titles = {r["title"] for r in disagreements(world_view()) if r["kind"] == "citations"}
    assert "Notes on the Difference Engine" not in titles


def test_citation_gap_threshold() -> None:
    gap = CitationGap()
    assert gap.differs(187, 120)
    assert not gap.differs(4, 1)  # 3 is below the minimum
    assert not gap.differs(100, 80)  # 20 % of the larger
    assert gap.differs(100, 74)
    assert CitationGap(ratio=0.5).differs(187, 120) is False


@given(_lists, _lists)
def test_side_by_side_lists_every_paper_of_every_source_once(left: list, right: list) -> None:  # type: ignore[type-arg]
    view = side_by_side(
        [
            SourceSide("s2", world.profile(left, ["1"])),
            SourceSide("openalex", world.profile(right, ["A1"])),
        ]
    )
    for source, papers in (("s2", left), ("openalex", right)):
        listed = [p.by_source[source] for p in view.papers if p.by_source[source] is not None]
        assert sorted(id(p) for p in listed) == sorted(id(p) for p in papers)
    for cross in view.papers:
        record = cross.record()
        # A count is its source's own: the shown one is the headline's when it has the paper.
        expected = (cross.by_source["s2"] or cross.by_source["openalex"]).citations
        assert record["citations"] == expected
        assert record["in_sources"] == [
            s for s, c in record["citations_by_source"].items() if c is not None
        ]
    summaries = view.summaries()
    assert summaries["s2"]["papers"] == len(left) and summaries["openalex"]["papers"] == len(right)
