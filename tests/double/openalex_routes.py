"""OpenAlex API routes of the double (served under `/openalex`).

Models the API as it is since the 2026-02-13 key change (docs/sources.md; the
recordings of 2025-11 and 2026-03): the parameter allowlist and `select` whitelist
with their 400 bodies, filters with OR lists of at most 100 values, cursor paging with
either end signal (`OpenAlexStore.cursor_end`), the 10,000-result cap of basic paging,
301 for merged ids, authorships cut at 100 on list pages with `is_authors_truncated`,
the author-filter trap (an `authorships.author.id` filter only sees the first 100
authors), per-request credits (0 by id, 1 a list, 10 a search; a 400 still costs),
`X-RateLimit-*` headers, the budget-exhausted 429, the 401 of an unknown key and the
403 of a paid-only parameter. Bodies are compact JSON as the server sends them.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from .openalex_store import OAWork, OpenAlexStore, fold, seconds_to_midnight
from .responses import ApiError, Response
from .routing import Call, Route, find_route

PREFIX = "/openalex"
CREDIT_USD = 0.0001
MAX_OR = 100
MAX_BASIC = 10_000
AUTHORSHIP_CAP = 100
ALLOWED_PARAMS = (
    "api_key, api-key, cursor, filter, group_by, group-by, mailto, page, per_page, "
    "per-page, q, sample, seed, search, select, sort"
)
_ALLOWED = {p.strip() for p in ALLOWED_PARAMS.split(",")}
# The whitelist recorded on 2026-03-02 (`opt_select_fields.yml`), in its order.
WORK_SELECT = (
    "id, doi, title, display_name, relevance_score, publication_year, publication_date, "
    "ids, language, primary_location, sources, type, type_crossref, indexed_in, "
    "open_access, authorships, institution_assertions, institutions, "
    "countries_distinct_count, institutions_distinct_count, corresponding_author_ids, "
    "corresponding_institution_ids, apc_list, apc_paid, fwci, is_authors_truncated, "
    "has_fulltext, fulltext_origin, cited_by_count, citation_normalized_percentile, "
    "cited_by_percentile_year, biblio, is_retracted, is_paratext, is_xpac, primary_topic, "
    "topics, keywords, concepts, mesh, locations_count, locations, best_oa_location, "
    "sustainable_development_goals, awards, funders, datasets, versions, has_content, "
    "content_urls, referenced_works_count, referenced_works, related_works, "
    "abstract_inverted_index, cited_by_api_url, counts_by_year, updated_date, created_date"
)
AUTHOR_SELECT = (
    "id, orcid, display_name, display_name_alternatives, works_count, cited_by_count, "
    "summary_stats, ids, affiliations, last_known_institutions, topics, topic_share, "
    "x_concepts, counts_by_year, works_api_url, updated_date, created_date, relevance_score"
)
WORK_FILTERS = (
    "author.id, authors_count, authorships.author.id, cited_by_count, doi, ids.openalex, "
    "is_retracted, locations.landing_page_url, openalex, publication_year, "
    "raw_author_name.search, title.search"
)
AUTHOR_FILTERS = "display_name.search, ids.openalex, ids.orcid, openalex, orcid"
PAID_FILTER = re.compile(r"^(from_|to_)?(updated|created)_date$")
SNAPSHOT = "https://docs.openalex.org/download-snapshot"
EXPOSE = (
    "Cache-Control, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Onetime-Remaining, "
    "X-RateLimit-Credits-Used, X-RateLimit-Credits-Required, X-RateLimit-Reset, "
    "X-RateLimit-Limit-USD, X-RateLimit-Remaining-USD, X-RateLimit-Prepaid-Remaining-USD, "
    "X-RateLimit-Cost-USD, X-RateLimit-Cost-Required-USD, Retry-After"
)


def compact(
    payload: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(status, body, "application/json", list(headers or []))


def invalid(message: str, error: str = "Invalid query parameters error.") -> ApiError:
    return ApiError(compact({"error": error, "message": message}, 400))


def _usd(credits: int) -> str:
    return f"{credits * CREDIT_USD:.4f}".rstrip("0").rstrip(".") or "0"


# ------------------------------------------------------------------ parameters
def _params(call: Call) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, values in call.query.items():
        if name not in _ALLOWED and not name.startswith("search."):
            raise invalid(
                f"{name} is not a valid parameter. Valid parameters are: {ALLOWED_PARAMS}."
            )
        params[name.replace("-", "_")] = values[-1]
    return params


def _select(params: dict[str, str], whitelist: str) -> list[str] | None:
    raw = params.get("select")
    if raw is None:
        return None
    allowed = [f.strip() for f in whitelist.split(",")]
    chosen = [f.strip() for f in raw.split(",") if f.strip()]
    for name in chosen:
        if name not in allowed:
            raise invalid(
                f"{name} is not a valid select field. Valid fields for select are: {whitelist}."
            )
    return chosen


def _project(record: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if fields is None:
        return record
    return {name: record[name] for name in fields if name in record}


def _filters(raw: str | None, valid: str) -> list[tuple[str, list[str]]]:
    if not raw:
        return []
    allowed = {f.strip() for f in valid.split(",")}
    parsed = []
    for part in raw.split(","):
        key, sep, value = part.partition(":")
        key = key.strip().replace("-", "_")
        if not sep:
            raise invalid(f"Invalid query parameters error. {part} is not a valid filter.")
        if PAID_FILTER.match(key):
            raise ApiError(
                compact(
                    {
                        "error": "Plan upgrade required",
                        "message": f'The "{part}" filter requires a Premium, Institutional, '
                        "or Partner plan. See https://openalex.org/pricing",
                    },
                    403,
                )
            )
        if key not in allowed:
            raise invalid(
                f"{key} is not a valid field. Valid fields are underscore or hyphenated "
                f"versions of: {valid}"
            )
        values = value.split("|")
        if len(values) > MAX_OR:
            raise invalid(
                f"Maximum number of values exceeded for {key}. Decrease values to 100 or "
                f"below, or consider downloading the full dataset at {SNAPSHOT}"
            )
        parsed.append((key, values))
    return parsed


def _short(value: str) -> str:
    return value.strip().rsplit("/", 1)[-1]


def _bare_doi(value: str) -> str:
    value = value.strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "doi:"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value


def _compare(spec: str, number: int) -> bool:
    spec = spec.strip()
    if spec.startswith(">"):
        return number > int(spec[1:])
    if spec.startswith("<"):
        return number < int(spec[1:])
    return number == int(spec)


def _work_doi(work: OAWork) -> str | None:
    if work.doi:
        return work.doi
    return f"10.48550/arxiv.{work.arxiv_id}" if work.arxiv_id else None


def _work_matches(work: OAWork, key: str, values: list[str]) -> bool:
    if key in {"authorships.author.id", "author.id"}:
        # The trap: the index keeps only the first 100 authorships of a work.
        ids = {a for a, _ in work.authors[:AUTHORSHIP_CAP] if a}
        return any(_short(v) in ids for v in values)
    if key in {"openalex", "ids.openalex"}:
        return work.work_id in {_short(v) for v in values}
    if key == "doi":
        return (_work_doi(work) or "") in {_bare_doi(v) for v in values}
    if key == "authors_count":
        return any(_compare(v, len(work.authors)) for v in values)
    if key == "publication_year":
        return work.year is not None and any(_compare(v, work.year) for v in values)
    if key == "cited_by_count":
        return any(_compare(v, work.cited_by_count) for v in values)
    if key == "is_retracted":
        return any(str(work.is_retracted).lower() == v.lower() for v in values)
    if key == "raw_author_name.search":
        wanted = fold(" ".join(values))
        names = [work.raw_names.get(i, n) for i, (_, n) in enumerate(work.authors)]
        return any(set(wanted) <= set(fold(n)) for n in names)
    if key == "locations.landing_page_url":
        urls = {f"http://arxiv.org/abs/{work.arxiv_id}"} if work.arxiv_id else set()
        return bool(urls & {v.strip() for v in values})
    if key == "title.search":
        return set(fold(" ".join(values))) <= set(fold(work.title or ""))
    raise AssertionError(key)


def _cost(params: dict[str, str], singleton: bool) -> int:
    if singleton:
        return 0
    if "search" in params or any(
        k.startswith("search_") or k.startswith("search.") for k in params
    ):
        return 10
    if ".search" in (params.get("filter") or ""):
        return 10
    return 1


# ------------------------------------------------------------------- paging
def _cursor_offset(raw: str) -> int:
    if raw == "*":
        return 0
    if raw.lower() in {"null", "none"}:
        raise invalid("Cursor is null. Likely reached end of results.", "Pagination error.")
    try:
        decoded = json.loads(base64.b64decode(raw.encode("ascii"), validate=True))
        offset = int(decoded[0])
    except (ValueError, binascii.Error, TypeError, IndexError, KeyError):
        raise invalid("Invalid cursor value", "Pagination error.") from None
    return offset


def _cursor(offset: int) -> str:
    return base64.b64encode(json.dumps([offset]).encode("ascii")).decode("ascii")


def _paged(
    store: OpenAlexStore,
    call: Call,
    params: dict[str, str],
    items: list[Any],
    render: Callable[[Any], dict[str, Any]],
) -> Response:
    """One page of ``items``; only the page's items are rendered (``render``)."""
    try:
        per_page = int(params.get("per_page", "25"))
    except ValueError:
        raise invalid(
            "per-page parameter must be between 1 and 200.", "Pagination error."
        ) from None
    if not 1 <= per_page <= 200:
        raise invalid("per-page parameter must be between 1 and 200.", "Pagination error.")
    total = len(items)
    meta: dict[str, Any] = {"count": total, "db_response_time_ms": 12}
    if "cursor" in params:
        if params.get("page", "1") != "1":
            raise invalid("Cannot use page parameter with cursor.", "Pagination error.")
        offset = _cursor_offset(params["cursor"])
        page = [] if call.empty_page else [render(i) for i in items[offset : offset + per_page]]
        stop = offset + len(page)
        if not page or (store.cursor_end == "null_on_last" and stop >= total):
            nxt = None
        else:
            nxt = _cursor(stop)
        meta |= {"page": None, "per_page": per_page, "next_cursor": nxt, "groups_count": None}
    else:
        try:
            number = int(params.get("page", "1"))
        except ValueError:
            raise invalid("Page must be an integer", "Pagination error.") from None
        if number < 1:
            raise invalid("Page must be greater than 0", "Pagination error.")
        if number * per_page > MAX_BASIC:
            raise invalid(
                "Maximum results size of 10,000 records is exceeded. Cursor pagination is "
                "required for records beyond 10,000.",
                "Pagination error.",
            )
        start = (number - 1) * per_page
        page = [] if call.empty_page else [render(i) for i in items[start : start + per_page]]
        meta |= {"page": number, "per_page": per_page, "groups_count": None}
    return compact({"meta": meta, "results": page, "group_by": []})


