"""``scholar group``: three members with joint papers, counted by hand.

Alice, Bob and Cara wrote J1 (Alice+Bob, 10 citations) and J2 (all three, 6), and each
some papers alone: A1 (4), B1 (3), C1 (8), C2 (1, from 2018). The union has 6 papers
and 32 citations: sorted 10 8 6 4 3 1, so h = 4; cumulative 10 18 24 28 31 32, so
g = 5 (31 >= 25, 32 < 36). The members' h-indices are 3 (10 6 4), 3 (10 6 3) and
2 (8 6 1): median 3. Edges: Alice-Bob 2 joint papers, Alice-Cara 1, Bob-Cara 1.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from group_world import ALICE, BOB, load_trio, people_csv
from scholarcli.cli import app
from scholarcli.indicators import group as arithmetic
from scholarcli.models import ProfilePaper


def run(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture
def trio(double_env: Any) -> Any:
    load_trio(double_env)
    return double_env


def group_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    out = run(runner, "group", *args, "-f", "json")
    assert out.exit_code == 0, out.stderr
    payload: dict[str, Any] = json.loads(out.stdout)
    return payload


def test_joint_papers_count_once_and_draw_the_right_edges(
    trio: Any, runner: CliRunner, tmp_path: Path
) -> None:
    payload = group_json(runner, "--input", people_csv(tmp_path))
    assert payload["group"] == {
        "members": 3,
        "papers": 6,
        "joint_papers": 2,
        "citations": 32,
        "h_index": 4,
        "g_index": 5,
        "median_member_h_index": 3.0,
        "since": None,
    }
    assert [(m["name"], m["papers"], m["h_index"]) for m in payload["members"]] == [
        ("Alice", 3, 3),
        ("Bob", 3, 3),
        ("Cara Group", 3, 2),
    ]
    edges = {(e["source"], e["target"]): e["joint_papers"] for e in payload["network"]["edges"]}
    assert edges == {("Alice", "Bob"): 2, ("Alice", "Cara Group"): 1, ("Bob", "Cara Group"): 1}
    assert {n["id"] for n in payload["network"]["nodes"]} == {"Alice", "Bob", "Cara Group"}


def test_since_windows_rows_union_and_network(trio: Any, runner: CliRunner, tmp_path: Path) -> None:
    payload = group_json(runner, "--input", people_csv(tmp_path), "--since", "2021")
    # A1 (2020) and C2 (2018) drop out: 10 8 6 3 -> h 3; cumulative 10 18 24 27: g 4.
    assert (payload["group"]["papers"], payload["group"]["citations"]) == (4, 27)
    assert (payload["group"]["h_index"], payload["group"]["g_index"]) == (3, 4)
    assert [m["papers"] for m in payload["members"]] == [2, 3, 2]


def test_graphml_reads_back_in_networkx(trio: Any, runner: CliRunner, tmp_path: Path) -> None:
    import networkx as nx

    target = tmp_path / "net.graphml"
    out = run(runner, "group", "--input", people_csv(tmp_path), "-o", str(target), "-f", "csv")
    assert out.exit_code == 0, out.stderr
    graph = nx.read_graphml(target)
    assert sorted(graph.nodes) == ["Alice", "Bob", "Cara Group"]
    assert graph.edges["Alice", "Bob"]["weight"] == 2
    assert graph.edges["Bob", "Cara Group"]["weight"] == 1
    assert graph.nodes["Cara Group"]["h_index"] == 2
    assert graph.nodes["Alice"]["ids"] == ALICE


def test_names_saved_group_and_a_warm_run_makes_no_request(trio: Any, runner: CliRunner) -> None:
    first = run(runner, "group", "Alice Group", "Bob Group", "--save", "lab", "-f", "json")
    assert first.exit_code == 0, first.stderr
    assert "saved 2 members as group 'lab'" in first.stderr
    trio.reset_log()
    again = group_json(runner, "--label", "lab")
    assert again["group"]["papers"] == 4 and again["group"]["joint_papers"] == 2
    assert [m["ids"] for m in again["members"]] == [[ALICE], [BOB]]
    assert trio.requests == []  # cached profiles: nothing asked


def test_csv_has_one_row_per_member_then_the_group(
    trio: Any, runner: CliRunner, tmp_path: Path
) -> None:
    out = run(runner, "group", "--input", people_csv(tmp_path), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["name"] for r in rows] == ["Alice", "Bob", "Cara Group", "group"]
    assert (rows[-1]["source"], rows[-1]["papers"], rows[-1]["h_index"]) == ("group", "6", "4")


def test_table_shows_members_group_and_edges(trio: Any, runner: CliRunner, tmp_path: Path) -> None:
    out = run(runner, "group", "--input", people_csv(tmp_path), "-f", "table")
    assert out.exit_code == 0, out.stderr
    for needle in ("Members", "Group", "Joint papers among members", "Cara Group"):
        assert needle in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give members"),
        (["Alice", "--tracked"], "cannot be used together"),
        (["--label", "nope"], "no saved group 'nope'"),
        (["Alice", "-o", "net.gexf"], "only GraphML"),
        (["Alice", "--since", "20"], "not a plausible year"),
    ],
)
def test_bad_invocations_are_one_line_errors(
    trio: Any, runner: CliRunner, args: list[str], message: str
) -> None:
    out = run(runner, "group", *args)
    assert out.exit_code in (2, 3), out.stderr
    assert out.stderr.startswith("error: ") and message in out.stderr


def test_a_people_file_with_a_bad_id_names_the_line(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,ids\nAlice,123\nBob,12x\n", encoding="utf-8")
    out = run(runner, "group", "--input", str(path))
    assert out.exit_code == 2
    assert "line 3: '12x' is not a Semantic Scholar author id" in out.stderr


def row(pid: str, cites: int, *, doi: str | None = None, arxiv: str | None = None) -> ProfilePaper:
    return ProfilePaper(
        paper_id=pid,
        title=pid,
        authors=[],
        author_position=None,
        date=None,
        year=2020,
        venue="",
        category=None,
        citations=cites,
        influential_citations=0,
        cites_per_year=0.0,
        code_url=None,
        abstract=None,
        url=None,
        arxiv_id=arxiv,
        doi=doi,
    )


def test_two_records_of_one_paper_count_once_with_the_higher_count() -> None:
    papers = arithmetic.union(
        {
            "a": [row("x1", 5, doi="10.1/X"), row("a1", 2)],
            "c": [row("x2", 7, doi="10.1/x", arxiv="2301.00001"), row("y", 1, arxiv="2301.00001")],
        }
    )
    # x1, x2 share the DOI (case-insensitive), x2 and y the arXiv id: one paper.
    assert sorted((p.paper_id, p.citations, p.members) for p in papers) == [
        ("a1", 2, ("a",)),
        ("x1", 7, ("a", "c")),
    ]
    [edge] = arithmetic.collaboration(papers)
    assert (edge.source, edge.target, edge.joint_papers) == ("a", "c", 1)
    figures = arithmetic.figures(papers, [2, 1])
    assert (figures.papers, figures.citations, figures.joint_papers) == (2, 9, 1)
    assert figures.median_member_h_index == 1.5
