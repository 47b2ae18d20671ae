"""arXiv export API client: metadata for known arXiv ids in batches, and queries.

Quirks it handles (docs/sources.md, arXiv's quirks): ``max_results`` defaults to 10
and silently truncates an ``id_list`` (arxiv.py #19), so it is always set to
the batch size; batches stay at 100 ids (longer GETs hit 414); entries come back
in no particular order, so they are matched by id; a malformed id fails the whole
batch, so ids are validated first; errors are Atom feeds whose entry id contains
``/api/errors``; a feed with fewer entries than ``totalResults`` is an
"unexpectedly empty page" and is retried. XML is parsed with defusedxml,
so entity-expansion and external-entity bodies are refused, never expanded.

It must not cache or merge: that is ``sync``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, tostring

import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from scholarcli.errors import SourceError
from scholarcli.ids import normalise_id
from scholarcli.models import ArxivEntry
from scholarcli.sources.http import HttpClient, RetryableResponse

BATCH = 100
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}


def _text(node: Element | None) -> str:
    return " ".join((node.text or "").split()) if node is not None else ""


def _date(value: str) -> str | None:
    value = value.strip()
    return value[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", value) else None


@dataclass
class Feed:
    total: int
    entries: list[ArxivEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_entry(node: Element, raw: str = "") -> ArxivEntry | None:
    id_url = _text(node.find("atom:id", NS))
    ident = normalise_id(
        id_url.replace("http://arxiv.org/abs/", "").replace("https://arxiv.org/abs/", "")
    )
    if ident is None:
        return None
    primary = node.find("arxiv:primary_category", NS)
    doi = node.find("arxiv:doi", NS)
    comment = node.find("arxiv:comment", NS)
    journal = node.find("arxiv:journal_ref", NS)
    return ArxivEntry(
        arxiv_id=ident[0],
        version=ident[1],
        title=_text(node.find("atom:title", NS)),
        abstract=_text(node.find("atom:summary", NS)),
        authors=[_text(a.find("atom:name", NS)) for a in node.findall("atom:author", NS)],
        published=_date(_text(node.find("atom:published", NS))),
        updated=_date(_text(node.find("atom:updated", NS))),
        primary_category=primary.get("term") if primary is not None else None,
        categories=[c.get("term", "") for c in node.findall("atom:category", NS) if c.get("term")],
        comment=_text(comment) or None,
        journal_ref=_text(journal) or None,
        doi=_text(doi) or None,
        raw=raw,
    )


class UnsafeFeedError(ValueError):
    """The body tried entity expansion or external entities."""


def parse_feed(body: bytes) -> Feed:
    """Parse an Atom feed; raise ``RetryableResponse`` for unreadable bodies."""
    try:
        root = fromstring(body)
    except DefusedXmlException as exc:
        # A hostile body will not become valid by asking again: refuse it outright.
        raise UnsafeFeedError(f"refused unsafe XML ({type(exc).__name__})") from exc
    except ParseError as exc:
        raise RetryableResponse("malformed XML") from exc
    if root.tag != f"{{{NS['atom']}}}feed":
        raise RetryableResponse("not an Atom feed")
    total_text = _text(root.find("opensearch:totalResults", NS))
    feed = Feed(total=int(total_text) if total_text.isdigit() else 0)
    for node in root.findall("atom:entry", NS):
        if "/api/errors" in _text(node.find("atom:id", NS)):
            feed.errors.append(_text(node.find("atom:summary", NS)) or "error")
            continue
        entry = parse_entry(node, tostring(node, encoding="unicode"))
        if entry is not None:
            feed.entries.append(entry)
    return feed


class Arxiv:
    def __init__(self, http: HttpClient, url: str) -> None:
        self.http = http
        self.url = url

    def fetch_batches(
        self, ids: Iterable[str]
    ) -> Iterator[tuple[list[str], dict[str, ArxivEntry]]]:
        """Yield ``(requested ids, entries found by id)`` per batch of at most 100.

        Ids must already be canonical (``normalise_id``); ones arXiv does not know
        are simply absent from the dict, as the API drops them silently.
        """
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), BATCH):
            batch = unique[start : start + BATCH]
            feed = self._query(batch)
            found = {e.arxiv_id: e for e in feed.entries if e.arxiv_id in set(batch)}
            yield batch, found

    def search(
        self,
        search_query: str,
        *,
        start: int = 0,
        max_results: int = 100,
        sort_by: str = "submittedDate",
        sort_order: str = "ascending",
    ) -> Feed:
        """One page of an arXiv ``search_query`` (``cat:cs.CL AND submittedDate:[...]``,
        ``ti:``, ``au:``, ``abs:``); ``Feed.total`` is arXiv's ``totalResults``.

        The caller pages with ``start`` and keeps to the shared 3 s pace through the
        one HTTP client; arXiv serves at most 2,000 entries a page (docs/sources.md,
        arXiv's quirks).
        """
        parse: Callable[[requests.Response], Feed] = _checked_feed
        return self.http.request(
            "GET",
            self.url,
            parse,
            params={
                "search_query": search_query,
                "start": start,
                "max_results": max_results,
                "sortBy": sort_by,
                "sortOrder": sort_order,
            },
        )

    def _query(self, batch: Sequence[str]) -> Feed:
        parse: Callable[[requests.Response], Feed] = _checked_feed
        return self.http.request(
            "GET",
            self.url,
            parse,
            params={"id_list": ",".join(batch), "start": 0, "max_results": len(batch)},
        )


def _checked_feed(response: requests.Response) -> Feed:
    try:
        feed = parse_feed(response.content)
    except UnsafeFeedError as exc:
        raise SourceError(f"arXiv: {exc}", source="arXiv") from exc
    if feed.errors:
        raise SourceError("arXiv: " + "; ".join(feed.errors), source="arXiv")
    if not feed.entries and feed.total > 0:
        # arXiv sometimes answers an empty page although results exist (docs/sources.md).
        raise RetryableResponse(f"empty page, {feed.total} results expected")
    return feed
