"""Cohorts: the documented deterministic sample, cross-lists dropped, 30-day reuse."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest

from double import novelty_world
from double.server import ApiDouble
from scholarcli.cache import novelty as cache
from scholarcli.config import load_settings
from scholarcli.core import Context, utcnow
from scholarcli.novelty import cohort, scores


@pytest.fixture
def ctx(double_env: ApiDouble) -> Iterator[Context]:
    novelty_world.fill_cohort(double_env, "cs.CL", 2023, 250)
    context = Context.open(load_settings())
    try:
        yield context
    finally:
        context.close()


def primary_ids(double: ApiDouble, category: str, year: int) -> set[str]:
    return {
        e.arxiv_id
        for e in double.store.arxiv.values()
        if e.primary_category == category and e.published.startswith(f"{year}-")
    }


def by_rule(ids: set[str], category: str, year: int, k: int) -> list[str]:
    """The stated sample rule, computed here: the k smallest sha256("C:Y:id")."""
    return sorted(ids, key=lambda i: hashlib.sha256(f"{category}:{year}:{i}".encode()).hexdigest())[
        :k
    ]


def days_by_rule(category: str, year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    days = [first + dt.timedelta(days=k) for k in range(366 if year % 4 == 0 else 365)]
    return sorted(
        days,
        key=lambda d: hashlib.sha256(f"{category}:{year}:{d.isoformat()}".encode()).hexdigest(),
    )


def test_a_listing_of_one_page_keeps_the_200_smallest_hashes(
    ctx: Context, double_env: ApiDouble
) -> None:
    draw = cohort.draw_sample(ctx, "cs.CL", 2023)
    everyone = primary_ids(double_env, "cs.CL", 2023)
    assert len(everyone) == 250  # the 10 cross-lists from cs.LG are not among them
    assert (draw.listing_total, draw.method, draw.requests) == (260, "hash", 2)
    assert draw.arxiv_ids == sorted(by_rule(everyone, "cs.CL", 2023, 200))
    assert len(draw.arxiv_ids) == 200
    assert cohort.draw_sample(ctx, "cs.CL", 2023).arxiv_ids == draw.arxiv_ids


def test_a_small_listing_is_taken_whole(ctx: Context, double_env: ApiDouble) -> None:
    novelty_world.fill_cohort(double_env, "cs.DC", 2024, 30, cross_lists=3)
    draw = cohort.draw_sample(ctx, "cs.DC", 2024)
    assert (draw.listing_total, draw.method, draw.requests) == (33, "all", 1)
    assert set(draw.arxiv_ids) == primary_ids(double_env, "cs.DC", 2024)


def test_a_long_listing_is_read_day_by_day_in_hash_order(
    ctx: Context, double_env: ApiDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Scaled down: a listing longer than one page, a sample of 20.
    monkeypatch.setattr(cohort, "PAGE", 100)
    monkeypatch.setattr(cohort, "SAMPLE", 20)
    draw = cohort.draw_sample(ctx, "cs.CL", 2023)
    assert draw.method == "days+hash"
    pool: set[str] = set()
    days = 0
    by_day: dict[str, set[str]] = {}
    for arxiv_id in primary_ids(double_env, "cs.CL", 2023):
        day = double_env.store.arxiv[arxiv_id].published[:10]
        by_day.setdefault(day, set()).add(arxiv_id)
    for day in days_by_rule("cs.CL", 2023):
        days += 1
        pool |= by_day.get(day.isoformat(), set())
        if len(pool) >= 20:
            break
    assert draw.requests == 1 + days  # the year's first page, then one page per day
    assert draw.arxiv_ids == sorted(by_rule(pool, "cs.CL", 2023, 20))
    assert cohort.draw_sample(ctx, "cs.CL", 2023).arxiv_ids == draw.arxiv_ids


def test_cohorts_are_reused_for_30_days(ctx: Context, double_env: ApiDouble) -> None:
    target = scores.Target("x" * 40, None, 3, "cs.CL", 2023)
    start = utcnow()
    ctx.clock = lambda: start
    scores.score_papers(ctx, [target])
    built = cache.load_cohort(ctx.store, "cs.CL", 2023)
    assert built is not None and len(built.members) == 200
    listings = double_env.count("arxiv")
    ctx.clock = lambda: start + timedelta(days=29)
    scores.score_papers(ctx, [target])
    assert double_env.count("arxiv") == listings
    ctx.clock = lambda: start + timedelta(days=31)
    scores.score_papers(ctx, [target])
    assert double_env.count("arxiv") == listings + 2


def test_a_paper_without_an_arxiv_record_gets_no_percentile(ctx: Context) -> None:
    outcome = scores.score_papers(ctx, [scores.Target("x" * 40, None, 3, None, None)])
    score = outcome.scores["x" * 40]
    assert (score.novelty_percentile, score.impact_percentile, score.category) == (None,) * 3
    assert "no arXiv record" in (score.note or "")
