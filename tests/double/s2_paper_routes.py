"""Paper search, title match and reference routes of the S2 double (under `/graph/v1`).

Models Semantic Scholar as docs/sources.md describes it, and the recordings in fixtures/s2:
- `GET /paper/search`: relevance search, `limit` <= 100, `offset + limit` <= 1,000
  (400 "Requested data ... not available" beyond), `{total, offset, next?, data}` and
  no `data` key at all when nothing matches (FIX test_empty_paginated_results);
- `GET /paper/search/bulk`: 1,000 papers a call whatever `limit` says, an opaque
  continuation `token` that is `null` on the last page (FIX
  test_search_paper_bulk_retrieval_sorted_results_desc), `sort` = `paperId` |
  `publicationDate` | `citationCount` with `:asc`/`:desc`, BasePaper fields only;
- `GET /paper/search/match`: the single closest title with `matchScore`, else 404
  `{"error":"Title match not found"}` (FIX test_bad_titles);
- `GET /paper/{id}/references`: synthetic cited papers, some unresolved with
  `paperId: null` and a title only (FIX test_get_paper_references: 23 of 67), edges with
  `isInfluential`, `intents`, `contexts`, `contextsWithIntent`.
Filters shared by the searches: `year`, `publicationDateOrYear`, `venue`,
`fieldsOfStudy`, `publicationTypes`, `minCitationCount`, `openAccessPdf`.
Route functions take a `Call` and return a `Response`; no sockets, no fault logic.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from .responses import ApiError, Response, s2_error, s2_json
from .routing import Call, Route
from .s2_fields import (
    FULL_PAPER_ONLY,
    PaperSelection,
    citation_selection,
    is_conference,
    paper_json,
    paper_selection,
    reference_count,
)
from .store import Paper, name_tokens, stable_hex

SEARCH_LIMIT_MAX = 100
SEARCH_REACHABLE = 1_000  # offset + limit of relevance search (cut from 10,000 in 2023)
BULK_PAGE = 1_000
EDGE_LIMIT_MAX = 1_000
EDGES_REACHABLE = 10_000
MATCH_MIN_SCORE = 0.7
NOT_AVAILABLE = "Requested data for this limit and/or offset is not available"
BULK_SORTS = {"paperId", "publicationDate", "citationCount"}


def _int_param(call: Call, name: str, default: int) -> int:
    raw = call.arg(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"\d+", raw.strip()):
        raise ApiError(s2_error(400, f"Unacceptable query params: [{name}={raw}]"))
    return int(raw)


def _base_selection(call: Call) -> PaperSelection:
    selection = paper_selection(call.arg("fields"))
    bad = sorted(selection.fields & FULL_PAPER_ONLY)
    if bad:
        raise ApiError(s2_error(400, f"Unrecognized or unsupported fields: [{', '.join(bad)}]"))
    return selection


# --------------------------------------------------------------------- filters
def _year_bounds(raw: str) -> tuple[int, int]:
    """`2019`, `2016-2020`, `2010-`, `-2015` (SPEC `year`)."""
    match = re.fullmatch(r"(\d{4})?(-)?(\d{4})?", raw.strip())
    if not match or not (match.group(1) or match.group(3)):
        raise ApiError(s2_error(400, f"Unacceptable query params: [year={raw}]"))
    low, dash, high = match.groups()
    if not dash:
        return int(low), int(low)
    return int(low or 0), int(high or 9999)


def _date_bounds(raw: str) -> tuple[str, str]:
    low, sep, high = raw.partition(":")
    if not sep:
        high = low
    pattern = r"\d{4}(-\d{2}(-\d{2})?)?"
    for part in (low, high):
        if part and not re.fullmatch(pattern, part):
            raise ApiError(
                s2_error(400, f"Unacceptable query params: [publicationDateOrYear={raw}]")
            )
    return (low or "0000"), (high + "\uffff" if high else "9999")


def _fields_of_study(paper: Paper) -> list[str]:
    # The same answer s2_fields gives for fieldsOfStudy / s2FieldsOfStudy.
    return ["Computer Science"]


def _publication_types(paper: Paper) -> list[str]:
    return (
        ["JournalArticle", "Conference"]
        if is_conference(paper.venue)
        else (["JournalArticle"] if paper.venue else [])
    )


def _filters(call: Call) -> list[Any]:
    checks: list[Any] = []
    year = call.arg("year")
    if year:
        low, high = _year_bounds(year)
        checks.append(lambda p: p.year is not None and low <= p.year <= high)
    when = call.arg("publicationDateOrYear")
    if when:
        first, last = _date_bounds(when)
        checks.append(
            lambda p: (
                p.year is not None and first <= (p.publication_date or f"{p.year:04d}") <= last
            )
        )
    venue = call.arg("venue")
    if venue:
        venues = {v.strip().casefold() for v in venue.split(",") if v.strip()}
        checks.append(lambda p: p.venue.casefold() in venues)
    fields = call.arg("fieldsOfStudy")
    if fields:
        wanted = {f.strip().casefold() for f in fields.split(",") if f.strip()}
        checks.append(lambda p: bool(wanted & {f.casefold() for f in _fields_of_study(p)}))
    types = call.arg("publicationTypes")
    if types:
        kinds = {t.strip() for t in types.split(",") if t.strip()}
        checks.append(lambda p: bool(kinds & set(_publication_types(p))))
    minimum = call.arg("minCitationCount")
    if minimum is not None:
        floor = _int_param(call, "minCitationCount", 0)
        checks.append(lambda p: p.citation_count >= floor)
    if "openAccessPdf" in call.query:
        checks.append(lambda p: p.arxiv_id is not None)
    return checks


def _words(paper: Paper) -> set[str]:
    return set(name_tokens(paper.title)) | set(name_tokens(paper.abstract or ""))


def _matching(call: Call, *, required: bool, relevance: bool = False) -> list[Paper]:
    """Papers that pass the filters and whose title or abstract has the query's words:
    every word for bulk search (its boolean operators + | - " * ( ) are read as AND),
    at least half of them for relevance search, which S2 ranks rather than filters."""
    query = call.arg("query")
    if query is None and required:
        raise ApiError(s2_error(400, "Unacceptable query params: [query=None]"))
    wanted = set(name_tokens(query or ""))
    checks = _filters(call)

    def hit(paper: Paper) -> bool:
        found = len(wanted & _words(paper))
        if relevance:
            return found > 0 and 2 * found >= len(wanted)
        return found == len(wanted)

    return [
        paper
        for paper in call.store.papers.values()
        if hit(paper) and all(check(paper) for check in checks)
    ]


# ---------------------------------------------------------------------- routes
def paper_search(call: Call) -> Response:
    """`GET /paper/search`: relevance order = query words in the title, then citations."""
    selection = paper_selection(call.arg("fields"))
    offset = _int_param(call, "offset", 0)
    limit = _int_param(call, "limit", 100)
    if not 1 <= limit <= SEARCH_LIMIT_MAX:
        raise ApiError(s2_error(400, f"Unacceptable query params: [limit={limit}]"))
    if offset + limit > SEARCH_REACHABLE:
        raise ApiError(s2_error(400, NOT_AVAILABLE))
    with call.store.lock:
        hits = _matching(call, required=True, relevance=True)
        wanted = set(name_tokens(call.arg("query") or ""))
        hits.sort(
            key=lambda p: (
                -len(wanted & _words(p)),
                -len(wanted & set(name_tokens(p.title))),
                -p.citation_count,
                p.seq,
            )
        )
        body: dict[str, Any] = {"total": len(hits), "offset": offset}
        if not hits:
            return s2_json(body)  # FIX test_empty_paginated_results: no `data` key
        stop = min(offset + limit, len(hits))
        if offset + limit < len(hits):
            body["next"] = offset + limit
        page = hits[offset:stop]
        body["data"] = (
            [] if call.empty_page else [paper_json(call.store, p, selection) for p in page]
        )
    return s2_json(body)


def _bulk_order(call: Call, papers: list[Paper]) -> list[Paper]:
    raw = call.arg("sort") or "paperId"
    field, _, direction = raw.partition(":")
    direction = direction or "asc"
    if field not in BULK_SORTS or direction not in ("asc", "desc"):
        raise ApiError(s2_error(400, f"Unacceptable query params: [sort={raw}]"))
    keys = {
        "paperId": lambda p: (p.paper_id,),
        "publicationDate": lambda p: (p.publication_date or f"{p.year or 0:04d}", p.paper_id),
        "citationCount": lambda p: (p.citation_count, p.paper_id),
    }
    return sorted(papers, key=keys[field], reverse=direction == "desc")


def _token(offset: int, query: str) -> str:
    raw = f"{offset}:{stable_hex('bulk', query)[:12]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset_of(token: str, query: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        offset, _, digest = base64.urlsafe_b64decode(padded).decode().partition(":")
        if digest != stable_hex("bulk", query)[:12]:
            raise ValueError(token)
        return int(offset)
    except ValueError:
        raise ApiError(s2_error(400, "Invalid continuation token")) from None


def paper_search_bulk(call: Call) -> Response:
    """`GET /paper/search/bulk`: 1,000 a page, `token` to continue, null at the end.

    `offset` and `limit` are ignored, as by S2 (FIX test_search_paper_bulk_retrieval:
    1000 items whatever `limit` says); a token only continues the query it came from.
    """
    selection = _base_selection(call)
    identity = "&".join(
        f"{k}={call.arg(k)}"
        for k in sorted(call.query)
        if k not in ("token", "fields", "offset", "limit")
    )
    token = call.arg("token")
    offset = _offset_of(token, identity) if token else 0
    with call.store.lock:
        hits = _bulk_order(call, _matching(call, required=False))
        page = hits[offset : offset + BULK_PAGE]
        more = offset + BULK_PAGE < len(hits)
        data = [] if call.empty_page else [paper_json(call.store, p, selection) for p in page]
    return s2_json(
        {
            "total": len(hits),
            "token": _token(offset + BULK_PAGE, identity) if more else None,
            "data": data,
        }
    )


def _match_score(query: list[str], title: list[str]) -> float:
    if not query or not title:
        return 0.0
    common = len(set(query) & set(title))
    return common / len(set(query) | set(title))


def paper_search_match(call: Call) -> Response:
    """`GET /paper/search/match`: the closest title, or 404 "Title match not found"."""
    selection = paper_selection(call.arg("fields"))
    query = call.arg("query")
    if query is None:
        raise ApiError(s2_error(400, "Unacceptable query params: [query=None]"))
    words = name_tokens(query)
    checks = _filters(call)
    with call.store.lock:
        scored = [
            (_match_score(words, name_tokens(p.title)), p)
            for p in call.store.papers.values()
            if all(check(p) for check in checks)
        ]
        scored = [(s, p) for s, p in scored if s >= MATCH_MIN_SCORE]
        if not scored:
            raise ApiError(s2_error(404, "Title match not found"))
        score, best = max(scored, key=lambda sp: (sp[0], sp[1].citation_count, -sp[1].seq))
        item = paper_json(call.store, best, selection)
        item["matchScore"] = round(score * 100 + len(words), 5)
    return s2_json({"data": [item]})


def cited_paper(citing: Paper, index: int) -> Paper | None:
    """The `index`-th reference of `citing`; None for an unresolved one (title only)."""
    if index % 7 == 3:
        return None
    pid = stable_hex("cited", citing.paper_id, index)
    number = int(pid[:6], 16) % 100_000
    year = (citing.year or 2020) - 1 - index % 6
    return Paper(
        paper_id=pid,
        title=f"Prior work {index + 1} cited by {citing.title[:60]}",
        year=year,
        publication_date=f"{year:04d}-{1 + index % 12:02d}-15",
        venue="ACL" if index % 2 else "",
        authors=[(str(4_000_000_000 + number), f"Cited Author {number}")],
        citation_count=int(pid[6:10], 16) % 2_000,
        influential_citation_count=int(pid[10:12], 16) % 40,
        abstract=None,
        corpus_id=int(pid[12:19], 16),
    )


_INTENTS = (["background"], ["methodology"], ["background", "result"], [])


def paper_references(call: Call) -> Response:
    """`GET /paper/{id}/references`: `{offset, next?, data:[{..., citedPaper}]}`."""
    with call.store.lock:
        ident = call.params[0]
        citing = call.store.resolve_paper(ident)
        if citing is None:
            raise ApiError(s2_error(404, f"Paper with id {ident} not found"))
    selection = citation_selection(call.arg("fields"))
    bad = sorted(selection.paper.fields & FULL_PAPER_ONLY)
    if bad:
        raise ApiError(s2_error(400, f"Unrecognized or unsupported fields: [{', '.join(bad)}]"))
    offset = _int_param(call, "offset", 0)
    limit = _int_param(call, "limit", 100)
    if not 1 <= limit <= EDGE_LIMIT_MAX:
        raise ApiError(s2_error(400, f"Unacceptable query params: [limit={limit}]"))
    if offset + limit >= EDGES_REACHABLE:
        raise ApiError(s2_error(400, NOT_AVAILABLE))
    total = reference_count(citing)
    stop = min(offset + limit, total)
    items: list[dict[str, Any]] = []
    for index in range(min(offset, total), stop):
        items.append(_reference_item(call, citing, index, selection.edge_fields, selection.paper))
    body: dict[str, Any] = {"offset": offset}
    if offset + limit < total:
        body["next"] = offset + limit
    body["data"] = [] if call.empty_page else items
    return s2_json(body)


def _reference_item(
    call: Call, citing: Paper, index: int, edge_fields: frozenset[str], selection: PaperSelection
) -> dict[str, Any]:
    intents = _INTENTS[index % len(_INTENTS)]
    context = f"as shown in prior work [{index + 1}]"
    values: dict[str, Any] = {
        "contexts": [context],
        "isInfluential": index % 5 == 0,
        "intents": list(intents),
        "contextsWithIntent": [{"context": context, "intents": list(intents)}],
    }
    edge = {key: values[key] for key in values if key in edge_fields}
    cited = cited_paper(citing, index)
    if cited is None:
        # FIX test_get_paper_references: unresolved references carry a null id.
        stub: dict[str, Any] = {"paperId": None}
        if "title" in selection.fields:
            stub["title"] = f"An unindexed report {index + 1}"
        edge["citedPaper"] = stub
    else:
        edge["citedPaper"] = paper_json(call.store, cited, selection)
    return edge


ROUTES = [
    Route("GET", re.compile(r"/paper/search"), "s2.paper_search", paper_search, True),
    Route("GET", re.compile(r"/paper/search/bulk"), "s2.paper_search_bulk", paper_search_bulk),
    Route("GET", re.compile(r"/paper/search/match"), "s2.paper_search_match", paper_search_match),
    Route(
        "GET",
        re.compile(r"/paper/(.+)/references"),
        "s2.paper_references",
        paper_references,
        True,
    ),
]
