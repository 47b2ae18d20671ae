"""Semantic Scholar Graph API client: author search, author papers, batches.

Turns JSON payloads into ``models`` dataclasses, keeping each raw payload. Quirks
it handles (docs/sources.md, Semantic Scholar's quirks): hyphenated search terms
match nothing, so hyphens become spaces (SPEC ``/author/search``); an empty result
has no ``data`` key; pages follow ``next`` until it is absent; only the first
10,000 items of a list are reachable and the next page then fails with 400
"Requested data for this limit and/or offset is not available" (s2-folks #96);
batches answer ``null`` for unknown ids.

It must not cache, merge or decide anything: that is ``sync``'s job.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from scholarcli.errors import NotFoundError
from scholarcli.models import Author, AuthorRef, Paper
from scholarcli.sources.http import HttpClient, RetryableResponse, error_message

AUTHOR_FIELDS = "name,affiliations,homepage,paperCount,citationCount,hIndex,url"
PAPER_FIELDS = (
    "title,year,publicationDate,venue,externalIds,citationCount,"
    "influentialCitationCount,authors,abstract,url"
    # What `scholar export` needs for @article vs @inproceedings, volume and pages.
    ",publicationTypes,journal"
)
# Only what the count-check of a refresh needs.
PAPER_COUNT_FIELDS = "citationCount,influentialCitationCount"
PAGE_LIMIT = 1000
AUTHOR_BATCH = 1000
PAPER_BATCH = 500
PAST_END = "Requested data for this limit and/or offset is not available"
ARXIV_DOI_PREFIX = "10.48550/arxiv."


def search_query(name: str) -> str:
    """The query S2 can match: hyphens and other punctuation become spaces."""
    cleaned = re.sub(r"[\-‐-―_/\\,;:()\[\]{}\"'?&#+=*<>|!]+", " ", name)
    return " ".join(cleaned.split())


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise RetryableResponse("malformed JSON") from exc


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_author(obj: dict[str, Any]) -> Author:
    if not isinstance(obj, dict) or not obj.get("authorId"):
        raise RetryableResponse("author without authorId")
    papers = obj.get("papers") or []
    dated = sorted(
        (p for p in papers if isinstance(p, dict) and p.get("title")),
        key=lambda p: p.get("publicationDate") or str(p.get("year") or ""),
        reverse=True,
    )
    return Author(
        author_id=str(obj["authorId"]),
        name=str(obj.get("name") or ""),
        affiliations=[str(a) for a in obj.get("affiliations") or [] if a],
        paper_count=_int(obj.get("paperCount")),
        citation_count=_int(obj.get("citationCount")),
        h_index=_int(obj.get("hIndex")),
        url=obj.get("url"),
        homepage=obj.get("homepage"),
        recent_titles=[str(p["title"]) for p in dated[:2]],
        raw={k: v for k, v in obj.items() if k != "papers"},
    )


def normalise_doi(doi: str | None) -> str | None:
    if not doi:
        return None
    doi = doi.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
    return doi.lower() or None


def parse_paper(obj: dict[str, Any]) -> Paper:
    if not isinstance(obj, dict) or not obj.get("paperId"):
        raise RetryableResponse("paper without paperId")
    external = obj.get("externalIds") or {}
    arxiv_id = external.get("ArXiv") or None
    doi = normalise_doi(external.get("DOI"))
    # arXiv-only papers carry arXiv's DataCite DOI; it names the preprint, not a journal
    # version (docs/sources.md, arXiv's quirks), so it must not merge a preprint with a publication.
    if doi and doi.startswith(ARXIV_DOI_PREFIX):
        arxiv_id = arxiv_id or doi[len(ARXIV_DOI_PREFIX) :]
        doi = None
    authors = [
        AuthorRef(str(a["authorId"]) if a.get("authorId") else None, str(a.get("name") or ""))
        for a in obj.get("authors") or []
        if isinstance(a, dict)
    ]
    return Paper(
        paper_id=str(obj["paperId"]),
        title=" ".join(str(obj.get("title") or "").split()),
        year=_int(obj.get("year")),
        publication_date=obj.get("publicationDate") or None,
        venue=str(obj.get("venue") or ""),
        arxiv_id=str(arxiv_id) if arxiv_id else None,
        doi=doi,
        citations=_int(obj.get("citationCount")) or 0,
        influential_citations=_int(obj.get("influentialCitationCount")) or 0,
        authors=authors,
        abstract=obj.get("abstract") or None,
        url=obj.get("url") or None,
        raw=obj,
    )


def _page(response: requests.Response, expect_items: bool = False) -> dict[str, Any]:
    body = _json(response)
    if response.status_code == 400:
        # Past the reachable end of a list: a normal end of results, not an error.
        return {"data": [], "_past_end": True}
    if not isinstance(body, dict) or not isinstance(body.get("data", []), list):
        raise RetryableResponse("unexpected page shape")
    nxt = body.get("next")
    if nxt is not None:
        # A page that promises more must hold exactly the items up to `next`; an empty
        # or short page here would silently drop papers (the API has answered empty
        # pages under load), so it is asked again rather than trusted.
        offset, data = body.get("offset", 0), body.get("data") or []
        if not isinstance(nxt, int) or not isinstance(offset, int) or nxt != offset + len(data):
            raise RetryableResponse(f"page at offset {offset} does not reach next={nxt}")
        if not data:
            raise RetryableResponse(f"empty page at offset {offset} although more exist")
    elif expect_items and not body.get("data") and body.get("offset", 0) == 0:
        # The profile counts papers but the list came back empty: an "unexpectedly
        # empty page" (as arXiv users know them), asked again rather than stored.
        raise RetryableResponse("empty paper list for an author with papers")
    return body


def _past_end(response: requests.Response) -> bool:
    if response.status_code != 400:
        return False
    try:
        return PAST_END in str(response.json().get("error", ""))
    except (ValueError, AttributeError):
        return False


@dataclass
class PaperPages:
    """Result of walking an author's paper list."""

    papers: list[Paper]
    truncated: bool


