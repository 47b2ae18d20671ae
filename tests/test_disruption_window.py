"""CD_nok's 5-year window: which citers count, and when a window is still open."""

from __future__ import annotations

from typing import Any

from scholarcli.novelty.disruption import _citers, window_note


def answer(*years: Any) -> dict[str, Any]:
    return {"citations": [{"paperId": f"c{k}", "year": y} for k, y in enumerate(years)]}


def test_citers_from_the_focal_year_to_five_years_on_count() -> None:
    citers, listed = _citers(answer(2019, 2020, 2022, 2025, 2026, None), 2020)
    # 2020 (the focal year) and 2025 (year + 5) are in; 2019, 2026 and undated are out.
    assert citers == ["c1", "c2", "c3"]
    assert listed == 6


def test_a_window_ending_in_the_as_of_year_is_complete() -> None:
    assert window_note(2021, 2026) is None  # 2021 + 5 = 2026: complete
    assert window_note(2022, 2026) == "window open until 2027"
    assert window_note(None, 2026) is None
