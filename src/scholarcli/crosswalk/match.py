"""Pure matching of one person's papers across two sources (docs/sources.md).

Two lists of papers, one per source, are paired in three passes, each on what is
left unpaired by the one before:

1. **DOI**, normalised (``https://doi.org/`` and ``doi:`` prefixes dropped,
   case-insensitive). arXiv's DataCite DOIs (``10.48550/arXiv.…``) are not used here
   but as arXiv ids, because OpenAlex names a preprint by that DOI while S2 gives the
   same paper its journal DOI and the arXiv id apart.
2. **arXiv id**, unversioned (from the paper's arXiv id or its arXiv DOI).
3. **Title and year**: the folded title (case, accents, punctuation and spacing
   ignored; at least ``MIN_TITLE_WORDS`` words and ``MIN_TITLE`` characters, so
   "Introduction" or "Erratum" never pairs) and
   years at most one apart (a preprint and its publication); a paper without a year
   pairs on its title alone, after those with years.

A paper is paired with at most one on the other side. When a key is shared by
several papers on one side they are paired in a fixed order (year, folded title,
id), so ``match(a, b)`` is the mirror image of ``match(b, a)``. No I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

from scholarcli.ids import normalise_id

#: Shortest folded title that may pair two papers on its own.
MIN_TITLE = 12
MIN_TITLE_WORDS = 3
#: Most years a preprint and its publication may lie apart and still pair by title.
YEAR_SLACK = 1
RULES = ("doi", "arxiv", "title")

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)


class Matchable(Protocol):
    """What matching reads of a paper (``ProfilePaper`` and ``Paper`` both have it)."""

    @property
    def paper_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def year(self) -> int | None: ...
    @property
    def doi(self) -> str | None: ...
    @property
    def arxiv_id(self) -> str | None: ...


@dataclass(frozen=True)
class Pair:
    """Paper ``left`` of the first list and ``right`` of the second, paired by ``rule``."""

    left: int
    right: int
    rule: str  # one of RULES


@dataclass(frozen=True)
class Matching:
    pairs: tuple[Pair, ...]
    left_only: tuple[int, ...]
    right_only: tuple[int, ...]

    def mirrored(self) -> Matching:
        pairs = tuple(sorted((Pair(p.right, p.left, p.rule) for p in self.pairs), key=_pair_key))
        return Matching(pairs, self.right_only, self.left_only)


def _pair_key(pair: Pair) -> tuple[int, int]:
    return pair.left, pair.right


def normalise_doi(doi: str | None) -> str | None:
    """Lower-case DOI without resolver prefix, or None for an empty or non-DOI value."""
    if not doi:
        return None
    text = _DOI_PREFIX.sub("", doi.strip()).strip().rstrip(".")
    return text.lower() if text.startswith("10.") and "/" in text else None


def doi_key(paper: Matchable) -> str | None:
    """The DOI used in pass 1: None for an arXiv DOI, which pass 2 uses instead."""
    doi = normalise_doi(paper.doi)
    if doi is None or _ARXIV_DOI.match(doi):
        return None
    return doi


def arxiv_key(paper: Matchable) -> str | None:
    """Unversioned arXiv id from the paper's arXiv id, else from its arXiv DOI."""
    for raw in (paper.arxiv_id, _arxiv_from_doi(paper.doi)):
        if raw:
            canonical = normalise_id(raw)
            if canonical:
                return canonical[0].lower()
    return None


def _arxiv_from_doi(doi: str | None) -> str | None:
    text = normalise_doi(doi)
    found = _ARXIV_DOI.match(text) if text else None
    return found.group(1) if found else None


def fold_title(title: str | None) -> str | None:
    """Case-, accent-, punctuation- and space-insensitive title; None when too short."""
    if not title:
        return None
    decomposed = unicodedata.normalize("NFKD", title)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = " ".join(re.sub(r"[\W_]+", " ", stripped.casefold()).split())
    long_enough = len(folded) >= MIN_TITLE and folded.count(" ") + 1 >= MIN_TITLE_WORDS
    return folded if long_enough else None