def _list_work(store: OpenAlexStore, work: OAWork) -> dict[str, Any]:
    record = store.work_json(work)
    authorships = record.get("authorships") or []
    if len(authorships) > AUTHORSHIP_CAP:
        record["authorships"] = authorships[:AUTHORSHIP_CAP]
        record["is_authors_truncated"] = True
    return record


# ------------------------------------------------------------------- routes
def works_list(store: OpenAlexStore, call: Call, params: dict[str, str]) -> Response:
    fields = _select(params, WORK_SELECT)
    filters = _filters(params.get("filter"), WORK_FILTERS)
    search = fold(params.get("search") or "")
    with store.lock:
        works = [
            w
            for w in store.works.values()
            if all(_work_matches(w, k, v) for k, v in filters)
            and (not search or set(search) <= set(fold((w.title or "") + " " + (w.abstract or ""))))
        ]
        works.sort(key=lambda w: (-w.cited_by_count, w.work_id))
        return _paged(store, call, params, works, lambda w: _project(_list_work(store, w), fields))


def authors_list(store: OpenAlexStore, call: Call, params: dict[str, str]) -> Response:
    fields = _select(params, AUTHOR_SELECT)
    filters = _filters(params.get("filter"), AUTHOR_FILTERS)
    search = fold(params.get("search") or "")
    with store.lock:
        found = []
        for author in store.authors.values():
            names = [author.name, *author.alternatives]
            ok = True
            for key, values in filters:
                if key in {"orcid", "ids.orcid"}:
                    ok &= author.orcid is not None and author.orcid in {_short(v) for v in values}
                elif key in {"openalex", "ids.openalex"}:
                    ok &= author.author_id in {_short(v) for v in values}
                else:  # display_name.search
                    ok &= any(set(fold(" ".join(values))) <= set(fold(n)) for n in names)
            if search:
                ok &= any(set(search) <= set(fold(n)) for n in names)
            if ok:
                found.append(author)
        records = [store.author_json(a) for a in found]
        records.sort(key=lambda r: (-r["works_count"], r["id"]))
        return _paged(store, call, params, records, lambda r: _project(r, fields))


