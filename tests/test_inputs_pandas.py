"""The fast engines of --input (pandas blocks, DuckDB's reader) and ``metrics --by``.

Each fast engine must read exactly what the reference parser
(``inputs.reference.parse_papers``) reads, and hand everything else to it: so each
test compares them, or checks that a malformed file still gets the reference parser's
error. Every comparison runs for both engines.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from scholarcli.cli import app
from scholarcli.errors import UsageError
from scholarcli.inputs import duckdb_csv, pandas_csv
from scholarcli.inputs.columns import with_group
from scholarcli.inputs.read import Engine, read_table
from scholarcli.inputs.reference import parse_papers
from scholarcli.inputs.source import DEFAULT_MAX_LINE_BYTES, CappedReader, open_input
from scholarcli.inputs.table import PaperTable, from_list

COLUMNS = ("citations", "year", "n_authors", "author_position")
FAST: tuple[Engine, ...] = ("pandas", "duckdb")
needs_duckdb = pytest.mark.skipif(not duckdb_csv.available(), reason="duckdb not installed")
engines = pytest.mark.parametrize(
    "engine", [pytest.param("pandas"), pytest.param("duckdb", marks=needs_duckdb)]
)


def reference(data: bytes, by: str | None = None) -> PaperTable:
    return from_list(parse_papers(data, "f", by), by)


def fast(data: bytes, by: str | None = None, engine: Engine = "pandas") -> PaperTable:
    """One fast engine alone: fails the test if it hands over to the reference parser."""
    aliases = with_group(by)
    if engine == "pandas":
        stream = CappedReader(io.BytesIO(data), "f", DEFAULT_MAX_LINE_BYTES)
        return pandas_csv.read_blocks(stream, "f", by, aliases)
    with open_input("-", io.BytesIO(data)) as opened:
        return duckdb_csv.read_file(opened, by, aliases)


def framed(table: PaperTable) -> PaperTable:
    """The table with a frame (the reference engine returns the parser's list)."""
    if table.frame is None:
        assert table.papers is not None
        return from_list(table.papers, table.by)
    return table


def assert_same(left: PaperTable, right: PaperTable) -> None:
    left, right = framed(left), framed(right)
    assert left.frame is not None and right.frame is not None
    assert len(left.frame) == len(right.frame)
    for column in COLUMNS:
        a = left.frame[column].to_numpy(dtype=float, na_value=np.nan)
        b = right.frame[column].to_numpy(dtype=float, na_value=np.nan)
        assert np.array_equal(a, b, equal_nan=True), column
    if "group" in right.frame:
        assert list(left.frame["group"].astype(str)) == list(right.frame["group"].astype(str))
    assert (left.has_authors, left.has_positions) == (right.has_authors, right.has_positions)


def write(rows: list[list[object]], header: list[str], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


names = st.lists(st.text(alphabet="abcZoëŁ -.'’", min_size=0, max_size=6), min_size=0, max_size=4)
rows = st.lists(
    st.tuples(
        st.integers(0, 10**6),
        st.one_of(st.just(""), st.just("0"), st.integers(1000, 2030).map(str)),
        names,
        st.sampled_from(["; ", ",", ";", " ; "]),
        st.one_of(st.just(""), st.integers(1, 9).map(str)),
        st.text(alphabet='ab ,"\n;', max_size=8),
        st.sampled_from(["P1", " P1", "P2 ", "", "P3"]),
    ),
    max_size=30,
)


@engines
@given(rows, st.sampled_from([",", ";", "\t"]))
def test_fast_path_reads_what_the_reference_parser_reads(
    engine: Engine,
    table: list,  # type: ignore[type-arg]
    delimiter: str,
) -> None:
    header = ["Citations", "Year", "Authors", "author_position", "Title", "who"]
    data = write(
        [[c, y, sep.join(n), p, t, g] for c, y, n, sep, p, t, g in table],
        header,
        delimiter,
    )
    try:
        expected = reference(data, "who")
    except UsageError:
        return  # e.g. a blank author list joined as ";": the fallback covers it below
    assert_same(fast(data, "who", engine), expected)
    assert_same(read_table_bytes(data, "who", engine), expected)


def read_table_bytes(data: bytes, by: str | None = None, engine: Engine = "auto") -> PaperTable:
    return read_table("-", io.BytesIO(data), by, engine=engine)


def test_records_across_block_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pandas_csv, "BLOCK", 16)
    data = write(
        [[i, 2000 + i, f"A{i}; B, jr; C", i % 3 + 1, f'a "long"\ntitle, {i}'] for i in range(50)],
        ["citations", "year", "authors", "author_position", "title"],
    )
    assert_same(fast(data), reference(data))


@engines
def test_authors_count_and_explicit_count_wins(engine: Engine) -> None:
    data = b'Cites,Year,Authors,AuthorCount\n1,2020,"A, B, C",\n2,2021,"A; B",5\n3,2022,,0\n'
    table = fast(data, engine=engine)
    assert table.frame is not None
    assert table.frame["n_authors"].tolist()[:2] == [3.0, 5.0]
    assert np.isnan(table.frame["n_authors"].iloc[2])
    assert_same(table, reference(data))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cites,Year\n10,2020\nmany,2021\n", "line 3: citations 'many' is not a whole number"),
        ("Cites,Year\n10,2020\n-1,2021\n", "line 3: citations '-1' is not a whole number"),
        ("Cites,Year\n10,2020\n4,99\n", "line 3: year '99' is not a four-digit year"),
        ("Cites,Year\n10,2020\n4,nan\n", "line 3: year 'nan' is not a four-digit year"),
        ("Cites,Year\n10,2020\n1.5,2020\n", "line 3: citations '1.5' is not a whole number"),
        ("Cites,Year\n10,2020\n,2021\n", "line 3: the citation count is empty"),
        # pandas would fill the missing year with nothing; the reference parser refuses.
        ("Cites,Year\n10,2020\n5\n", "line 3: expected 2 fields like the header, found 1"),
        ("Cites,Year\n10,2020\n5,2020,7\n", "line 3: expected 2 fields like the header, found 3"),
        ('Cites,Year,Title\n1,2020,"never closed\n2,2021,x\n', "line 2"),
        ("Title,Year\nA,2020\n", "line 1 (header): no citations column"),
        ("Cites,Year\n1,2020\n", "no column 'who' to group by"),
        ("  \n\n", "f is empty"),
    ],
)
@pytest.mark.parametrize("engine", ["auto", *FAST])
def test_malformed_input_gets_the_reference_error(text: str, expected: str, engine: Engine) -> None:
    by = "who" if "group by" in expected else None
    with pytest.raises(UsageError) as caught:
        read_table_bytes(text.encode(), by, engine)
    assert expected.replace("f is", "stdin is") in caught.value.message


