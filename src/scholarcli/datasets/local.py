"""``--source datasets:DIR``: people and papers from local Parquet, no network.

``DatasetsSource`` is a ``profile.builder.ProfileSource``: ``scholar author NAME
--source datasets:DIR`` and ``scholar metrics --source datasets:DIR NAME...`` are built
by the same builder as the API path, so every metric is computed the same way. A name
is resolved against the authors table (case, accents and punctuation folded as
``core.fold_name``; the most papers wins, then the lowest id) and a person's papers
are read from authorship + papers. Bulk records have no arXiv category, code link or
abstract; those stay empty, and curation, arXiv enrichment, citations per year and
the indicators are refused (the builder asks ``steps``).

It must not compute metrics or build profiles (the builder does).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholarcli.core import fold_name
from scholarcli.datasets.engines import duckdb_connect, register_duckdb, require_tables
from scholarcli.datasets.manifest import Manifest
from scholarcli.errors import NotFoundError, UsageError
from scholarcli.models import Author, AuthorRef, Paper

if TYPE_CHECKING:
    from scholarcli.core import Context, Freshness

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


class DatasetsSource:
    """The ``datasets:DIR`` tables as a profile source (one DuckDB connection per run)."""

    steps: frozenset[str] = frozenset()
    context: Context | None = None

    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = f"{PREFIX}{root}"
        self._con: Any = None

    def _connection(self) -> Any:
        if self._con is None:
            self._con = duckdb_connect()
            register_duckdb(self._con, self.root)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def candidates(self, name: str, fresh: Freshness) -> list[Author]:
        target = fold_name(name)
        if not target:
            raise UsageError("give a name or --id")
        con = self._connection()
        # A cheap pre-filter in SQL (the longest name token), the exact fold in Python.
        token = max(target.split(), key=len)
        rows = con.execute(
            "SELECT authorid, name, affiliations FROM authors "
            "WHERE lower(name) LIKE '%' || ? || '%'",
            [token],
        ).fetchall()
        exact = {
            int(i): (found, affs) for i, found, affs in rows if found and fold_name(found) == target
        }
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
        ranked = sorted(exact, key=lambda i: (-counts.get(i, 0), i))
        return [
            Author(
                author_id=str(i),
                name=str(exact[i][0]),
                affiliations=_affiliations(exact[i][1]),
                paper_count=counts.get(i, 0),
            )
            for i in ranked
        ]

    def authors(self, ids: Sequence[str], fresh: Freshness) -> list[Author]:
        bad = [i for i in ids if not i.strip().isdigit()]
        if bad:
            raise UsageError(f"--id must be a numeric S2 author id, not {bad[0]!r}")
        numbers = [int(i) for i in ids]
        listed = ", ".join(str(i) for i in numbers)
        con = self._connection()
        found = {
            int(i): (n, affs)
            for i, n, affs in con.execute(
                f"SELECT authorid, name, affiliations FROM authors WHERE authorid IN ({listed})"
            ).fetchall()
        }
        if not found:
            listed_any = con.execute(
                f"SELECT count(*) FROM authorship WHERE authorid IN ({listed})"
            ).fetchone()
            if not listed_any or not listed_any[0]:
                raise NotFoundError(f"no author with id {', '.join(ids)} in the datasets tables")
        return [
            Author(
                author_id=str(i),
                name=str(found[i][0] or "") if i in found else "",
                affiliations=_affiliations(found[i][1]) if i in found else [],
            )
            for i in numbers
        ]

    def papers(self, author: Author, fresh: Freshness) -> list[Paper]:
        rows = (
            self._connection()
            .execute(
                "SELECT p.corpusid, p.paper_id, p.title, p.venue, p.year, p.publicationdate, "
                "p.citationcount, p.influentialcitationcount, p.arxiv_id, p.doi, "
                "[x.name FOR x IN p.authors] AS names, s.position "
                "FROM (SELECT corpusid, MIN(position) AS position FROM authorship "
                "      WHERE authorid = ? GROUP BY corpusid) s "
                "JOIN papers p ON p.corpusid = s.corpusid "
                "ORDER BY p.citationcount DESC, p.corpusid",
                [int(author.author_id)],
            )
            .fetchall()
        )
        return [_paper(row, author) for row in rows]

    def fetched_at(self, authors: Sequence[Author]) -> str | None:
        release = Manifest.load(self.root).parquet.get("release")
        return str(release) if release else None

    def no_match(self, name: str) -> NotFoundError:
        return NotFoundError(f"no author named {name!r} in the datasets tables")

    def others_note(self, name: str, chosen: Author, others: int, purpose: str) -> str | None:
        return None

    def refusal(self, step: str) -> UsageError:
        if step == "citations_by_year":
            return UsageError(
                "--citations-by-year needs the Semantic Scholar API",
                hint="the bulk papers records carry totals only; drop --source or the option",
            )
        return UsageError(
            "--source datasets:DIR answers from local Parquet; "
            "--novelty, --disruption, --self-citations and curation need the API path"
        )


def _affiliations(values: Any) -> list[str]:
    return sorted({str(a) for a in values or [] if a})


def _paper(row: tuple[Any, ...], author: Author) -> Paper:
    corpusid, sha, title, venue, year, published, cites, influential, arxiv, doi, names, pos = row
    # The bulk author list carries names only; the person's own slot carries their id,
    # so the builder finds their position exactly as for an API record.
    refs = [AuthorRef(None, str(n or "")) for n in names or []]
    if pos is not None and 1 <= int(pos) <= len(refs):
        refs[int(pos) - 1] = AuthorRef(author.author_id, refs[int(pos) - 1].name)
    return Paper(
        paper_id=sha or str(corpusid),
        title=" ".join(str(title or "").split()),
        year=int(year) if year is not None else None,
        publication_date=published or None,
        venue=str(venue or ""),
        arxiv_id=arxiv or None,
        doi=str(doi).lower() if doi else None,
        citations=int(cites or 0),
        influential_citations=int(influential or 0),
        authors=refs,
        url=f"https://www.semanticscholar.org/paper/{sha}" if sha else None,
    )
