"""The documentation in the repository: every command and variable documented, the README's
set-up commands are CI's, exit codes as errors.py defines them, and every link resolves."""

from __future__ import annotations

import functools
import re
import shlex
from pathlib import Path
from typing import Any

import typer

from scholarcli.cli import app
from scholarcli.commands.params import humanize
from scholarcli.errors import ExitStatus

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
CAPABILITY_PAGES = [
    "profiles.md",
    "metrics.md",
    "novelty.md",
    "papers.md",
    "tracking.md",
    "report.md",
    "datasets.md",
    "sources.md",
    "configuration.md",
]
# The manual: README and the written pages (docs/cli.md is generated from the help).
WRITTEN = [ROOT / "README.md"] + [p for p in sorted(DOCS.glob("*.md")) if p.name != "cli.md"]
MANUAL = "\n".join(p.read_text(encoding="utf-8") for p in WRITTEN)


def command_paths(group: typer.Typer, prefix: str = "scholar") -> list[str]:
    paths = [f"{prefix} {c.name or c.callback.__name__}" for c in group.registered_commands]  # type: ignore[union-attr]
    for sub in group.registered_groups:
        paths += command_paths(sub.typer_instance, f"{prefix} {sub.name}")  # type: ignore[arg-type]
    return paths


def test_there_is_a_page_per_capability_and_a_design_page() -> None:
    missing = [
        name for name in [*CAPABILITY_PAGES, "design.md", "cli.md"] if not (DOCS / name).is_file()
    ]
    assert missing == []
    linked = [name for name in CAPABILITY_PAGES if f"(docs/{name})" not in README]
    assert linked == []


def test_the_readme_is_short() -> None:
    assert len(README.splitlines()) <= 250


def test_every_command_is_documented_in_the_written_pages() -> None:
    paths = command_paths(app)
    assert len(paths) >= 14
    missing = [path for path in paths if path not in MANUAL]
    assert missing == []


def test_every_command_has_help_text() -> None:
    for command in app.registered_commands:
        assert (command.callback.__doc__ or "").strip(), command.callback  # type: ignore[union-attr]


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in setup.splitlines() if line.startswith("    ")]
    assert len(commands) == 2
    assert "scholar author" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_the_readme_states_no_test_count_that_goes_stale() -> None:
    # Reported: "about 700 tests" when there were 1,201.
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    assert not re.search(r"\d[\d,]* tests", setup)


def test_every_environment_variable_is_documented() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "scholarcli").rglob("*.py"))
    names = set(re.findall(r'"((?:SCHOLAR|SEMANTIC_SCHOLAR)_[A-Z0-9_]+)"', source))
    assert {"SCHOLAR_HOME", "SCHOLAR_S2_URL", "SEMANTIC_SCHOLAR_API_KEY"} <= names
    configuration = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert [n for n in sorted(names) if f"`{n}`" not in configuration] == []


def test_the_exit_code_table_is_errors_py() -> None:
    page = (DOCS / "configuration.md").read_text(encoding="utf-8")
    table = page.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    codes = [int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)]
    assert codes == sorted(int(status) for status in ExitStatus)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text, fence = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence and line.startswith("#"):
            text.append(slug(line.lstrip("#")))
    return set(text)


def test_every_relative_link_and_anchor_resolves() -> None:
    broken = []
    for page in [*WRITTEN, DOCS / "cli.md"]:
        text = page.read_text(encoding="utf-8")
        text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
        text = re.sub(r"`[^`\n]*`", "", text)  # a link shown as code is not a link
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            file_part, _, anchor = target.partition("#")
            linked = (page.parent / file_part).resolve() if file_part else page
            if not linked.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert broken == []


def test_slugs_follow_github() -> None:
    assert slug("Disruption (`--disruption`)") == "disruption---disruption"
    assert slug("`scholar author NAME`") == "scholar-author-name"
    assert slug("Retries, timeouts and the shared pace") == "retries-timeouts-and-the-shared-pace"


def usage_lines(text: str) -> list[tuple[int, str]]:
    """The ``scholar ...`` commands of a page's indented (not fenced) code lines, each
    pipeline stage and ``&&`` step on its own, without redirections and comments."""
    found, fence = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            fence = not fence
        if fence or not line.startswith("    "):
            continue
        for part in re.split(r"\s(?:&&|\|\|?|;)\s", line.strip().split(" #", 1)[0]):
            words = shlex.split(part)
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                words.pop(0)
            if words[:1] == ["scholar"]:
                cut = [i for i, w in enumerate(words) if w.startswith(">") or w == "2>"]
                found.append((number, shlex.join(words[: cut[0]] if cut else words)))
    return found


@functools.cache
def scholar_command() -> Any:
    root = typer.main.get_command(app)
    humanize(root)
    return root


def parse_problem(line: str) -> str | None:
    """Why the CLI's parser refuses a usage line (options, choices, values), or None."""
    args, name, command = shlex.split(line)[1:], "scholar", scholar_command()
    while args and args[0] in getattr(command, "commands", {}):
        name = args[0]
        command = command.commands[args.pop(0)]
    try:
        with command.make_context(name, args):
            return None
    except Exception as exc:  # typer's usage errors live in a private module
        return f"{type(exc).__name__}: {exc}"


def test_every_usage_line_in_the_pages_is_accepted_by_the_parser() -> None:
    # Reported: usage lines that failed as written. The console examples run for real
    # (test_readme_examples.py); the indented lists are checked against the parser.
    problems, count = [], 0
    for page in WRITTEN:
        for number, line in usage_lines(page.read_text(encoding="utf-8")):
            count += 1
            problem = parse_problem(line)
            if problem:
                problems.append(f"{page.name}:{number}: {line}: {problem}")
    assert count >= 30
    assert problems == []


def test_the_usage_check_refuses_what_the_cli_refuses() -> None:
    assert usage_lines("    scholar a --x 1 | head -3 && scholar b > f.csv  # c\n") == [
        (1, "scholar a --x 1"),
        (1, "scholar b"),
    ]
    assert parse_problem('scholar author "Du-Seong Chang" --limit 3') is None
    assert parse_problem("scholar cache info -f csv") is None
    assert parse_problem("scholar author X --no-such-option")
    assert parse_problem("scholar author X --sort bogus")
    assert parse_problem("scholar author X --limit many")


OUTSIDE = re.compile(r"DESIGN\.md|notes/|\.\./shared|\bnotes §")


def test_no_source_file_points_outside_the_repository() -> None:
    # A clone has no DESIGN.md, notes/ or ../shared: the code's comments point at docs/.
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_docs_pages_the_source_names_exist() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    named = set(re.findall(r"docs/([\w-]+\.md)", source))
    assert {"design.md", "sources.md", "novelty.md"} <= named
    assert sorted(name for name in named if not (DOCS / name).is_file()) == []


def test_the_outside_pattern_catches_each_form() -> None:
    for line in ["see DESIGN.md", "notes/arxiv-api.md §1.5", "../shared/fixtures", "(notes §4)"]:
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search("(docs/sources.md, arXiv's quirks)")
