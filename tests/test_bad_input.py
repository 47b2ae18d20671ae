"""Hostile and malformed input: one clear line, the right exit code, the cache intact."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import seed
from scholarcli.cli import app

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = st.sampled_from(
    [
        "&",
        "#",
        "/",
        "?",
        "%",
        "\u202e",
        "\u0301",
        "\x00",
        "\x1b[31m",
        "\n",
        "..",
        "'",
        '"',
        "*",
        "\\",
        "=",
        "+",
        "|",
        "🙂",
        "ß",
        "İ",
        "-",
    ]
)
NAMES = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(HOSTILE, st.text(min_size=1, max_size=6)), max_size=12).map("".join),
    st.just("x" * 5000),
    st.just(""),
)


def assert_clean_failure(result, allowed: set[int]) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code in allowed, (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    if result.exit_code != 0:
        lines = result.stderr.strip().splitlines()
        assert lines and lines[0].startswith("error: ")
        assert len(lines) <= 2 and all(line.startswith(("error: ", "hint: ")) for line in lines)
        assert result.stdout == ""


@pytest.fixture
def cached(runner: CliRunner, double_env, scholar_home: Path):  # type: ignore[no-untyped-def]
    """A valid cache holding the seed profile, and its JSON for later comparison."""
    seed.load(double_env)
    first = runner.invoke(app, ["author", seed.NAME, "-f", "json"])
    assert first.exit_code == 0
    return json.loads(first.stdout)["papers"]


def still_intact(runner: CliRunner, papers: list) -> None:  # type: ignore[type-arg]
    again = runner.invoke(app, ["author", seed.NAME, "-f", "json", "--offline"])
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["papers"] == papers


@FUZZ
@given(name=NAMES)
def test_fuzzed_names(runner: CliRunner, cached, double_env, name: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["author", name, "-f", "json"])
    assert_clean_failure(result, {0, 2, 3})
    for request in double_env.requests:
        if request.path.endswith("/author/search"):
            # Whatever the name held, the query reached the server as one parameter.
            assert list(request.query) == ["query", "fields", "limit"]
    still_intact(runner, cached)


@FUZZ
@given(
    ids=st.lists(
        st.one_of(st.text(max_size=25), st.from_regex(r"\d{1,25}", fullmatch=True)),
        min_size=1,
        max_size=3,
    )
)
def test_fuzzed_ids(runner: CliRunner, cached, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    args = ["author", "-f", "json"]
    for author_id in ids:
        args += ["--id", author_id]
    result = runner.invoke(app, args)
    assert_clean_failure(result, {0, 2, 3})
    still_intact(runner, cached)


@pytest.mark.parametrize(
    "args",
    [
        ["author", seed.NAME, "--limit", "-5"],
        ["author", seed.NAME, "--limit", "many"],
        ["author", seed.NAME, "--max-age", "-1d"],
        ["author", seed.NAME, "--max-age", "1e400d"],
        ["author", seed.NAME, "--max-age", "99999999999999w"],
        ["author", seed.NAME, "--as-of", "2026-13-45"],
        ["author", seed.NAME, "--as-of", "0000-01-01"],
        ["author", seed.NAME, "--sort", "shoe-size"],
        ["author", seed.NAME, "-f", ""],
        ["find", seed.NAME, "--limit", "100000"],
        ["find", ""],
        ["no-such-command"],
    ],
)
def test_options_out_of_range(runner: CliRunner, cached, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    still_intact(runner, cached)


@pytest.mark.parametrize(
    "environment",
    [
        {"SCHOLAR_TIMEOUT": "-3"},
        {"SCHOLAR_S2_INTERVAL": "soon"},
        {"SCHOLAR_S2_URL": "file:///etc/passwd"},
        {"SCHOLAR_MAX_ATTEMPTS": "0"},
    ],
)
def test_bad_environment_is_a_usage_error(runner: CliRunner, cached, environment) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["author", seed.NAME], env=environment)
    assert_clean_failure(result, {2})


@pytest.mark.parametrize("content", ["garbage", "foreign", "empty-tables", "truncated"])
def test_corrupt_or_foreign_cache_file(
    runner: CliRunner,
    double_env,
    scholar_home: Path,
    content: str,  # type: ignore[no-untyped-def]
) -> None:
    seed.load(double_env)
    scholar_home.mkdir(parents=True)
    db_path = scholar_home / "cache.sqlite3"
    if content == "garbage":
        db_path.write_bytes(b"\x00\xffnot sqlite" * 500)
    elif content == "truncated":
        good = runner.invoke(app, ["author", seed.NAME, "-f", "json"])
        assert good.exit_code == 0
        data = db_path.read_bytes()
        for side in scholar_home.glob("cache.sqlite3-*"):
            side.unlink()
        db_path.write_bytes(data[: len(data) // 3])
    else:
        conn = sqlite3.connect(db_path)
        conn.execute("CREATE TABLE notes(body TEXT)")
        if content == "foreign":
            conn.execute("INSERT INTO notes VALUES ('my thesis')")
        conn.commit()
        conn.close()
    before = db_path.read_bytes()
    result = runner.invoke(app, ["author", seed.NAME, "-f", "json"])
    # Another program's file is a configuration problem (2); a damaged one has its own
    # status (6) and a hint naming the recovery command.
    damaged = content in {"garbage", "truncated"}
    assert_clean_failure(result, {6} if damaged else {2})
    assert ("hint: run 'scholar cache recover'" in result.stderr) == damaged
    assert "hint: " in result.stderr
    assert db_path.read_bytes() == before  # refused, never rewritten


CSV_ISH = st.lists(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "citations",
                    "year",
                    "authors",
                    "Cites",
                    "Year",
                    "",
                    "NaN",
                    "-3",
                    "1e9",
                    "2020",
                    "0",
                    "12",
                    '"',
                    "=1+1",
                    "\x00",
                    "ß",
                    "x" * 300,
                ]
            ),
            st.text(max_size=8),
        ),
        max_size=5,
    ).map(lambda cells: ",".join(cells)),
    max_size=6,
).map(lambda rows: "\n".join(rows))
INPUTS = st.one_of(
    st.binary(max_size=300),
    CSV_ISH.map(str.encode),
    CSV_ISH.map(lambda text: ("citations,year\n" + text).encode()),
    st.sampled_from([b"\xff\xfe", b"{", b"[1, 2]", b'{"papers": 3}', b"\xef\xbb\xbf", b"null"]),
    st.just(("citations,year\n" + "1,2020\n" * 2000).encode("utf-16")),
)


@FUZZ
@given(data=INPUTS)
def test_fuzzed_input_files(runner: CliRunner, cached, data: bytes) -> None:  # type: ignore[no-untyped-def]
    """Any bytes on stdin: metrics or a one-line error naming what is wrong, exit 2."""
    result = runner.invoke(app, ["metrics", "--input", "-", "-f", "json"], input=data)
    assert_clean_failure(result, {0, 2})
    if result.exit_code == 0:
        rows = json.loads(result.stdout)
        assert rows
    still_intact(runner, cached)


def test_input_file_errors(runner: CliRunner, cached, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = runner.invoke(app, ["metrics", "--input", str(tmp_path / "nope.csv")])
    assert_clean_failure(missing, {2})
    folder = runner.invoke(app, ["metrics", "--input", str(tmp_path)])
    assert_clean_failure(folder, {2})
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("citations,year,authors\n3,2020,Jos\xe9\n".encode("latin-1"))
    wrong = runner.invoke(app, ["metrics", "--input", str(latin1)])
    assert_clean_failure(wrong, {0, 2})
    huge = tmp_path / "huge.csv"
    huge.write_text("citations,year,authors\n3,2020," + "A" * 5_000_000 + "\n")
    big = runner.invoke(app, ["metrics", "--input", str(huge), "-f", "json"])
    assert_clean_failure(big, {0, 2})


def test_damage_found_mid_run_is_one_clear_line(
    runner: CliRunner,
    cached,
    scholar_home: Path,  # type: ignore[no-untyped-def]
) -> None:
    """A page of the papers table overwritten: opening works, reading it fails."""
    db_path = scholar_home / "cache.sqlite3"
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'papers'").fetchone()[
            0
        ]
    conn.close()
    data = bytearray(db_path.read_bytes())
    data[(root - 1) * page_size : root * page_size] = b"\xde\xad" * (page_size // 2)
    db_path.write_bytes(bytes(data))
    result = runner.invoke(app, ["author", seed.NAME, "-f", "json", "--offline"])
    assert_clean_failure(result, {6})
    assert "damaged" in result.stderr and "scholar cache recover" in result.stderr
