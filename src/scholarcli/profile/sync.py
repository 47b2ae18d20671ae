"""Orchestration: resolve a person, fetch what is stale, merge, enrich, compute.

This is the only module that decides *when* to ask a source: a profile fetched
within its max age is answered from the cache with zero requests; ``refresh``
forces a fetch; ``offline`` never touches the network; when a source fails and an
older cached copy exists, that copy is used and a warning says so. Every fetched
unit (a search, one author's complete paper list, one arXiv batch) is committed in
its own transaction, so an interrupted run never leaves half a list that looks
complete.

It must not parse options or print: it reports through a ``Reporter``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.cache import curation as curation_rules
from scholarcli.cache import people as people_cache
from scholarcli.core import (
    DEFAULT_MAX_AGE,
    OFFLINE_HINT,
    Context,
    Freshness,
    QuietReporter,
    Reporter,
    fold_name,
    natural_order,
    utcnow,
)
from scholarcli.errors import NotFoundError, SourceError, UsageError
from scholarcli.ids import normalise_id
from scholarcli.models import Author, Paper
from scholarcli.profile import curation, merge

# Re-exported for callers that still reach them through this module; new code takes
# them from ``scholarcli.core``.
__all__ = [
    "DEFAULT_MAX_AGE",
    "OFFLINE_HINT",
    "Context",
    "Freshness",
    "QuietReporter",
    "Reporter",
    "utcnow",
]


@dataclass
class Resolution:
    authors: list[Author]  # the chosen profiles, in the order given
    other_candidates: int = 0
    searched: bool = False  # the name's search was fetched now (not a cache hit)


MAX_NAME_LENGTH = 200


def _search_key(name: str) -> str:
    """The folded name that keys searches; refuses names no person has."""
    key = fold_name(name)
    if not key:
        raise UsageError(
            "the name is empty after removing punctuation",
            hint='give a person\'s name, e.g. scholar author "Du-Seong Chang"',
        )
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(f"the name is longer than {MAX_NAME_LENGTH} characters")
    return key


def candidates_for(ctx: Context, name: str, fresh: Freshness) -> list[Author]:
    """Authors S2 finds for ``name`` ("Last, First" taken as "First Last"), from the
    cache when usable, ranked."""
    return search_candidates(ctx, name, fresh)[0]


def search_candidates(ctx: Context, name: str, fresh: Freshness) -> tuple[list[Author], bool]:
    """``candidates_for`` and whether S2 was asked now (False: the cache answered)."""
    name = natural_order(name)
    key = _search_key(name)
    cached = people_cache.cached_search(ctx.store, key)
    if cached is not None and fresh.usable(ctx, cached[1]):
        return merge.rank_candidates(name, cached[0]), False
    if cached is None and ctx.offline:
        raise SourceError(
            f"{name!r} is not in the cache, and --offline asks no source",
            source="cache",
            hint=f'fill the cache by running once without --offline, e.g. scholar author "{name}"',
        )
    try:
        found = ctx.s2.search_authors(name)
    except SourceError as exc:
        if cached is None:
            raise
        ctx.reporter.warn(f"{exc.message}; using the search cached at {cached[1]}")
        ctx.served_stale = True
        return merge.rank_candidates(name, cached[0]), False
    people_cache.save_search(ctx.store, key, found, ctx.now())
    return merge.rank_candidates(name, found), True


def resolve(ctx: Context, name: str | None, ids: list[str], fresh: Freshness) -> Resolution:
    if ids:
        return Resolution(_authors_by_id(ctx, ids, fresh))
    if not name or not name.strip():
        raise UsageError("give a name or at least one --id")
    name = natural_order(name)
    ranked, searched = search_candidates(ctx, name, fresh)
    if not ranked:
        raise no_match(ctx, name)
    merge.refuse_ambiguous(name, ranked)
    return Resolution([ranked[0]], other_candidates=len(ranked) - 1, searched=searched)


def no_match(ctx: Context, name: str) -> NotFoundError:
    where = " in the cache (--offline)" if ctx.offline else ""
    return NotFoundError(
        f"no Semantic Scholar author matches {name!r}{where}",
        hint="check the spelling or try fewer name parts; scholar find NAME lists matches",
    )


_AUTHOR_ID = re.compile(r"[0-9]{1,20}")


def _authors_by_id(ctx: Context, ids: list[str], fresh: Freshness) -> list[Author]:
    ids = list(dict.fromkeys(i.strip() for i in ids))
    for author_id in ids:
        # ASCII digits only: str.isdigit() would let "١٢٣" through into a URL.
        if not _AUTHOR_ID.fullmatch(author_id):
            raise UsageError(
                f"--id {author_id!r} is not a Semantic Scholar author id",
                hint="author ids are numbers; scholar find NAME shows them",
            )
    cached = people_cache.load_authors(ctx.store, ids)
    missing = [
        i
        for i in ids
        if i not in cached
        or not fresh.usable(ctx, (people_cache.author_fetch(ctx.store, i) or (None,))[0])
    ]
    if missing and not ctx.offline:
        try:
            answered = ctx.s2.authors_batch(missing)
        except SourceError as exc:
            if any(i not in cached for i in missing):
                raise
            ctx.reporter.warn(f"{exc.message}; using cached author records")
            ctx.served_stale = True
        else:
            unknown = [i for i, a in zip(missing, answered, strict=True) if a is None]
            if unknown:
                raise NotFoundError(
                    f"no Semantic Scholar author with id {', '.join(unknown)}",
                    hint="scholar find NAME lists ids",
                )
            found = [a for a in answered if a is not None]
            people_cache.save_authors(ctx.store, found, ctx.now())
            cached.update({a.author_id: a for a in found})
    absent = [i for i in ids if i not in cached]
    if absent:
        raise SourceError(
            f"author {', '.join(absent)} is not in the cache and --offline is set",
            source="cache",
            hint=OFFLINE_HINT,
        )
    return [cached[i] for i in ids]


def author_papers(ctx: Context, author: Author, fresh: Freshness) -> list[Paper]:
    """The author's complete paper list, fetched only when the cached one is stale.

    When S2 fails and an older list is cached, that list answers, with a warning.
    """
    fetch = people_cache.author_fetch(ctx.store, author.author_id)
    if fetch is not None and fresh.usable(ctx, fetch[0]):
        if fetch[1]:  # the cached list is S2's first 10,000: say so on every run, not once
            _warn_truncated(ctx, author)
        return people_cache.load_author_papers(ctx.store, author.author_id)
    if ctx.offline:
        raise SourceError(
            f"the papers of {author.name} ({author.author_id}) are not cached and --offline is set",
            source="cache",
            hint="run once without --offline",
        )
    try:
        return fetch_author_papers(ctx, author)
    except SourceError as exc:
        if fetch is None:
            raise
        ctx.reporter.warn(f"{exc.message}; showing data cached at {fetch[0]}")
        if fetch[1]:
            _warn_truncated(ctx, author)
        ctx.served_stale = True
        return people_cache.load_author_papers(ctx.store, author.author_id)


def _warn_truncated(ctx: Context, author: Author) -> None:
    ctx.reporter.warn(
        f"Semantic Scholar lists at most 10,000 papers per author; {author.name} has more"
    )


def fetch_author_papers(ctx: Context, author: Author) -> list[Paper]:
    """Fetch one id's whole list from S2 and commit it as one unit of work."""
    with ctx.reporter.progress(f"Papers of {author.name}", author.paper_count) as advance:
        pages = ctx.s2.author_papers(author.author_id, on_page=advance, expected=author.paper_count)
    if pages.truncated:
        _warn_truncated(ctx, author)
    people_cache.save_author_papers(
        ctx.store, author, author.author_id, pages.papers, ctx.now(), truncated=pages.truncated
    )
    return pages.papers


