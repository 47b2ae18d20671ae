"""OpenAlex API client: authors, an author's complete works, works by id, search.

Turns JSON into ``models`` dataclasses (source-neutral; fields OpenAlex lacks, such
as influential citations, are None), keeping each raw record so the cache can be
re-parsed offline. What it handles (docs/sources.md has the evidence and the costs):

- every id is a URL (``https://openalex.org/W…``): short ids are kept;
- lists are paged by cursor (``cursor=*``, then ``meta.next_cursor``), which has no
  10,000-result cap; the walk stops on ``next_cursor: null`` *or* an empty page (the
  server has answered both ways), or once ``meta.count`` works are in hand, and never
  sends a null cursor;
- OR filters hold at most 100 values (``MAX_OR``); ``select=`` names only the fields
  parsed here; paid-only parameters (updated/created-date filters and sorts) are
  refused before anything is sent (``check_params``);
- the 100-author trap: list pages cut ``authorships`` at 100, and a list filtered by
  author id misses works where the person is past position 100. ``author_works``
  re-reads cut works one by one (records by id cost nothing) and, when fewer works came
  back than the author's ``works_count``, sweeps ``raw_author_name.search`` over works
  with more than 100 authors, keeping only those whose full record lists the author id;
- arXiv ids exist only as the ``10.48550/arxiv.*`` DOI or an arXiv location.

It must not cache, merge or decide freshness (that is the profile layer's job), and
never puts the API key anywhere but the ``api_key`` query parameter, which
``sources.http`` redacts in every URL it shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from scholarcli.errors import NotFoundError
from scholarcli.models import Author, AuthorRef, Institution, Paper
from scholarcli.sources.http import HttpClient, RetryableResponse

SOURCE_NAME = "OpenAlex"
ID_PREFIX = "https://openalex.org/"
ORCID_PREFIX = "https://orcid.org/"
ARXIV_DOI_PREFIX = "10.48550/arxiv."
# Documented maximum (the server allows 200, the 2026 docs say 100; docs/sources.md).
PER_PAGE = 100
MAX_OR = 100  # values in one OR filter (the server's MAX_IDS_IN_FILTER)
# list pages cut authorships at this many authors
AUTHORSHIP_CAP = 100
# At most this many sweep candidates (10 pages, 100 credits) for one author.
SWEEP_LIMIT = 1000
AUTHOR_SELECT = (
    "id,display_name,display_name_alternatives,orcid,works_count,cited_by_count,"
    "summary_stats,affiliations,last_known_institutions"
)
WORK_SELECT = (
    "id,doi,title,publication_year,publication_date,type,primary_location,locations,"
    "authorships,is_authors_truncated,cited_by_count,counts_by_year,fwci,"
    "citation_normalized_percentile,is_retracted,primary_topic,abstract_inverted_index,"
    "biblio"
)
# What a refresh's count check needs (OR-filtered list calls, 100 works a credit).
COUNT_SELECT = "id,cited_by_count,counts_by_year,fwci,citation_normalized_percentile,is_retracted"
# Filters and sorts only paid plans may send (the proxy answers "Plan upgrade required").
PAID_FILTER = re.compile(r"(?:^|,)!?(?:from_|to_)?(?:updated|created)_date:", re.IGNORECASE)
PAID_SORT = re.compile(r"(?:^|,)(?:updated|created)_date", re.IGNORECASE)
_FILTER_UNSAFE = re.compile(r"[,|!+:\"*()\[\]{}<>\\]+")
_ARXIV_ABS = re.compile(r"arxiv\.org/(?:abs|pdf)/([^?#\s]+?)(?:v\d+)?(?:\.pdf)?/?$", re.IGNORECASE)

KEYLESS_NOTE = (
    "OpenAlex: no OPENALEX_API_KEY set, so this runs on the keyless budget of 1,000 "
    "credits a day (a profile costs about 1 credit per 100 works); a free key from "
    "openalex.org raises it to 10,000 (docs/sources.md)"
)
BUDGET_HINT_KEYLESS = (
    "set OPENALEX_API_KEY to a free key (10,000 credits a day instead of 1,000), or wait "
    "for the reset; cached profiles still answer with --offline"
)
BUDGET_HINT_KEYED = "wait for the reset, or answer from the cache with --offline"


def check_params(params: Mapping[str, Any]) -> None:
    """Refuse parameters only paid plans may send: they would cost a credit and fail."""
    for name in ("filter", "sort"):
        value = str(params.get(name) or "")
        pattern = PAID_FILTER if name == "filter" else PAID_SORT
        if pattern.search(value):
            raise ValueError(f"OpenAlex {name}={value!r} needs a paid plan; scholar never sends it")


def short_id(value: Any) -> str | None:
    """``W2741809807`` from ``https://openalex.org/W2741809807`` (or the short form)."""
    if not isinstance(value, str) or not value:
        return None
    return value[len(ID_PREFIX) :] if value.startswith(ID_PREFIX) else value.rsplit("/", 1)[-1]


