"""The seed author on OpenAlex, as test-double data (tests/seed.py is the S2 side).

The same nine papers, with OpenAlex's (lower) citation counts, its arXiv DOIs, FWCI
and percentiles, an ORCID and two institutions with years; plus two consortium works
that show the 100-author trap: one where the author is the 130th of 140 (the author
filter misses it) and one where they are 3rd of 120 (list pages cut its authorships).
OpenAlex's own summary_stats h-index is set apart from the one the works give, as it
is when OpenAlex counts works of every type.
"""

from __future__ import annotations

import seed
from double.openalex_store import OAAuthor, OAWork

AUTHOR_ID = "A5000000001"
ORCID = "0000-0002-1825-0097"
NAME = seed.NAME
# OpenAlex counts fewer citations than S2 for the same papers (docs/sources.md).
CITATIONS = {
    p.arxiv_id: c for p, c in zip(seed.PAPERS, (25, 51, 3, 77, 2, 2, 1, 130, 190), strict=True)
}
CONSORTIUM_PAST_100 = "W4400000100"
CONSORTIUM_CUT = "W4400000101"
REPORTED_H_INDEX = 9


def load(double, *, author_id: str = AUTHOR_ID) -> None:  # type: ignore[no-untyped-def]
    store = double.openalex
    store.add_author(
        OAAuthor(
            author_id,
            NAME,
            orcid=ORCID,
            alternatives=["Du Seong Chang", "D.-S. Chang"],
            affiliations=[
                ("KT Corporation", "https://ror.org/03ysstz10", "KR", [2024, 2023, 2022, 2021]),
                (
                    "Korea Advanced Institute of Science and Technology",
                    "https://ror.org/05apxxy63",
                    "KR",
                    [2019, 2018],
                ),
            ],
            reported_h_index=REPORTED_H_INDEX,
        )
    )
    for n, paper in enumerate(seed.PAPERS):
        authors = [(f"A59{n}{i}", a) for i, a in enumerate(paper.first_authors)]
        store.add_work(
            OAWork(
                f"W44000000{n:02d}",
                paper.title,
                int(paper.published[:4]),
                [*authors, ("A5999999999", "Another Author"), (author_id, NAME)],
                publication_date=paper.published,
                arxiv_id=paper.arxiv_id,
                cited_by_count=CITATIONS[paper.arxiv_id],
                counts_by_year={int(paper.published[:4]): CITATIONS[paper.arxiv_id]},
                fwci=round(CITATIONS[paper.arxiv_id] / 10, 3),
                percentile=min(0.999, CITATIONS[paper.arxiv_id] / 200),
                topic="Natural Language Processing Techniques",
                abstract=seed.abstract(paper),
            )
        )
    crowd = [(f"A58{j:04d}", f"Member {j}") for j in range(140)]
    store.add_work(
        OAWork(
            CONSORTIUM_PAST_100,
            "A Large Consortium Benchmark for Korean Language Models",
            2025,
            [*crowd[:129], (author_id, NAME), *crowd[129:139]],
            doi="10.1000/consortium.2025.1",
            venue="Transactions of Examples",
            cited_by_count=12,
            fwci=1.5,
            percentile=0.8,
        )
    )
    store.add_work(
        OAWork(
            CONSORTIUM_CUT,
            "Open Multilingual Evaluation at Scale",
            2024,
            [*crowd[:2], (author_id, NAME), *crowd[2:119]],
            doi="10.1000/consortium.2024.7",
            venue="Transactions of Examples",
            cited_by_count=9,
        )
    )