def _moved(call: Call, entity: str, new_id: str) -> Response:
    host = call.headers.get("host", "127.0.0.1")
    location = f"http://{host}{PREFIX}/{entity}/{new_id}"
    return Response(301, b"", "text/html; charset=utf-8", [("Location", location)])


def _not_found() -> Response:
    return compact({"error": "404 Not Found", "message": "The requested URL was not found."}, 404)


def work_one(store: OpenAlexStore, call: Call, params: dict[str, str]) -> Response:
    fields = _select(params, WORK_SELECT)
    ident = unquote(call.params[0])
    with store.lock:
        if ident.lower().startswith(("doi:", "https://doi.org/", "http://doi.org/")):
            doi = _bare_doi(
                ident.split("doi:", 1)[-1] if ident.lower().startswith("doi:") else ident
            )
            match = next((w for w in store.works.values() if _work_doi(w) == doi), None)
            if match is None:
                return _not_found()
            return compact(_project(store.work_json(match), fields))
        work_id = _short(ident)
        if work_id in store.merged:
            return _moved(call, "works", store.resolve(work_id))
        work = store.works.get(work_id)
        if work is None:
            return _not_found()
        return compact(_project(store.work_json(work), fields))  # full authorships


def author_one(store: OpenAlexStore, call: Call, params: dict[str, str]) -> Response:
    fields = _select(params, AUTHOR_SELECT)
    ident = unquote(call.params[0])
    with store.lock:
        if ident.lower().startswith(("orcid:", "https://orcid.org/")):
            orcid = _short(ident.split(":", 1)[-1] if ident.lower().startswith("orcid:") else ident)
            author = next((a for a in store.authors.values() if a.orcid == orcid), None)
        else:
            author_id = _short(ident)
            if author_id in store.merged:
                return _moved(call, "authors", store.resolve(author_id))
            author = store.authors.get(author_id)
        if author is None:
            return _not_found()
        return compact(_project(store.author_json(author), fields))


