"""Author-level bibliometric indicators: h, g, e, hc, hI, hm, AWCR and friends.

This module is pure arithmetic. It takes plain sequences (or, for many authors at
once, a pandas DataFrame) and returns numbers. It must not do I/O, print, log,
read the clock or import anything beyond the standard library, pandas and numpy;
pandas and numpy are imported inside the functions that need them so that
``scholar --help`` stays fast.

Conventions (docs/design.md, "Metric conventions"; definitions in docs/metrics.md):

* ``as_of_year`` Q is the current year. A paper's age is Q - year + 1 and a career
  lasts Q - first_year + 1 years; both are clamped to at least 1 so a paper dated
  after Q never divides by zero.
* Papers with no year count in the non-age metrics (papers, citations, h, g, ...) but
  are skipped in age-based ones (AWCR, AW, AWCRpA, hc, acc*, first/last year).
* Papers with unknown author count are treated as single-author in the
  author-normalised metrics (hI, hI,norm, hm, AWCRpA, cites/papers/authors ratios).
* Citations may be non-integer (as in agop's ``3.1`` example) but never negative or
  NaN: those raise ValueError, as does an author count below 1.
* Where the h-core or the hm ranking has tied citation counts, ties are ordered by
  author count, most authors first (as Rosenberg's Impact sorts (citations, authors)
  tuples in reverse). This makes every metric independent of input order.
* Empty input gives zero counts and 0.0 ratios, never errors or NaN.
* Floats are returned at full precision; rounding is the renderer's job.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

__all__ = [
    "METRIC_FIELDS",
    "PaperStats",
    "a_index",
    "acc_counts",
    "author_metrics",
    "awcr",
    "awcrpa",
    "cites_per_year",
    "e_index",
    "g_index",
    "h_index",
    "hc_index",
    "hg_index",
    "hi_index",
    "hi_norm",
    "hm_index",
    "i10_index",
    "metrics_frame",
    "paper_age",
    "primary_category",
    "r_index",
]

METRIC_FIELDS: tuple[str, ...] = (
    "papers",
    "citations",
    "first_year",
    "last_year",
    "career_years",
    "cites_per_year",
    "cites_per_paper",
    "cites_per_author",
    "papers_per_author",
    "authors_per_paper",
    "h_index",
    "g_index",
    "hg_index",
    "i10_index",
    "h5_index",
    "i10_5y",
    "m_quotient",
    "e_index",
    "a_index",
    "r_index",
    "hc_index",
    "hi_index",
    "hi_norm",
    "hi_annual",
    "hm_index",
    "awcr",
    "aw_index",
    "awcrpa",
    "acc1",
    "acc2",
    "acc5",
    "acc10",
    "acc20",
    "first_author_papers",
    "last_author_papers",
)

ACC_THRESHOLDS: tuple[int, ...] = (1, 2, 5, 10, 20)

# Sidiropoulos et al. (2007) use gamma = 4 and delta = 1 for the contemporary h-index.
HC_GAMMA = 4.0
HC_DELTA = 1.0

# Google Scholar's "since" columns cover the current calendar year and the four before.
RECENT_YEARS = 5

# Schreiber's r_eff is a running sum of 1/a in floating point. Without a little slack
# an exact tie such as 1/3 + 1/3 + 1/3 == 1 can be lost to rounding, and the
# per-author and the DataFrame code paths (which sum in different ways) could disagree.
_HM_TOLERANCE = 1e-9

MetricValue = int | float | None


@dataclass(frozen=True)
class PaperStats:
    """The per-paper facts the author metrics need.

    ``author_position`` is 1-based. ``citations_by_year`` maps a calendar year to the
    citations received in that year (needed only for h5_index and i10_5y).
    """

    citations: int
    year: int | None = None
    n_authors: int | None = None
    author_position: int | None = None
    citations_by_year: Mapping[int, int] | None = None


# --- shared helpers ---------------------------------------------------------------


def _checked_citations(citations: Iterable[float]) -> list[float]:
    values = list(citations)
    for value in values:
        if math.isnan(value) or value < 0:
            raise ValueError(f"citation counts must be non-negative numbers, got {value!r}")
    return values


def _sorted_desc(citations: Iterable[float]) -> list[float]:
    return sorted(_checked_citations(citations), reverse=True)


def _author_count(n_authors: int | None) -> int:
    if n_authors is None:
        return 1
    if n_authors < 1:
        raise ValueError(f"author counts must be at least 1, got {n_authors!r}")
    return n_authors


def _ranked_with_authors(
    citations: Iterable[float], n_authors: Iterable[int | None]
) -> list[tuple[float, int]]:
    """(citations, authors) pairs, most cited first, ties with more authors first."""
    pairs = zip(_checked_citations(citations), n_authors, strict=True)
    return sorted(((c, _author_count(a)) for c, a in pairs), reverse=True)


def _h_of_sorted(desc: Sequence[float]) -> int:
    # c_(k) is non-increasing and k increasing, so {k : c_(k) >= k} is 1..h.
    return sum(1 for rank, value in enumerate(desc, start=1) if value >= rank)


def _h_core(desc: Sequence[float]) -> list[float]:
    return list(desc[: _h_of_sorted(desc)])


def _dated(
    citations: Iterable[float], years: Iterable[int | None], as_of_year: int
) -> Iterator[tuple[float, int]]:
    """(citations, age) for papers that have a year; undated papers are skipped."""
    for value, year in zip(_checked_citations(citations), years, strict=True):
        if year is not None:
            yield value, paper_age(year, as_of_year)


def _career_length(first_year: int | None, as_of_year: int) -> int | None:
    return None if first_year is None else max(as_of_year - first_year + 1, 1)


def _ratio(numerator: float, denominator: float | None) -> float:
    """numerator / denominator, or 0.0 when the denominator is 0 or missing."""
    return numerator / denominator if denominator else 0.0


# --- citation-only indices --------------------------------------------------------


def h_index(citations: Iterable[float]) -> int:
    """Hirsch's h: the largest k such that k papers have at least k citations each.

    h = max{k : c_(k) >= k}, c_(1) >= c_(2) >= ... sorted descending.
    Hirsch, J.E. (2005) "An index to quantify an individual's scientific research
    output", PNAS 102(46):16569-16572. Empty input gives 0.
    """
    return _h_of_sorted(_sorted_desc(citations))


def g_index(citations: Iterable[float]) -> int:
    """Egghe's g: the largest k such that the top k papers have >= k^2 citations together.

    g = max{k <= N : sum_{i<=k} c_(i) >= k^2}.
    Egghe, L. (2006) "Theory and practise of the g-index", Scientometrics
    69(1):131-152. Our convention: bounded by the number of papers N, zero-cited
    papers included (agop ``index_g``, Publish or Perish), so g([9]) = 1, not 3.
    """
    running = accumulate(_sorted_desc(citations))
    return max(
        (rank for rank, total in enumerate(running, start=1) if total >= rank * rank),
        default=0,
    )


def hg_index(citations: Iterable[float]) -> float:
    """hg = sqrt(h * g).

    Alonso, Cabrerizo, Herrera-Viedma & Herrera (2010) "hg-index: a new index to
    characterize the scientific output of researchers based on the h- and g-indices",
    Scientometrics 82(2):391-400.
    """
    values = _checked_citations(citations)
    return math.sqrt(h_index(values) * g_index(values))


def i10_index(citations: Iterable[float]) -> int:
    """i10: the number of papers with at least 10 citations.

    Introduced by Google Scholar Citations (November 2011).
    """
    return sum(1 for value in _checked_citations(citations) if value >= 10)


def e_index(citations: Iterable[float]) -> float:
    """Zhang's e: the excess citations of the h-core, e = sqrt(sum_{i<=h} c_(i) - h^2).

    Zhang, C.-T. (2009) "The e-index, complementing the h-index for excess
    citations", PLoS ONE 4(5):e5429. The h-core is the top h papers by citations.
    """
    core = _h_core(_sorted_desc(citations))
    return math.sqrt(max(math.fsum(core) - len(core) ** 2, 0.0))


def a_index(citations: Iterable[float]) -> float:
    """Jin's A: the mean citations of the h-core, A = (sum_{i<=h} c_(i)) / h.

    Jin, B. (2006) "h-index: an evaluation indicator proposed by scientist",
    Science Focus 1(1):8-9 (in Chinese); see Jin, Liang, Rousseau & Egghe (2007).
    0.0 when h = 0.
    """
    core = _h_core(_sorted_desc(citations))
    return _ratio(math.fsum(core), len(core))


def r_index(citations: Iterable[float]) -> float:
    """R = sqrt(sum_{i<=h} c_(i)), the root of the h-core's citations.

    Jin, Liang, Rousseau & Egghe (2007) "The R- and AR-indices: complementing the
    h-index", Chinese Science Bulletin 52(6):855-863.
    """
    return math.sqrt(math.fsum(_h_core(_sorted_desc(citations))))


# --- age-weighted indices -------------------------------------------------------------


def paper_age(year: int, as_of_year: int) -> int:
    """Age in years, counting the publication year: Q - year + 1, at least 1."""
    return max(as_of_year - year + 1, 1)


def cites_per_year(citations: float, year: int | None, as_of_year: int) -> float:
    """One paper's citations per year of age, c / (Q - year + 1); 0.0 without a year.

    This is the per-paper score the profile table shows.
    """
    (value,) = _checked_citations([citations])
    return 0.0 if year is None else value / paper_age(year, as_of_year)


def hc_index(
    citations: Iterable[float],
    years: Iterable[int | None],
    as_of_year: int,
    gamma: float = HC_GAMMA,
    delta: float = HC_DELTA,
) -> int:
    """Contemporary h: the h-index of age-discounted scores S_i = gamma * c_i / age_i^delta.

    hc = max{k : S_(k) >= k} with S sorted descending; gamma = 4, delta = 1 as in
    Sidiropoulos, Katsaros & Manolopoulos (2007) "Generalized Hirsch h-index for
    disclosing latent facts in citation networks", Scientometrics 72(2):253-280.
    Papers without a year are skipped.
    """
    scores = (gamma * value / age**delta for value, age in _dated(citations, years, as_of_year))
    return h_index(scores)


def awcr(citations: Iterable[float], years: Iterable[int | None], as_of_year: int) -> float:
    """Age-weighted citation rate, AWCR = sum over ALL dated papers of c_i / age_i.

    Publish or Perish (Harzing), adapting Jin's AR-index (Jin 2007, ISSI Newsletter
    3(1):6), which sums over the h-core only. AW = sqrt(AWCR). Undated papers are
    skipped.
    """
    return math.fsum(value / age for value, age in _dated(citations, years, as_of_year))


def awcrpa(
    citations: Iterable[float],
    years: Iterable[int | None],
    n_authors: Iterable[int | None],
    as_of_year: int,
) -> float:
    """Per-author AWCR, AWCRpA = sum of c_i / (age_i * a_i) over dated papers.

    Publish or Perish (Harzing). Unknown author counts count as 1.
    """
    values = _checked_citations(citations)
    return math.fsum(
        value / (paper_age(year, as_of_year) * _author_count(authors))
        for value, year, authors in zip(values, years, n_authors, strict=True)
        if year is not None
    )


def acc_counts(
    citations: Iterable[float],
    years: Iterable[int | None],
    as_of_year: int,
    thresholds: Iterable[float] = ACC_THRESHOLDS,
) -> dict[str, int]:
    """Publish or Perish's ACC: papers with at least t citations per year, c_i / age_i >= t.

    Returns {"acc1": ..., "acc2": ..., ...} for t in ``thresholds`` (default 1, 2, 5,
    10, 20). Undated papers are skipped.
    """
    rates = [value / age for value, age in _dated(citations, years, as_of_year)]
    return {f"acc{t:g}": sum(1 for rate in rates if rate >= t) for t in thresholds}


# --- author-normalised indices --------------------------------------------------------


def hi_index(citations: Iterable[float], n_authors: Iterable[int | None]) -> float:
    """Batista's individual h: hI = h^2 / N_a, N_a = total authors of the h-core papers.

    Batista, Campiteli, Kinouchi & Martinez (2006) "Is it possible to compare
    researchers with different scientific interests?", Scientometrics 68(1):179-189.
    Unknown author counts count as 1; among papers tied at the h-core boundary those
    with more authors are taken first. 0.0 when h = 0.
    """
    ranked = _ranked_with_authors(citations, n_authors)
    h = _h_of_sorted([value for value, _ in ranked])
    return _ratio(h * h, sum(authors for _, authors in ranked[:h]))


def hi_norm(citations: Iterable[float], n_authors: Iterable[int | None]) -> int:
    """Harzing's hI,norm: the h-index of per-author citations c_i / a_i.

    Defined in Publish or Perish (Harzing) and used in Harzing, Alakangas & Adams
    (2014) Scientometrics 99(3):811-821. Unknown author counts count as 1.
    """
    pairs = zip(_checked_citations(citations), n_authors, strict=True)
    return h_index(value / _author_count(authors) for value, authors in pairs)


def hm_index(citations: Iterable[float], n_authors: Iterable[int | None]) -> float:
    """Schreiber's hm: h with each paper counted fractionally, 1/a_i.

    Sort by citations descending; r_eff(r) = sum_{r' <= r} 1/a_(r');
    hm = max r_eff(r) such that c_(r) >= r_eff(r).
    Schreiber, M. (2008) "To share the fame in a fair way, hm modifies h for
    multi-authored manuscripts", New J. Phys. 10:040201 (see also J. Informetrics
    2(3):211-216). Ties in citations put papers with more authors first (Rosenberg's
    Impact); unknown author counts count as 1; the comparison allows 1e-9 of
    floating-point slack.
    """
    effective_rank = 0.0
    best = 0.0
    for value, authors in _ranked_with_authors(citations, n_authors):
        effective_rank += 1 / authors
        if value >= effective_rank - _HM_TOLERANCE:
            best = effective_rank  # r_eff only grows, so the last match is the max
    return best


# --- whole profile --------------------------------------------------------------------


def _recent_citations(paper: PaperStats, as_of_year: int) -> int | None:
    if paper.citations_by_year is None:
        return None
    first_recent = as_of_year - RECENT_YEARS + 1
    return sum(
        count
        for year, count in paper.citations_by_year.items()
        if first_recent <= year <= as_of_year
    )


def _recent_metrics(papers: Sequence[PaperStats], as_of_year: int) -> dict[str, MetricValue]:
    recent = [_recent_citations(paper, as_of_year) for paper in papers]
    known = [value for value in recent if value is not None]
    if len(known) < len(recent):
        return {"h5_index": None, "i10_5y": None}
    return {"h5_index": h_index(known), "i10_5y": i10_index(known)}


def _authorship_counts(papers: Sequence[PaperStats]) -> dict[str, MetricValue]:
    return {
        "first_author_papers": sum(1 for p in papers if p.author_position == 1),
        "last_author_papers": sum(
            1 for p in papers if p.author_position is not None and p.author_position == p.n_authors
        ),
    }


def author_metrics(papers: Sequence[PaperStats], as_of_year: int) -> dict[str, MetricValue]:
    """Every metric in METRIC_FIELDS for one author's papers, in that order.

    See each index function for its formula and source. Career length is
    Q - first_year + 1 (first_year over dated papers); cites_per_year =
    citations / career, m_quotient = h / career (Hirsch 2005) and hi_annual =
    hI,norm / career (Harzing, Alakangas & Adams 2014, "hIa: an individual annual
    h-index to accommodate disciplinary and career length differences",
    Scientometrics 99(3):811-821); these are 0.0 when no paper has a year.
    cites_per_paper = citations / papers; cites_per_author = sum c_i / a_i;
    papers_per_author = sum 1 / a_i; authors_per_paper = mean a_i (PoP).
    h5_index and i10_5y are h and i10 over citations received in years Q-4..Q (as
    Google Scholar reports them), None if any paper lacks per-year citations.
    A paper is a last-author paper when its position equals its known author count.
    """
    citations = _checked_citations(p.citations for p in papers)
    years = [p.year for p in papers]
    authors = [p.n_authors for p in papers]
    counted_authors = [_author_count(a) for a in authors]
    per_author = [c / a for c, a in zip(citations, counted_authors, strict=True)]
    dated_years = [year for year in years if year is not None]
    first_year = min(dated_years, default=None)
    career = _career_length(first_year, as_of_year)
    total = sum(citations)
    h = h_index(citations)
    g = g_index(citations)
    hi_normalised = hi_norm(citations, authors)
    age_weighted = awcr(citations, years, as_of_year)
    metrics: dict[str, MetricValue] = {
        "papers": len(papers),
        "citations": total,
        "first_year": first_year,
        "last_year": max(dated_years, default=None),
        "career_years": career,
        "cites_per_year": _ratio(total, career),
        "cites_per_paper": _ratio(total, len(papers)),
        "cites_per_author": math.fsum(per_author),
        "papers_per_author": math.fsum(1 / a for a in counted_authors),
        "authors_per_paper": _ratio(sum(counted_authors), len(papers)),
        "h_index": h,
        "g_index": g,
        "hg_index": math.sqrt(h * g),
        "i10_index": i10_index(citations),
        "m_quotient": _ratio(h, career),
        "e_index": e_index(citations),
        "a_index": a_index(citations),
        "r_index": r_index(citations),
        "hc_index": hc_index(citations, years, as_of_year),
        "hi_index": hi_index(citations, authors),
        "hi_norm": hi_normalised,
        "hi_annual": _ratio(hi_normalised, career),
        "hm_index": hm_index(citations, authors),
        "awcr": age_weighted,
        "aw_index": math.sqrt(age_weighted),
        "awcrpa": awcrpa(citations, years, authors, as_of_year),
        **acc_counts(citations, years, as_of_year),
        **_recent_metrics(papers, as_of_year),
        **_authorship_counts(papers),
    }
    return {field: metrics[field] for field in METRIC_FIELDS}


def primary_category(categories: Iterable[tuple[str | None, int]]) -> str | None:
    """The most frequent category among (category, citations) pairs, one per paper.

    Ties go to the category whose papers have more citations in total, then to the
    alphabetically first. Missing (None or empty) categories are ignored; None when
    no paper has one.
    """
    papers: Counter[str] = Counter()
    cited: Counter[str] = Counter()
    for category, citations in categories:
        if category:
            papers[category] += 1
            cited[category] += citations
    if not papers:
        return None
    return min(papers, key=lambda category: (-papers[category], -cited[category], category))


# --- many authors at once -------------------------------------------------------------


class _Groups:
    """Rows sorted by person, with group-wise reductions that are one numpy call each.

    ``codes`` (the person of each row) is ascending, so group k occupies rows
    starts[k] .. starts[k] + sizes[k] - 1 in any order that sorts within groups
    only; ``rank`` is the 1-based position of a row inside its group.
    """

    def __init__(self, sorted_codes: npt.NDArray[np.intp]) -> None:
        import numpy as np

        self.codes = sorted_codes
        self.sizes = np.bincount(sorted_codes)
        self.starts = np.cumsum(self.sizes) - self.sizes
        self.rank = np.arange(len(sorted_codes)) - np.repeat(self.starts, self.sizes) + 1
        # One group (a file without --by) needs no group key in its sorts.
        self.single = len(self.sizes) == 1

    def order_desc(self, *keys: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
        """Permutation sorting each group by the keys, descending, first key first."""
        import numpy as np

        descending = [-key for key in reversed(keys)]
        if self.single:
            if len(descending) == 1:
                return np.argsort(descending[0], kind="stable")
            return np.lexsort(descending)
        return np.lexsort((*descending, self.codes))

    def sum(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        import numpy as np

        return np.add.reduceat(values, self.starts)

    def count(self, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        import numpy as np

        return self.sum(mask.astype(np.int64))

    def max(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        import numpy as np

        return np.maximum.reduceat(values, self.starts)

    def nanmin(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        import numpy as np

        return np.fmin.reduceat(values, self.starts)

    def nanmax(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        import numpy as np

        return np.fmax.reduceat(values, self.starts)

    def cumsum(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """Running sums that restart at each group."""
        import pandas as pd

        return pd.Series(values).groupby(self.codes, sort=False).cumsum().to_numpy()

    def h_of(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        """Per-group h-index of scores: #{k : score_(k) >= k}."""
        return self.count(scores[self.order_desc(scores)] >= self.rank)


