"""``scholar paper`` and ``scholar search`` with ``--source openalex`` (docs/sources.md).

Lookups: an OpenAlex work id (``W…`` or its URL), a DOI (asked as ``/works/doi:10.…``,
which is free, never as the ``https://doi.org/`` form, which is priced as a list), an
arXiv id (its DataCite DOI first, then its arXiv location: 1 credit) or a title (one
search, 10 credits, kept only when the folded title matches). A work fetched within
``--max-age`` answers from the cache with no request; ``--offline`` never asks.

Searches: ``/works?search=`` (10 credits a page of up to 100), cached like S2 searches
for ``SCHOLAR_SEARCH_TTL`` seconds.

Records have the fields of ``scholar paper``'s (``PAPER_RECORD_FIELDS``; null where
OpenAlex has no such value: corpus id, influential citations, TLDR) plus the OpenAlex
ones (``OPENALEX_PAPER_FIELDS``). It must not parse options or print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from scholarcli.cache import openalex as oa_cache
from scholarcli.core import Freshness, fold_name
from scholarcli.errors import SourceError
from scholarcli.ids import parse_paper_ref
from scholarcli.indicators import metrics
from scholarcli.models import OPENALEX_PAPER_FIELDS, Paper
from scholarcli.papers.records import PAPER_RECORD_FIELDS
from scholarcli.profile.merge import find_code_url

if TYPE_CHECKING:
    from scholarcli.core import Context

RECORD_FIELDS: tuple[str, ...] = (*PAPER_RECORD_FIELDS, *OPENALEX_PAPER_FIELDS)
SEARCH_KEY = "works:"  # searches of works share the openalex_searches table with authors


def record(paper: Paper, as_of_year: int) -> dict[str, Any]:
    """One work as ``scholar paper`` prints a paper."""
    raw = paper.raw
    pdf = next(
        (
            loc.get("pdf_url")
            for loc in [
                raw.get("best_oa_location"),
                raw.get("primary_location"),
                *(raw.get("locations") or []),
            ]
            if isinstance(loc, dict) and loc.get("pdf_url")
        ),
        None,
    )
    external = {"OpenAlex": paper.paper_id}
    if paper.doi:
        external["DOI"] = paper.doi
    if paper.arxiv_id:
        external["ArXiv"] = paper.arxiv_id
    values: dict[str, Any] = {
        "paper_id": paper.paper_id,
        "corpus_id": None,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "title": paper.title,
        "authors": [a.name for a in paper.authors],
        "venue": paper.venue or None,
        "year": paper.year,
        "date": paper.publication_date,
        "category": None,
        "categories": None,
        "citations": paper.citations,
        "influential_citations": None,
        "references_count": None,
        "cites_per_year": round(metrics.cites_per_year(paper.citations, paper.year, as_of_year), 2),
        "code_url": find_code_url(None, None, paper.abstract),
        "pdf_url": pdf,
        "tldr": None,
        "abstract": paper.abstract,
        "url": paper.url,
        "publication_types": [raw["type"]] if raw.get("type") else None,
        "journal": paper.venue or None,
        "publication_date": paper.publication_date,
        "external_ids": external,
        "arxiv_comment": None,
        "openalex_id": paper.openalex_id,
        "fwci": paper.fwci,
        "citation_normalized_percentile": paper.citation_normalized_percentile,
        "is_retracted": paper.is_retracted,
        "topic": paper.topic,
    }
    return {name: values.get(name) for name in RECORD_FIELDS}


@dataclass
class Lookup:
    records: list[dict[str, Any]] = field(default_factory=list)
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (ref, why)


def _cached(ctx: Context, column: str, value: str, max_age: timedelta) -> Paper | None:
    hit = oa_cache.find_work(ctx.store, column, value)
    if hit is None or not Freshness(max_age=max_age).usable(ctx, hit[1]):
        return None
    return hit[0]


def _ask(ctx: Context, ref: str) -> Paper | None:
    """The work a ref names, from OpenAlex (None when it names none)."""
    from scholarcli.sources.openalex import short_id

    client = ctx.openalex
    text = ref.strip()
    if (
        text.upper().startswith(("W", "HTTPS://OPENALEX.ORG/W"))
        and (short_id(text) or "")[1:].isdigit()
    ):
        return client.work(str(short_id(text)).upper())
    parsed = parse_paper_ref(text)
    if parsed.kind == "doi" and parsed.s2_id:
        return client.work("doi:" + parsed.s2_id[len("DOI:") :].lower())
    if parsed.kind == "arxiv" and parsed.arxiv_id:
        found = client.work(f"doi:10.48550/arxiv.{parsed.arxiv_id}")
        if found is None:
            hits = client.works_by_filter(
                f"locations.landing_page_url:http://arxiv.org/abs/{parsed.arxiv_id}"
            )
            found = hits[0] if hits else None
        return found
    if parsed.kind == "title" and parsed.title:
        wanted = fold_name(parsed.title)
        return next(
            (w for w in client.search_works(parsed.title, limit=5) if fold_name(w.title) == wanted),
            None,
        )
    return None


def lookup(
    ctx: Context, refs: Sequence[str], *, max_age: timedelta, refresh: bool, as_of_year: int
) -> Lookup:
    """Works for ``refs``, in their order, each once; refs naming none are returned."""
    result = Lookup()
    seen: set[str] = set()
    fetched: list[Paper] = []
    for ref in refs:
        paper = None
        if not refresh:
            paper = _from_cache(ctx, ref, max_age)
        if paper is None:
            if ctx.offline:
                raise SourceError(
                    f"{ref!r} is not in the OpenAlex cache and --offline is set",
                    source="cache",
                    hint="run once without --offline",
                )
            try:
                paper = _ask(ctx, ref)
            except ValueError as exc:
                result.unresolved.append((ref, str(exc)))
                continue
            if paper is not None:
                fetched.append(paper)
        if paper is None:
            result.unresolved.append((ref, "OpenAlex has no such work"))
        elif paper.paper_id not in seen:
            seen.add(paper.paper_id)
            result.records.append(record(paper, as_of_year))
    if fetched:
        oa_cache.save_works(ctx.store, fetched, ctx.now())
    return result


def _from_cache(ctx: Context, ref: str, max_age: timedelta) -> Paper | None:
    from scholarcli.sources.openalex import short_id

    text = ref.strip()
    ident = (short_id(text) or "").upper()
    if ident.startswith("W") and ident[1:].isdigit():
        return _cached(ctx, "work_id", ident, max_age)
    try:
        parsed = parse_paper_ref(text)
    except ValueError:
        return None
    if parsed.kind == "doi" and parsed.s2_id:
        return _cached(ctx, "doi", parsed.s2_id[len("DOI:") :].lower(), max_age)
    if parsed.kind == "arxiv" and parsed.arxiv_id:
        return _cached(ctx, "arxiv_id", parsed.arxiv_id, max_age)
    return None


def search(
    ctx: Context, query: str, *, limit: int, refresh: bool, as_of_year: int
) -> list[dict[str, Any]]:
    """Works matching ``query`` by OpenAlex relevance, cached for the search TTL."""
    key = SEARCH_KEY + " ".join(query.lower().split()) + f"|{limit}"
    cached = oa_cache.works_search(ctx.store, key)
    ttl = timedelta(seconds=ctx.settings.search_ttl)
    if cached is not None and Freshness(max_age=ttl, refresh=refresh).usable(ctx, cached[1]):
        found = oa_cache.load_works(ctx.store, cached[0])
        return [record(found[i], as_of_year) for i in cached[0] if i in found]
    if ctx.offline:
        raise SourceError(
            f"the search {query!r} is not in the OpenAlex cache and --offline is set",
            source="cache",
            hint="run once without --offline",
        )
    works = ctx.openalex.search_works(query, limit=limit)
    oa_cache.save_works_search(ctx.store, key, works, ctx.now())
    return [record(w, as_of_year) for w in works]
