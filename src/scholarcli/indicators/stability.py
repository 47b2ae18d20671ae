"""Stability intervals: how much a number would move if the papers were a little different.

After the Leiden Ranking's stability intervals, which resample an entity's publications:
the person's N papers are drawn N times with replacement, ``RESAMPLES`` (1,000) times,
from numpy's PCG64 generator seeded with ``SEED``; each indicator is computed on every
resample, and the interval runs from the 26th to the 975th of the 1,000 sorted values
(the central 95 %: ``LEVEL``). The same resamples serve every indicator of one profile.

* ``h_index``: the h-index of the resampled citation counts;
* ``impact_percentile`` / ``novelty_percentile``: the median of the known percentiles
  among the resampled papers (a resample with none is left out);
* ``impact_top10_share``: PP(top 10 %) among the resampled papers with a known flag.

An interval says how sensitive the number is to which papers happen to be in the
record, not how good the person is, nor the error of the citation counts themselves.
With fewer than ``MIN_PAPERS`` (5) papers (or papers with a value) it is not meaningful
and None is returned. Deterministic: papers are taken in the order given (callers sort
them by paper id, so display order does not matter) and the seed is fixed.

This module must not do I/O; numpy is imported inside the functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy.typing as npt

RESAMPLES = 1000
SEED = 18
LEVEL = 0.95
MIN_PAPERS = 5
NOT_MEANINGFUL = f"fewer than {MIN_PAPERS} papers: a stability interval is not meaningful"

Interval = tuple[float, float]


@dataclass
class Intervals:
    """Intervals by indicator name; None where not meaningful, with ``notes`` saying why."""

    values: dict[str, list[Any] | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def resample_counts(n: int, resamples: int = RESAMPLES, seed: int = SEED) -> npt.NDArray[Any]:
    """How often each of ``n`` papers is drawn in each resample: ``(resamples, n)`` ints."""
    import numpy as np

    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(resamples, n), dtype=np.int64)
    draws += (np.arange(resamples, dtype=np.int64) * n)[:, None]
    flat = np.bincount(draws.ravel(), minlength=resamples * n)
    # int32 halves the memory every indicator then reads (a count is at most n).
    counts: npt.NDArray[Any] = flat.astype(np.int32).reshape(resamples, n)
    return counts


def order_bounds(values: npt.NDArray[Any], level: float = LEVEL) -> Interval | None:
    """The central ``level`` of the finite values: the (k+1)-th smallest to the
    (M-k)-th, k = floor(M (1 - level) / 2) (for M = 1,000: the 26th to the 975th)."""
    import numpy as np

    finite = np.sort(values[np.isfinite(values)])
    m = len(finite)
    if m == 0:
        return None
    k = math.floor(m * (1 - level) / 2 + 1e-9)
    return float(finite[k]), float(finite[m - 1 - k])


def h_index_resampled(citations: Sequence[float], counts: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The h-index of every resample (rows of ``counts``).

    With papers in descending order of citations c_j drawn m_j times, the h-index of the
    expanded list is max over j of min(M_j, c_j), M_j = m_1 + ... + m_j. A paper drawn
    no times needs no mask: its M_j is the one before it and its c_j no larger, so it
    never raises the maximum; uncited papers never do either and are left out.
    """
    import numpy as np

    cites = np.floor(np.asarray(citations, dtype=np.float64))
    order = np.argsort(-cites, kind="stable")
    order = order[cites[order] >= 1]
    if order.size == 0:
        return np.zeros(counts.shape[0], dtype=np.int64)
    caps = np.minimum(cites[order], counts.shape[1]).astype(np.int32)
    reach = np.cumsum(counts[:, order], axis=1, dtype=np.int32)
    result: npt.NDArray[Any] = np.minimum(reach, caps[None, :]).max(axis=1)
    return result


def median_resampled(values: Sequence[float | None], counts: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The median of the known values among each resample's papers (NaN if none)."""
    import numpy as np

    known = np.flatnonzero(np.array([v is not None for v in values]))
    vals = np.array([v for v in values if v is not None], dtype=np.float64)
    order = np.argsort(vals, kind="stable")
    ranked = vals[order]
    reach = np.cumsum(counts[:, known[order]], axis=1, dtype=np.int32)
    total = reach[:, -1]
    low = (total - 1) // 2 + 1  # 1-based positions of the middle one or two
    high = total // 2 + 1
    i_low = np.minimum((reach < low[:, None]).sum(axis=1), len(ranked) - 1)
    i_high = np.minimum((reach < high[:, None]).sum(axis=1), len(ranked) - 1)
    median: npt.NDArray[Any] = np.where(total > 0, (ranked[i_low] + ranked[i_high]) / 2, np.nan)
    return median


def share_resampled(flags: Sequence[bool | None], counts: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The share of flagged papers among each resample's papers with a known flag."""
    import numpy as np

    known = np.array([f is not None for f in flags])
    hits = np.array([bool(f) for f in flags if f is not None], dtype=np.float64)
    drawn = counts[:, known]
    total = drawn.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share: npt.NDArray[Any] = np.where(total > 0, (drawn * hits).sum(axis=1) / total, np.nan)
    return share


def _number(value: float, decimals: int | None) -> float | int:
    if decimals is not None:
        return round(value, decimals)
    return int(value) if float(value).is_integer() else value


def stability_intervals(
    citations: Sequence[float],
    *,
    impact: Sequence[float | None] | None = None,
    novelty: Sequence[float | None] | None = None,
    top10: Sequence[bool | None] | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Intervals:
    """95 % intervals of the h-index and, where given (one entry per paper, aligned with
    ``citations``), of Impact, Novelty and PP(top 10 %)."""
    out = Intervals()
    wanted: dict[str, Sequence[Any] | None] = {
        "h_index": citations,
        "impact_percentile": impact,
        "novelty_percentile": novelty,
        "impact_top10_share": top10,
    }
    n = len(citations)
    counts = resample_counts(n, resamples, seed) if n >= MIN_PAPERS else None
    for name, values in wanted.items():
        if values is None:
            continue
        if len(values) != n:
            raise ValueError(f"{name}: {len(values)} values for {n} papers")
        known = sum(1 for v in values if v is not None)
        if counts is None or known < MIN_PAPERS:
            out.values[name] = None
            out.notes[name] = (
                NOT_MEANINGFUL
                if counts is None
                else (f"{known} papers with a value (< {MIN_PAPERS}): not meaningful")
            )
            continue
        if name == "h_index":
            stats = h_index_resampled(citations, counts)
        elif name == "impact_top10_share":
            stats = share_resampled(values, counts)
        else:
            stats = median_resampled(values, counts)
        bounds = order_bounds(stats)
        decimals = 4 if name == "impact_top10_share" else None
        out.values[name] = None if bounds is None else [_number(b, decimals) for b in bounds]
    return out


def definition() -> dict[str, Any]:
    """What the intervals are, for a profile's provenance."""
    return {
        "method": "bootstrap over the person's papers (drawn with replacement)",
        "resamples": RESAMPLES,
        "seed": SEED,
        "generator": "numpy PCG64 (numpy.random.default_rng)",
        "level": LEVEL,
        "bounds": "26th and 975th of the 1,000 sorted resample values",
        "min_papers": MIN_PAPERS,
    }
