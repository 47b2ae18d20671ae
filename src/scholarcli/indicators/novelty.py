"""Novelty (reference spread), Impact (field-normalised citations) and CD_nok: arithmetic only.

* **Novelty** of a paper, after Shibayama, Yin & Matsumoto (2021, PLoS ONE 16(7):
  e0254034), on Semantic Scholar's SPECTER v2 vectors: the cosine distance
  ``1 - cos(u, v)`` over every unordered pair of the paper's embedded references;
  ``novelty`` is the 90th percentile of those distances and ``novelty_q99`` the 99th,
  both with numpy's default (linear) interpolation.
* **Eligibility**: at least ``MIN_EMBEDDED`` (10) embedded references, and at least half
  of the resolved references (those S2 gives a paperId) embedded. Otherwise no value,
  and a reason such as ``4 of 17 references embedded``.
* **Percentile** of x among n cohort values:
  ``100 * (count(< x) + 0.5 * count(== x)) / n``, rounded half up to an integer.
* **Author summaries**: the median of the papers' percentiles, and PP(top 10 %), the
  share of papers whose citations are at or above their cohort's 90th percentile.
* **MNCS** (mean normalised citation score, as the Leiden Ranking reports it): each
  scored paper's citations divided by the mean citations of its cohort, averaged over
  the person's scored papers; **PP(top 1 %)** as PP(top 10 %) with the 99th percentile.
* **CD_nok** (Bornmann et al. 2020, DI1nok): ``(n_i - n_j) / (n_i + n_j)`` over the
  citers within the window, n_j counting citers that also cite a reference of the paper.

This module must not do I/O, read the clock or import anything at module level beyond
the standard library: numpy is imported inside the functions that need it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MIN_EMBEDDED = 10  # embedded references a paper needs (docs/novelty.md, Definitions)
MIN_EMBEDDED_SHARE = 0.5  # of its resolved references
MIN_COHORT = 30  # cohort values a percentile needs
NOVELTY_Q = 90.0
NOVELTY_Q_HIGH = 99.0
TOP_SHARE_Q = 90.0  # PP(top 10 %): at or above the cohort's 90th percentile


@dataclass(frozen=True)
class Spread:
    """A paper's reference spread: values, or None with the reason."""

    novelty: float | None
    novelty_q99: float | None
    embedded: int  # references with a usable vector (``novelty_references``)
    resolved: int  # references with a paperId (``references_resolved``)
    reason: str | None = None

    @property
    def eligible(self) -> bool:
        return self.novelty is not None


def eligibility(embedded: int, resolved: int) -> str | None:
    """None when a paper with these counts is eligible, else why not."""
    if embedded < MIN_EMBEDDED or embedded < MIN_EMBEDDED_SHARE * resolved:
        return f"{embedded} of {resolved} references embedded"
    return None


def pairwise_distances(vectors: Sequence[Sequence[float]] | npt.ArrayLike) -> np.ndarray:
    """Cosine distances ``1 - cos`` of every unordered pair i < j, in row-major order.

    Computed in float64 whatever the input precision; zero vectors must be removed by
    the caller (their cosine is undefined).
    """
    import numpy as np

    matrix = np.asarray(vectors, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] < 2:
        return np.empty(0, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1)
    if np.any(norms == 0) or not np.all(np.isfinite(norms)):
        raise ValueError("every vector must be finite and non-zero")
    unit = matrix / norms[:, None]
    cosines = np.clip(unit @ unit.T, -1.0, 1.0)
    upper = np.triu_indices(matrix.shape[0], k=1)
    distances: np.ndarray = 1.0 - cosines[upper]
    return distances


def usable(vector: Sequence[float] | npt.ArrayLike) -> bool:
    """A vector the cosine is defined for: finite and not all zeros."""
    import numpy as np

    array = np.asarray(vector, dtype=np.float64)
    return bool(array.size) and bool(np.all(np.isfinite(array))) and bool(np.any(array != 0))


def reference_spread(vectors: Sequence[Sequence[float]] | npt.ArrayLike, resolved: int) -> Spread:
    """Novelty of a paper from the vectors of its embedded references.

    ``vectors`` holds one row per distinct embedded reference; ``resolved`` is the count of
    its distinct references with a paperId (at least ``len(vectors)``). Rows that are all
    zeros or not finite have no direction and do not count as embedded.
    """
    import numpy as np

    matrix = np.asarray(vectors, dtype=np.float64)
    if matrix.ndim == 2 and matrix.shape[0]:
        keep = np.all(np.isfinite(matrix), axis=1) & np.any(matrix != 0, axis=1)
        matrix = matrix[keep]
    embedded = int(matrix.shape[0]) if matrix.ndim == 2 else 0
    resolved = max(resolved, embedded)
    reason = eligibility(embedded, resolved)
    if reason is not None:
        return Spread(None, None, embedded, resolved, reason)
    distances = pairwise_distances(matrix)
    high = np.percentile(distances, [NOVELTY_Q, NOVELTY_Q_HIGH])
    return Spread(float(high[0]), float(high[1]), embedded, resolved)


