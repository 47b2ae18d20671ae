"""The one metrics query, as text that DuckDB and Spark SQL both run unchanged.

Input: a view ``authorship`` (one row per author and paper: authorid, corpusid,
position, n_authors, year, citationcount; unique on (authorid, corpusid), which
``ingest`` guarantees, so a paper counts once per author) and a view ``authors``
(authorid, name). Output: one row per author with the columns of
``scholar metrics -f csv`` that a bulk dataset can support (METRICS_COLUMNS).

Definitions are exactly those of indicators/metrics.py:
* h = max{k : c_(k) >= k}; g = max{k <= N : sum_{i<=k} c_(i) >= k^2}, bounded by the
  number of papers N with zero-cited papers included (Egghe 2006 as PoP); i10 = #{c >= 10};
* hi_norm = the h-index of c_i / a_i (Harzing), compared exactly as c_i >= k * a_i;
* career = max(Q - first_year + 1, 1) over dated papers; m_quotient = h / career and
  cites_per_year = citations / career, both 0.0 when no paper has a year;
* first_author_papers = papers where the author's position is 1.

Why it is correct: with citations sorted descending the sets {k : c_(k) >= k} and
{k : cum_c(k) >= k^2} are prefixes of 1..N (cum_c(k) - k^2 is concave), so MAX of the
rank over them is h and g. Ties need no tie-breaker: any order of equal values gives
the same c_(k) and cum_c(k).

Why the windows see only some rows (they are the costly part: a sort per author):
zero-cited papers sort last, so they cannot be in the h-core and add nothing to
cum_c; for ranks m < k <= N past the m cited papers cum_c(k) is the total C, so g is
max(g over cited papers, min(N, isqrt(C)) when isqrt(C) > m). hI,norm needs
c_i / a_i >= k >= 1, so papers with c_i < a_i never count and are left out too.
On S2-like data that halves the rows sorted for h and g and leaves a third for hI,norm.

Portability rules (docs/datasets.md, One SQL text for DuckDB and Spark; measured on DuckDB 2.0 and
Spark 3.5-4.3): no QUALIFY, no arrays, lambdas or list indexing; window ranks cast
to BIGINT before multiplying (Spark's row_number is INT); sums cast to BIGINT
(DuckDB's SUM of integers is HUGEINT); no NULL-ordering dependence; no final ORDER BY
(measured at 1M papers on Spark local[2]: 83 s with it, 22 s without, because Spark's
range partitioning samples, i.e. runs, the whole query once more). Rows come out in no
particular order. This module is
pure text: no engine import, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

METRICS_COLUMNS: tuple[str, ...] = (
    "author_id",
    "name",
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

METRICS_SQL = """
WITH scoped AS (
    SELECT authorid, CAST(citationcount AS BIGINT) AS c, year, n_authors, position
    FROM authorship
    {author_filter}
),
totals AS (
    SELECT authorid,
           CAST(COUNT(*) AS BIGINT) AS papers,
           CAST(SUM(c) AS BIGINT) AS citations,
           CAST(SUM(CASE WHEN c > 0 THEN 1 ELSE 0 END) AS BIGINT) AS cited,
           CAST(SUM(CASE WHEN c >= 10 THEN 1 ELSE 0 END) AS BIGINT) AS i10_index,
           MIN(year) AS first_year,
           CAST(SUM(CASE WHEN position = 1 THEN 1 ELSE 0 END) AS BIGINT) AS first_author_papers
    FROM scoped
    GROUP BY authorid
    HAVING COUNT(*) >= {min_papers}
),
cited_ranked AS (
    SELECT authorid, c,
           CAST(ROW_NUMBER() OVER (PARTITION BY authorid ORDER BY c DESC) AS BIGINT) AS r,
           CAST(SUM(c) OVER (PARTITION BY authorid ORDER BY c DESC
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT)
               AS cum_c
    FROM scoped
    WHERE c > 0
),
core AS (
    SELECT authorid,
           CAST(MAX(CASE WHEN c >= r THEN r ELSE 0 END) AS BIGINT) AS h_index,
           CAST(MAX(CASE WHEN cum_c >= r * r THEN r ELSE 0 END) AS BIGINT) AS g_cited
    FROM cited_ranked
    GROUP BY authorid
),
norm_ranked AS (
    SELECT authorid, c, n_authors,
           CAST(ROW_NUMBER() OVER (PARTITION BY authorid
                                   ORDER BY CAST(c AS DOUBLE) / n_authors DESC) AS BIGINT) AS r
    FROM scoped
    WHERE c >= n_authors
),
norm AS (
    SELECT authorid,
           CAST(MAX(CASE WHEN c >= r * n_authors THEN r ELSE 0 END) AS BIGINT) AS hi_norm
    FROM norm_ranked
    GROUP BY authorid
),
per_author AS (
    SELECT t.authorid, t.papers, t.citations, t.i10_index, t.first_year,
           t.first_author_papers,
           COALESCE(k.h_index, 0) AS h_index,
           GREATEST(
               COALESCE(k.g_cited, 0),
               CASE WHEN CAST(FLOOR(SQRT(CAST(t.citations AS DOUBLE))) AS BIGINT) > t.cited
                    THEN LEAST(t.papers, CAST(FLOOR(SQRT(CAST(t.citations AS DOUBLE))) AS BIGINT))
                    ELSE 0 END
           ) AS g_index,
           COALESCE(n.hi_norm, 0) AS hi_norm
    FROM totals t
    LEFT JOIN core k ON k.authorid = t.authorid
    LEFT JOIN norm n ON n.authorid = t.authorid
)
SELECT m.authorid AS author_id,
       a.name AS name,
       m.papers, m.citations, m.h_index, m.g_index, m.i10_index, m.hi_norm,
       CASE WHEN m.first_year IS NULL THEN CAST(0 AS DOUBLE)
            ELSE CAST(m.h_index AS DOUBLE) / GREATEST({as_of_year} - m.first_year + 1, 1)
       END AS m_quotient,
       CASE WHEN m.first_year IS NULL THEN CAST(0 AS DOUBLE)
            ELSE CAST(m.citations AS DOUBLE) / GREATEST({as_of_year} - m.first_year + 1, 1)
       END AS cites_per_year,
       m.first_author_papers
FROM per_author m
LEFT JOIN authors a ON a.authorid = m.authorid
"""


def metrics_sql(as_of_year: int, *, author_ids: Sequence[int] = (), min_papers: int = 1) -> str:
    """The query with its three parameters filled in as integer literals."""
    as_of_year, min_papers = int(as_of_year), int(min_papers)
    ids = ", ".join(str(int(i)) for i in author_ids)
    return METRICS_SQL.format(
        as_of_year=as_of_year,
        min_papers=max(min_papers, 1),
        author_filter=f"WHERE authorid IN ({ids})" if ids else "",
    )