ROUTES: list[Route] = [
    Route("GET", re.compile(r"/works"), "openalex.works", lambda c: _unbound(), paginated=True),
    Route("GET", re.compile(r"/works/(.+)"), "openalex.work", lambda c: _unbound()),
    Route("GET", re.compile(r"/authors"), "openalex.authors", lambda c: _unbound(), paginated=True),
    Route("GET", re.compile(r"/authors/(.+)"), "openalex.author", lambda c: _unbound()),
    Route("GET", re.compile(r"/rate-limit"), "openalex.rate_limit", lambda c: _unbound()),
]
ROUTE_NAMES = frozenset(r.name for r in ROUTES)
HANDLERS = {
    "openalex.works": works_list,
    "openalex.work": work_one,
    "openalex.authors": authors_list,
    "openalex.author": author_one,
}
_UNKNOWN = Route("GET", re.compile(r".*"), "openalex.unknown", lambda c: _not_found())


def _unbound() -> Response:
    raise AssertionError("OpenAlex routes are answered through `answer`")


def resolve(method: str, path: str) -> tuple[Route, tuple[str, ...]]:
    found = find_route(ROUTES, method, path)
    return found if found is not None else (_UNKNOWN, ())


def request_key_of(
    query: dict[str, list[str]], headers: dict[str, str] | None = None
) -> str | None:
    for name in ("api_key", "api-key"):
        if query.get(name) and query[name][-1]:
            return query[name][-1]
    auth = (headers or {}).get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return None


