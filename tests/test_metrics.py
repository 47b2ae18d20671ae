"""Tests for scholarcli.indicators.metrics: published worked examples, then properties.

Sources of the worked examples (docs/metrics.md, Worked examples the tests check):
E1 scholarmetrics README/tests (Michael-E-Rose/scholarmetrics@148eb71d),
E2 scholarmetrics g-index tests, E3 agop tests (gagolews/agop@118ce160,
inst/tests/test-index_h.R and test-index_g.R), E4 pop-linux tests
(munir-abbasi/pop-linux@fa044bc2, tests/test_metrics.py) and the Wikipedia
h-index article. Examples marked "hand-derived" were worked out by hand from the
definitions in docs/metrics.md; the arithmetic is in the comment next to each.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scholarcli.indicators.metrics import (
    METRIC_FIELDS,
    PaperStats,
    a_index,
    acc_counts,
    author_metrics,
    awcr,
    awcrpa,
    cites_per_year,
    e_index,
    g_index,
    h_index,
    hc_index,
    hg_index,
    hi_index,
    hi_norm,
    hm_index,
    i10_index,
    metrics_frame,
    paper_age,
    primary_category,
    r_index,
)

Q = 2024

# E4: pop-linux's test profile, five single-author papers dated 2020-2024.
POP_LINUX_CITATIONS = [10, 8, 5, 4, 3]
POP_LINUX_YEARS = [2020, 2021, 2022, 2023, 2024]


def pop_linux_papers() -> list[PaperStats]:
    return [
        PaperStats(citations=c, year=y, n_authors=1, author_position=1)
        for c, y in zip(POP_LINUX_CITATIONS, POP_LINUX_YEARS, strict=True)
    ]


# --- worked examples: h and g -------------------------------------------------------


@pytest.mark.parametrize(
    ("citations", "expected"),
    [
        ([6, 10, 5, 46, 0, 2], 4),  # E1 scholarmetrics README and tests
        (list(range(1, 11)), 5),  # E3 agop index_h(1:10)
        (list(range(10, 0, -1)), 5),  # E3 agop index_h(10:1)
        ([3, 3, 3], 3),  # E3 agop
        ([3, 3, 3, 3], 3),  # E3 agop
        ([3.1, 3.1, 3.1, 3.1], 3),  # E3 agop: non-integer citations
        ([0.99], 0),  # E3 agop
        ([0], 0),  # E3 agop
        ([100] * 100, 100),  # E3 agop index_h(rep(100, 100))
        ([10, 8, 5, 4, 3], 4),  # E4 pop-linux test and Wikipedia h-index article
        ([25, 8, 5, 3, 3], 3),  # E4 Wikipedia h-index article
    ],
)
def test_h_index_published_examples(citations: list[float], expected: int) -> None:
    assert h_index(citations) == expected


@pytest.mark.parametrize(
    ("citations", "expected"),
    [
        # E1: the scholarmetrics `gindex` docstring gives 6 (bounded, zeros counted).
        ([6, 10, 5, 46, 0, 2], 6),
        # E2: scholarmetrics tests, the NaN removed (six cited papers, g = 6).
        ([50, 7, 4, 18, 11, 3], 6),
        # E2 (derived; docs/metrics.md): bounded with the zero-cited papers kept gives 8.
        ([50, 7, 0, 4, 18, 11, 0, 3], 8),
        ([1, 3], 2),  # E3 agop index_g(c(1,3))
        ([9, 0, 0], 3),  # E3 agop index_g(c(9,0,0))
        ([9], 1),  # E3 agop index_g(9); bounded, unlike index_g_zi(9) = 3
        ([0], 0),  # E3 agop index_g(0)
        ([10, 8, 5, 4, 3], 5),  # E4 pop-linux: cumulative 30 >= 5^2
    ],
)
def test_g_index_published_examples(citations: list[float], expected: int) -> None:
    assert g_index(citations) == expected


# --- worked examples: the pop-linux profile through every metric ---------------------


def test_pop_linux_profile_published_values() -> None:
    # E4 pop-linux: total 30, mean 6.0, h 4, g 5, e sqrt(11) ~ 3.32, hI,norm 4, i10 1,
    # AWCR and AW positive.
    metrics = author_metrics(pop_linux_papers(), as_of_year=Q)
    assert metrics["papers"] == 5
    assert metrics["citations"] == 30
    assert metrics["cites_per_paper"] == 6.0
    assert metrics["h_index"] == 4
    assert metrics["g_index"] == 5
    assert metrics["e_index"] == pytest.approx(math.sqrt(11))
    assert metrics["e_index"] == pytest.approx(3.32, abs=0.005)
    assert metrics["hi_norm"] == 4
    assert metrics["i10_index"] == 1
    assert isinstance(metrics["awcr"], float)
    assert metrics["awcr"] > 0
    assert isinstance(metrics["aw_index"], float)
    assert metrics["aw_index"] > 0


def test_pop_linux_profile_hand_derived_values() -> None:
    # Hand-derived, Q = 2024: ages 5, 4, 3, 2, 1; h-core 10+8+5+4 = 27.
    metrics = author_metrics(pop_linux_papers(), as_of_year=Q)
    expected: dict[str, Any] = {
        "first_year": 2020,
        "last_year": 2024,
        "career_years": 5,  # 2024 - 2020 + 1
        "cites_per_year": 6.0,  # 30 / 5
        "cites_per_author": 30.0,
        "papers_per_author": 5.0,
        "authors_per_paper": 1.0,
        "hg_index": math.sqrt(20),  # sqrt(4 * 5)
        "m_quotient": 0.8,  # 4 / 5
        "a_index": 6.75,  # 27 / 4
        "r_index": math.sqrt(27),
        # S = 4c/age = 8, 8, 20/3, 8, 12: all five are >= 5.
        "hc_index": 5,
        "hi_index": 4.0,  # 4^2 / 4 authors
        "hi_annual": 0.8,  # 4 / 5
        "hm_index": 4.0,  # single-author papers: hm = h
        # 10/5 + 8/4 + 5/3 + 4/2 + 3/1 = 32/3
        "awcr": 32 / 3,
        "aw_index": math.sqrt(32 / 3),
        "awcrpa": 32 / 3,
        # rates 2, 2, 5/3, 2, 3
        "acc1": 5,
        "acc2": 4,
        "acc5": 0,
        "acc10": 0,
        "acc20": 0,
        "first_author_papers": 5,
        "last_author_papers": 5,
        "h5_index": None,  # no per-year citations given
        "i10_5y": None,
    }
    for field, value in expected.items():
        assert metrics[field] == pytest.approx(value), field


def test_author_metrics_returns_exactly_the_metric_fields_in_order() -> None:
    assert tuple(author_metrics(pop_linux_papers(), Q)) == METRIC_FIELDS
    assert len(set(METRIC_FIELDS)) == 35


# --- worked examples: h-core based and author-normalised indices ----------------------


def test_h_core_indices_hand_derived() -> None:
    # Hand-derived from E1's list: sorted 46, 10, 6, 5 | 2, 0; h = 4, h-core sum 67.
    citations = [6, 10, 5, 46, 0, 2]
    assert e_index(citations) == pytest.approx(math.sqrt(67 - 16))
    assert a_index(citations) == pytest.approx(67 / 4)
    assert r_index(citations) == pytest.approx(math.sqrt(67))
    assert hg_index(citations) == pytest.approx(math.sqrt(4 * 6))
    assert i10_index(citations) == 2  # 46 and 10


def test_author_normalised_indices_hand_derived() -> None:
    # Hand-derived. Sorted (c, a): (10,2) (8,1) (5,3) (4,2) (3,5); h = 4.
    citations = [10, 8, 5, 4, 3]
    authors = [2, 1, 3, 2, 5]
    # hI = h^2 / authors in the h-core = 16 / (2+1+3+2)
    assert hi_index(citations, authors) == pytest.approx(2.0)
    # c/a = 5, 8, 5/3, 2, 0.6 -> sorted 8, 5, 2, ... -> hI,norm = 2
    assert hi_norm(citations, authors) == 2
    # r_eff = 1/2, 3/2, 11/6, 7/3, 38/15; every c_(r) >= r_eff(r), so hm = 38/15
    assert hm_index(citations, authors) == pytest.approx(38 / 15)


def test_hm_index_stops_where_citations_fall_below_effective_rank() -> None:
    # Hand-derived. (c, a) = (4,1) (2,1) (2,1) (1,1): r_eff 1, 2, 3, 4; 2 < 3 stops at 2.
    assert hm_index([4, 2, 2, 1], [1, 1, 1, 1]) == 2.0
    # Three-author papers: r_eff = 1/3, 2/3, 1, 4/3; c = 1 stops after r_eff = 1.
    assert hm_index([5, 5, 1, 1], [3, 3, 3, 3]) == pytest.approx(1.0)


def test_hm_index_keeps_exact_ties_lost_to_rounding() -> None:
    # Hand-derived: nine 9-author papers with one citation each: r_eff(9) = 9/9 = 1 and
    # c = 1 >= 1, so hm = 1. Summing 1/9 nine times in floating point gives
    # 1.0000000000000002, which without the tolerance would wrongly stop at 8/9.
    assert hm_index([1] * 9, [9] * 9) == pytest.approx(1.0)
    frame = pd.DataFrame({"person": ["p"] * 9, "citations": [1] * 9, "n_authors": [9] * 9})
    assert metrics_frame(frame, Q).at["p", "hm_index"] == pytest.approx(1.0)


def test_ties_put_papers_with_more_authors_first() -> None:
    # Hand-derived; our convention (Rosenberg's reverse tuple sort, notes trap 6).
    # hm: (5,2) (5,1) (2,2) (2,1): r_eff 0.5, 1.5, 2.0 (2 >= 2), 3.0 (2 < 3) -> 2.0.
    # Taking (2,1) before (2,2) would give 2.5 > 2 and hm = 1.5.
    assert hm_index([5, 2, 5, 2], [1, 1, 2, 2]) == pytest.approx(2.0)
    assert hm_index([2, 5, 2, 5], [2, 2, 1, 1]) == pytest.approx(2.0)
    # hI: h = 2 and the boundary tie at 2 citations takes the 4-author paper: 4 / (1 + 4).
    assert hi_index([3, 2, 2], [1, 1, 4]) == pytest.approx(0.8)
    assert hi_index([2, 2, 3], [4, 1, 1]) == pytest.approx(0.8)


def test_metrics_frame_uses_the_same_tie_order() -> None:
    # The hand-derived tie cases of the test above, through the vectorised path.
    frame = pd.DataFrame(
        {
            "person": ["hm"] * 4 + ["hi"] * 3,
            "citations": [5, 2, 5, 2, 2, 2, 3],
            "n_authors": [1, 1, 2, 2, 4, 1, 1],
        }
    )
    result = metrics_frame(frame, Q)
    assert result.at["hm", "hm_index"] == pytest.approx(2.0)
    assert result.at["hi", "hi_index"] == pytest.approx(0.8)


def test_unknown_author_counts_count_as_single_author() -> None:
    # Hand-derived: None behaves exactly like 1.
    citations = [10, 8, 5, 4, 3]
    assert hi_index(citations, [None] * 5) == hi_index(citations, [1] * 5) == 4.0
    assert hi_norm(citations, [None, 2, None, 2, None]) == hi_norm(citations, [1, 2, 1, 2, 1])
    assert hm_index(citations, [None] * 5) == 4.0


# --- worked examples: age-weighted indices ---------------------------------------------


def test_paper_age_counts_the_publication_year_and_is_at_least_one() -> None:
    assert paper_age(2024, 2024) == 1
    assert paper_age(2020, 2024) == 5
    assert paper_age(2026, 2024) == 1  # dated after Q: clamped, never 0 or negative


def test_cites_per_year_per_paper() -> None:
    assert cites_per_year(10, 2020, 2024) == 2.0  # 10 / 5
    assert cites_per_year(10, 2026, 2024) == 10.0  # future-dated: age clamped to 1
    assert cites_per_year(10, None, 2024) == 0.0


def test_hc_index_hand_derived() -> None:
    # Hand-derived, Q = 2030: ages 11..7, S = 4c/age = 3.64, 3.2, 2.22, 2, 1.71 -> hc = 2.
    assert hc_index(POP_LINUX_CITATIONS, POP_LINUX_YEARS, 2030) == 2
    # gamma and delta are parameters: gamma = 1, delta = 0 turns hc into h.
    assert hc_index(POP_LINUX_CITATIONS, POP_LINUX_YEARS, 2030, gamma=1, delta=0) == 4


def test_age_metrics_skip_undated_papers() -> None:
    # Hand-derived: the undated 100-citation paper counts for h but not for AWCR/hc/acc.
    citations = [100, 4]
    years = [None, 2023]  # age 2 at Q = 2024
    assert awcr(citations, years, Q) == 2.0
    assert awcrpa(citations, years, [1, 2], Q) == 1.0  # 4 / (2 * 2)
    assert hc_index(citations, years, Q) == 1  # S = 4 * 4 / 2 = 8
    assert acc_counts(citations, years, Q) == {
        "acc1": 1, "acc2": 1, "acc5": 0, "acc10": 0, "acc20": 0,
    }  # fmt: skip
    metrics = author_metrics([PaperStats(100, None, 1, 1), PaperStats(4, 2023, 2, 2)], as_of_year=Q)
    assert metrics["h_index"] == 2
    assert metrics["first_year"] == metrics["last_year"] == 2023
    assert metrics["career_years"] == 2


def test_awcrpa_hand_derived() -> None:
    # Hand-derived, Q = 2024, authors 1, 2, 1, 4, 3:
    # 10/5 + 8/(4*2) + 5/3 + 4/(2*4) + 3/(1*3) = 2 + 1 + 5/3 + 1/2 + 1 = 37/6
    authors = [1, 2, 1, 4, 3]
    assert awcrpa(POP_LINUX_CITATIONS, POP_LINUX_YEARS, authors, Q) == pytest.approx(37 / 6)


def test_acc_counts_custom_thresholds() -> None:
    # Hand-derived: rates 2, 2, 5/3, 2, 3.
    assert acc_counts(POP_LINUX_CITATIONS, POP_LINUX_YEARS, Q, thresholds=(2, 3, 2.5)) == {
        "acc2": 4,
        "acc3": 1,
        "acc2.5": 1,
    }


def test_future_dated_paper_does_not_divide_by_zero() -> None:
    metrics = author_metrics([PaperStats(12, 2030, 1, 1)], as_of_year=Q)
    assert metrics["career_years"] == 1
    assert metrics["awcr"] == 12.0
    assert metrics["cites_per_year"] == 12.0


# --- worked examples: recent-window and authorship metrics -------------------------------


def test_h5_and_i10_5y_use_citations_received_in_the_last_five_years() -> None:
    # Hand-derived, Q = 2024, window 2020..2024: recent citations 12, 9, 10.
    papers = [
        PaperStats(62, 2010, citations_by_year={2015: 50, 2020: 12}),
        PaperStats(39, 2018, citations_by_year={2019: 30, 2024: 9}),  # 2019 is outside
        PaperStats(10, 2021, citations_by_year={2022: 5, 2023: 5}),
    ]
    metrics = author_metrics(papers, as_of_year=Q)
    assert metrics["h5_index"] == 3
    assert metrics["i10_5y"] == 2
    assert metrics["h_index"] == 3
    assert metrics["i10_index"] == 3


def test_h5_is_none_when_any_paper_lacks_per_year_citations() -> None:
    papers = [PaperStats(5, 2020, citations_by_year={2020: 5}), PaperStats(5, 2020)]
    metrics = author_metrics(papers, as_of_year=Q)
    assert metrics["h5_index"] is None
    assert metrics["i10_5y"] is None


def test_first_and_last_author_papers() -> None:
    papers = [
        PaperStats(1, n_authors=1, author_position=1),  # single author: both
        PaperStats(1, n_authors=3, author_position=1),  # first
        PaperStats(1, n_authors=3, author_position=3),  # last
        PaperStats(1, n_authors=3, author_position=2),  # neither
        PaperStats(1, n_authors=None, author_position=1),  # first; last unknown
        PaperStats(1, n_authors=2, author_position=None),  # unknown position
    ]
    metrics = author_metrics(papers, as_of_year=Q)
    assert metrics["first_author_papers"] == 3
    assert metrics["last_author_papers"] == 2


def test_no_dated_paper_gives_no_career_and_zero_rates() -> None:
    metrics = author_metrics([PaperStats(7), PaperStats(3)], as_of_year=Q)
    assert metrics["first_year"] is None
    assert metrics["last_year"] is None
    assert metrics["career_years"] is None
    assert metrics["cites_per_year"] == 0.0
    assert metrics["m_quotient"] == 0.0
    assert metrics["hi_annual"] == 0.0
    assert metrics["h_index"] == 2
    assert metrics["awcr"] == 0.0


# --- empty and invalid input -------------------------------------------------------------

ZERO_ON_EMPTY: list[Callable[[], object]] = [
    lambda: h_index([]),
    lambda: g_index([]),
    lambda: hg_index([]),
    lambda: i10_index([]),
    lambda: e_index([]),
    lambda: a_index([]),
    lambda: r_index([]),
    lambda: hc_index([], [], Q),
    lambda: hi_index([], []),
    lambda: hi_norm([], []),
    lambda: hm_index([], []),
    lambda: awcr([], [], Q),
    lambda: awcrpa([], [], [], Q),
]


@pytest.mark.parametrize("metric", ZERO_ON_EMPTY)
def test_empty_input_gives_zero(metric: Callable[[], object]) -> None:
    result = metric()
    assert result == 0
    assert not isinstance(result, float) or not math.isnan(result)


def test_empty_author_gives_zeros_and_none_years() -> None:
    metrics = author_metrics([], as_of_year=Q)
    assert tuple(metrics) == METRIC_FIELDS
    for field in ("first_year", "last_year", "career_years"):
        assert metrics.pop(field) is None
    assert all(value == 0 for value in metrics.values()), metrics
    assert acc_counts([], [], Q) == {"acc1": 0, "acc2": 0, "acc5": 0, "acc10": 0, "acc20": 0}


ONE_PAPER_METRICS: list[Callable[[float], object]] = [
    lambda c: h_index([c]),
    lambda c: g_index([c]),
    lambda c: i10_index([c]),
    lambda c: e_index([c]),
    lambda c: hc_index([c], [2020], Q),
    lambda c: hi_norm([c], [1]),
    lambda c: hm_index([c], [1]),
    lambda c: awcr([c], [2020], Q),
    lambda c: cites_per_year(c, 2020, Q),
    lambda c: author_metrics([PaperStats(citations=c)], Q),
]


@pytest.mark.parametrize("metric", ONE_PAPER_METRICS)
@pytest.mark.parametrize("bad", [-1, -0.5, math.nan])
def test_negative_or_nan_citations_raise(metric: Callable[[float], object], bad: float) -> None:
    # E3 agop: negative input is an error. NaN is refused too (our convention).
    with pytest.raises(ValueError, match="non-negative"):
        metric(bad)


def test_author_count_below_one_raises() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        hi_index([3], [0])
    with pytest.raises(ValueError, match="at least 1"):
        metrics_frame(pd.DataFrame({"person": ["a"], "citations": [3], "n_authors": [0]}), Q)


def test_mismatched_lengths_raise() -> None:
    with pytest.raises(ValueError, match=r"shorter|longer"):
        hi_index([1, 2], [1])


# --- primary_category ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("cs.CL", 1), ("cs.LG", 100), ("cs.CL", 0)], "cs.CL"),  # most papers wins
        ([("cs.CL", 5), ("cs.LG", 6)], "cs.LG"),  # tie in papers: more citations
        ([("cs.LG", 5), ("cs.CL", 5)], "cs.CL"),  # tie in both: alphabetical
        ([(None, 50), (None, 9), ("stat.ML", 0)], "stat.ML"),  # missing ignored
        ([(None, 3)], None),
        ([], None),
    ],
)
def test_primary_category(pairs: list[tuple[str | None, int]], expected: str | None) -> None:
    assert primary_category(pairs) == expected
    assert primary_category(reversed(pairs)) == expected


# --- properties --------------------------------------------------------------------------

citation_lists = st.lists(st.integers(min_value=0, max_value=300), max_size=40)
float_citation_lists = st.lists(
    st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False), max_size=40
)
years = st.one_of(st.none(), st.integers(min_value=1990, max_value=2027))


@st.composite
def paper_stats(draw: st.DrawFn, max_citations: int = 300, max_authors: int = 20) -> PaperStats:
    n_authors = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=max_authors)))
    top_position = n_authors if n_authors is not None else max_authors
    return PaperStats(
        citations=draw(st.integers(min_value=0, max_value=max_citations)),
        year=draw(years),
        n_authors=n_authors,
        author_position=draw(st.one_of(st.none(), st.integers(1, top_position))),
    )


@st.composite
def papers_with_authors(draw: st.DrawFn) -> tuple[list[int], list[int | None]]:
    citations = draw(citation_lists)
    authors = draw(
        st.lists(
            st.one_of(st.none(), st.integers(min_value=1, max_value=20)),
            min_size=len(citations),
            max_size=len(citations),
        )
    )
    return citations, authors


@given(st.one_of(citation_lists, float_citation_lists))
def test_h_and_g_bounds(citations: list[float]) -> None:
    h, g = h_index(citations), g_index(citations)
    assert 0 <= h <= len(citations)
    assert h <= max(citations, default=0)
    assert h <= g <= len(citations)
    assert h <= hg_index(citations) + 1e-12
    assert hg_index(citations) <= g + 1e-12
    assert i10_index(citations) <= len(citations)


@given(citation_lists)
def test_h_core_identities(citations: list[int]) -> None:
    h = h_index(citations)
    core_sum = sum(sorted(citations, reverse=True)[:h])
    assert e_index(citations) ** 2 + h**2 == pytest.approx(core_sum)
    assert r_index(citations) ** 2 == pytest.approx(core_sum)
    assert a_index(citations) * h == pytest.approx(core_sum)
    assert a_index(citations) >= h


@given(papers_with_authors())
def test_author_corrections_never_exceed_h(data: tuple[list[int], list[int | None]]) -> None:
    citations, authors = data
    h = h_index(citations)
    assert hi_norm(citations, authors) <= h
    assert hm_index(citations, authors) <= h + 1e-9
    assert hi_index(citations, authors) <= h


@given(citation_lists)
def test_single_author_corrections_equal_h(citations: list[int]) -> None:
    ones = [1] * len(citations)
    h = h_index(citations)
    assert hi_norm(citations, ones) == h
    assert hm_index(citations, ones) == h
    assert hi_index(citations, ones) == h


@given(st.one_of(citation_lists, float_citation_lists).filter(bool), st.data())
def test_adding_a_citation_never_lowers_h_or_g(citations: list[float], data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(citations) - 1))
    more = list(citations)
    more[index] += 1
    assert h_index(more) >= h_index(citations)
    assert g_index(more) >= g_index(citations)
    assert h_index(more) <= h_index(citations) + 1


@given(citation_lists, st.integers(min_value=0, max_value=300))
def test_adding_a_paper_never_lowers_h_or_g(citations: list[int], extra: int) -> None:
    assert h_index([*citations, extra]) >= h_index(citations)
    assert g_index([*citations, extra]) >= g_index(citations)


@given(st.lists(paper_stats(), max_size=30), st.randoms(use_true_random=False))
def test_order_of_papers_never_matters(papers: list[PaperStats], rng: Any) -> None:
    shuffled = list(papers)
    rng.shuffle(shuffled)
    assert author_metrics(shuffled, Q) == author_metrics(papers, Q)


@given(st.lists(paper_stats(), max_size=30))
def test_author_metrics_invariants(papers: list[PaperStats]) -> None:
    m = author_metrics(papers, Q)
    assert m["acc20"] <= m["acc10"] <= m["acc5"] <= m["acc2"] <= m["acc1"]
    assert m["acc1"] <= sum(p.year is not None for p in papers)
    assert m["hc_index"] <= sum(p.year is not None for p in papers)
    assert m["aw_index"] ** 2 == pytest.approx(m["awcr"])
    assert m["awcrpa"] <= m["awcr"] + 1e-9
    assert m["papers_per_author"] <= m["papers"]
    assert m["cites_per_author"] <= m["citations"] + 1e-9
    assert m["first_author_papers"] <= m["papers"]
    assert m["last_author_papers"] <= m["papers"]
    assert m["hi_annual"] <= m["m_quotient"] + 1e-12
    if m["career_years"] is not None:
        assert m["career_years"] >= 1
        assert m["first_year"] <= m["last_year"]
    for value in m.values():
        assert value is None or math.isfinite(value)


@given(citation_lists)
def test_i10_counts_papers_with_ten_or_more(citations: list[int]) -> None:
    assert i10_index(citations) == len([c for c in citations if c >= 10])
    assert i10_index(citations) <= len(citations)


# --- metrics_frame ------------------------------------------------------------------------


def frame_from(people: dict[str, list[PaperStats]], order: list[tuple[str, int]]) -> pd.DataFrame:
    rows = [people[person][i] for person, i in order]
    return pd.DataFrame(
        {
            "person": [person for person, _ in order],
            "citations": [p.citations for p in rows],
            "year": pd.array([p.year for p in rows], dtype="Int64"),
            "n_authors": pd.array([p.n_authors for p in rows], dtype="Int64"),
            "author_position": pd.array([p.author_position for p in rows], dtype="Int64"),
        }
    )


def assert_same_metric(field: str, expected: object, actual: object) -> None:
    if expected is None:
        assert pd.isna(actual), field
    elif isinstance(expected, float):
        assert math.isclose(float(actual), expected, rel_tol=1e-9, abs_tol=1e-9), (
            field,
            expected,
            actual,
        )
    else:
        assert actual == expected, (field, expected, actual)


@st.composite
def people_frames(draw: st.DrawFn) -> tuple[dict[str, list[PaperStats]], pd.DataFrame]:
    names = draw(
        st.lists(st.text("abc", min_size=1, max_size=3), min_size=1, max_size=5, unique=True)
    )
    # Small citation and author ranges make ties (and exact hm boundaries) common.
    papers = st.lists(paper_stats(max_citations=25, max_authors=10), min_size=1, max_size=15)
    people = {name: draw(papers) for name in names}
    rows = [(name, i) for name, papers in people.items() for i in range(len(papers))]
    return people, frame_from(people, draw(st.permutations(rows)))


@settings(max_examples=60, deadline=None)
@given(people_frames(), st.integers(min_value=2015, max_value=2030))
def test_metrics_frame_agrees_with_author_metrics(
    data: tuple[dict[str, list[PaperStats]], pd.DataFrame], as_of_year: int
) -> None:
    people, frame = data
    result = metrics_frame(frame, as_of_year)
    assert list(result.columns) == list(METRIC_FIELDS)
    assert sorted(result.index) == sorted(people)
    for person, papers in people.items():
        expected = author_metrics(papers, as_of_year)
        for field in METRIC_FIELDS:
            if field in ("h5_index", "i10_5y"):
                assert pd.isna(result.at[person, field])
            else:
                assert_same_metric(field, expected[field], result.at[person, field])


def test_metrics_frame_pop_linux_example() -> None:
    # E4 pop-linux profile for person "a", plus an undated two-paper person "b".
    frame = frame_from(
        {
            "a": pop_linux_papers(),
            "b": [PaperStats(1, None, None, None), PaperStats(0, None, 3, 3)],
        },
        [("b", 0), ("a", 0), ("a", 1), ("a", 2), ("b", 1), ("a", 3), ("a", 4)],
    )
    result = metrics_frame(frame, Q)
    assert list(result.index) == ["b", "a"]  # order of first appearance
    assert result.index.name == "person"
    assert result.at["a", "h_index"] == 4
    assert result.at["a", "g_index"] == 5
    assert result.at["a", "e_index"] == pytest.approx(math.sqrt(11))
    assert result.at["a", "hi_norm"] == 4
    assert result.at["a", "i10_index"] == 1
    assert result.at["a", "cites_per_paper"] == 6.0
    assert result.at["a", "career_years"] == 5
    assert pd.isna(result.at["b", "first_year"])
    assert result.at["b", "cites_per_year"] == 0.0
    assert result.at["b", "last_author_papers"] == 1


def test_metrics_frame_accepts_non_integer_citations_and_missing_optional_columns() -> None:
    # E3 agop: index_h(c(3.1, 3.1, 3.1, 3.1)) = 3.
    frame = pd.DataFrame({"person": [7] * 4, "citations": [3.1] * 4})
    result = metrics_frame(frame, Q)
    assert result.at[7, "h_index"] == 3
    assert result.at[7, "citations"] == pytest.approx(12.4)
    assert result.at[7, "awcr"] == 0.0


def test_metrics_frame_empty_and_invalid() -> None:
    empty = metrics_frame(pd.DataFrame({"person": [], "citations": []}), Q)
    assert empty.empty
    assert list(empty.columns) == list(METRIC_FIELDS)
    with pytest.raises(ValueError, match="non-negative"):
        metrics_frame(pd.DataFrame({"person": ["a"], "citations": [-1]}), Q)
    with pytest.raises(ValueError, match="citations"):
        metrics_frame(pd.DataFrame({"person": ["a"]}), Q)