def _order(paper: Matchable) -> tuple[int, str, str]:
    return (
        paper.year if paper.year is not None else 10_000,
        fold_title(paper.title) or "",
        paper.paper_id,
    )


def _groups(
    papers: Sequence[Matchable], todo: set[int], key: Callable[[Matchable], Hashable | None]
) -> dict[Hashable, list[int]]:
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for index in sorted(todo, key=lambda i: _order(papers[i])):
        value = key(papers[index])
        if value is not None:
            groups[value].append(index)
    return groups


def _years_close(a: int, b: int) -> bool:
    return abs(a - b) <= YEAR_SLACK


def _pair_by_year(
    left: Sequence[Matchable], right: Sequence[Matchable], lefts: list[int], rights: list[int]
) -> list[tuple[int, int]]:
    """Pair two same-title groups, each in ``_order``: years first, then yearless."""
    pairs: list[tuple[int, int]] = []
    dated_l = [i for i in lefts if left[i].year is not None]
    dated_r = [j for j in rights if right[j].year is not None]
    a = b = 0
    used_l: set[int] = set()
    used_r: set[int] = set()
    # Two pointers over year-sorted lists: the same walk from either side.
    while a < len(dated_l) and b < len(dated_r):
        i, j = dated_l[a], dated_r[b]
        year_l, year_r = left[i].year, right[j].year
        assert year_l is not None and year_r is not None
        if _years_close(year_l, year_r):
            pairs.append((i, j))
            used_l.add(i)
            used_r.add(j)
            a += 1
            b += 1
        elif year_l < year_r:
            a += 1
        else:
            b += 1
    free_l = [i for i in lefts if i not in used_l]
    free_r = [j for j in rights if j not in used_r]
    # Yearless with yearless first; then whichever side still has yearless papers
    # takes the other side's dated leftovers (only one side can have any by then).
    undated_l = [i for i in free_l if left[i].year is None]
    undated_r = [j for j in free_r if right[j].year is None]
    both = list(zip(undated_l, undated_r, strict=False))
    pairs.extend(both)
    undated_l, undated_r = undated_l[len(both) :], undated_r[len(both) :]
    dated_free_l = [i for i in free_l if left[i].year is not None]
    dated_free_r = [j for j in free_r if right[j].year is not None]
    pairs.extend(zip(undated_l, dated_free_r, strict=False))
    pairs.extend(zip(dated_free_l, undated_r, strict=False))
    return pairs


def match(left: Sequence[Matchable], right: Sequence[Matchable]) -> Matching:
    """Pair the papers of two sources: DOI, then arXiv id, then title and year."""
    todo_l = set(range(len(left)))
    todo_r = set(range(len(right)))
    pairs: list[Pair] = []
    passes: tuple[tuple[str, Callable[[Matchable], Hashable | None]], ...] = (
        ("doi", doi_key),
        ("arxiv", arxiv_key),
    )
    for rule, key in passes:
        groups_r = _groups(right, todo_r, key)
        for value, lefts in _groups(left, todo_l, key).items():
            for i, j in zip(lefts, groups_r.get(value, []), strict=False):
                pairs.append(Pair(i, j, rule))
                todo_l.discard(i)
                todo_r.discard(j)
    groups_r = _groups(right, todo_r, lambda p: fold_title(p.title))
    for value, lefts in _groups(left, todo_l, lambda p: fold_title(p.title)).items():
        for i, j in _pair_by_year(left, right, lefts, groups_r.get(value, [])):
            pairs.append(Pair(i, j, "title"))
            todo_l.discard(i)
            todo_r.discard(j)
    return Matching(
        tuple(sorted(pairs, key=_pair_key)), tuple(sorted(todo_l)), tuple(sorted(todo_r))
    )
