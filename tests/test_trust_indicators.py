"""Issue 18's pure indicators on worlds with a known answer: self-citations under both
rules, bootstrap stability intervals, MNCS and PP(top 1 %), the packing of requests."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scholarcli.indicators import novelty as ind
from scholarcli.indicators.selfcite import (
    PaperSelfCitations,
    author_self_citations,
    paper_self_citations,
    person_self_citations,
)
from scholarcli.indicators.stability import (
    NOT_MEANINGFUL,
    h_index_resampled,
    median_resampled,
    order_bounds,
    resample_counts,
    share_resampled,
    stability_intervals,
)
from scholarcli.profile.selfcite import NESTED_CAP, minimum_requests, plan

PERSON = "100"
COAUTHOR = "200"
STRANGER = "300"


# --- self-citations ---------------------------------------------------------------------
def test_the_three_kinds_of_citer_under_both_rules() -> None:
    citers = [
        ("own-later", [PERSON]),  # the person's own later paper
        ("coauthor-only", [COAUTHOR, "999"]),  # a co-author of the paper, without the person
        ("stranger", [STRANGER]),
    ]
    counts = paper_self_citations(4, [PERSON, COAUTHOR], citers, {PERSON})
    assert counts == PaperSelfCitations(4, 3, 1, 2)
    # S2 counts 4 citations but lists 3: the excluded counts come off the count.
    assert counts.citations_excl_self == 3
    assert counts.coauthor_citations_excl_self == 2


def test_a_citer_listed_twice_counts_once_and_authors_without_ids_match_nobody() -> None:
    citers = [("x", [PERSON]), ("x", [PERSON]), ("y", [None, ""])]
    counts = paper_self_citations(3, [PERSON, None], citers, {PERSON})
    assert (counts.listed, counts.self_citations, counts.coauthor_self_citations) == (2, 1, 1)


def test_every_id_of_a_merged_person_counts() -> None:
    citers = [("a", ["101"]), ("b", [STRANGER])]
    alone = paper_self_citations(2, [PERSON], citers, {PERSON})
    merged = paper_self_citations(2, [PERSON], citers, {PERSON, "101"})
    assert (alone.self_citations, alone.coauthor_self_citations) == (0, 0)
    assert (merged.self_citations, merged.coauthor_self_citations) == (1, 1)
    assert merged.citations_excl_self == 1


def test_author_values_by_hand() -> None:
    # p1: 4 citations, 3 listed (own, co-author, stranger); p2: 2 citations (own, stranger).
    papers = [("p1", 4, [PERSON, COAUTHOR]), ("p2", 2, [PERSON]), ("p3", 0, [PERSON])]
    lists = {
        "p1": [("own", [PERSON]), ("co", [COAUTHOR]), ("str", [STRANGER])],
        "p2": [("own", [PERSON]), ("str", [STRANGER])],
    }
    per_paper, values = person_self_citations(papers, lists, [PERSON])
    assert per_paper["p3"] == PaperSelfCitations(0, 0, 0, 0)  # no citations: no list needed
    assert values == {
        "self_citations": 2,
        "self_citation_rate": 0.4,  # 2 of the 5 listed citing papers
        "citations_excl_self": 4,  # (4 - 1) + (2 - 1)
        "h_index_excl_self": 1,  # [3, 1, 0]
        "g_index_excl_self": 2,  # 3 >= 1, 3 + 1 >= 4
        "coauthor_self_citations": 3,
        "coauthor_self_citation_rate": 0.6,
        "coauthor_citations_excl_self": 3,  # (4 - 2) + (2 - 1)
        "coauthor_h_index_excl_self": 1,  # [2, 1, 0]
        "coauthor_g_index_excl_self": 1,  # 2 >= 1, 3 < 4
        "self_citations_listed": 5,
    }


def test_an_unknown_list_of_a_cited_paper_leaves_the_author_values_empty() -> None:
    values = author_self_citations([(3, None), (0, None)])
    assert set(values.values()) == {None}
    known = author_self_citations([(0, None)])
    assert known["self_citations"] == 0 and known["self_citation_rate"] is None


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.lists(st.sampled_from(["1", "2", "3", "4"]))),
        max_size=30,
    )
)
def test_the_coauthor_rule_never_counts_fewer(citers: list[tuple[int, list[str]]]) -> None:
    listed = [(str(k), authors) for k, authors in citers]
    counts = paper_self_citations(len(listed), ["1", "2"], listed, {"1"})
    assert counts.self_citations <= counts.coauthor_self_citations <= counts.listed
    assert counts.citations_excl_self >= counts.coauthor_citations_excl_self >= 0


# --- request planning -------------------------------------------------------------------
def test_batches_hold_at_most_500_ids_and_9999_nested_citations() -> None:
    counts = {f"p{i}": 7 for i in range(1200)} | {"big": 25_000, "half": 6000, "other": 5000}
    planned = plan(counts)
    assert planned.paged == ["big"]  # no batch can nest it: paged through /citations
    for batch in planned.batches:
        assert len(batch) <= 500
        assert sum(counts[p] for p in batch) <= NESTED_CAP
    assert sorted(p for b in planned.batches for p in b) == sorted(set(counts) - {"big"})
    # 1,202 small papers and 19,400 citations: at least 3 batches; "big": 10 pages.
    assert minimum_requests(counts) == 3 + 10
    assert planned.requests(counts) == minimum_requests(counts)


# --- stability intervals ----------------------------------------------------------------
def test_all_papers_equal_give_a_zero_width_interval() -> None:
    result = stability_intervals(
        [7] * 12, impact=[80] * 12, novelty=[40] * 12, top10=[True] * 12
    ).values
    assert result == {
        "h_index": [7, 7],
        "impact_percentile": [80, 80],
        "novelty_percentile": [40, 40],
        "impact_top10_share": [1.0, 1.0],
    }


def test_a_case_by_hand() -> None:
    # Four papers with 10 citations and one with none, drawn 5 times: the h-index of a
    # resample is the number k of ten-cited draws, k ~ Binomial(5, 0.8). P(k <= 1) =
    # 0.0067 < 2.5 % < P(k <= 2) = 0.0579, so the 26th of 1,000 sorted values is 2; and
    # P(k = 5) = 0.328 > 2.5 %, so the 975th is 5.
    assert stability_intervals([10, 10, 10, 10, 0]).values["h_index"] == [2, 5]
    # One paper with 10 citations and four with none: h = min(draws of it, 10), draws
    # ~ Binomial(5, 0.2): P(0) = 0.328 > 2.5 %, and P(<= 2) = 0.942 < 97.5 % <=
    # P(<= 3) = 0.993, so the interval is [0, 3].
    assert stability_intervals([0, 0, 0, 0, 10]).values["h_index"] == [0, 3]


def test_resampled_statistics_match_the_expanded_lists() -> None:
    import numpy as np

    from scholarcli.indicators.metrics import h_index

    citations = [12, 0, 5, 5, 3, 9, 1]
    impact = [90, None, 40, 41, None, 77, 12]
    flags = [True, None, False, False, None, True, False]
    counts = resample_counts(len(citations), resamples=50, seed=3)
    h = h_index_resampled(citations, counts)
    medians = median_resampled(impact, counts)
    shares = share_resampled(flags, counts)
    for row, drawn in enumerate(counts):
        expanded = [k for k, m in enumerate(drawn) for _ in range(m)]
        assert h[row] == h_index([citations[k] for k in expanded])
        known = sorted(impact[k] for k in expanded if impact[k] is not None)
        if known:
            assert medians[row] == pytest.approx(float(np.median(known)))
        else:
            assert math.isnan(medians[row])
        flagged = [flags[k] for k in expanded if flags[k] is not None]
        if flagged:
            assert shares[row] == pytest.approx(sum(flagged) / len(flagged))


def test_intervals_are_deterministic_and_ignore_nothing_but_the_seed() -> None:
    citations = [3, 17, 0, 8, 8, 40, 2, 1, 11, 5]
    first = stability_intervals(citations).values
    assert stability_intervals(citations).values == first
    assert first["h_index"][0] <= 5 <= first["h_index"][1]  # h of the papers themselves


def test_fewer_than_five_papers_are_not_meaningful() -> None:
    result = stability_intervals([5, 4, 3, 2], impact=[1, 2, 3, 4])
    assert result.values == {"h_index": None, "impact_percentile": None}
    assert result.notes["h_index"] == NOT_MEANINGFUL
    few = stability_intervals([5] * 8, impact=[50, 60, None, None, None, None, None, None])
    assert few.values["h_index"] == [5, 5] and few.values["impact_percentile"] is None
    assert "not meaningful" in few.notes["impact_percentile"]


def test_order_bounds_take_the_26th_and_975th_of_1000() -> None:
    import numpy as np

    assert order_bounds(np.arange(1000, dtype=float)) == (25.0, 974.0)
    assert order_bounds(np.array([np.nan])) is None


# --- MNCS and PP(top 1 %) ---------------------------------------------------------------
def test_mncs_by_hand_on_a_small_cohort() -> None:
    cohort = [float(c) for c in [0, 1, 2, 3, 4] * 6]  # 30 values, mean 2
    assert ind.normalised_citations(6, cohort) == 3.0
    assert ind.normalised_citations(1, cohort) == 0.5
    assert ind.mean_of([3.0, 0.5, None]) == 1.75  # MNCS of the two scored papers
    assert ind.normalised_citations(6, cohort[:29]) is None  # fewer than 30 values
    assert ind.normalised_citations(6, [0.0] * 30) is None  # a mean of 0 divides nothing


def test_the_plain_quantile_is_numpys_linear_one() -> None:
    import numpy as np

    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    for q in (0, 10, 50, 90, 99, 100):
        assert ind.quantile(values, q) == pytest.approx(float(np.percentile(values, q)))
    assert ind.quantile([], 99) is None
