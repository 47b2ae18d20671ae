"""Novelty data for the double: reference lists, SPECTER-like vectors, arXiv cohorts.

Everything is deterministic (seeded by names, never by the clock or `random`'s global
state), so every test and benchmark sees the same world:

* a **reference pool** per arXiv category: S2-only papers on a few topics, each with a
  vector near its topic's centroid (`dims` numbers; the real SPECTER v2 has 768), about
  one in eight without a vector, as S2's coverage has gaps;
* `fill_cohort(double, "cs.CL", 2023, n=250)`: `n` arXiv papers submitted that year with
  that primary category (plus a few cross-lists from other categories, which a cohort
  must leave out), S2 records for most of them with heavy-tailed citation counts and
  reference lists drawn from one to three topics of the pool (a few with too few
  references to be eligible, a few with unresolved entries);
* `seed_world(double)`: the seed profile (tests/seed.py) with references on its papers
  and the cohorts its papers fall in; `author_world(double, author_id)` the same for a
  synthetic author of `populate_synthetic`.

Vectors are random draws, so the values mean nothing; what tests can check is the
arithmetic, the eligibility rules, the cohort rules and the request counts.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .store import ArxivEntry, Paper, Store, iso_utc, stable_hex

MODEL = "specter_v2"
TOPICS = 8
POOL = 400
DIMS = 32


def _centroid(category: str, topic: int, dims: int) -> list[float]:
    rng = random.Random(f"centroid:{category}:{topic}:{dims}")
    return [rng.gauss(0.0, 1.0) for _ in range(dims)]


def topic_vector(category: str, topic: int, key: str, dims: int = DIMS) -> list[float]:
    """A vector near the topic's centroid; the same key always gives the same vector."""
    rng = random.Random(f"vector:{key}:{dims}")
    return [c + rng.gauss(0.0, 0.6) for c in _centroid(category, topic, dims)]


def pool_ids(category: str) -> list[str]:
    return [stable_hex("novelty-ref", category, k) for k in range(POOL)]


def add_reference_pool(store: Store, category: str, *, dims: int = DIMS) -> list[str]:
    """The category's reference pool (added once); returns the ids, topic = index % TOPICS."""
    ids = pool_ids(category)
    if ids[0] in store.papers:
        return ids
    for k, pid in enumerate(ids):
        topic = k % TOPICS
        embedded = int(stable_hex("embedded", pid)[:2], 16) >= 32  # about 7 in 8
        vector = topic_vector(category, topic, pid, dims)
        store.add_paper(
            Paper(
                paper_id=pid,
                title=f"Reference {k} on {category} topic {topic}",
                year=2000 + k % 22,
                publication_date=None,
                venue="",
                authors=[(None, f"Reference Author {k}")],
                citation_count=5 + k % 97,
                embeddings={MODEL: vector, "specter_v1": vector[::-1]} if embedded else None,
            )
        )
    return ids


def draw_references(
    rng: random.Random, pool: list[str], n_refs: int, n_topics: int, unresolved: int = 0
) -> list[str | None]:
    """`n_refs` distinct pool references from `n_topics` topics, plus unresolved entries."""
    topics = rng.sample(range(TOPICS), n_topics)
    candidates = [pid for k, pid in enumerate(pool) if k % TOPICS in topics]
    refs: list[str | None] = list(rng.sample(candidates, min(n_refs, len(candidates))))
    refs.extend([None] * unresolved)
    rng.shuffle(refs)
    return refs


def set_references(store: Store, paper_id: str, refs: list[str | None]) -> None:
    with store.lock:
        store.papers[paper_id].references = list(refs)
        store._derived.clear()


def _arxiv_number(store: Store, year: int, month: int, rng: random.Random) -> str:
    while True:
        candidate = f"{year % 100:02d}{month:02d}.{rng.randint(60000, 99999):05d}"
        if candidate not in store.arxiv:
            return candidate


def fill_cohort(
    double: Any,
    category: str,
    year: int,
    n: int = 250,
    *,
    cross_lists: int = 10,
    s2_share: float = 0.95,
    dims: int = DIMS,
    seed: int = 0,
) -> list[str]:
    """`n` arXiv papers of `category` (primary) submitted in `year`; returns their ids.

    Also adds `cross_lists` papers of another primary category listed in `category`,
    which `cat:` listings return and a cohort must drop.
    """
    store: Store = double.store
    pool = add_reference_pool(store, category, dims=dims)
    rng = random.Random(f"cohort:{seed}:{category}:{year}:{n}")
    start = dt.datetime(year, 1, 1)
    seconds = int((dt.datetime(year + 1, 1, 1) - start).total_seconds())
    ids: list[str] = []
    for k in range(n + cross_lists):
        published = start + dt.timedelta(seconds=rng.randrange(seconds))
        arxiv_id = _arxiv_number(store, year, published.month, rng)
        primary = category if k < n else ("cs.LG" if category != "cs.LG" else "cs.AI")
        title = f"Cohort paper {k} of {category} {year}"
        store.add_arxiv(
            ArxivEntry(
                arxiv_id=arxiv_id,
                title=title,
                abstract=f"We study {title.lower()}.",
                authors=[f"Cohort Author {k}"],
                published=iso_utc(published.isoformat()),
                updated=iso_utc(published.isoformat()),
                primary_category=primary,
                categories=[primary, category] if primary != category else [category],
            )
        )
        if k < n:
            ids.append(arxiv_id)
        if rng.random() >= s2_share:
            continue  # an arXiv paper S2 does not know
        paper_id = stable_hex("cohort-paper", seed, arxiv_id)
        roll = rng.random()
        n_refs = rng.randint(3, 9) if roll < 0.12 else rng.randint(12, 45)
        refs = draw_references(rng, pool, n_refs, rng.randint(1, 3), unresolved=rng.randint(0, 4))
        store.add_paper(
            Paper(
                paper_id=paper_id,
                title=title,
                year=year,
                publication_date=published.date().isoformat(),
                venue="arXiv.org",
                authors=[(None, f"Cohort Author {k}")],
                citation_count=int((rng.paretovariate(1.2) - 1) * 12),
                arxiv_id=arxiv_id,
                references=refs,
            )
        )
    return ids