def enrich_arxiv(ctx: Context, papers: list[Paper]) -> bool:
    """Ask arXiv about ids it has not answered before; False if arXiv failed."""
    wanted = []
    for paper in papers:
        ident = normalise_id(paper.arxiv_id) if paper.arxiv_id else None
        if ident is not None:
            paper.arxiv_id = ident[0]
            wanted.append(ident[0])
    todo = sorted(set(wanted) - arxiv_cache.arxiv_answered(ctx.store, wanted))
    if not todo or ctx.offline:
        return True
    try:
        with ctx.reporter.progress("arXiv metadata", len(todo)) as advance:
            for requested, found in ctx.arxiv.fetch_batches(todo):
                arxiv_cache.save_arxiv_batch(ctx.store, requested, found, ctx.now())
                advance(len(requested))
    except SourceError as exc:
        ctx.reporter.warn(f"{exc.message}; arXiv categories and dates may be missing")
        return False
    return True


def person_papers(
    ctx: Context,
    author_ids: Sequence[str],
    lists: Sequence[Sequence[Paper]],
    *,
    name: str = "",
    report: bool = True,
) -> list[Paper]:
    """A person's papers: their ids' lists merged, then curated (``profile.curation``)."""
    return curated_papers(ctx, author_ids, lists, name=name, report=report).papers


def curated_papers(
    ctx: Context,
    author_ids: Sequence[str],
    lists: Sequence[Sequence[Paper]],
    *,
    name: str = "",
    report: bool = True,
) -> curation.Curated:
    """``person_papers`` with what curation changed.

    The one place curation is applied: every command that reads a person's papers goes
    through here (``builder.build_profile``, coauthors, refresh), so it obeys the person's
    rules; with ``report`` a note on stderr says what they changed.
    """
    papers = merge.merge_author_lists(lists)
    rules = curation_rules.rules_for(ctx.store, author_ids)
    if not rules:
        return curation.Curated(papers)
    curated = curation.apply_rules(papers, rules)
    summary = curated.summary()
    if report and summary:
        who = name or ", ".join(author_ids)
        ctx.reporter.note(f"{who}: {summary} (scholar curate list shows them)")
    return curated


def find(ctx: Context, name: str, limit: int) -> list[Author]:
    """Candidates for ``name`` with two recent titles each (always asks S2)."""
    name = natural_order(name)
    _search_key(name)
    authors = ctx.s2.search_authors(name, limit=limit, with_papers=True)
    if not authors:
        raise NotFoundError(
            f"no Semantic Scholar author matches {name!r}",
            hint="check the spelling or try fewer name parts",
        )
    people_cache.save_authors(ctx.store, authors, ctx.now())
    return merge.rank_candidates(name, authors)