_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")


def bare_orcid(value: Any) -> str | None:
    """``0000-0002-1825-0097`` from any form; None for anything that is not an ORCID
    (a source's text reaches the terminal, so only the well-formed id passes)."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    for prefix in (ORCID_PREFIX, "http://orcid.org/", "orcid:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    value = value.upper()
    return value if _ORCID.fullmatch(value) else None


def normalise_doi(doi: Any) -> str | None:
    if not isinstance(doi, str) or not doi.strip():
        return None
    doi = doi.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
    return doi.lower() or None


def filter_text(text: str) -> str:
    """A name made safe inside a filter value: no commas, ORs, negations or quotes."""
    return " ".join(_FILTER_UNSAFE.sub(" ", text).split())


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise RetryableResponse("malformed JSON") from exc


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def abstract_text(inverted: Any) -> str | None:
    """The abstract from OpenAlex's ``abstract_inverted_index`` (word -> positions)."""
    if not isinstance(inverted, dict) or not inverted:
        return None
    slots: dict[int, str] = {}
    for word, positions in inverted.items():
        if isinstance(positions, list):
            for position in positions:
                if isinstance(position, int) and position >= 0:
                    slots[position] = str(word)
    return " ".join(slots[i] for i in sorted(slots)) or None


def arxiv_id_of(obj: Mapping[str, Any]) -> str | None:
    """The arXiv id of a work: its DataCite DOI, else an arXiv location's landing page."""
    doi = normalise_doi(obj.get("doi"))
    if doi and doi.startswith(ARXIV_DOI_PREFIX):
        return doi[len(ARXIV_DOI_PREFIX) :]
    for location in obj.get("locations") or []:
        if not isinstance(location, dict):
            continue
        for key in ("landing_page_url", "pdf_url"):
            match = _ARXIV_ABS.search(str(location.get(key) or ""))
            if match:
                return match.group(1)
    return None


def _institution(obj: Any, years: Iterable[Any] = ()) -> Institution | None:
    if not isinstance(obj, dict) or not obj.get("display_name"):
        return None
    ror = obj.get("ror")
    return Institution(
        name=str(obj["display_name"]),
        ror=str(ror) if ror else None,
        country_code=str(obj["country_code"]) if obj.get("country_code") else None,
        years=tuple(sorted({y for y in years if isinstance(y, int)}, reverse=True)),
    )


def is_tombstone(obj: Mapping[str, Any]) -> bool:
    """OpenAlex keeps deleted authors as "Deleted Author" records with nothing in them."""
    return obj.get("display_name") == "Deleted Author" and not obj.get("works_count")


def parse_author(obj: Any) -> Author:
    if not isinstance(obj, dict) or not short_id(obj.get("id")):
        raise RetryableResponse("author without id")
    history = [
        inst
        for inst in (
            _institution(a.get("institution"), a.get("years") or [])
            for a in obj.get("affiliations") or []
            if isinstance(a, dict)
        )
        if inst is not None
    ]
    history.sort(key=lambda i: (i.years[0] if i.years else 0, i.name), reverse=True)
    last = obj.get("last_known_institutions")
    if last is None and isinstance(obj.get("last_known_institution"), dict):
        last = [obj["last_known_institution"]]  # the 2023 schema had one
    current = [i.name for i in (_institution(x) for x in last or []) if i is not None]
    stats = _dict(obj.get("summary_stats"))
    author_id = str(short_id(obj["id"]))
    return Author(
        author_id=author_id,
        name=str(obj.get("display_name") or ""),
        affiliations=current or [i.name for i in history[:1]],
        paper_count=_int(obj.get("works_count")),
        citation_count=_int(obj.get("cited_by_count")),
        h_index=_int(stats.get("h_index")),
        url=ID_PREFIX + author_id,
        raw=obj,
        source="openalex",
        orcid=bare_orcid(obj.get("orcid")),
        i10_index=_int(stats.get("i10_index")),
        institutions=history,
        alternative_names=[str(n) for n in obj.get("display_name_alternatives") or [] if n],
    )


