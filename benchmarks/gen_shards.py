"""Generate S2-shaped bulk shards: DIR/papers/<n>.jsonl.gz and DIR/authors/<n>.jsonl.gz.

Records have the 2024 key layout of the real samples (fixtures/s2-datasets/
samples-2024; docs/datasets.md): every papers key (externalids
with its 8 keys, ``authors: [{authorId: str, name}]``, s2fieldsofstudy, journal, ...)
and every authors key, about 800 bytes of raw JSON per paper like the real shards.
Distributions (fitted to the figures S2 publishes for its datasets):

* authors per paper: 1 + geometric, mean 2.44 (650M authorships / ~250M papers);
* author ids: 70 % uniform over A = 0.45 N ids, 30 % skewed (id = A * u^2, a
  Lotka-like tail: the busiest author has a few thousand papers at N = 10M);
* citationcount: floor(u^(-1/1.1)) - 1, capped at 200,000 (about 53 % zeros; the
  real sample has 58 %);
* year: 2025 - floor(45 u^2) (recent years dominate), 3 % without a year.

Uniforms come from DuckDB's 64-bit ``hash`` reduced to 53 bits, so a run is
deterministic for a seed and needs no Python loop (a hash modulo a small prime
capped the distinct authors near 1M in an earlier prototype).
Run: ``python benchmarks/gen_shards.py DIR --papers 1000000 [--shards 10] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

TWO53 = 9007199254740992.0


def uniform(*parts: str) -> str:
    """SQL for a uniform in (0, 1) from a hash of ``parts`` (53-bit resolution)."""
    return f"((CAST(hash({', '.join(parts)}) >> 11 AS DOUBLE) + 1) / ({TWO53} + 1))"


def papers_sql(start: int, stop: int, n_authors_total: int, seed: int) -> str:
    a = n_authors_total
    u_k = uniform("i", "1", str(seed))
    u_pick = uniform("i", "j", "2", str(seed))
    u_mode = uniform("i", "j", "3", str(seed))
    u_cite = uniform("i", "4", str(seed))
    u_year = uniform("i", "5", str(seed))
    u_null = uniform("i", "6", str(seed))
    author_id = (
        f"CAST(1 + CASE WHEN {u_mode} < 0.7 THEN floor({u_pick} * {a}) "
        f"ELSE floor({a} * {u_pick} * {u_pick}) END AS BIGINT)"
    )
    return f"""
    SELECT
      corpusid,
      {{'ACL': NULL::VARCHAR, 'DBLP': NULL::VARCHAR, 'ArXiv': NULL::VARCHAR,
        'MAG': CAST(corpusid * 3 AS VARCHAR), 'CorpusId': CAST(corpusid AS VARCHAR),
        'PubMed': NULL::VARCHAR, 'DOI': '10.5555/gen.' || corpusid,
        'PubMedCentral': NULL::VARCHAR}} AS externalids,
      'https://www.semanticscholar.org/paper/' || md5(CAST(corpusid AS VARCHAR)) || 'abcd1234'
        AS url,
      'Generated study number ' || corpusid || ' of synthetic bibliometric records' AS title,
      [{{'authorId': CAST({author_id} AS VARCHAR), 'name': 'Author ' || {author_id}}}
        FOR j IN range(k)] AS authors,
      'Journal of Generated Results' AS venue,
      NULL::VARCHAR AS publicationvenueid,
      year,
      12 AS referencecount,
      citationcount,
      CAST(citationcount / 10 AS INTEGER) AS influentialcitationcount,
      false AS isopenaccess,
      [{{'category': 'Computer Science', 'source': 's2-fos-model'}}] AS s2fieldsofstudy,
      NULL::VARCHAR[] AS publicationtypes,
      CASE WHEN year IS NULL THEN NULL ELSE year || '-06-15' END AS publicationdate,
      {{'name': 'Journal of Generated Results', 'pages': '1-10', 'volume': '7'}} AS journal
    FROM (
      SELECT i, 10000000 + i * 3 AS corpusid,
             CAST(1 + floor(ln({u_k}) / ln(0.59)) AS BIGINT) AS k,
             CAST(least(floor(pow({u_cite}, -1 / 1.1)) - 1, 200000) AS INTEGER)
               AS citationcount,
             CASE WHEN {u_null} < 0.03 THEN NULL
                  ELSE CAST(2025 - floor(45 * {u_year} * {u_year}) AS INTEGER) END AS year
      FROM range({start}, {stop}) t(i)
    )
    """


def authors_sql(start: int, stop: int, seed: int) -> str:
    u = uniform("i", "7", str(seed))
    return f"""
    SELECT CAST(i AS VARCHAR) AS authorid, NULL::VARCHAR AS externalids,
           'https://www.semanticscholar.org/author/' || i AS url,
           'Author ' || i AS name, NULL::VARCHAR[] AS aliases, NULL::VARCHAR[] AS affiliations,
           NULL::VARCHAR AS homepage, CAST(1 + floor(10 * {u}) AS INTEGER) AS papercount,
           CAST(floor(100 * {u}) AS INTEGER) AS citationcount,
           CAST(floor(5 * {u}) AS INTEGER) AS hindex
    FROM range({start}, {stop}) t(i)
    """


def generate(
    root: Path, papers: int, shards: int, seed: int = 1, threads: int = 2
) -> dict[str, int]:
    """Write the shards; returns {"papers": N, "authors": A}."""
    import duckdb

    n_authors = max(round(0.45 * papers), 1)
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = false")
    for dataset, total in (("papers", papers), ("authors", n_authors)):
        folder = root / dataset
        folder.mkdir(parents=True, exist_ok=True)
        step = -(-total // shards)
        for n in range(shards):
            start, stop = n * step + (dataset == "authors"), min((n + 1) * step, total)
            if dataset == "authors":
                stop = min((n + 1) * step, total) + 1
            if start >= stop:
                continue
            query = (
                papers_sql(start, stop, n_authors, seed)
                if dataset == "papers"
                else authors_sql(start, stop, seed)
            )
            target = str(folder / f"{n}.jsonl.gz").replace("'", "''")
            con.execute(f"COPY ({query}) TO '{target}' (FORMAT json, COMPRESSION gzip)")
    con.close()
    return {"papers": papers, "authors": n_authors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.dir, args.papers, args.shards, args.seed)
    print(f"{counts} in {time.perf_counter() - started:.1f} s -> {args.dir}")


if __name__ == "__main__":
    main()
