"""Generated S2-shaped worlds for the datasets tests, with the answers metrics.py gives.

Records follow the 2024 papers/authors shapes (fixtures/s2-datasets/samples-2024):
lower-case keys, ``authors: [{authorId: str, name}]``, ``externalids`` with 8 keys,
``authorid`` a string in authors. Built from code only; nothing is copied from the
fixtures. ``expected_metrics`` computes each author's columns with
indicators/metrics.py, the reference the SQL must match.
"""

from __future__ import annotations

import gzip
import io
import json
import random
from dataclasses import dataclass, field
from typing import Any

from scholarcli.indicators import metrics

# Hand-made authors with known answers (agop's examples; docs/metrics.md).
KNOWN = {
    9001: [6, 10, 5, 46, 0, 2],  # h 4, g 6, i10 2
    9002: list(range(1, 11)),  # h 5, g 7
    9003: [9, 0, 0],  # h 1, g 3 (bounded by 3 papers)
    9004: [1, 3],  # g 2
    9005: [0],  # all zero
}


def paper_record(
    corpusid: int, year: int | None, cites: int, authors: list[tuple[Any, str]]
) -> dict[str, Any]:
    sha = f"{corpusid:040x}"
    return {
        "corpusid": corpusid,
        "externalids": {
            "ACL": None,
            "DBLP": None,
            "ArXiv": None,
            "MAG": None,
            "CorpusId": str(corpusid),
            "PubMed": None,
            "DOI": f"10.1/{corpusid}",
            "PubMedCentral": None,
        },
        "url": f"https://www.semanticscholar.org/paper/{sha}",
        "title": f"Paper {corpusid}",
        "authors": [{"authorId": None if a is None else str(a), "name": n} for a, n in authors],
        "venue": "Venue",
        "publicationvenueid": None,
        "year": year,
        "referencecount": 3,
        "citationcount": cites,
        "influentialcitationcount": 0,
        "isopenaccess": False,
        "s2fieldsofstudy": None,
        "publicationtypes": None,
        "publicationdate": f"{year}-05-01" if year else None,
        "journal": None,
    }


def author_record(author_id: int, name: str) -> dict[str, Any]:
    return {
        "authorid": str(author_id),
        "externalids": None,
        "url": f"https://www.semanticscholar.org/author/{author_id}",
        "name": name,
        "aliases": None,
        "affiliations": ["Test University"],
        "homepage": None,
        "papercount": 0,
        "citationcount": 0,
        "hindex": 0,
    }


def shard(records: list[dict[str, Any]], extra_lines: list[str] = ()) -> bytes:  # type: ignore[assignment]
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as handle:
        for record in records:
            handle.write((json.dumps(record) + "\n").encode())
        for line in extra_lines:
            handle.write((line + "\n").encode())
    return buffer.getvalue()


@dataclass
class World:
    papers: dict[int, dict[str, Any]] = field(default_factory=dict)
    authors: dict[int, str] = field(default_factory=dict)

    def paper_shards(self, n: int) -> list[bytes]:
        ids = sorted(self.papers)
        return [shard([self.papers[i] for i in ids[k::n]]) for k in range(n)]

    def author_shards(self, n: int) -> list[bytes]:
        ids = sorted(self.authors)
        return [shard([author_record(i, self.authors[i]) for i in ids[k::n]]) for k in range(n)]


def generate(seed: int = 7, n_papers: int = 400, n_authors: int = 60) -> World:
    """A seeded world plus the KNOWN authors, with S2's awkward cases included."""
    rng = random.Random(seed)
    world = World()
    for a in range(1, n_authors + 1):
        world.authors[a] = f"Author {a}"
    corpusid = 1000
    for _ in range(n_papers):
        corpusid += rng.randint(1, 5)
        k = 1 + min(int(rng.expovariate(0.6)), 12)
        listed = [rng.randint(1, n_authors) for _ in range(k)]  # repeats: listed twice
        authors: list[tuple[Any, str]] = [(a, f"Author {a}") for a in listed]
        if rng.random() < 0.05:
            authors.insert(rng.randrange(len(authors) + 1), (None, "No Id"))
        cites = int(rng.paretovariate(1.1)) - 1 if rng.random() < 0.6 else 0
        year = None if rng.random() < 0.05 else rng.randint(1995, 2025)
        world.papers[corpusid] = paper_record(corpusid, year, cites, authors)
    for author_id, cites_list in KNOWN.items():
        world.authors[author_id] = f"Known {author_id}"
        for c in cites_list:
            corpusid += 1
            world.papers[corpusid] = paper_record(
                corpusid, 2015 + c % 7, c, [(author_id, f"Known {author_id}"), (1, "Author 1")]
            )
    return world


def expected_metrics(world: World, as_of_year: int) -> dict[int, dict[str, Any]]:
    """Each author's row, computed with indicators/metrics.py (a paper once per author)."""
    by_author: dict[int, list[metrics.PaperStats]] = {}
    for paper in world.papers.values():
        seen: set[int] = set()
        names = paper["authors"]
        for position, entry in enumerate(names, start=1):
            if entry["authorId"] is None or int(entry["authorId"]) in seen:
                continue
            author = int(entry["authorId"])
            seen.add(author)
            by_author.setdefault(author, []).append(
                metrics.PaperStats(
                    citations=paper["citationcount"],
                    year=paper["year"],
                    n_authors=len(names),
                    author_position=position,
                )
            )
    rows = {}
    for author, stats in by_author.items():
        values = metrics.author_metrics(stats, as_of_year)
        rows[author] = {
            "name": world.authors.get(author),
            **{
                k: values[k]
                for k in (
                    "papers",
                    "citations",
                    "h_index",
                    "g_index",
                    "i10_index",
                    "hi_norm",
                    "m_quotient",
                    "cites_per_year",
                    "first_author_papers",
                )
            },
        }
    return rows
