"""The paper record: one S2 paper (plus its arXiv entry) as ``scholar paper`` prints it.

The same record serves ``scholar paper``, ``scholar search``, ``--citations`` /
``--references`` and ``scholar export``: field names and order are
``PAPER_RECORD_FIELDS``; citation and reference lists add ``EDGE_FIELDS`` in front.
Conventions follow the author profile (docs/design.md, Output): ``doi`` is lower case and
never arXiv's own DataCite DOI, ``date`` is the arXiv v1 date else S2's publication
date, ``category`` the arXiv primary category, ``cites_per_year`` citations / (as-of
year - year + 1), ``code_url`` the first repository link in the arXiv comment or an
abstract.

Pure: no I/O, and no import of the HTTP stack, so a warm lookup stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scholarcli.categories import canonical, is_arxiv_category
from scholarcli.indicators import metrics
from scholarcli.models import ArxivEntry, Paper
from scholarcli.profile.merge import find_code_url

PAPER_RECORD_FIELDS: tuple[str, ...] = (
    "paper_id",
    "corpus_id",
    "arxiv_id",
    "doi",
    "title",
    "authors",
    "venue",
    "year",
    "date",
    "category",
    "categories",
    "citations",
    "influential_citations",
    "references_count",
    "cites_per_year",
    "code_url",
    "pdf_url",
    "tldr",
    "abstract",
    "url",
    "publication_types",
    "journal",
    "publication_date",
    "external_ids",
    "arxiv_comment",
)
#: What a citation or reference adds about the link itself (S2 edge fields).
EDGE_FIELDS: tuple[str, ...] = ("is_influential", "intents", "contexts")
EDGE_RECORD_FIELDS: tuple[str, ...] = (*EDGE_FIELDS, *PAPER_RECORD_FIELDS)

# S2 fields behind a record. Lookups (/paper/batch, /paper/search/match) serve FullPaper,
# so they also get the TLDR; searches and citation lists serve BasePaper only
# (docs/sources.md, Semantic Scholar's quirks), so the same list without it.
_BASE = (
    "externalIds,corpusId,url,title,abstract,venue,year,referenceCount,citationCount,"
    "influentialCitationCount,isOpenAccess,openAccessPdf,fieldsOfStudy,publicationTypes,"
    "publicationDate,journal,authors"
)
LOOKUP_FIELDS = _BASE + ",tldr"
SEARCH_FIELDS = _BASE
EDGE_S2_FIELDS = "isInfluential,intents,contexts," + _BASE

ARXIV_DOI_PREFIX = "10.48550/arxiv."
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


def _doi(raw: Any) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    doi = raw.strip()
    for prefix in _DOI_PREFIXES:
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
    return doi.lower() or None


def _int(value: Any) -> int | None:
    """A count or year as S2 sends it; anything else (negative, text, bool) is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    return None


