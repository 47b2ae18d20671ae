"""Curation rules on their own: references, merges into themselves, --include of a keeper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scholarcli.cache import curation as rules_cache
from scholarcli.cache.store import Store
from scholarcli.errors import UsageError
from scholarcli.models import Paper
from scholarcli.profile import curation
from scholarcli.profile.curation import Edits

OWNER = "1"
PAPERS = [
    Paper("aaaa", "Keeper", doi="10.1000/Keep"),
    Paper("bbbb", "Duplicate", arxiv_id="2301.00001"),
    Paper("cccc", "Other", doi="10.1000/other"),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "cache.sqlite3")
    try:
        yield opened
    finally:
        opened.close()


def save(store: Store, **edits: list[str]) -> list[str]:
    return curation.save_edits(
        store, OWNER, [OWNER], PAPERS, Edits(**edits), "2026-12-01T00:00:00+00:00"
    )


@pytest.mark.parametrize(
    "text",
    [
        "DOI:10.1000/KEEP",
        "doi:10.1000/keep",
        "HTTPS://DOI.ORG/10.1000/Keep",
        "https://dx.doi.org/10.1000/keep",
        "10.1000/KEEP",
    ],
)
def test_doi_prefixes_and_case_do_not_matter(text: str) -> None:
    assert curation.normalise_ref(text) == "10.1000/keep"
    assert curation.find(PAPERS, curation.normalise_ref(text)) is PAPERS[0]


def test_a_merge_into_itself_is_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="both name the same record"):
        save(store, merge=["aaaa=doi:10.1000/keep"])
    assert rules_cache.rules_for(store, [OWNER]) == []


def test_include_of_the_keeper_takes_the_merge_back(store: Store) -> None:
    save(store, merge=["aaaa=bbbb"])  # bbbb's citations go to aaaa
    [rule] = rules_cache.rules_for(store, [OWNER])
    assert (rule.action, rule.ref, rule.target) == ("merge", "bbbb", "aaaa")
    notes = save(store, include=["10.1000/KEEP"])  # names the keeper, by DOI
    assert notes == ["10.1000/KEEP counts as its own paper again"]
    assert rules_cache.rules_for(store, [OWNER]) == []


def test_include_of_an_unrelated_paper_changes_nothing(store: Store) -> None:
    save(store, merge=["aaaa=bbbb"])
    notes = save(store, include=["cccc"])
    assert notes == ["cccc was neither excluded nor merged; nothing to include"]
    assert len(rules_cache.rules_for(store, [OWNER])) == 1
