"""The three-member group world of the group tests (counted by hand in test_group.py).

Alice, Bob and Cara wrote J1 (Alice+Bob, 10 citations) and J2 (all three, 6), and each
some papers alone: A1 (4), B1 (3), C1 (8), C2 (1, from 2018).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ALICE, BOB, CARA = "9301", "9302", "9303"


def load_trio(double: Any) -> None:
    a, b, c = (ALICE, "Alice Group"), (BOB, "Bob Group"), (CARA, "Cara Group")
    for author_id, name in (a, b, c):
        double.add_author(author_id, name)

    def add(pid: str, cites: int, year: int, *authors: tuple[str, str]) -> None:
        double.add_paper(
            pid.ljust(40, "0"),
            title=f"Paper {pid}",
            year=year,
            venue="ACL",
            authors=list(authors),
            citation_count=cites,
        )

    add("j1", 10, 2021, a, b)
    add("j2", 6, 2022, a, b, c)
    add("a1", 4, 2020, a)
    add("b1", 3, 2023, b)
    add("c1", 8, 2021, c)
    add("c2", 1, 2018, c)


def people_csv(folder: Path) -> str:
    path = folder / "people.csv"
    path.write_text(
        f"name,ids,label\nAlice Group,{ALICE},Alice\n,{BOB},Bob\nCara Group,{CARA},\n",
        encoding="utf-8",
    )
    return str(path)
