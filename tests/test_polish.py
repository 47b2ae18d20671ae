"""One vocabulary, one JSON convention and the quieter, stricter edges of #21 item 6.

Sort words, ``-i`` on every ``--input``, refresh's own name for "refetch every list",
help placeholders, JSON roots, ambiguous surnames and "Last, First", the early
``--as-of`` warning, ``history --paper`` ref forms and the one-line "other profiles
match" note. Each test failed before its fix.
"""

from __future__ import annotations

import json
import re

import pytest
import typer.main
from typer.testing import CliRunner

import seed
from scholarcli.cli import app

AS_OF = "2026-11-27"


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def ids_of(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [json.loads(line)["paper_id"] for line in result.stdout.splitlines()]


# ------------------------------------------------------------------ one vocabulary


def test_author_sort_takes_year_as_date(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    by_date = run(runner, "author", seed.NAME, "--sort", "date", "-f", "jsonl")
    by_year = run(runner, "author", seed.NAME, "--sort", "year", "-f", "jsonl")
    assert by_date.exit_code == 0 and by_year.exit_code == 0, by_year.stderr
    assert ids_of(by_year) == ids_of(by_date)
    dates = [json.loads(line)["date"] for line in by_year.stdout.splitlines()]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1


def test_search_and_paper_sort_take_date(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    # search: the name is date, year its alias; both ask S2 for the same order.
    for word in ("date", "year"):
        result = run(runner, "search", "distillation", "--sort", word, "-f", "jsonl")
        assert result.exit_code in (0, 3), result.stderr
        assert "is not one of" not in result.stderr
    first = seed.PAPERS[0].paper_id
    one = run(runner, "paper", first, "--citations", "--sort", "date", "-f", "jsonl")
    assert "is not one of" not in one.stderr, one.stderr
    assert one.exit_code in (0, 3), one.stderr


def test_bad_sort_names_the_words_without_the_alias(runner: CliRunner) -> None:
    result = run(runner, "author", "x", "--sort", "newest")
    assert result.exit_code == 2
    assert "citations, date, score" in result.stderr


def command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(command, prefix: list[str]) -> None:  # type: ignore[no-untyped-def]
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


def options_of(path: list[str]) -> list:  # type: ignore[type-arg]
    command = typer.main.get_command(app)
    for word in path:
        command = command.commands[word]  # type: ignore[attr-defined]
    return list(command.params)


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_input_option_has_i(path: list[str]) -> None:
    for param in options_of(path):
        if "--input" in getattr(param, "opts", []):
            assert "-i" in param.opts, f"{' '.join(path)} --input has no -i"


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_help_placeholders_one_convention(runner: CliRunner, path: list[str]) -> None:
    usage = run(runner, *path, "--help", env={"COLUMNS": "200"}).stdout
    line = next(line for line in usage.splitlines() if "Usage:" in line)
    assert "{" not in line, line  # typer's {name}: ours is NAME, or [NAME] when optional
    args = line.split("[OPTIONS]", 1)[-1].split()
    for word in args:
        assert word.strip("[].") == word.strip("[].").upper(), line


def test_refresh_refetch_all_has_its_own_name(runner: CliRunner) -> None:
    text = run(runner, "refresh", "--help", env={"COLUMNS": "200"}).stdout
    assert "--refetch-all" in text
    assert not re.search(r"--all\b", text.replace("--refetch-all", ""))  # hidden alias


def test_refresh_all_still_works_with_a_warning(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", seed.NAME).exit_code == 0
    old = run(runner, "refresh", "--all", "-f", "json")
    assert old.exit_code == 0, old.stderr
    assert "--refetch-all" in old.stderr and "deprecated" in old.stderr
    new = run(runner, "refresh", "--refetch-all", "-f", "json")
    assert new.exit_code == 0, new.stderr
    assert "deprecated" not in new.stderr
    assert json.loads(new.stdout)["refreshed"] == json.loads(old.stdout)["refreshed"]
    assert len(json.loads(new.stdout)["refreshed"]) == 1
    quiet = run(runner, "refresh", "--all", "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""


# ------------------------------------------------------------------ one JSON convention

#: Every command's ``-f json`` root keys, as docs/output.md lists them.
JSON_ROOTS: list[tuple[list[str], set[str]]] = [
    (["author", seed.NAME], {"author", "papers", "provenance"}),
    (["find", seed.NAME], {"candidates"}),
    (["paper", seed.PAPERS[0].arxiv_id], {"papers"}),
    (["paper", seed.PAPERS[0].paper_id, "--citations"], {"paper", "papers"}),
    (["search", "distillation"], {"papers"}),
    (["metrics", seed.NAME], {"people"}),
    (["compare", seed.NAME, "--id", seed.AUTHOR_ID], {"people", "metrics"}),
    (["timeline", seed.NAME], {"per_year"}),
    (["coauthors", seed.NAME], {"coauthors"}),
    (["group", seed.NAME], {"group", "members", "network"}),
    (["tracked"], {"tracked"}),
    (["refresh", "--dry-run"], {"plan"}),
    (["history", seed.NAME], {"history"}),
    (["curate", "list", seed.NAME], {"rules"}),
    (["cache", "info"], {"cache"}),
]


def test_every_command_prints_one_object_naming_what_it_holds(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", seed.NAME).exit_code == 0
    assert run(runner, "refresh", "-q").exit_code == 0
    for args, keys in JSON_ROOTS:
        result = (
            run(runner, *args, "-f", "json", "--as-of", AS_OF)
            if args[0]
            in {
                "author",
                "metrics",
                "compare",
            }
            else run(runner, *args, "-f", "json")
        )
        assert result.exit_code == 0, (args, result.stderr)
        document = json.loads(result.stdout)
        assert isinstance(document, dict), f"{' '.join(args)} printed a bare {type(document)}"
        assert set(document) == keys, (args, sorted(document))
    author = json.loads(run(runner, "author", seed.NAME, "-f", "json").stdout)
    assert isinstance(author["author"], dict) and isinstance(author["papers"], list)
    assert isinstance(json.loads(run(runner, "cache", "info", "-f", "json").stdout)["cache"], dict)


def test_docs_list_every_json_root() -> None:
    from pathlib import Path

    page = (Path(__file__).parents[1] / "docs" / "output.md").read_text(encoding="utf-8")
    section = page.split("## JSON roots", 1)[1].split("\n## ", 1)[0]
    for args, keys in JSON_ROOTS:
        row = next((line for line in section.splitlines() if f"`{args[0]}" in line), None)
        assert row is not None, f"docs/output.md does not list {args[0]}"
        for key in keys:
            assert f"`{key}`" in section, key


# ------------------------------------------------------------------ who a name means


def namesakes(double) -> None:  # type: ignore[no-untyped-def]
    """Two more Changs beside the seed author, each with a paper."""
    for n, (author_id, name) in enumerate((("701", "Mei Chang"), ("702", "Hyun-Woo Chang"))):
        double.add_author(author_id, name)
        double.add_paper(
            f"{0xC0 + n:02x}" * 20,
            title=f"A paper by {name}",
            year=2020,
            publication_date="2020-05-01",
            venue="Journal of Examples",
            authors=[(author_id, name)],
            citation_count=3,
        )


@pytest.mark.parametrize("command", ["metrics", "author", "coauthors", "track"])
def test_a_bare_surname_of_several_profiles_is_refused(
    runner: CliRunner, seeded, command: str
) -> None:  # type: ignore[no-untyped-def]
    namesakes(seeded)
    result = (
        run(runner, command, "Chang", "-f", "json")
        if command != "track"
        else run(runner, command, "Chang")
    )
    assert result.exit_code == 3, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: 'Chang' matches 3 Semantic Scholar profiles")
    assert lines[1].startswith("hint: ") and "--id" in lines[1] and "full name" in lines[1]
    listing = "\n".join(lines[2:])
    for author_id in (seed.AUTHOR_ID, "701", "702"):
        assert author_id in listing
    assert "Mei Chang" in listing


def test_a_full_name_or_an_id_still_chooses_among_namesakes(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    namesakes(seeded)
    full = run(runner, "metrics", seed.NAME, "-f", "json", "--as-of", AS_OF)
    assert full.exit_code == 0, full.stderr
    assert json.loads(full.stdout)["people"][0]["citations"] == seed.CITATIONS
    assert run(runner, "metrics", "--id", "701", "-f", "json").exit_code == 0


def test_a_bare_name_of_one_profile_is_taken(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.add_author("703", "Zhivago")
    seeded.add_paper(
        "d" * 40,
        title="Poems",
        year=2021,
        publication_date="2021-01-01",
        venue="V",
        authors=[("703", "Zhivago")],
        citation_count=1,
    )
    assert run(runner, "metrics", "Zhivago", "-f", "json").exit_code == 0


@pytest.mark.parametrize("command", ["metrics", "author", "find", "coauthors"])
def test_last_comma_first_is_the_same_person(runner: CliRunner, seeded, command: str) -> None:  # type: ignore[no-untyped-def]
    namesakes(seeded)
    given = (
        run(runner, command, "Chang, Du-Seong", "-f", "json", "--as-of", AS_OF)
        if command
        in {
            "metrics",
            "author",
        }
        else run(runner, command, "Chang, Du-Seong", "-f", "json")
    )
    natural = (
        run(runner, command, seed.NAME, "-f", "json", "--as-of", AS_OF)
        if command
        in {
            "metrics",
            "author",
        }
        else run(runner, command, seed.NAME, "-f", "json")
    )
    assert given.exit_code == 0, given.stderr
    assert json.loads(given.stdout) == json.loads(natural.stdout)
    # S2 is asked once, for the name in its natural order: the second run is a cache hit.
    asked = [r.query.get("query", [""])[0] for r in seeded.requests if "search" in r.path]
    # (find always asks: twice, the same words.)
    assert len(asked) == (2 if command == "find" else 1), asked
    assert len(set(asked)) == 1 and asked[0].split()[-1] == "Chang", asked
    if command == "find":
        assert json.loads(given.stdout)["candidates"][0]["author_id"] == seed.AUTHOR_ID


def test_natural_order_turns_only_last_comma_first() -> None:
    from scholarcli.core import natural_order

    assert natural_order("Chang, Du-Seong") == "Du-Seong Chang"
    assert natural_order("  Curie ,Marie ") == "Marie Curie"
    assert natural_order("Du-Seong Chang") == "Du-Seong Chang"
    assert natural_order("Smith, Jr., John") == "Smith, Jr., John"
    assert natural_order("Chang,") == "Chang,"


# ------------------------------------------------------------------ the namesake note


def test_other_profiles_note_once_on_the_fetch_in_one_line(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    for author_id, name in (("801", "Du Seong Chang Kim"), ("802", "Du-Seong Chang Lee")):
        seeded.add_author(author_id, name)
        seeded.add_paper(
            f"{author_id}".ljust(40, "0"),
            title=f"By {name}",
            year=2020,
            authors=[(author_id, name)],
            citation_count=1,
        )
    for command in ("author", "coauthors"):
        first = run(runner, command, seed.NAME, "-f", "json")
        assert first.exit_code == 0, first.stderr
        notes = [line for line in first.stderr.splitlines() if "other Semantic Scholar" in line]
        if command == "author":  # the search was fetched by this run: said, on one line
            assert len(notes) == 1, first.stderr
            assert notes[0].startswith("note: 2 other Semantic Scholar profile(s)")
            assert "scholar find" in notes[0] and "--id" in notes[0]
        again = run(runner, command, seed.NAME, "-f", "json")  # a cache hit: not again
        assert again.exit_code == 0, again.stderr
        assert "other Semantic Scholar" not in again.stderr, again.stderr
    refreshed = run(runner, "author", seed.NAME, "-f", "json", "--refresh")  # asked again
    assert "other Semantic Scholar" in refreshed.stderr


# ------------------------------------------------------------------ --as-of too early


@pytest.mark.parametrize(
    "args",
    [["author", seed.NAME], ["metrics", seed.NAME], ["compare", seed.NAME, "--id", seed.AUTHOR_ID]],
    ids=lambda a: a[0],
)
def test_as_of_before_every_paper_warns_in_one_line(
    runner: CliRunner, seeded, args: list[str]
) -> None:  # type: ignore[no-untyped-def]
    first = min(int(p.published[:4]) for p in seed.PAPERS)
    early = run(runner, *args, "-f", "json", "--as-of", f"{first - 3}-06-01")
    assert early.exit_code == 0, early.stderr
    warnings = [line for line in early.stderr.splitlines() if "before the first paper" in line]
    assert len(warnings) == 1 + (args[0] == "compare"), early.stderr  # compare: per person
    assert warnings[0].startswith(
        f"warning: --as-of {first - 3}-06-01 is before the first paper ({first})"
    )
    same_year = run(runner, *args, "-f", "json", "--as-of", f"{first}-01-01")
    assert "before the first paper" not in same_year.stderr


# ------------------------------------------------------------------ history --paper refs


def test_history_paper_takes_every_ref_form(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", seed.NAME).exit_code == 0
    assert run(runner, "refresh", "-q").exit_code == 0
    paper = seed.PAPERS[0]
    by_id = run(runner, "history", "--paper", paper.paper_id, "-f", "json")
    assert by_id.exit_code == 0, by_id.stderr
    expected = json.loads(by_id.stdout)["history"]
    assert expected and expected[0]["citations"] == paper.citations
    for ref in (
        paper.arxiv_id,
        f"arXiv:{paper.arxiv_id}v2",
        f"https://arxiv.org/abs/{paper.arxiv_id}",
        f"10.48550/arXiv.{paper.arxiv_id}",
        f"https://doi.org/10.48550/ARXIV.{paper.arxiv_id}",
        f"https://www.semanticscholar.org/paper/Some-Title/{paper.paper_id}",
        paper.paper_id.upper(),
    ):
        result = run(runner, "history", "--paper", ref, "-f", "json")
        assert result.exit_code == 0, (ref, result.stderr)
        assert json.loads(result.stdout)["history"] == expected, ref
    unknown = run(runner, "history", "--paper", "2401.00001")
    assert unknown.exit_code == 3 and "no snapshots of paper '2401.00001'" in unknown.stderr
    title = run(runner, "history", "--paper", "a quoted title")
    assert title.exit_code == 2 and title.stderr.startswith("error: --paper")


# ------------------------------------------------------------------ the report


@pytest.mark.parametrize("name", ["report.pdf", "report.PNG", "report", "r.html.txt"])
def test_report_refuses_an_output_that_is_not_html(
    runner: CliRunner, double_env, tmp_path, name: str
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / name
    result = run(runner, "report", seed.NAME, "-o", str(target))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: --output {str(target)!r}: the report is an HTML")
    assert not target.exists() and double_env.count() == 0


def test_report_cuts_long_venues_with_the_full_name_in_a_title(
    runner: CliRunner, seeded, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    long = "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics"
    seeded.add_paper(
        "b" * 40,
        title="A paper with a long venue",
        year=2023,
        publication_date="2023-07-01",
        venue=long,
        authors=[(seed.AUTHOR_ID, seed.NAME)],
        citation_count=2,
    )
    target = tmp_path / "r.htm"
    result = run(runner, "report", seed.NAME, "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    cell = re.search(r'<td data-value="' + re.escape(long) + r'" class="venue">(.*?)</td>', page)
    assert cell is not None
    assert f'title="{long}"' in cell.group(1)
    visible = re.sub(r"<[^>]+>", "", cell.group(1))
    assert visible.endswith("…") and len(visible) <= 40 and long.startswith(visible[:-1])
    short = re.search(r'<td data-value="arXiv.org" class="venue">(.*?)</td>', page)
    assert short is not None and short.group(1) == "arXiv.org"
