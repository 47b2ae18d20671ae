"""Explicit schemas of the papers and authors records, and the SQL that keys them.

Type inference is never used: it types all-null sample fields as "NULL", reads ids
as VARCHAR in one vintage and BIGINT in another (docs/datasets.md, ingest), and could change
across 30 shards. Only the listed keys are read; others (``updated`` in the 2023
shape, ``s2fieldsofstudy``, ``journal``, ...) are ignored, so both record shapes in
fixtures/s2-datasets/ read the same. Pure text: no engine import, no I/O.
"""

from __future__ import annotations

# DuckDB read_json(columns=...) and Spark DDL for the same record shapes.
DUCKDB_COLUMNS = {
    "papers": {
        "corpusid": "BIGINT",
        "title": "VARCHAR",
        "authors": "STRUCT(authorId VARCHAR, name VARCHAR)[]",
        "venue": "VARCHAR",
        "year": "INTEGER",
        "publicationdate": "VARCHAR",
        "citationcount": "INTEGER",
        "influentialcitationcount": "INTEGER",
        "url": "VARCHAR",
        "externalids": "STRUCT(ArXiv VARCHAR, DOI VARCHAR)",
    },
    "authors": {
        "authorid": "VARCHAR",
        "name": "VARCHAR",
        "affiliations": "VARCHAR[]",
        "papercount": "INTEGER",
        "citationcount": "INTEGER",
        "hindex": "INTEGER",
    },
}
SPARK_DDL = {
    "papers": (
        "corpusid BIGINT, title STRING, authors ARRAY<STRUCT<authorId: STRING, name: STRING>>, "
        "venue STRING, year INT, publicationdate STRING, citationcount INT, "
        "influentialcitationcount INT, url STRING, externalids STRUCT<ArXiv: STRING, DOI: STRING>"
    ),
    "authors": (
        "authorid STRING, name STRING, affiliations ARRAY<STRING>, papercount INT, "
        "citationcount INT, hindex INT"
    ),
}
# What a staged (parsed, not yet deduplicated) record keeps; {src} orders sources so
# that a later diff wins. Portable between DuckDB and Spark SQL.
STAGE_SELECT = {
    "papers": (
        "{src} AS src, corpusid, title, venue, year, publicationdate, "
        "CAST(COALESCE(citationcount, 0) AS INTEGER) AS citationcount, "
        "CAST(COALESCE(influentialcitationcount, 0) AS INTEGER) AS influentialcitationcount, "
        "regexp_extract(url, '([0-9a-f]+)$', 1) AS paper_id, "
        "externalids.ArXiv AS arxiv_id, externalids.DOI AS doi, authors"
    ),
    # S2 author ids are decimal strings; BIGINT keys make the metrics window cheap.
    "authors": (
        "{src} AS src, TRY_CAST(authorid AS BIGINT) AS authorid, name, affiliations, "
        "papercount, citationcount, hindex"
    ),
}
KEY = {"papers": "corpusid", "authors": "authorid"}
COLUMNS = {
    "papers": (
        "corpusid",
        "title",
        "venue",
        "year",
        "publicationdate",
        "citationcount",
        "influentialcitationcount",
        "paper_id",
        "arxiv_id",
        "doi",
        "authors",
    ),
    "authors": ("authorid", "name", "affiliations", "papercount", "citationcount", "hindex"),
}
DELETE_SELECT = {
    "papers": "{src} AS src, corpusid AS key",
    "authors": "{src} AS src, TRY_CAST(authorid AS BIGINT) AS key",
}


def build_sql(dataset: str, has_deletes: bool) -> str:
    """Latest version of each key over ``staged`` (src ascending = older), minus deletes.

    A delete removes a key only if it came after the key's latest version (a diff
    applies its updates, then its deletes; S2 SPEC /diffs).
    """
    key = KEY[dataset]
    # src stays: it says which input (base shard batch or diff) a row came from.
    columns = ", ".join(f"l.{c}" for c in ("src", *COLUMNS[dataset]))
    latest = (
        f"SELECT * FROM (SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.{key} ORDER BY s.src DESC) "
        f"AS rk FROM staged s WHERE s.{key} IS NOT NULL) t WHERE t.rk = 1"
    )
    if not has_deletes:
        return f"SELECT {columns} FROM ({latest}) l"
    return (
        f"SELECT {columns} FROM ({latest}) l "
        "LEFT JOIN (SELECT key, MAX(src) AS dsrc FROM deletes GROUP BY key) d "
        f"ON d.key = l.{key} WHERE d.dsrc IS NULL OR d.dsrc < l.src"
    )


def clean_sql(dataset: str) -> str:
    """Keys that are missing or occur more than once in ``staged`` (0: nothing to fix)."""
    key = KEY[dataset]
    return (
        f"SELECT count(*) FROM (SELECT {key} FROM staged "
        f"GROUP BY {key} HAVING count(*) > 1 OR {key} IS NULL) t"
    )