def authorship_refs(obj: Mapping[str, Any]) -> list[AuthorRef]:
    refs = []
    for authorship in obj.get("authorships") or []:
        if not isinstance(authorship, dict):
            continue
        author = _dict(authorship.get("author"))
        name = author.get("display_name") or authorship.get("raw_author_name") or ""
        refs.append(AuthorRef(short_id(author.get("id")), str(name)))
    return refs


def is_cut(obj: Mapping[str, Any]) -> bool:
    """Whether a list page cut this work's authorships (the flag, or exactly the cap)."""
    # The flag is serialised only when the index has it (absent in every recording), so
    # a full house of exactly 100 authorships is taken as a cut too.
    authorships = obj.get("authorships") or []
    return bool(obj.get("is_authors_truncated")) or len(authorships) >= AUTHORSHIP_CAP


def parse_work(obj: Any) -> Paper:
    if not isinstance(obj, dict) or not short_id(obj.get("id")):
        raise RetryableResponse("work without id")
    work_id = str(short_id(obj["id"]))
    arxiv_id = arxiv_id_of(obj)
    doi = normalise_doi(obj.get("doi"))
    if doi and doi.startswith(ARXIV_DOI_PREFIX):
        doi = None  # it names the preprint, as for S2 (docs/sources.md)
    primary = _dict(obj.get("primary_location"))
    venue_source = _dict(primary.get("source"))
    percentile = obj.get("citation_normalized_percentile")
    topic = obj.get("primary_topic")
    counts = {
        int(c["year"]): int(c.get("cited_by_count") or 0)
        for c in obj.get("counts_by_year") or []
        if isinstance(c, dict) and isinstance(c.get("year"), int)
    }
    retracted = obj.get("is_retracted")
    return Paper(
        paper_id=work_id,
        title=" ".join(str(obj.get("title") or obj.get("display_name") or "").split()),
        year=_int(obj.get("publication_year")),
        publication_date=obj.get("publication_date") or None,
        venue=str(venue_source.get("display_name") or ""),
        arxiv_id=arxiv_id,
        doi=doi,
        citations=_int(obj.get("cited_by_count")) or 0,
        influential_citations=None,
        authors=authorship_refs(obj),
        abstract=abstract_text(obj.get("abstract_inverted_index")),
        url=ID_PREFIX + work_id,
        raw=obj,
        openalex_id=work_id,
        fwci=_float(obj.get("fwci")),
        citation_normalized_percentile=(
            _float(percentile.get("value")) if isinstance(percentile, dict) else None
        ),
        is_retracted=retracted if isinstance(retracted, bool) else None,
        topic=str(topic["display_name"])
        if isinstance(topic, dict) and topic.get("display_name")
        else None,
        counts_by_year=counts or None,
    )


def _list_page(response: requests.Response) -> dict[str, Any]:
    body = _json(response)
    if not isinstance(body, dict) or not isinstance(body.get("results", None), list):
        raise RetryableResponse("unexpected list shape")
    if not isinstance(body.get("meta", {}), dict):
        raise RetryableResponse("unexpected list meta")
    return body


def _record(response: requests.Response) -> dict[str, Any] | None:
    if response.status_code == 404:
        return None
    body = _json(response)
    if not isinstance(body, dict) or not body.get("id"):
        raise RetryableResponse("record without id")
    return body


@dataclass
class WorkList:
    """An author's complete works, and how the 100-author trap was handled."""

    works: list[Paper]
    listed: int = 0  # works the author-id filter returned
    refetched: int = 0  # works re-read by id because a list page cut their authors
    swept: bool = False  # whether the raw_author_name sweep ran
    recovered: list[str] = field(default_factory=list)  # found only by the sweep
    expected: int | None = None  # OpenAlex's works_count


