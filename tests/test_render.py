"""Tests for scholarcli.render: the output contract of docs/design.md (Output) and the
table view that mirrors reference/seed-profile.txt."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import replace

import pytest

from scholarcli.models import PAPER_FIELDS, Profile, ProfilePaper
from scholarcli.render import (
    FORMATS,
    Display,
    OutputEnv,
    authors_short,
    format_date,
    neutralise_cell,
    progress,
    render_profile,
    render_records,
    resolve_format,
    short_category,
    sparkline,
    warn,
)

ANSI = re.compile(r"\x1b[\[\]]")
PLAIN = OutputEnv(stdout_isatty=False, stderr_isatty=False, width=80, color=False)

TSLD_ABSTRACT = (
    "Generative Language Models (GLMs) have shown impressive performance in tasks such as "
    "text generation, understanding, and reasoning. Our code is available at "
    "https://github.com/aiha-lab/TSLD."
)

# The nine papers of reference/seed-profile.txt: titles, first three authors, dates and
# categories as there; Du-Seong Chang added as fourth author so the lists get "et al.".
# Citation counts are ours (sum 753, h-index 5), as_of 2025 -> cites_per_year.
# Code URLs come from the abstracts where they name one, else stand-ins on github.com
# (a Code link only ever goes to a known code host).
SEED = [
    ("Token-Scaled Logit Distillation for Ternary Weight Generative Language Models",
     ["Minsoo Kim", "Sihwa Lee", "Janghwan Lee"], "2023-08-13", "cs.CL", 60,
     "https://github.com/aiha-lab/TSLD"),
    ("Revisiting Intermediate Layer Distillation for Compressing Language Models: "
     "An Overfitting Perspective",
     ["Jongwoo Ko", "Seungjoon Park", "Minchan Jeong"], "2023-02-03", "cs.CL", 95,
     "https://github.com/jongwooko/CR-ILD"),
    ("Understanding and Improving Knowledge Distillation for Quantization-Aware Training "
     "of Large Transformer Encoders",
     ["Minsoo Kim", "Sihwa Lee", "Sukjin Hong"], "2022-11-20", "cs.CL", 40,
     "https://github.com/example/kd-qat"),
    ("NASH: A Simple Unified Framework of Structured Pruning for Accelerating "
     "Encoder-Decoder Language Models",
     ["Jongwoo Ko", "Seungjoon Park", "Yujin Kim"], "2023-10-16", "cs.CL", 20,
     "https://github.com/example/nash"),
    ("PSYDIAL: Personality-based Synthetic Dialogue Generation using Large Language Models",
     ["Ji-Eun Han", "Jun-Seok Koh", "Hyeon-Tae Seo"], "2024-04-01", "cs.CL", 5,
     "https://github.com/jiSilverH/psydial"),
    ("Evaluating Visual and Cultural Interpretation: The K-Viscuit Benchmark with "
     "Human-VLM Collaboration",
     ["ChaeHun Park", "Yujin Baek", "Jaeseok Kim"], "2024-06-24", "cs.CL", 4,
     "https://huggingface.co/datasets/ddehun/k-viscuit"),
    ("ExeGPT: Constraint-Aware Resource Scheduling for LLM Inference",
     ["Hyungjun Oh", "Kihong Kim", "Jaemin Kim"], "2024-03-15", "cs.DC", 5, None),
    ("Towards Fast Multilingual LLM Inference: Speculative Decoding and Specialized Drafters",
     ["Euiin Yi", "Taehyeon Kim", "Hongseok Jeung"], "2024-06-24", "cs.CL", 4,
     "https://github.com/example/multilingual-specdec"),
    ("How Do Large Language Models Acquire Factual Knowledge During Pretraining?",
     ["Hoyeon Chang", "Jinho Park", "Seonghyeon Ye"], "2024-06-17", "cs.CL", 520,
     "https://github.com/example/factual-knowledge"),
]  # fmt: skip
TITLES = [row[0] for row in SEED]


def seed_profile() -> Profile:
    papers = []
    for index, (title, authors, date, category, citations, code_url) in enumerate(SEED):
        year = int(date[:4])
        papers.append(
            ProfilePaper(
                paper_id=f"s2-{index}",
                title=title,
                authors=[*authors, "Du-Seong Chang"],
                author_position=4,
                date=date,
                year=year,
                venue="arXiv.org",
                category=category,
                citations=citations,
                influential_citations=citations // 10,
                cites_per_year=citations / (2025 - year + 1),
                code_url=code_url,
                abstract=TSLD_ABSTRACT if index == 0 else None,
                url=f"https://www.semanticscholar.org/paper/s2-{index}",
                arxiv_id=f"2308.{index:05d}",
                doi=None,
            )
        )
    return Profile(
        name="Du-Seong Chang",
        ids=["2110432870"],
        affiliations=["KT", "서강대학교"],
        as_of="2025-06-01",
        primary_category="cs.CL",
        primary_category_name="Computation and Language",
        metrics={
            "paper_count": 9,
            "citation_count": 753,
            "h_index": 5,
            "g_index": 9,
            "i10_index": 5,
            "m_quotient": 1.25,
            "cites_per_year": 188.25,
            "cites_per_paper": 753 / 9,
        },
        papers=papers,
        fetched_at="2025-06-01T12:00:00+00:00",
    )


def render(profile: Profile, fmt: str, env: OutputEnv = PLAIN, **kwargs: bool) -> str:
    out = io.StringIO()
    render_profile(profile, fmt, out, env, Display(**kwargs))
    return out.getvalue()


def table(width: int, **kwargs: bool) -> str:
    env = OutputEnv(stdout_isatty=True, stderr_isatty=True, width=width, color=False)
    return render(seed_profile(), "table", env, **kwargs)


def words(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- table view


@pytest.mark.parametrize("width", [80, 200])
def test_table_header_has_name_category_and_metrics(width: int) -> None:
    text = table(width)
    flat = words(text)
    assert "Du-Seong Chang" in text
    assert re.search(r"\bCL\b", text.split("Du-Seong Chang", 1)[1].split("\n\n")[0])
    assert "Computation and Language" in text
    for item in ("h-index 5", "9 papers", "753 citations", "g-index 9", "i10-index 5",
                 "m-quotient 1.25", "188.2 cites/year", "83.7 cites/paper"):  # fmt: skip
        assert item in flat, item
    assert "KT; 서강대학교 · as of 2025-06-01" in flat
    assert re.search(r"^9 Papers$", text, re.MULTILINE)


def test_table_header_shows_only_present_metrics() -> None:
    profile = replace(seed_profile(), metrics={"h_index": 5})
    text = render(profile, "table", replace(PLAIN, width=100))
    assert "h-index 5" in text
    assert "g-index" not in text
    assert "citations" not in text.split("Papers")[0]


@pytest.mark.parametrize("width", [80, 200])
def test_table_titles_whole_and_lines_fit(width: int) -> None:
    text = table(width)
    flat = words(text)
    for title in TITLES:
        # Every word intact and in order: a split word or a cut title breaks this.
        assert words(title) in flat, title
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width


def test_table_wraps_at_80_and_uses_the_width_at_200() -> None:
    longest = max(TITLES, key=len)
    narrow, wide = table(80), table(200)
    assert longest not in narrow  # wrapped at 80...
    for title in TITLES:
        assert title in wide, title  # on one line
    assert max(len(line) for line in wide.splitlines()) > 100


@pytest.mark.parametrize("width", [80, 200])
def test_table_rows_mirror_the_reference(width: int) -> None:
    text = table(width)
    for date in ("Aug 13, 2023", "Feb 3, 2023", "Nov 20, 2022", "Jun 24, 2024"):
        assert date in text
    assert len(re.findall(r"\bCode\b", text)) == 8
    exegpt = next(line for line in text.splitlines() if "Mar 15, 2024" in line)
    assert re.search(r"\bDC\b", exegpt)
    assert "Code" not in exegpt
    assert "Minsoo Kim, Sihwa Lee, Janghwan Lee et al." in words(text)  # may wrap at 80
    assert words(text).count("et al.") == 9  # the Cites column may wrap it at 80
    assert "Du-Seong Chang" not in text.split("9 Papers")[1]  # fourth author hidden
    tsld = next(line for line in text.splitlines() if "Aug 13, 2023" in line)
    # score = cites_per_year to 1 decimal, then the citations the default order sorts by
    assert tsld.split()[:3] == ["20.0", "60", "CL"]
    assert "260.0" in text
    assert "Novelty" not in text
    assert "AI Score" not in text


def test_table_layout_blank_line_between_papers_and_compact_header() -> None:
    lines = table(200).splitlines()
    assert len(lines[0]) < 150  # the header box fits its content, not the terminal
    authors = lines.index(next(line for line in lines if "Janghwan Lee et al." in line))
    # Without colour the code link cannot be a hyperlink: its URL is printed instead.
    assert lines[authors + 1].strip() == "https://github.com/aiha-lab/TSLD"
    assert lines[authors + 2].strip() == ""
    assert "Revisiting" in lines[authors + 3]


def test_table_abstracts_only_on_demand() -> None:
    assert "impressive performance" not in table(80)
    text = table(80, abstracts=True)
    assert words(TSLD_ABSTRACT) in words(text)
    assert max(len(line) for line in text.splitlines()) <= 80


def test_table_short_categories_and_dates() -> None:
    profile = seed_profile()
    profile.papers[0].category = "hep-th"
    profile.papers[1].date, profile.papers[1].year = None, 2021
    text = render(profile, "table", replace(PLAIN, width=120))
    assert "hep-th" in next(line for line in text.splitlines() if "Token-Scaled" in line)
    assert re.search(r"^\s*\S+\s+\d+\s+CL\s+2021\s", text, re.MULTILINE)


def test_table_keeps_brackets_in_titles() -> None:
    profile = seed_profile()
    profile.papers[0].title = "[RE] Token-Scaled [bold]Logit[/bold] Distillation"
    assert "[RE] Token-Scaled [bold]Logit[/bold] Distillation" in table_of(profile)


def table_of(profile: Profile) -> str:
    return render(profile, "table", replace(PLAIN, width=200))


def test_no_ansi_without_colour_but_links_with_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")  # rich sends no styles to TERM=dumb
    no_colour = OutputEnv(stdout_isatty=True, stderr_isatty=True, width=100, color=False)
    assert not ANSI.search(render(seed_profile(), "table", no_colour))
    colour = replace(no_colour, color=True)
    text = render(seed_profile(), "table", colour)
    assert "\x1b[" in text
    assert "\x1b]8;" in text  # OSC 8 hyperlink
    assert "https://github.com/aiha-lab/TSLD" in text
    piped = replace(colour, stdout_isatty=False)
    assert not ANSI.search(render(seed_profile(), "table", piped))


def test_empty_profile_table() -> None:
    profile = replace(seed_profile(), papers=[])
    text = render(profile, "table", replace(PLAIN, width=80))
    assert "0 Papers" in text
    assert "Score" not in text


# ---------------------------------------------------------------- machine formats


def test_json_round_trips_with_contract_keys() -> None:
    profile = seed_profile()
    text = render(profile, "json")
    assert text.endswith("}\n")
    assert "서강대학교" in text  # ensure_ascii=False
    assert text.startswith('{"author"')  # compact in a pipe
    assert text.count("\n") == 1
    at_terminal = render(profile, "json", OutputEnv(stdout_isatty=True, stderr_isatty=True))
    assert at_terminal.startswith('{\n  "author"')  # indented for a person
    assert json.loads(at_terminal) == json.loads(text)
    data = json.loads(text)
    assert list(data) == ["author", "papers"]
    assert data["author"] == profile.author_record()
    assert [list(paper) for paper in data["papers"]] == [list(PAPER_FIELDS)] * 9
    assert data["papers"] == [paper.as_record() for paper in profile.papers]


def test_json_writes_nan_as_null() -> None:
    profile = replace(seed_profile(), metrics={"m_quotient": float("nan")})
    assert json.loads(render(profile, "json"))["author"]["m_quotient"] is None


def test_csv_header_rows_and_lists() -> None:
    profile = seed_profile()
    profile.papers[0].abstract = 'Line one,\nline "two".'
    text = render(profile, "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(PAPER_FIELDS)
    assert len(rows) == 10
    first = dict(zip(PAPER_FIELDS, rows[1], strict=True))
    assert first["authors"] == "Minsoo Kim; Sihwa Lee; Janghwan Lee; Du-Seong Chang"
    assert first["doi"] == ""
    assert first["citations"] == "60"
    assert first["abstract"] == 'Line one,\nline "two".'
    exegpt = dict(zip(PAPER_FIELDS, rows[7], strict=True))
    assert exegpt["code_url"] == ""
    assert exegpt["category"] == "cs.DC"
    assert "\r" not in text


@pytest.mark.parametrize("value", ["=cmd()", "+1", "-2", "@x", "\tx", "\rx"])
def test_neutralise_cell_prefixes_formulas(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["", "x=1", "Minsoo Kim", "'quoted", " =a"])
def test_neutralise_cell_leaves_plain_text(value: str) -> None:
    assert neutralise_cell(value) == value


def test_csv_neutralises_every_string_cell_but_not_numbers() -> None:
    profile = seed_profile()
    profile.papers[0].title = '=HYPERLINK("http://evil")'
    profile.papers[0].authors = ["@attacker", "Sihwa Lee"]
    profile.papers[0].venue = "-2"
    rows = list(csv.DictReader(io.StringIO(render(profile, "csv"))))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["authors"] == "'@attacker; Sihwa Lee"
    assert rows[0]["venue"] == "'-2"
    records = [{"name": "+x", "delta": -2, "ratio": -0.5, "note": "\rx"}]
    out = io.StringIO()
    render_records(records, ["name", "delta", "ratio", "note"], "csv", out, PLAIN)
    row = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1]
    assert row == ["'+x", "-2", "-0.5", "'\rx"]


def test_jsonl_one_paper_per_line() -> None:
    lines = render(seed_profile(), "jsonl").splitlines()
    assert len(lines) == 9
    papers = [json.loads(line) for line in lines]
    assert all(list(paper) == list(PAPER_FIELDS) for paper in papers)
    assert papers[6]["title"].startswith("ExeGPT")


def test_markdown_profile_and_pipe_escaping() -> None:
    profile = seed_profile()
    profile.papers[0].title = "A | B: pipes in titles"
    text = render(profile, "markdown")
    assert text.startswith("# Du-Seong Chang\n")
    assert "h-index 5" in text
    assert "9 Papers" in text
    assert "A \\| B: pipes in titles" in text
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len(rows) == 11  # header, rule, nine papers
    cells = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
    assert cells == {9}  # seven columns everywhere: the escaped pipe did not split
    assert "[Code](<https://github.com/aiha-lab/TSLD>)" in text
    assert "Minsoo Kim, Sihwa Lee, Janghwan Lee et al." in text
    assert "Novelty" not in text
    assert "## Abstracts" not in text
    assert "## Abstracts" in render(profile, "markdown", abstracts=True)


def test_markdown_dates_fall_back_to_the_year() -> None:
    profile = seed_profile()
    profile.papers[1].date, profile.papers[1].year = None, 2021
    rows = [line for line in render(profile, "markdown").splitlines() if "Revisiting" in line]
    assert rows[0].startswith("| 31.7 | 95 | CL | 2021 | [Code]")


def test_markdown_profile_shows_the_cites_it_is_sorted_by() -> None:
    # The default order is by citations: the markdown table must show them (issue #21).
    text = render(seed_profile(), "markdown")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert rows[0].split("|")[1:3] == [" Score ", " Cites "]
    assert rows[1].split("|")[2].strip() == "---:"  # a number column, right-aligned
    tsld = next(row for row in rows if "Token-Scaled" in row)
    assert tsld.split("|")[2].strip() == "60"


def test_render_profile_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="xml"):
        render(seed_profile(), "xml")


# ---------------------------------------------------------------- environment


def test_resolve_format_defaults_follow_stdout() -> None:
    tty = OutputEnv(stdout_isatty=True, stderr_isatty=True)
    pipe = OutputEnv(stdout_isatty=False, stderr_isatty=True)
    assert resolve_format(None, tty) == "table"
    assert resolve_format(None, pipe) == "csv"
    assert resolve_format("json", tty) == "json"
    assert resolve_format("MARKDOWN", pipe) == "markdown"
    with pytest.raises(ValueError, match="table, csv, json, jsonl, markdown"):
        resolve_format("xml", tty)
    assert FORMATS == ("table", "csv", "json", "jsonl", "markdown")


class FakeStream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_detect_reads_ttys_no_color_and_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", FakeStream(True))
    monkeypatch.setattr(sys, "stderr", FakeStream(False))
    env = OutputEnv.detect({"COLUMNS": "123"})
    assert env == OutputEnv(stdout_isatty=True, stderr_isatty=False, width=123, color=True)
    assert OutputEnv.detect({"NO_COLOR": "1"}).color is False
    assert OutputEnv.detect({"NO_COLOR": ""}).color is True  # no-color.org: empty = unset
    assert OutputEnv.detect({"COLUMNS": "wide"}).width is None
    monkeypatch.setattr(sys, "stdout", FakeStream(False))
    piped = OutputEnv.detect({})
    assert (piped.stdout_isatty, piped.color) == (False, False)


def test_warn_prints_one_plain_line() -> None:
    err = io.StringIO()
    warn(PLAIN, "arXiv [cs.CL] batch " + "very long " * 20, file=err)
    assert err.getvalue().startswith("warning: arXiv [cs.CL] batch very long")
    assert err.getvalue().count("\n") == 1
    assert not ANSI.search(err.getvalue())


def test_progress_is_silent_off_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with progress(PLAIN, "fetching", 3) as advance:
        advance(1)
        advance(2)
    assert capsys.readouterr() == ("", "")


def test_progress_draws_on_stderr_only(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    env = OutputEnv(stdout_isatty=False, stderr_isatty=True, width=80, color=False)
    with progress(env, "fetching", 3) as advance:
        advance(3)
        print("data")
    captured = capsys.readouterr()
    assert captured.out == "data\n"
    assert "fetching" in captured.err
    assert not re.search(r"\x1b\[[0-9;]*m", captured.err)  # NO_COLOR: no colour or style
    with progress(replace(env, color=True), "fetching", None) as advance:
        advance(1)
    assert re.search(r"\x1b\[[0-9;]*m", capsys.readouterr().err)


# ---------------------------------------------------------------- records


RECORDS = [
    {"name": "Du-Seong Chang", "h_index": 5, "ratio": 1.25, "tags": ["cs.CL", "cs.DC"],
     "note": None, "extra": "hidden"},
    {"name": "A | B", "h_index": 12, "ratio": 0.333333, "tags": [], "note": "=x",
     "extra": "hidden"},
]  # fmt: skip
FIELDS = ["name", "h_index", "ratio", "tags", "note"]


def records(fmt: str, **kwargs: str) -> str:
    out = io.StringIO()
    render_records(RECORDS, FIELDS, fmt, out, replace(PLAIN, width=100), **kwargs)
    return out.getvalue()


def test_records_json_and_root() -> None:
    data = json.loads(records("json"))
    assert data == [{key: row[key] for key in FIELDS} for row in RECORDS]
    assert json.loads(records("json", json_root="authors")) == {"authors": data}


def test_records_jsonl_and_csv() -> None:
    lines = [json.loads(line) for line in records("jsonl").splitlines()]
    assert [list(line) for line in lines] == [FIELDS, FIELDS]
    rows = list(csv.reader(io.StringIO(records("csv"))))
    assert rows == [
        FIELDS,
        ["Du-Seong Chang", "5", "1.25", "cs.CL; cs.DC", ""],
        ["A | B", "12", "0.333333", "", "'=x"],
    ]


def test_records_table() -> None:
    text = records("table", title="Tracked authors")
    assert text.lstrip().startswith("Tracked authors")
    assert "0.33" in text
    assert "0.333" not in text
    assert "1.25" in text
    assert "None" not in text
    assert "hidden" not in text
    assert "cs.CL; cs.DC" in text
    assert not ANSI.search(text)
    row = next(line for line in text.splitlines() if "Du-Seong Chang" in line)
    assert row.split() == ["Du-Seong", "Chang", "5", "1.25", "cs.CL;", "cs.DC"]


def test_records_markdown() -> None:
    text = records("markdown", title="Tracked")
    lines = text.splitlines()
    assert lines[0] == "# Tracked"
    assert lines[2] == "| name | h_index | ratio | tags | note |"
    assert lines[3] == "| --- | ---: | ---: | --- | --- |"
    assert lines[5] == "| A \\| B | 12 | 0.33 |  | =x |"


def test_records_reject_unknown_format() -> None:
    with pytest.raises(ValueError, match="choose one of"):
        records("yaml")


# ---------------------------------------------------------------- helpers


def test_small_formatters() -> None:
    assert short_category("cs.CL") == "CL"
    assert short_category("hep-th") == "hep-th"
    assert short_category(None) == ""
    assert short_category("math.IT") == "IT"  # an alias of cs.IT
    assert short_category("cmp-lg") == "CL"  # a legacy archive, now cs.CL
    assert format_date("2023-08-13") == "Aug 13, 2023"
    assert format_date("2024-03-05") == "Mar 5, 2024"
    assert format_date("2024-03") == "Mar 2024"
    assert format_date(None, 2021) == "2021"
    assert format_date("2021") == "2021"
    assert format_date(None, None) == ""
    assert format_date("2023-13-01") == "2023-13-01"  # not a date: shown as given
    assert authors_short(["A", "B", "C"]) == "A, B, C"
    assert authors_short(["A", "B", "C", "D"]) == "A, B, C et al."


def test_sparkline() -> None:
    assert sparkline([0, 1, 7]) == "▁▂█"
    assert sparkline([3, 3]) == "██"
    assert sparkline([]) == ""


def test_single_record_table_is_a_field_value_list() -> None:
    out = io.StringIO()
    render_records(
        [{"path": "/x/cache.sqlite3", "schema_version": 3}],
        ["path", "schema_version"],
        "table",
        out,
        OutputEnv(stdout_isatty=False, stderr_isatty=False, width=80, color=False),
    )
    lines = [line.split() for line in out.getvalue().splitlines() if line.strip()]
    assert ["path", "/x/cache.sqlite3"] in lines
    assert ["schema_version", "3"] in lines


def test_display_top_shows_the_first_papers_and_counts_the_rest() -> None:
    profile = seed_profile()
    titles = [paper.title for paper in profile.papers]
    env = replace(PLAIN, width=120)
    out = io.StringIO()
    render_profile(profile, "table", out, env, Display(order="Most cited first", top=3))
    text = words(out.getvalue())
    assert [paper.title for paper in profile.papers] == titles  # the profile is not cut
    assert "9 Papers" in text and "6 more, use --all" in text
    assert sum(title in text for title in titles) == 3
    assert all(title in text for title in titles[:3])
    assert "Most cited first." in text
    # Other formats list every paper whatever the display says.
    out = io.StringIO()
    render_profile(profile, "markdown", out, env, Display(top=3))
    assert all(title in out.getvalue() for title in titles) and "more, use" not in out.getvalue()
    out = io.StringIO()
    render_profile(profile, "table", out, env, Display(top=9))
    assert "more, use --all" not in out.getvalue()


def test_rich_is_imported_only_when_something_is_drawn() -> None:
    import subprocess

    code = (
        "import io, sys\n"
        "from scholarcli import render\n"
        "env = render.OutputEnv(stdout_isatty=False, stderr_isatty=False, width=80)\n"
        "for fmt in ('csv', 'json', 'jsonl', 'markdown'):\n"
        "    render.render_records([{'a': 1}], ['a'], fmt, io.StringIO(), env)\n"
        "assert 'rich' not in sys.modules, 'rich loaded by a pipe format'\n"
        "render.render_records([{'a': 1}], ['a'], 'table', io.StringIO(), env)\n"
        "assert 'rich' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["author", "Du-Seong Chang", "-f", "csv"],
        ["author", "Du-Seong Chang", "-f", "table", "--citations-by-year"],
        ["metrics", "Du-Seong Chang", "-f", "table"],
        ["paper", "2308.06744", "-f", "table"],
    ],
)
def test_the_terminal_is_detected_once_per_command(
    seeded, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from scholarcli.cli import app

    calls = []
    detect = OutputEnv.detect.__func__  # type: ignore[attr-defined]

    def counted(cls: type[OutputEnv], environ: object = None) -> OutputEnv:
        calls.append(1)
        return detect(cls, environ)  # type: ignore[no-any-return]

    monkeypatch.setattr(OutputEnv, "detect", classmethod(counted))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
