"""``--source datasets:DIR``: profiles and metric rows from local Parquet, no network.

``scholar author NAME --source datasets:DIR`` and ``scholar metrics --source
datasets:DIR NAME...`` resolve a name against the authors table (case, accents and
punctuation folded as ``merge.fold_name``; the most papers wins, then the lowest id),
read the person's papers from authorship + papers (a paper once, even under several
ids) and compute every metric with indicators/metrics.py, exactly as the API path
does. Bulk records have no arXiv category, code link or abstract; those stay empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from scholarcli.datasets.engines import duckdb_connect, register_duckdb, require_tables
from scholarcli.datasets.manifest import Manifest
from scholarcli.errors import NotFoundError, UsageError
from scholarcli.indicators import metrics
from scholarcli.models import Profile, ProfilePaper
from scholarcli.profile.analysis import DECIMALS, PersonMetrics, ProfileView
from scholarcli.profile.merge import fold_name, profile_metrics

PREFIX = "datasets:"


def source_dir(source: str | None) -> Path | None:
    """``datasets:DIR`` → DIR; None (the default) means the Semantic Scholar API."""
    if source is None or source.strip() in ("", "api"):
        return None
    if not source.startswith(PREFIX) or not source[len(PREFIX) :].strip():
        raise UsageError(
            f"--source must be api or datasets:DIR, not {source!r}",
            hint="e.g. --source datasets:~/s2 after scholar datasets ingest ~/s2",
        )
    root = Path(source[len(PREFIX) :].strip()).expanduser()
    require_tables(root)
    return root


@dataclass
class Person:
    name: str
    ids: list[str]
    affiliations: list[str]
    papers: list[ProfilePaper]
    candidates: int


def _resolve(con: Any, name: str | None, ids: list[str]) -> tuple[list[int], int]:
    if ids:
        bad = [i for i in ids if not i.strip().isdigit()]
        if bad:
            raise UsageError(f"--id must be a numeric S2 author id, not {bad[0]!r}")
        return [int(i) for i in ids], 0
    if not name or not fold_name(name):
        raise UsageError("give a name or --id")
    target = fold_name(name)
    # A cheap pre-filter in SQL (the longest name token), the exact fold in Python.
    token = max(target.split(), key=len)
    rows = con.execute(
        "SELECT authorid, name FROM authors WHERE lower(name) LIKE '%' || ? || '%'", [token]
    ).fetchall()
    exact = [int(i) for i, found in rows if found and fold_name(found) == target]
    counts: dict[int, int] = {}
    if exact:
        # Counted for the matches only: authorship is sorted by author, so an IN list
        # reads a few row groups instead of aggregating the whole table.
        listed = ", ".join(str(i) for i in exact)
        counts = dict(
            con.execute(
                f"SELECT authorid, count(*) FROM authorship WHERE authorid IN ({listed}) "
                "GROUP BY authorid"
            ).fetchall()
        )
    matches = sorted((-counts.get(i, 0), i) for i in exact)
    if not matches:
        raise NotFoundError(f"no author named {name!r} in the datasets tables")
    return [matches[0][1]], len(matches) - 1


def _person(root: Path, name: str | None, ids: list[str], as_of: date) -> Person:
    con = duckdb_connect()
    try:
        register_duckdb(con, root)
        author_ids, others = _resolve(con, name, ids)
        id_list = ", ".join(str(i) for i in author_ids)
        found = con.execute(
            f"SELECT authorid, name, affiliations FROM authors WHERE authorid IN ({id_list}) "
            "ORDER BY authorid"
        ).fetchall()
        rows = con.execute(
            "SELECT p.corpusid, p.paper_id, p.title, p.venue, p.year, p.publicationdate, "
            "p.citationcount, p.influentialcitationcount, p.arxiv_id, p.doi, "
            "[x.name FOR x IN p.authors] AS names, s.position "
            f"FROM (SELECT corpusid, MIN(position) AS position FROM authorship "
            f"      WHERE authorid IN ({id_list}) GROUP BY corpusid) s "
            "JOIN papers p ON p.corpusid = s.corpusid ORDER BY p.citationcount DESC, p.corpusid"
        ).fetchall()
    finally:
        con.close()
    if not rows and not found:
        raise NotFoundError(f"no author with id {', '.join(ids)} in the datasets tables")
    papers = [_paper(row, as_of) for row in rows]
    display = next((str(n) for _, n, _ in found if n), name or str(author_ids[0]))
    affiliations = sorted({a for _, _, affs in found for a in affs or [] if a})
    return Person(display, [str(i) for i in author_ids], affiliations, papers, others)


def _paper(row: tuple[Any, ...], as_of: date) -> ProfilePaper:
    corpusid, sha, title, venue, year, published, cites, influential, arxiv, doi, names, pos = row
    paper_id = sha or str(corpusid)
    return ProfilePaper(
        paper_id=paper_id,
        title=" ".join(str(title or "").split()),
        authors=[str(n or "") for n in names or []],
        author_position=int(pos) if pos is not None else None,
        date=published or None,
        year=int(year) if year is not None else None,
        venue=str(venue or ""),
        category=None,
        citations=int(cites or 0),
        influential_citations=int(influential or 0),
        cites_per_year=round(metrics.cites_per_year(int(cites or 0), year, as_of.year), 2),
        code_url=None,
        abstract=None,
        url=f"https://www.semanticscholar.org/paper/{sha}" if sha else None,
        arxiv_id=arxiv or None,
        doi=str(doi).lower() if doi else None,
    )


def author_profile(root: Path, name: str | None, ids: list[str], *, as_of: date) -> Profile:
    person = _person(root, name, ids, as_of)
    release = Manifest.load(root).parquet.get("release")
    return Profile(
        name=person.name,
        ids=person.ids,
        affiliations=person.affiliations,
        as_of=as_of.isoformat(),
        primary_category=None,
        primary_category_name=None,
        metrics=profile_metrics(person.papers, as_of),
        papers=person.papers,
        fetched_at=str(release) if release else None,
        candidates=person.candidates,
    )


def people_metrics(
    root: Path, names: list[str], ids: list[str], *, as_of: date
) -> list[PersonMetrics]:
    """One row per name, then one for all ``ids`` together, as the API path does."""
    asked: list[tuple[str | None, list[str]]] = [(name, []) for name in names]
    if ids:
        asked.append((None, ids))
    people = []
    for name, person_ids in asked:
        person = _person(root, name, person_ids, as_of)
        stats = [
            metrics.PaperStats(
                citations=p.citations,
                year=p.year,
                n_authors=len(p.authors) or None,
                author_position=p.author_position,
            )
            for p in person.papers
        ]
        values = metrics.author_metrics(stats, as_of.year)
        rounded = {k: round(v, DECIMALS) if isinstance(v, float) else v for k, v in values.items()}
        people.append(PersonMetrics(person.name, person.ids, f"{PREFIX}{root}", rounded))
    return people


def _check_local(citations_by_year: bool) -> None:
    if citations_by_year:
        raise UsageError(
            "--citations-by-year needs the Semantic Scholar API",
            hint="the bulk papers records carry totals only; drop --source or the option",
        )


def local_view(
    source: str | None,
    name: str | None,
    ids: list[str],
    *,
    as_of: date,
    citations_by_year: bool = False,
) -> ProfileView | None:
    """The profile from ``datasets:DIR``, or None when ``source`` is the API."""
    root = source_dir(source)
    if root is None:
        return None
    _check_local(citations_by_year)
    return ProfileView(author_profile(root, name, ids, as_of=as_of))


def local_people(
    source: str | None,
    names: list[str],
    ids: list[str],
    *,
    as_of: date,
    citations_by_year: bool = False,
) -> list[PersonMetrics] | None:
    """Metric rows from ``datasets:DIR``, or None when ``source`` is the API."""
    root = source_dir(source)
    if root is None:
        return None
    _check_local(citations_by_year)
    return people_metrics(root, names, ids, as_of=as_of)
