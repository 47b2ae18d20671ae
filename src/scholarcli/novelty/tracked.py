"""Novelty and Impact of tracked people, kept current by ``scholar refresh``.

``scholar track NAME --novelty`` puts the person's key on a list; after each refresh has
committed its people, their profiles are rebuilt from the cache (as ``scholar author``
builds them) and scored again: impact percentiles follow the new citation counts with
no request, while reference lists older than 30 days, cohorts older than 30 days and
vectors never fetched cost the usual batch requests (``scores``).

It must not decide who is refreshed (that is ``tracking.refresh``) or print.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.cache import novelty as cache
from scholarcli.cache import people as people_cache
from scholarcli.cache.tracking import TrackedPerson
from scholarcli.core import Context
from scholarcli.ids import normalise_id
from scholarcli.models import Profile
from scholarcli.novelty import scores
from scholarcli.profile import merge


def cached_profile(ctx: Context, person: TrackedPerson, as_of: date) -> Profile:
    """The person's merged papers from the cache, with no request."""
    papers = merge.merge_author_lists(
        [people_cache.load_author_papers(ctx.store, i) for i in person.author_ids]
    )
    for paper in papers:
        ident = normalise_id(paper.arxiv_id) if paper.arxiv_id else None
        if ident is not None:
            paper.arxiv_id = ident[0]
    arxiv = arxiv_cache.load_arxiv(ctx.store, [p.arxiv_id for p in papers if p.arxiv_id])
    rows = merge.profile_papers(papers, arxiv, person.author_ids, person.name, as_of)
    return Profile(
        person.name, list(person.author_ids), [], as_of.isoformat(), None, None, {}, rows
    )


def refresh_novelty(ctx: Context, people: Sequence[TrackedPerson], as_of: date) -> bool:
    """Score the watched ones among ``people``; False when some values could not be fetched."""
    watched = cache.watched(ctx.store)
    complete = True
    for person in people:
        if person.key not in watched:
            continue
        profile = cached_profile(ctx, person, as_of)
        if not scores.score_profile(ctx, profile):
            ctx.reporter.warn(f"{person.key}: Novelty and Impact are partly from older data")
            complete = False
    return complete
