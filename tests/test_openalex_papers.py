"""``scholar paper`` and ``scholar search`` with ``--source openalex``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import openalex_seed as oa_seed
from double import ApiDouble
from scholarcli.cli import app


@pytest.fixture
def world(double_env: ApiDouble) -> ApiDouble:
    oa_seed.load(double_env)
    return double_env


def test_paper_by_doi_arxiv_id_and_work_id(world: ApiDouble, runner: CliRunner) -> None:
    refs = ["10.1000/CONSORTIUM.2025.1", "arXiv:2406.11813", "https://openalex.org/W4400000101"]
    result = runner.invoke(app, ["paper", *refs, "--source", "openalex", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)["papers"]
    assert [r["paper_id"] for r in records] == [
        oa_seed.CONSORTIUM_PAST_100,
        "W4400000008",
        oa_seed.CONSORTIUM_CUT,
    ]
    assert records[1]["arxiv_id"] == "2406.11813" and records[1]["influential_citations"] is None
    assert records[1]["fwci"] == 19.0 and len(records[0]["authors"]) == 140
    # The DOI is asked as doi:10.… (free), never as a https://doi.org/ list.
    paths = [r.path for r in world.requests if r.source == "openalex"]
    assert "/openalex/works/doi:10.1000/consortium.2025.1" in paths
    assert world.openalex.pool(None).used == 0
    world.reset_log()
    again = runner.invoke(app, ["paper", *refs, "--source", "openalex", "-f", "json"])
    assert again.exit_code == 0 and world.count() == 0  # warm: from the cache
    assert json.loads(again.stdout)["papers"] == records


def test_paper_unknown_is_exit_3(world: ApiDouble, runner: CliRunner) -> None:
    result = runner.invoke(app, ["paper", "10.9999/nothing", "--source", "openalex", "-f", "json"])
    assert result.exit_code == 3 and "OpenAlex has no such work" in result.stderr


def test_search_works(world: ApiDouble, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["search", "consortium benchmark", "--source", "openalex", "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)["papers"]
    assert [r["paper_id"] for r in records] == [oa_seed.CONSORTIUM_PAST_100]
    assert world.openalex.pool(None).used == 10  # a search costs 10 credits
    world.reset_log()
    cached = runner.invoke(
        app, ["search", "consortium benchmark", "--source", "openalex", "-f", "json"]
    )
    assert cached.exit_code == 0 and world.count() == 0
    refused = runner.invoke(app, ["search", "x", "--source", "openalex", "--year", "2020"])
    assert (
        refused.exit_code == 2
        and "--year is not available with --source openalex" in refused.stderr
    )