@dataclass(frozen=True)
class _Rows:
    """A papers frame as numpy arrays in person order; NaN marks a missing value."""

    citations: npt.NDArray[Any]  # int64 when the column is integer, else float64
    year: npt.NDArray[np.float64]
    n_authors: npt.NDArray[np.float64]
    author_position: npt.NDArray[np.float64]

    @property
    def cites(self) -> npt.NDArray[np.float64]:
        import numpy as np

        return self.citations.astype(np.float64)

    @property
    def counted_authors(self) -> npt.NDArray[np.float64]:
        """Author counts with unknown ones counted as 1."""
        import numpy as np

        return np.where(np.isnan(self.n_authors), 1.0, self.n_authors)

    @property
    def dated(self) -> npt.NDArray[np.bool_]:
        import numpy as np

        return ~np.isnan(self.year)

    def age(self, as_of_year: int) -> npt.NDArray[np.float64]:
        """Q - year + 1, at least 1; 1.0 for undated rows (mask them with ``dated``)."""
        import numpy as np

        return np.where(self.dated, np.maximum(as_of_year - self.year + 1, 1.0), 1.0)


def _numeric_column(papers: pd.DataFrame, name: str) -> npt.NDArray[np.float64]:
    import numpy as np
    import pandas as pd

    if name not in papers:
        return np.full(len(papers), np.nan)
    return pd.to_numeric(papers[name]).to_numpy(dtype=np.float64, na_value=np.nan)


