"""Novelty, percentile, Impact and CD_nok arithmetic on cases with closed-form answers."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scholarcli.indicators import novelty as ind


def quantiles(vectors: list[list[float]]) -> tuple[float, float]:
    distances = ind.pairwise_distances(vectors)
    return float(np.percentile(distances, 90)), float(np.percentile(distances, 99))


# --- reference spread -------------------------------------------------------------------
def test_orthogonal_unit_vectors_are_all_at_distance_one() -> None:
    vectors = np.eye(12).tolist()
    spread = ind.reference_spread(vectors, resolved=12)
    assert ind.pairwise_distances(vectors).tolist() == pytest.approx([1.0] * 66)
    assert spread.novelty == pytest.approx(1.0)
    assert spread.novelty_q99 == pytest.approx(1.0)
    assert (spread.embedded, spread.resolved, spread.reason) == (12, 12, None)


def test_two_antipodal_clusters() -> None:
    # 10 copies of e1 and 1 of -e1: 45 pairs at distance 0, 10 pairs at distance 2.
    vectors = [[1.0, 0.0]] * 10 + [[-1.0, 0.0]]
    distances = sorted(ind.pairwise_distances(vectors).tolist())
    assert distances == pytest.approx([0.0] * 45 + [2.0] * 10)
    spread = ind.reference_spread(vectors, resolved=11)
    # q90 sits at sorted position 0.9 * 54 = 48.6, past the 45 zeros: exactly 2.
    assert spread.novelty == pytest.approx(2.0)
    assert spread.novelty_q99 == pytest.approx(2.0)
    # Between positions 44 (a 0) and 45 (a 2) numpy interpolates linearly:
    # q = 100 * 44.25 / 54 lies a quarter of the way, so 0.5.
    assert np.percentile(distances, 100 * 44.25 / 54) == pytest.approx(0.5)


def test_q90_interpolation_on_the_hand_checked_list_t8() -> None:
    # docs/novelty.md, Worked examples: distances [1, 0.29289, 0.29289]; sorted [a, a, 1] with
    # a = 1 - 1/sqrt(2); q90 is at position 1.8: a + 0.8 (1 - a).
    a = 1 - 1 / math.sqrt(2)
    assert sorted(ind.pairwise_distances([[1, 0], [0, 1], [1, 1]]).tolist()) == pytest.approx(
        [a, a, 1.0]
    )
    q90, q99 = quantiles([[1, 0], [0, 1], [1, 1]])
    assert q90 == pytest.approx(a + 0.8 * (1 - a)) == pytest.approx(0.858579, abs=1e-6)
    assert q99 == pytest.approx(a + 0.98 * (1 - a)) == pytest.approx(0.985858, abs=1e-6)


def test_eligibility_boundaries() -> None:
    assert ind.eligibility(9, 9) == "9 of 9 references embedded"
    assert ind.eligibility(10, 10) is None
    assert ind.eligibility(10, 20) is None  # exactly half
    assert ind.eligibility(10, 21) == "10 of 21 references embedded"
    assert ind.eligibility(4, 17) == "4 of 17 references embedded"
    assert ind.eligibility(0, 0) == "0 of 0 references embedded"


def test_nine_embedded_references_give_no_value_and_say_why() -> None:
    nine = ind.reference_spread(np.eye(9).tolist(), resolved=9)
    assert (nine.novelty, nine.novelty_q99, nine.reason) == (
        None,
        None,
        "9 of 9 references embedded",
    )
    ten = ind.reference_spread(np.eye(10).tolist(), resolved=20)
    assert ten.novelty == pytest.approx(1.0) and ten.eligible


def test_zero_and_non_finite_vectors_do_not_count_as_embedded() -> None:
    vectors = [*np.eye(10).tolist(), [0.0] * 10, [math.nan] * 10]
    spread = ind.reference_spread(vectors, resolved=12)
    assert (spread.embedded, spread.resolved) == (10, 12)
    with pytest.raises(ValueError, match="non-zero"):
        ind.pairwise_distances([[0.0, 0.0], [1.0, 0.0]])


def test_no_vectors_at_all() -> None:
    spread = ind.reference_spread([], resolved=17)
    assert (spread.novelty, spread.embedded, spread.reason) == (
        None,
        0,
        "0 of 17 references embedded",
    )


def test_distances_match_a_direct_computation() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(14, 6))
    direct = [
        1 - float(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))
        for u, v in itertools.combinations(vectors, 2)
    ]
    assert ind.pairwise_distances(vectors).tolist() == pytest.approx(direct)


# --- percentiles ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0, 0),  # below everything
        (1, 13),  # (0 + 0.5) / 4 = 12.5 -> 13 (half up)
        (2, 50),  # (1 + 0.5 * 2) / 4
        (2.5, 75),  # (3 + 0) / 4
        (3, 88),  # (3 + 0.5) / 4 = 87.5 -> 88
        (10, 100),
    ],
)
def test_percentile_rule_with_ties(x: float, expected: int) -> None:
    assert ind.percentile_rank(x, [1, 2, 2, 3]) == expected


def test_percentile_rounds_half_up_not_to_even() -> None:
    assert ind.percentile_rank(3, [1, 2, 3, 4]) == 63  # 62.5; round() would say 62
    assert ind.percentile_rank(1, [1, 2, 3, 4]) == 13  # 12.5
    assert ind.round_half_up(0.5) == 1 and ind.round_half_up(1.49) == 1


def test_all_equal_cohort_puts_an_equal_value_at_50() -> None:
    assert ind.percentile_rank(5, [5] * 40) == 50


def test_cohort_percentile_needs_thirty_values() -> None:
    assert ind.cohort_percentile(3.0, list(range(29))) is None
    assert ind.cohort_percentile(3.0, list(range(30))) == ind.percentile_rank(3.0, range(30))  # type: ignore[arg-type]
    assert ind.cohort_percentile(None, list(range(30))) is None
    assert ind.percentile_rank(1, []) is None


def test_top_threshold_is_numpys_90th_percentile() -> None:
    cohort = list(range(1, 31))  # 1..30: position 0.9 * 29 = 26.1 -> 27.1
    assert ind.top_threshold(cohort) == pytest.approx(27.1)
    assert ind.top_threshold(cohort[:29]) is None


def test_author_summaries() -> None:
    assert ind.median_percentile([47, 12, 90]) == 47
    assert ind.median_percentile([40, 45]) == 42.5
    assert ind.median_percentile([None, None]) is None
    assert ind.top_share([True, False, None, False, True]) == 0.5
    assert ind.top_share([None]) is None


# --- properties -------------------------------------------------------------------------
vector_sets = st.integers(min_value=10, max_value=18).flatmap(
    lambda n: st.lists(
        st.lists(
            st.floats(min_value=-10, max_value=10, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
            min_size=4,
            max_size=4,
        ),
        min_size=n,
        max_size=n,
    )
)


@given(vector_sets)
def test_q90_never_exceeds_q99(vectors: list[list[float]]) -> None:
    spread = ind.reference_spread(vectors, resolved=len(vectors))
    assert spread.novelty is not None and spread.novelty_q99 is not None
    assert 0.0 <= spread.novelty <= spread.novelty_q99 + 1e-12 <= 2.0 + 1e-9


@given(vector_sets, st.randoms(use_true_random=False))
def test_reference_order_does_not_matter(vectors: list[list[float]], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(vectors)
    rnd.shuffle(shuffled)
    a = ind.reference_spread(vectors, len(vectors))
    b = ind.reference_spread(shuffled, len(vectors))
    assert a.novelty == pytest.approx(b.novelty, abs=1e-9)
    assert a.novelty_q99 == pytest.approx(b.novelty_q99, abs=1e-9)


@given(vector_sets, st.lists(st.floats(min_value=0.01, max_value=100), min_size=18, max_size=18))
def test_scaling_a_vector_does_not_matter(vectors: list[list[float]], scales: list[float]) -> None:
    scaled = [[x * s for x in v] for v, s in zip(vectors, scales, strict=False)]
    a = ind.reference_spread(vectors, len(vectors))
    b = ind.reference_spread(scaled, len(vectors))
    assert a.novelty == pytest.approx(b.novelty, abs=1e-9)


@given(
    st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=60),
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=0, max_value=50),
)
def test_percentile_is_bounded_and_monotone(cohort: list[int], x: int, y: int) -> None:
    low, high = sorted((x, y))
    p_low, p_high = ind.percentile_rank(low, cohort), ind.percentile_rank(high, cohort)
    assert p_low is not None and p_high is not None
    assert 0 <= p_low <= p_high <= 100


# --- CD_nok (item 8) --------------------------------------------------------------------
def test_cd_nok_on_funks_graph_t1() -> None:
    # docs/novelty.md, Worked examples (Funk's graph): focal 4 cites 0-3; within 5 years
    # it is cited by 6 and 9 (which also cite its references) and by 7, 8 and 10 (which
    # do not): (3 - 2) / 5.
    citers = {"6": ["2", "4"], "7": ["4"], "8": ["4"], "9": ["1", "3", "4"], "10": ["4"]}
    result = ind.cd_nok(["0", "1", "2", "3"], citers, min_citers=1, min_references=1)
    assert (result.cd_nok, result.n_i, result.n_j) == (pytest.approx(0.2), 3, 2)


def test_cd_nok_on_novelpys_toy_t7() -> None:
    citers = {"4": ["3", "1"], "5": ["3"], "6": ["3", "2"], "9": ["3"]}
    result = ind.cd_nok(["1", "2"], citers, min_citers=1, min_references=1)
    assert (result.cd_nok, result.n_i, result.n_j) == (0.0, 2, 2)


def test_cd_nok_leaves_out_unresolved_citers_and_thin_papers() -> None:
    refs = [str(k) for k in range(6)]
    citers: dict[str, list[str] | None] = {f"c{k}": ["0"] for k in range(4)}
    citers |= {f"d{k}": ["x"] for k in range(8)}
    citers |= {"u1": None, "u2": []}
    result = ind.cd_nok(refs, citers)
    assert (result.n_i, result.n_j, result.cd_nok) == (8, 4, pytest.approx(4 / 12))
    assert ind.cd_nok([], citers).reason == "0 resolved references (< 5)"
    assert ind.cd_nok(refs, {"a": ["0"]}).reason == "1 citers with references (< 10)"
