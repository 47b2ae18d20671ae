"""The seed author on both sources, for the side-by-side and ORCID runs.

Semantic Scholar has the seed profile (``seed.py``: id 2112233445, nine arXiv papers)
plus a second S2 id, ``SPLIT_S2`` ("D. Chang"), holding two journal papers of the
same person. OpenAlex has the person under ORCID ``ORCID``, split over two author
records (``OPENALEX_IDS``), with:

* six of the nine seed papers, filed by arXiv DOI, with OpenAlex's own counts
  (``OPENALEX_COUNTS``): one far apart from S2's (NASH, 120 against 61), one off by a
  year (PSYDIAL: 2025 on OpenAlex, a publication year against arXiv's 2024);
* the two journal papers of the split S2 id, by DOI;
* one work S2 knows under another person (``ELSEWHERE_DOI``) and one S2 does not
  know at all (``UNINDEXED_DOI``).

Of the nine seed papers, three are missing from the person's OpenAlex profile: two
not indexed there at all, one (``2406.11813``, the most cited) filed under another OpenAlex author.
The known answer of every comparison follows from these lists.
"""

from __future__ import annotations

import seed
from double.openalex_store import OAAuthor, OAWork

ORCID = "0000-0002-1825-0097"
OPENALEX_IDS = ("A5000000001", "A5000000002")
SPLIT_S2 = "99887766"
OTHER_OPENALEX = "A5999999999"
ELSEWHERE_DOI = "10.5555/elsewhere.2024"
UNINDEXED_DOI = "10.5555/unindexed.2023"
JOURNAL_DOIS = ("10.5555/journal.1", "10.5555/journal.2")
#: OpenAlex's counts of the seed papers it files under the person, by arXiv id.
OPENALEX_COUNTS = {
    "2308.06744": 35,
    "2302.01530": 70,
    "2211.11014": 5,
    "2310.10054": 61,
    "2404.00930": 3,
    "2403.10225": 1,
}
#: A seed paper OpenAlex files under someone else.
MISATTRIBUTED = "2406.11813"
YEAR_APART = "2404.00930"


def load(double) -> None:  # type: ignore[no-untyped-def]
    seed.load(double)
    oa = double.openalex
    first, second = OPENALEX_IDS
    oa.add_author(OAAuthor(first, seed.NAME, orcid=ORCID, alternatives=["Chang Du-Seong"]))
    oa.add_author(OAAuthor(second, "D. Chang", orcid=ORCID))
    oa.add_author(OAAuthor(OTHER_OPENALEX, "Dae-Sung Chang"))
    oa.add_author(OAAuthor("A5000000077", "Mary Somerville"))
    for n, paper in enumerate(seed.PAPERS):
        year = int(paper.published[:4])
        if paper.arxiv_id in OPENALEX_COUNTS:
            who, as_named, count = first, seed.NAME, OPENALEX_COUNTS[paper.arxiv_id]
        elif paper.arxiv_id == MISATTRIBUTED:
            who, as_named, count = OTHER_OPENALEX, "Dae-Sung Chang", 250
        else:
            continue
        oa.add_work(
            OAWork(
                f"W40000000{n:02d}",
                paper.title,
                year + 1 if paper.arxiv_id == YEAR_APART else year,
                [(None, a) for a in paper.first_authors] + [(who, as_named)],
                arxiv_id=paper.arxiv_id,
                cited_by_count=count,
            )
        )
    double.add_author(SPLIT_S2, "D. Chang", affiliations=["KT Corporation"])
    double.add_author("31415926", "Mary Somerville")
    for n, doi in enumerate(JOURNAL_DOIS):
        title = f"Journal Study {n + 1} of Efficient Language Models"
        double.add_paper(
            f"{0xC0 + n:02x}" * 20,
            title=title,
            year=2021 + n,
            venue="Journal of Examples",
            authors=[(SPLIT_S2, "D. Chang"), (None, "Ann Other")],
            citation_count=20 + 10 * n,
            doi=doi,
        )
        oa.add_work(
            OAWork(
                f"W41000000{n:02d}",
                title,
                2021 + n,
                [(second, "D. Chang"), (None, "Ann Other")],
                doi=doi,
                venue="Journal of Examples",
                cited_by_count=18 + 10 * n,
            )
        )
    double.add_paper(
        "e7" * 20,
        title="A Study Semantic Scholar Credits to Someone Else",
        year=2024,
        authors=[("31415926", "Mary Somerville")],
        citation_count=9,
        doi=ELSEWHERE_DOI,
    )
    oa.add_work(
        OAWork(
            "W4200000001",
            "A Study Semantic Scholar Credits to Someone Else",
            2024,
            [(first, seed.NAME), ("A5000000077", "Mary Somerville")],
            doi=ELSEWHERE_DOI,
            cited_by_count=8,
        )
    )
    oa.add_work(
        OAWork(
            "W4200000002",
            "A Workshop Paper Only OpenAlex Indexes",
            2023,
            [(first, seed.NAME)],
            doi=UNINDEXED_DOI,
            cited_by_count=2,
        )
    )