def _citation_column(papers: pd.DataFrame) -> npt.NDArray[Any]:
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(papers["citations"])
    as_float = values.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(as_float).any() or (as_float < 0).any():
        raise ValueError("citation counts must be non-negative numbers")
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.to_numpy(dtype=np.int64)
    return as_float


def _person_rows(papers: pd.DataFrame) -> tuple[pd.Index, _Groups, _Rows]:
    import numpy as np
    import pandas as pd

    codes, persons = pd.factorize(papers["person"], use_na_sentinel=False)
    by_person = np.argsort(codes, kind="stable")
    rows = _Rows(
        citations=_citation_column(papers)[by_person],
        year=_numeric_column(papers, "year")[by_person],
        n_authors=_numeric_column(papers, "n_authors")[by_person],
        author_position=_numeric_column(papers, "author_position")[by_person],
    )
    if (rows.n_authors < 1).any():
        raise ValueError("author counts must be at least 1")
    return pd.Index(persons, name="person"), _Groups(codes[by_person]), rows


def _divide(numerator: npt.NDArray[Any], denominator: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """numerator / denominator, 0.0 where the denominator is 0 or NaN (as _ratio does)."""
    import numpy as np

    usable = denominator > 0
    return np.where(usable, numerator / np.where(usable, denominator, 1), 0.0)


def _frame_volume(groups: _Groups, rows: _Rows) -> dict[str, npt.NDArray[Any]]:
    authors = rows.counted_authors
    papers = groups.sizes
    total = groups.sum(rows.citations)
    return {
        "papers": papers,
        "citations": total,
        "first_year": groups.nanmin(rows.year),
        "last_year": groups.nanmax(rows.year),
        "cites_per_paper": total / papers,
        "cites_per_author": groups.sum(rows.cites / authors),
        "papers_per_author": groups.sum(1.0 / authors),
        "authors_per_paper": groups.sum(authors) / papers,
        "i10_index": groups.count(rows.cites >= 10),
    }


def _frame_citation_indices(groups: _Groups, rows: _Rows) -> dict[str, npt.NDArray[Any]]:
    import numpy as np

    authors = rows.counted_authors
    # The same canonical order as _ranked_with_authors: most cited, then most authors.
    order = groups.order_desc(rows.cites, authors)
    citations, authors = rows.citations[order], authors[order]
    rank = groups.rank
    in_core = citations >= rank
    h = groups.count(in_core)
    g = groups.max(np.where(groups.cumsum(citations) >= rank * rank, rank, 0))
    core_sum = groups.sum(np.where(in_core, citations, 0))
    effective_rank = groups.cumsum(1.0 / authors)
    counts_for_hm = citations >= effective_rank - _HM_TOLERANCE
    return {
        "h_index": h,
        "g_index": g,
        "hg_index": np.sqrt(h * g),
        "e_index": np.sqrt(np.maximum(core_sum - h * h, 0)),
        "a_index": _divide(core_sum, h),
        "r_index": np.sqrt(core_sum),
        "hi_index": _divide(h * h, groups.sum(np.where(in_core, authors, 0.0))),
        "hi_norm": groups.h_of(rows.cites / rows.counted_authors),
        "hm_index": groups.max(np.where(counts_for_hm, effective_rank, 0.0)),
    }


def _frame_age_weighted(
    groups: _Groups, rows: _Rows, as_of_year: int
) -> dict[str, npt.NDArray[Any]]:
    import numpy as np

    dated, age, cites = rows.dated, rows.age(as_of_year), rows.cites
    rate = np.where(dated, cites / age, 0.0)
    age_weighted = groups.sum(rate)
    return {
        "hc_index": groups.h_of(np.where(dated, HC_GAMMA * cites / age**HC_DELTA, -1.0)),
        "awcr": age_weighted,
        "aw_index": np.sqrt(age_weighted),
        "awcrpa": groups.sum(np.where(dated, cites / (age * rows.counted_authors), 0.0)),
        **{f"acc{t}": groups.count(dated & (rate >= t)) for t in ACC_THRESHOLDS},
    }


def _frame_authorship(groups: _Groups, rows: _Rows) -> dict[str, npt.NDArray[Any]]:
    return {
        "first_author_papers": groups.count(rows.author_position == 1),
        # NaN == NaN is False, so an unknown count or position is never "last".
        "last_author_papers": groups.count(rows.author_position == rows.n_authors),
    }


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=list(METRIC_FIELDS), index=pd.Index([], name="person"))