@pytest.mark.parametrize("engine", FAST)
def test_not_utf8_and_utf16_go_to_the_reference_parser(engine: Engine) -> None:
    latin = "Cites,Year\n1,2020\n2,2021 J\xe9r\xf4me\n".encode("cp1252")
    with pytest.raises(UsageError, match="line 3: the input is not UTF-8"):
        read_table_bytes(latin, None, engine)
    utf16 = read_table_bytes("Cites\tYear\n3\t2020\n".encode("utf-16"), None, engine)
    assert utf16.engine == "reference"
    assert framed(utf16).frame["citations"].tolist() == [3]  # type: ignore[index]


@pytest.mark.parametrize("engine", ["auto", *FAST])
def test_json_and_bom(tmp_path: Path, engine: Engine) -> None:
    listed = json.dumps({"papers": [{"citations": 4, "year": 2020, "venue": "X"}]})
    table = framed(read_table_bytes(listed.encode(), "venue", engine))
    assert table.frame is not None and table.frame["group"].tolist() == ["X"]
    path = tmp_path / "pop.csv"
    path.write_bytes(b"\xef\xbb\xbfCites,Year\n7,2020\n")
    bom = read_table(str(path), engine=engine)
    assert framed(bom).frame["citations"].tolist() == [7]  # type: ignore[index]
    if engine != "auto":
        assert bom.engine == engine  # a BOM is no reason to hand over


