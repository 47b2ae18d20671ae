"""``metrics --input``: the line cap, and the same answer from every engine.

The engines (the reference parser for small files; DuckDB, then pandas, for big CSV)
must print byte-identical output, and each rule of the input format (which column is
read, what a valid value is) must hold in every one of them: a rule broken in one
engine alone fails here.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scholarcli.cli import app
from scholarcli.errors import UsageError
from scholarcli.inputs import duckdb_csv, read
from scholarcli.inputs.read import Engine, read_table
from scholarcli.inputs.source import CappedReader, open_input

needs_duckdb = pytest.mark.skipif(not duckdb_csv.available(), reason="duckdb not installed")
ALL: list[object] = ["reference", "pandas", pytest.param("duckdb", marks=needs_duckdb)]
AS_OF = ("--as-of", "2024-06-01")


def force(monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    """Make ``auto`` (what the command uses) pick ``engine`` whatever the file's size."""
    if engine == "reference":
        monkeypatch.setattr(read, "SMALL_BYTES", 2**62)
        return
    monkeypatch.setattr(read, "SMALL_BYTES", -1)
    if engine == "pandas":
        monkeypatch.setattr(duckdb_csv, "available", lambda: False)


def metrics(runner: CliRunner, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["metrics", *AS_OF, "-f", "json", *args], input=input)


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


# --- the line cap --------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ALL)
def test_a_line_over_the_cap_is_one_error_naming_file_and_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    force(monkeypatch, engine)
    path = tmp_path / "papers.csv"
    path.write_text(f"citations,year,title\n1,2020,short\n2,2021,{'x' * 5000}\n3,2022,z\n")
    result = metrics(runner, "--input", str(path), "--max-line-bytes", "4096")
    assert result.exit_code == 2, result.output
    assert errors(result.stderr) == [
        "error: papers.csv line 3: longer than 4,096 bytes (--max-line-bytes); "
        "this is not a file of CSV or JSON Lines records"
    ]
    assert "--max-line-bytes 16384" in result.stderr  # the hint says how to raise it
    assert result.stdout == ""
    raised = metrics(runner, "--input", str(path), "--max-line-bytes", "8192")
    assert raised.exit_code == 0, raised.output
    assert json.loads(raised.stdout)["people"][0]["papers"] == 3


def test_the_cap_on_standard_input_and_json_lines(runner: CliRunner) -> None:
    lines = [json.dumps({"citations": 1, "year": 2020})] * 3
    lines.insert(2, json.dumps({"citations": 1, "year": 2020, "title": "y" * 3000}))
    result = metrics(runner, "--input", "-", "--max-line-bytes", "2048", input="\n".join(lines))
    assert result.exit_code == 2
    assert errors(result.stderr)[0].startswith("error: stdin line 3: longer than 2,048 bytes")


def test_a_cap_below_the_minimum_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("citations,year\n1,2020\n")
    result = metrics(runner, "--input", str(path), "--max-line-bytes", "10")
    assert result.exit_code == 2
    assert errors(result.stderr) == ["error: --max-line-bytes 10 is too small: at least 1024"]


