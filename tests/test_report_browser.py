"""The seed author's report in headless Debian Chromium, driven by Playwright.

One report is made per module through the loopback double (seeded as the `seeded`
fixture seeds it) and opened in fresh browser contexts: no console error, no request
but the page itself, every chart drawn with a size, sorting and filtering by the
script, the numbers equal to `scholar author -f json`, and axe-core (from npm, inlined
by the test) finding nothing serious or critical, in light and dark mode.

These tests skip only when Chromium or Playwright is not installed; `.ci/run` installs
both, so CI runs them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

import report_browser
import seed
from double import ApiDouble
from scholarcli.cli import app

AS_OF = "2026-11-27"
AUTHOR = seed.NAME


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The seed author's report and `scholar author -f json`, from one seeded double."""
    folder = tmp_path_factory.mktemp("report")
    double = ApiDouble(seed=0).start()
    try:
        seed.load(double)
        env = {
            "SCHOLAR_HOME": str(folder / "home"),
            "SCHOLAR_S2_URL": double.s2_url,
            "SCHOLAR_ARXIV_URL": double.arxiv_url,
            "SCHOLAR_S2_INTERVAL": "0",
            "SCHOLAR_ARXIV_INTERVAL": "0",
            "SCHOLAR_BACKOFF_BASE": "0",
            "NO_COLOR": "1",
        }
        runner = CliRunner()
        html = folder / "report.html"
        made = runner.invoke(app, ["report", AUTHOR, "--as-of", AS_OF, "-o", str(html)], env=env)
        assert made.exit_code == 0, made.stderr
        shown = runner.invoke(app, ["author", AUTHOR, "--as-of", AS_OF, "-f", "json"], env=env)
        assert shown.exit_code == 0, shown.stderr
        yield {"html": html, "profile": json.loads(shown.stdout), "folder": folder}
    finally:
        double.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    why = report_browser.missing_browser()
    if why is not None:
        pytest.skip(why)
    with report_browser.chromium() as chromium:
        yield chromium


def rows_text(page: Any, column: int) -> list[str]:
    return list(
        page.eval_on_selector_all(
            "#p1-papers tbody tr:not([hidden])",
            f"rows => rows.map(r => r.cells[{column}].getAttribute('data-value'))",
        )
    )


def test_no_console_error_and_no_request_leaves(browser: Any, made: dict[str, Any]) -> None:
    with report_browser.open_report(browser, made["html"]) as (page, watch):
        page.wait_for_load_state("networkidle")
        assert watch.console_errors == []
        assert watch.page_errors == []
        assert watch.blocked == []
        assert watch.requests == [watch.own_url]


def test_the_watch_sees_a_page_that_fetches(browser: Any, made: dict[str, Any]) -> None:
    # The control for the test above: the same page with one remote image added.
    leaky = made["folder"] / "leaky.html"
    text = made["html"].read_text(encoding="utf-8")
    leaky.write_text(
        text.replace("<main>", '<main><img alt="" src="https://example.org/x.png">'), "utf-8"
    )
    with report_browser.open_report(browser, leaky) as (page, watch):
        page.wait_for_load_state("networkidle")
        # Seen as a request, and refused by the page's own policy, which says so.
        assert "https://example.org/x.png" in watch.requests
        assert any("example.org" in message for message in watch.console_errors)
    # Without that policy the route is what stops it.
    leaky.write_text(re.sub(r"<meta http-equiv=[^>]*>", "", leaky.read_text("utf-8")), "utf-8")
    with report_browser.open_report(browser, leaky) as (page, watch):
        page.wait_for_load_state("networkidle")
        assert watch.blocked == ["https://example.org/x.png"]


