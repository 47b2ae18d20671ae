"""Pure merging: S2 papers of one person's ids plus arXiv metadata → profile rows.

Dedup rules (issue #2): within one S2 id the list is taken as S2 gives it (S2 keeps
preprints, published versions and corrections apart and counts them all); between
different ids a paper is the same if its paperId, then arXiv id, then DOI matches.
arXiv supplies the primary category and the first-version date; S2 supplies
citations. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from scholarcli.categories import canonical
from scholarcli.core.names import fold_name, is_bare_surname
from scholarcli.errors import AmbiguousNameError
from scholarcli.ids import CODE_HOSTS
from scholarcli.indicators import metrics
from scholarcli.models import ArxivEntry, Author, Paper, ProfilePaper

_CODE_URL = re.compile(
    r"https?://(?:www\.)?(?:"
    + "|".join(re.escape(h) for h in CODE_HOSTS)
    + r")/[^\s<>\"'{}|\\^`]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}>'\""


def find_code_url(*texts: str | None) -> str | None:
    """The first repository URL in the texts, trailing punctuation stripped.

    Only repository hosts count (not ``*.github.io`` project pages); a bare host
    with no path (``https://github.com/``) is ignored.
    """
    for text in texts:
        if not text:
            continue
        for match in _CODE_URL.finditer(text):
            url = match.group(0)
            while url and url[-1] in _TRAILING:
                # Keep a closing bracket that closes one opened inside the URL.
                if url[-1] == ")" and url.count("(") >= url.count(")"):
                    break
                url = url[:-1]
            path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
            if path.strip("/"):
                return url
    return None


def merge_author_lists(lists: Sequence[Sequence[Paper]]) -> list[Paper]:
    """Union of several ids' paper lists, one paper once (rules in the module doc)."""
    merged: list[Paper] = []
    seen_ids: set[str] = set()
    seen_arxiv: set[str] = set()
    seen_doi: set[str] = set()
    for papers in lists:
        added_arxiv: set[str] = set()
        added_doi: set[str] = set()
        for paper in papers:
            if paper.paper_id in seen_ids:
                continue
            if paper.arxiv_id and paper.arxiv_id in seen_arxiv:
                continue
            if paper.doi and paper.doi in seen_doi:
                continue
            merged.append(paper)
            seen_ids.add(paper.paper_id)
            if paper.arxiv_id:
                added_arxiv.add(paper.arxiv_id)
            if paper.doi:
                added_doi.add(paper.doi)
        # Only papers of *other* ids are matched by arXiv id or DOI.
        seen_arxiv |= added_arxiv
        seen_doi |= added_doi
    return merged


def author_position(paper: Paper, ids: Iterable[str], name: str) -> int | None:
    id_set = set(ids)
    for index, ref in enumerate(paper.authors, start=1):
        if ref.author_id and ref.author_id in id_set:
            return index
    folded = fold_name(name)
    for index, ref in enumerate(paper.authors, start=1):
        if fold_name(ref.name) == folded:
            return index
    return None


def profile_papers(
    papers: Sequence[Paper],
    arxiv: Mapping[str, ArxivEntry],
    ids: Sequence[str],
    name: str,
    as_of: date,
) -> list[ProfilePaper]:
    rows = []
    for paper in papers:
        entry = arxiv.get(paper.arxiv_id) if paper.arxiv_id else None
        published = entry.published if entry else None
        when = published or paper.publication_date
        year = paper.year or (int(when[:4]) if when else None)
        rows.append(
            ProfilePaper(
                paper_id=paper.paper_id,
                arxiv_id=paper.arxiv_id,
                doi=paper.doi,
                title=paper.title or (entry.title if entry else ""),
                authors=[a.name for a in paper.authors] or (entry.authors if entry else []),
                author_position=author_position(paper, ids, name),
                date=when,
                year=year,
                venue=paper.venue,
                category=canonical(entry.primary_category)
                if entry and entry.primary_category
                else None,
                citations=paper.citations,
                influential_citations=paper.influential_citations,
                cites_per_year=round(metrics.cites_per_year(paper.citations, year, as_of.year), 2),
                code_url=find_code_url(
                    entry.comment if entry else None,
                    entry.abstract if entry else None,
                    paper.abstract,
                ),
                abstract=paper.abstract or (entry.abstract if entry else None),
                url=paper.url,
                openalex_id=paper.openalex_id,
                fwci=paper.fwci,
                citation_normalized_percentile=paper.citation_normalized_percentile,
                is_retracted=paper.is_retracted,
                topic=paper.topic,
            )
        )
    return rows


def profile_metrics(rows: Sequence[ProfilePaper], as_of: date) -> dict[str, object]:
    """Author metrics with the contract's header names first (paper_count, ...)."""
    stats = [
        metrics.PaperStats(
            citations=row.citations,
            year=row.year,
            n_authors=len(row.authors) or None,
            author_position=row.author_position,
        )
        for row in rows
    ]
    values = metrics.author_metrics(stats, as_of.year)
    header: dict[str, object] = {
        "paper_count": values.pop("papers"),
        "citation_count": values.pop("citations"),
    }
    # Four decimals are more than any published metric table shows; no float noise.
    header.update({k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()})
    return header


def primary_category(rows: Sequence[ProfilePaper]) -> str | None:
    return metrics.primary_category((row.category, row.citations) for row in rows)


def rank_candidates(name: str, candidates: Sequence[Author]) -> list[Author]:
    """Deterministic order: exact folded name first, then papers, citations, id."""
    target = fold_name(name)
    return sorted(
        candidates,
        key=lambda a: (
            fold_name(a.name) != target,
            -(a.paper_count or 0),
            -(a.citation_count or 0),
            a.author_id,
        ),
    )


#: How many namesakes an ambiguous-name error lists (scholar find NAME shows more).
AMBIGUOUS_LISTED = 10


def refuse_ambiguous(name: str, ranked: Sequence[Author]) -> None:
    """Refuse a one-word name that matches several profiles, naming them.

    Picking the most prolific "Chang" among 13 would put one person's numbers under a
    name that means many: a committee could not tell. A full name, or --id, chooses.
    """
    if len(ranked) < 2 or not is_bare_surname(name):
        return
    rows = [
        {
            "author_id": a.author_id,
            "name": a.name,
            "affiliations": a.affiliations,
            "paper_count": a.paper_count,
            "citation_count": a.citation_count,
            "h_index": a.h_index,
        }
        for a in ranked[:AMBIGUOUS_LISTED]
    ]
    more = f" (the first {AMBIGUOUS_LISTED} below)" if len(ranked) > AMBIGUOUS_LISTED else ""
    raise AmbiguousNameError(
        f"{name!r} matches {len(ranked)} Semantic Scholar profiles{more}; a single name "
        "does not say which person is meant",
        rows,
        hint=f'give the full name (e.g. "First {name}" or "{name}, First"), or pin one with '
        f'--id ID; scholar find "{name}" lists them',
    )


def as_of_before_first_paper(years: Iterable[int | None], as_of: date) -> str | None:
    """The warning when ``as_of`` falls before every paper's year, else None.

    Metrics at such a date count no career yet a full list of citations (m-quotient
    5.00 from a one-year "career"): the numbers describe no real moment (docs/names.md,
    "--as-of").
    """
    known = [y for y in years if y]
    if not known or as_of.year >= min(known):
        return None
    return (
        f"--as-of {as_of.isoformat()} is before the first paper ({min(known)}): the metrics "
        "count papers and citations from after that date"
    )
