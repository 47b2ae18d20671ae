"""The header's two slots: Novelty and Impact, shown only once computed, never as %."""

from __future__ import annotations

import io

from scholarcli import render
from scholarcli.models import Profile


def header(indicators: dict, impact_papers: int | None = None) -> str:  # type: ignore[type-arg]
    profile = Profile(
        name="A. Person",
        ids=["1"],
        affiliations=[],
        as_of="2026-11-27",
        primary_category="cs.CL",
        primary_category_name="Computation and Language",
        metrics={"paper_count": 9, "h_index": 3},
        papers=[],
        indicators=indicators,
        impact_papers=impact_papers,
    )
    out = io.StringIO()
    env = render.OutputEnv(stdout_isatty=False, stderr_isatty=False, color=False, width=100)
    render.render_profile(profile, "table", out, env)
    return out.getvalue()


def test_slots_stay_empty_until_computed() -> None:
    text = header({})
    assert "Novelty" not in text and "Impact" not in text


def test_slots_show_percentiles_and_what_they_rest_on() -> None:
    text = header(
        {
            "novelty_percentile": 47,
            "novelty_papers": 7,
            "impact_percentile": 62.5,
            "impact_top10_share": 0.2222,
            "cohorts": [
                {"category": "cs.CL", "year": 2023, "n": 180, "n_eligible": 163},
                {"category": "cs.LG", "year": 2024, "n": 190, "n_eligible": 170},
            ],
        },
        impact_papers=8,
    )
    assert "Novelty p47 · 7/9 papers · vs cs.CL 2023 (n=163) +1 more" in text
    assert "Impact p62.5 · top10 22% · 8/9 papers" in text
    assert "47%" not in text


def test_computed_but_nothing_ranked_says_so() -> None:
    text = header(
        {
            "novelty_percentile": None,
            "novelty_papers": 0,
            "impact_percentile": None,
            "impact_top10_share": None,
            "cohorts": [],
        }
    )
    assert "Novelty n/a · 0/9 papers ranked" in text and "Impact n/a" in text


def test_markdown_carries_the_slots_too() -> None:
    profile = Profile(
        "A. Person",
        ["1"],
        [],
        "2026-11-27",
        None,
        None,
        {"paper_count": 2},
        [],
        indicators={
            "novelty_percentile": 50,
            "novelty_papers": 2,
            "impact_percentile": 10,
            "impact_top10_share": 0.0,
            "cohorts": [{"category": "cs.CL", "year": 2023, "n": 40, "n_eligible": 31}],
        },
        impact_papers=2,
    )
    out = io.StringIO()
    env = render.OutputEnv(stdout_isatty=False, stderr_isatty=False, color=False, width=100)
    render.render_profile(profile, "markdown", out, env)
    assert "Novelty p50 · 2/2 papers · vs cs.CL 2023 (n=31)" in out.getvalue()
