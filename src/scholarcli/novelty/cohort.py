"""Cohorts: the arXiv papers of one primary category and one v1 year, sampled the same for all.

How the sample is drawn (docs/novelty.md, Cohorts, states the same rule):

1. Ask arXiv for ``cat:C AND submittedDate:[Y01010000 TO Y12312359]`` sorted by
   submission date, 200 entries. Its ``totalResults`` is the listing's size T (``cat:``
   also lists cross-lists, which are dropped: only papers whose *primary* category is C
   and whose v1 date is in Y count).
2. T <= 2,000 (one arXiv page): the rest of the listing is read; if at most 200 papers
   remain they all form the cohort, otherwise the 200 with the smallest
   ``sha256("C:Y:<arXiv id>")``.
3. T > 2,000 (arXiv serves no deep pages, docs/sources.md, arXiv's quirks): the days of Y are
   taken in the order of ``sha256("C:Y:<YYYY-MM-DD>")`` and each day's listing read whole,
   until at least 200 papers are in; of those, the 200 with the smallest hash, as above.

Every user therefore gets the same sample from the same arXiv data, and a paper added
later changes it only if its hash is among the 200 smallest. A cohort is built once and
reused for ``REUSE`` (30 days) by everyone whose papers fall in that category and year.

It must not compute an indicator or fetch anything from Semantic Scholar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from scholarcli.core import Context
from scholarcli.models import ArxivEntry

SAMPLE = 200
PAGE = 2000  # arXiv's largest page
DEEPEST = 10_000  # no listing is read past this offset (arXiv's search index cap)
REUSE = timedelta(days=30)


@dataclass
class Draw:
    category: str
    year: int
    listing_total: int
    method: str  # "all", "hash" or "days+hash"
    arxiv_ids: list[str] = field(default_factory=list)
    requests: int = 0


def sample_key(category: str, year: int, text: str) -> str:
    return hashlib.sha256(f"{category}:{year}:{text}".encode()).hexdigest()


def bottom_k(ids: Iterable[str], category: str, year: int, k: int = SAMPLE) -> list[str]:
    """The k ids with the smallest ``sha256("C:Y:id")``, in that order."""
    return sorted(set(ids), key=lambda i: sample_key(category, year, i))[:k]


def day_order(category: str, year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    days = [first + dt.timedelta(days=k) for k in range((dt.date(year + 1, 1, 1) - first).days)]
    return sorted(days, key=lambda d: sample_key(category, year, d.isoformat()))


def year_query(category: str, year: int) -> str:
    return f"cat:{category} AND submittedDate:[{year}01010000 TO {year}12312359]"


def day_query(category: str, day: dt.date) -> str:
    stamp = day.strftime("%Y%m%d")
    return f"cat:{category} AND submittedDate:[{stamp}0000 TO {stamp}2359]"


def _listing(ctx: Context, query: str, draw: Draw, first_page: int) -> tuple[int, list[ArxivEntry]]:
    """A whole listing (up to DEEPEST), pages read in submission order."""
    feed = ctx.arxiv.search(query, start=0, max_results=first_page)
    draw.requests += 1
    entries, start = list(feed.entries), first_page
    while start < min(feed.total, DEEPEST):
        size = min(PAGE, feed.total - start)
        more = ctx.arxiv.search(query, start=start, max_results=size)
        draw.requests += 1
        entries.extend(more.entries)
        start += size
    return feed.total, entries


def _primary(entries: Iterable[ArxivEntry], category: str, year: int) -> set[str]:
    return {
        e.arxiv_id
        for e in entries
        if e.primary_category == category and (e.published or "").startswith(f"{year}-")
    }


def draw_sample(ctx: Context, category: str, year: int) -> Draw:
    """The cohort's arXiv ids, drawn by the rule of this module's docstring."""
    draw = Draw(category, year, 0, "all")
    first = ctx.arxiv.search(year_query(category, year), start=0, max_results=SAMPLE)
    draw.requests += 1
    draw.listing_total = first.total
    if first.total <= PAGE:
        entries = list(first.entries)
        if first.total > SAMPLE:
            rest = ctx.arxiv.search(
                year_query(category, year), start=SAMPLE, max_results=first.total - SAMPLE
            )
            draw.requests += 1
            entries.extend(rest.entries)
        pool = _primary(entries, category, year)
        draw.method = "all" if len(pool) <= SAMPLE else "hash"
    else:
        pool = set()
        draw.method = "days+hash"
        for day in day_order(category, year):
            _, entries = _listing(ctx, day_query(category, day), draw, PAGE)
            pool |= _primary(entries, category, year)
            if len(pool) >= SAMPLE:
                break
    draw.arxiv_ids = sorted(bottom_k(pool, category, year, SAMPLE))
    return draw


def label(category: str | None, year: int | None) -> str | None:
    """The cohort as shown: ``cs.CL 2023``."""
    return f"{category} {year}" if category and year else None
