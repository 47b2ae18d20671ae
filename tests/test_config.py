"""Settings come from the documented environment variables and reject bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarcli.config import DEFAULT_ARXIV_URL, DEFAULT_S2_URL, load_settings
from scholarcli.errors import UsageError


def test_defaults_are_the_documented_ones(tmp_path: Path) -> None:
    settings = load_settings({"SCHOLAR_HOME": str(tmp_path)})
    assert settings.home == tmp_path
    assert settings.s2_url == DEFAULT_S2_URL == "https://api.semanticscholar.org/graph/v1"
    assert settings.arxiv_url == DEFAULT_ARXIV_URL == "https://export.arxiv.org/api/query"
    assert settings.s2_interval == 1.0
    assert settings.arxiv_interval == 3.0
    assert settings.api_key is None
    assert settings.db_path == tmp_path / "cache.sqlite3"


def test_default_home_is_the_platformdirs_data_dir() -> None:
    from platformdirs import user_data_dir

    assert load_settings({}).home == Path(user_data_dir("scholar", appauthor=False))


def test_api_key_is_never_in_repr(tmp_path: Path) -> None:
    settings = load_settings({"SCHOLAR_HOME": str(tmp_path), "SEMANTIC_SCHOLAR_API_KEY": "s3cr3t"})
    assert settings.api_key == "s3cr3t"
    assert "s3cr3t" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SCHOLAR_S2_INTERVAL", "fast"),
        ("SCHOLAR_ARXIV_INTERVAL", "-1"),
        ("SCHOLAR_TIMEOUT", "0"),
        ("SCHOLAR_TIMEOUT", "nan"),
        ("SCHOLAR_S2_URL", "ftp://example.org"),
        ("SCHOLAR_ARXIV_URL", "export.arxiv.org"),
    ],
)
def test_bad_values_are_usage_errors(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(UsageError, match=name):
        load_settings({"SCHOLAR_HOME": str(tmp_path), name: value})


def test_debug_from_environment(tmp_path: Path) -> None:
    assert load_settings({"SCHOLAR_HOME": str(tmp_path), "SCHOLAR_DEBUG": "1"}).debug
    assert not load_settings({"SCHOLAR_HOME": str(tmp_path)}).debug
