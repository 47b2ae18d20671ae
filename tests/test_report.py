"""``scholar report`` without a browser: the page's content, its self-containment, the
numbers against ``scholar author -f json``, the h-index series and the usage errors.

The browser checks (console, requests, sorting, filtering, axe) are in
test_report_browser.py.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cache import tracking
from scholarcli.cache.store import Store
from scholarcli.cli import app
from scholarcli.config import load_settings
from scholarcli.models import ProfilePaper
from scholarcli.report.data import NOT_ON_ARXIV, OTHER, category_stacks, reconstructed_h

AS_OF = "2026-11-27"


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside elements with data-field."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.fields: dict[str, str] = {}
        self._field: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if "data-field" in values and tag != "td":
            self._field = values["data-field"]
            self.fields.setdefault(self._field, "")

    def handle_endtag(self, tag: str) -> None:
        self._field = None

    def handle_data(self, data: str) -> None:
        if self._field is not None:
            self.fields[self._field] += data

    def attrs(self, tag: str, **match: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in match.items())
        ]


def make_report(runner: CliRunner, tmp_path: Path, *args: str) -> tuple[str, Any]:
    target = tmp_path / "report.html"
    result = runner.invoke(app, ["report", *args, "--as-of", AS_OF, "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {target}" in result.stderr
    return target.read_text(encoding="utf-8"), result


def author_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["author", *args, "-f", "json", "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_header_and_papers_equal_author_json(runner: CliRunner, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page, _ = make_report(runner, tmp_path, seed.NAME)
    shown = Tags(page)
    profile = author_json(runner, seed.NAME)
    author = profile["author"]
    assert shown.fields["name"] == author["name"] == seed.NAME
    for key in ("h_index", "paper_count", "citation_count", "g_index", "i10_index"):
        (tile,) = shown.attrs("dd", **{"data-field": key})
        assert int(tile["data-value"]) == author[key]
        assert shown.fields[key].replace(",", "") == str(author[key])
    (category,) = shown.attrs("span", **{"data-field": "primary_category"})
    assert category["data-value"] == author["primary_category"] == "cs.CL"
    rows = shown.attrs("tr")
    ids = [row["data-paper-id"] for row in rows if "data-paper-id" in row]
    assert sorted(ids) == sorted(p["paper_id"] for p in profile["papers"])
    # Most cited first, as the author table lists them; and each count as in json.
    citations = [int(td["data-value"]) for td in shown.attrs("td", **{"data-field": "citations"})]
    assert citations == sorted((p["citations"] for p in profile["papers"]), reverse=True)


def test_page_fetches_nothing(runner: CliRunner, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page, _ = make_report(runner, tmp_path, seed.NAME)
    shown = Tags(page)
    assert not shown.attrs("link")
    assert not [a for t, a in shown.tags if t in {"script", "img", "iframe"} and a.get("src")]
    # url(#id) points inside the page (the charts' clip paths); any other url( would fetch.
    assert "@import" not in page and not re.search(r"url\((?!#)", page)
    (policy,) = shown.attrs("meta", **{"http-equiv": "Content-Security-Policy"})
    assert policy["content"].startswith("default-src 'none'")
    # Links to papers and code are for the reader to follow; nothing else names a host.
    hrefs = {a["href"] for a in shown.attrs("a")}
    assert {p.code_url for p in seed.PAPERS if p.code_url} <= hrefs


def test_the_one_script_is_allowed_by_its_hash_not_unsafe_inline(
    runner: CliRunner,
    seeded,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    import base64
    import hashlib

    page, _ = make_report(runner, tmp_path, seed.NAME)
    (policy,) = Tags(page).attrs("meta", **{"http-equiv": "Content-Security-Policy"})
    directives = dict(d.strip().split(" ", 1) for d in policy["content"].split(";"))
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert directives["script-src"] == f"'sha256-{digest}'"
    assert "sort" in script  # the page's own script, not an empty one


def test_every_chart_has_title_axes_and_data_table(
    runner: CliRunner, seeded, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page, _ = make_report(runner, tmp_path, seed.NAME)
    shown = Tags(page)
    figures = shown.attrs("figure")
    assert [f["data-chart"] for f in figures] == [
        "p1-citations",
        "p1-papers",
        "p1-h-index",
        "p1-coauthors",
    ]
    svgs = shown.attrs("svg")
    assert len(svgs) == 4 and all(s["role"] == "img" and s["aria-label"] for s in svgs)
    assert page.count("<details>") == 4
    for words in (
        "Citations per year",
        "Year of the citing paper",
        "Papers per year, by arXiv category",
        "Year of publication",
        "h-index over time (reconstructed from citation years)",
        "End of year",
        "Top coauthors by joint papers",
        "Joint papers",
    ):
        assert f"{words}</text>" in page or f"{words} </text>" in page, words
    # Text and axes follow the page's colour scheme; no fixed size keeps them from scaling.
    assert "currentColor" in page and 'width="' not in page.split("<svg", 1)[1].split(">", 1)[0]
    # The category stacks are colour and hatching apart; the seed has cs.CL and cs.DC.
    assert '<th scope="col">cs.CL</th><th scope="col">cs.DC</th>' in page


def test_ids_are_unique_with_several_people(runner: CliRunner, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seeded.populate_synthetic("903000", "Mira Halvorsen", 40, arxiv_fraction=0.6)
    page, result = make_report(runner, tmp_path, seed.NAME, "Mira Halvorsen")
    shown = Tags(page)
    assert "2 people" in result.stderr
    ids = [a["id"] for _, a in shown.tags if "id" in a]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)[:5]
    names = [s["data-ids"] for s in shown.attrs("section") if "data-ids" in s]
    assert names == [seed.AUTHOR_ID, "903000"]
    assert "Side by side" in page and len(shown.attrs("figure")) == 8
    first_years = page.split("First year</th>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2022</td>' in first_years  # a year, not 2,022
    other = author_json(runner, "Mira Halvorsen")["author"]
    (tile,) = [a for a in shown.attrs("dd", **{"data-field": "citation_count"})][1:]
    assert int(tile["data-value"]) == other["citation_count"]


def test_novelty_and_impact_show_only_when_computed(
    runner: CliRunner, seeded, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from scholarcli.report.html import header_tiles

    page, _ = make_report(runner, tmp_path, seed.NAME)
    assert "Novelty" not in page and "Impact" not in page
    author = author_json(runner, seed.NAME)["author"]
    assert "novelty_percentile" not in {t.field for t in header_tiles(author)}
    author.update(novelty_percentile=71, novelty_papers=7, impact_percentile=62.5)
    tiles = {t.field: t for t in header_tiles(author)}
    assert tiles["novelty_percentile"].shown == "p71"
    assert tiles["novelty_percentile"].detail == "median over 7 papers"
    assert tiles["impact_percentile"].shown == "p62.5"
    author.update(novelty_percentile=None)
    assert "novelty_percentile" not in {t.field for t in header_tiles(author)}


def test_h_index_from_snapshots_when_tracked(runner: CliRunner, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(app, ["track", seed.NAME]).exit_code == 0
    store = Store.open(load_settings().db_path)
    try:
        (person,) = tracking.list_people(store)
        for taken_at, h in (("2026-01-05T00:00:00+00:00", 3), ("2026-06-05T00:00:00+00:00", 4)):
            snap = tracking.PersonSnapshot(taken_at, 9, 700, h)
            tracking.commit_person(store, tracking.PersonCommit(person.key, taken_at, snap, {}))
    finally:
        store.close()
    page, _ = make_report(runner, tmp_path, seed.NAME)
    assert "h-index over time (refresh snapshots)" in page
    assert '<th scope="row">2026-01-05</th><td class="num">3</td>' in page
    assert '<th scope="row">2026-06-05</th><td class="num">4</td>' in page
    assert "reconstructed" not in page


def test_offline_report_makes_no_request(runner: CliRunner, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, _ = make_report(runner, tmp_path, seed.NAME)
    before = seeded.count()
    again, _ = make_report(runner, tmp_path, seed.NAME, "--offline")
    assert seeded.count() == before
    # Same data, same page but for the time it was generated.
    strip = lambda text: text.split("generated", 1)[1].split("</p>", 1)[1]  # noqa: E731
    assert strip(again) == strip(first)


def test_output_dash_writes_stdout(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["report", seed.NAME, "-o", "-", "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!doctype html>")
    assert result.stdout.rstrip().endswith("</html>")


def test_without_the_extra_it_says_how_to_install(
    runner: CliRunner, seeded, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    result = runner.invoke(app, ["report", seed.NAME, "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: scholar report needs matplotlib, which is not installed",
        'hint: install the report extra: pip install "scholarcli[report]"',
    ]
    assert seeded.count() == 0 and not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: give at least one name or --id"),
        ([seed.NAME, "--refresh", "--offline"], "error: --refresh and --offline cannot be used"),
        ([seed.NAME, "-o", "."], "error: --output '.' is a folder"),
        ([seed.NAME, "-o", "no/such/dir/r.html"], "error: --output 'no/such/dir/r.html': the"),
        ([seed.NAME, "--as-of", "soon"], "error: --as-of must be a date"),
    ],
)
def test_usage_errors(runner: CliRunner, double_env, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["report", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert double_env.count() == 0


def test_plotting_and_templates_load_only_for_report() -> None:
    # matplotlib and jinja2 are the optional extra: imported inside functions only, so
    # `scholar --help` and the warm `scholar author` never pay for them.
    import ast
    import subprocess

    package = Path(__file__).resolve().parents[1] / "src" / "scholarcli"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {
            alias.name.split(".")[0]
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (
                node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
            )
        }
        assert not {"matplotlib", "jinja2"} & top, path
    code = (
        "import sys\n"
        "from scholarcli.cli import app\n"
        "assert not {'matplotlib', 'jinja2'} & set(sys.modules), sorted(sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_report_is_in_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0 and "scholarcli[report]" in result.stdout


# -- the data behind the charts -------------------------------------------------------------
def paper(paper_id: str, year: int | None, citations: int, category: str | None) -> ProfilePaper:
    return ProfilePaper(
        paper_id, "t", [], None, None, year, "", category, citations, 0, 0.0, None, None, None
    )


def test_reconstructed_h_counts_citations_up_to_each_year() -> None:
    papers = [paper("a", 2020, 5, "cs.CL"), paper("b", 2021, 3, "cs.CL"), paper("c", 2022, 0, None)]
    by_paper = {"a": {2020: 1, 2021: 2, 2022: 2}, "b": {2022: 2, 2023: 1}, "c": {}}
    points = reconstructed_h(papers, by_paper, 2024)
    # end of 2020: a=1 -> h 1; 2021: a=3 -> 1; 2022: a=5, b=2 -> 2; 2023: b=3 -> 2.
    assert [(p.label, p.h_index) for p in points] == [
        ("2020", 1),
        ("2021", 1),
        ("2022", 2),
        ("2023", 2),
        ("2024", 2),
    ]
    assert reconstructed_h([paper("x", None, 4, None)], {"x": {2020: 4}}, 2024) == []
    # A citation dated before its paper's year still counts, from its own year on.
    early = reconstructed_h([paper("y", 2021, 1, None)], {"y": {2020: 1}}, 2021)
    assert [(p.label, p.h_index) for p in early] == [("2020", 1), ("2021", 1)]


def test_category_stacks_name_the_top_ones_and_fill_gaps() -> None:
    papers = [
        paper("1", 2020, 0, "cs.CL"),
        paper("2", 2020, 0, "cs.CL"),
        paper("3", 2022, 0, "cs.LG"),
        paper("4", 2022, 0, "stat.ML"),
        paper("5", 2022, 0, None),
        paper("6", None, 0, "cs.CL"),
    ]
    order, stacks = category_stacks(papers, top=2)
    assert order == ["cs.CL", "cs.LG", OTHER, NOT_ON_ARXIV]
    assert stacks == {
        2020: {"cs.CL": 2},
        2021: {},
        2022: {"cs.LG": 1, OTHER: 1, NOT_ON_ARXIV: 1},
    }
    assert date.fromisoformat(AS_OF).year == 2026


# -- a hand-built person: the h-index series end to end -------------------------------------
# Citations received per year (paper year, then citing year: count), as in
# test_citations_by_year.py: P1 2010 {2012: 48, 2022: 2}, P2 2012 {2013: 27, 2023: 3},
# P3 2021 {2021: 1, 2024: 11}, P4 2019 {2020: 4, 2026: 1}, P5 2025 uncited.
PER_YEAR = {
    "p1" + "0" * 38: (50, 2010, {2012: 48, 2022: 2}),
    "p2" + "0" * 38: (30, 2012, {2013: 27, 2023: 3}),
    "p3" + "0" * 38: (12, 2021, {2021: 1, 2024: 11}),
    "p4" + "0" * 38: (5, 2019, {2020: 4, 2026: 1}),
    "p5" + "0" * 38: (0, 2025, {}),
}


@pytest.fixture
def person(double_env):  # type: ignore[no-untyped-def]
    double_env.add_author("500", "Per Year Person")
    for number, (paper_id, (cites, year, by_year)) in enumerate(PER_YEAR.items(), start=1):
        double_env.add_paper(
            paper_id,
            title=f"Paper {number}",
            year=year,
            authors=[("500", "Per Year Person"), ("501", "Co Author")],
            citation_count=cites,
            citations_by_year=by_year or None,
        )
    return double_env


def test_h_index_reconstructed_end_to_end(runner: CliRunner, person, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page, _ = make_report(runner, tmp_path, "--id", "500")
    # End of 2012: P1 has 48 -> h 1; 2013: 48, 27 -> 2; 2020: 48, 27, 4 -> 3;
    # 2024: 50, 30, 12, 4 -> 4 (today's h-index); 2010-2011 nothing yet.
    expected = {2010: 0, 2011: 0, 2012: 1, 2013: 2, 2019: 2, 2020: 3, 2023: 3, 2024: 4, 2026: 4}
    table = page.split('id="chart-p1-h-index"', 1)[1].split("</table>", 1)[0]
    for year, h in expected.items():
        assert f'<th scope="row">{year}</th><td class="num">{h}</td>' in table, year
    assert table.count("<tr>") == 1 + (2026 - 2010 + 1)  # header + every year
    assert "Co Author" in page.split('id="chart-p1-coauthors"', 1)[1].split("</table>", 1)[0]


def test_failed_citation_years_exit_partial(runner: CliRunner, person, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    person.inject("s2.paper_citations", "5xx", times=100, status=503)
    target = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "--id", "500", "--as-of", AS_OF, "-o", str(target)])
    assert result.exit_code == 5, result.stderr
    # The page is still written, and says what it lacks.
    assert "citations per year of 4 paper(s) are unknown" in target.read_text("utf-8")


def test_hostile_names_stay_text() -> None:
    from scholarcli.report.data import HPoint, PersonReport
    from scholarcli.report.html import render_page

    evil = '<script>alert(1)</script> "$x^2$" & co'
    person = PersonReport(
        author={
            "name": evil,
            "ids": ["1"],
            "affiliations": [evil],
            "as_of": AS_OF,
            "primary_category": None,
            "h_index": 1,
        },
        papers=[
            {
                "paper_id": "p",
                "title": evil,
                "authors": [evil],
                "date": None,
                "year": 2020,
                "venue": evil,
                "category": None,
                "citations": 3,
                "cites_per_year": 0.5,
                "code_url": "javascript:alert(1)",
                "url": None,
            }
        ],
        per_year=[{"year": 2020, "papers": 1, "citations": 3}],
        categories=["not on arXiv"],
        papers_by_category={2020: {"not on arXiv": 1}},
        h_series=[HPoint("2020", 1)],
        h_source="reconstructed",
        coauthors=[
            {
                "name": evil,
                "joint_papers": 1,
                "joint_citations": 3,
                "first_year": 2020,
                "last_year": 2020,
            }
        ],
    )
    page = render_page([person])
    assert "<script>alert" not in page and page.count("<script>") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, in charts and table
    assert "$x^2$" in page  # not TeX
    # A code link that is not http(s) is not made a link.
    assert 'href="javascript:' not in page


def test_unknown_person_exits_3_and_writes_nothing(
    runner: CliRunner, seeded, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    target = out / "r.html"
    result = runner.invoke(app, ["report", seed.NAME, "Nobody Atall", "-o", str(target)])
    assert result.exit_code == 3
    # People are fetched in order (the first one stays cached for the next run).
    assert "error: no Semantic Scholar author matches 'Nobody Atall'" in result.stderr
    assert list(out.iterdir()) == []  # neither the page nor a partial file
