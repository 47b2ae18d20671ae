"""scholarcli.inputs.reference: papers from CSV, JSON and JSONL, and errors that name the line.

The Publish or Perish header below is the column list of PoP's CSV export ("Cites,
Authors,Title,Year,Source,Publisher,ArticleURL,CitesURL,GSRank,QueryDate,Type,DOI,
ISSN,CitationURL,Volume,Issue,StartPage,EndPage,ECC,CitesPerYear,CitesPerAuthor,
AuthorCount,Age"), as found in files written by PoP and in tools that read them; the
Einstein-Podolsky-Rosen row follows a PoP export quoted in such a tool. PoP writes
its exports as UTF-8 with a BOM (PoP manual, "Exporting your data").
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from scholarcli.errors import UsageError
from scholarcli.indicators.metrics import PaperStats
from scholarcli.inputs.reference import MAX_FIELD, parse_papers, read_papers

POP_HEADER = (
    "Cites,Authors,Title,Year,Source,Publisher,ArticleURL,CitesURL,GSRank,QueryDate,Type,"
    "DOI,ISSN,CitationURL,Volume,Issue,StartPage,EndPage,ECC,CitesPerYear,CitesPerAuthor,"
    "AuthorCount,Age"
)


def pop_row(cites: int, authors: str, title: str, year: int, author_count: int) -> str:
    return (
        f'{cites},"{authors}","{title}",{year},"Physical review","APS","","",1,'
        f'"2014-11-20","",,,,47,10,777,780,{cites},0,0,{author_count},0'
    )


def parse(text: str | bytes, source: str = "test") -> list[PaperStats]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_papers(data, source).papers


def error(text: str | bytes) -> str:
    with pytest.raises(UsageError) as caught:
        parse(text)
    return caught.value.message


def test_publish_or_perish_export_with_bom_and_author_count() -> None:
    text = "\n".join(
        [
            POP_HEADER,
            pop_row(
                12774, "A Einstein, B Podolsky, N Rosen", "Can quantum-mechanical ...", 1935, 3
            ),
            # Google Scholar cuts long author lists; AuthorCount keeps the real number.
            pop_row(40, "AW Harzing, R van der Wal, S Other…", "Google Scholar as ...", 2008, 5),
        ]
    )
    listed = parse_papers(b"\xef\xbb\xbf" + text.encode(), "pop.csv")
    assert listed.source == "pop.csv"
    assert listed.papers == [
        PaperStats(citations=12774, year=1935, n_authors=3),
        PaperStats(citations=40, year=2008, n_authors=5),
    ]
    assert listed.has_authors and not listed.has_positions


def test_author_list_without_count_is_counted() -> None:
    papers = parse('Cites,Year,Authors\n5,2020,"A Smith, B Jones"\n3,2021,"X; Y; Z"\n1,2022,\n')
    assert [p.n_authors for p in papers] == [2, 3, None]


def test_scholar_author_csv_columns() -> None:
    text = (
        "paper_id,title,authors,author_position,year,citations,abstract\n"
        'p1,"T, with comma","Minsoo Kim; Sihwa Lee; Du-Seong Chang",3,2023,40,"line one\n'
        'line two"\n'
        "p2,Other,Du-Seong Chang,1,,7,\n"
    )
    listed = parse_papers(text.encode(), "author.csv")
    assert listed.papers == [
        PaperStats(citations=40, year=2023, n_authors=3, author_position=3),
        PaperStats(citations=7, year=None, n_authors=1, author_position=1),
    ]
    assert listed.has_positions


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiters_and_case_insensitive_names(delimiter: str) -> None:
    header = delimiter.join(["CITES", "Publication Year", "Author-Count"])
    row = delimiter.join(["9", "2019", "4"])
    assert parse(f"{header}\r\n{row}\r\n") == [PaperStats(citations=9, year=2019, n_authors=4)]


def test_json_list_and_author_json_shape() -> None:
    papers = [
        {"citations": 3, "year": 2020, "authors": ["a", "b"], "author_position": 2},
        {"Citations": 1, "YEAR": None, "authors": [{"authorId": "1", "name": "a"}]},
    ]
    expected = [
        PaperStats(citations=3, year=2020, n_authors=2, author_position=2),
        PaperStats(citations=1, year=None, n_authors=1),
    ]
    assert parse(json.dumps(papers)) == expected
    # The shape scholar author -f json prints, pretty-printed like it.
    assert parse(json.dumps({"author": {"name": "x"}, "papers": papers}, indent=2)) == expected


def test_jsonl() -> None:
    text = '{"citations": 3, "year": 2020}\n\n{"citations": 4, "year": 0}\n'
    assert parse(text) == [PaperStats(3, 2020), PaperStats(4, None)]


def test_a_huge_field_is_read() -> None:
    abstract = "x" * 300_000  # well past the csv module's default 128 KiB field limit
    papers = parse(f'citations,year,abstract\n5,2020,"{abstract}"\n')
    assert papers == [PaperStats(5, 2020)]


def test_field_limit_is_restored() -> None:
    import csv

    before = csv.field_size_limit()
    parse("citations,year\n1,2020\n")
    assert csv.field_size_limit() == before != MAX_FIELD


def test_integral_floats_and_thousands_separators() -> None:
    assert parse('citations,year\n"1,234",2020.0\n12.0,2021\n') == [
        PaperStats(1234, 2020),
        PaperStats(12, 2021),
    ]


# --- errors name the place ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cites,Year\n10,2020\nmany,2021\n", "line 3: citations 'many' is not a whole number"),
        ("Cites,Year\n10,2020\n-1,2021\n", "line 3: citations '-1' is not a whole number"),
        ("Cites,Year\n10,2020\n\n4,20x1\n", "line 4: year '20x1' is not a four-digit year"),
        ("Cites,Year\n10,2020\n4,99\n", "line 3: year '99' is not a four-digit year"),
        ("Cites,Year\n10,2020\n,2021\n", "line 3: the citation count is empty"),
        ("Cites,Year\n10,2020\n5\n", "line 3: expected 2 fields like the header, found 1"),
        # A quoted field spanning lines: the next record is named by its first line.
        ('Cites,Year,Title\n1,2020,"a\nb\nc"\nx,2021,t\n', "line 5: citations 'x'"),
        ("Title,Year\nA,2020\n", "line 1 (header): no citations column"),
        ("Cites,Title\n1,A\n", "line 1 (header): no year column"),
        ('[{"citations": 1, "year": 2020}, {"year": 2020}]', "JSON record 2: no citations field"),
        ('[{"citations": 1, "year": 2020}, 7]', "JSON record 2: expected an object"),
        ('{"papers": [{"citations": 1.5, "year": 2020}]}', "JSON record 1: citations 1.5"),
        ('[{"citations": true, "year": 2020}]', "JSON record 1: citations True"),
        ('{"citations": 1, "year": 2020}\n{"citations": 2 "year": 1}\n', "line 2: invalid JSON"),
        ('{"citations": 1, "year": 2020}\n[1]\n', "line 2: expected an object"),
        ('[{"citations": 1,\n  "year": }]', "line 2, column 11: invalid JSON"),
        ('{\n  "author": {}\n}', 'a list of papers or an object with a "papers" list'),
        ('{"author": {}}', "line 1: no citations field"),
        ("  \n\n", "test is empty"),
    ],
)
def test_malformed_input_names_the_line(text: str, expected: str) -> None:
    assert expected in error(text)


def test_not_utf8_names_the_line() -> None:
    message = error("Cites,Year,Authors\n1,2020,Ana\n2,2021,J\xe9r\xf4me\n".encode("cp1252"))
    assert message == "line 3: the input is not UTF-8 text (byte 0xe9)"


def test_utf16_with_bom_is_read() -> None:
    data = "Cites\tYear\n3\t2020\n".encode("utf-16")
    assert parse(data) == [PaperStats(3, 2020)]


def test_unclosed_quote_is_reported() -> None:
    assert "line 2" in error('Cites,Year,Title\n1,2020,"never closed\n2,2021,x\n')


def test_read_papers_from_file_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    path.write_text('{"citations": 2, "year": 2021}\n', encoding="utf-8")
    assert read_papers(str(path)).papers == [PaperStats(2, 2021)]
    from_stdin = read_papers("-", io.BytesIO(b"citations,year\n1,2020\n"))
    assert (from_stdin.source, from_stdin.papers) == ("stdin", [PaperStats(1, 2020)])
    with pytest.raises(UsageError, match="cannot read --input"):
        read_papers(str(tmp_path / "absent.csv"))
