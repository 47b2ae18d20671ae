"""Which author ids are the person with a given ORCID iD (docs/sources.md, "ORCID").

OpenAlex indexes ORCID iDs: there the person is every author record carrying the
iD, and the iD's works are theirs. Semantic Scholar does not index ORCID iDs, so its
ids are found through those works: each work is looked up on S2 by DOI or arXiv id
(batch calls, done by ``crosswalk.lookup``), and on every paper S2 knows, the author
whose name agrees with the person's is credited with one confirmed paper.

**The rule** (the same for every id, so a person split over several ids is found and
merged): an id is the person's when at least ``CONFIRM_MIN`` of the ORCID works
confirm it, or all of them when fewer works were found on S2 at all. One shared
paper is not enough when more exist, because a namesake coauthor can share one.
Names agree when the family names are equal and the given names start with the
same letter, in either order ("Chang Du-Seong", "D. Chang"). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scholarcli.core import fold_name
from scholarcli.models import Paper

#: Confirmed papers that make an id the person's (fewer only if fewer were found).
CONFIRM_MIN = 2


def _splits(name: str) -> list[tuple[str, str]]:
    """(given-name initial, family name) readings of a name, in either order."""
    tokens = fold_name(name).split()
    if len(tokens) < 2:
        return [("", tokens[0])] if tokens else []
    # "Du-Seong Chang" and "Chang Du-Seong": the family name is the last or the first token.
    return [(tokens[0][0], tokens[-1]), (tokens[1][0], tokens[0])]


def names_agree(a: str, b: str) -> bool:
    """Same family name and same given-name initial, in either name order."""
    return bool(set(_splits(a)) & set(_splits(b)))


@dataclass
class Candidate:
    """An S2 author id seen on the ORCID works, and how many of them confirm it."""

    author_id: str
    name: str
    confirmed: int
    checked: int  # ORCID works S2 knows at all
    accepted: bool = False
    titles: list[str] = field(default_factory=list)


def confirm_ids(
    names: Sequence[str], found: Sequence[Paper | None], minimum: int = CONFIRM_MIN
) -> list[Candidate]:
    """Candidates, most confirmed first, from S2's answers for the ORCID works.

    ``names`` are the person's names (OpenAlex's display name and alternatives);
    ``found`` holds S2's paper for each work, None where S2 has none. A paper counts
    once per id even when it was asked for by DOI and by arXiv id.
    """
    papers = {paper.paper_id: paper for paper in found if paper is not None}
    counts: dict[str, Candidate] = {}
    for paper in papers.values():
        credited: set[str] = set()
        for ref in paper.authors:
            if ref.author_id is None or ref.author_id in credited:
                continue
            if any(names_agree(ref.name, name) for name in names):
                credited.add(ref.author_id)
                candidate = counts.setdefault(
                    ref.author_id, Candidate(ref.author_id, ref.name, 0, len(papers))
                )
                candidate.confirmed += 1
                candidate.titles.append(paper.title)
    needed = min(minimum, len(papers))
    for candidate in counts.values():
        candidate.accepted = needed > 0 and candidate.confirmed >= needed
    return sorted(counts.values(), key=lambda c: (-c.confirmed, c.author_id))
