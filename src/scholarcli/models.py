"""Source-neutral records shared by every layer.

Sources turn API payloads into these dataclasses (keeping the raw payload so the
cache can be re-parsed offline); ``sync`` merges them into a ``Profile``; ``render``
prints one. No I/O and no third-party imports here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Field order of a paper in csv/json/jsonl output (docs/design.md, Output).
PAPER_FIELDS: tuple[str, ...] = (
    "paper_id",
    "arxiv_id",
    "doi",
    "title",
    "authors",
    "author_position",
    "date",
    "year",
    "venue",
    "category",
    "citations",
    "influential_citations",
    "cites_per_year",
    "code_url",
    "abstract",
    "url",
    # Novelty and Impact (docs/novelty.md): null until computed, never 0.
    "novelty",
    "novelty_q99",
    "novelty_references",
    "references_resolved",
    "novelty_percentile",
    "impact_percentile",
    "cohort",
    "novelty_note",
    # Disruption (CD_nok, 5-year window): null unless --disruption computed it.
    "cd_nok",
    "cd_nok_citers",
    "cd_nok_note",
    # Self-citations (--self-citations): null unless computed; they rest on the citing
    # papers the source lists (docs/responsible-use.md).
    "self_citations",
    "coauthor_self_citations",
    "citations_excl_self",
    "coauthor_citations_excl_self",
    # Normalised citation score: citations / the mean of the paper's Impact cohort.
    "ncs",
    "impact_top10",
)
#: Author fields of Novelty and Impact, present on every profile (null until computed).
AUTHOR_INDICATOR_FIELDS: tuple[str, ...] = (
    "novelty_percentile",
    "novelty_papers",
    "impact_percentile",
    "impact_top10_share",
    "cohorts",
)
#: Author fields issue 18 adds (self-citations, MNCS, intervals, coverage): every one is
#: present on every profile's json, null until computed, so a reader need not guess.
AUTHOR_TRUST_FIELDS: tuple[str, ...] = (
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
    "mncs",
    "impact_top1_share",
    "impact_scored_papers",
    "h_index_interval",
    "impact_percentile_interval",
    "novelty_percentile_interval",
    "impact_top10_share_interval",
    "intervals_note",
    "coverage",
)


@dataclass(frozen=True)
class AuthorRef:
    """An author as listed on a paper: S2 id (may be missing) and display name."""

    author_id: str | None
    name: str


@dataclass
class Author:
    """A Semantic Scholar author profile (one id; a person may have several)."""

    author_id: str
    name: str
    affiliations: list[str] = field(default_factory=list)
    paper_count: int | None = None
    citation_count: int | None = None
    h_index: int | None = None
    url: str | None = None
    homepage: str | None = None
    recent_titles: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Paper:
    """A Semantic Scholar paper."""

    paper_id: str
    title: str
    year: int | None = None
    publication_date: str | None = None
    venue: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    citations: int = 0
    influential_citations: int = 0
    authors: list[AuthorRef] = field(default_factory=list)
    abstract: str | None = None
    url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class ArxivEntry:
    """One arXiv Atom entry. ``arxiv_id`` is canonical and unversioned."""

    arxiv_id: str
    version: int | None = None
    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO date of v1
    updated: str | None = None  # ISO date of the returned version
    primary_category: str | None = None
    categories: list[str] = field(default_factory=list)
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    raw: str = field(default="", repr=False)


@dataclass
class ProfilePaper:
    """A paper as shown in a profile: S2 citations merged with arXiv metadata."""

    paper_id: str
    title: str
    authors: list[str]
    author_position: int | None
    date: str | None
    year: int | None
    venue: str
    category: str | None
    citations: int
    influential_citations: int
    cites_per_year: float
    code_url: str | None
    abstract: str | None
    url: str | None
    arxiv_id: str | None = None
    doi: str | None = None
    novelty: float | None = None
    novelty_q99: float | None = None
    novelty_references: int | None = None
    references_resolved: int | None = None
    novelty_percentile: int | None = None
    impact_percentile: int | None = None
    cohort: str | None = None  # "cs.CL 2023"
    novelty_note: str | None = None  # why a value is missing
    cd_nok: float | None = None
    cd_nok_citers: int | None = None  # citers counted (n_i + n_j)
    cd_nok_note: str | None = None
    self_citations: int | None = None
    coauthor_self_citations: int | None = None
    citations_excl_self: int | None = None
    coauthor_citations_excl_self: int | None = None
    ncs: float | None = None
    impact_top10: bool | None = None  # at or above the cohort's 90th percentile

    def as_record(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PAPER_FIELDS}


@dataclass
class Profile:
    """An author's merged profile: header facts, metrics and papers."""

    name: str
    ids: list[str]
    affiliations: list[str]
    as_of: str
    primary_category: str | None
    primary_category_name: str | None
    metrics: dict[str, Any]
    papers: list[ProfilePaper]
    fetched_at: str | None = None
    candidates: int = 0
    indicators: dict[str, Any] = field(default_factory=dict)  # AUTHOR_INDICATOR_FIELDS
    impact_papers: int | None = None  # papers with an impact percentile (table header)
    curation: str = ""  # what the person's curation rules changed, e.g. "2 papers excluded"
    extra: dict[str, Any] = field(default_factory=dict)  # AUTHOR_TRUST_FIELDS
    # When the records used were fetched, per kind: (oldest, newest) ISO times.
    fetched: dict[str, tuple[str, str]] = field(default_factory=dict)
    provenance: dict[str, Any] | None = None  # see profile.provenance

    def author_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "name": self.name,
            "ids": list(self.ids),
            "affiliations": list(self.affiliations),
            "primary_category": self.primary_category,
            "primary_category_name": self.primary_category_name,
        }
        record.update(self.metrics)
        record["as_of"] = self.as_of
        record["fetched_at"] = self.fetched_at
        for name in AUTHOR_INDICATOR_FIELDS:
            record[name] = self.indicators.get(name)
        for name in AUTHOR_TRUST_FIELDS:
            record[name] = self.extra.get(name)
        return record
