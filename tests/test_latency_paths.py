"""What the warm paths load, and what a terminal table of a big profile shows (issue 11).

Speed itself is measured by benchmarks/bench_latency.py, never asserted here; these
tests pin the causes it found: a warm CSV/JSON run must not import pydantic (typer's
per-option TypeAdapters) or rich (only drawing needs it), and a terminal table lists
the top papers by a stated order with a "N more, use --all" line while pipes get all.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import seed
from scholarcli.cli import app

AS_OF = "2026-11-27"
HEAVY = ("pydantic", "rich", "pandas", "numpy")

PROBE = """
import json, sys
args, heavy, report_path = json.loads(sys.argv[1]), set(json.loads(sys.argv[2])), sys.argv[3]
from scholarcli.cli import main
sys.argv = ["scholar", *args]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
loaded = sorted({name.split(".")[0] for name in sys.modules} & heavy)
with open(report_path, "w") as report:
    json.dump({"exit": code, "loaded": loaded, "modules": sorted(sys.modules)}, report)
"""


def loaded_modules(args: list[str], tmp_path: Path) -> tuple[int, list[str]]:
    """Run ``scholar ARGS`` in a fresh interpreter: exit status and heavy packages loaded."""
    report = tmp_path / "probe.json"
    probe = [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY), str(report)]
    done = subprocess.run(probe, capture_output=True, env=os.environ, timeout=120)
    assert report.exists(), done.stderr.decode(errors="replace")
    result = json.loads(report.read_text())
    return int(result["exit"] or 0), list(result["loaded"])


def scholar_modules(args: list[str], tmp_path: Path) -> list[str]:
    """The ``scholarcli`` modules a fresh ``scholar ARGS`` process imported."""
    loaded_modules(args, tmp_path)
    modules = json.loads((tmp_path / "probe.json").read_text())["modules"]
    return [name for name in modules if name.startswith("scholarcli.")]


def fill_cache(runner: CliRunner) -> None:
    result = runner.invoke(app, ["author", seed.NAME, "-f", "json", "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "markdown"])
def test_a_warm_pipe_format_loads_neither_pydantic_nor_rich(
    runner: CliRunner, seeded, tmp_path: Path, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    fill_cache(runner)
    before = seeded.count()
    status, loaded = loaded_modules(["author", seed.NAME, "-f", fmt, "--as-of", AS_OF], tmp_path)
    assert status == 0
    assert loaded == []
    assert seeded.count() == before  # warm: answered from the cache


def test_a_warm_profile_with_nothing_scored_imports_no_scoring_code(
    runner: CliRunner, seeded, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 item 4: Novelty, Impact and CD_nok code loads only when values are stored."""
    fill_cache(runner)
    modules = scholar_modules(["author", seed.NAME, "-f", "csv", "--as-of", AS_OF], tmp_path)
    assert "scholarcli.profile.builder" in modules  # the probe sees the profile path
    assert not [m for m in modules if m.startswith("scholarcli.novelty.")]


def test_the_probe_sees_rich_when_a_table_is_drawn(
    runner: CliRunner, seeded, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    fill_cache(runner)
    status, loaded = loaded_modules(
        ["author", seed.NAME, "-f", "table", "--as-of", AS_OF], tmp_path
    )
    assert status == 0
    assert loaded == ["rich"]  # and still no pydantic: options are parsed by our own parsers


def test_option_errors_need_no_pydantic_either(tmp_path: Path) -> None:
    status, loaded = loaded_modules(["find", "x", "--limit", "abc"], tmp_path)
    assert status == 2
    assert "pydantic" not in loaded


# ------------------------------------------------------------- the terminal table


NAME = "Many Papers"


@pytest.fixture
def prolific(double_env):  # type: ignore[no-untyped-def]
    """An author with 45 papers: more than the 30 a terminal table shows."""
    double_env.populate_synthetic("700045", NAME, 45, arxiv_fraction=0.0)
    return double_env


def rows_of(table: str) -> list[tuple[float, int]]:
    """(score, citations) of each paper row of a profile table."""
    found = re.findall(r"^\s*(\d+\.\d)\s+([\d,]+)\s", table, re.MULTILINE)
    return [(float(score), int(cites.replace(",", ""))) for score, cites in found]


def test_the_terminal_table_shows_the_top_30_most_cited_and_counts_the_rest(
    runner: CliRunner, prolific
) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["author", NAME, "-f", "table", "--as-of", AS_OF], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    rows = rows_of(out)
    assert len(rows) == 30
    cites = [citations for _, citations in rows]
    assert cites == sorted(cites, reverse=True)  # the Cites column shows the order
    assert re.search(r"^\s*Score\s+Cites\s+Cat\s+Date", out, re.MULTILINE)
    assert re.search(r"^45 Papers$", out, re.MULTILINE)
    assert "Most cited first." in out
    assert re.search(r"^15 more, use --all to list every paper", out, re.MULTILINE)
    everything = json.loads(runner.invoke(app, ["author", NAME, "-f", "json"]).stdout)
    top = sorted((paper["citations"] for paper in everything["papers"]), reverse=True)[:30]
    assert cites == top


def test_all_lists_every_paper_and_sort_states_its_order(runner: CliRunner, prolific) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["author", NAME, "-f", "table", "--all", "--sort", "score"], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.stderr
    rows = rows_of(result.stdout)
    assert len(rows) == 45
    assert [score for score, _ in rows] == sorted((score for score, _ in rows), reverse=True)
    assert "Highest score first." in result.stdout
    assert "more, use --all" not in result.stdout


def test_limit_is_what_the_user_asked_for(runner: CliRunner, prolific) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["author", NAME, "-f", "table", "--limit", "5"])
    assert len(rows_of(result.stdout)) == 5
    assert re.search(r"^5 Papers$", result.stdout, re.MULTILINE)
    assert "more, use --all" not in result.stdout
    result = runner.invoke(app, ["author", NAME, "-f", "table", "--limit", "40"])
    assert len(rows_of(result.stdout)) == 40  # above the default top 30: as asked


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "markdown"])
def test_pipes_stay_complete(runner: CliRunner, prolific, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["author", NAME, "-f", fmt])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    if fmt == "csv":
        count = len(list(csv.DictReader(io.StringIO(out))))
    elif fmt == "json":
        count = len(json.loads(out)["papers"])
    elif fmt == "jsonl":
        count = len(out.splitlines())
    else:
        count = len(re.findall(r"^\| \d+\.\d \|", out, re.MULTILINE))
    assert count == 45
    assert "use --all" not in out