@pytest.mark.parametrize("java_script", [True, False])
def test_every_chart_is_drawn_with_a_size(
    browser: Any, made: dict[str, Any], java_script: bool
) -> None:
    with report_browser.open_report(browser, made["html"], java_script=java_script) as (
        page,
        _,
    ):
        charts = page.locator("figure.chart svg")
        assert charts.count() == 4
        for index in range(4):
            box = charts.nth(index).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100
            label = charts.nth(index).get_attribute("aria-label")
            assert label
        # The data tables are there for every chart, closed until asked for.
        assert page.locator("figure.chart details table").count() == 4
        page.locator("figure.chart summary").first.click()
        assert page.locator("figure.chart details table").first.is_visible()


def test_clicking_a_header_sorts_the_table(browser: Any, made: dict[str, Any]) -> None:
    titles = [p["title"] for p in made["profile"]["papers"]]
    with report_browser.open_report(browser, made["html"]) as (page, watch):
        header = page.locator("#p1-papers th", has_text="Title")
        header.locator("button").click()
        assert rows_text(page, 4) == sorted(titles, key=str.lower)
        assert header.get_attribute("aria-sort") == "ascending"
        header.locator("button").click()
        assert rows_text(page, 4) == sorted(titles, key=str.lower, reverse=True)
        assert header.get_attribute("aria-sort") == "descending"
        # Numbers sort as numbers, the largest first; the old header lets go of its mark.
        page.locator("#p1-papers th", has_text="Score").locator("button").click()
        scores = [float(v) for v in rows_text(page, 0)]
        assert scores == sorted(
            (p["cites_per_year"] for p in made["profile"]["papers"]), reverse=True
        )
        assert header.get_attribute("aria-sort") is None
        page.locator("#p1-papers th", has_text="Date").locator("button").click()
        dates = rows_text(page, 2)
        assert dates == sorted(p["date"] for p in made["profile"]["papers"])
        assert watch.console_errors == [] and watch.page_errors == []


def test_the_text_filter_narrows_the_rows(browser: Any, made: dict[str, Any]) -> None:
    papers = made["profile"]["papers"]
    with report_browser.open_report(browser, made["html"]) as (page, _):
        box = page.get_by_label("Filter papers")
        box.fill("Jongwoo Ko")
        expected = sorted(p["title"] for p in papers if "Jongwoo Ko" in p["authors"])
        assert len(expected) == 2
        assert sorted(rows_text(page, 4)) == expected
        assert page.locator("#p1-count").inner_text() == f"2 of {len(papers)} papers"
        box.fill("distillation cs.cl")  # every word must match, in any column
        wanted = [p["title"] for p in papers if "distillation" in p["title"].lower()]
        assert 1 < len(wanted) < len(papers)
        assert sorted(rows_text(page, 4)) == sorted(wanted)
        box.fill("no such paper anywhere")
        assert rows_text(page, 4) == []
        box.fill("")
        assert len(rows_text(page, 4)) == len(papers)