class OpenAlex:
    def __init__(self, http: HttpClient, base_url: str, api_key: str | None = None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key

    def __repr__(self) -> str:  # never the key
        return f"OpenAlex({self.base_url!r}, keyed={self._api_key is not None})"

    @property
    def keyed(self) -> bool:
        return self._api_key is not None

    def _get(
        self,
        path: str,
        parse: Callable[[requests.Response], Any],
        params: Mapping[str, Any] | None = None,
        *,
        accept_404: bool = False,
    ) -> Any:
        query = dict(params or {})
        check_params(query)
        if self._api_key:
            query["api_key"] = self._api_key
        return self.http.request(
            "GET",
            self.base_url + path,
            parse,
            params=query,
            accept=(lambda r: r.status_code == 404) if accept_404 else None,
        )

    # ------------------------------------------------------------- singletons (free)
    def author(self, author_id: str) -> Author:
        """One author by OpenAlex id (``A…``) or ``orcid:…``; a merged id is followed."""
        body = self._get(
            "/authors/" + quote(author_id, safe=":"),
            _record,
            {"select": AUTHOR_SELECT},
            accept_404=True,
        )
        if body is None or is_tombstone(body):
            raise NotFoundError(
                f"no OpenAlex author with id {author_id!r}",
                hint="find ids with: scholar find NAME --source openalex",
            )
        return parse_author(body)

    def work(self, work_id: str) -> Paper | None:
        """One work by id (``W…``, ``doi:10.…``, ``pmid:…``); None when unknown.

        A DOI goes as ``doi:10.…``: the ``https://doi.org/…`` form is priced as a list.
        """
        body = self._get(
            "/works/" + quote(work_id, safe=":/"),
            _record,
            {"select": WORK_SELECT},
            accept_404=True,
        )
        return None if body is None else parse_work(body)

    # ------------------------------------------------------------------- lists
    def pages(
        self, path: str, params: Mapping[str, Any], *, limit: int | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], int | None]]:
        """Cursor pages of a list as (results, meta.count), until the list ends."""
        cursor = "*"
        seen = 0
        total: int | None = None

        def parse(response: requests.Response) -> dict[str, Any]:
            body = _list_page(response)
            count = _int(_dict(body.get("meta")).get("count"))
            # An empty page while meta.count (the first page's, or this one's) promises
            # more would end the walk short: asked again rather than trusted.
            promised = total if total is not None else count
            if not body["results"] and promised is not None and seen < promised:
                raise RetryableResponse(f"empty page after {seen} of {promised} results")
            return body

        while True:
            query = {**params, "per_page": min(PER_PAGE, limit or PER_PAGE), "cursor": cursor}
            body = self._get(path, parse, query)
            results = [r for r in body["results"] if isinstance(r, dict)]
            meta = _dict(body.get("meta"))
            total = _int(meta.get("count")) if total is None else total
            if results:
                yield results, total
            seen += len(results)
            nxt = meta.get("next_cursor")
            # Both end signals occur: a null next_cursor (since 2026-04), or a last
            # page with a cursor that leads to an empty page (before). Stopping at
            # meta.count saves that empty page; a null cursor is never sent back.
            if not results or not isinstance(nxt, str) or nxt.lower() in {"", "null", "none"}:
                return
            if (total is not None and seen >= total) or (limit is not None and seen >= limit):
                return
            cursor = nxt

    def search_authors(self, name: str, *, limit: int = 25) -> list[Author]:
        """Authors matching ``name``, OpenAlex's ranking (one page; 10 credits)."""
        query = filter_text(name)
        if not query:
            return []
        body = self._get(
            "/authors",
            _list_page,
            {"search": query, "select": AUTHOR_SELECT, "per_page": min(limit, PER_PAGE)},
        )
        return [
            parse_author(a) for a in body["results"] if isinstance(a, dict) and not is_tombstone(a)
        ]

    def authors_by_orcid(self, orcid: str) -> list[Author]:
        """Every author record carrying this ORCID (a person may be split; 1 credit)."""
        body = self._get(
            "/authors",
            _list_page,
            {"filter": f"orcid:{bare_orcid(orcid)}", "select": AUTHOR_SELECT, "per_page": 50},
        )
        return [parse_author(a) for a in body["results"] if isinstance(a, dict)]

    def search_works(self, query: str, *, limit: int = 25) -> list[Paper]:
        """Works matching ``query`` by relevance (10 credits a page)."""
        text = " ".join(query.split())
        if not text:
            return []
        works: list[Paper] = []
        for results, _ in self.pages(
            "/works", {"search": text, "select": WORK_SELECT}, limit=limit
        ):
            works.extend(parse_work(r) for r in results)
        return works[:limit]

    def works_by_filter(self, filter_value: str, *, limit: int = PER_PAGE) -> list[Paper]:
        """The first ``limit`` works of a filter (1 credit a page)."""
        works: list[Paper] = []
        for results, _ in self.pages(
            "/works", {"filter": filter_value, "select": WORK_SELECT}, limit=limit
        ):
            works.extend(parse_work(r) for r in results)
        return works[:limit]

    def works_by_ids(
        self, work_ids: Sequence[str], *, select: str = COUNT_SELECT
    ) -> dict[str, Paper]:
        """Works by id, ``MAX_OR`` ids an OR-filtered list call (1 credit each).

        Ids OpenAlex no longer knows (or merged away) are absent from the answer.
        """
        found: dict[str, Paper] = {}
        ids = list(dict.fromkeys(i for i in work_ids if i))
        for start in range(0, len(ids), MAX_OR):
            chunk = ids[start : start + MAX_OR]
            params = {"filter": "openalex:" + "|".join(chunk), "select": select}
            for results, _ in self.pages("/works", params):
                for obj in results:
                    paper = parse_work(obj)
                    found[paper.paper_id] = paper
        return found

    def works_by_dois(self, dois: Sequence[str], *, select: str = WORK_SELECT) -> dict[str, Paper]:
        """Works by DOI (bare, any case), ``MAX_OR`` a call (1 credit each), keyed by DOI.

        An arXiv id goes as its DataCite DOI ``10.48550/arxiv.<id>``; the answer is keyed
        by the DOI asked for, so such a work is found under that DOI.
        """
        found: dict[str, Paper] = {}
        wanted = list(dict.fromkeys(d for d in (normalise_doi(x) for x in dois) if d))
        for start in range(0, len(wanted), MAX_OR):
            chunk = wanted[start : start + MAX_OR]
            params = {"filter": "doi:" + "|".join(chunk), "select": select}
            for results, _ in self.pages("/works", params):
                for obj in results:
                    paper = parse_work(obj)
                    doi = normalise_doi(obj.get("doi"))
                    if doi:
                        found[doi] = paper
        return found

    def author_works(
        self, author: Author, on_page: Callable[[int], None] | None = None
    ) -> WorkList:
        """Every work of one OpenAlex author, the 100-author trap included (module doc)."""
        works: dict[str, Paper] = {}
        cut: list[str] = []
        params = {"filter": f"authorships.author.id:{author.author_id}", "select": WORK_SELECT}
        for results, _ in self.pages("/works", params):
            for obj in results:
                paper = parse_work(obj)
                works.setdefault(paper.paper_id, paper)
                if is_cut(obj):
                    cut.append(paper.paper_id)
            if on_page is not None:
                on_page(len(results))
        result = WorkList([], listed=len(works), expected=author.paper_count)
        for work_id in dict.fromkeys(cut):  # full authorships from the record (free)
            full = self.work(work_id)
            if full is not None:
                works[work_id] = full
                result.refetched += 1
        if author.paper_count is not None and len(works) < author.paper_count and author.name:
            result.swept = True
            for work_id in self._sweep(author, set(works)):
                if len(works) >= author.paper_count:
                    break  # every work OpenAlex counts is in hand
                full = self.work(work_id)
                if full is not None and any(a.author_id == author.author_id for a in full.authors):
                    works[work_id] = full
                    result.recovered.append(work_id)
        result.works = list(works.values())
        return result

    def _sweep(self, author: Author, known: set[str]) -> list[str]:
        """Works with more than 100 authors whose byline has the author's name."""
        name = filter_text(author.name)
        params = {
            "filter": f"raw_author_name.search:{name},authors_count:>{AUTHORSHIP_CAP}",
            "select": "id",
        }
        found: list[str] = []
        for results, _ in self.pages("/works", params, limit=SWEEP_LIMIT):
            found.extend(
                i for i in (short_id(r.get("id")) for r in results) if i and i not in known
            )
        return list(dict.fromkeys(found))
