"""``scholar metrics`` and ``scholar compare`` end to end against the loopback double.

The file example is E4 of docs/metrics.md (Worked examples): pop-linux's test profile
(munir-abbasi/pop-linux@fa044bc2, tests/test_metrics.py), five single-author papers
cited 10, 8, 5, 4, 3 times in 2020-2024, published as total 30, mean 6.0, h = 4,
g = 5, e = sqrt(11), hI,norm = 4, i10 = 1.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import seed
from scholarcli import render
from scholarcli.cli import app
from scholarcli.profile.analysis import DESCRIPTIVE_FIELDS, best_columns

AS_OF = "2026-11-27"
# The field names of issue 4, item 3, in order.
ISSUE_FIELDS = [
    "papers",
    "citations",
    "first_year",
    "last_year",
    "career_years",
    "cites_per_year",
    "cites_per_paper",
    "cites_per_author",
    "papers_per_author",
    "authors_per_paper",
    "h_index",
    "g_index",
    "hg_index",
    "i10_index",
    "h5_index",
    "i10_5y",
    "m_quotient",
    "e_index",
    "a_index",
    "r_index",
    "hc_index",
    "hi_index",
    "hi_norm",
    "hi_annual",
    "hm_index",
    "awcr",
    "aw_index",
    "awcrpa",
    "acc1",
    "acc2",
    "acc5",
    "acc10",
    "acc20",
    "first_author_papers",
    "last_author_papers",
]
POP_LINUX = "Cites,Authors,Title,Year\n" + "".join(
    f'{c},"A Author",Paper {i},{y}\n'
    for i, (c, y) in enumerate(zip([10, 8, 5, 4, 3], range(2020, 2025), strict=True))
)
OTHER_ID, OTHER = "600", "Second Person"


def run(runner: CliRunner, *args: str, **kwargs):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), **kwargs)


@pytest.fixture
def people(double_env):  # type: ignore[no-untyped-def]
    seed.load(double_env)
    double_env.add_author(OTHER_ID, OTHER)
    for n, (cites, year) in enumerate([(900, 2015), (20, 2018), (2, 2025)]):
        double_env.add_paper(
            f"s{n:039d}",
            title=f"Second {n}",
            year=year,
            authors=[(OTHER_ID, OTHER)],
            citation_count=cites,
        )
    return double_env


def people_json(runner: CliRunner, *args: str, **kwargs) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    result = run(runner, "metrics", *args, "-f", "json", "--as-of", AS_OF, **kwargs)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["people"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("extra", [[], ["--citations-by-year"]])
def test_numbers_equal_those_of_scholar_author(runner: CliRunner, people, extra) -> None:  # type: ignore[no-untyped-def]
    author = run(runner, "author", seed.NAME, "-f", "json", "--as-of", AS_OF, *extra)
    header = json.loads(author.stdout)["author"]
    (row,) = people_json(runner, seed.NAME, *extra)
    assert (row["name"], row["ids"], row["source"]) == (
        seed.NAME,
        [seed.AUTHOR_ID],
        "semantic_scholar",
    )
    assert list(row)[3:] == ISSUE_FIELDS
    expected = {**header, "papers": header["paper_count"], "citations": header["citation_count"]}
    assert {field: row[field] for field in ISSUE_FIELDS} == {f: expected[f] for f in ISSUE_FIELDS}
    assert (row["h5_index"] is None) == (not extra)


def test_one_row_per_person_names_then_ids(runner: CliRunner, people) -> None:  # type: ignore[no-untyped-def]
    rows = people_json(runner, seed.NAME, OTHER, "--id", OTHER_ID)
    assert [(r["name"], r["ids"]) for r in rows] == [
        (seed.NAME, [seed.AUTHOR_ID]),
        (OTHER, [OTHER_ID]),
        (OTHER, [OTHER_ID]),
    ]
    assert [r["citations"] for r in rows] == [753, 922, 922]


def test_csv_jsonl_markdown_and_table(runner: CliRunner, people) -> None:  # type: ignore[no-untyped-def]
    names = [seed.NAME, OTHER]
    as_csv = run(runner, "metrics", *names, "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert list(rows[0]) == ["name", "ids", "source", *ISSUE_FIELDS]
    assert [r["h_index"] for r in rows] == ["5", "2"]
    lines = run(runner, "metrics", *names, "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["papers"] for line in lines] == [9, 3]
    markdown = run(runner, "metrics", *names, "-f", "markdown").stdout
    assert markdown.count("\n| Du-Seong Chang |") == 1 and "| h_index |" in markdown
    table = run(runner, "metrics", *names, "-f", "table", env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in table.splitlines()) <= 80
    # One table, a row per person: their ids, then the headline metrics; the note says
    # how many columns did not fit, so none is lost without a word.
    assert table.count("Du-Seong Chang") == table.count("Second Person") == 1
    assert "Metrics (" not in table
    header = next(line for line in table.splitlines() if line.startswith("name"))
    assert header.split()[:5] == ["name", "ids", "papers", "citations", "h_index"]
    shown = [field for field in ISSUE_FIELDS if field in header.split()]
    note = re.search(r"Not shown at this width: (.*?) and (\d+) more", " ".join(table.split()))
    assert note is not None
    named = note.group(1).split(", ")
    empty = re.search(r"Empty in every row: (.*?)\.", " ".join(table.split()))
    empty_fields = empty.group(1).split(", ") if empty else []
    assert len(shown) + len(named) + int(note.group(2)) + len(empty_fields) == len(ISSUE_FIELDS)


def test_input_file_gives_the_published_example(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "pop-export.csv"
    path.write_text(POP_LINUX, encoding="utf-8-sig")
    result = run(runner, "metrics", "--input", str(path), "-f", "json", "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)["people"]
    assert (row["name"], row["ids"], row["source"]) == ("pop-export.csv", [], "pop-export.csv")
    assert (row["papers"], row["citations"], row["cites_per_paper"]) == (5, 30, 6.0)
    assert (row["h_index"], row["g_index"], row["hi_norm"], row["i10_index"]) == (4, 5, 4, 1)
    assert row["e_index"] == round(math.sqrt(11), 4)
    # No author positions in a PoP export: unknown, not zero; and said so.
    assert row["first_author_papers"] is None and row["last_author_papers"] is None
    assert "no author_position column" in result.stderr


def test_author_csv_piped_into_metrics(runner: CliRunner, people) -> None:  # type: ignore[no-untyped-def]
    papers_csv = run(runner, "author", seed.NAME, "-f", "csv").stdout
    people.reset_log()
    result = run(
        runner, "metrics", "--input", "-", "-f", "json", "--as-of", AS_OF, input=papers_csv
    )
    assert result.exit_code == 0, result.stderr
    assert people.count() == 0  # a file needs no network
    (from_pipe,) = json.loads(result.stdout)["people"]
    (from_s2,) = people_json(runner, seed.NAME)
    assert from_pipe["source"] == "stdin"
    assert {f: from_pipe[f] for f in ISSUE_FIELDS} == {f: from_s2[f] for f in ISSUE_FIELDS}


@pytest.mark.slow
def test_real_pipe_between_two_processes(people, scholar_home: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ}
    python = f'"{sys.executable}" -m scholarcli'
    pipeline = (
        f'{python} author "{seed.NAME}" -f csv | {python} metrics --input - -f json --as-of {AS_OF}'
    )
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", pipeline],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["people"]
    assert (row["papers"], row["citations"], row["h_index"], row["g_index"]) == (9, 753, 5, 9)
    assert row["last_author_papers"] == 9  # author_position survived the trip


def test_malformed_input_exits_2_naming_the_line(runner: CliRunner, double_env) -> None:  # type: ignore[no-untyped-def]
    text = "citations,year\n3,2020\n4,twenty\n"
    result = run(runner, "metrics", "Anyone", "--input", "-", input=text)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: line 3: year 'twenty' is not a four-digit year"
    )
    assert result.stdout == ""
    assert double_env.count() == 0  # the file is read before anyone is looked up


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["metrics"], "give at least one name, --id or --input"),
        (["metrics", "--input", "-", "--input", "-"], "only once"),
        (["metrics", "X", "--refresh", "--offline"], "cannot be used together"),
        (["compare", "--input", "-"], "compare needs at least two people"),
        (["metrics", "--input", "/nonexistent/papers.csv"], "cannot read --input"),
    ],
)
def test_usage_errors(runner: CliRunner, args: list[str], message: str) -> None:
    result = run(runner, *args, input="citations,year\n1,2020\n")
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr


def test_unknown_person_exits_3(runner: CliRunner, people) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "metrics", seed.NAME, "Nobody Atall").exit_code == 3


# --- compare -------------------------------------------------------------------------------


def test_compare_rows_are_metrics_and_best_is_the_largest(runner: CliRunner, people) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "compare", seed.NAME, OTHER, "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [p["column"] for p in data["people"]] == [seed.NAME, OTHER]
    rows = {row["metric"]: row for row in data["metrics"]}
    assert list(rows) == ISSUE_FIELDS
    assert rows["h_index"] == {"metric": "h_index", seed.NAME: 5, OTHER: 2, "best": [seed.NAME]}
    assert rows["citations"]["best"] == [OTHER]  # 922 > 753
    # Descriptive rows rank nobody, however different the values.
    for field in DESCRIPTIVE_FIELDS:
        assert rows[field]["best"] == [], field
    assert rows["first_year"][seed.NAME] != rows["first_year"][OTHER]
    # Unknown for both (no per-year citations): nobody is best.
    assert rows["h5_index"]["best"] == []


def test_compare_csv(runner: CliRunner, people) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "compare", seed.NAME, OTHER, "-f", "csv", "--as-of", AS_OF)
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert list(rows["g_index"]) == ["metric", seed.NAME, OTHER, "best"]
    assert (rows["g_index"][seed.NAME], rows["g_index"][OTHER]) == ("9", "3")
    assert rows["g_index"]["best"] == seed.NAME


@pytest.mark.parametrize(
    ("values", "best"),
    [
        ({"A": 3, "B": 3, "C": 1}, ["A", "B"]),  # a shared maximum: both are best
        ({"A": 3, "B": 3}, []),  # everybody equal: nobody stands out
        ({"A": None, "B": 2}, []),  # one known value is no comparison
        ({"A": None, "B": 2, "C": 0.5}, ["B"]),
    ],
)
def test_best_columns(values: dict[str, float | None], best: list[str]) -> None:
    assert best_columns("h_index", values) == best
    assert best_columns("career_years", values) == []


def test_compare_files_side_by_side(runner: CliRunner, tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    small.write_text("citations,year\n1,2020\n", encoding="utf-8")
    big = tmp_path / "big.csv"
    big.write_text(POP_LINUX, encoding="utf-8")
    result = run(runner, "compare", "-i", str(small), "-i", str(big), "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "| h_index | 1 | **4** | big.csv |" in result.stdout


def test_compare_table_highlights_the_best_cell() -> None:
    people = [{"column": "Ann"}, {"column": "Bo"}]
    rows = [
        {"metric": "h_index", "Ann": 3, "Bo": 7, "best": ["Bo"]},
        {"metric": "first_year", "Ann": 2001, "Bo": 2010, "best": []},
    ]
    out = io.StringIO()
    env = render.OutputEnv(stdout_isatty=True, stderr_isatty=False, width=60, color=True)
    render.render_comparison(people, rows, "table", out, env)
    text = out.getvalue()
    assert re.search(r"\x1b\[1;32m *7\x1b\[0m", text)  # bold green
    assert not re.search(r"\x1b\[1;32m *(3|2010)\b", text)


LONG_VENUES = (
    "Proceedings of the Annual Meeting of the Association for Computational Linguistics",
    "NeurIPS",
    "International Conference on Learning Representations",
    "arXiv.org",
    "Empirical Methods in Natural Language Processing",
    "AAAI Conference on Artificial Intelligence",
    "Transactions of the Association for Computational Linguistics",
    "IEEE Access",
    "Interspeech",
    "North American Chapter of the Association for Computational Linguistics",
)


def test_by_venue_table_at_80_columns_is_one_readable_table(runner: CliRunner) -> None:
    # Issue #21: ten venues used to give ten stacked tables of a column or two each.
    lines = ["title,year,citations,venue,authors"]
    for n in range(30):
        venue = LONG_VENUES[n % 10]
        lines.append(f'P{n},{2015 + n % 10},{10 * (n + 1)},"{venue}",A; B')
    result = run(
        runner,
        "metrics",
        "--input",
        "-",
        "--by",
        "venue",
        "-f",
        "table",
        input="\n".join(lines) + "\n",
        env={"COLUMNS": "80"},
    )
    table = result.stdout
    text = table.splitlines()
    assert max(len(line) for line in text) <= 80
    assert table.count("Metrics") == 1 and "(1/" not in table  # one table
    header = next(line for line in text if line.startswith("venue"))
    assert header.split()[:4] == ["venue", "papers", "citations", "h_index"]
    rows = [line for line in text if line and line.split()[-1].replace(".", "").isdigit()]
    assert len(rows) == 10  # a line per venue, none wrapped onto a second line
    assert "NeurIPS" in table and "IEEE Access" in table  # short names whole
    assert sum("…" in row for row in rows) == 6  # long ones cut with an ellipsis
    assert LONG_VENUES[0] not in table
    # The venue's papers hold 3 x 10 citations apart: the NeurIPS row has 20+120+220.
    neurips = next(row for row in rows if row.startswith("NeurIPS"))
    assert neurips.split()[1:3] == ["3", "360"]
    assert "Not shown at this width: cites_per_year" in " ".join(table.split())