def test_numbers_shown_equal_author_json(browser: Any, made: dict[str, Any]) -> None:
    author = made["profile"]["author"]
    papers = made["profile"]["papers"]
    with report_browser.open_report(browser, made["html"]) as (page, _):
        assert page.locator("[data-field=name]").inner_text() == author["name"]
        for key in ("h_index", "paper_count", "citation_count", "g_index", "i10_index"):
            shown = page.locator(f"dd[data-field={key}]").inner_text()
            assert int(shown.replace(",", "")) == author[key], key
        assert page.locator("[data-field=primary_category]").inner_text() == "CL"
        by_id = {p["paper_id"]: p for p in papers}
        rows = page.eval_on_selector_all(
            "#p1-papers tbody tr",
            "rows => rows.map(r => [r.dataset.paperId, r.cells[7].innerText, r.cells[0].innerText,"
            " r.cells[4].innerText])",
        )
        assert len(rows) == len(papers)
        for paper_id, citations, score, title in rows:
            paper = by_id[paper_id]
            assert int(citations.replace(",", "")) == paper["citations"]
            assert score == f"{paper['cites_per_year']:.1f}"
            assert title == paper["title"]
        # The citations chart's data table adds up to the dated citations it draws.
        total = page.eval_on_selector_all(
            "#chart-p1-citations tbody td", "cells => cells.map(c => Number(c.textContent))"
        )
        assert 0 < sum(total) <= author["citation_count"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious(browser: Any, made: dict[str, Any], scheme: str) -> None:
    source = report_browser.axe_source()
    if source is None:
        pytest.skip("npm is not installed, so axe-core cannot be fetched")
    with report_browser.open_report(browser, made["html"], color_scheme=scheme) as (page, _):
        page.locator("figure.chart summary").first.click()  # check an open data table too
        violations = report_browser.axe_violations(page, source)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == []


def test_axe_sees_a_broken_page(browser: Any, made: dict[str, Any]) -> None:
    # The control for the test above: an image without a text alternative is critical.
    source = report_browser.axe_source()
    if source is None:
        pytest.skip("npm is not installed, so axe-core cannot be fetched")
    broken = made["folder"] / "unlabelled.html"
    text = made["html"].read_text(encoding="utf-8")
    broken.write_text(text.replace("<main>", '<main><img src="data:,">'), "utf-8")
    with report_browser.open_report(browser, broken) as (page, _):
        violations = report_browser.axe_violations(page, source)
    assert ("image-alt", "critical") in {(v["id"], v["impact"]) for v in violations}


def test_dark_mode_and_print_styles(browser: Any, made: dict[str, Any]) -> None:
    background = "() => getComputedStyle(document.documentElement).backgroundColor"
    with report_browser.open_report(browser, made["html"], color_scheme="dark") as (page, _):
        assert page.evaluate(background) == "rgb(13, 17, 23)"
        text = page.evaluate("() => getComputedStyle(document.querySelector('.chart')).color")
        assert text == "rgb(230, 237, 243)"  # the charts' text and axes (currentColor)
        page.emulate_media(media="print")
        assert page.evaluate(background) == "rgb(255, 255, 255)"
        assert page.locator(".tools").is_hidden()
        pdf = page.pdf(format="A4")  # what "Print" gives: every chart on paper
        assert pdf.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 1
    with report_browser.open_report(browser, made["html"]) as (page, _):
        assert page.evaluate(background) == "rgb(255, 255, 255)"
        assert re.fullmatch(r"rgb\(\d+, \d+, \d+\)", page.evaluate(background))


def _policy_and_script(html: str) -> tuple[str, str]:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert policy is not None and len(scripts) == 1
    return policy.group(1).replace("&#39;", "'"), scripts[0]


VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_the_script_runs_by_its_hash_and_breaks_no_policy(
    browser: Any, made: dict[str, Any]
) -> None:
    # The policy allows the one inline script by its sha256, not 'unsafe-inline'.
    policy, _ = _policy_and_script(made["html"].read_text(encoding="utf-8"))
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "'sha256-" in script_src
    with report_browser.open_report(browser, made["html"], init_script=VIOLATIONS) as (
        page,
        watch,
    ):
        page.wait_for_load_state("networkidle")
        # The script ran: clicking a header sorts the papers (its only job).
        titles = [p["title"] for p in made["profile"]["papers"]]
        page.locator("#p1-papers th", has_text="Title").locator("button").click()
        assert rows_text(page, 4) == sorted(titles, key=str.lower)
        assert page.evaluate("window.__violations") == []
        assert watch.console_errors == [] and watch.page_errors == []


def test_a_script_other_than_the_hashed_one_is_refused(browser: Any, made: dict[str, Any]) -> None:
    # The control: one changed byte in the script, or a second script, and the
    # browser refuses it, saying so on the console.
    text = made["html"].read_text(encoding="utf-8")
    tampered = made["folder"] / "tampered.html"
    tampered.write_text(
        text.replace("</main>", "</main><script>document.title = 'owned';</script>"), "utf-8"
    )
    with report_browser.open_report(browser, tampered, init_script=VIOLATIONS) as (
        page,
        watch,
    ):
        page.wait_for_load_state("networkidle")
        assert page.title() != "owned"
        assert page.evaluate("window.__violations") == ["script-src-elem inline"]
        assert any("Content Security Policy" in m for m in watch.console_errors)
