"""``scholar report --group``: the group page of three members with joint papers.

The world is the one of tests/test_group.py, counted by hand there: Alice, Bob and Cara
wrote J1 (Alice+Bob, 10 citations, 2021) and J2 (all three, 6, 2022), and alone A1 (4,
2020), B1 (3, 2023), C1 (8, 2021), C2 (1, 2018). The union: 6 papers, 2 joint, 32
citations, h 4, g 5, the members' median h 3. Edges: Alice-Bob 2, Alice-Cara 1,
Bob-Cara 1. Per year of publication: 2018 1 paper (1 citation), 2020 1 (4), 2021 2
(18), 2022 1 (6), 2023 1 (3).

The page is read back with the standard library's HTML parser (numbers from the
``data-value`` attributes), then opened in headless Chromium when it is installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import report_browser
from double import ApiDouble
from group_world import load_trio, people_csv
from scholarcli.cli import app

AS_OF = "2026-11-27"


class Cells(HTMLParser):
    """Every element's attributes in document order, and the text inside each table row."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "tr":
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> Cells:
    cells = Cells()
    cells.feed(html)
    return cells


@pytest.fixture
def trio(double_env: Any) -> Any:
    load_trio(double_env)
    return double_env


def make(runner: CliRunner, folder: Path, *args: str) -> tuple[Any, str]:
    target = folder / "group.html"
    out = runner.invoke(app, ["report", *args, "--as-of", AS_OF, "-o", str(target)])
    return out, target.read_text(encoding="utf-8") if target.exists() else ""


def test_the_page_has_each_member_the_group_figures_and_the_edges(
    trio: Any, runner: CliRunner, tmp_path: Path
) -> None:
    out, html = make(runner, tmp_path, "--input", people_csv(tmp_path))
    assert out.exit_code == 0, out.stderr
    assert "a group of 3 members" in out.stderr
    page = parse(html)
    # The members' rows: papers, citations, h, g, i10 of each member.
    members = {attrs["data-member"]: tag for tag, attrs in page.elements if "data-member" in attrs}
    assert list(members) == ["Alice", "Bob", "Cara Group", ""]
    by_row = {row[0]: row[1:] for row in page.rows if len(row) == 6}  # the members' table
    assert by_row["Alice"] == ["3", "20", "3", "3", "1"]  # J1 10, J2 6, A1 4
    assert by_row["Bob"] == ["3", "19", "3", "3", "1"]  # J1 10, J2 6, B1 3
    assert by_row["Cara Group"] == ["3", "15", "2", "3", "0"]  # C1 8, J2 6, C2 1
    group_line = next(v for k, v in by_row.items() if k.startswith("Group ("))
    assert group_line == ["6", "32", "4", "5", ""]
    # The group's own figures, unformatted in data-value.
    figures = {
        attrs["data-field"]: attrs["data-value"]
        for tag, attrs in page.elements
        if tag == "dd" and "data-field" in attrs
    }
    assert figures == {
        "members": "3",
        "papers": "6",
        "joint_papers": "2",
        "citations": "32",
        "h_index": "4",
        "g_index": "5",
        "median_member_h_index": "3.0",
    }
    # The network's text alternative: who wrote with whom, and how often.
    edges = {
        (attrs["data-source"], attrs["data-target"])
        for tag, attrs in page.elements
        if tag == "tr" and "data-source" in attrs
    }
    assert edges == {("Alice", "Bob"), ("Alice", "Cara Group"), ("Bob", "Cara Group")}
    assert ["Alice", "Bob", "2"] in page.rows
    assert ["Alice", "Cara Group", "1"] in page.rows
    assert ["Bob", "Cara Group", "1"] in page.rows
    # Papers and citations per year of the union, each joint paper once.
    assert [r for r in page.rows if r and r[0] in {"2018", "2020", "2021", "2022", "2023"}] == [
        ["2018", "1"], ["2020", "1"], ["2021", "2"], ["2022", "1"], ["2023", "1"],
        ["2018", "1"], ["2020", "4"], ["2021", "18"], ["2022", "6"], ["2023", "3"],
    ]  # fmt: skip


def test_the_charts_are_labelled_images_and_nothing_is_fetched(
    trio: Any, runner: CliRunner, tmp_path: Path
) -> None:
    out, html = make(runner, tmp_path, "--group", "Alice Group", "Bob Group", "Cara Group")
    assert out.exit_code == 0, out.stderr
    svgs = [attrs for tag, attrs in parse(html).elements if tag == "svg"]
    assert len(svgs) == 3
    assert all(s.get("role") == "img" and s.get("aria-label") for s in svgs)
    network = svgs[-1]["aria-label"]
    assert "3 members" in network and "3 pairs with joint papers" in network
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']https?:""", html)  # no CDN, nothing linked in
    assert "<script" not in html  # readable without JavaScript: it has none


