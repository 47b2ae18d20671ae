"""The crosswalk's lookups against the S2 double: ORCID works to S2 ids by batch calls,
and the reasons a paper is missing from one source (docs/sources.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import crosswalk_world as world
from scholarcli.config import load_settings
from scholarcli.core import Context, Freshness
from scholarcli.crosswalk import lookup
from scholarcli.crosswalk.identity import CONFIRM_MIN, names_agree
from scholarcli.crosswalk.sides import SourceSide

ADA = "Ada Lovelace"


@pytest.fixture
def ctx(double_env) -> Iterator[Context]:  # type: ignore[no-untyped-def]
    context = Context.open(load_settings())
    try:
        yield context
    finally:
        context.close()


def add(double, paper_id: str, authors: list[tuple[str | None, str]], **ids: str) -> None:  # type: ignore[no-untyped-def]
    double.add_paper(paper_id, title=f"Paper {paper_id}", year=2020, authors=authors, **ids)


def orcid_world(double) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Ada split over S2 ids 111 (3 works) and 112 (2), a namesake 300 on one work,
    her coauthor 200 on all; one ORCID work S2 does not know."""
    babbage = ("200", "Charles Babbage")
    add(double, "a" * 40, [("111", ADA), babbage], doi="10.1000/one")
    add(double, "b" * 40, [("111", "A. Lovelace"), babbage], arxiv_id="2101.00001")
    add(double, "c" * 40, [babbage, ("111", "Lovelace, Ada")], doi="10.1000/three")
    add(double, "d" * 40, [("112", "Augusta Ada Lovelace"), babbage], doi="10.1000/four")
    add(double, "e" * 40, [("112", ADA), babbage, ("300", "Alan Lovelace")], doi="10.1000/five")
    return [
        world.paper("W1", "One", 2020, 1, doi="https://doi.org/10.1000/ONE"),
        world.paper("W2", "Two", 2020, 1, doi="https://doi.org/10.48550/arxiv.2101.00001"),
        world.paper("W3", "Three", 2020, 1, doi="https://doi.org/10.1000/three"),
        world.paper("W4", "Four", 2020, 1, doi="https://doi.org/10.1000/four"),
        world.paper("W5", "Five", 2020, 1, doi="https://doi.org/10.1000/five", arxiv_id="2105.5"),
        world.paper("W6", "Unknown", 2020, 1, doi="https://doi.org/10.1000/nowhere"),
    ]


def test_orcid_works_find_every_s2_id_of_the_person(ctx: Context, double_env) -> None:  # type: ignore[no-untyped-def]
    works = orcid_world(double_env)
    candidates = lookup.s2_candidates(ctx, [ADA, "Lovelace Ada"], works, Freshness())
    got = {c.author_id: (c.confirmed, c.accepted) for c in candidates}
    assert got == {"111": (3, True), "112": (2, True), "300": (1, False)}
    assert all(c.checked == 5 for c in candidates)  # S2 knows 5 of the 6 works
    # One batch call for all of them, never one per paper.
    assert double_env.count("s2") == 1
    assert double_env.count("s2", "/graph/v1/paper/batch") == 1


def test_orcid_lookups_are_cached(ctx: Context, double_env) -> None:  # type: ignore[no-untyped-def]
    works = orcid_world(double_env)
    lookup.s2_candidates(ctx, [ADA], works, Freshness())
    double_env.reset_log()
    again = lookup.s2_candidates(ctx, [ADA], works, Freshness())
    assert double_env.count() == 0
    assert [c.author_id for c in again if c.accepted] == ["111", "112"]
    lookup.s2_candidates(ctx, [ADA], works, Freshness(refresh=True))
    assert double_env.count("s2", "/graph/v1/paper/batch") == 1


def test_batches_hold_at_most_500_ids(ctx: Context, double_env) -> None:  # type: ignore[no-untyped-def]
    works = [world.paper(f"W{n}", "t", 2020, 0, doi=f"10.1000/{n}") for n in range(1201)]
    lookup.s2_candidates(ctx, [ADA], works, Freshness())
    assert double_env.count("s2", "/graph/v1/paper/batch") == 3  # 500 + 500 + 201