# The seed papers' references: (topics, resolved references, unresolved entries). The
# K-Viscuit paper ("f"*40) gets 17 resolved references of which only 4 have a vector.
SEED_REFERENCES: dict[str, tuple[int, int, int]] = {
    "a" * 40: (2, 30, 4),
    "b" * 40: (1, 25, 2),
    "c" * 40: (3, 40, 0),
    "d" * 40: (2, 22, 6),
    "e" * 40: (1, 8, 1),  # 8 references: too few
    "1" * 40: (3, 35, 3),
    "2" * 40: (2, 28, 0),
    "0" * 40: (2, 24, 2),
}
SEED_COHORTS = (
    ("cs.CL", 2022, 250),
    ("cs.CL", 2023, 250),
    ("cs.CL", 2024, 250),
    ("cs.DC", 2024, 30),
)


def _unembedded(store: Store, pool: list[str]) -> list[str]:
    return [pid for pid in pool if not store.papers[pid].embeddings]


def seed_world(double: Any, *, dims: int = DIMS) -> None:
    """The seed profile, references on its papers, and its four cohorts."""
    import seed

    seed.load(double)
    seed_extras(double, dims=dims)


def seed_extras(double: Any, *, dims: int = DIMS) -> None:
    """What ``seed_world`` adds to a double already holding the seed profile."""
    import seed

    store: Store = double.store
    for category, year, n in SEED_COHORTS:
        fill_cohort(double, category, year, n, dims=dims)
    for paper in seed.PAPERS:
        pool = pool_ids(paper.category)
        rng = random.Random(f"seed-refs:{paper.paper_id}")
        if paper.paper_id == "f" * 40:
            embedded = [pid for pid in pool if store.papers[pid].embeddings][:4]
            refs: list[str | None] = [*embedded, *_unembedded(store, pool)[:13], None, None]
        else:
            topics, n_refs, unresolved = SEED_REFERENCES[paper.paper_id]
            refs = draw_references(rng, pool, n_refs, topics, unresolved)
        set_references(store, paper.paper_id, refs)
    add_reference_pool(store, "cs.DC", dims=dims)
    # Token-Scaled Logit Distillation: CD_nok = (12 - 6) / (12 + 6) = 1/3, two citers left
    # out for unresolved references, three outside the 5-year window.
    add_citers(store, "a" * 40, only=12, both=6, unresolved=2, outside=3)
    # PSYDIAL has 8 references, 9 citers: too few of both for a value.
    add_citers(store, "e" * 40, only=5, both=4, unresolved=0, outside=0)


def add_citers(
    store: Store, paper_id: str, *, only: int, both: int, unresolved: int, outside: int
) -> None:
    """Stored papers citing `paper_id` (served as its nested `citations`).

    `only` cite it and none of its references, `both` cite it and one of its references,
    `unresolved` have no resolved reference, `outside` cite it more than 5 years later.
    """
    focal = store.papers[paper_id]
    own = [r for r in focal.references or [] if r]
    year = focal.year or 2020
    others = [pid for pid in pool_ids("cs.DC") if pid not in own]
    citers: list[str] = []
    kinds = ["only"] * only + ["both"] * both + ["unresolved"] * unresolved
    kinds += ["outside"] * outside
    for k, kind in enumerate(kinds):
        cid = stable_hex("citer", paper_id, k)
        refs: list[str | None]
        if kind == "both":
            refs = [paper_id, own[k % len(own)], others[k]]
        elif kind == "unresolved":
            refs = [None, None]
        else:
            refs = [paper_id, others[k], others[k + 1]]
        store.add_paper(
            Paper(
                paper_id=cid,
                title=f"Citing paper {k} of {focal.title[:40]}",
                year=year + 8 if kind == "outside" else year + 1 + k % 3,
                publication_date=None,
                venue="",
                authors=[(None, f"Citer {k}")],
                references=refs,
            )
        )
        citers.append(cid)
    with store.lock:
        focal.citers = citers
        store._derived.clear()


def author_world(double: Any, author_id: str, *, n: int = 250, dims: int = DIMS) -> None:
    """References for every paper of an author and the cohorts their arXiv papers fall in."""
    store: Store = double.store
    papers = store.author_papers(author_id)
    wanted: set[tuple[str, int]] = set()
    for paper in papers:
        entry = store.arxiv.get(paper.arxiv_id) if paper.arxiv_id else None
        category = entry.primary_category if entry else "cs.CL"
        if entry is not None:
            wanted.add((category, int(entry.published[:4])))
        pool = add_reference_pool(store, category, dims=dims)
        rng = random.Random(f"author-refs:{paper.paper_id}")
        refs = draw_references(rng, pool, rng.randint(8, 45), rng.randint(1, 3), rng.randint(0, 5))
        set_references(store, paper.paper_id, refs)
    for category, year in sorted(wanted):
        if not any(
            e.primary_category == category
            and e.published.startswith(f"{year}-")
            and e.title.startswith("Cohort paper")
            for e in store.arxiv.values()
        ):
            fill_cohort(double, category, year, n, dims=dims)
