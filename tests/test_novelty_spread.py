"""Reference spread through ``reference_spread`` itself, against the definition.

The 90th and 99th percentiles are numpy's default ("linear") interpolation, written out
here from its definition: position p x (n - 1) in the sorted distances, interpolated
between its two neighbours. Eleven directions with distinct gaps give 55 distinct
distances, so the nearest-rank and linear answers differ.
"""

from __future__ import annotations

import math

from scholarcli.indicators import novelty as ind

ANGLES = [0, 7, 19, 30, 44, 61, 77, 95, 118, 140, 171]  # degrees, gaps all different


def linear(sorted_values: list[float], q: float) -> float:
    position = q / 100 * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (position - low) * (sorted_values[high] - sorted_values[low])


def test_q90_and_q99_interpolate_linearly_between_the_sorted_distances() -> None:
    vectors = [[math.cos(math.radians(a)), math.sin(math.radians(a))] for a in ANGLES]
    distances = sorted(
        1 - math.cos(math.radians(b - a)) for i, a in enumerate(ANGLES) for b in ANGLES[i + 1 :]
    )
    assert len(distances) == 55
    position = 0.9 * 54  # 48.6: between the 49th and 50th distances
    assert distances[48] != distances[49]
    spread = ind.reference_spread(vectors, resolved=11)
    assert spread.eligible and (spread.embedded, spread.resolved) == (11, 11)
    assert math.isclose(spread.novelty or 0, linear(distances, 90), rel_tol=1e-12)
    assert math.isclose(spread.novelty_q99 or 0, linear(distances, 99), rel_tol=1e-12)
    nearest = distances[round(position)]
    assert not math.isclose(spread.novelty or 0, nearest, rel_tol=1e-6)


def test_ten_embedded_is_enough_and_nine_is_not() -> None:
    vectors = [[math.cos(math.radians(a)), math.sin(math.radians(a))] for a in ANGLES]
    assert ind.reference_spread(vectors[:10], resolved=10).eligible
    assert ind.reference_spread(vectors[:10], resolved=20).eligible  # exactly half
    assert not ind.reference_spread(vectors[:10], resolved=21).eligible
    assert not ind.reference_spread(vectors[:9], resolved=9).eligible
