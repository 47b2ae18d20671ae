"""In-memory data behind the API double: S2 authors and papers, arXiv entries.

Holds what a test puts in and derives what the real services compute from it:
author paperCount/citationCount/hIndex from the linked papers, corpus ids, and the
synthetic papers that cite a paper. It knows nothing about HTTP or JSON layouts;
the route modules read it under `Store.lock`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

NEW_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}")
OLD_ARXIV_ID = re.compile(r"[a-z][a-z\-]*(\.[A-Z]{2})?/\d{7}")


@dataclass
class Author:
    """An S2 author record as added by a test."""

    author_id: str
    name: str
    affiliations: list[str] = field(default_factory=list)
    homepage: str | None = None
    external_ids: dict[str, Any] = field(default_factory=dict)


@dataclass
class Paper:
    """An S2 paper. `authors` holds (authorId or None, name) in byline order."""

    paper_id: str
    title: str
    year: int | None
    publication_date: str | None
    venue: str
    authors: list[tuple[str | None, str]]
    citation_count: int = 0
    influential_citation_count: int = 0
    arxiv_id: str | None = None
    doi: str | None = None
    abstract: str | None = None
    citations_by_year: dict[int, int] | None = None
    corpus_id: int = 0
    seq: int = 0
    # Novelty data (novelty_world.py): reference paperIds (None = a reference S2 lists
    # without resolving it) and SPECTER vectors by model; None means "not modelled".
    references: list[str | None] | None = None
    embeddings: dict[str, list[float]] | None = None
    # Stored papers citing this one, served as nested `citations` on /paper/batch
    # (the /citations route keeps its synthetic citers).
    citers: list[str] | None = None


@dataclass
class ArxivEntry:
    """An arXiv record: base id (no version), latest version number, ISO-Z dates."""

    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    published: str
    updated: str
    primary_category: str
    categories: list[str]
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    version: int = 1
    seq: int = 0


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name (NFKD, marks dropped, casefolded)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_tokens(text: str) -> list[str]:
    """Words of a name; hyphens and dots separate words ("Du-Seong" -> du, seong)."""
    return re.findall(r"[^\W_]+", fold(text))


def iso_utc(value: str) -> str:
    """`2023-08-13` or any ISO timestamp -> `2023-08-13T05:21:38Z` (arXiv's style)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value}T00:00:00Z"
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def h_index(citations: list[int]) -> int:
    """Hirsch index of a list of citation counts."""
    ranked = sorted(citations, reverse=True)
    return sum(1 for rank, cites in enumerate(ranked, start=1) if cites >= rank)


def stable_hex(*parts: object) -> str:
    """A 40-hex-digit id derived from its parts (the shape of an S2 paperId)."""
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()


class Store:
    """All data of one ApiDouble; every public method takes `lock` itself."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.authors: dict[str, Author] = {}
        self.papers: dict[str, Paper] = {}
        self.arxiv: dict[str, ArxivEntry] = {}
        self.current_year = dt.date.today().year
        self._links: dict[str, dict[str, None]] = {}  # author id -> ordered set of paper ids
        self._derived: dict[tuple[str, str], Any] = {}  # memo, cleared on every change
        self._by_corpus: dict[int, str] = {}
        self._by_arxiv: dict[str, str] = {}
        self._by_doi: dict[str, str] = {}
        self._seq = 0

    # ----------------------------------------------------------------- authors
    def add_author(
        self,
        author_id: str,
        name: str,
        *,
        affiliations: list[str] | tuple[str, ...] = (),
        homepage: str | None = None,
        external_ids: dict[str, Any] | None = None,
    ) -> None:
        with self.lock:
            self.authors[str(author_id)] = Author(
                str(author_id), name, list(affiliations), homepage, dict(external_ids or {})
            )

    def remove_author(self, author_id: str) -> None:
        with self.lock:
            self.authors.pop(str(author_id), None)

    def author_papers(self, author_id: str) -> list[Paper]:
        """Linked papers, newest first (year, then date), ties in insertion order."""
        with self.lock:
            key = ("papers", author_id)
            if key not in self._derived:
                papers = [self.papers[pid] for pid in self._links.get(author_id, {})]
                self._derived[key] = sorted(
                    papers,
                    key=lambda p: (
                        -(p.year if p.year is not None else -10_000),
                        _negated_date(p.publication_date),
                        p.seq,
                    ),
                )
            return list(self._derived[key])

    def author_metrics(self, author_id: str | None) -> tuple[int, int, int]:
        """(paperCount, citationCount, hIndex) derived from the linked papers."""
        if author_id is None:
            return (0, 0, 0)
        with self.lock:
            key = ("metrics", author_id)
            if key not in self._derived:
                counts = [self.papers[pid].citation_count for pid in self._links.get(author_id, {})]
                self._derived[key] = (len(counts), sum(counts), h_index(counts))
            return self._derived[key]

    # ------------------------------------------------------------------ papers
    def add_paper(self, paper: Paper) -> None:
        with self.lock:
            old = self.papers.get(paper.paper_id)
            if old is not None:
                self._unindex(old)
                paper.seq = old.seq
            else:
                self._seq += 1
                paper.seq = self._seq
            corpus_id = int(stable_hex("corpus", paper.paper_id)[:8], 16) % 270_000_000 + 1_000
            while corpus_id in self._by_corpus:
                corpus_id += 1
            paper.corpus_id = corpus_id
            self.papers[paper.paper_id] = paper
            self._by_corpus[corpus_id] = paper.paper_id
            if paper.arxiv_id:
                self._by_arxiv[paper.arxiv_id.lower()] = paper.paper_id
            if paper.doi:
                self._by_doi[paper.doi.lower()] = paper.paper_id
            for author_id, _ in paper.authors:
                if author_id is not None:
                    self._links.setdefault(author_id, {})[paper.paper_id] = None
            self._derived.clear()

    def _unindex(self, paper: Paper) -> None:
        self._by_corpus.pop(paper.corpus_id, None)
        if paper.arxiv_id:
            self._by_arxiv.pop(paper.arxiv_id.lower(), None)
        if paper.doi:
            self._by_doi.pop(paper.doi.lower(), None)
        for author_id, _ in paper.authors:
            if author_id is not None:
                self._links.get(author_id, {}).pop(paper.paper_id, None)

    def set_citations(self, paper_id: str, count: int) -> None:
        """New citationCount; an explicit per-year split is dropped to stay consistent."""
        with self.lock:
            paper = self.papers[paper_id]
            self.papers[paper_id] = replace(paper, citation_count=count, citations_by_year=None)
            self._derived.clear()

    def resolve_paper(self, ident: str) -> Paper | None:
        """Find a paper by paperId, ARXIV:/DOI:/CorpusId: (any case) or a bare DOI."""
        with self.lock:
            if ident in self.papers:
                return self.papers[ident]
            prefix, sep, rest = ident.partition(":")
            kind = prefix.lower() if sep else ""
            if kind == "arxiv":
                base = re.sub(r"v\d+$", "", rest.strip()).lower()
                found = self._by_arxiv.get(base)
            elif kind == "doi":
                doi = rest.strip().lower()
                found = self._by_doi.get(doi)
                if found is None and doi.startswith("10.48550/arxiv."):
                    # S2 resolves arXiv's DataCite DOI to the paper with that arXiv id,
                    # even when it carries a journal DOI (as recorded for /paper/batch).
                    found = self._by_arxiv.get(doi.removeprefix("10.48550/arxiv."))
            elif kind == "corpusid" and rest.strip().isdigit():
                found = self._by_corpus.get(int(rest.strip()))
            elif ident.startswith("10."):
                found = self._by_doi.get(ident.lower())
            else:
                found = None
            return self.papers.get(found) if found else None

    def citation_groups(self, paper: Paper) -> list[tuple[int | None, int]]:
        """(year, count) groups of the papers citing `paper`, newest year first.

        Uses `citations_by_year` when given; otherwise spreads citationCount evenly
        over the paper's year up to five years later (never past `current_year`),
        the remainder going to the earliest years.
        """
        if paper.citations_by_year is not None:
            groups = [(y, n) for y, n in paper.citations_by_year.items() if n > 0]
            return sorted(groups, key=lambda g: -g[0])
        if paper.citation_count <= 0:
            return []
        if paper.year is None:
            return [(None, paper.citation_count)]
        last = max(paper.year, min(paper.year + 5, self.current_year))
        years = list(range(paper.year, last + 1))
        share, extra = divmod(paper.citation_count, len(years))
        groups = [(y, share + (1 if i < extra else 0)) for i, y in enumerate(years)]
        return [g for g in reversed(groups) if g[1] > 0]

    # ------------------------------------------------------------------- arXiv
    def add_arxiv(self, entry: ArxivEntry) -> None:
        with self.lock:
            old = self.arxiv.get(entry.arxiv_id)
            if old is not None:
                entry.seq = old.seq
            else:
                self._seq += 1
                entry.seq = self._seq
            self.arxiv[entry.arxiv_id] = entry


def _negated_date(date: str | None) -> tuple[int, ...]:
    if not date:
        return (1,)
    return (0, *(-int(part) for part in date.split("-")))
