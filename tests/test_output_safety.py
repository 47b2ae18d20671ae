"""Hostile source text never steers the terminal (issue #21, item 1).

A title, a name, an affiliation, a venue or an abstract can hold anything its author
typed: CSI sequences (clear the screen), OSC 0 (retitle the window), OSC 8 (a link to
another site), right-to-left overrides, NUL. Every terminal and markdown view of every
command shows them neutralised; JSON and CSV keep them as the source gave them; a
``Code`` link goes only to an ``https://`` URL on a known code host. Each command is run
twice: plain (no colour: any escape byte at all is a leak) and as a colour terminal
(the only escapes allowed are rich's SGR styles and OSC 8 links to trusted targets).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

import seed
from scholarcli import render
from scholarcli.cli import app
from scholarcli.render import OutputEnv, code_link, web_link

EVIL_ID, EVIL_NAME = "6660001", "Mallory Evil\x1b]0;owned\x07\u202e"
TITLE = (
    "Distillation wiped\x1b[2J\x1b[H \x1b]0;window title\x07 "
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ \u202etxt.exe\u202c nul\x00 c1\x9b31m"
)
COAUTHOR = "Eve\u2066 Coauthor\x1b[31m"
VENUE = "Venue\x1b]8;;https://evil.example/\x07 of Harm"
AFFILIATION = "University\x1b[2J of Harm"
# find_code_url takes a github.com URL up to the next space: here it carries an OSC 8.
ABSTRACT = (
    "We wipe screens, see https://github.com/mallory/repo\x1b]8;;https://evil.example/\x07 ok."
)
PAPER_ID = "e" * 40

# What no view may emit raw: C0 controls but newline, DEL, C1 controls, bidi controls.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What a colour terminal view may emit: SGR styles and OSC 8 links (ST-terminated).
SGR = re.compile(r"\x1b\[[0-9;]*m")
OSC8 = re.compile(r"\x1b]8;[^;\x1b\x07]*;([^\x1b\x07]*)\x1b\\")
TRUSTED = ("https://github.com/", "https://www.semanticscholar.org/", "https://arxiv.org/")


@pytest.fixture
def hostile(seeded):  # type: ignore[no-untyped-def]
    """The seed world plus a person whose every field is hostile."""
    seeded.add_author(EVIL_ID, EVIL_NAME, affiliations=[AFFILIATION])
    seeded.add_paper(
        PAPER_ID,
        title=TITLE,
        year=2023,
        publication_date="2023-05-01",
        venue=VENUE,
        authors=[(EVIL_ID, EVIL_NAME), (None, COAUTHOR), (seed.AUTHOR_ID, seed.NAME)],
        citation_count=12,
        abstract=ABSTRACT,
    )
    return seeded


# (label, arguments): every command whose terminal or markdown view shows source text.
PATHS = [
    ("author", ["author", "--id", EVIL_ID, "--abstracts"]),
    ("author --chart", ["author", "--id", EVIL_ID, "--chart"]),
    ("author --citations-by-year", ["author", "--id", EVIL_ID, "--citations-by-year"]),
    ("find", ["find", "Mallory"]),
    ("paper", ["paper", PAPER_ID, "--abstracts"]),
    ("search", ["search", "distillation", "--abstracts"]),
    ("coauthors", ["coauthors", "--id", EVIL_ID]),
    ("metrics", ["metrics", "--id", EVIL_ID, "--id", seed.AUTHOR_ID]),
    ("metrics, two people", ["metrics", "--id", EVIL_ID, seed.NAME]),
    ("compare", ["compare", "--id", EVIL_ID, seed.NAME]),
]


def run(runner: CliRunner, args: list[str], fmt: str) -> str:
    result = runner.invoke(app, [*args, "-f", fmt], env={"COLUMNS": "120"})
    assert result.exit_code in (0, 5), result.output
    return result.stdout


def escapes(text: str) -> Iterator[str]:
    """Every escape sequence of ``text`` that is not SGR or an OSC 8 link (their
    targets are checked apart), plus every other unsafe character."""
    rest = OSC8.sub("", SGR.sub("", text))
    yield from UNSAFE.findall(rest)


@pytest.mark.parametrize(("label", "args"), PATHS, ids=[label for label, _ in PATHS])
@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_no_control_or_bidi_character_reaches_the_view(
    runner: CliRunner, hostile, label: str, args: list[str], fmt: str
) -> None:  # type: ignore[no-untyped-def]
    text = run(runner, args, fmt)
    assert UNSAFE.findall(text) == []
    if label.startswith(("author", "paper", "search")):
        assert "wiped" in text  # the title is still there, only defused
        # The code URL carried an OSC 8: no Code cell, link or URL line for that paper
        # (the abstract, shown on demand, still mentions it as defused text).
        for line in text.splitlines():
            assert not ("Code" in line and ("wiped" in line or "github.com/mallory" in line))


@pytest.mark.parametrize(("label", "args"), PATHS, ids=[label for label, _ in PATHS])
def test_a_colour_terminal_gets_only_styles_and_trusted_links(
    runner: CliRunner, hostile, monkeypatch: pytest.MonkeyPatch, label: str, args: list[str]
) -> None:  # type: ignore[no-untyped-def]
    terminal = OutputEnv(stdout_isatty=True, stderr_isatty=False, width=120, color=True)
    monkeypatch.setattr(OutputEnv, "detect", classmethod(lambda cls, environ=None: terminal))
    text = run(runner, args, "table")
    assert SGR.search(text), "the terminal view was not styled: the test lost its point"
    assert list(escapes(text)) == []
    for target in OSC8.findall(text):
        assert target == "" or target.startswith(TRUSTED), target


def test_json_and_csv_keep_what_the_source_gave(runner: CliRunner, hostile) -> None:  # type: ignore[no-untyped-def]
    payload = json.loads(run(runner, ["author", "--id", EVIL_ID], "json"))
    assert payload["author"]["name"] == EVIL_NAME
    (paper,) = payload["papers"]
    assert paper["title"] == TITLE and paper["venue"] == VENUE
    assert COAUTHOR in paper["authors"]
    assert "\x1b[2J" in run(runner, ["author", "--id", EVIL_ID], "csv")


def test_code_links_go_only_to_code_hosts_over_https() -> None:
    assert code_link("https://github.com/aiha-lab/TSLD") == "https://github.com/aiha-lab/TSLD"
    assert code_link("https://www.gitlab.com/a/b") == "https://www.gitlab.com/a/b"
    assert code_link("http://github.com/a/b") == "https://github.com/a/b"  # upgraded
    for url in (
        "https://evil.example/a/b",  # not a code host
        "https://github.com.evil.example/a",  # a host that only starts like one
        "https://github.com/",  # a host with no repository
        "https://user@github.com/a/b",  # user info hides the real host in some readers
        "https://github.com:8443/a/b",
        "javascript:alert(1)//github.com/a",
        "ftp://github.com/a/b",
        "https://github.com/a/b\x1b]8;;https://evil.example/\x07",
        "https://github.com/a/b\u202e",
        "https://github.com/a b",
        "https://github.com/a>b",  # would end a markdown <...> link
        "https://github.com/a|b",  # would end a markdown cell
        None,
        42,
    ):
        assert code_link(url) is None, url
    assert web_link("https://www.semanticscholar.org/paper/x") is not None
    assert web_link("http://www.semanticscholar.org/paper/x") is None


def test_clean_text_keeps_text_and_defuses_controls() -> None:
    assert render.clean_text("Schrödinger — 薛定谔 مرحبا") == "Schrödinger — 薛定谔 مرحبا"
    assert render.clean_text("a\x1b[2Jb") == "a\ufffd[2Jb"  # visible, inert
    assert render.clean_text("line\nbreak\ttab\r") == "line break tab "
    assert render.clean_text("\u202egnp.exe\u2066x\u200f") == "gnp.exex"
    assert render.clean_text("nul\x00 del\x7f c1\x9b") == "nul\ufffd del\ufffd c1\ufffd"
    nested = render.clean_data({"a": ["x\x1b", ("y\x00",)], "n": 3})
    assert nested == {"a": ["x\ufffd", ("y\ufffd",)], "n": 3}


def test_record_views_are_clean_at_the_render_level() -> None:
    """render_records and render_comparison, which every list command goes through."""
    terminal = OutputEnv(stdout_isatty=True, stderr_isatty=True, width=100, color=True)
    records = [{"name": EVIL_NAME, "note": TITLE, "n": 1}, {"name": "B", "note": VENUE, "n": 2}]
    for fmt in ("table", "markdown"):
        out = io.StringIO()
        render.render_records(records, ["name", "note", "n"], fmt, out, terminal, title=TITLE)
        assert list(escapes(out.getvalue())) == []
        out = io.StringIO()
        render.render_record_sections(
            records, ["name", "note", "n"], fmt, out, terminal, keys=("name",), title=TITLE
        )
        assert list(escapes(out.getvalue())) == []
        people = [{"column": EVIL_NAME}, {"column": "B"}]
        rows = [{"metric": "h_index", EVIL_NAME: 3, "B": 1, "best": [EVIL_NAME]}]
        out = io.StringIO()
        render.render_comparison(people, rows, fmt, out, terminal, title=TITLE)
        text = out.getvalue()
        assert list(escapes(text)) == []
        assert "Mallory Evil" in text
    out = io.StringIO()
    render.render_comparison(people, rows, "json", out, terminal)
    assert json.loads(out.getvalue())["people"][0]["column"] == EVIL_NAME
