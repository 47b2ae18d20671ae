"""In-memory data behind the OpenAlex double: authors, works, merges, keys and budgets.

Holds what a test puts in and derives what OpenAlex computes from it: an author's
``works_count``, ``cited_by_count`` and ``summary_stats`` over *all* their works (the
server's figures, which scholar must not copy), and the JSON records in the 2026
schema (every id a URL, arXiv only as the 10.48550 DOI and an arXiv location). A test
may also add a real recorded record verbatim (``add_recorded_work``). Budgets follow
the proxy (docs/sources.md, "Limits"): 1,000 credits a day keyless, 10,000 with a free
key, reset at midnight UTC. It knows nothing about HTTP.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

ID = "https://openalex.org/"
KEYLESS_LIMIT = 1_000
FREE_KEY_LIMIT = 10_000
ARXIV_SOURCE = {
    "id": "https://openalex.org/S4306400194",
    "display_name": "arXiv (Cornell University)",
    "issn_l": None,
    "issn": None,
    "type": "repository",
}


def fold(text: str) -> list[str]:
    """Lower-case ASCII tokens of a name, as a search index would match them."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c if c.isalnum() else " " for c in plain).split()


@dataclass
class OAAuthor:
    author_id: str  # A…
    name: str
    orcid: str | None = None
    alternatives: list[str] = field(default_factory=list)
    # (institution name, ror or None, country code, years)
    affiliations: list[tuple[str, str | None, str, list[int]]] = field(default_factory=list)
    reported_h_index: int | None = None  # override summary_stats.h_index (all types)


@dataclass
class OAWork:
    work_id: str  # W…
    title: str | None
    year: int | None
    authors: list[tuple[str | None, str]]  # (A… or None, display name) in byline order
    publication_date: str | None = None
    doi: str | None = None  # bare, lower-case
    arxiv_id: str | None = None
    venue: str | None = None
    type: str = "article"
    cited_by_count: int = 0
    counts_by_year: dict[int, int] = field(default_factory=dict)
    fwci: float | None = None
    percentile: float | None = None
    is_retracted: bool = False
    topic: str | None = None
    abstract: str | None = None
    raw_names: dict[int, str] = field(default_factory=dict)  # byline index -> raw name
    recorded: dict[str, Any] | None = None  # a real record served verbatim


@dataclass
class Pool:
    """One daily budget: per key, or the keyless pool."""

    limit: int
    used: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def seconds_to_midnight(now: dt.datetime | None = None) -> int:
    now = now or dt.datetime.now(dt.UTC)
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return int((midnight - now).total_seconds())