class SemanticScholar:
    def __init__(self, http: HttpClient, base_url: str) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def _url(self, *parts: str) -> str:
        return "/".join([self.base_url, *(quote(p, safe="") for p in parts)])

    def search_authors(
        self, name: str, *, limit: int = 100, with_papers: bool = False
    ) -> list[Author]:
        """Authors matching ``name`` (one page; S2 ranks them)."""
        query = search_query(name)
        if not query:
            return []
        fields = AUTHOR_FIELDS + (
            ",papers.title,papers.year,papers.publicationDate" if with_papers else ""
        )
        body = self.http.request(
            "GET",
            self._url("author", "search"),
            _page,
            params={"query": query, "fields": fields, "limit": limit},
        )
        return [parse_author(a) for a in body.get("data") or []]

    def author(self, author_id: str) -> Author:
        def parse(response: requests.Response) -> Author | None:
            if response.status_code == 404:
                return None
            return parse_author(_json(response))

        found = self.http.request(
            "GET",
            self._url("author", author_id),
            parse,
            params={"fields": AUTHOR_FIELDS},
            accept=lambda r: r.status_code == 404,
        )
        if found is None:
            raise NotFoundError(
                f"no Semantic Scholar author with id {author_id!r}",
                hint="find ids with: scholar find NAME",
            )
        return found

    def author_papers(
        self,
        author_id: str,
        on_page: Callable[[int], None] | None = None,
        *,
        expected: int | None = None,
    ) -> PaperPages:
        """Every paper of an author, pages of ``limit=1000`` following ``next``.

        ``truncated`` is set when S2's 10,000-item cap ended the walk early;
        ``on_page`` is told how many papers each page brought (for progress);
        ``expected`` is the profile's paperCount, so an empty first page is retried.
        """
        papers: list[Paper] = []
        offset = 0
        while True:
            body = self.http.request(
                "GET",
                self._url("author", author_id, "papers"),
                functools.partial(_page, expect_items=offset == 0 and bool(expected)),
                params={"fields": PAPER_FIELDS, "limit": PAGE_LIMIT, "offset": offset},
                accept=_past_end,
            )
            if body.get("_past_end"):
                return PaperPages(papers, truncated=True)
            page = [parse_paper(p) for p in body.get("data") or []]
            papers.extend(page)
            if on_page is not None:
                on_page(len(page))
            nxt = body.get("next")
            if nxt is None:
                return PaperPages(papers, truncated=False)
            offset = nxt

    def authors_batch(self, ids: Sequence[str], fields: str = AUTHOR_FIELDS) -> list[Author | None]:
        """Authors in request order; ``None`` where S2 answered null (unknown id)."""
        result: list[Author | None] = []
        for chunk in _chunks(ids, AUTHOR_BATCH):
            body = self.http.request(
                "POST",
                self._url("author", "batch"),
                functools.partial(_batch, expected=len(chunk)),
                params={"fields": fields},
                json_body={"ids": list(chunk)},
            )
            result.extend(parse_author(a) if a else None for a in body)
        return result

    def papers_batch(self, ids: Sequence[str], fields: str = PAPER_FIELDS) -> list[Paper | None]:
        """Papers in request order; ``None`` where S2 answered null."""
        result: list[Paper | None] = []
        for chunk in _chunks(ids, PAPER_BATCH):
            body = self.http.request(
                "POST",
                self._url("paper", "batch"),
                functools.partial(_paper_batch, expected=len(chunk)),
                params={"fields": fields},
                json_body={"ids": list(chunk)},
                accept=_none_known,
            )
            result.extend(parse_paper(p) if p else None for p in body)
        return result

    def papers_batch_raw(self, ids: Sequence[str], fields: str) -> list[dict[str, Any] | None]:
        """``POST /paper/batch`` for any ``fields`` (``references.paperId``,
        ``embedding.specter_v2``, ...): the JSON objects in request order, ``None``
        where S2 answered null; one request per 500 ids."""
        result: list[dict[str, Any] | None] = []
        for chunk in _chunks(ids, PAPER_BATCH):
            body = self.http.request(
                "POST",
                self._url("paper", "batch"),
                functools.partial(_paper_batch, expected=len(chunk)),
                params={"fields": fields},
                json_body={"ids": list(chunk)},
                accept=_none_known,
            )
            result.extend(p if isinstance(p, dict) else None for p in body)
        return result

    def citation_years(
        self, paper_id: str, on_page: Callable[[int], None] | None = None
    ) -> CitationYearCounts:
        """How many papers citing ``paper_id`` appeared in each year.

        Pages through ``/paper/{id}/citations?fields=year`` with ``limit=1000``
        following ``next``: one request per 1,000 citing papers. Only the first 9,999
        are reachable (offset + limit must stay below 10,000, s2-folks #27), so the last
        page asks for exactly what remains below the cap; when more are listed, or S2
        answers 400 "Requested data ... not available", ``truncated`` is set. Citing
        papers without a year are counted in ``undated``.
        """
        counts = CitationYearCounts()
        offset = 0
        while True:
            limit = min(PAGE_LIMIT, CITATIONS_REACHABLE - offset)
            if limit <= 0:
                counts.truncated = True
                return counts
            body = self.http.request(
                "GET",
                self._url("paper", paper_id, "citations"),
                _page,
                params={"fields": "year", "limit": limit, "offset": offset},
                accept=_past_end,
            )
            if body.get("_past_end"):
                counts.truncated = True
                return counts
            page = body.get("data") or []
            for edge in page:
                citing = edge.get("citingPaper") if isinstance(edge, dict) else None
                year = _int(citing.get("year")) if isinstance(citing, dict) else None
                if year is None:
                    counts.undated += 1
                else:
                    counts.by_year[year] = counts.by_year.get(year, 0) + 1
            if on_page is not None:
                on_page(len(page))
            nxt = body.get("next")
            if nxt is None:
                return counts
            offset = nxt

    def citing_authors(self, paper_id: str) -> CitingPapers:
        """The papers citing ``paper_id`` with their author ids, for papers whose list is
        too long for ``POST /paper/batch`` (its nested lists share 9,999 items).

        Pages through ``/paper/{id}/citations?fields=authors`` with ``limit=1000``: one
        request per 1,000 citing papers, the first 9,999 reachable (as ``citation_years``);
        past that ``truncated`` is set. A citing paper without a paperId is S2's
        unresolved one and is left out.
        """
        found = CitingPapers()
        offset = 0
        while True:
            limit = min(PAGE_LIMIT, CITATIONS_REACHABLE - offset)
            if limit <= 0:
                found.truncated = True
                return found
            body = self.http.request(
                "GET",
                self._url("paper", paper_id, "citations"),
                _page,
                params={"fields": "authors", "limit": limit, "offset": offset},
                accept=_past_end,
            )
            if body.get("_past_end"):
                found.truncated = True
                return found
            for edge in body.get("data") or []:
                citing = edge.get("citingPaper") if isinstance(edge, dict) else None
                entry = citing_entry(citing)
                if entry is not None:
                    found.citers.append(entry)
            nxt = body.get("next")
            if nxt is None:
                return found
            offset = nxt

    def search_papers(
        self, query: str, fields: str, filters: Mapping[str, str], *, offset: int, limit: int
    ) -> dict[str, Any]:
        """One page of ``GET /paper/search`` (relevance): ``{total, offset, next?, data}``.

        ``data`` is absent when nothing matches (FIX test_empty_paginated_results) and
        is then returned as an empty list; a 400 past S2's 1,000-result window ends the
        results (``_past_end`` is set) rather than failing.
        """
        body = self.http.request(
            "GET",
            self._url("paper", "search"),
            _page,
            params={"query": query, "fields": fields, "offset": offset, "limit": limit, **filters},
            accept=_past_end,
        )
        body.setdefault("data", [])
        return body

    def search_papers_bulk(
        self, query: str, fields: str, filters: Mapping[str, str], *, sort: str, token: str | None
    ) -> dict[str, Any]:
        """One page of ``GET /paper/search/bulk``: ``{total, token, data}``, 1,000 a page.

        The last page has ``token: null``; S2 may also end early with a null token when
        its budget runs out (docs/sources.md, Semantic Scholar's quirks), which the
        caller sees as fewer than ``total``.
        """
        params: dict[str, Any] = {"query": query, "fields": fields, "sort": sort, **filters}
        if token:
            params["token"] = token
        body = self.http.request(
            "GET", self._url("paper", "search", "bulk"), _bulk_page, params=params
        )
        return body

    def match_title(self, title: str, fields: str) -> dict[str, Any] | None:
        """``GET /paper/search/match``: the closest title's paper, or None on S2's 404
        "Title match not found" (FIX test_bad_titles)."""

        def parse(response: requests.Response) -> dict[str, Any] | None:
            if response.status_code == 404:
                return None
            body = _json(response)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise RetryableResponse("unexpected title match shape")
            return data[0] if data and isinstance(data[0], dict) else None

        return self.http.request(
            "GET",
            self._url("paper", "search", "match"),
            parse,
            params={"query": title, "fields": fields},
            accept=lambda r: r.status_code == 404,
        )

    def paper_edges(
        self, paper_id: str, direction: str, fields: str, *, offset: int, limit: int
    ) -> dict[str, Any] | None:
        """One page of ``/paper/{id}/citations`` or ``/references`` (``direction``):
        ``{offset, next?, data:[{isInfluential, intents, citingPaper|citedPaper}]}``.

        None when S2 knows no such paper (404). Past the 9,999-item window S2 answers
        400 "Requested data ... not available"; that page comes back with ``_past_end``.
        """

        def parse(response: requests.Response) -> dict[str, Any] | None:
            if response.status_code == 404:
                return None
            return _page(response)

        return self.http.request(
            "GET",
            self._url("paper", paper_id, direction),
            parse,
            params={"fields": fields, "offset": offset, "limit": limit},
            accept=lambda r: r.status_code == 404 or _past_end(r),
        )


