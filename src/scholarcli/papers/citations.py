"""A paper's citing papers (``--citations``) or cited papers (``--references``).

The paper is resolved with ``lookup_papers`` (so every ref form works, titles too),
then ``/paper/{id}/citations`` or ``/references`` is paged with ``limit=1000`` to the end,
or only as far as ``limit`` needs. Sorting (``citations``, ``year``) needs the whole
list, so a sorted request pages to the end and then cuts. S2 serves only the first
9,999 items of either list (offset + limit < 10,000, s2-folks #27): a longer list is
marked ``truncated`` and a warning says so. Lists are cached per paper and direction;
a cached list answers when fresh and long enough (complete, or at least ``limit``).
Listed papers use the arXiv metadata already cached; they cost no arXiv request.

It must not parse options or print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from scholarcli.cache import papers as paper_cache
from scholarcli.core import DEFAULT_MAX_AGE, Context, Freshness
from scholarcli.errors import NotFoundError, SourceError
from scholarcli.papers.lookup import arxiv_entries, lookup_papers
from scholarcli.papers.records import EDGE_S2_FIELDS, edge_record, ids_of

DIRECTIONS = {"citations": "citingPaper", "references": "citedPaper"}
PAGE = 1000
REACHABLE = 9_999  # offset + limit < 10,000 on /citations and /references
SORTS = ("citations", "year")


@dataclass
class EdgeResult:
    """The paper asked about and its citing or cited papers as records."""

    paper: dict[str, Any]
    direction: str
    records: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    fetched: int = 0  # how many edges the cached list holds
    arxiv_complete: bool = True


def sort_records(records: list[dict[str, Any]], key: str | None) -> list[dict[str, Any]]:
    """Most cited first, or newest first (date, then year); ties keep S2's order."""
    if key == "citations":
        return sorted(records, key=lambda r: -(r.get("citations") or 0))
    if key == "year":
        return sorted(
            records, key=lambda r: r.get("date") or str(r.get("year") or ""), reverse=True
        )
    return records


def paper_edges(
    ctx: Context,
    ref: str,
    direction: str,
    *,
    limit: int | None = None,
    sort: str | None = None,
    refresh: bool = False,
    max_age: timedelta = DEFAULT_MAX_AGE,
    as_of_year: int | None = None,
) -> EdgeResult:
    if direction not in DIRECTIONS:
        raise ValueError(direction)
    looked = lookup_papers(ctx, [ref], refresh=refresh, max_age=max_age, as_of_year=as_of_year)
    if not looked.papers:
        missing = looked.unresolved[0]
        raise NotFoundError(f"no paper for {ref!r}: {missing.reason}", hint=_hint(missing))
    paper = looked.papers[0]
    if not paper.get("paper_id"):
        raise NotFoundError(
            f"{ref!r} is on arXiv but not yet on Semantic Scholar, which lists {direction}"
        )
    wanted = None if sort else limit
    fresh = Freshness(max_age=max_age, refresh=refresh)
    cached = paper_cache.load_edges(ctx.store, paper["paper_id"], direction)
    enough = cached is not None and (
        cached.complete or cached.truncated or (wanted is not None and len(cached.items) >= wanted)
    )
    if cached is not None and enough and fresh.usable(ctx, cached.fetched_at):
        edges, truncated = cached.items, cached.truncated
    elif ctx.offline:
        raise SourceError(
            f"the {direction} of {ref!r} are not in the cache (or not enough of them) "
            "and --offline is set",
            source="cache",
            hint="run once without --offline",
        )
    else:
        try:
            edges, truncated = _fetch(ctx, paper, direction, wanted)
        except SourceError as exc:
            if cached is None:
                raise
            ctx.reporter.warn(f"{exc.message}; using the list cached at {cached.fetched_at}")
            edges, truncated = cached.items, cached.truncated
    if truncated:
        ctx.reporter.warn(
            f"Semantic Scholar serves only the first {REACHABLE:,} {direction} of a paper; "
            f"{len(edges):,} of them are listed"
        )
    key = DIRECTIONS[direction]
    year = as_of_year or ctx.clock().year
    # Sort and cut first, so that arXiv is asked only about the papers shown.
    order = sort_records(
        [edge_record(e, key, None, year) | {"_i": i} for i, e in enumerate(edges)], sort
    )
    kept = [edges[r["_i"]] for r in (order if limit is None else order[:limit])]
    arxiv_ids = [ids_of(e.get(key) or {})[0] for e in kept]
    entries, arxiv_ok = arxiv_entries(ctx, arxiv_ids)
    records = [
        edge_record(edge, key, entries.get(a) if a else None, year)
        for edge, a in zip(kept, arxiv_ids, strict=True)
    ]
    # The paper itself was enriched by the lookup: an arXiv failure there is partial too.
    complete = arxiv_ok and looked.complete
    return EdgeResult(paper, direction, records, truncated, len(edges), complete)


def _hint(missing: Any) -> str | None:
    if not missing.candidates:
        return None
    return "closest titles: " + "; ".join(
        f'"{c["title"]}" ({c.get("year") or "n.d."}, {c["paper_id"]})' for c in missing.candidates
    )


def _fetch(
    ctx: Context, paper: dict[str, Any], direction: str, wanted: int | None
) -> tuple[list[dict[str, Any]], bool]:
    """Page the list from S2 and save it; (edges, truncated by the 9,999 cap)."""
    edges: list[dict[str, Any]] = []
    offset, complete, truncated = 0, False, False
    expected = paper.get("citations") if direction == "citations" else paper.get("references_count")
    total = expected if wanted is None else min(wanted, expected or wanted)
    with ctx.reporter.progress(f"{direction.capitalize()} of the paper", total) as advance:
        while True:
            size = PAGE if wanted is None else min(PAGE, wanted - len(edges))
            size = min(size, REACHABLE - offset)
            if size <= 0:
                truncated = wanted is None
                break
            body = ctx.s2.paper_edges(
                paper["paper_id"], direction, EDGE_S2_FIELDS, offset=offset, limit=size
            )
            if body is None:
                raise NotFoundError(f"Semantic Scholar has no paper {paper['paper_id']}")
            if body.get("_past_end"):
                truncated = True
                break
            page = [e for e in body.get("data") or [] if isinstance(e, dict)]
            edges.extend(page)
            advance(len(page))
            nxt = body.get("next")
            if nxt is None:
                complete = True
                break
            if wanted is not None and len(edges) >= wanted:
                break
            offset = nxt
    paper_cache.save_edges(
        ctx.store,
        paper["paper_id"],
        direction,
        edges,
        complete=complete,
        truncated=truncated,
        now=ctx.now(),
    )
    return edges, truncated