class Endless(io.RawIOBase):
    """Standard input that never ends and has no newline; counts what was read."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        buffer[:] = b"x" * len(buffer)
        self.served += len(buffer)
        assert self.served < 64 * 2**20, "read on past the cap"
        return len(buffer)


def test_a_stream_without_end_stops_at_the_cap() -> None:
    endless = Endless()
    with pytest.raises(UsageError) as caught:
        read_table("-", io.BufferedReader(endless), max_line_bytes=2**20)
    assert caught.value.message.startswith("stdin line 1: longer than 1,048,576 bytes")
    assert endless.served <= 3 * 2**20  # what the spool holds is bounded by the cap


@pytest.mark.parametrize("size", [1, 7, 1000, 4096, 65536])
def test_the_line_counted_is_right_whatever_the_read_sizes(size: int) -> None:
    data = b"".join(b"a" * n + b"\n" for n in (10, 2000, 0, 2047, 30)) + b"b" * 2049 + b"\n"
    reader = CappedReader(io.BytesIO(data), "f", 2048)

    def drain(stream: CappedReader) -> None:
        while stream.read(size):
            pass

    with pytest.raises(UsageError) as caught:
        drain(reader)
    assert caught.value.message.startswith("f line 6: longer than 2,048 bytes")
    exact = CappedReader(io.BytesIO(data[: data.rindex(b"b" * 2049)] + b"c" * 2048), "f", 2048)
    drain(exact)  # a line of exactly the cap is allowed
    assert exact.lines == 5


# --- every engine answers the same ---------------------------------------------------------


def random_csv(rng: random.Random, rows: int) -> str:
    out = io.StringIO()
    out.write("paper_id,title,authors,author_position,year,citations,person\n")
    for number in range(rows):
        n = rng.randint(1, 9)
        names = "; ".join(f"Author {rng.randint(1, 500)}" for _ in range(n))
        year = rng.choice(["", "0", str(rng.randint(1960, 2024))])
        position = rng.choice(["", str(rng.randint(1, n))])
        citations = min(int(rng.paretovariate(1.1) * 3) - 3, 50_000)
        person = rng.choice(["Ana", "Bo", " Ana", "", "Cy  ", "Dee"])
        out.write(f'{number},"Paper {number}, a study",{names},{position},{year},')
        out.write(f"{citations},{person}\n")
    return out.getvalue()


@pytest.mark.parametrize("by", [None, "person"])
def test_every_engine_prints_the_same_output(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by: str | None
) -> None:
    path = tmp_path / "papers.csv"
    path.write_text(random_csv(random.Random(7), 3000))
    args = ["--input", str(path), *(["--by", by] if by else [])]
    outputs = {}
    for engine in ("reference", "pandas", "duckdb"):
        if engine == "duckdb" and not duckdb_csv.available():
            continue
        with monkeypatch.context() as patch:
            force(patch, engine)
            result = metrics(runner, *args)
        assert result.exit_code == 0, result.output
        outputs[engine] = result.stdout
    assert len(outputs) >= 2
    first = next(iter(outputs.values()))
    assert all(output == first for output in outputs.values()), list(outputs)
    people = json.loads(first)["people"]
    if by:  # " Ana" is "Ana" and "Cy  " is "Cy": labels are stripped
        assert sorted(p["person"] for p in people) == ["", "Ana", "Bo", "Cy", "Dee"]


@pytest.mark.parametrize("engine", ["pandas", pytest.param("duckdb", marks=needs_duckdb)])
def test_each_fast_engine_really_reads_a_big_plain_file(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "papers.csv"
    path.write_text(random_csv(random.Random(3), 500))
    assert read_table(str(path), by="person", engine=engine).engine == engine


# --- the rules, in every engine --------------------------------------------------------------


def read_with(engine: str, text: str, tmp_path: Path, by: str | None = None) -> list[float]:
    """The citations each engine reads (``auto`` forced to ``engine``)."""
    path = tmp_path / "f.csv"
    path.write_text(text)
    with pytest.MonkeyPatch.context() as patch:
        force(patch, engine)
        table = read_table(str(path), by=by)
    if table.frame is None:
        assert table.papers is not None
        return [float(p.citations) for p in table.papers.papers]
    return [float(c) for c in table.frame["citations"]]


@pytest.mark.parametrize("engine", ALL)
def test_the_header_search_stops_at_the_first_accepted_name(engine: str, tmp_path: Path) -> None:
    # "citations" comes before "cites" among the accepted names: it wins, wherever it is.
    assert read_with(engine, "Cites,Citations,Year\n1,10,2020\n2,20,2021\n", tmp_path) == [
        10.0,
        20.0,
    ]
    # A name given twice: the leftmost column.
    assert read_with(engine, "citations,year,citations\n1,2020,7\n", tmp_path) == [1.0]
    # Other fields too: "year" before "publication_year".
    path = tmp_path / "y.csv"
    path.write_text("citations,Publication Year,year\n1,1999,2020\n")
    with pytest.MonkeyPatch.context() as patch:
        force(patch, engine)
        table = read_table(str(path))
    years = (
        [p.year for p in table.papers.papers]
        if table.papers is not None
        else table.frame["year"].tolist()  # type: ignore[index]
    )
    assert years == [2020]


@pytest.mark.parametrize("engine", ALL)
@pytest.mark.parametrize(
    ("position", "accepted"), [("0", False), ("-1", False), ("1", True), ("3", True)]
)
def test_an_author_position_below_1_is_refused(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    engine: str,
    position: str,
    accepted: bool,
) -> None:
    force(monkeypatch, engine)
    path = tmp_path / "p.csv"
    path.write_text(
        f"citations,year,authors,author_position\n4,2020,A; B; C,1\n5,2021,A; B; C,{position}\n"
    )
    result = metrics(runner, "--input", str(path))
    if accepted:
        assert result.exit_code == 0, result.output
        [person] = json.loads(result.stdout)["people"]
        assert person["first_author_papers"] == (2 if position == "1" else 1)
        assert person["last_author_papers"] == (1 if position == "3" else 0)
    else:
        assert result.exit_code == 2
        assert errors(result.stderr) == [
            f"error: line 3: author position '{position}' is not a whole number >= 1"
        ]


def test_open_input_reads_a_pipe_once(tmp_path: Path) -> None:
    # A path that is not a regular file (a FIFO, <(cmd)) is spooled like stdin, so an
    # engine that declines can hand it over.
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(b"citations,year\n3,2020\n",))
    writer.start()
    with open_input(str(fifo), None) as opened:
        assert opened.size == len(b"citations,year\n3,2020\n")
        assert Path(opened.path).is_file()
    writer.join(timeout=30)
