"""A person on two sources with a known answer, for the crosswalk tests.

Ten S2 papers and nine OpenAlex works of one person, chosen so that every way two
sources can agree or disagree occurs once, and the right pairing is known by
construction (``EXPECTED``):

* shared by DOI, with different citation counts (187 against 120) and DOIs written
  differently (upper case, resolver URL);
* shared by arXiv id only (S2 has the id, OpenAlex only the 10.48550 DOI);
* shared by title only (punctuation and case differ; years one apart: a preprint
  and its publication);
* a preprint and its journal version kept apart on S2 and one work on OpenAlex;
* in S2 only, not indexed by OpenAlex at all;
* in S2 only, on OpenAlex under another person (``ELSEWHERE``);
* in OpenAlex only;
* a short title ("Introduction") in both that must never pair on its title.
"""

from __future__ import annotations

from scholarcli.models import Profile, ProfilePaper


def paper(
    paper_id: str,
    title: str,
    year: int | None,
    citations: int,
    *,
    doi: str | None = None,
    arxiv_id: str | None = None,
) -> ProfilePaper:
    return ProfilePaper(
        paper_id=paper_id,
        title=title,
        authors=["Ada Lovelace", "Charles Babbage"],
        author_position=1,
        date=None,
        year=year,
        venue="",
        category=None,
        citations=citations,
        influential_citations=0,
        cites_per_year=0.0,
        code_url=None,
        abstract=None,
        url=None,
        arxiv_id=arxiv_id,
        doi=doi,
    )


S2 = [
    paper("s-doi", "Analytical Engines for Everyone", 2020, 187, doi="10.1000/ENGINE.1"),
    paper("s-arxiv", "Notes on the Difference Engine", 2021, 40, arxiv_id="2101.00001"),
    paper("s-title", "Bernoulli Numbers: A Worked Program!", 2019, 12),
    paper("s-journal", "Looms and Logic", 2022, 30, doi="10.1000/loom.2", arxiv_id="2201.00002"),
    paper("s-preprint", "Looms and Logic (preprint)", 2021, 6, arxiv_id="2201.00002v2"),
    paper("s-unindexed", "A Paper OpenAlex Never Saw", 2018, 9, doi="10.1000/unseen.3"),
    paper("s-elsewhere", "Attributed to Somebody Else", 2017, 15, doi="10.1000/other.4"),
    paper("s-short", "Introduction", 2016, 2),
    paper("s-same-year", "Poetical Science in Practice", 2015, 50, doi="10.1000/poetry.5"),
    paper("s-zero", "A Note Nobody Cited Yet", 2023, 0, arxiv_id="2301.00003"),
]
OPENALEX = [
    paper(
        "W1", "Analytical engines for everyone", 2020, 120, doi="https://doi.org/10.1000/engine.1"
    ),
    paper(
        "W2",
        "Notes on the difference engine",
        2021,
        31,
        doi="https://doi.org/10.48550/arxiv.2101.00001",
    ),
    paper("W3", "Bernoulli numbers - a worked program", 2020, 10),
    paper(
        "W4",
        "Looms and logic",
        2022,
        28,
        doi="https://doi.org/10.1000/loom.2",
        arxiv_id="2201.00002",
    ),
    paper("W5", "Only OpenAlex Has This One", 2019, 7, doi="https://doi.org/10.1000/alex.6"),
    paper("W6", "Introduction", 2016, 3),
    paper("W7", "Poetical Science in Practice", 2016, 49, doi="https://doi.org/10.1000/poetry.5"),
    paper(
        "W8", "A note nobody cited yet", 2023, 0, doi="https://doi.org/10.48550/arXiv.2301.00003"
    ),
]

#: (S2 id, OpenAlex id, rule) of every right pair.
EXPECTED = {
    ("s-doi", "W1", "doi"),
    ("s-arxiv", "W2", "arxiv"),
    ("s-title", "W3", "title"),
    ("s-journal", "W4", "doi"),
    ("s-same-year", "W7", "doi"),
    ("s-zero", "W8", "arxiv"),
}
S2_ONLY = {"s-preprint", "s-unindexed", "s-elsewhere", "s-short"}
OPENALEX_ONLY = {"W5", "W6"}


def profile(papers: list[ProfilePaper], ids: list[str], name: str = "Ada Lovelace") -> Profile:
    return Profile(
        name=name,
        ids=ids,
        affiliations=[],
        as_of="2026-12-08",
        primary_category=None,
        primary_category_name=None,
        metrics={},
        papers=list(papers),
    )
