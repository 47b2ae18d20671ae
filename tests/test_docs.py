"""The documentation in the repository: every command and variable documented, the README's
set-up commands are CI's, exit codes as errors.py defines them, and every link resolves."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from scholarcli.cli import app
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