class OpenAlexStore:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.authors: dict[str, OAAuthor] = {}
        self.works: dict[str, OAWork] = {}
        self.merged: dict[str, str] = {}  # old id -> surviving id (answered with 301)
        self.keys: dict[str, int] = {}  # valid key -> daily credit limit
        self.pools: dict[str | None, Pool] = {}
        # "null_on_last": next_cursor null on a short last page (server since 2026-04);
        # "empty_after": the last page still has a cursor, the next page is empty.
        self.cursor_end = "null_on_last"

    # ------------------------------------------------------------------- data
    def add_author(self, author: OAAuthor) -> None:
        with self.lock:
            self.authors[author.author_id] = author

    def add_work(self, work: OAWork) -> None:
        with self.lock:
            self.works[work.work_id] = work

    def add_recorded_work(self, record: dict[str, Any]) -> str:
        """Serve a real recorded work record verbatim (fields outside it are absent)."""
        work_id = str(record["id"]).rsplit("/", 1)[-1]
        authors = [
            (
                str(a["author"]["id"]).rsplit("/", 1)[-1]
                if a.get("author", {}).get("id")
                else None,
                str(a.get("author", {}).get("display_name") or ""),
            )
            for a in record.get("authorships") or []
        ]
        work = OAWork(
            work_id=work_id,
            title=record.get("title"),
            year=record.get("publication_year"),
            authors=authors,
            cited_by_count=int(record.get("cited_by_count") or 0),
            recorded=copy.deepcopy(record),
        )
        self.add_work(work)
        return work_id

    def merge(self, old_id: str, new_id: str) -> None:
        with self.lock:
            self.merged[old_id] = new_id

    def resolve(self, entity_id: str) -> str:
        with self.lock:
            seen = 0
            while entity_id in self.merged and seen < 10:
                entity_id, seen = self.merged[entity_id], seen + 1
            return entity_id

    # ------------------------------------------------------------- derived
    def works_of(self, author_id: str) -> list[OAWork]:
        return [w for w in self.works.values() if any(a == author_id for a, _ in w.authors)]

    def author_json(self, author: OAAuthor) -> dict[str, Any]:
        works = self.works_of(author.author_id)
        cites = sorted((w.cited_by_count for w in works), reverse=True)
        h = sum(1 for i, c in enumerate(cites, start=1) if c >= i)
        affiliations = [
            {
                "institution": {
                    "id": ID + "I" + str(abs(hash(name)) % 10**9),
                    "ror": ror,
                    "display_name": name,
                    "country_code": country,
                    "type": "education",
                    "lineage": [],
                },
                "years": list(years),
            }
            for name, ror, country, years in author.affiliations
        ]
        latest = max(author.affiliations, key=lambda a: max(a[3] or [0]), default=None)
        return {
            "id": ID + author.author_id,
            "orcid": f"https://orcid.org/{author.orcid}" if author.orcid else None,
            "display_name": author.name,
            "display_name_alternatives": list(author.alternatives) or [author.name],
            "works_count": len(works),
            "cited_by_count": sum(cites),
            "summary_stats": {
                "2yr_mean_citedness": 0.0,
                "h_index": author.reported_h_index if author.reported_h_index is not None else h,
                "i10_index": sum(1 for c in cites if c >= 10),
            },
            "ids": {"openalex": ID + author.author_id}
            | ({"orcid": f"https://orcid.org/{author.orcid}"} if author.orcid else {}),
            "affiliations": affiliations,
            "last_known_institutions": [
                affiliations[author.affiliations.index(latest)]["institution"]
            ]
            if latest is not None
            else [],
            "topics": [],
            "counts_by_year": [],
            "works_api_url": f"https://api.openalex.org/works?filter=author.id:{author.author_id}",
            "updated_date": "2026-11-30T00:00:00.000000",
            "created_date": "2023-07-21",
        }

    def work_json(self, work: OAWork) -> dict[str, Any]:
        if work.recorded is not None:
            return copy.deepcopy(work.recorded)
        doi_url = f"https://doi.org/{work.doi}" if work.doi else None
        if work.arxiv_id and not work.doi:
            doi_url = f"https://doi.org/10.48550/arxiv.{work.arxiv_id}"
        locations: list[dict[str, Any]] = []
        primary: dict[str, Any] | None = None
        if work.venue or work.doi:
            primary = {
                "is_oa": False,
                "landing_page_url": doi_url,
                "pdf_url": None,
                "source": {"id": ID + "S1", "display_name": work.venue, "type": "journal"}
                if work.venue
                else None,
                "version": "publishedVersion",
                "is_published": True,
            }
            locations.append(primary)
        if work.arxiv_id:
            arxiv = {
                "id": f"pmh:oai:arXiv.org:{work.arxiv_id}",
                "is_oa": True,
                "landing_page_url": f"http://arxiv.org/abs/{work.arxiv_id}",
                "pdf_url": f"https://arxiv.org/pdf/{work.arxiv_id}",
                "source": dict(ARXIV_SOURCE),
                "version": "submittedVersion",
                "is_published": False,
            }
            locations.append(arxiv)
            primary = primary or arxiv
        authorships = [
            {
                "author_position": "first"
                if i == 0
                else ("last" if i == len(work.authors) - 1 else "middle"),
                "author": {"id": ID + a if a else None, "display_name": name, "orcid": None},
                "institutions": [],
                "countries": [],
                "is_corresponding": i == 0,
                "raw_author_name": work.raw_names.get(i, name),
                "raw_affiliation_strings": [],
                "affiliations": [],
            }
            for i, (a, name) in enumerate(work.authors)
        ]
        words = (work.abstract or "").split()
        inverted: dict[str, list[int]] = {}
        for position, word in enumerate(words):
            inverted.setdefault(word, []).append(position)
        return {
            "id": ID + work.work_id,
            "doi": doi_url,
            "title": work.title,
            "display_name": work.title,
            "publication_year": work.year,
            "publication_date": work.publication_date
            or (f"{work.year}-01-01" if work.year else None),
            "ids": {"openalex": ID + work.work_id} | ({"doi": doi_url} if doi_url else {}),
            "language": "en",
            "primary_location": primary,
            "type": "preprint" if work.arxiv_id and not work.doi else work.type,
            "indexed_in": ["arxiv"] if work.arxiv_id else ["crossref"],
            "authorships": authorships,
            "fwci": work.fwci,
            "cited_by_count": work.cited_by_count,
            "citation_normalized_percentile": None
            if work.percentile is None
            else {
                "value": work.percentile,
                "is_in_top_1_percent": work.percentile >= 0.99,
                "is_in_top_10_percent": work.percentile >= 0.9,
            },
            "biblio": {"volume": None, "issue": None, "first_page": None, "last_page": None},
            "is_retracted": work.is_retracted,
            "is_paratext": False,
            "primary_topic": {"id": ID + "T1", "display_name": work.topic} if work.topic else None,
            "locations": locations,
            "locations_count": len(locations),
            "abstract_inverted_index": inverted or None,
            "counts_by_year": [
                {"year": y, "cited_by_count": c}
                for y, c in sorted(work.counts_by_year.items(), reverse=True)
            ],
            "updated_date": "2026-11-30T00:00:00.000000",
            "created_date": "2020-01-01",
        }

    # ------------------------------------------------------------ budgets
    def pool(self, key: str | None) -> Pool:
        with self.lock:
            if key not in self.pools:
                limit = KEYLESS_LIMIT if key is None else self.keys.get(key, FREE_KEY_LIMIT)
                self.pools[key] = Pool(limit)
            return self.pools[key]