def _bulk_page(response: requests.Response) -> dict[str, Any]:
    body = _json(response)
    if not isinstance(body, dict) or not isinstance(body.get("data", []), list):
        raise RetryableResponse("unexpected bulk page shape")
    token = body.get("token")
    if token is not None and not isinstance(token, str):
        raise RetryableResponse("unexpected bulk token")
    body.setdefault("data", [])
    return body


def _batch(response: requests.Response, expected: int) -> list[Any]:
    body = _json(response)
    if not isinstance(body, list) or len(body) != expected:
        raise RetryableResponse("batch answer does not match the request")
    return body


# When it knows none of a batch's ids, /paper/batch answers 400 {"error": "No valid
# paper ids given"} instead of a list of nulls: that is "not found", not a failure.
NO_VALID_PAPER_IDS = "No valid paper ids given"


def _none_known(response: requests.Response) -> bool:
    return response.status_code == 400 and error_message(response).startswith(NO_VALID_PAPER_IDS)


def _paper_batch(response: requests.Response, expected: int) -> list[Any]:
    if _none_known(response):
        return [None] * expected
    return _batch(response, expected)


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# /paper/{id}/citations serves items while offset + limit < 10,000 (s2-folks #27).
CITATIONS_REACHABLE = 9_999


@dataclass
class CitationYearCounts:
    """Citing papers of one paper counted by their year (see ``citation_years``)."""

    by_year: dict[int, int] = field(default_factory=dict)
    undated: int = 0
    truncated: bool = False


@dataclass
class CitingPapers:
    """Citing papers of one paper as ``(paperId, author ids)`` (see ``citing_authors``)."""

    citers: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    truncated: bool = False


def citing_entry(citing: Any) -> tuple[str, tuple[str, ...]] | None:
    """``(paperId, author ids)`` of a citing paper object; None when S2 has no paperId."""
    if not isinstance(citing, dict) or not citing.get("paperId"):
        return None
    listed = citing.get("authors")
    authors: list[Any] = listed if isinstance(listed, list) else []
    ids = tuple(str(a["authorId"]) for a in authors if isinstance(a, dict) and a.get("authorId"))
    return str(citing["paperId"]), ids


# What a refresh's count check asks of /author/batch (scholarcli.tracking.refresh): enough to see
# whether an id gained papers or citations, and to keep its cached author row current.
AUTHOR_COUNT_FIELDS = "name,paperCount,citationCount,hIndex"
