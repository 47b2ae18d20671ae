"""Search the literature on Semantic Scholar or arXiv; results are paper records.

Semantic Scholar has two search endpoints (docs/sources.md, Semantic Scholar's quirks):
relevance search (``/paper/search``, pages of at most 100, only the first 1,000 results
reachable) and bulk search (``/paper/search/bulk``, 1,000 a page with a continuation
token, sorted by citations or date, no relevance). ``--sort relevance`` uses the first
and so stops at 1,000; ``--sort citations|year`` use the second, up to ``MAX_RESULTS``.
Bulk search may end early with a null token (docs/sources.md): fewer results than its own
``total`` then come back, with a warning. ``--source arxiv`` sends an arXiv
``search_query`` (``ti: au: abs: cat:``; plain words are ANDed) with the year range as
``submittedDate:[...]``, pages of ``ARXIV_PAGE`` at arXiv's pace.

A search is cached by its normalised query and filters (``search_key``) for
``settings.search_ttl`` (default one day); a cached search answers any ``limit`` it
holds enough results for. S2 results get arXiv metadata in one request when at most
100 of the listed arXiv papers are not cached (``lookup.arxiv_entries``), else what is
cached; arXiv results are saved as arXiv entries, so a later lookup finds them.

It must not parse options or print.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.cache import papers as paper_cache
from scholarcli.core import Context, Freshness
from scholarcli.errors import SourceError, UsageError
from scholarcli.papers.lookup import arxiv_entries
from scholarcli.papers.query import BULK_SORT, SearchQuery
from scholarcli.papers.records import SEARCH_FIELDS, arxiv_record, ids_of, paper_record

MAX_RESULTS = 10_000
RELEVANCE_MAX = 1_000  # /paper/search: offset + limit <= 1,000 (since 2023-10-31)
RELEVANCE_PAGE = 100
ARXIV_PAGE = 500


@dataclass
class SearchResult:
    records: list[dict[str, Any]]
    total: int | None = None  # the source's own (approximate) count of matches
    complete: bool = True  # every match the source would give is in records
    cached: bool = False
    arxiv_complete: bool = True  # False: arXiv failed, categories may be missing


def search(
    ctx: Context,
    query: SearchQuery,
    *,
    limit: int = 20,
    refresh: bool = False,
    as_of_year: int | None = None,
) -> SearchResult:
    if not 1 <= limit <= MAX_RESULTS:
        raise UsageError(f"--limit must be between 1 and {MAX_RESULTS:,}")
    if query.source == "s2" and query.sort == "relevance" and limit > RELEVANCE_MAX:
        raise UsageError(
            f"relevance order covers the first {RELEVANCE_MAX:,} results only "
            "(a Semantic Scholar limit)",
            hint="use --sort citations or --sort date for up to 10,000 results",
        )
    fresh = Freshness(max_age=timedelta(seconds=ctx.settings.search_ttl), refresh=refresh)
    key = query.key()
    cached = paper_cache.load_search(ctx.store, key)
    enough = cached is not None and (cached.complete or len(cached.items) >= limit)
    from_cache = cached is not None and enough and fresh.usable(ctx, cached.fetched_at)
    if from_cache and cached is not None:
        items, total, complete = cached.items, cached.total, cached.complete
    elif ctx.offline:
        raise SourceError(
            "this search is not in the cache (or not with enough results) and --offline is set",
            source="cache",
            hint="run it once without --offline",
        )
    else:
        try:
            if query.source == "arxiv":
                items, total, complete = _arxiv(ctx, query, limit)
            elif query.sort == "relevance":
                items, total, complete = _relevance(ctx, query, limit)
            else:
                items, total, complete = _bulk(ctx, query, limit)
        except SourceError as exc:
            if cached is None:
                raise
            ctx.reporter.warn(f"{exc.message}; using the search cached at {cached.fetched_at}")
            items, total, complete = cached.items, cached.total, cached.complete
        else:
            paper_cache.save_search(ctx.store, key, items, total, complete, ctx.now())
    items = items[:limit]
    year = as_of_year or ctx.clock().year
    if query.source == "arxiv":
        entries = arxiv_cache.load_arxiv(ctx.store, [i["arxiv_id"] for i in items])
        records = [
            arxiv_record(entries[i["arxiv_id"]], year) for i in items if i["arxiv_id"] in entries
        ]
        arxiv_ok = True
    else:
        arxiv_ids = [ids_of(raw)[0] for raw in items]
        entries, arxiv_ok = arxiv_entries(ctx, arxiv_ids)
        records = [
            paper_record(raw, entries.get(a) if a else None, year)
            for raw, a in zip(items, arxiv_ids, strict=True)
        ]
    return SearchResult(records, total, complete, from_cache, arxiv_ok)


def _relevance(
    ctx: Context, query: SearchQuery, limit: int
) -> tuple[list[dict[str, Any]], int | None, bool]:
    from scholarcli.sources.semanticscholar import search_query

    text = search_query(query.query)
    items: list[dict[str, Any]] = []
    total: int | None = None
    offset = 0
    with ctx.reporter.progress("Semantic Scholar search", limit) as advance:
        while len(items) < limit:
            size = min(RELEVANCE_PAGE, limit - len(items), RELEVANCE_MAX - offset)
            if size <= 0:
                return items, total, False
            body = ctx.s2.search_papers(
                text, SEARCH_FIELDS, query.s2_filters(), offset=offset, limit=size
            )
            if body.get("_past_end"):
                return items, total, True
            total = body.get("total", total)
            page = [p for p in body["data"] if isinstance(p, dict) and p.get("paperId")]
            items.extend(page)
            advance(len(page))
            nxt = body.get("next")
            if nxt is None:
                return items, total, True
            offset = nxt
    return items, total, False


def _bulk(
    ctx: Context, query: SearchQuery, limit: int
) -> tuple[list[dict[str, Any]], int | None, bool]:
    items: list[dict[str, Any]] = []
    total: int | None = None
    token: str | None = None
    with ctx.reporter.progress("Semantic Scholar bulk search", limit) as advance:
        while True:
            body = ctx.s2.search_papers_bulk(
                query.query,
                SEARCH_FIELDS,
                query.s2_filters(),
                sort=BULK_SORT[query.sort],
                token=token,
            )
            total = body.get("total", total)
            page = [p for p in body["data"] if isinstance(p, dict) and p.get("paperId")]
            items.extend(page)
            advance(len(page))
            token = body.get("token")
            if token is None:
                if isinstance(total, int) and len(items) < min(total, limit):
                    # Bulk search can stop early with a null token (docs/sources.md).
                    ctx.reporter.warn(
                        f"Semantic Scholar ended the results after {len(items):,} of "
                        f"about {total:,}; run again later for the rest"
                    )
                    return items, total, False
                return items, total, True
            if len(items) >= limit:
                return items, total, False


def _arxiv(
    ctx: Context, query: SearchQuery, limit: int
) -> tuple[list[dict[str, Any]], int | None, bool]:
    text = query.arxiv_query()
    sort_by = "submittedDate" if query.sort == "year" else "relevance"
    ids: list[str] = []
    total: int | None = None
    with ctx.reporter.progress("arXiv search", limit) as advance:
        while len(ids) < limit:
            try:
                feed = ctx.arxiv.search(
                    text,
                    start=len(ids),
                    max_results=min(ARXIV_PAGE, limit - len(ids)),
                    sort_by=sort_by,
                    sort_order="descending",
                )
            except SourceError as exc:
                # arXiv answers a query it cannot parse with HTTP 400 (docs/sources.md,
                # arXiv's quirks): the user's to fix, not an outage.
                if exc.status != 400:
                    raise
                raise UsageError(
                    f"arXiv refused the query {text!r}",
                    hint='arXiv syntax: ti: au: abs: cat: prefixes, AND OR ANDNOT, "phrases", '
                    "balanced parentheses",
                ) from None
            total = feed.total
            found = {e.arxiv_id: e for e in feed.entries}
            arxiv_cache.save_arxiv_batch(ctx.store, list(found), found, ctx.now())
            new = [a for a in found if a not in ids]
            ids.extend(new)
            advance(len(new))
            if not new or len(ids) >= total:
                return [{"arxiv_id": a} for a in ids], total, True
    return [{"arxiv_id": a} for a in ids], total, False
