"""Impact against a cohort: the PP(top 10 %) bar and who is left out of the cohort.

Cohorts are stored directly in the cache (no double): 31 members with 0..30 citations,
whose numpy-linear 90th percentile is exactly 27 (position 0.9 x 30 = 27), so a paper
with 27 citations is *at* the bar and counts in the top 10 %, with 26 it does not.
The papers being ranked, and every paper of the person by arXiv id, are left out of
their own cohort (docs/novelty.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scholarcli.cache import novelty as cache
from scholarcli.config import load_settings
from scholarcli.core import Context
from scholarcli.novelty import scores

CATEGORY, YEAR = "cs.CL", 2023


def member(k: int) -> cache.Member:
    return cache.Member(
        arxiv_id=f"2301.{k:05d}",
        paper_id=f"m{k:02d}",
        citations=k,
        novelty=None,
        novelty_q99=None,
        embedded=0,
        resolved=0,
    )


@pytest.fixture
def ctx() -> Iterator[Context]:
    context = Context.open(load_settings())
    cache.save_cohort(
        context.store,
        cache.Cohort(
            CATEGORY, YEAR, context.now(), 31, "all", "specter_v2", [member(k) for k in range(31)]
        ),
    )
    context.offline = True  # everything the scores need is in the cache
    try:
        yield context
    finally:
        context.close()


def score(ctx: Context, *targets: scores.Target) -> dict[str, cache.Score]:
    return scores.score_papers(ctx, list(targets)).scores


def target(paper_id: str, citations: int, arxiv_id: str | None = None) -> scores.Target:
    return scores.Target(paper_id, arxiv_id, citations, CATEGORY, YEAR)


def test_a_paper_at_the_bar_is_in_the_top_ten_percent(ctx: Context) -> None:
    result = score(ctx, target("at", 27), target("below", 26))
    assert result["at"].top10 is True
    assert result["below"].top10 is False
    # 27 of 31 below 27, one equal: 100 x 27.5 / 31 = 88.7 -> 89.
    assert result["at"].impact_percentile == 89


def test_the_ranked_paper_is_left_out_of_its_own_cohort(ctx: Context) -> None:
    [own] = score(ctx, target("m30", 30, "2301.00030")).values()
    # Without itself the cohort is 0..29: all 30 below, percentile 100, n 30.
    assert (own.cohort_n, own.impact_percentile) == (30, 100)


def test_a_member_matching_only_by_arxiv_id_is_left_out_too(ctx: Context) -> None:
    # S2 knows the person's paper under another id than the cohort member's: the arXiv
    # id alone must take the member out (both ids must be absent to stay in).
    [own] = score(ctx, target("other-s2-id", 29, "2301.00029")).values()
    assert own.cohort_n == 30
    # 0..28 and 30 remain: 29 below 29, none equal: 100 x 29 / 30 = 96.7 -> 97.
    assert own.impact_percentile == 97


def test_a_member_matching_only_by_s2_id_is_left_out(ctx: Context) -> None:
    # The ranked paper's S2 id is a member's, its arXiv id unknown to the target.
    [own] = score(ctx, target("m30", 30)).values()
    assert (own.cohort_n, own.impact_percentile) == (30, 100)
