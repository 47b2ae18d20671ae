"""Shared fixtures: an isolated SCHOLAR_HOME per test and the loopback API double.

No test may reach a real API: the default URLs point at a closed loopback port,
and tests that need answers use ``double_env``, which points both sources at the
project's own test double.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

import seed

pytest_plugins = ["double.pytest_plugin"]

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
CLOSED_PORT_URL = "http://127.0.0.1:9"

# Property tests check results, not speed (performance lives in benchmarks/): without
# a deadline, a busy CI machine cannot turn a slow example into a "Flaky" failure.
settings.register_profile("scholar", deadline=None)
settings.load_profile("scholar")


@pytest.fixture(autouse=True)
def scholar_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "scholar-home"
    monkeypatch.setenv("SCHOLAR_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("SCHOLAR_S2_INTERVAL", "0")
    monkeypatch.setenv("SCHOLAR_ARXIV_INTERVAL", "0")
    monkeypatch.setenv("SCHOLAR_BACKOFF_BASE", "0")
    monkeypatch.setenv("SCHOLAR_TIMEOUT", "5")
    monkeypatch.setenv("SCHOLAR_S2_URL", CLOSED_PORT_URL + "/graph/v1")
    monkeypatch.setenv("SCHOLAR_ARXIV_URL", CLOSED_PORT_URL + "/api/query")
    monkeypatch.setenv("SCHOLAR_OPENALEX_URL", CLOSED_PORT_URL + "/openalex")
    monkeypatch.setenv("SCHOLAR_OPENALEX_INTERVAL", "0")
    for name in ("SEMANTIC_SCHOLAR_API_KEY", "OPENALEX_API_KEY", "SCHOLAR_DEBUG", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def double_env(api_double, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The API double, with SCHOLAR_S2_URL, _ARXIV_URL and _OPENALEX_URL pointing at it."""
    monkeypatch.setenv("SCHOLAR_S2_URL", api_double.s2_url)
    monkeypatch.setenv("SCHOLAR_ARXIV_URL", api_double.arxiv_url)
    monkeypatch.setenv("SCHOLAR_OPENALEX_URL", api_double.openalex_url)
    return api_double


@pytest.fixture
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip("../shared/fixtures is absent (a user's clone does not have it)")
    return FIXTURES


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seeded(double_env):  # type: ignore[no-untyped-def]
    """The double loaded with the seed profile (``seed.py``)."""
    seed.load(double_env)
    return double_env
