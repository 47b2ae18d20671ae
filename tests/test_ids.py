"""arXiv identifiers in every form a user or an API hands us."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scholarcli.ids import normalise_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2308.06744", ("2308.06744", None)),
        ("2308.06744v2", ("2308.06744", 2)),
        ("arXiv:2308.06744v2", ("2308.06744", 2)),
        ("ARXIV:0704.0001", ("0704.0001", None)),
        ("https://arxiv.org/abs/2106.15928v1", ("2106.15928", 1)),
        ("http://export.arxiv.org/pdf/2106.15928.pdf", ("2106.15928", None)),
        ("hep-th/9901001", ("hep-th/9901001", None)),
        ("hep-th/9901001v3", ("hep-th/9901001", 3)),
        ("math.CA/0611800v2", ("math/0611800", 2)),  # subject class dropped, as arXiv does
        ("Astro-Ph/0601001", ("astro-ph/0601001", None)),
        ("  2308.06744 ", ("2308.06744", None)),
    ],
)
def test_accepted_forms(raw: str, expected: tuple[str, int | None]) -> None:
    assert normalise_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "0112019",
        "2308.067",
        "2308.067444444",
        "hep-th/99",
        "../etc/passwd",
        "2308.06744&max_results=1",
        "2308.06744,2308.06745",
    ],
)
def test_malformed_ids_are_refused(raw: str) -> None:
    assert normalise_id(raw) is None


@given(st.text(max_size=60))
def test_anything_is_either_refused_or_safe_to_put_in_an_id_list(raw: str) -> None:
    result = normalise_id(raw)
    if result is not None:
        ident, version = result
        assert normalise_id(ident) == (ident, None)
        assert not set(ident) & set(",&?#= \t\n")
        assert version is None or version >= 0
