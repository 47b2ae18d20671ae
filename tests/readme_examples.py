"""Run the ```console examples of README.md and docs/*.md against the test double.

The rules an example must follow are at the top of tests/test_readme_examples.py.
This module holds the machinery: ``blocks`` parses a page, ``run_block`` runs one
block's commands in a fresh SCHOLAR_HOME against a fresh double holding the README
world (``seed.load_world``), ``normalise`` removes what differs between runs.

    python tests/readme_examples.py                    # list the examples that differ
    python tests/readme_examples.py --update           # write the real output into the pages
    python tests/readme_examples.py docs/metrics.md    # only these pages (either mode)

``scholar`` in an example is this checkout's code run by this interpreter
(``sys.executable -m scholarcli`` through a small wrapper on PATH), so the examples
run whether or not a ``scholar`` is installed, and never run another installed copy.

It must not reach the network: both sources point at the loopback double.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
GENERATED = frozenset({"cli.md"})  # written by a script from the commands' help, not run


def pages() -> list[Path]:
    """Every page whose examples run: the README, then docs/*.md by name."""
    return [README] + [p for p in sorted(DOCS.glob("*.md")) if p.name not in GENERATED]


if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import seed  # noqa: E402  (tests/ is put on the path above, for the script use)

FENCE = "```console"
PROMPT = "$ "
ELLIPSIS = "..."
COLUMNS = 88
SHOWN_DAY = "2026-11-27"  # today, as every example shows it
SHOWN_TIME = "03:17"  # the time of day next to today's date, as shown
SHOWN_HOME = "~/.local/share/scholar"  # the default SCHOLAR_HOME on Linux
ALLOWED_PROGRAMS = frozenset(
    {"scholar", "printf", "echo", "cat", "head", "tail", "cut", "sort", "wc", "grep", "sed", "jq"}
)


@dataclass
class Command:
    line: str  # without the prompt
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    start: int  # 0-based index of the line after the opening fence
    end: int  # index of the closing fence
    commands: list[Command]
    world: str = ""  # "novelty" for a ```console novelty block (rule 2)
    page: str = ""  # the page's path from the repository root, e.g. docs/metrics.md

    @property
    def name(self) -> str:
        first = self.commands[0].line if self.commands else ""
        where = f"{self.page}:" if self.page else "line "
        return f"{where}{self.start}: {first[:60]}"


EXIT_NOTE = re.compile(r"#\s*exit (\d+)\s*$")


def expected_status(line: str) -> int:
    """0, or the N of a trailing ``# exit N`` comment (rule 7)."""
    found = EXIT_NOTE.search(line)
    return int(found.group(1)) if found else 0


def page_blocks(path: Path) -> list[Block]:
    """The blocks of one page, each knowing its page."""
    found = blocks(path.read_text(encoding="utf-8"))
    for block in found:
        block.page = path.relative_to(ROOT).as_posix()
    return found


def blocks(text: str) -> list[Block]:
    """Every ```console block: ``$ `` lines and, under each, the output it shows."""
    lines = text.split("\n")
    found: list[Block] = []
    i = 0
    while i < len(lines):
        words = lines[i].strip().split()
        if not words or words[0] != FENCE or len(words) > 2:
            i += 1
            continue
        world = words[1] if len(words) == 2 else ""
        start = i + 1
        end = start
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        commands: list[Command] = []
        for line in lines[start:end]:
            if line.startswith(PROMPT):
                commands.append(Command(line[len(PROMPT) :]))
            elif commands:
                commands[-1].expected.append(line)
        for command in commands:  # a blank line between two commands is layout, not output
            while command.expected and not command.expected[-1].strip():
                command.expected.pop()
        found.append(Block(start, end, commands, world))
        i = end + 1
    return found


def programs(line: str) -> list[str]:
    """The program of each stage of a pipeline (after any VAR=value prefixes)."""
    line = line.split(" #", 1)[0]
    names = []
    for stage in re.split(r"\|\|?|&&|;", line):
        words = [w for w in stage.split() if not re.fullmatch(r"[A-Z_][A-Z0-9_]*=\S*", w)]
        if words:
            names.append(words[0])
    return names


_WRAPPER_DIR: list[Path] = []


def wrapper_dir() -> Path:
    """A folder holding ``scholar``: this interpreter running this checkout's package.

    Made once per process. The examples must not depend on a console script being on
    PATH (a venv used without activating it, ``PYTHONPATH=src``), nor pick up another
    installed copy of scholar."""
    if not _WRAPPER_DIR:
        import scholarcli

        folder = Path(tempfile.mkdtemp(prefix="scholar-examples-"))
        src = Path(scholarcli.__file__).resolve().parents[1]
        script = folder / "scholar"
        path = f'PYTHONPATH="{src}${{PYTHONPATH:+:$PYTHONPATH}}"'
        script.write_text(
            f'#!/bin/sh\n{path} exec "{sys.executable}" -m scholarcli "$@"\n', encoding="utf-8"
        )
        script.chmod(0o755)
        _WRAPPER_DIR.append(folder)
    return _WRAPPER_DIR[0]


def available(program: str) -> bool:
    """Whether an example's program can run: ``scholar`` always can (``wrapper_dir``)."""
    import shutil

    return program == "scholar" or shutil.which(program) is not None


def environment(home: Path, double) -> dict[str, str]:  # type: ignore[no-untyped-def]
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SCHOLAR_", "SEMANTIC_SCHOLAR"))
    }
    env.update(
        PATH=str(wrapper_dir()) + os.pathsep + env.get("PATH", ""),
        SCHOLAR_HOME=str(home),
        SCHOLAR_S2_URL=double.s2_url,
        SCHOLAR_ARXIV_URL=double.arxiv_url,
        SCHOLAR_S2_INTERVAL="0",
        SCHOLAR_ARXIV_INTERVAL="0",
        SCHOLAR_TIMEOUT="10",
        NO_COLOR="1",
        COLUMNS=str(COLUMNS),
        LC_ALL="C.UTF-8",
        TERM="xterm",
    )
    env.pop("SCHOLAR_DEBUG", None)
    return env


@dataclass
class Run:
    """What one ``$`` line did: its normalised output and bash's exit status."""

    lines: list[str]
    status: int


def run_line(line: str, env: dict[str, str], cwd: Path) -> Run:
    """Run one ``$`` line in bash with stdout on a terminal; its stdout, then its stderr."""
    parent, child = pty.openpty()
    columns = int(re.search(r"\bCOLUMNS=(\d+)", line).group(1)) if "COLUMNS=" in line else COLUMNS  # type: ignore[union-attr]
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen(
        ["bash", "-c", line],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
    )
    os.close(child)
    assert proc.stderr is not None
    err_fd = proc.stderr.fileno()
    out, err, open_fds = b"", b"", {parent, err_fd}
    deadline = time.monotonic() + 120
    # Both streams are read as they come, so a chatty stderr cannot fill its pipe and stall.
    while open_fds and time.monotonic() < deadline:
        ready, _, _ = select.select(list(open_fds), [], [], 0.2)
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: every writer of the terminal has gone
                chunk = b""
            if not chunk:
                open_fds.discard(fd)
            elif fd == parent:
                out += chunk
            else:
                err += chunk
        if not ready and proc.poll() is not None and parent in open_fds:
            open_fds.discard(parent)  # the terminal stays open only while bash's children live
    os.close(parent)
    proc.stderr.close()
    status = proc.wait(timeout=30)
    text = out.decode("utf-8", "replace").replace("\r\n", "\n") + err.decode("utf-8", "replace")
    return Run(text.split("\n"), status)


DURATION = re.compile(r"\b\d+\.\d+ s\b")
SHOWN_DURATION = "0.01 s"


def normalise(lines: list[str], home: Path, cwd: Path) -> list[str]:
    """Only what must differ between runs: paths, today's date, the time of day and
    measured durations (``0.08 s`` is shown as ``0.01 s``)."""
    days = {dt.date.today().isoformat(), dt.datetime.now(dt.UTC).date().isoformat()}
    day = "|".join(re.escape(d) for d in days)
    stamp = re.compile(rf"({day})(?:([T ])\d\d:\d\d(?::\d\d(\.\d+)?)?)?")

    def shown(match: re.Match[str]) -> str:
        text, sep = match.group(0), match.group(2)
        if sep is None:
            return SHOWN_DAY
        time_part = text[11:]
        seconds = ":04" if len(time_part) > 5 else ""
        fraction = "0" * (len(match.group(3)) - 1) if match.group(3) else ""
        return SHOWN_DAY + sep + SHOWN_TIME + seconds + ("." + fraction if fraction else "")

    result = []
    for line in lines:
        line = line.replace(str(home), SHOWN_HOME).replace(str(cwd), ".")
        line = stamp.sub(shown, line)
        line = DURATION.sub(SHOWN_DURATION, line)
        result.append(line.rstrip())
    while result and not result[-1]:
        result.pop()
    return result


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a line that is exactly ``...`` stands for any number of lines."""
    expected = [line.rstrip() for line in expected]
    if ELLIPSIS not in expected:
        return expected == actual
    parts: list[list[str]] = [[]]
    for line in expected:
        if line == ELLIPSIS:
            parts.append([])
        else:
            parts[-1].append(line)
    head, *middle, tail = parts
    if actual[: len(head)] != head:
        return False
    rest = actual[len(head) :]
    if tail and (len(rest) < len(tail) or rest[len(rest) - len(tail) :] != tail):
        return False
    rest = rest[: len(rest) - len(tail)] if tail else rest
    for part in middle:  # each in order, anywhere in what is left
        for i in range(len(rest) - len(part) + 1):
            if rest[i : i + len(part)] == part:
                rest = rest[i + len(part) :]
                break
        else:
            return False
    return True


# ```console datasets... blocks (rule 2): the Datasets API double with a small generated
# release, and what the block assumes was run before it, run silently first.
DATASETS_GET = "scholar datasets download papers authors --release 2025-08-12 --dir s2 -f csv"
DATASETS_PRELUDES = {
    "datasets": [],
    "datasets-downloaded": [DATASETS_GET],
    "datasets-ingested": [DATASETS_GET, "scholar datasets ingest s2 -f csv"],
}


def datasets_world():  # type: ignore[no-untyped-def]
    """Release 2025-08-12 (3 paper and 2 author shards) and a one-week diff to 2025-08-19
    that changes one paper, adds one and deletes one."""
    from datasets_world import generate, paper_record, shard
    from double.datasets_double import DatasetsDouble

    double = DatasetsDouble().start()
    world = generate()
    double.add_release(
        "2025-08-12", {"papers": world.paper_shards(3), "authors": world.author_shards(2)}
    )
    double.add_release("2025-08-19", {"papers": [], "authors": []})
    ids = sorted(world.papers)
    changed = dict(world.papers[ids[-10]], citationcount=500)
    new = paper_record(99_999, 2024, 12, [(9001, "Known 9001")])
    double.add_diff(
        "papers",
        "2025-08-12",
        "2025-08-19",
        [shard([changed, new])],
        [shard([{"corpusid": ids[0]}])],
    )
    double.add_diff("authors", "2025-08-12", "2025-08-19", [], [])
    return double


def run_block(block: Block) -> list[Run]:
    """Each command's normalised output and status, run in order in one fresh home and
    folder."""
    from double import ApiDouble

    with ApiDouble() as double, tempfile.TemporaryDirectory() as tmp:
        seed.load_world(double)
        if block.world == "novelty":
            from double import novelty_world

            novelty_world.seed_extras(double)
        home, cwd = Path(tmp) / "scholar-home", Path(tmp) / "work"
        cwd.mkdir()
        env = environment(home, double)

        def run(line: str) -> Run:
            done = run_line(line, env, cwd)
            return Run(normalise(done.lines, home, cwd), done.status)

        if block.world not in DATASETS_PRELUDES:
            return [run(c.line) for c in block.commands]
        datasets = datasets_world()
        try:
            env.update(
                SCHOLAR_S2_DATASETS_URL=datasets.api_url, SEMANTIC_SCHOLAR_API_KEY=datasets.api_key
            )
            for line in DATASETS_PRELUDES[block.world]:
                run_line(line, env, cwd)
            return [run(c.line) for c in block.commands]
        finally:
            datasets.stop()


def problems(command: Command, run: Run) -> list[str]:
    """Why a command's run does not match its page: output (rule 5), status (rule 7)."""
    found = []
    if not matches(command.expected, run.lines):
        diff = difflib.unified_diff(command.expected, run.lines, lineterm="")
        found.append("output differs:\n" + "\n".join(diff))
    if run.status != expected_status(command.line):
        found.append(
            f"exit status {run.status}, expected {expected_status(command.line)}"
            " (a command that fails says so with a trailing '# exit N', rule 7)"
        )
    return found


def updated(text: str, page: str = "") -> tuple[str, list[str]]:
    """A page's text with every example's output replaced by a real run's (``...`` kept
    where the shown output still matches), and the names of the blocks that changed."""
    lines = text.split("\n")
    changed = []
    for block in reversed(blocks(text)):
        block.page = page
        outputs = run_block(block)
        new: list[str] = []
        for command, actual in zip(block.commands, outputs, strict=True):
            if new:
                new.append("")
            new.append(PROMPT + command.line)
            new += command.expected if matches(command.expected, actual.lines) else actual.lines
        if new != lines[block.start : block.end]:
            changed.append(block.name)
            lines[block.start : block.end] = new
    return "\n".join(lines), changed


def main(argv: list[str]) -> int:
    chosen = [Path(a).resolve() for a in argv if a != "--update"] or pages()
    if "--update" in argv:
        names = []
        for path in chosen:
            page = path.relative_to(ROOT).as_posix()
            new_text, changed = updated(path.read_text(encoding="utf-8"), page)
            path.write_text(new_text, encoding="utf-8")
            names += changed
        print("\n".join(f"updated {name}" for name in names) or "examples unchanged")
        return 0
    failures = 0
    for path in chosen:
        for block in page_blocks(path):
            for command, run in zip(block.commands, run_block(block), strict=True):
                for problem in problems(command, run):
                    failures += 1
                    print(f"--- {block.name}: $ {command.line}\n{problem}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