def test_since_windows_the_page(trio: Any, runner: CliRunner, tmp_path: Path) -> None:
    out, html = make(runner, tmp_path, "--input", people_csv(tmp_path), "--since", "2021")
    assert out.exit_code == 0, out.stderr
    figures = {
        attrs["data-field"]: attrs["data-value"]
        for tag, attrs in parse(html).elements
        if tag == "dd" and "data-field" in attrs
    }
    # A1 (2020) and C2 (2018) drop out: 10 8 6 3 -> h 3, g 4.
    assert (figures["papers"], figures["citations"]) == ("4", "27")
    assert (figures["h_index"], figures["g_index"]) == ("3", "4")
    assert "since 2021" in html


def test_a_saved_group_draws_from_the_cache(trio: Any, runner: CliRunner, tmp_path: Path) -> None:
    saved = runner.invoke(app, ["group", "Alice Group", "Bob Group", "--save", "lab"])
    assert saved.exit_code == 0, saved.stderr
    trio.reset_log()
    out, html = make(runner, tmp_path, "--label", "lab")
    assert out.exit_code == 0, out.stderr
    assert trio.requests == []
    assert ["Alice Group", "Bob Group", "2"] in parse(html).rows


def test_a_member_nobody_matches_is_named_and_the_rest_drawn(
    trio: Any, runner: CliRunner, tmp_path: Path
) -> None:
    out, html = make(runner, tmp_path, "--group", "Alice Group", "Nobody Zzyzx")
    assert out.exit_code == 3, out.stderr
    assert "error: " in out.stderr
    assert "Alice Group" in html and "No joint papers among the members." in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--group"], "give members"),
        (["--group", "Alice", "--tracked"], "cannot be used together"),
        (["--group", "Alice", "--id", "1"], "--id cannot be used with --group"),
        (["Alice", "--since", "2020"], "--since applies to a group"),
        (["--group", "Alice", "--since", "20"], "not a plausible year"),
        (["--label", "nope"], "no saved group 'nope'"),
    ],
)
def test_bad_group_invocations_are_one_line_errors(
    trio: Any, runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    out, html = make(runner, tmp_path, *args)
    assert out.exit_code in (2, 3), out.stderr
    assert out.stderr.startswith("error: ") and message in out.stderr
    assert html == ""


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("group-report")
    double = ApiDouble(seed=0).start()
    try:
        load_trio(double)
        env = {
            "SCHOLAR_HOME": str(folder / "home"),
            "SCHOLAR_S2_URL": double.s2_url,
            "SCHOLAR_ARXIV_URL": double.arxiv_url,
            "SCHOLAR_S2_INTERVAL": "0",
            "SCHOLAR_ARXIV_INTERVAL": "0",
            "SCHOLAR_BACKOFF_BASE": "0",
            "NO_COLOR": "1",
        }
        html = folder / "group.html"
        args = ["report", "--input", people_csv(folder), "--as-of", AS_OF, "-o", str(html)]
        made = CliRunner().invoke(app, args, env=env)
        assert made.exit_code == 0, made.stderr
        yield html
    finally:
        double.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    why = report_browser.missing_browser()
    if why is not None:
        pytest.skip(why)
    with report_browser.chromium() as chromium:
        yield chromium


def test_the_page_renders_in_chromium_without_errors(browser: Any, page_file: Path) -> None:
    with report_browser.open_report(browser, page_file) as (page, watch):
        page.wait_for_load_state("networkidle")
        sizes = page.eval_on_selector_all(
            "svg.chart-svg",
            "svgs => svgs.map(s => [s.getBoundingClientRect().width,"
            " s.getBoundingClientRect().height])",
        )
        edges = page.locator("table.edges tbody tr").count()
    assert watch.console_errors == [] and watch.page_errors == [] and watch.blocked == []
    assert len(sizes) == 3 and all(w > 100 and h > 50 for w, h in sizes)
    assert edges == 3


def test_the_page_runs_no_script_even_an_injected_one(browser: Any, page_file: Path) -> None:
    # The control for the axe test below: without bypassing, the CSP refuses a script.
    with (
        report_browser.open_report(browser, page_file) as (page, _),
        pytest.raises(Exception, match="Content Security Policy"),
    ):
        page.add_script_tag(content="window.ran = true")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_group_page(
    browser: Any, page_file: Path, scheme: str
) -> None:
    source = report_browser.axe_source()
    if source is None:
        pytest.skip("npm is not installed, so axe-core cannot be fetched")
    # The page allows no script at all, so axe can only be injected past its CSP.
    context = browser.new_context(
        bypass_csp=True, color_scheme=scheme, viewport=report_browser.VIEWPORT
    )
    try:
        page = context.new_page()
        page.goto(page_file.resolve().as_uri(), wait_until="load")
        page.locator("figure.chart summary").first.click()  # an open data table too
        violations = report_browser.axe_violations(page, source)
    finally:
        context.close()
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == []


def test_one_member_with_no_paper_in_the_window_still_draws(
    trio: Any, runner: CliRunner, tmp_path: Path
) -> None:
    out, html = make(runner, tmp_path, "--group", "Cara Group", "--since", "2024")
    assert out.exit_code == 0, out.stderr
    page = parse(html)
    assert ["Cara Group", "0", "0", "0", "0", "0"] in page.rows
    assert "No joint papers among the members." in html
    assert len([a for t, a in page.elements if t == "svg" and a.get("role") == "img"]) == 3
