"""arXiv identifiers in every form a user or an API hands us."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scholarcli.ids import normalise_id, parse_paper_ref


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


# ------------------------------------------------------------------ paper references
HEX = "4e1f4a6b8f1c0d2e3a5b6c7d8e9f0a1b2c3d4e5f"


@pytest.mark.parametrize(
    ("raw", "kind", "s2_id"),
    [
        (HEX, "s2", HEX),
        (HEX.upper(), "s2", HEX),
        ("CorpusId:215416146", "corpus", "CorpusId:215416146"),
        ("corpusid: 00042", "corpus", "CorpusId:42"),
        ("10.18653/v1/2023.acl-long.1", "doi", "DOI:10.18653/v1/2023.acl-long.1"),
        ("doi:10.1145/3292500.3330701", "doi", "DOI:10.1145/3292500.3330701"),
        ("DOI: 10.1145/3292500.3330701", "doi", "DOI:10.1145/3292500.3330701"),
        ("https://doi.org/10.1002/asi.21678", "doi", "DOI:10.1002/asi.21678"),
        ("http://dx.doi.org/10.1002/asi.21678.", "doi", "DOI:10.1002/asi.21678"),
        ("https://doi.org/10.1000/a%2Fb", "doi", "DOI:10.1000/a/b"),
        ("10.48550/arXiv.2308.06744", "arxiv", "ARXIV:2308.06744"),
        ("2308.06744", "arxiv", "ARXIV:2308.06744"),
        ("2308.06744v2", "arxiv", "ARXIV:2308.06744"),
        ("arXiv:2308.06744", "arxiv", "ARXIV:2308.06744"),
        ("https://arxiv.org/abs/2308.06744v3", "arxiv", "ARXIV:2308.06744"),
        ("https://arxiv.org/pdf/2308.06744.pdf", "arxiv", "ARXIV:2308.06744"),
        ("hep-th/9901001", "arxiv", "ARXIV:hep-th/9901001"),
        (f"https://www.semanticscholar.org/paper/Token-Scaled-Logit/{HEX}", "url", HEX),
        (f"https://www.semanticscholar.org/paper/{HEX}?utm=x", "url", HEX),
        ("https://api.semanticscholar.org/CorpusID:215416146", "url", "CorpusId:215416146"),
        ("PMID:19872477", "external", "PMID:19872477"),
        ("acl:2020.acl-main.447", "external", "ACL:2020.acl-main.447"),
    ],
)
def test_paper_ref_forms(raw: str, kind: str, s2_id: str) -> None:
    ref = parse_paper_ref(raw)
    assert (ref.kind, ref.s2_id, ref.text) == (kind, s2_id, raw)


def test_an_arxiv_ref_carries_its_canonical_id() -> None:
    assert parse_paper_ref("arXiv:hep-th/9901001v2").arxiv_id == "hep-th/9901001"


def test_anything_else_is_a_title_with_folded_spaces() -> None:
    ref = parse_paper_ref("  Token-Scaled   Logit Distillation ")
    assert (ref.kind, ref.s2_id, ref.title) == ("title", None, "Token-Scaled Logit Distillation")


@pytest.mark.parametrize("raw", ["", "   ", "2308.06744\x00", "doi:nonsense"])
def test_bad_paper_refs_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        parse_paper_ref(raw)


@given(st.text(min_size=1, max_size=80))
def test_every_text_is_parsed_or_refused_cleanly(raw: str) -> None:
    try:
        ref = parse_paper_ref(raw)
    except ValueError:
        return
    assert ref.kind in {"s2", "corpus", "doi", "arxiv", "url", "external", "title"}
    assert (ref.s2_id is None) == (ref.kind == "title")
