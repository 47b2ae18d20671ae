"""A profile's paper (S2 ``Paper`` plus its cached arXiv entry) as a paper record.

``scholar export NAME`` formats an author's papers from the profile cache; the
formats take the record of ``scholar paper -f json``, so this builds that record from
what the profile has: S2's paper (its raw payload too, so fields the author list does
not ask for today, such as ``publicationTypes`` and ``journal``, are used as soon as a
cached payload has them) and arXiv's entry (primary category, v1 date, comment).
Conventions are the profile's (``profile.merge.profile_papers``): ``date`` is the arXiv
v1 date else S2's publication date, ``code_url`` the first repository link.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scholarcli.categories import canonical
from scholarcli.indicators import metrics
from scholarcli.models import ArxivEntry, Paper
from scholarcli.profile.merge import find_code_url


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _journal(raw: Any) -> dict[str, str | None] | None:
    if not isinstance(raw, Mapping):
        return None
    found = {
        key: (str(raw[key]).strip() or None) if raw.get(key) else None
        for key in ("name", "volume", "pages")
    }
    return found if any(found.values()) else None


def _tldr(raw: Any) -> str | None:
    if isinstance(raw, Mapping) and raw.get("text"):
        return str(raw["text"])
    return None


def _pdf_url(raw: Any, arxiv_id: str | None) -> str | None:
    if isinstance(raw, Mapping) and isinstance(raw.get("url"), str) and raw["url"].strip():
        return str(raw["url"]).strip()
    return f"https://arxiv.org/pdf/{arxiv_id}" if arxiv_id else None


def paper_record(paper: Paper, entry: ArxivEntry | None, as_of_year: int) -> dict[str, Any]:
    """The record of ``scholar paper -f json`` for one profile paper."""
    raw = paper.raw or {}
    date = (entry.published if entry else None) or paper.publication_date
    year = paper.year or (int(date[:4]) if date else None)
    found = raw.get("externalIds")
    external: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    corpus = _int(raw.get("corpusId")) or _int(external.get("CorpusId"))
    categories = [canonical(c) for c in entry.categories] if entry else []
    return {
        "paper_id": paper.paper_id,
        "corpus_id": corpus,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "title": paper.title or (entry.title if entry else ""),
        "authors": [{"name": a.name, "author_id": a.author_id} for a in paper.authors]
        or [{"name": name, "author_id": None} for name in (entry.authors if entry else [])],
        "venue": paper.venue,
        "year": year,
        "date": date,
        "publication_date": paper.publication_date,
        "category": canonical(entry.primary_category) if entry and entry.primary_category else None,
        "categories": list(dict.fromkeys(categories)),
        "citations": paper.citations,
        "influential_citations": paper.influential_citations,
        "references_count": _int(raw.get("referenceCount")),
        "cites_per_year": round(metrics.cites_per_year(paper.citations, year, as_of_year), 2),
        "code_url": find_code_url(
            entry.comment if entry else None, entry.abstract if entry else None, paper.abstract
        ),
        "pdf_url": _pdf_url(raw.get("openAccessPdf"), paper.arxiv_id),
        "tldr": _tldr(raw.get("tldr")),
        "abstract": paper.abstract or (entry.abstract if entry and entry.abstract else None),
        "url": paper.url,
        "publication_types": [str(t) for t in raw.get("publicationTypes") or []],
        "journal": _journal(raw.get("journal")),
        "external_ids": dict(external),
        "arxiv_comment": entry.comment if entry else None,
    }
