"""``scholar coauthors``: collaborators from the cached author lists, ranked.

The lead's papers (ids: 700, and 710 for a second, split profile):

    q1 2018, 10 cites: Lead(700), Ann(701), Bob Stone (no id)
    q2 2020,  5 cites: Ann(701), Lead(700), Bob Stone(702)
    q3 2022, 100 cites: Lead(700), "LEAD  person" (no id: S2 listing the lead twice),
                        Cleo (no id), Ann(701)
    q4 2021,  1 cite:  Dee Ng (no id), Lead(700), Dee Ng (no id) again
    q5 2019,  0 cites: Lead(700), J. Smith(801), J. Smith(802)
    q6 2017,  3 cites: Lead(700), J. Smith (no id)
    q7 2016,  2 cites: Lead(700), L. Person(710)

Bob Stone's id-less entry on q1 joins id 702, the only id that name has; J. Smith's
on q6 cannot choose between 801 and 802 and stands alone by name.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from scholarcli.cli import app
from scholarcli.models import AuthorRef, Paper
from scholarcli.profile.analysis import COAUTHOR_FIELDS, collaborators

LEAD = ("700", "Lead Person")
PAPERS: list[tuple[str, int, int, list[tuple[str | None, str]]]] = [
    ("q1", 2018, 10, [LEAD, ("701", "Ann"), (None, "Bob Stone")]),
    ("q2", 2020, 5, [("701", "Ann"), LEAD, ("702", "Bob Stone")]),
    ("q3", 2022, 100, [LEAD, (None, "LEAD  person"), (None, "Cleo"), ("701", "Ann")]),
    ("q4", 2021, 1, [(None, "Dee Ng"), LEAD, (None, "Dee Ng")]),
    ("q5", 2019, 0, [LEAD, ("801", "J. Smith"), ("802", "J. Smith")]),
    ("q6", 2017, 3, [LEAD, (None, "J. Smith")]),
    ("q7", 2016, 2, [LEAD, ("710", "L. Person")]),
]
# (name, author_id, joint_papers, first_year, last_year, joint_citations), best first.
EXPECTED = [
    ("Ann", "701", 3, 2018, 2022, 115),
    ("Bob Stone", "702", 2, 2018, 2020, 15),
    ("Cleo", None, 1, 2022, 2022, 100),
    ("J. Smith", None, 1, 2017, 2017, 3),
    ("L. Person", "710", 1, 2016, 2016, 2),
    ("Dee Ng", None, 1, 2021, 2021, 1),
    ("J. Smith", "801", 1, 2019, 2019, 0),
    ("J. Smith", "802", 1, 2019, 2019, 0),
]


@pytest.fixture
def lead(double_env):  # type: ignore[no-untyped-def]
    double_env.add_author(*LEAD)
    double_env.add_author("710", "L. Person")
    for paper_id, year, cites, authors in PAPERS:
        double_env.add_paper(
            paper_id.ljust(40, "0"),
            title=paper_id,
            year=year,
            authors=authors,
            citation_count=cites,
        )
    return double_env


def run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def as_tuples(records: list[dict]) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(record[field] for field in COAUTHOR_FIELDS) for record in records]


def test_ranked_collaborators_as_json(runner: CliRunner, lead) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "coauthors", "Lead Person", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert as_tuples(json.loads(result.stdout)["coauthors"]) == EXPECTED


def test_a_second_id_of_the_person_is_not_a_coauthor(runner: CliRunner, lead) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "coauthors", "--id", "700", "--id", "710", "-f", "json")
    assert result.exit_code == 0, result.stderr
    names = [c["name"] for c in json.loads(result.stdout)["coauthors"]]
    assert "L. Person" not in names and len(names) == len(EXPECTED) - 1


def test_csv_table_limit_and_cache(runner: CliRunner, lead) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "coauthors", "Lead Person", "-f", "csv", "--limit", "2")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(COAUTHOR_FIELDS)
    assert [(r["name"], r["joint_papers"]) for r in rows] == [("Ann", "3"), ("Bob Stone", "2")]
    lead.reset_log()
    table = run(runner, "coauthors", "Lead Person", "-f", "table", "--offline")
    assert table.exit_code == 0, table.stderr
    assert lead.count() == 0  # answered from the cached author lists
    assert "Coauthors of Lead Person" in table.stdout and "Bob Stone" in table.stdout


def test_bad_limit_and_unknown_person(runner: CliRunner, lead) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "coauthors", "Lead Person", "--limit", "0").exit_code == 2
    assert run(runner, "coauthors", "Nobody Atall").exit_code == 3


def test_collaborators_is_pure_and_order_free() -> None:
    papers = [
        Paper(pid, pid, year=year, citations=cites, authors=[AuthorRef(a, n) for a, n in refs])
        for pid, year, cites, refs in PAPERS
    ]
    own = (["700"], ["Lead Person"])
    assert as_tuples(collaborators(papers, *own)) == EXPECTED
    assert as_tuples(collaborators(reversed(papers), *own)) == EXPECTED


def test_year_falls_back_to_the_publication_date_and_names_exclude_by_fold() -> None:
    paper = Paper(
        "x",
        "x",
        year=None,
        publication_date="2015-03-01",
        citations=4,
        authors=[AuthorRef(None, "Zoë Ångström"), AuthorRef(None, "Kim")],
    )
    (kim,) = collaborators([paper], [], ["zoe angstrom"])
    assert (kim["name"], kim["first_year"], kim["last_year"]) == ("Kim", 2015, 2015)
