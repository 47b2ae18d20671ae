"""Named, numbered schema migrations, applied in order when the cache is opened.

``PRAGMA user_version`` records how many have run (migration N leaves it at N; the
numbers run 1, 2, 3, ... without gaps, which ``check`` asserts at import). Each
migration runs in its own transaction, so a crash leaves the schema at a numbered
version, never between.
Never edit a migration that has shipped: add the next number.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

APPLICATION_ID = 0x5C401A12  # marks the file as a scholar cache (PRAGMA application_id)


@dataclass(frozen=True)
class Migration:
    """One schema step: its number (the ``user_version`` after it), a name, its SQL."""

    number: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    # 1: authors, their paper lists, papers, arXiv metadata, cached searches.
    Migration(
        1,
        "authors_papers_arxiv_searches",
        """
    CREATE TABLE authors (
        author_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        affiliations TEXT NOT NULL DEFAULT '[]',
        paper_count INTEGER,
        citation_count INTEGER,
        h_index INTEGER,
        recent_titles TEXT NOT NULL DEFAULT '[]',
        raw TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    CREATE TABLE papers (
        paper_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        year INTEGER,
        publication_date TEXT,
        venue TEXT NOT NULL DEFAULT '',
        arxiv_id TEXT,
        doi TEXT,
        citations INTEGER NOT NULL,
        influential_citations INTEGER NOT NULL,
        authors TEXT NOT NULL,
        abstract TEXT,
        url TEXT,
        raw TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    CREATE INDEX papers_arxiv_id ON papers(arxiv_id);
    -- An author's paper list exactly as S2 gave it, in S2's order.
    CREATE TABLE author_papers (
        author_id TEXT NOT NULL,
        paper_id TEXT NOT NULL REFERENCES papers(paper_id),
        rank INTEGER NOT NULL,
        PRIMARY KEY (author_id, paper_id)
    );
    -- A row here means the author's whole list was fetched and committed at fetched_at.
    CREATE TABLE author_fetches (
        author_id TEXT PRIMARY KEY,
        fetched_at TEXT NOT NULL,
        paper_total INTEGER NOT NULL,
        truncated INTEGER NOT NULL DEFAULT 0
    );
    -- found = 0 records that arXiv answered without this id, so it is not asked again.
    CREATE TABLE arxiv_entries (
        arxiv_id TEXT PRIMARY KEY,
        found INTEGER NOT NULL,
        version INTEGER,
        title TEXT,
        abstract TEXT,
        authors TEXT,
        published TEXT,
        updated TEXT,
        primary_category TEXT,
        categories TEXT,
        comment TEXT,
        journal_ref TEXT,
        doi TEXT,
        raw TEXT,
        fetched_at TEXT NOT NULL
    );
    CREATE TABLE searches (
        query TEXT PRIMARY KEY,
        author_ids TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    """,
    ),
    # 2: the watch list, refresh runs and dated snapshots (history no source keeps).
    Migration(
        2,
        "tracking_snapshots",
        """
    CREATE TABLE tracked (
        person_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        label TEXT,
        author_ids TEXT NOT NULL,
        added_at TEXT NOT NULL,
        last_refresh TEXT,
        last_status TEXT
    );
    CREATE TABLE person_snapshots (
        person_key TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        papers INTEGER NOT NULL,
        citations INTEGER NOT NULL,
        h_index INTEGER NOT NULL,
        metrics TEXT NOT NULL,
        PRIMARY KEY (person_key, taken_at)
    );
    -- A paper's count is stored when it first appears and whenever it changes.
    CREATE TABLE paper_snapshots (
        paper_id TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        citations INTEGER NOT NULL,
        PRIMARY KEY (paper_id, taken_at)
    );
    CREATE TABLE refresh_runs (
        run_id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}'
    );
    -- S2's counts for an id when a refresh last made its cached papers current. The next
    -- refresh compares with these, not with authors rows, which searches also rewrite.
    CREATE TABLE refresh_counts (
        author_id TEXT PRIMARY KEY,
        paper_count INTEGER,
        citation_count INTEGER,
        seen_at TEXT NOT NULL
    );
    """,
    ),
    # 3: citations received per year, counted from the years of citing papers.
    Migration(
        3,
        "citations_per_year",
        """
    CREATE TABLE citation_years (
        paper_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (paper_id, year)
    );
    -- citations is the paper's count when fetched (a changed count means fetch again),
    -- undated counts citing papers without a year, truncated marks S2's 9,999 cap.
    CREATE TABLE citation_fetches (
        paper_id TEXT PRIMARY KEY,
        fetched_at TEXT NOT NULL,
        citations INTEGER NOT NULL,
        undated INTEGER NOT NULL DEFAULT 0,
        truncated INTEGER NOT NULL DEFAULT 0
    );
    """,
    ),
    # 4: novelty and impact (issue 9): reference lists, SPECTER vectors, cohorts, scores.
    Migration(
        4,
        "novelty_and_impact",
        """
    -- A paper's distinct resolved references (paperIds, JSON) as S2 listed them; found = 0
    -- records that S2 answered null. Re-read after 30 days (S2 resolves more with time).
    CREATE TABLE novelty_references (
        paper_id TEXT PRIMARY KEY,
        found INTEGER NOT NULL,
        refs TEXT NOT NULL DEFAULT '[]',
        listed INTEGER NOT NULL DEFAULT 0,
        citations INTEGER,
        fetched_at TEXT NOT NULL
    );
    -- One vector per (paper, model), float32 in machine byte order; NULL vector records
    -- that S2 has none for that model. A model's vector never changes: kept for good.
    CREATE TABLE novelty_vectors (
        paper_id TEXT NOT NULL,
        model TEXT NOT NULL,
        dims INTEGER NOT NULL DEFAULT 0,
        vector BLOB,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (paper_id, model)
    );
    -- A (primary category, v1 year) cohort drawn from the arXiv listing, reused 30 days.
    CREATE TABLE novelty_cohorts (
        category TEXT NOT NULL,
        year INTEGER NOT NULL,
        built_at TEXT NOT NULL,
        listing_total INTEGER NOT NULL,
        method TEXT NOT NULL,
        model TEXT NOT NULL,
        PRIMARY KEY (category, year)
    );
    CREATE TABLE novelty_cohort_members (
        category TEXT NOT NULL,
        year INTEGER NOT NULL,
        arxiv_id TEXT NOT NULL,
        paper_id TEXT,
        citations INTEGER,
        novelty REAL,
        novelty_q99 REAL,
        embedded INTEGER,
        resolved INTEGER,
        PRIMARY KEY (category, year, arxiv_id)
    );
    -- The last computed values of a scored paper (an author's or one of scholar novelty).
    CREATE TABLE novelty_scores (
        paper_id TEXT PRIMARY KEY,
        novelty REAL,
        novelty_q99 REAL,
        novelty_references INTEGER,
        references_resolved INTEGER,
        novelty_percentile INTEGER,
        impact_percentile INTEGER,
        top10 INTEGER,
        category TEXT,
        year INTEGER,
        cohort_n INTEGER,
        cohort_eligible INTEGER,
        note TEXT,
        model TEXT NOT NULL,
        computed_at TEXT NOT NULL
    );
    -- People (their sorted S2 ids) whose novelty was asked for: their profiles show it.
    CREATE TABLE novelty_people (
        ids_key TEXT PRIMARY KEY,
        computed_at TEXT NOT NULL
    );
    -- Tracked people whose novelty a refresh keeps current (scholar track --novelty).
    CREATE TABLE novelty_watch (
        person_key TEXT PRIMARY KEY,
        added_at TEXT NOT NULL
    );
    -- CD_nok of a paper over its 5-year window (--disruption); n_i/n_j as in the formula,
    -- excluded counts citers whose reference lists S2 does not resolve.
    CREATE TABLE novelty_disruption (
        paper_id TEXT PRIMARY KEY,
        cd_nok REAL,
        n_i INTEGER NOT NULL,
        n_j INTEGER NOT NULL,
        excluded INTEGER NOT NULL,
        note TEXT,
        computed_at TEXT NOT NULL
    );
    """,
    ),
    # 5: scholar paper / search: looked-up papers, what each ref resolved to, paper searches,
    # citation and reference lists (SQL in cache/papers.py).
    Migration(
        5,
        "paper_lookups_and_searches",
        """
    -- S2's full paper object as a lookup asked for it (papers.raw may hold fewer fields).
    CREATE TABLE paper_details (
        paper_id TEXT PRIMARY KEY,
        raw TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    -- A ref as the user gave it, normalised; paper_id NULL: S2 knows no such paper, and
    -- candidates holds the closest titles for a title that matched nothing.
    CREATE TABLE paper_refs (
        ref TEXT PRIMARY KEY,
        paper_id TEXT,
        candidates TEXT NOT NULL DEFAULT '[]',
        fetched_at TEXT NOT NULL
    );
    -- One search by its normalised query and filters: results in order, complete = the
    -- source had no more (so any smaller --limit is answered from here).
    CREATE TABLE paper_searches (
        search_key TEXT PRIMARY KEY,
        results TEXT NOT NULL,
        total INTEGER,
        complete INTEGER NOT NULL,
        fetched_at TEXT NOT NULL
    );
    -- A ref in a new spelling (a DOI after the S2 id) finds a looked-up paper by DOI.
    CREATE INDEX papers_doi ON papers(doi);
    -- direction is 'citations' or 'references'; edges as S2 listed them.
    CREATE TABLE paper_edges (
        paper_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        edges TEXT NOT NULL,
        complete INTEGER NOT NULL,
        truncated INTEGER NOT NULL DEFAULT 0,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (paper_id, direction)
    );
    """,
    ),
    # 6: the author count of a paper and the person's place in it as columns (read by
    # many-people metrics without decoding the authors JSON; backfilled here from that
    # JSON, [[author_id, name], ...]), curation rules per S2 author id (exclude a paper,
    # merge two records of one paper; undone by deleting the row), and the last run that
    # found a person's numbers unchanged (a snapshot is stored only when they change).
    Migration(
        6,
        "author_positions_curation_checks",
        """
    ALTER TABLE papers ADD COLUMN n_authors INTEGER;
    UPDATE papers SET n_authors = json_array_length(authors);
    ALTER TABLE author_papers ADD COLUMN author_position INTEGER;
    UPDATE author_papers SET author_position = (
        SELECT CAST(a.key AS INTEGER) + 1 FROM papers AS p, json_each(p.authors) AS a
        WHERE p.paper_id = author_papers.paper_id AND a.value ->> 0 = author_papers.author_id
        ORDER BY CAST(a.key AS INTEGER) LIMIT 1
    );
    CREATE TABLE curation (
        rule_id INTEGER PRIMARY KEY AUTOINCREMENT,
        author_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('exclude', 'merge')),
        ref TEXT NOT NULL,
        target TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX curation_author ON curation(author_id);
    ALTER TABLE person_snapshots ADD COLUMN checked_at TEXT;
    """,
    ),
    # 7: digests, cron health and groups (issue #19). Which papers each tracked person
    # had and when (``baseline`` marks the papers found by the person's first recorded
    # refresh, which no digest reports as new), the citing papers a digest already
    # reported, each person's refresh health, when each person was last digested, and
    # saved groups (members as JSON [{name, ids}], ids pinned when saved).
    Migration(
        7,
        "digests_health_groups",
        """
    CREATE TABLE person_papers (
        person_key TEXT NOT NULL,
        paper_id TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        left_at TEXT,
        baseline INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (person_key, paper_id)
    );
    CREATE TABLE known_citers (
        paper_id TEXT NOT NULL,
        citing_id TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (paper_id, citing_id)
    );
    CREATE TABLE person_health (
        person_key TEXT PRIMARY KEY,
        last_success TEXT,
        last_failure TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE TABLE digest_marks (
        person_key TEXT PRIMARY KEY,
        digested_at TEXT NOT NULL
    );
    CREATE TABLE saved_groups (
        label TEXT PRIMARY KEY,
        members TEXT NOT NULL,
        saved_at TEXT NOT NULL
    );
    """,
    ),
    # 8: who cites a paper (--self-citations): per paper, the citing papers the source
    # listed with their author ids ([[citing paperId, [author id, ...]], ...]), the
    # paper's citation count at the fetch (a different count later means the list is out
    # of date), how many were listed, and whether a cap cut the list short; and the
    # tracked people whose refreshes keep those lists current.
    Migration(
        8,
        "self_citations",
        """
    CREATE TABLE citing_authors (
        paper_id TEXT PRIMARY KEY,
        source TEXT NOT NULL DEFAULT 's2',
        citations INTEGER NOT NULL,
        listed INTEGER NOT NULL,
        truncated INTEGER NOT NULL DEFAULT 0,
        citers TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    CREATE TABLE selfcite_watch (
        person_key TEXT PRIMARY KEY,
        added_at TEXT NOT NULL
    );
    """,
    ),
)


def check(migrations: Sequence[Migration]) -> None:
    """Numbers must be 1..N in order and names unique: ``user_version`` counts them."""
    numbers = [m.number for m in migrations]
    if numbers != list(range(1, len(migrations) + 1)):
        raise ValueError(f"migration numbers must run 1..{len(migrations)}: {numbers}")
    names = [m.name for m in migrations]
    if len(set(names)) != len(names):
        raise ValueError(f"migration names must be unique: {names}")


check(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """Complete SQL statements of a script, as SQLite itself delimits them.

    ``executescript`` would commit on its own; splitting here keeps each migration in
    one transaction, and ``complete_statement`` is not fooled by a ``;`` in a comment
    or a string literal.
    """
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:60]}")
    return statements


def apply(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; return the resulting version."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for migration in MIGRATIONS[version:]:
        number = migration.number
        statements = split_statements(migration.sql)
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-check under the write lock: another process may have migrated meanwhile.
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current >= number:
                conn.execute("ROLLBACK")
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk at COMMIT): rolling back
            # again would fail with "no transaction is active" and hide the cause.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return int(conn.execute("PRAGMA user_version").fetchone()[0])