def ids_of(raw: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(arxiv_id, doi) of an S2 paper; arXiv's DataCite DOI names the preprint, so it
    gives the arXiv id and no DOI (docs/sources.md, arXiv's quirks)."""
    external = raw.get("externalIds")
    if not isinstance(external, Mapping):
        external = {}
    arxiv_id = external.get("ArXiv") if isinstance(external.get("ArXiv"), str) else None
    doi = _doi(external.get("DOI"))
    if doi and doi.startswith(ARXIV_DOI_PREFIX):
        arxiv_id = arxiv_id or doi[len(ARXIV_DOI_PREFIX) :]
        doi = None
    return (str(arxiv_id) if arxiv_id else None), doi


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _journal(raw: Any) -> dict[str, str | None] | None:
    if not isinstance(raw, Mapping):
        return None
    journal = {
        key: (str(raw[key]).strip() or None) if raw.get(key) is not None else None
        for key in ("name", "volume", "pages")
    }
    # S2 sends {"volume": "", "name": ""} for "no journal" (docs/sources.md).
    return journal if any(journal.values()) else None


def _categories(entry: ArxivEntry | None) -> list[str]:
    if entry is None:
        return []
    codes = [canonical(c) for c in entry.categories if c and is_arxiv_category(c)]
    return list(dict.fromkeys(codes))


def _pdf_url(raw: Mapping[str, Any], arxiv_id: str | None) -> str | None:
    oa = raw.get("openAccessPdf")
    # A real openAccessPdf can be {"url": "", "status": null} (FIX 6222d16 search).
    if isinstance(oa, Mapping) and isinstance(oa.get("url"), str) and oa["url"].strip():
        return str(oa["url"]).strip()
    return f"https://arxiv.org/pdf/{arxiv_id}" if arxiv_id else None


def paper_record(
    raw: Mapping[str, Any], entry: ArxivEntry | None, as_of_year: int
) -> dict[str, Any]:
    """The record of one S2 paper object and its arXiv entry (or None)."""
    arxiv_id, doi = ids_of(raw)
    paper_id = str(raw.get("paperId") or "") or None
    published = raw.get("publicationDate") if isinstance(raw.get("publicationDate"), str) else None
    date = (entry.published if entry else None) or published or None
    year = _int(raw.get("year")) or (int(date[:4]) if date and date[:4].isdigit() else None)
    citations = _int(raw.get("citationCount")) or 0
    own_abstract = raw.get("abstract") if isinstance(raw.get("abstract"), str) else None
    abstract = own_abstract or (entry.abstract if entry and entry.abstract else None)
    tldr = raw.get("tldr")
    external = raw.get("externalIds")
    corpus = _int(raw.get("corpusId"))
    if corpus is None and isinstance(external, Mapping):
        corpus = _int(external.get("CorpusId"))
    url = (raw.get("url") if isinstance(raw.get("url"), str) else None) or (
        f"https://www.semanticscholar.org/paper/{paper_id}" if paper_id else None
    )
    return {
        "paper_id": paper_id,
        "corpus_id": corpus,
        "arxiv_id": arxiv_id,
        "doi": doi,
        "title": " ".join(str(raw.get("title") or (entry.title if entry else "")).split()),
        "authors": [
            {
                "name": str(a.get("name") or ""),
                "author_id": str(a["authorId"]) if a.get("authorId") else None,
            }
            for a in _list(raw.get("authors"))
            if isinstance(a, Mapping)
        ]
        or [{"name": name, "author_id": None} for name in (entry.authors if entry else [])],
        "venue": str(raw.get("venue") or ""),
        "year": year,
        "date": date,
        "category": canonical(entry.primary_category) if entry and entry.primary_category else None,
        "categories": _categories(entry),
        "citations": citations,
        "influential_citations": _int(raw.get("influentialCitationCount")) or 0,
        "references_count": _int(raw.get("referenceCount")),
        "cites_per_year": round(metrics.cites_per_year(citations, year, as_of_year), 2),
        "code_url": find_code_url(
            entry.comment if entry else None,
            entry.abstract if entry else None,
            own_abstract,
        ),
        "pdf_url": _pdf_url(raw, arxiv_id),
        "tldr": str(tldr["text"]) if isinstance(tldr, Mapping) and tldr.get("text") else None,
        "abstract": abstract,
        "url": url,
        "publication_types": _strings(raw.get("publicationTypes")),
        "journal": _journal(raw.get("journal")),
        "publication_date": published or None,
        "external_ids": dict(external) if isinstance(external, Mapping) else {},
        "arxiv_comment": entry.comment if entry else None,
    }


def arxiv_record(entry: ArxivEntry, as_of_year: int) -> dict[str, Any]:
    """The record of a paper known only from arXiv (``scholar search --source arxiv``).

    S2's fields (paper_id, citations, ...) are null: arXiv does not count citations.
    """
    year = int(entry.published[:4]) if entry.published and entry.published[:4].isdigit() else None
    doi = _doi(entry.doi)
    return {
        "paper_id": None,
        "corpus_id": None,
        "arxiv_id": entry.arxiv_id,
        "doi": doi,
        "title": entry.title,
        "authors": [{"name": name, "author_id": None} for name in entry.authors],
        "venue": entry.journal_ref or "",
        "year": year,
        "date": entry.published,
        "category": canonical(entry.primary_category) if entry.primary_category else None,
        "categories": _categories(entry),
        "citations": None,
        "influential_citations": None,
        "references_count": None,
        "cites_per_year": None,
        "code_url": find_code_url(entry.comment, entry.abstract),
        "pdf_url": f"https://arxiv.org/pdf/{entry.arxiv_id}",
        "tldr": None,
        "abstract": entry.abstract or None,
        "url": f"https://arxiv.org/abs/{entry.arxiv_id}",
        "publication_types": [],
        "journal": None,
        "publication_date": entry.published,
        "external_ids": {"ArXiv": entry.arxiv_id, **({"DOI": entry.doi} if entry.doi else {})},
        "arxiv_comment": entry.comment,
    }


def edge_record(
    edge: Mapping[str, Any], key: str, entry: ArxivEntry | None, as_of_year: int
) -> dict[str, Any]:
    """A citing (``key='citingPaper'``) or cited (``'citedPaper'``) paper with the edge's
    ``is_influential``, ``intents`` and ``contexts``. An unresolved reference (S2 gives
    it a null paperId and a title only) keeps a null paper_id."""
    found = edge.get(key)
    paper: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    record = {
        "is_influential": bool(edge.get("isInfluential")),
        "intents": [str(i) for i in edge.get("intents") or []],
        "contexts": [" ".join(str(c).split()) for c in edge.get("contexts") or []],
    }
    record.update(paper_record(paper, entry, as_of_year))
    return record


def profile_paper_record(paper: Paper, entry: ArxivEntry | None, as_of_year: int) -> dict[str, Any]:
    """The record of a profile's paper (``scholar export NAME``): ``paper_record`` of its
    cached S2 payload, with the values the profile itself settled laid over it.

    The profile's ``Paper`` can differ from its raw payload: merged across a person's S2
    ids, or curated (``--merge`` sums two records' citations), so its ids, title,
    authors, counts and abstract win; everything only the payload has (publication
    types, journal, TLDR, open-access PDF, corpus id) comes from ``paper_record``.
    """
    record = paper_record(paper.raw or {}, entry, as_of_year)
    date = (entry.published if entry else None) or paper.publication_date
    year = paper.year or (int(date[:4]) if date else None)
    record.update(
        paper_id=paper.paper_id,
        arxiv_id=paper.arxiv_id,
        doi=paper.doi,
        title=paper.title or record["title"],
        authors=[{"name": a.name, "author_id": a.author_id} for a in paper.authors]
        or record["authors"],
        venue=paper.venue,
        year=year,
        date=date,
        publication_date=paper.publication_date,
        citations=paper.citations,
        influential_citations=paper.influential_citations,
        cites_per_year=round(metrics.cites_per_year(paper.citations, year, as_of_year), 2),
        code_url=find_code_url(
            entry.comment if entry else None, entry.abstract if entry else None, paper.abstract
        ),
        abstract=paper.abstract or (entry.abstract if entry and entry.abstract else None),
        url=paper.url,
    )
    if not record["pdf_url"] and paper.arxiv_id:
        record["pdf_url"] = f"https://arxiv.org/pdf/{paper.arxiv_id}"
    return record