# --- the command ---------------------------------------------------------------------------


def run(runner: CliRunner, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input)


GROUPED = (
    "who,citations,year,authors,author_position\n"
    'Ana,10,2020,"Ana; Bo",1\n'
    "Bo,5,2021,Bo,1\n"
    'Ana,3,2022,"X, Y, Ana",3\n'
    "Bo,7,2019,Bo,1\n"
)


def test_by_gives_one_row_per_value_equal_to_that_value_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = run(
        runner,
        "metrics",
        "--input",
        "-",
        "--by",
        "who",
        "--as-of",
        "2024-06-01",
        "-f",
        "csv",
        input=GROUPED,
    )
    assert result.exit_code == 0, result.stderr
    grouped = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0].startswith("who,name,ids,source,papers,citations,")
    assert [(r["who"], r["papers"], r["citations"]) for r in grouped] == [
        ("Ana", "2", "13"),
        ("Bo", "2", "12"),
    ]
    header, *lines = GROUPED.splitlines()
    for row in grouped:
        alone = tmp_path / f"{row['who']}.csv"
        alone.write_text("\n".join([header, *(x for x in lines if x.startswith(row["who"]))]))
        single = run(runner, "metrics", "--input", str(alone), "--as-of", "2024-06-01", "-f", "csv")
        [expected] = list(csv.DictReader(io.StringIO(single.stdout)))
        for field in expected:
            if field not in ("name", "source"):
                assert row[field] == expected[field], field


def test_by_errors(runner: CliRunner) -> None:
    missing = run(runner, "metrics", "--input", "-", "--by", "venue", input=GROUPED)
    assert missing.exit_code == 2
    assert "no column 'venue' to group by" in missing.stderr
    with_name = run(runner, "metrics", "Someone", "--input", "-", "--by", "who", input=GROUPED)
    assert with_name.exit_code == 2 and "give no names" in with_name.stderr


@engines
def test_crlf_blank_lines_and_no_final_newline(engine: Engine) -> None:
    data = b'\r\nCites,Year,Authors\r\n1,2020,"A; B"\r\n\r\n2,2021,C\r\n3,,"D, E, F"'
    assert_same(fast(data, engine=engine), reference(data))
    counts = fast(data, engine=engine).frame["n_authors"]  # type: ignore[index]
    assert counts.tolist() == [2.0, 1.0, 3.0]


@pytest.mark.parametrize(
    "rows",
    [
        '"1,234",2020\n12.0,2021.0\n',  # thousands separator in quotes, integral floats
        " 7 ,2020\n1_000,0\n",  # spaces, an underscore, year 0 (unknown)
        "3,\n4,2020\n",  # no year
        "1e3,2020\n",  # scientific notation is a number to float() too
        "٣,2020\n",  # a digit str.isdigit() and float() accept
        "inf,2020\n",  # not a count: the reference parser's error
        "True,2020\n",
    ],
)
@pytest.mark.parametrize("engine", ["auto", *FAST])
def test_odd_values_read_as_the_reference_parser_reads_them(rows: str, engine: Engine) -> None:
    data = ("citations,year\n" + rows).encode()
    expected: PaperTable | str
    try:
        expected = reference(data)
    except UsageError as refused:
        expected = refused.message
    if isinstance(expected, str):
        with pytest.raises(UsageError) as caught:
            read_table_bytes(data, None, engine)
        assert caught.value.message == expected
    else:
        assert_same(read_table_bytes(data, None, engine), expected)
