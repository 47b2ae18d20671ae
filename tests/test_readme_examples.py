"""Every ```console example in README.md and docs/*.md runs as shown.

The rules, for anyone writing an example (on any of those pages):

1. Only blocks fenced with ```console are run. A line starting with ``$ `` is a
   command; the lines under it, up to the next ``$ `` line or the closing fence, are
   what it prints: its stdout, then its stderr. Blank lines at the end of an output are
   layout; put one blank line between commands.
2. Each block runs on its own, its commands in order, in bash, in a fresh empty folder
   and a fresh SCHOLAR_HOME, against the loopback test double loaded with the README
   world: ``seed.load_world`` (Du-Seong Chang, id 2112233445, 9 papers, 753 citations,
   and Jane Doe, id 600, 3 papers, 922 citations); a block fenced ```console novelty
   also gets the seed papers' reference lists, vectors and arXiv cohorts
   (``double.novelty_world.seed_extras``); ```console datasets, datasets-downloaded
   and datasets-ingested run against the Datasets API double's small release
   (``readme_examples.datasets_world``), after downloading it to ``s2`` (and ingesting
   it) for the latter two. Nothing is cached when a block starts:
   a block that needs someone tracked tracks them itself. A file a command reads is
   made in the block, e.g. ``$ printf 'citations,year\n3,2020\n' > papers.csv`` (no output).
3. stdout is a terminal 88 columns wide (so the default format is ``table``), NO_COLOR
   is set; ``$ COLUMNS=80 scholar ...`` gives a narrower terminal. stderr is not a
   terminal (no progress bars).
4. Fix dates that metrics depend on with ``--as-of 2026-11-27``. Today's date in the
   output is shown as 2026-11-27 and a time of day next to it as 03:17 (03:17:04 with
   seconds), a measured duration such as ``0.08 s`` as 0.01 s; SCHOLAR_HOME is shown as
   ~/.local/share/scholar. Nothing else is
   normalised, except trailing spaces.
5. A line that is exactly ``...`` stands for any number of lines (to shorten a long
   output); everything else must match line for line.
6. A command may use only ``scholar`` and the programs in ``ALLOWED_PROGRAMS``
   (coreutils-like tools and jq, which .ci/run installs), never csvstat and the like.
   ``scholar`` is this checkout run by the test's own interpreter, installed or not.
7. A command must exit 0, unless its line ends with a comment naming its status, e.g.
   ``$ scholar search "quantum gravity"   # exit 3``; then it must exit with exactly that
   (the status of a pipeline is its last stage's, as in bash).

To write or refresh the outputs from real runs: ``python tests/readme_examples.py
--update`` (it keeps a shortened output that still matches; name pages to do only
those); without ``--update`` it prints the differences.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import readme_examples as rx
from double import ApiDouble

BLOCKS = [block for page in rx.pages() for block in rx.page_blocks(page)]


def test_the_readme_and_the_docs_have_examples_to_run() -> None:
    assert all(block.commands for block in BLOCKS), [b.name for b in BLOCKS if not b.commands]
    per_page = {page.relative_to(rx.ROOT).as_posix(): 0 for page in rx.pages()}
    for block in BLOCKS:
        per_page[block.page] += 1
    assert per_page["README.md"] >= 3
    assert len(BLOCKS) >= 38  # as many as the one-page README had
    # Every capability page shows what it does with real output.
    capabilities = ["profiles", "metrics", "novelty", "papers", "tracking", "report"]
    capabilities += ["datasets", "sources", "configuration"]
    without = [c for c in capabilities if per_page.get(f"docs/{c}.md", 0) == 0]
    assert without == []


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_example_runs_as_shown(block: rx.Block) -> None:
    for command in block.commands:
        unknown = [p for p in rx.programs(command.line) if p not in rx.ALLOWED_PROGRAMS]
        assert unknown == [], f"{command.line!r} uses {unknown}; see rule 6"
        assert all(rx.available(p) for p in rx.programs(command.line)), command.line
    outputs = rx.run_block(block)
    for command, run in zip(block.commands, outputs, strict=True):
        problems = rx.problems(command, run)
        assert problems == [], (
            f"$ {command.line}\n"
            + "\n".join(problems)
            + "\n(python tests/readme_examples.py --update rewrites the output)"
        )


def test_scholar_in_an_example_is_this_checkout_even_when_none_is_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reported: 37 failures instead of runs when no `scholar` was on PATH.
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    with ApiDouble() as double:
        env = rx.environment(tmp_path / "home", double)
        found = rx.run_line("command -v scholar", env, tmp_path)
        version = rx.run_line("scholar --version", env, tmp_path)
    assert found.lines[0] == str(rx.wrapper_dir() / "scholar")
    assert version.status == 0, version.lines
    assert version.lines[0].startswith("scholar ")


def test_a_failing_command_must_say_its_exit_status() -> None:
    command = rx.Command('scholar search "quantum gravity"', ["error: no paper"])
    assert rx.expected_status('scholar search "x"   # exit 3') == 3
    assert rx.expected_status("scholar author X  # the profile") == 0
    assert rx.problems(command, rx.Run(["error: no paper"], 0)) == []
    (problem,) = rx.problems(command, rx.Run(["error: no paper"], 3))
    assert "exit status 3, expected 0" in problem
    noted = rx.Command('scholar search "quantum gravity"  # exit 3', ["error: no paper"])
    assert rx.problems(noted, rx.Run(["error: no paper"], 3)) == []
    assert rx.problems(noted, rx.Run(["error: no paper"], 4)) != []


def test_normalising_touches_only_today_and_paths(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    today = dt.date.today().isoformat()
    lines = [
        f"as of {today}",
        f"{today} 08:31       9",
        f'"fetched_at": "{today}T08:31:02+00:00"',
        "Jun 17, 2024  2024-06-17 12:00",
        f"{tmp_path}/h/cache.sqlite3   ",
    ]
    assert rx.normalise(lines, tmp_path / "h", tmp_path / "w") == [
        f"as of {rx.SHOWN_DAY}",
        f"{rx.SHOWN_DAY} 03:17       9",
        f'"fetched_at": "{rx.SHOWN_DAY}T03:17:04+00:00"',
        "Jun 17, 2024  2024-06-17 12:00",
        "~/.local/share/scholar/cache.sqlite3",
    ]


def test_an_ellipsis_line_stands_for_any_lines_and_nothing_else_is_loose() -> None:
    actual = ["a", "b", "c", "d"]
    assert rx.matches(["a", "...", "d"], actual)
    assert rx.matches(["a", "...", "c", "...", "d"], actual)
    assert rx.matches(["a", "b", "c", "d", "..."], actual)
    assert not rx.matches(["a", "c", "d"], actual)
    assert not rx.matches(["a", "...", "x"], actual)
    assert not rx.matches(["a", "b", "c", "d "], ["a", "b", "c"])


def test_the_parser_reads_commands_and_their_output() -> None:
    text = "x\n```console\n$ scholar a\none\n\n$ scholar b | head -1\n```\n```\n$ not run\n```\n"
    (block,) = rx.blocks(text)
    assert [(c.line, c.expected) for c in block.commands] == [
        ("scholar a", ["one"]),
        ("scholar b | head -1", []),
    ]
    assert rx.programs("COLUMNS=80 scholar a -f csv | head -3  # comment | x") == [
        "scholar",
        "head",
    ]
