"""The category table against arXiv's own taxonomy, and the lookup functions on examples.

The taxonomy checks read ``../shared/fixtures/arxiv/taxonomy.json`` (arXiv's
``definitions.py`` re-emitted as JSON, see its PROVENANCE.md) and skip when it is absent;
the rest needs no fixture.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from scholarcli.categories import (
    ALIASES,
    CATEGORY_NAMES,
    canonical,
    category_name,
    is_arxiv_category,
    short_code,
)

ARXIV_FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "arxiv"
TAXONOMY_PATH = ARXIV_FIXTURES / "taxonomy.json"

# arXiv-internal groups (test archive, bad-arch placeholder): never on a real paper.
INTERNAL_GROUPS = {"grp_test", "grp_bad"}


@pytest.fixture(scope="module")
def taxonomy() -> dict[str, Any]:
    if not TAXONOMY_PATH.is_file():
        pytest.skip(f"arXiv taxonomy fixture not present: {TAXONOMY_PATH}")
    loaded: dict[str, Any] = json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def public_categories(taxonomy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        code: entry
        for code, entry in taxonomy["categories"].items()
        if entry["group"] not in INTERNAL_GROUPS
    }


# --- against the taxonomy fixture ---------------------------------------------------


def test_every_active_category_has_arxivs_name(taxonomy: dict[str, Any]) -> None:
    active = {code: e["name"] for code, e in taxonomy["categories"].items() if e["is_active"]}
    assert len(active) == 155  # arXiv's taxonomy (docs/sources.md, arXiv)
    assert {code: CATEGORY_NAMES.get(code) for code in active} == active


def test_legacy_archives_have_arxivs_name(public_categories: dict[str, dict[str, Any]]) -> None:
    legacy = {code: e["name"] for code, e in public_categories.items() if not e["is_active"]}
    assert {"astro-ph", "cond-mat", "cmp-lg", "q-bio"} <= legacy.keys()
    assert {code: CATEGORY_NAMES.get(code) for code in legacy} == legacy


def test_no_codes_the_taxonomy_lacks(public_categories: dict[str, dict[str, Any]]) -> None:
    assert set(CATEGORY_NAMES) == set(public_categories)
    assert not any(code.startswith(("test", "bad-arch")) for code in CATEGORY_NAMES)


def test_aliases_match_the_taxonomy(taxonomy: dict[str, Any]) -> None:
    expected = {**taxonomy["category_aliases"], **taxonomy["archives_subsumed"]}
    assert expected == ALIASES


def test_canonical_and_name_follow_arxivs_canonical_id(
    public_categories: dict[str, dict[str, Any]],
) -> None:
    for code, entry in public_categories.items():
        target = entry["canonical"]
        assert canonical(code) == target, code
        assert category_name(code) == public_categories[target]["name"], code
        assert is_arxiv_category(code), code


def test_recorded_category_terms_are_classified_like_the_taxonomy(
    taxonomy: dict[str, Any],
) -> None:
    # Real arXiv responses mix MSC codes ("14C20, 14M99", "53C") into <category term=...>.
    recorded = ARXIV_FIXTURES / "api"
    if not recorded.is_dir():
        pytest.skip(f"recorded arXiv responses not present: {recorded}")
    terms: set[str] = set()
    for path in recorded.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            terms.update(re.findall(r'term=\\?"([^"\\]+)', text))
    assert len(terms) > 20
    for term in terms:
        assert is_arxiv_category(term) == (term in taxonomy["categories"]), term


# --- the table itself ---------------------------------------------------------------


def test_table_literals_are_sorted() -> None:
    assert list(CATEGORY_NAMES) == sorted(CATEGORY_NAMES)
    assert list(ALIASES) == sorted(ALIASES)


def test_aliases_point_at_named_canonical_codes() -> None:
    for alias, target in ALIASES.items():
        assert alias in CATEGORY_NAMES, alias
        assert target in CATEGORY_NAMES, target
        assert target not in ALIASES, target


def test_codes_are_unique_ignoring_case() -> None:
    # canonical() matches case-insensitively; that is only sound if no two codes collide.
    folded = [code.casefold() for code in CATEGORY_NAMES]
    assert len(folded) == len(set(folded))


def test_counts() -> None:
    assert len(CATEGORY_NAMES) == 176  # 155 active + 21 legacy archives
    assert len(ALIASES) == 24  # 6 category aliases + 18 subsumed archives


# --- functions on examples ----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("cs.CL", "cs.CL"),
        ("  cs.CL\n", "cs.CL"),
        ("CS.cl", "cs.CL"),
        ("Hep-Th", "hep-th"),
        ("math.IT", "cs.IT"),
        ("math.it", "cs.IT"),
        ("math.MP", "math-ph"),
        ("stat.TH", "math.ST"),
        ("q-fin.EC", "econ.GN"),
        ("cs.SY", "eess.SY"),
        ("cs.NA", "math.NA"),
        ("cmp-lg", "cs.CL"),
        ("adap-org", "nlin.AO"),
        ("astro-ph", "astro-ph"),
        ("cond-mat", "cond-mat"),
        ("CS.XY", "cs.XY"),  # arXiv-shaped but not in the table: archive lower-cased only
        (" I.2.6 ", "I.2.6"),
        ("68T50", "68T50"),
        ("", ""),
    ],
)
def test_canonical(code: str, expected: str) -> None:
    assert canonical(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("cs.CL", "Computation and Language"),
        ("CS.cl", "Computation and Language"),
        ("cs.DC", "Distributed, Parallel, and Cluster Computing"),
        ("hep-th", "High Energy Physics - Theory"),
        ("astro-ph.EP", "Earth and Planetary Astrophysics"),
        ("math.IT", "Information Theory"),
        ("cs.IT", "Information Theory"),
        ("q-fin.EC", "General Economics"),  # the canonical econ.GN's name
        ("cmp-lg", "Computation and Language"),
        ("adap-org", "Adaptation and Self-Organizing Systems"),
        ("astro-ph", "Astrophysics"),
        ("cond-mat", "Condensed Matter"),
        ("cs.LG", "Machine Learning"),
        ("stat.ML", "Machine Learning"),
        ("cs.XY", None),
        ("I.2.6", None),
        ("68T50", None),
        ("test.soft", None),
        ("", None),
        (None, None),
    ],
)
def test_category_name(code: str | None, expected: str | None) -> None:
    assert category_name(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("cs.CL", "CL"),
        ("hep-th", "hep-th"),
        ("astro-ph.EP", "EP"),
        ("math-ph", "math-ph"),
        ("math.MP", "math-ph"),
        ("math.IT", "IT"),
        ("cmp-lg", "CL"),
        ("astro-ph", "astro-ph"),
        ("cond-mat.mes-hall", "mes-hall"),
        ("physics.optics", "optics"),
        (" CS.cl ", "CL"),
        ("I.2.6", "I.2.6"),
        ("68T50", "68T50"),
        ("  ", None),
        (None, None),
    ],
)
def test_short_code(code: str | None, expected: str | None) -> None:
    assert short_code(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("cs.CL", True),
        ("CS.cl", True),
        ("math.IT", True),
        ("cmp-lg", True),
        ("astro-ph", True),
        ("astro-ph.EP", True),
        ("cond-mat", True),
        ("q-bio", True),
        ("cs.XY", True),  # a category added after the table was written
        ("I.2.6", False),
        ("H.3.3", False),
        ("68T50", False),
        ("53C", False),
        ("14C20, 14M99", False),
        ("cs", False),
        ("physics", False),
        ("test.soft", False),
        ("bad-arch.bad-cat", False),
        ("", False),
    ],
)
def test_is_arxiv_category(code: str, expected: bool) -> None:
    assert is_arxiv_category(code) is expected