def request_key(call: Call) -> str | None:
    return request_key_of(call.query, call.headers)


def budget_headers(store: OpenAlexStore, key: str | None, cost: int) -> list[tuple[str, str]]:
    pool = store.pool(key)
    return [
        ("X-RateLimit-Limit", str(pool.limit)),
        ("X-RateLimit-Remaining", str(pool.remaining)),
        ("X-RateLimit-Onetime-Remaining", "0"),
        ("X-RateLimit-Credits-Used", str(cost)),
        ("X-RateLimit-Reset", str(seconds_to_midnight())),
        ("X-RateLimit-Limit-USD", _usd(pool.limit)),
        ("X-RateLimit-Remaining-USD", _usd(pool.remaining)),
        ("X-RateLimit-Prepaid-Remaining-USD", "0"),
        ("X-RateLimit-Cost-USD", _usd(cost)),
        ("access-control-expose-headers", EXPOSE),
    ]


def unauthorized() -> Response:
    """The recorded 401 (`pro_rate_limit_status_401.yml`), byte for byte."""
    return compact({"error": "Invalid or missing API key", "message": "API key not found"}, 401)


def budget_spent(store: OpenAlexStore, key: str | None, cost: int) -> Response:
    pool = store.pool(key)
    reset = seconds_to_midnight()
    body = {
        "error": "Rate limit exceeded",
        "message": f"Insufficient budget. This request costs ${cost * CREDIT_USD:.4f} but you "
        f"only have ${pool.remaining * CREDIT_USD:.4f} remaining. Resets at midnight UTC. "
        "Need more? Get an API key or upgrade: https://openalex.org/pricing",
        "costUsd": cost * CREDIT_USD,
        "dailyRemainingUsd": pool.remaining * CREDIT_USD,
        "prepaidRemainingUsd": 0,
        "creditsRequired": cost,
        "creditsRemaining": pool.remaining,
    }
    headers = [
        *budget_headers(store, key, 0),
        ("X-RateLimit-Credits-Required", str(cost)),
        ("X-RateLimit-Cost-Required-USD", _usd(cost)),
        ("Retry-After", str(reset)),
    ]
    return compact(body, 429, headers)


def throttled(store: OpenAlexStore, key: str | None, retry_after: str) -> Response:
    """The per-second 429: `X-RateLimit-Remaining` is 0 here too, whatever the budget."""
    limit = 10 if key is None else 30
    headers = [
        (n, "0" if n == "X-RateLimit-Remaining" else v) for n, v in budget_headers(store, key, 0)
    ]
    headers.append(("Retry-After", retry_after))
    body = {
        "error": "Rate limit exceeded",
        "message": f"Rate limit exceeded: {limit} requests per second. Please slow down.",
    }
    return compact(body, 429, headers)


def answer(store: OpenAlexStore, route: Route, call: Call) -> Response:
    """Meter, check the key, then run the route; every metered answer carries headers."""
    key = request_key(call)
    if key is not None and key not in store.keys:
        return unauthorized()
    if route.name == "openalex.rate_limit":
        if key is None:
            return compact({"error": "Authentication required", "message": "Pass api_key"}, 401)
        pool = store.pool(key)
        return compact(
            {
                "api_key": key[:3] + "..." + key[-3:],
                "rate_limit": {
                    "credits_limit": pool.limit,
                    "credits_used": pool.used,
                    "credits_remaining": pool.remaining,
                    "resets_in_seconds": seconds_to_midnight(),
                },
            }
        )
    handler = HANDLERS.get(route.name)
    if handler is None:
        return _not_found()
    singleton = route.name in {"openalex.work", "openalex.author"}
    try:
        params = _params(call)
    except ApiError as error:
        return error.response
    cost = _cost(params, singleton)
    pool = store.pool(key)
    with store.lock:
        if cost > pool.remaining:
            return budget_spent(store, key, cost)
        pool.used += cost  # a 400 costs too (recorded: `opt_filter_names.yml`)
    try:
        response = handler(store, call, params)
    except ApiError as error:
        response = error.response
    response.headers.extend(budget_headers(store, key, cost))
    return response