def populate(
    store: OpenAlexStore,
    author_id: str,
    name: str,
    n_works: int,
    *,
    arxiv_fraction: float = 0.5,
    consortium_every: int = 0,
    seed: int = 0,
) -> None:
    """A deterministic author with ``n_works`` works (benchmarks, paging tests).

    Every ``consortium_every``-th work has 150 authors with the person 120th, so the
    author filter misses it and only the name sweep finds it.
    """
    import random

    rng = random.Random(seed)
    store.add_author(
        OAAuthor(author_id, name, affiliations=[("University of Examples", None, "US", [2020])])
    )
    crowd = [(f"A7{j:06d}", f"Member {j}") for j in range(150)]
    for i in range(n_works):
        year = 1995 + i % 30
        trapped = consortium_every and i % consortium_every == consortium_every - 1
        authors = (
            [*crowd[:119], (author_id, name), *crowd[119:149]]
            if trapped
            else [(author_id, name), (f"A8{i:06d}", f"Coauthor {i}")]
        )
        store.add_work(
            OAWork(
                f"W6{seed:02d}{i:07d}",
                f"Synthetic work {i} of {name}",
                year,
                authors,
                arxiv_id=f"{year % 100:02d}{1 + i % 12:02d}.{i % 100000:05d}"
                if rng.random() < arxiv_fraction and year >= 2008
                else None,
                doi=f"10.5555/synthetic.{seed}.{i}",
                cited_by_count=int(rng.paretovariate(1.2)) - 1,
                fwci=round(rng.random() * 3, 3),
            )
        )
