"""Every form of paper reference a user pastes finds the same paper, through the CLI.

The seed paper "Token-Scaled Logit Distillation ..." (S2 id ``a`` * 40, arXiv
2308.06744) is asked for by S2 id, CorpusId, DOI in three spellings, arXiv id in five,
a semanticscholar.org link and its title; a paper with a publisher DOI is added for the
DOI forms.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from scholarcli.cli import app
from scholarcli.ids import parse_paper_ref
from scholarcli.papers.lookup import ref_key

TSLD = "a" * 40
TSLD_TITLE = "Token-Scaled Logit Distillation for Ternary Weight Generative Language Models"
OLD_STYLE = "f0" * 20
PUBLISHED = "e0" * 20
DOI = "10.18653/v1/2023.findings-emnlp.991"


@pytest.fixture
def world(seeded):  # type: ignore[no-untyped-def]
    seeded.add_paper(
        PUBLISHED,
        title="A Published Paper With A Publisher DOI",
        year=2023,
        venue="EMNLP",
        authors=[("2112233445", "Du-Seong Chang")],
        citation_count=7,
        doi=DOI,
    )
    seeded.add_paper(
        OLD_STYLE,
        title="An Old Style Preprint",
        year=1999,
        venue="",
        authors=[(None, "Ed Witten")],
        arxiv_id="hep-th/9901001",
    )
    return seeded


def corpus_id(double, paper_id: str) -> int:  # type: ignore[no-untyped-def]
    return double.store.papers[paper_id].corpus_id


def lookup(runner: CliRunner, *refs: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["paper", *refs, "-f", "json"])


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (TSLD, TSLD),
        (TSLD.upper(), TSLD),
        ("2308.06744", TSLD),
        ("2308.06744v2", TSLD),
        ("arXiv:2308.06744", TSLD),
        ("ARXIV:2308.06744v1", TSLD),
        ("https://arxiv.org/abs/2308.06744v2", TSLD),
        ("https://arxiv.org/pdf/2308.06744.pdf", TSLD),
        ("10.48550/arXiv.2308.06744", TSLD),
        (f"https://www.semanticscholar.org/paper/Token-Scaled-Logit/{TSLD}", TSLD),
        (f"https://www.semanticscholar.org/paper/{TSLD}", TSLD),
        (TSLD_TITLE, TSLD),
        (TSLD_TITLE.lower() + ".", TSLD),
        ("hep-th/9901001", OLD_STYLE),
        ("arXiv:hep-th/9901001v2", OLD_STYLE),
        (DOI, PUBLISHED),
        (f"doi:{DOI}", PUBLISHED),
        (f"DOI:{DOI.upper()}", PUBLISHED),
        (f"https://doi.org/{DOI}", PUBLISHED),
    ],
)
def test_every_ref_form_finds_the_paper(runner: CliRunner, world, ref: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    result = lookup(runner, ref)
    assert result.exit_code == 0, result.stderr
    papers = json.loads(result.stdout)["papers"]
    assert [p["paper_id"] for p in papers] == [expected]


def test_corpus_id_forms(runner: CliRunner, world) -> None:  # type: ignore[no-untyped-def]
    number = corpus_id(world, TSLD)
    for ref in (
        f"CorpusId:{number}",
        f"corpusid:{number}",
        f"https://api.semanticscholar.org/CorpusID:{number}",
    ):
        result = lookup(runner, ref)
        assert result.exit_code == 0, (ref, result.stderr)
        assert json.loads(result.stdout)["papers"][0]["corpus_id"] == number


def test_many_forms_of_one_paper_print_it_once(runner: CliRunner, world) -> None:  # type: ignore[no-untyped-def]
    result = lookup(runner, TSLD, "2308.06744", "https://arxiv.org/abs/2308.06744", "2302.01530")
    assert result.exit_code == 0, result.stderr
    ids = [p["paper_id"] for p in json.loads(result.stdout)["papers"]]
    assert ids == [TSLD, "b" * 40]
    # One batch for the three distinct S2 id forms, one arXiv request for both papers.
    assert world.count("s2", "/paper/batch") == 1
    assert world.count("arxiv") == 1


def test_refs_that_differ_only_in_spelling_share_a_cache_key() -> None:
    assert ref_key(parse_paper_ref(f"doi:{DOI}")) == ref_key(parse_paper_ref(DOI.upper()))
    assert ref_key(parse_paper_ref("arXiv:2308.06744v3")) == ref_key(
        parse_paper_ref("https://arxiv.org/abs/2308.06744")
    )
    assert ref_key(parse_paper_ref("Attention is all you need")) == ref_key(
        parse_paper_ref("  attention IS all you need. ")
    )


def test_a_bad_ref_is_named_and_the_rest_printed(runner: CliRunner, world) -> None:  # type: ignore[no-untyped-def]
    result = lookup(runner, "2308.06744", "doi:not-a-doi")
    assert result.exit_code == 3
    assert [p["paper_id"] for p in json.loads(result.stdout)["papers"]] == [TSLD]
    assert "not-a-doi" in result.stderr


@pytest.mark.parametrize("module", ["papers/records.py", "papers/query.py", "inputs/paper_refs.py"])
def test_the_pure_paper_modules_do_no_io(module: str) -> None:
    from test_architecture import PACKAGE, imports

    found = imports(PACKAGE / module)
    assert not {"requests", "sqlite3", "os", "socket", "subprocess", "urllib", "http"} & found


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_KEYS = st.sampled_from(
    [
        "paperId",
        "externalIds",
        "corpusId",
        "url",
        "title",
        "abstract",
        "venue",
        "year",
        "referenceCount",
        "citationCount",
        "influentialCitationCount",
        "openAccessPdf",
        "tldr",
        "publicationTypes",
        "publicationDate",
        "journal",
        "authors",
    ]
)


@given(st.dictionaries(_KEYS, _JSON, max_size=12))
def test_a_record_is_built_from_any_json_s2_might_send(raw: dict) -> None:  # type: ignore[type-arg]
    from scholarcli.papers.records import PAPER_RECORD_FIELDS, paper_record

    record = paper_record(raw, None, 2026)
    assert list(record) == list(PAPER_RECORD_FIELDS)
    assert isinstance(record["authors"], list) and isinstance(record["title"], str)
    assert record["citations"] >= 0 and record["cites_per_year"] >= 0


def test_records_from_real_recordings(fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    """Every paper object of the real recordings becomes a sane record."""
    from recordings import s2_recordings
    from scholarcli.papers.records import paper_record

    seen = 0
    empty_pdf = 0
    for rec in s2_recordings(fixtures_dir):
        try:
            body = json.loads(rec.body)
        except ValueError:
            continue
        items = body.get("data") if isinstance(body, dict) else body
        for raw in items if isinstance(items, list) else []:
            if not isinstance(raw, dict) or "paperId" not in raw or "title" not in raw:
                continue
            record = paper_record(raw, None, 2026)
            seen += 1
            assert record["paper_id"] == raw["paperId"]
            if record["doi"]:
                assert record["doi"] == record["doi"].lower()
                assert not record["doi"].startswith("10.48550/")
            if record["journal"] is not None:
                assert set(record["journal"]) == {"name", "volume", "pages"}
                assert any(record["journal"].values())
            oa = raw.get("openAccessPdf")
            if isinstance(oa, dict) and not oa.get("url"):
                empty_pdf += 1
                assert record["pdf_url"] is None or record["pdf_url"].startswith(
                    "https://arxiv.org/pdf/"
                )
            assert all(isinstance(t, str) for t in record["publication_types"])
    assert seen > 500
    assert empty_pdf > 0  # the recordings hold openAccessPdf objects with url ""
