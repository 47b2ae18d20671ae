"""A paper search as the user asked for it: the query, its filters, validated.

``SearchQuery.build`` checks the options of ``scholar search`` (years, fields of study,
publication types, sources and sorts) and turns them into Semantic Scholar's filter
parameters (``s2_filters``) or an arXiv ``search_query`` (``arxiv_query``), and gives the
normalised key searches are cached under. Pure: no I/O.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from scholarcli.errors import UsageError

SORTS = ("relevance", "citations", "year")
BULK_SORT = {"citations": "citationCount:desc", "year": "publicationDate:desc"}
# The values S2's publicationTypes filter takes (SPEC; real values have no spaces).
PUBLICATION_TYPES = (
    "Review",
    "JournalArticle",
    "CaseReport",
    "ClinicalTrial",
    "Conference",
    "Dataset",
    "Editorial",
    "LettersAndComments",
    "MetaAnalysis",
    "News",
    "Study",
    "Book",
    "BookSection",
)
FIELDS_OF_STUDY = (
    "Computer Science",
    "Medicine",
    "Chemistry",
    "Biology",
    "Materials Science",
    "Physics",
    "Geology",
    "Psychology",
    "Art",
    "History",
    "Geography",
    "Sociology",
    "Business",
    "Political Science",
    "Economics",
    "Philosophy",
    "Mathematics",
    "Engineering",
    "Environmental Science",
    "Agricultural and Food Sciences",
    "Education",
    "Law",
    "Linguistics",
)
_YEARS = re.compile(r"^(\d{4})?(-)?(\d{4})?$")
_ARXIV_SYNTAX = re.compile(
    r"\b(?:ti|au|abs|co|jr|cat|rn|id|all|submittedDate|lastUpdatedDate):|\b(?:AND|OR|ANDNOT)\b"
)


def _fold(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


def _choose(values: list[str], allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    by_fold = {_fold(a): a for a in allowed}
    chosen = []
    for value in values:
        found = by_fold.get(_fold(value))
        if found is None:
            raise UsageError(
                f"{option} {value!r} is not one Semantic Scholar knows",
                hint=f"choose from: {', '.join(allowed)}",
            )
        chosen.append(found)
    return tuple(dict.fromkeys(chosen))


def parse_years(text: str | None) -> tuple[int | None, int | None] | None:
    """``2020-2024``, ``2020-``, ``-2019`` or ``2021`` as (first, last) year."""
    if text is None:
        return None
    match = _YEARS.match(text.strip())
    if not match or not (match.group(1) or match.group(3)):
        raise UsageError(f"--year must look like 2020-2024, 2020-, -2019 or 2021, not {text!r}")
    first, dash, last = match.groups()
    low = int(first) if first else None
    high = (int(last) if last else None) if dash else low
    if low is not None and high is not None and low > high:
        raise UsageError(f"--year {text!r} ends before it starts")
    return low, high


@dataclass(frozen=True)
class SearchQuery:
    """One search as the user asked it, validated."""

    query: str
    source: str = "s2"
    years: tuple[int | None, int | None] | None = None
    fields_of_study: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    min_citations: int | None = None
    open_access: bool = False
    sort: str = "relevance"

    @classmethod
    def build(
        cls,
        query: str,
        *,
        source: str = "s2",
        year: str | None = None,
        fields_of_study: list[str] | None = None,
        venues: list[str] | None = None,
        types: list[str] | None = None,
        min_citations: int | None = None,
        open_access: bool = False,
        sort: str = "relevance",
    ) -> SearchQuery:
        text = " ".join(query.split())
        if not text:
            raise UsageError("the search query is empty")
        if source not in ("s2", "arxiv"):
            raise UsageError(f"--source must be s2 or arxiv, not {source!r}")
        if sort not in SORTS:
            raise UsageError(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if min_citations is not None and min_citations < 0:
            raise UsageError("--min-citations must be 0 or more")
        if source == "arxiv":
            s2_only = {
                "--field": fields_of_study,
                "--venue": venues,
                "--type": types,
                "--min-citations": min_citations is not None,
                "--open-access": open_access,
            }
            used = [name for name, value in s2_only.items() if value]
            if used:
                raise UsageError(
                    f"{', '.join(used)} work with Semantic Scholar only, not --source arxiv",
                    hint="arXiv's own prefixes go in the query: ti: au: abs: cat:",
                )
            if sort == "citations":
                raise UsageError("arXiv does not count citations; use --sort relevance or date")
        return cls(
            query=text,
            source=source,
            years=parse_years(year),
            fields_of_study=_choose(fields_of_study or [], FIELDS_OF_STUDY, "--field"),
            venues=tuple(dict.fromkeys(v.strip() for v in venues or [] if v.strip())),
            types=_choose(types or [], PUBLICATION_TYPES, "--type"),
            min_citations=min_citations,
            open_access=open_access,
            sort=sort,
        )

    def key(self) -> str:
        """The cache key: case and spacing of the query do not matter, filters do."""
        return json.dumps(
            {
                "source": self.source,
                "query": self.query.casefold(),
                "years": self.years,
                "fields": sorted(self.fields_of_study),
                "venues": sorted(v.casefold() for v in self.venues),
                "types": sorted(self.types),
                "min_citations": self.min_citations,
                "open_access": self.open_access,
                "sort": self.sort,
            },
            sort_keys=True,
        )

    def s2_filters(self) -> dict[str, str]:
        filters: dict[str, str] = {}
        if self.years is not None:
            low, high = self.years
            filters["year"] = str(low) if low == high else f"{low or ''}-{high or ''}"
        if self.fields_of_study:
            filters["fieldsOfStudy"] = ",".join(self.fields_of_study)
        if self.venues:
            filters["venue"] = ",".join(self.venues)
        if self.types:
            filters["publicationTypes"] = ",".join(self.types)
        if self.min_citations is not None:
            filters["minCitationCount"] = str(self.min_citations)
        if self.open_access:
            filters["openAccessPdf"] = ""  # a flag without a value (SPEC)
        return filters

    def arxiv_query(self) -> str:
        """The arXiv ``search_query``: the user's own syntax kept; plain words ANDed
        (arXiv ORs bare words, docs/sources.md, arXiv's quirks); the years as submittedDate."""
        if _ARXIV_SYNTAX.search(self.query):
            text = self.query
        else:
            words = re.findall(r'"[^"]+"|\S+', self.query)
            text = " AND ".join(f"all:{w}" for w in words)
        if self.years is not None:
            low, high = self.years
            start = f"{low or 1991}01010000"
            end = f"{high or 9999}12312359"
            text = f"({text}) AND submittedDate:[{start} TO {end}]"
        return text
