"""Self-citations of a person's papers, under two rules: arithmetic only.

A citation of paper P by a citing paper C is

* a **self-citation** when C lists the profiled person among its authors (any of the
  person's source ids: a merged profile brings several);
* a **co-author self-citation** when C shares any author with P, the person included
  (the Web of Science / Scopus "all authors" rule). Every self-citation is one.

Authors are matched by source id only: an author a source lists without an id matches
nobody, so the counts are lower bounds where ids are missing. The counts rest on the
citing papers the source *lists* (S2 lists the citing papers it resolves; its
``citationCount`` may be larger): ``citations_excl_self`` is the paper's citation count
less the self-citations found among them. A citing paper listed twice counts once.

Per author: ``self_citation_rate`` = self-citations / listed citations, and the
h- and g-index of the papers' ``citations_excl_self`` (docs/responsible-use.md).

This module must not do I/O or know where the lists come from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scholarcli.indicators.metrics import g_index, h_index

RATE_DECIMALS = 4


@dataclass(frozen=True)
class PaperSelfCitations:
    """One paper's counts; ``listed`` is how many citing papers they rest on."""

    citations: int
    listed: int
    self_citations: int
    coauthor_self_citations: int

    @property
    def citations_excl_self(self) -> int:
        return max(self.citations - self.self_citations, 0)

    @property
    def coauthor_citations_excl_self(self) -> int:
        return max(self.citations - self.coauthor_self_citations, 0)


def _ids(authors: Iterable[str | None]) -> set[str]:
    return {a for a in authors if a}


def paper_self_citations(
    citations: int,
    paper_authors: Iterable[str | None],
    citers: Iterable[tuple[str, Iterable[str | None]]],
    person_ids: Collection[str],
) -> PaperSelfCitations:
    """Counts for one paper.

    ``citations`` is the paper's citation count, ``paper_authors`` the author ids on the
    paper, ``citers`` the listed citing papers as ``(paper_id, author ids)``, and
    ``person_ids`` every id of the person.
    """
    person = _ids(person_ids)
    team = _ids(paper_authors) | person
    seen: set[str] = set()
    own = shared = 0
    for citer_id, authors in citers:
        if citer_id in seen:
            continue
        seen.add(citer_id)
        ids = _ids(authors)
        if ids & person:
            own += 1
        if ids & team:
            shared += 1
    return PaperSelfCitations(max(citations, 0), len(seen), own, shared)


SELF_CITATION_FIELDS: tuple[str, ...] = (
    "self_citations",
    "self_citation_rate",
    "citations_excl_self",
    "h_index_excl_self",
    "g_index_excl_self",
    "coauthor_self_citations",
    "coauthor_self_citation_rate",
    "coauthor_citations_excl_self",
    "coauthor_h_index_excl_self",
    "coauthor_g_index_excl_self",
    "self_citations_listed",
)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, RATE_DECIMALS) if whole else None


def author_self_citations(
    papers: Sequence[tuple[int, PaperSelfCitations | None]],
) -> dict[str, Any]:
    """Author values from each paper's ``(citations, counts or None)``.

    A paper without citations needs no list (its counts are zero). When a cited paper's
    list is unknown (``None``), every author value is None: a rate or an index over part
    of the papers would look like the whole.
    """
    known: list[PaperSelfCitations] = []
    for citations, counts in papers:
        if counts is not None:
            known.append(counts)
        elif citations > 0:
            return dict.fromkeys(SELF_CITATION_FIELDS)
        else:
            known.append(PaperSelfCitations(0, 0, 0, 0))
    listed = sum(p.listed for p in known)
    own = sum(p.self_citations for p in known)
    shared = sum(p.coauthor_self_citations for p in known)
    excl = [p.citations_excl_self for p in known]
    co_excl = [p.coauthor_citations_excl_self for p in known]
    return {
        "self_citations": own,
        "self_citation_rate": _rate(own, listed),
        "citations_excl_self": sum(excl),
        "h_index_excl_self": h_index(excl),
        "g_index_excl_self": g_index(excl),
        "coauthor_self_citations": shared,
        "coauthor_self_citation_rate": _rate(shared, listed),
        "coauthor_citations_excl_self": sum(co_excl),
        "coauthor_h_index_excl_self": h_index(co_excl),
        "coauthor_g_index_excl_self": g_index(co_excl),
        "self_citations_listed": listed,
    }


def person_self_citations(
    papers: Sequence[tuple[str, int, Sequence[str | None]]],
    lists: Mapping[str, Sequence[tuple[str, Sequence[str | None]]]],
    person_ids: Collection[str],
) -> tuple[dict[str, PaperSelfCitations], dict[str, Any]]:
    """Per-paper counts and author values of ``papers`` (``(paper_id, citations,
    author ids)``), given the citing lists known by paper id."""
    per_paper: dict[str, PaperSelfCitations] = {}
    rows: list[tuple[int, PaperSelfCitations | None]] = []
    for paper_id, citations, authors in papers:
        citers = lists.get(paper_id)
        counts = None
        if citers is not None:
            counts = paper_self_citations(citations, authors, citers, person_ids)
            per_paper[paper_id] = counts
        elif citations <= 0:
            counts = per_paper[paper_id] = PaperSelfCitations(0, 0, 0, 0)
        rows.append((citations, counts))
    return per_paper, author_self_citations(rows)
