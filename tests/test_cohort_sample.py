"""The cohort sample's stated rule, computed here from the rule itself.

docs/novelty.md: the sample is the ids with the smallest sha256 of ``"C:Y:id"``; when a
year's listing is too long, days are visited in the order of sha256 of ``"C:Y:YYYY-MM-DD"``
over every day of the year (366 in a leap year).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from scholarcli.novelty import cohort


def rule_key(category: str, year: int, text: str) -> str:
    return hashlib.sha256(f"{category}:{year}:{text}".encode()).hexdigest()


def test_bottom_k_keeps_the_smallest_hashes_not_the_smallest_ids() -> None:
    ids = [f"2301.{k:05d}" for k in range(40)]
    expected = sorted(ids, key=lambda i: rule_key("cs.CL", 2023, i))[:10]
    assert expected != sorted(ids)[:10]  # the two orders differ on this input
    assert cohort.bottom_k(ids, "cs.CL", 2023, k=10) == expected
    assert cohort.bottom_k(ids + ids, "cs.CL", 2023, k=10) == expected  # duplicates once


def test_days_of_a_leap_year_are_all_visited_in_hash_order() -> None:
    days = cohort.day_order("cs.CL", 2024)
    assert len(days) == 366 and len(set(days)) == 366
    assert dt.date(2024, 2, 29) in days and dt.date(2024, 12, 31) in days
    assert days == sorted(days, key=lambda d: rule_key("cs.CL", 2024, d.isoformat()))
    assert len(cohort.day_order("cs.CL", 2023)) == 365
