"""The parsers read every applicable real recorded response in ../shared/fixtures."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from recordings import arxiv_bodies, s2_recordings
from scholarcli.profile.merge import find_code_url
from scholarcli.sources.arxiv import normalise_id, parse_feed
from scholarcli.sources.http import error_message
from scholarcli.sources.semanticscholar import parse_author, parse_paper


def _route(uri: str) -> str:
    path = urlparse(uri).path.split("/graph/v1/", 1)[1]
    parts = path.split("/")
    if parts[0] == "author":
        if parts[1] in {"search", "batch"}:
            return "author_" + parts[1]
        return (
            "author_papers"
            if len(parts) > 2 and parts[2] == "papers"
            else ("author" if len(parts) == 2 else "other")
        )
    if parts[0] == "paper":
        if parts[1] in {"batch", "search"} and len(parts) == 2:
            return "paper_" + parts[1]
        if len(parts) == 2 or (
            len(parts) > 2
            and parts[-1] not in {"citations", "references", "authors", "match", "bulk"}
        ):
            return "paper"
    return "other"


def test_every_recorded_s2_answer_parses(fixtures_dir: Path) -> None:
    parsed = {"authors": 0, "papers": 0, "nulls": 0}
    for rec in s2_recordings(fixtures_dir):
        if rec.status != 200:
            continue
        body = json.loads(rec.body)
        route = _route(rec.uri)
        if route == "author":
            parse_author(body)
            parsed["authors"] += 1
        elif route == "author_search":
            for obj in body.get("data", []):
                author = parse_author(obj)
                assert author.author_id.isdigit()
                for paper in obj.get("papers", []):
                    parse_paper(paper)
                parsed["authors"] += 1
        elif route == "author_batch":
            for obj in body:
                if obj is None:
                    parsed["nulls"] += 1
                else:
                    parse_author(obj)
                    parsed["authors"] += 1
        elif route in {"author_papers", "paper_search"}:
            for obj in body.get("data", []):
                parse_paper(obj)
                parsed["papers"] += 1
        elif route == "paper_batch":
            for obj in body:
                if obj is None:
                    parsed["nulls"] += 1
                else:
                    parse_paper(obj)
                    parsed["papers"] += 1
        elif route == "paper" and "paperId" in body:
            parse_paper(body)
            parsed["papers"] += 1
    assert parsed["authors"] > 100
    assert parsed["papers"] > 1000
    assert parsed["nulls"] >= 2  # the batch recordings with an unknown id


def test_author_papers_recording_keeps_every_paper(fixtures_dir: Path) -> None:
    """879 papers over 9 pages (PROVENANCE.md); arXiv ids come out canonical."""
    path = fixtures_dir / "s2/danielnsilva-semanticscholar/test_get_author_papers.ae6c154.yaml"
    papers = []
    for rec in s2_recordings(fixtures_dir):
        if rec.file == path.name:
            papers.extend(parse_paper(p) for p in json.loads(rec.body)["data"])
    assert len(papers) == 879
    assert len({p.paper_id for p in papers}) == 879
    assert all(p.citations >= 0 for p in papers)
    for paper in papers:
        if paper.arxiv_id:
            assert normalise_id(paper.arxiv_id) == (paper.arxiv_id, None)
        if paper.doi:
            assert paper.doi == paper.doi.lower()
            assert not paper.doi.startswith("10.48550/arxiv.")


def test_author_json_fields(fixtures_dir: Path) -> None:
    obj = json.loads((fixtures_dir / "s2/danielnsilva-semanticscholar/Author.json").read_text())
    author = parse_author(obj)
    assert author.author_id == "2262347"
    assert author.name
    assert isinstance(author.paper_count, int)
    assert len(author.recent_titles) == 2
    assert "papers" not in author.raw  # the raw record stays small


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'{"error":"Unrecognized or unsupported fields: [unknown]"}\n',
            "Unrecognized or unsupported fields: [unknown]",
        ),
        (b'{"message": "Forbidden"}', "Forbidden"),
        (
            b'{"message": "Too Many Requests. Please wait", "code": "429"}',
            "Too Many Requests. Please wait",
        ),
        (b"<html>Bad gateway</html>", "<html>Bad gateway</html>"),
    ],
)
def test_error_message_reads_both_s2_shapes(body: bytes, expected: str) -> None:
    response = requests.Response()
    response._content = body
    response.status_code = 400
    assert error_message(response) == expected


def test_recorded_s2_error_bodies_give_their_message(fixtures_dir: Path) -> None:
    seen = 0
    for rec in s2_recordings(fixtures_dir):
        if rec.status >= 400:
            response = requests.Response()
            response._content = rec.body
            response.status_code = rec.status
            message = error_message(response)
            assert message and message in rec.body.decode()
            seen += 1
    assert seen >= 5  # 400, 403, 404 x2, 429 x2


def test_every_recorded_arxiv_feed_parses(fixtures_dir: Path) -> None:
    feeds = 0
    for name, status, body in arxiv_bodies(fixtures_dir):
        feed = parse_feed(body)
        text = body.decode("utf-8")
        entries = len(re.findall(r"<entry>", text))
        assert len(feed.entries) + len(feed.errors) == entries, name
        if status == 400:
            assert feed.errors, name
        for entry in feed.entries:
            assert normalise_id(entry.arxiv_id) == (entry.arxiv_id, None), name
            assert entry.version is not None
            assert entry.published and re.match(r"^\d{4}-\d{2}-\d{2}$", entry.published)
            assert entry.primary_category, name
            assert entry.primary_category in entry.categories or entry.categories, name
            assert entry.authors and all(entry.authors)
        feeds += 1
    assert feeds >= 30


def _feed(fixtures_dir: Path, name: str):  # type: ignore[no-untyped-def]
    for found, _status, body in arxiv_bodies(fixtures_dir):
        if found == name:
            return parse_feed(body)
    raise AssertionError(f"no recording {name}")


def test_arxiv_special_records(fixtures_dir: Path) -> None:
    zero = _feed(fixtures_dir, "id_2104.12255v1_s0_m100_6ae69987ffe1.json").entries[0]
    assert zero.title == "0"
    assert (zero.arxiv_id, zero.version) == ("2104.12255", 1)
    old = _feed(fixtures_dir, "id_astro-ph_0601001_s0_m100_3150dca9dc76.json").entries[0]
    assert old.arxiv_id == "astro-ph/0601001"
    assert old.primary_category == "astro-ph"
    assert old.journal_ref
    versioned = _feed(fixtures_dir, "id_quant-ph_0201082v1_s0_m100_86989fe779ef.json").entries[0]
    assert (versioned.arxiv_id, versioned.version) == ("quant-ph/0201082", 1)
    assert "cs.PL" in versioned.categories
    error = _feed(fixtures_dir, "id_abc_s0_m100_b79c8dcf6bc3.json")
    assert error.errors == ["incorrect id format for abc"]
    empty = _feed(fixtures_dir, "id_0000.0000_s0_m100_8b51d9633a68.json")
    assert (empty.total, empty.entries) == (0, [])
    mixed = _feed(fixtures_dir, "id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json")
    assert [e.arxiv_id for e in mixed.entries] == ["1707.08567"]
    assert any("ü" in a for a in mixed.entries[0].authors)  # non-ASCII name decoded


def test_code_links_in_recorded_comments(fixtures_dir: Path) -> None:
    hinton = _feed(fixtures_dir, "Hinton-Geoffrey_page-1.xml")
    links = [find_code_url(e.comment, e.abstract) for e in hinton.entries]
    assert "https://github.com/google-research/simclr" in links
    assert sum(1 for link in links if link) >= 6
    assert all(not link.endswith((".", ",", ")")) for link in links if link)
    testing = _feed(fixtures_dir, "q_testing_s40_m10_96dd32eb854c.json")
    assert "https://github.com/ydecastro/super-resolution-testing" in [
        find_code_url(e.comment, e.abstract) for e in testing.entries
    ]


def test_trailing_punctuation_in_fei_fei_li_page(fixtures_dir: Path) -> None:
    page = _feed(fixtures_dir, "Li-Fei-Fei_page-2.xml")
    links = {find_code_url(e.comment, e.abstract) for e in page.entries} - {None}
    assert "https://github.com/StanfordVL/sonicverse" in links


def test_recorded_pages_with_next_hold_exactly_the_items_up_to_next(fixtures_dir: Path) -> None:
    """The client retries a page that breaks this rule; real pages must all keep it."""
    pages = 0
    for rec in s2_recordings(fixtures_dir):
        if rec.status != 200 or b'"next"' not in rec.body:
            continue
        body = json.loads(rec.body)
        if isinstance(body, dict) and body.get("next") is not None:
            assert body["next"] == body.get("offset", 0) + len(body["data"]), rec.file
            pages += 1
    assert pages >= 20
