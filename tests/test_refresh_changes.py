"""What a refresh sees as a change: a person who lost a paper is refreshed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import refresh_helpers as helpers

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def test_a_profile_that_lost_an_uncited_paper_is_seen_as_changed(double_env: Any) -> None:
    me = [("9400", "Lena Loss")]
    double_env.add_author("9400", "Lena Loss")
    for k, cites in enumerate((5, 3, 0)):
        double_env.add_paper(
            f"l{k}".ljust(40, "0"),
            title=f"Paper {k}",
            year=2022,
            authors=me,
            citation_count=cites,
        )
    helpers.track_directly(["9400"])
    first = helpers.refresh_at(T0)
    assert [(r.status, r.papers) for r in first.people] == [("refreshed", 3)]
    # The uncited paper goes to someone else: paperCount 3 -> 2, citationCount unchanged.
    double_env.add_paper(
        "l2".ljust(40, "0"),
        title="Paper 2",
        year=2022,
        authors=[("9999", "Other")],
    )
    second = helpers.refresh_at(T0 + timedelta(days=1))
    assert [(r.status, r.papers) for r in second.people] == [("refreshed", 2)]
    assert "papers 3 -> 2" in second.people[0].reason