def round_half_up(value: float) -> int:
    """Rounded to the nearest integer, .5 upwards (Python's round() goes to even)."""
    return math.floor(value + 0.5)


def percentile_rank(x: float, cohort: Sequence[float]) -> int | None:
    """``100 * (count(< x) + 0.5 * count(== x)) / n``, rounded half up; None for n = 0."""
    if not cohort:
        return None
    below = sum(1 for value in cohort if value < x)
    equal = sum(1 for value in cohort if value == x)
    return round_half_up(100.0 * (below + 0.5 * equal) / len(cohort))


def cohort_percentile(x: float | None, cohort: Sequence[float]) -> int | None:
    """The percentile of x when x is known and the cohort has at least MIN_COHORT values."""
    if x is None or len(cohort) < MIN_COHORT:
        return None
    return percentile_rank(x, cohort)


def top_threshold(cohort: Sequence[float]) -> float | None:
    """The cohort's 90th percentile (numpy linear), the PP(top 10 %) bar."""
    if len(cohort) < MIN_COHORT:
        return None
    import numpy as np

    return float(np.percentile(np.asarray(cohort, dtype=np.float64), TOP_SHARE_Q))


def median_percentile(values: Iterable[int | float | None]) -> int | float | None:
    """Median of the known percentiles (an int unless it falls halfway); None if none."""
    known = [float(v) for v in values if v is not None]
    if not known:
        return None
    middle = statistics.median(known)
    return int(middle) if middle.is_integer() else middle


def top_share(flags: Iterable[bool | None]) -> float | None:
    """PP(top 10 %): the share of papers (with a known flag) at or above the bar."""
    known = [flag for flag in flags if flag is not None]
    if not known:
        return None
    return sum(1 for flag in known if flag) / len(known)


TOP1_Q = 99.0  # PP(top 1 %)


def quantile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile with numpy's default (linear) interpolation, in plain Python
    (the warm profile path does not import numpy)."""
    ranked = sorted(values)
    if not ranked:
        return None
    position = (len(ranked) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ranked) - 1)
    return ranked[low] + (ranked[high] - ranked[low]) * (position - low)


def normalised_citations(citations: float, cohort: Sequence[float]) -> float | None:
    """citations / the cohort's mean; None below MIN_COHORT values or for a mean of 0."""
    if len(cohort) < MIN_COHORT:
        return None
    mean = sum(cohort) / len(cohort)
    return None if mean <= 0 else citations / mean


def mean_of(values: Iterable[float | None]) -> float | None:
    """The mean of the known values (MNCS over the papers' normalised scores)."""
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


# --- disruption (item 8) ----------------------------------------------------------------
@dataclass(frozen=True)
class Disruption:
    cd_nok: float | None
    n_i: int  # citers of the paper only
    n_j: int  # citers of the paper and of at least one of its references
    reason: str | None = None


MIN_CITERS = 10
MIN_REFERENCES_CD = 5


def cd_nok(
    references: Iterable[str],
    citer_references: Mapping[str, Iterable[str] | None],
    *,
    min_citers: int = MIN_CITERS,
    min_references: int = MIN_REFERENCES_CD,
) -> Disruption:
    """CD_nok = (n_i - n_j) / (n_i + n_j) over citers whose reference lists are known.

    ``citer_references`` maps each citer (already limited to the window) to its resolved
    references, or None when S2 does not resolve them; those citers are left out, as are
    papers with fewer than ``min_references`` resolved references (the zero-reference
    artefact, Holst et al. 2024, makes CD = 1 for them).
    """
    own = set(references)
    if len(own) < min_references:
        return Disruption(None, 0, 0, f"{len(own)} resolved references (< {min_references})")
    n_i = n_j = 0
    for refs in citer_references.values():
        if refs is None:
            continue
        refs = set(refs)
        if not refs:
            continue  # a citer with no resolved references cannot show n_j: left out
        if refs & own:
            n_j += 1
        else:
            n_i += 1
    if n_i + n_j < min_citers:
        return Disruption(None, n_i, n_j, f"{n_i + n_j} citers with references (< {min_citers})")
    return Disruption((n_i - n_j) / (n_i + n_j), n_i, n_j)
