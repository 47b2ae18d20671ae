"""Deterministic synthetic authors for the double (tests at scale, benchmarks).

`populate(store, author_id, name, n_papers, ...)` adds one author with `n_papers` S2
papers whose shapes mimic real data: heavy-tailed citation counts, null abstracts for
about a third (licensing, docs/sources.md), arXiv-only preprints
with the DataCite DOI `10.48550/arXiv.<id>`, co-authors with and without ids, and for
a share of papers an arXiv entry whose comment or abstract carries a code URL (some
with trailing punctuation, some project pages on github.io; docs/sources.md, arXiv).
Same arguments, same data: every random choice comes from one seeded generator.
"""

from __future__ import annotations

import datetime as dt
import random

from .store import ArxivEntry, Paper, Store, iso_utc, stable_hex

ADJECTIVES = (
    "Efficient",
    "Robust",
    "Scalable",
    "Multilingual",
    "Contrastive",
    "Sparse",
    "Interpretable",
    "Low-Resource",
    "Hierarchical",
    "Retrieval-Augmented",
    "Neural",
    "Adaptive",
)
SUBJECTS = (
    "Dialogue Models",
    "Language Model Alignment",
    "Speech Recognition",
    "Entity Linking",
    "Question Answering",
    "Machine Translation",
    "Summarization",
    "Code Generation",
    "Knowledge Graphs",
    "Instruction Tuning",
    "Tokenization",
    "Evaluation Metrics",
)
SETTINGS = (
    "at Scale",
    "for Korean",
    "with Small Data",
    "in the Wild",
    "without Labels",
    "under Distribution Shift",
    "for Low-Resource Languages",
    "via Self-Training",
)
VENUES = (
    "ACL",
    "EMNLP",
    "NAACL",
    "Findings of ACL",
    "COLING",
    "NeurIPS",
    "ICLR",
    "AAAI",
    "TACL",
    "Interspeech",
)
CATEGORIES = (("cs.CL", 50), ("cs.LG", 20), ("cs.AI", 15), ("cs.CV", 10), ("stat.ML", 5))
COAUTHOR_FIRST = ("Ji-Hoon", "Minseo", "Alice", "Ravi", "Sofia", "Wei", "Elena", "Tomás")
COAUTHOR_LAST = ("Kim", "Park", "Müller", "Rossi", "Chen", "Okafor", "Novak", "García")


def _code_url(rng: random.Random, slug: str) -> str:
    user = rng.choice(("nlp-lab", "kaist-ai", "deepmind-research", "hf-research"))
    return f"https://github.com/{user}/{slug}"


def _comment(rng: random.Random, venue: str, year: int, slug: str) -> str | None:
    roll = rng.random()
    if roll < 0.15:
        return f"Accepted at {venue or 'ACL'} {year}. Code: {_code_url(rng, slug)}"
    if roll < 0.22:
        return f"Code and data are available at {_code_url(rng, slug)}."
    if roll < 0.27:
        return f"Project page: https://{slug}.github.io/"
    if roll < 0.55:
        return f"{rng.randint(4, 30)} pages, {rng.randint(1, 12)} figures"
    return None


def _arxiv_id(date: dt.date, taken: set[str], rng: random.Random) -> str:
    yymm = f"{date.year % 100:02d}{date.month:02d}"
    width = 5 if date.year >= 2015 else 4
    number = rng.randint(1, 9000)
    while True:
        candidate = f"{yymm}.{number:0{width}d}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        number += 1


def populate(
    store: Store,
    author_id: str,
    name: str,
    n_papers: int,
    *,
    arxiv_fraction: float = 0.5,
    seed: int = 0,
) -> None:
    """Add the author, `n_papers` papers and the matching arXiv entries to `store`."""
    rng = random.Random(f"{seed}:{author_id}:{n_papers}")
    store.add_author(
        author_id,
        name,
        affiliations=[rng.choice(("KAIST", "Seoul National University", "NAVER Cloud"))],
        external_ids={"DBLP": [name]},
    )
    coauthors = [
        (
            None if k % 17 == 16 else str(1_000_000_000 + int(stable_hex(author_id, k)[:7], 16)),
            f"{rng.choice(COAUTHOR_FIRST)} {rng.choice(COAUTHOR_LAST)}",
        )
        for k in range(40)
    ]
    first_year = rng.randint(2008, 2016)
    taken = set(store.arxiv)
    for index in range(n_papers):
        year = rng.randint(first_year, 2025)
        date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(SUBJECTS)} {rng.choice(SETTINGS)}"
        byline = rng.sample(coauthors, rng.randint(0, 6))
        byline.insert(rng.randint(0, len(byline)), (author_id, name))
        age = 2026 - year
        citations = min(int((rng.paretovariate(1.3) - 1) * 4 * age), 50_000)
        on_arxiv = rng.random() < arxiv_fraction
        venue = rng.choice(VENUES) if rng.random() < 0.6 else ""
        slug = f"{title.split()[0].lower()}-{index}"
        abstract = (
            f"We study {title.lower()}. Our method improves over strong baselines "
            f"on {rng.randint(2, 9)} benchmarks."
        )
        if rng.random() < 0.1:
            abstract += f" Our code is released at {_code_url(rng, slug)}."
        # arXiv v1 usually precedes the S2 publication date; the id encodes its month.
        published = dt.datetime(date.year, date.month, date.day) - dt.timedelta(
            days=rng.randint(0, 60), seconds=rng.randint(0, 86_399)
        )
        arxiv_id = _arxiv_id(published.date(), taken, rng) if on_arxiv else None
        if arxiv_id and not venue:
            venue = "arXiv.org"
            doi = f"10.48550/arXiv.{arxiv_id}" if rng.random() < 0.5 else None
        elif venue and rng.random() < 0.7:
            doi = f"10.18653/v1/{year}.{venue.split()[0].lower()}-main.{index + 1}"
        else:
            doi = None
        paper_id = stable_hex("paper", seed, author_id, index)
        store.add_paper(
            Paper(
                paper_id=paper_id,
                title=title,
                year=year,
                publication_date=date.isoformat() if rng.random() < 0.85 else None,
                venue=venue,
                authors=byline,
                citation_count=citations,
                influential_citation_count=citations // rng.randint(8, 15),
                arxiv_id=arxiv_id,
                doi=doi,
                abstract=abstract if rng.random() < 0.67 else None,
            )
        )
        if arxiv_id is None:
            continue
        version = rng.choice((1, 1, 1, 2, 2, 3))
        updated = published + dt.timedelta(days=21 * (version - 1), hours=version - 1)
        primary = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        cross = [c for c, _ in CATEGORIES if c != primary and rng.random() < 0.25]
        has_ref = venue not in ("", "arXiv.org") and rng.random() < 0.3
        store.add_arxiv(
            ArxivEntry(
                arxiv_id=arxiv_id,
                title=title,
                abstract=abstract,
                authors=[n for _, n in byline],
                published=iso_utc(published.isoformat()),
                updated=iso_utc(updated.isoformat()),
                primary_category=primary,
                categories=[primary, *cross],
                comment=_comment(rng, venue if venue != "arXiv.org" else "", year, slug),
                journal_ref=f"{venue} {year}" if has_ref else None,
                doi=doi if doi and not doi.startswith("10.48550/") else None,
                version=version,
            )
        )
