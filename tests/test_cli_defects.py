"""Defects a new user met in the first hour (issue 11, item 5), each pinned by a test.

Help and option errors in words, ids never cut in tables, control characters escaped,
a broken pipe under a table, the URL without colour, the retry note, --as-of bounds,
compare's argument check, and people found printed when others are not.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
import requests
import typer.main
from typer.testing import CliRunner

import seed
from scholarcli import render
from scholarcli.cli import app
from scholarcli.commands.author import FIND_FIELDS
from scholarcli.commands.track import TRACKED_FIELDS
from scholarcli.errors import SourceError, printable
from scholarcli.models import Profile, ProfilePaper
from scholarcli.sources.http import HttpClient, RateLimiter, RetryPolicy

AS_OF = "2026-11-27"


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def command_paths() -> list[list[str]]:
    """Every command and subcommand, as the words that name it."""
    paths: list[list[str]] = [[]]

    def walk(command, prefix: list[str]) -> None:  # type: ignore[no-untyped-def]
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


# ------------------------------------------------------------- help and option errors


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "scholar")
def test_help_shows_no_python_types(runner: CliRunner, path: list[str]) -> None:
    result = run(runner, *path, "--help", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert not re.search(r"<(bool|str|int|float|list\[[^>]*\])>", result.stdout), result.stdout
    if "--format" in result.stdout:
        line = next(line for line in result.stdout.splitlines() if "--format" in line)
        # export writes reference-manager formats; every other command, records.
        choices = "bibtex|ris|csljson" if path == ["export"] else "table|csv|json|jsonl|markdown"
        assert choices in line


def test_help_names_values_as_a_person_would(runner: CliRunner) -> None:
    text = run(runner, "author", "--help", env={"COLUMNS": "200"}).stdout
    rows = {line.split()[1]: line for line in text.splitlines() if re.match(r"^│ --", line)}
    assert re.search(r"--limit\s+N\s", rows["--limit"])
    assert re.search(r"--as-of\s+DATE\s", rows["--as-of"])
    assert re.search(r"--sort\s+citations\|date\|score\s", rows["--sort"])
    assert "Show abstracts" in rows["--abstracts"]  # a flag shows no placeholder at all
    assert rows["--abstracts"].split()[2] == "Show"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["find", "x", "--limit", "abc"], "error: --limit: 'abc' is not a number"),
        (["find", "x", "--limit", "2.5"], "error: --limit: '2.5' is not a whole number"),
        (["author", "x", "--limit", ""], "error: --limit: '' is not a number"),
        (
            ["author", "x", "--sort", "fame"],
            "error: --sort: 'fame' is not one of citations, date, score",
        ),
    ],
)
def test_bad_option_values_are_worded_plainly(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = run(runner, *args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == message
    assert lines[1].startswith("hint: see 'scholar ")
    assert "Input should be" not in result.stderr and "Value error" not in result.stderr


def test_enum_option_takes_any_case_and_still_works(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "author", seed.NAME, "--sort", "DATE", "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    dates = [paper["date"] for paper in json.loads(result.stdout)["papers"]]
    assert dates == sorted(dates, reverse=True)


# ------------------------------------------------------------- control characters


def test_printable_escapes_control_characters_only() -> None:
    assert printable("Zoë Łukasik-Müller") == "Zoë Łukasik-Müller"
    assert printable("a\x00b\x1b[31mc\rd\x7f") == "a\\x00b\\x1b[31mc\\rd\\x7f"
    assert printable("two\nlines\tand tab") == "two\nlines\tand tab"


@pytest.mark.parametrize(
    "args",
    [
        ["author", "--\x1b[2Jx"],  # typer's own usage error
        ["history", "Nob\x1b[31mody\x00"],  # our error with the name in it
        ["author", "x", "--as-of", "\x07\x00"],
    ],
)
def test_errors_never_echo_control_characters(runner: CliRunner, args: list[str]) -> None:
    result = run(runner, *args)
    assert result.exit_code in (2, 3)
    assert result.stderr.startswith("error: ")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", result.stderr), repr(result.stderr)
    assert "\\x1b" in result.stderr or "\\x07" in result.stderr


# ------------------------------------------------------------- ids in tables


def find_records() -> list[dict[str, object]]:
    return [
        {
            "author_id": "2112233445",
            "name": "Du-Seong Chang",
            "affiliations": ["KT Corporation", "Sogang University"],
            "paper_count": 9,
            "citation_count": 753,
            "h_index": 5,
            "recent_titles": ["How Do Large Language Models Acquire Factual Knowledge?"],
            "url": "https://www.semanticscholar.org/author/2112233445",
        },
        {
            "author_id": "2287654321987",
            "name": "Du Seong Chang",
            "affiliations": [],
            "paper_count": 1,
            "citation_count": 3,
            "h_index": 1,
            "recent_titles": ["Some namesake paper"],
            "url": "https://www.semanticscholar.org/author/2287654321987",
        },
    ]


def tracked_records() -> list[dict[str, object]]:
    return [
        {
            "key": "du-seong chang",
            "name": "Du-Seong Chang",
            "label": "DSC",
            "ids": ["2112233445", "2287654321"],
            "last_refresh": "2026-12-05T08:00:00+00:00",
            "status": "ok",
            "papers": 9,
            "citations": 753,
            "h_index": 5,
            "added_at": "2026-12-01T08:00:00+00:00",
        },
        {
            "key": "zoë łukasik-müller",
            "name": "Zoë Łukasik-Müller",
            "label": None,
            "ids": ["1234567890"],
            "last_refresh": None,
            "status": "never",
            "papers": None,
            "citations": None,
            "h_index": None,
            "added_at": "2026-12-01T08:00:00+00:00",
        },
    ]


def table_text(records: list[dict[str, object]], fields: tuple[str, ...], width: int) -> str:
    env = render.OutputEnv(stdout_isatty=True, stderr_isatty=True, width=width, color=False)
    out = io.StringIO()
    render.render_records(records, fields, "table", out, env, title="Table")
    return out.getvalue()


@pytest.mark.parametrize("width", [60, 80, 88, 120, 200])
def test_find_and_tracked_tables_never_cut_an_id(width: int) -> None:
    for records, fields, keys in (
        (find_records(), FIND_FIELDS, ("author_id",)),
        (tracked_records(), TRACKED_FIELDS, ("key", "ids")),
    ):
        text = table_text(records, fields, width)
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= width, text
        assert "…" not in text
        for record in records:
            for key in keys:
                values = record[key] if isinstance(record[key], list) else [record[key]]
                for value in values:  # type: ignore[union-attr]
                    assert any(str(value) in line for line in lines), (value, width, text)


def test_a_narrow_table_drops_text_columns_and_says_which() -> None:
    text = table_text(find_records(), FIND_FIELDS, 80)
    header = next(line for line in text.splitlines() if "author_id" in line)
    assert "url" not in header and "recent_titles" not in header
    assert "h_index" in header  # numbers stay while text can go
    assert "Not shown at this width: recent_titles, url" in " ".join(text.split())
    wide = table_text(find_records(), FIND_FIELDS, 200)
    assert "Not shown" not in wide
    assert "https://www.semanticscholar.org/author/" in wide  # wrapped if need be, not cut


def test_find_on_an_80_column_terminal_keeps_ids(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.add_author("228765432198", "Du Seong Chang")
    seeded.add_paper(
        "9" * 40,
        title="Some namesake paper",
        year=2021,
        authors=[("228765432198", "Du Seong Chang")],
        citation_count=3,
    )
    result = run(runner, "find", seed.NAME, "-f", "table", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert seed.AUTHOR_ID in result.stdout and "228765432198" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


# ------------------------------------------------------------- broken pipe, NO_COLOR


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError


def one_paper_profile() -> Profile:
    paper = ProfilePaper(
        paper_id="a" * 40,
        title="Token-Scaled Logit Distillation",
        authors=["Minsoo Kim"],
        author_position=1,
        date="2023-08-13",
        year=2023,
        venue="",
        category="cs.CL",
        citations=40,
        influential_citations=0,
        cites_per_year=10.0,
        code_url="https://github.com/aiha-lab/TSLD",
        abstract=None,
        url=None,
    )
    return Profile(
        name="Du-Seong Chang",
        ids=["1"],
        affiliations=[],
        as_of="2026-11-27",
        primary_category=None,
        primary_category_name=None,
        metrics={},
        papers=[paper],
    )


def test_a_table_into_a_closed_pipe_raises_broken_pipe_not_exit_1() -> None:
    env = render.OutputEnv(stdout_isatty=False, stderr_isatty=False, width=80, color=False)
    with pytest.raises(BrokenPipeError):
        render.render_profile(one_paper_profile(), "table", ClosedPipe(), env)


@pytest.mark.slow
def test_table_piped_into_head_exits_0(seeded, scholar_home) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    seeded.populate_synthetic("700400", "Pipe Tester", 400, arxiv_fraction=0.0)
    command = [sys.executable, "-m", "scholarcli", "author", "Pipe Tester", "-f", "table"]
    fill = subprocess.run([*command[:-2], "-f", "json"], capture_output=True, env=os.environ)
    assert fill.returncode == 0, fill.stderr
    # ~400 rows with --all are far more than a pipe buffer: the writer must meet EPIPE.
    child = subprocess.Popen(
        [*command, "--all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.readline()
    child.stdout.close()
    stderr = child.stderr.read()
    assert child.wait(timeout=60) == 0, stderr
    assert stderr == b""


def test_without_colour_the_code_url_is_printed(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    # 120 columns: at 80 a long URL folds onto a second line (still whole, not cut).
    result = run(
        runner, "author", seed.NAME, "-f", "table", "--as-of", AS_OF, env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.stderr
    for paper in seed.PAPERS:
        if paper.code_url:
            assert paper.code_url in result.stdout
    env = render.OutputEnv(stdout_isatty=True, stderr_isatty=True, width=120, color=True)
    out = io.StringIO()
    render.render_profile(one_paper_profile(), "table", out, env)
    assert "\x1b]8;" in out.getvalue()  # with colour: a hyperlink on "Code" instead
    assert out.getvalue().count("https://github.com/aiha-lab/TSLD") == 1


# ------------------------------------------------------------- unreachable source


class Refusing(requests.adapters.BaseAdapter):
    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        raise requests.ConnectionError("refused")

    def close(self) -> None:
        pass


def refusing_client(notes: list[str], **policy: float) -> tuple[HttpClient, list[float]]:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    session = requests.Session()
    session.mount("http://", Refusing())
    http = HttpClient(
        "Semantic Scholar",
        timeout=2,
        limiter=RateLimiter(0, None, "test", clock=lambda: now[0], sleep=sleep),
        policy=RetryPolicy(**policy),  # type: ignore[arg-type]
        session=session,
        sleep=sleep,
        clock=lambda: now[0],
        rng=lambda: 0.5,
        on_retry=notes.append,
    )
    return http, sleeps


def test_an_unreachable_source_says_at_once_what_it_retries_and_how_long() -> None:
    notes: list[str] = []
    http, sleeps = refusing_client(notes)
    with pytest.raises(SourceError) as info:
        http.request("GET", "http://s2/x", lambda r: r)
    assert notes == [
        "Semantic Scholar: connection failed (ConnectionError); "
        "retrying up to 5 more times for at most 62 s"
    ]
    assert len(sleeps) == 5 and sum(sleeps) <= 62
    assert "could not be reached" in (info.value.hint or "")
    # --offline is added by the error boundary, and only when the cache holds something.
    assert info.value.offline_may_answer


def test_no_retry_note_when_retries_do_not_wait() -> None:
    notes: list[str] = []
    http, _ = refusing_client(notes, backoff_base=0)
    with pytest.raises(SourceError):
        http.request("GET", "http://s2/x", lambda r: r)
    assert notes == []


# ------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    "value",
    ["0001-01-01", "1899-12-31", (date.today() + timedelta(days=1)).isoformat(), "9999-12-31"],
)
def test_as_of_outside_1900_to_today_is_refused(runner: CliRunner, value: str) -> None:
    result = run(runner, "author", seed.NAME, "--as-of", value)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --as-of {value} is outside 1900 to today")


def test_as_of_bounds_themselves_are_accepted(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    for value in ("1900-01-01", date.today().isoformat()):
        result = run(runner, "author", seed.NAME, "-f", "json", "--as-of", value)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["author"]["as_of"] == value


def test_compare_with_one_person_refuses_before_fetching(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "compare", seed.NAME)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: compare needs at least two people")
    assert seeded.count() == 0
    assert run(runner, "compare", "--id", "1", "--id", "2").exit_code == 2  # one person
    assert seeded.count() == 0


def test_metrics_prints_the_people_found_and_names_the_missing(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(
        runner, "metrics", seed.NAME, "Nobody Atall", "Nemo Ghost", "-f", "csv", "--as-of", AS_OF
    )
    assert result.exit_code == 3
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["name"] for row in rows] == [seed.NAME]
    assert rows[0]["h_index"] == "5"
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert "Nobody Atall" in errors[0] and "Nemo Ghost" in errors[1]
    assert result.stderr.splitlines()[-1].startswith("hint: ")


def test_compare_prints_the_people_found_and_names_the_missing(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "compare", seed.NAME, "Nobody Atall", "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 3
    payload = json.loads(result.stdout)
    assert [person["name"] for person in payload["people"]] == [seed.NAME]
    assert "Nobody Atall" in result.stderr


def test_nobody_found_is_still_exit_3_with_nothing_printed(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "metrics", "Nobody Atall", "-f", "csv")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "Nobody Atall" in result.stderr


def test_every_command_parameter_gets_the_human_parsing() -> None:
    """humanize covers the whole tree, so a command added later gets it for free."""
    from scholarcli.commands.params import HumanArgument, HumanOption, humanize

    group = typer.main.get_command(app)
    humanize(group)
    seen = 0

    def walk(command) -> None:  # type: ignore[no-untyped-def]
        nonlocal seen
        for param in command.params:
            assert isinstance(param, HumanOption | HumanArgument), (command.name, param.name)
            seen += 1
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(group)
    assert seen > 50


def test_the_retry_note_comes_once_per_streak_of_failures() -> None:
    notes: list[str] = []
    http, _ = refusing_client(notes)
    for _ in range(3):  # later requests of a run that keeps failing: no repeated note
        with pytest.raises(SourceError):
            http.request("GET", "http://s2/x", lambda r: r)
    assert len(notes) == 1


def test_an_unreachable_source_is_announced_through_the_cli(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The autouse fixture points S2 at a closed loopback port; a small backoff (about
    # 1.5 s of retries at most) makes the wait worth announcing.
    monkeypatch.setenv("SCHOLAR_BACKOFF_BASE", "0.05")
    result = run(runner, "author", seed.NAME)
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    assert lines[0].startswith("note: Semantic Scholar: connection failed")
    assert "retrying up to 5 more times for at most 2 s" in lines[0]
    assert lines[-2].startswith("error: Semantic Scholar: connection failed")
    assert lines[-1].startswith("hint: Semantic Scholar could not be reached")


def test_warnings_escape_control_characters_too() -> None:
    env = render.OutputEnv(stdout_isatty=False, stderr_isatty=False, width=200, color=False)
    err = io.StringIO()
    render.warn(env, "bad cell 'x\x1b[2J\x00'", file=err)
    assert err.getvalue() == "warning: bad cell 'x\\x1b[2J\\x00'\n"