def test_one_paper_is_enough_only_when_s2_knows_one() -> None:
    from scholarcli.crosswalk.identity import confirm_ids
    from scholarcli.models import AuthorRef, Paper

    one = Paper("p1", "t", authors=[AuthorRef("9", ADA)])
    two = Paper("p2", "t", authors=[AuthorRef("8", ADA)])
    assert [c.accepted for c in confirm_ids([ADA], [one])] == [True]
    assert CONFIRM_MIN == 2
    assert [c.accepted for c in confirm_ids([ADA], [one, two])] == [False, False]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Du-Seong Chang", "D. Chang", True),
        ("Du-Seong Chang", "Chang Du-Seong", True),
        ("Ada Lovelace", "Lovelace, Ada", True),
        ("Ada Lovelace", "Charles Babbage", False),
        ("Ada Lovelace", "Bda Lovelace", False),
        ("José Núñez", "Jose Nunez", True),
        ("", "Ada", False),
    ],
)
def test_names_agree(a: str, b: str, same: bool) -> None:
    assert names_agree(a, b) is same


def test_reasons_come_from_one_batch_lookup(ctx: Context, double_env) -> None:  # type: ignore[no-untyped-def]
    # W5 is on S2 under another person; W8's arXiv DOI names a paper of the person
    # that her S2 profile lacks; W6 ("Introduction") has no id to look up.
    double_env.add_paper(
        "f" * 40,
        title="Only OpenAlex Has This One",
        year=2019,
        authors=[("900", "Mary Somerville")],
        doi="10.1000/alex.6",
    )
    s2 = [p for p in world.S2 if p.paper_id != "s-zero"]
    double_env.add_paper(
        "9" * 40,
        title="A Note Nobody Cited Yet",
        year=2023,
        authors=[("111", ADA)],
        arxiv_id="2301.00003",
    )
    sides = [
        SourceSide("s2", world.profile(s2, ["111"])),
        SourceSide("openalex", world.profile(world.OPENALEX, ["A1"])),
    ]
    view, complete = lookup.explain(ctx, sides, Freshness())
    assert complete
    reasons = {p.shown.paper_id: p.only_reason for p in view.papers}
    assert reasons["W5"] == "attributed to another profile on Semantic Scholar: Mary Somerville"
    assert reasons["W8"] == (
        "under this person there, but not in the profile's list on Semantic Scholar"
    )
    assert reasons["W6"] is None
    assert double_env.count("s2", "/graph/v1/paper/batch") == 1
    double_env.reset_log()
    lookup.explain(ctx, sides, Freshness())
    assert double_env.count() == 0


def test_the_s2_double_answers_doi_and_arxiv_ids_as_s2_does(double_env) -> None:  # type: ignore[no-untyped-def]
    import requests

    double_env.add_paper(
        "1" * 40,
        title="Journal version",
        year=2022,
        authors=[("111", ADA)],
        doi="10.1000/Journal.7",
        arxiv_id="2201.00007v3",
    )
    ids = [
        "DOI:10.1000/journal.7",  # DOIs are case-insensitive
        "doi:10.1000/JOURNAL.7",  # so is the prefix
        "ARXIV:2201.00007",
        "DOI:10.48550/arXiv.2201.00007",  # arXiv's DOI finds the paper with that arXiv id
        "DOI:10.1000/nowhere",
        "ARXIV:2201.99999",
    ]
    response = requests.post(
        f"{double_env.s2_url}/paper/batch",
        params={"fields": "authors"},
        json={"ids": ids},
        timeout=5,
    )
    body = response.json()
    assert len(body) == len(ids)  # same size and order as the request
    assert [p["paperId"] if p else None for p in body] == ["1" * 40] * 4 + [None, None]
    assert body[0]["authors"] == [{"authorId": "111", "name": ADA}]


def test_two_sources_that_pair_little_get_a_warning(ctx: Context, double_env) -> None:  # type: ignore[no-untyped-def]
    from scholarcli.crosswalk import people

    notes: list[str] = []

    class Collect:
        def warn(self, message: str) -> None:
            notes.append(message)

        def note(self, message: str) -> None:
            pass

    others = [
        world.paper(f"X{n}", f"A different person's paper number {n}", 2020, n) for n in range(5)
    ]
    view = lookup.side_by_side(
        [
            SourceSide("s2", world.profile(world.S2, ["111"])),
            SourceSide("openalex", world.profile(others, ["A9"])),
        ]
    )
    ctx.reporter = Collect()  # type: ignore[assignment]
    people._warn_low_overlap(ctx, view, people.Person(ADA))
    assert notes and "may be different people" in notes[0]
    notes.clear()
    people._warn_low_overlap(ctx, view, people.Person(ADA, orcid="0000-0002-1825-0097"))
    assert notes == []  # pinned by ORCID: the pairing is what it is
