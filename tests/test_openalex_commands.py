"""``--source openalex`` on metrics, compare, timeline, coauthors, export and report.

Every command builds the person through the one profile builder, so the numbers are
the profile's (tests/test_openalex_profile.py checks those against the double's data).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import openalex_seed as oa_seed
import seed
from double import ApiDouble
from scholarcli.cli import app

AS_OF = "2026-11-27"


@pytest.fixture
def world(double_env: ApiDouble) -> ApiDouble:
    seed.load(double_env)
    oa_seed.load(double_env)
    return double_env


def run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_metrics_and_compare(world: ApiDouble, runner: CliRunner) -> None:
    result = run(
        runner, "metrics", oa_seed.NAME, "--source", "openalex", "-f", "json", "--as-of", AS_OF
    )
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["people"]
    assert row["source"] == "openalex" and row["ids"] == [oa_seed.AUTHOR_ID]
    assert row["h_index"] == 7 and row["papers"] == 11
    both = run(
        runner,
        "compare",
        oa_seed.NAME,
        "--id",
        oa_seed.AUTHOR_ID,
        "--source",
        "openalex",
        "-f",
        "json",
        "--as-of",
        AS_OF,
    )
    assert both.exit_code == 0, both.stderr


def test_timeline(world: ApiDouble, runner: CliRunner) -> None:
    result = run(
        runner, "timeline", oa_seed.NAME, "--source", "openalex", "-f", "json", "--as-of", AS_OF
    )
    assert result.exit_code == 0, result.stderr
    rows = {r["year"]: r for r in json.loads(result.stdout)["per_year"]}
    assert rows[2025]["papers"] == 1 and rows[2024]["citations"] == sum(
        oa_seed.CITATIONS[p.arxiv_id] for p in seed.PAPERS if p.published.startswith("2024")
    )
    assert world.count("s2") == 0  # no S2 citation lists asked


def test_coauthors(world: ApiDouble, runner: CliRunner) -> None:
    result = run(runner, "coauthors", oa_seed.NAME, "--source", "openalex", "-f", "json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)["coauthors"]
    # "Another Author" is on all nine seed works; consortium members on two works.
    assert found[0]["name"] == "Another Author" and found[0]["joint_papers"] == 9
    assert found[0]["author_id"] == "A5999999999"
    assert all(c["author_id"] != oa_seed.AUTHOR_ID for c in found)


def test_export_bibtex(world: ApiDouble, runner: CliRunner) -> None:
    result = run(runner, "export", oa_seed.NAME, "--source", "openalex", "-f", "bibtex")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("@") == 11
    assert "10.1000/consortium.2025.1" in result.stdout


def test_report(world: ApiDouble, runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("jinja2")
    target = tmp_path / "r.html"
    result = run(runner, "report", oa_seed.NAME, "--source", "openalex", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert oa_seed.NAME in target.read_text(encoding="utf-8")
    assert world.count("s2") == 0


def test_unknown_source(world: ApiDouble, runner: CliRunner) -> None:
    result = run(runner, "author", oa_seed.NAME, "--source", "scopus")
    assert (
        result.exit_code == 2 and "--source must be s2, openalex or datasets:DIR" in result.stderr
    )
