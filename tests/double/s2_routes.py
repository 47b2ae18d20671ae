"""Semantic Scholar Graph API routes of the double (served under `/graph/v1`).

Models the behaviour docs/sources.md describes: offset/limit
pagination with `next` absent on the last page, the 10,000 / 9,999 reachability caps,
batch size caps with `null` for unknown ids, the hyphen quirk of author search, the
missing `data` key on an empty search, and the exact error bodies. Route functions
take a `Call` and return a `Response`; they never touch sockets or fault injection.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import s2_paper_routes
from .responses import ApiError, Response, s2_error, s2_json, s2_missing_route
from .routing import Call, Route, find_route
from .s2_fields import (
    CitationSelection,
    author_json,
    author_selection,
    citation_selection,
    paper_json,
    paper_selection,
)
from .store import Paper, name_tokens, stable_hex

MAX_LIMIT = 1000
AUTHOR_PAPERS_REACHABLE = 10_000  # offset + limit must stay <= this
CITATIONS_REACHABLE = 10_000  # offset + limit must stay < this (9,999 items)
AUTHOR_BATCH_MAX = 1000
PAPER_BATCH_MAX = 500
# SPEC Error400: an answer above 10 MB is refused ("Response would exceed maximum size").
RESPONSE_CAP = 10 * 1024 * 1024
TOO_BIG = "Response would exceed maximum size of 10 MB; request fewer ids or fields"
# SPEC /paper/batch: "Can only return up to 9999 citations at a time" across the batch.
# s2-folks #199 shows how: of 55 papers, two came back with 8,667 and 1,332 citing papers
# (9,999 together) and every other list EMPTY, the two at positions 27 and 42, so S2 fills
# the budget in an order of its own, not the request's. The double does the same (order:
# a hash of the paperId). It applies a budget to nested references too, in request order
# (unverified for the real API, docs/novelty.md, Limits).
NESTED_CAP = 9999
# GET /paper/{id} nests at most 1,000 citations (FIX Paper.json: 1,000 of 10,059).
SINGLE_NESTED_CAP = 1000
NOT_AVAILABLE = "Requested data for this limit and/or offset is not available"


# --------------------------------------------------------------------- helpers
def _int_param(call: Call, name: str, default: int) -> int:
    raw = call.arg(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"\d+", raw.strip()):
        raise ApiError(s2_error(400, f"Unacceptable query params: [{name}={raw}]"))
    return int(raw)


def _page_window(call: Call) -> tuple[int, int]:
    offset = _int_param(call, "offset", 0)
    limit = _int_param(call, "limit", 100)
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(s2_error(400, f"Unacceptable query params: [limit={limit}]"))
    return offset, limit


def _page(items_total: int, offset: int, limit: int) -> tuple[int, int, int | None]:
    """(start, stop, next) of a page; next is None on the last page."""
    start = min(offset, items_total)
    stop = min(offset + limit, items_total)
    return start, stop, (offset + limit if offset + limit < items_total else None)


def _date_bound(part: str, upper: bool, raw: str) -> str:
    if re.fullmatch(r"\d{4}", part):
        return part + ("-12-31" if upper else "-01-01")
    if re.fullmatch(r"\d{4}-\d{2}", part):
        return part + ("-31" if upper else "-01")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", part):
        return part
    raise ApiError(s2_error(400, f"Unacceptable query params: [publicationDateOrYear={raw}]"))


def _date_range(raw: str | None) -> tuple[str, str] | None:
    """`publicationDateOrYear` (`2019`, `2016-03-05:2020-06`, `:2015-01`) as string bounds."""
    if not raw:
        return None
    low, sep, high = raw.partition(":")
    if not sep:
        high = low
    lower = _date_bound(low, False, raw) if low else "0000-01-01"
    upper = _date_bound(high, True, raw) if high else "9999-12-31"
    return lower, upper


def _in_range(year: int | None, date: str | None, bounds: tuple[str, str] | None) -> bool:
    if bounds is None:
        return True
    if year is None:
        return False
    when = date or f"{year:04d}-01-01"
    return bounds[0] <= when <= bounds[1]


def _batch_ids(call: Call, maximum: int) -> list[Any]:
    try:
        payload = json.loads(call.body or b"null")
    except ValueError:
        raise ApiError(s2_error(400, "Unacceptable request body: invalid JSON")) from None
    ids = payload.get("ids") if isinstance(payload, dict) else None
    if not isinstance(ids, list):
        raise ApiError(s2_error(400, 'Unacceptable request body: expected {"ids": [...]}'))
    if len(ids) > maximum:
        raise ApiError(
            s2_error(400, f"Too many ids in request: {len(ids)}; at most {maximum} are allowed")
        )
    return ids


def _author_or_404(call: Call, author_id: str) -> None:
    if author_id not in call.store.authors:
        raise ApiError(s2_error(404, f"Author with id {author_id} not found"))


def _paper_or_404(call: Call, ident: str) -> Paper:
    paper = call.store.resolve_paper(ident)
    if paper is None:
        raise ApiError(s2_error(404, f"Paper with id {ident} not found"))
    return paper


# ---------------------------------------------------------------------- routes
def author_search(call: Call) -> Response:
    """`GET /author/search`: every query word must be a word of the name; hyphens match nothing."""
    selection = author_selection(call.arg("fields"))
    offset, limit = _page_window(call)
    query = call.arg("query")
    if query is None:
        raise ApiError(s2_error(400, "Unacceptable query params: [query=None]"))
    words = query.split()
    # SPEC /author/search `query`: "Hyphenated query terms yield no matches".
    wanted = [] if any("-" in w for w in words) else name_tokens(query)
    with call.store.lock:
        hits = [
            author_id
            for author_id, author in call.store.authors.items()
            if wanted and set(wanted) <= set(name_tokens(author.name))
        ]
        body: dict[str, Any] = {"total": len(hits), "offset": offset}
        if not hits:
            return s2_json(body)  # FIX test_empty_paginated_results: no `data` key at all
        start, stop, next_offset = _page(len(hits), offset, limit)
        if next_offset is not None:
            body["next"] = next_offset
        body["data"] = (
            []
            if call.empty_page
            else [author_json(call.store, aid, selection) for aid in hits[start:stop]]
        )
    return s2_json(body)


def author(call: Call) -> Response:
    """`GET /author/{id}`; an unknown id is a 404 even when `fields` is invalid too."""
    author_id = call.params[0]
    with call.store.lock:
        _author_or_404(call, author_id)  # FIX test_not_found.yaml: 404 before field checks
        selection = author_selection(call.arg("fields"))
        return s2_json(author_json(call.store, author_id, selection))


def author_papers(call: Call) -> Response:
    """`GET /author/{id}/papers`: `{offset, next?, data}`, first 10,000 reachable."""
    author_id = call.params[0]
    _author_or_404(call, author_id)
    # PaperWithLinks: references yes, embedding no (it is refused like an unknown field).
    selection = paper_selection(call.arg("fields"), links=True)
    offset, limit = _page_window(call)
    bounds = _date_range(call.arg("publicationDateOrYear"))
    with call.store.lock:
        if offset + limit > AUTHOR_PAPERS_REACHABLE:
            raise ApiError(s2_error(400, NOT_AVAILABLE))
        papers = [
            p
            for p in call.store.author_papers(author_id)
            if _in_range(p.year, p.publication_date, bounds)
        ]
        start, stop, next_offset = _page(len(papers), offset, limit)
        body: dict[str, Any] = {"offset": offset}
        if next_offset is not None:
            body["next"] = next_offset
        body["data"] = (
            []
            if call.empty_page
            else [paper_json(call.store, p, selection) for p in papers[start:stop]]
        )
    return s2_json(body)


def author_batch(call: Call) -> Response:
    """`POST /author/batch`: array in request order, `null` for unknown ids, <= 1000 ids."""
    selection = author_selection(call.arg("fields"))
    ids = _batch_ids(call, AUTHOR_BATCH_MAX)
    with call.store.lock:
        result = [
            author_json(call.store, str(i), selection)
            if isinstance(i, str | int) and str(i) in call.store.authors
            else None
            for i in ids
        ]
    return s2_json(result)


NO_VALID_PAPER_IDS = "No valid paper ids given"


def paper_batch(call: Call) -> Response:
    """`POST /paper/batch`: ids as paperId, ARXIV:, DOI:, CorpusId: or bare DOI; <= 500."""
    selection = paper_selection(call.arg("fields"), links=True, embedding=True)
    ids = _batch_ids(call, PAPER_BATCH_MAX)
    with call.store.lock:
        result = []
        for ident in ids:
            paper = call.store.resolve_paper(ident) if isinstance(ident, str) else None
            result.append(paper_json(call.store, paper, selection) if paper else None)
    if not any(result):
        # The real API's answer when it knows none of the ids, instead of all nulls.
        raise ApiError(s2_error(400, NO_VALID_PAPER_IDS))
    _cap_nested(result)
    response = s2_json(result)
    if len(response.body) > RESPONSE_CAP:
        raise ApiError(s2_error(400, TOO_BIG))
    return response


def _cap_nested(result: list[Any]) -> None:
    """Share NESTED_CAP nested items per batch: citations in S2's own order (#199), the
    list that crosses the budget cut and the later ones empty; references in request order."""
    left = NESTED_CAP
    for item in result:
        if isinstance(item, dict) and isinstance(item.get("references"), list):
            item["references"] = item["references"][:left]
            left -= len(item["references"])
    holders = [item for item in result if isinstance(item, dict) and "citations" in item]
    left = NESTED_CAP
    for item in sorted(holders, key=lambda it: stable_hex("nested", it["paperId"])):
        if isinstance(item["citations"], list):
            item["citations"] = item["citations"][:left]
            left -= len(item["citations"])


def paper(call: Call) -> Response:
    """`GET /paper/{id}` (any id form `resolve_paper` accepts); 404 before field checks."""
    with call.store.lock:
        found = _paper_or_404(call, call.params[0])
        selection = paper_selection(call.arg("fields"), links=True, embedding=True)
        body = paper_json(call.store, found, selection)
        if isinstance(body.get("citations"), list):
            body["citations"] = body["citations"][:SINGLE_NESTED_CAP]
        return s2_json(body)


def citing_paper(cited: Paper, index: int, year: int | None) -> Paper:
    """The `index`-th synthetic paper citing `cited` (deterministic, not stored)."""
    pid = stable_hex("citing", cited.paper_id, index)
    author_number = int(pid[:6], 16) % 100_000
    return Paper(
        paper_id=pid,
        title=f"Follow-up study {index + 1} building on {cited.title[:60]}",
        year=year,
        publication_date=None,
        venue="",
        authors=[(str(3_000_000_000 + author_number), f"Citing Author {author_number}")],
        citation_count=int(pid[6:8], 16) % 20,
        corpus_id=int(pid[8:15], 16),
    )


def paper_citations(call: Call) -> Response:
    """`GET /paper/{id}/citations`: synthetic citing papers, newest year first, < 10,000."""
    with call.store.lock:
        cited = _paper_or_404(call, call.params[0])
        groups = call.store.citation_groups(cited)
    selection = citation_selection(call.arg("fields"))
    offset, limit = _page_window(call)
    bounds = _date_range(call.arg("publicationDateOrYear"))
    if offset + limit >= CITATIONS_REACHABLE:
        raise ApiError(s2_error(400, NOT_AVAILABLE))
    if cited.citers is not None:
        return _stored_citations(call, cited, offset, limit, selection, bounds)
    # Indexes stay those of the unfiltered list so a citing paper keeps its id.
    index_years: list[tuple[int, int, int | None]] = []  # (first index, count, year)
    first = 0
    for year, count in groups:
        if _in_range(year, None, bounds):
            index_years.append((first, count, year))
        first += count
    total = sum(count for _, count, _ in index_years)
    start, stop, next_offset = _page(total, offset, limit)
    items: list[dict[str, Any]] = []
    position = 0
    for group_first, count, year in index_years:
        for k in range(max(start - position, 0), min(stop - position, count)):
            index = group_first + k
            items.append(_citation_item(call, cited, index, year, selection))
        position += count
    body: dict[str, Any] = {"offset": offset}
    if next_offset is not None:
        body["next"] = next_offset
    body["data"] = [] if call.empty_page else items
    return s2_json(body)


def _stored_citations(
    call: Call,
    cited: Paper,
    offset: int,
    limit: int,
    selection: CitationSelection,
    bounds: tuple[str, str] | None = None,
) -> Response:
    """The stored citers of `cited` (a world with known citing papers), newest first:
    by year, then date, then the one added last, as S2 lists the newest citations first.
    They are the papers the nested `citations` of /paper/batch list, so both views of
    one paper agree; `publicationDateOrYear` filters them as it filters the synthetic ones."""
    with call.store.lock:
        citers = [
            call.store.papers[c]
            for c in cited.citers or []
            if c in call.store.papers
            and _in_range(call.store.papers[c].year, call.store.papers[c].publication_date, bounds)
        ]
    order = sorted(
        enumerate(citers),
        key=lambda item: (item[1].year or 0, item[1].publication_date or "", item[0]),
        reverse=True,
    )
    start, stop, next_offset = _page(len(order), offset, limit)
    items = []
    for _, citer in order[start:stop]:
        edge: dict[str, Any] = {}
        if "isInfluential" in selection.edge_fields:
            edge["isInfluential"] = False
        for key in ("contexts", "intents", "contextsWithIntent"):
            if key in selection.edge_fields:
                edge[key] = []
        edge["citingPaper"] = paper_json(call.store, citer, selection.paper)
        items.append(edge)
    body: dict[str, Any] = {"offset": offset}
    if next_offset is not None:
        body["next"] = next_offset
    body["data"] = [] if call.empty_page else items
    return s2_json(body)


def _citation_item(
    call: Call, cited: Paper, index: int, year: int | None, selection: CitationSelection
) -> dict[str, Any]:
    edge: dict[str, Any] = {}
    values = {
        "contexts": [],
        "isInfluential": index < cited.influential_citation_count,
        "intents": [],
        "contextsWithIntent": [],
    }
    for key in ("contexts", "isInfluential", "intents", "contextsWithIntent"):
        if key in selection.edge_fields:
            edge[key] = values[key]
    edge["citingPaper"] = paper_json(call.store, citing_paper(cited, index, year), selection.paper)
    return edge


def missing_route(call: Call) -> Response:
    """Any other path or method: API Gateway's 403 "Missing Authentication Token"."""
    return s2_missing_route()


ROUTES = [
    Route("GET", re.compile(r"/author/search"), "s2.author_search", author_search, True),
    Route("POST", re.compile(r"/author/batch"), "s2.author_batch", author_batch),
    Route("GET", re.compile(r"/author/([^/]+)/papers"), "s2.author_papers", author_papers, True),
    Route("GET", re.compile(r"/author/([^/]+)"), "s2.author", author),
    *s2_paper_routes.ROUTES,
    Route("POST", re.compile(r"/paper/batch"), "s2.paper_batch", paper_batch),
    Route("GET", re.compile(r"/paper/(.+)/citations"), "s2.paper_citations", paper_citations, True),
    Route("GET", re.compile(r"/paper/(.+)"), "s2.paper", paper),
]
UNKNOWN = Route("*", re.compile(r".*"), "s2.unknown", missing_route)
ROUTE_NAMES = frozenset(r.name for r in ROUTES)


def resolve(method: str, path: str) -> tuple[Route, tuple[str, ...]]:
    """The S2 route for a path below `/graph/v1` (the gateway 403 when none matches)."""
    return find_route(ROUTES, method, path) or (UNKNOWN, ())