def metrics_frame(papers: pd.DataFrame, as_of_year: int) -> pd.DataFrame:
    """author_metrics for many people at once, vectorised with numpy.

    ``papers`` is long: one row per (person, paper) with columns ``person``,
    ``citations`` and, nullable or absent, ``year``, ``n_authors`` and
    ``author_position``. The result has one row per person (index ``person``, in
    order of first appearance) and the columns METRIC_FIELDS; years are nullable
    Int64. h5_index and i10_5y are all missing because the frame carries no
    per-year citations. Values agree with author_metrics up to floating-point
    summation order. Cost: three sorts of the rows, then one numpy pass per metric.
    """
    import numpy as np
    import pandas as pd

    missing = {"person", "citations"} - set(papers.columns)
    if missing:
        raise ValueError(f"papers frame lacks column(s): {', '.join(sorted(missing))}")
    if papers.empty:
        return _empty_frame()
    persons, groups, rows = _person_rows(papers)
    columns: dict[str, Any] = {
        **_frame_volume(groups, rows),
        **_frame_citation_indices(groups, rows),
        **_frame_age_weighted(groups, rows, as_of_year),
        **_frame_authorship(groups, rows),
    }
    career = np.maximum(as_of_year - columns["first_year"] + 1, 1.0)  # NaN: no year
    columns["career_years"] = career
    columns["cites_per_year"] = _divide(columns["citations"], career)
    columns["m_quotient"] = _divide(columns["h_index"], career)
    columns["hi_annual"] = _divide(columns["hi_norm"], career)
    for field in ("first_year", "last_year", "career_years", "h5_index", "i10_5y"):
        columns[field] = pd.array(columns.get(field, np.full(len(persons), np.nan)), "Int64")
    return pd.DataFrame({field: columns[field] for field in METRIC_FIELDS}, index=persons)
