"""BibTeX, RIS and CSL-JSON of paper records, read back with each format's own parser.

Every export is parsed by bibtexparser (+ pylatexenc), rispy, and the CSL schema plus
citeproc-py (tests/export_readers.py); the parsed titles, names, dates, ids and venues
must equal the input records: hostile titles (braces, the ten LaTeX specials, math,
TeX ligatures, accents, CJK, Korean, emoji), 3,000 authors, missing fields. Whitespace
runs count as one space (every format here is line- or token-based).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from export_readers import (
    citeproc_bibliography,
    read_bibtex,
    read_csljson,
    read_ris,
    ris_name,
)
from recordings import s2_recordings
from scholarcli.papers import formats
from scholarcli.papers.formats import bibtex, common, csljson, ris
from scholarcli.papers.records import profile_paper_record as paper_record
from scholarcli.sources.semanticscholar import parse_paper

HOSTILE_TITLES = [
    "{Braces} in {{nested {groups}}} and stray } then {",
    r"100% & $5 off _under_ #hash ~tilde ^caret \backslash \textbf{not a macro} \\",
    r"Math: $x^2 + \alpha_i$, \(y_{ij}\) and $$E=mc^2$$",
    "TeX ligatures -- and --- and ``quotes'' and ?` !` stay as typed",
    "Accents: Ärger über Café, naïve façade, Łódź, Ørsted, Straße, e\u0301 combining",
    "CJK: 大規模言語モデルの事前学習 中文标题：知识蒸馏",
    "Korean: 대규모 언어 모델은 사전학습 중 사실 지식을 어떻게 습득하는가?",
    "Quotes \"double\" 'single' `back`, @at, comma, = equals, <angle> | pipe",
    "Emoji 🚀 and zero-width\u200bspace, RTL עברית العربية",
    "Line\nbreaks,\ttabs   and  runs of spaces",
    "ALLCAPS LLM GPT-4 ExeGPT NASH: K-Viscuit",
]
HOSTILE_NAMES = [
    "Minsoo Kim",
    "José Müller-Lüdenscheidt",
    "Ludwig van Beethoven",
    "Martin Luther King Jr.",
    "김민수",
    "大谷 翔平",
    "The ATLAS Collaboration",
    "Lee and Kim Laboratory",
    "Plato",
    "O'Brien {Weird} 100%_Name",
    "Zoë d'Arc",
]


def norm(value: str) -> str:
    return " ".join(value.split())


def record(
    title: str = "A Title", authors: list[str] | tuple[str, ...] = ("Minsoo Kim",), **extra: Any
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "paper_id": "a" * 40,
        "corpus_id": 1,
        "arxiv_id": None,
        "doi": None,
        "title": title,
        "authors": [{"name": n, "author_id": None} for n in authors],
        "venue": "",
        "year": 2023,
        "date": None,
        "publication_date": None,
        "category": None,
        "categories": [],
        "citations": 0,
        "influential_citations": 0,
        "references_count": None,
        "cites_per_year": 0.0,
        "code_url": None,
        "pdf_url": None,
        "tldr": None,
        "abstract": None,
        "url": None,
        "publication_types": [],
        "journal": None,
        "external_ids": {},
        "arxiv_comment": None,
    }
    base.update(extra)
    return base


def all_formats(records: list[dict[str, Any]], abstracts: bool = False) -> tuple[Any, Any, Any]:
    return (
        read_bibtex(formats.dumps(records, "bibtex", abstracts=abstracts)),
        read_ris(formats.dumps(records, "ris", abstracts=abstracts)),
        read_csljson(formats.dumps(records, "csljson", abstracts=abstracts)),
    )


def ris_names(entry: dict[str, Any], names: list[str]) -> list[str]:
    return [ris_name(a, n) for a, n in zip(entry["authors"], names, strict=True)]


def csl_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    return " ".join(p for p in (name["given"], name["family"], name.get("suffix", "")) if p)


# --- hostile input -----------------------------------------------------------------------


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_read_back_unchanged(title: str) -> None:
    paper = record(title, HOSTILE_NAMES, abstract=title, arxiv_id="2308.06744", category="cs.CL")
    (bib,), (ris_entry,), (item,) = all_formats([paper], abstracts=True)
    assert bib["title"] == norm(title)
    assert bib["abstract"] == norm(title)
    assert ris_entry["title"] == norm(title)
    assert ris_entry["abstract"] == norm(title)
    assert item["title"] == norm(title)
    assert item["abstract"] == norm(title)
    assert bib["author"] == HOSTILE_NAMES
    assert ris_names(ris_entry, HOSTILE_NAMES) == HOSTILE_NAMES
    assert [csl_name(n) for n in item["author"]] == HOSTILE_NAMES


def test_non_ascii_stays_utf8_and_specials_are_escaped_in_the_bib_text() -> None:
    text = bibtex.dumps([record("Ärger 中文 한국어 100% a_b", ["Zoë d'Arc"])])
    assert "Ärger 中文 한국어 100{\\%} a{\\_}b" in text
    assert "Zoë" in text
    assert '\\"' not in text and '{\\"' not in text  # no \"{a} style accents


def test_title_words_in_odd_capitals_are_braced_for_sentence_case_styles() -> None:
    text = bibtex.dumps([record("ExeGPT: Scheduling for LLM Inference on GPU-Clusters")])
    assert "title = {{ExeGPT:} Scheduling for {LLM} Inference on {GPU-Clusters}}" in text


def test_three_thousand_authors_survive_every_format() -> None:
    rng = random.Random(7)
    names = [
        f"{rng.choice(HOSTILE_NAMES)} {i}" if i % 3 else HOSTILE_NAMES[i % 11] for i in range(3000)
    ]
    paper = record("Big Science", names, year=2024, date="2024-01-02")
    (bib,), (ris_entry,), (item,) = all_formats([paper])
    assert bib["author"] == names
    assert ris_names(ris_entry, names) == names
    assert [csl_name(n) for n in item["author"]] == names


@pytest.mark.parametrize("fmt", sorted(formats.FORMATS))
def test_missing_fields_and_nulls_still_give_a_valid_entry(fmt: str) -> None:
    sparse = [
        {},
        {"title": None, "authors": None, "journal": None, "publication_types": None},
        {"title": "Only a title", "year": None, "authors": [{"name": None}, {"name": ""}]},
        {"title": "x", "journal": {"name": None, "volume": "", "pages": None}, "venue": None},
    ]
    text = formats.dumps(sparse, fmt)
    if fmt == "bibtex":
        entries = read_bibtex(text)
    elif fmt == "ris":
        entries = read_ris(text)
    else:
        entries = read_csljson(text)
    assert len(entries) == 4


# --- the same content in every format ------------------------------------------------------

PREPRINT = record(
    "Token-Scaled Logit Distillation for Ternary Weight Generative Language Models",
    ["Minsoo Kim", "Sihwa Lee", "Du-Seong Chang"],
    arxiv_id="2308.06744",
    venue="arXiv.org",
    journal={"name": "ArXiv", "volume": "abs/2308.06744", "pages": None},
    publication_types=["JournalArticle"],  # what S2 says of arXiv-only papers
    date="2023-08-13",
    publication_date="2023-12-10",
    category="cs.CL",
    url="https://www.semanticscholar.org/paper/" + "a" * 40,
)
ARTICLE = record(
    "Protein Structure Prediction",
    ["Jane Doe", "Ludwig van Beethoven"],
    doi="10.1038/s41586-021-03819-2",
    venue="Nature",
    journal={"name": "Nature", "volume": "596", "pages": "583 - 589"},
    publication_types=["JournalArticle"],
    year=2021,
    date="2020-12-01",  # an arXiv preprint a year before: not the publication date
    publication_date="2021-07-15",
    arxiv_id="2012.00001",
    category="q-bio.BM",
)
CONFERENCE = record(
    "NASH: A Simple Unified Framework",
    ["Jongwoo Ko"],
    venue="Conference on Empirical Methods in Natural Language Processing",
    publication_types=["JournalArticle", "Conference"],
    doi="10.18653/v1/2023.findings-emnlp.404",
    publication_date="2023-12-01",
)


def test_preprint_is_misc_with_eprint_unpb_and_csl_article() -> None:
    (bib,), (ris_entry,), (item,) = all_formats([PREPRINT])
    assert bib["ENTRYTYPE"] == "misc" and bib["ID"] == "kim2023token"
    assert (bib["eprint"], bib["archivePrefix"], bib["primaryClass"]) == (
        "2308.06744",
        "arXiv",
        "cs.CL",
    )
    assert "journal" not in bib and "doi" not in bib
    assert (bib["year"], bib["date"]) == ("2023", "2023-08-13")  # arXiv v1, not S2's date
    assert bib["url"] == "https://arxiv.org/abs/2308.06744"
    assert ris_entry["type_of_reference"] == "UNPB" and ris_entry["id"] == "kim2023token"
    assert ris_entry["accession_number"] == "arXiv:2308.06744"
    assert ris_entry["name_of_database"] == "arXiv"
    assert (ris_entry["year"], ris_entry["date"]) == ("2023", "2023/08/13")
    assert ris_entry["keywords"] == ["cs.CL"]
    assert ris_entry["urls"] == ["https://arxiv.org/abs/2308.06744"]
    assert item["type"] == "article" and item["id"] == "kim2023token"
    assert (item["publisher"], item["number"]) == ("arXiv", "arXiv:2308.06744")
    assert item["issued"] == {"date-parts": [[2023, 8, 13]]}


def test_journal_article_with_volume_pages_doi_and_its_arxiv_version() -> None:
    (bib,), (ris_entry,), (item,) = all_formats([ARTICLE])
    assert bib["ENTRYTYPE"] == "article"
    assert (bib["journal"], bib["volume"], bib["pages"]) == ("Nature", "596", "583–589")
    assert bib["doi"] == "10.1038/s41586-021-03819-2"
    assert (bib["year"], bib["date"]) == ("2021", "2021-07-15")
    assert bib["eprint"] == "2012.00001" and bib["primaryClass"] == "q-bio.BM"
    assert bib["author"] == ["Jane Doe", "Ludwig van Beethoven"]
    assert ris_entry["type_of_reference"] == "JOUR"
    assert (ris_entry["journal_name"], ris_entry["volume"]) == ("Nature", "596")
    assert (ris_entry["start_page"], ris_entry["end_page"]) == ("583", "589")
    assert ris_entry["doi"] == "10.1038/s41586-021-03819-2"
    assert ris_entry["authors"] == ["Doe, Jane", "van Beethoven, Ludwig"]
    assert item["type"] == "article-journal"
    assert (item["container-title"], item["volume"], item["page"]) == ("Nature", "596", "583-589")
    assert item["DOI"] == "10.1038/s41586-021-03819-2"
    assert item["issued"] == {"date-parts": [[2021, 7, 15]]}
    assert item["author"][1] == {"family": "van Beethoven", "given": "Ludwig"}


def test_conference_paper_is_inproceedings_cpaper_paper_conference() -> None:
    (bib,), (ris_entry,), (item,) = all_formats([CONFERENCE])
    assert bib["ENTRYTYPE"] == "inproceedings" and bib["ID"] == "ko2023nash"
    assert bib["booktitle"] == CONFERENCE["venue"]
    assert ris_entry["type_of_reference"] == "CPAPER"
    assert ris_entry["secondary_title"] == CONFERENCE["venue"]
    assert item["type"] == "paper-conference"
    assert item["container-title"] == CONFERENCE["venue"]


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        ({"venue": "arXiv.org", "arxiv_id": "1"}, common.Kind.PREPRINT),
        ({"venue": "CoRR", "arxiv_id": "1", "publication_types": ["JournalArticle"]}, "preprint"),
        ({"venue": "", "arxiv_id": None}, common.Kind.MISC),
        ({"venue": "Journal of Things"}, common.Kind.ARTICLE),
        ({"venue": "Proceedings of the 2023 Workshop on Things"}, common.Kind.INPROCEEDINGS),
        ({"venue": "Proceedings of the ACM on Programming Languages"}, common.Kind.ARTICLE),
        ({"venue": "Proceedings of the National Academy of Sciences"}, common.Kind.ARTICLE),
        ({"venue": "BMC Proceedings", "journal": {"volume": "6"}}, common.Kind.ARTICLE),
        ({"venue": "Findings of EMNLP"}, common.Kind.INPROCEEDINGS),
        (
            {"venue": "Annual Meeting of the ACL", "publication_types": ["JournalArticle"]},
            common.Kind.INPROCEEDINGS,
        ),
        (
            {
                "venue": "Transactions of the ACL",
                "publication_types": ["JournalArticle"],
                "journal": {"name": "TACL", "volume": "11"},
            },
            common.Kind.ARTICLE,
        ),
        ({"venue": "Springer", "publication_types": ["Book"]}, common.Kind.BOOK),
        ({"venue": "LNCS 123", "publication_types": ["BookSection"]}, common.Kind.INCOLLECTION),
        ({"venue": "Zenodo", "publication_types": ["Dataset"]}, common.Kind.MISC),
        ({"venue": "", "journal": {"name": "Cell", "volume": "1"}}, common.Kind.ARTICLE),
        ({"venue": "Review of Things", "publication_types": ["Review"]}, common.Kind.ARTICLE),
    ],
)
def test_entry_kind_rules(extra: dict[str, Any], kind: str) -> None:
    assert common.kind(record(**extra)) == kind


@pytest.mark.parametrize(
    ("extra", "types"),
    [
        ({"venue": "Springer", "publication_types": ["Book"]}, ("book", "BOOK", "book")),
        (
            {"venue": "LNCS", "publication_types": ["BookSection"]},
            ("incollection", "CHAP", "chapter"),
        ),
        ({}, ("misc", "GEN", "document")),
    ],
)
def test_other_kinds_map_to_each_format(extra: dict[str, Any], types: tuple[str, ...]) -> None:
    (bib,), (ris_entry,), (item,) = all_formats([record(**extra)])
    assert (bib["ENTRYTYPE"], ris_entry["type_of_reference"], item["type"]) == types


def test_abstracts_only_on_request() -> None:
    paper = record(abstract="We study % things.")
    (bib,), (ris_entry,), (item,) = all_formats([paper])
    assert "abstract" not in bib and "abstract" not in ris_entry and "abstract" not in item
    (bib,), (ris_entry,), (item,) = all_formats([paper], abstracts=True)
    assert bib["abstract"] == ris_entry["abstract"] == item["abstract"] == "We study % things."


def test_citeproc_formats_a_bibliography_from_the_csl_items() -> None:
    items = json.loads(csljson.dumps([PREPRINT, ARTICLE, CONFERENCE, record(HOSTILE_TITLES[6])]))
    lines = citeproc_bibliography(items)
    assert len(lines) == 4
    joined = "\n".join(lines)
    assert "Token-Scaled Logit Distillation" in joined and "Kim, M." in joined
    assert "Nature, 596" in joined and "583–589" in joined
    assert "대규모 언어 모델은" in joined
    assert "doi.org/10.1038/s41586-021-03819-2" in joined


# --- keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "year", "title", "key"),
    [
        ("Minsoo Kim", 2023, "Token-Scaled Logit Distillation", "kim2023token"),
        ("Hoyeon Chang", 2024, "How Do Large Language Models Acquire", "chang2024how"),
        ("Euiin Yi", 2024, "Towards Fast Multilingual LLM Inference", "yi2024fast"),
        ("José Müller-Lüdenscheidt", 2020, "Über die Straße", "mullerludenscheidt2020uber"),
        ("Ludwig van Beethoven", 1810, "The Für Elise", "beethoven1810fur"),
        ("Martin Luther King Jr.", 1963, "A Dream", "king1963dream"),
        ("김민수", 2024, "대규모 언어 모델", "anon2024"),
        ("Plato", None, "$x^2$ and 42 Republic", "platox"),
        ("", 2001, "", "anon2001"),
    ],
)
def test_key_shape(author: str, year: int | None, title: str, key: str) -> None:
    assert common.citation_keys([record(title, [author] if author else [], year=year)]) == [key]


def test_colliding_keys_get_letters_in_a_stable_order_whatever_the_input_order() -> None:
    papers = [
        record("Token Mixing", paper_id=str(i) * 40, date=f"2023-0{i}-01") for i in range(1, 5)
    ]
    papers.append(record("Tokena Mixing", paper_id="9" * 40))  # its own key is kim2023tokena
    keys = common.citation_keys(papers)
    assert keys == [
        "kim2023token",
        "kim2023tokenb",
        "kim2023tokenc",
        "kim2023tokend",
        "kim2023tokena",
    ]
    shuffled = papers[::-1]
    by_paper = dict(
        zip((p["paper_id"] for p in shuffled), common.citation_keys(shuffled), strict=True)
    )
    assert [by_paper[p["paper_id"]] for p in papers] == keys


def test_keys_are_the_same_in_every_format_and_every_run() -> None:
    # The later of two kim2023token papers gets the letter (date first in the stable order).
    papers = [PREPRINT, ARTICLE, CONFERENCE, record("Token x", date="2023-09-01")]
    bib_keys = [e["ID"] for e in read_bibtex(bibtex.dumps(papers))]
    ris_keys = [e["id"] for e in read_ris(ris.dumps(papers))]
    csl_keys = [i["id"] for i in read_csljson(csljson.dumps(papers))]
    assert bib_keys == ris_keys == csl_keys == common.citation_keys(papers)
    assert bib_keys == ["kim2023token", "doe2021protein", "ko2023nash", "kim2023tokena"]


def test_bibtex_is_the_same_text_under_any_hash_seed() -> None:
    # Set and dict order follow string hashes, which differ per process: two processes
    # with different PYTHONHASHSEEDs must still write byte-identical BibTeX.
    import os
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from scholarcli.papers.formats import bibtex\n"
        "sys.stdout.write(bibtex.dumps(json.load(sys.stdin)))\n"
    )
    papers = json.dumps([PREPRINT, ARTICLE, CONFERENCE, record("Token x", date="2023-09-01")])
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            input=papers,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and next(iter(outputs)).startswith("@")


# --- properties --------------------------------------------------------------------------

# Any text a title or name can hold: no surrogates and no control characters (which no
# format can carry; the exporters replace them with spaces, as whitespace).
# TeX's specials, ligature halves and BibTeX's name syntax are drawn often on purpose.
PIECES = st.one_of(
    st.sampled_from([*"\\{}%&$_#~^-`'?!@,= ", "and", " and ", " Jr.", "van "]),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=8),
)
TEXT = st.lists(PIECES, min_size=1, max_size=12).map("".join).filter(lambda s: s.strip() != "")


@given(title=TEXT, names=st.lists(TEXT, min_size=1, max_size=5))
def test_any_unicode_title_and_names_read_back_in_every_format(
    title: str, names: list[str]
) -> None:
    paper = record(title, names, arxiv_id="2401.00001", category="cs.CL")
    (bib,), (ris_entry,), (item,) = all_formats([paper])
    expected = [norm(n) for n in names]
    assert bib["title"] == ris_entry["title"] == item["title"] == norm(title)
    assert bib["author"] == expected
    assert ris_names(ris_entry, expected) == expected
    assert [csl_name(n) for n in item["author"]] == expected


@given(
    st.lists(
        st.tuples(TEXT, TEXT, st.one_of(st.none(), st.integers(1900, 2100))),
        min_size=1,
        max_size=30,
    ),
    st.randoms(use_true_random=False),
)
def test_keys_are_unique_bibtex_safe_and_independent_of_order(
    rows: list[tuple[str, str, int | None]], rng: random.Random
) -> None:
    papers = [
        record(title, [name], year=year, paper_id=f"{i:040d}")
        for i, (title, name, year) in enumerate(rows)
    ]
    keys = common.citation_keys(papers)
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys)
    order = list(range(len(papers)))
    rng.shuffle(order)
    shuffled_keys = common.citation_keys([papers[i] for i in order])
    assert [shuffled_keys[order.index(i)] for i in range(len(papers))] == keys


# --- real Semantic Scholar papers --------------------------------------------------------


def recorded_papers(fixtures_dir: Path) -> list[dict[str, Any]]:
    """Every paper of the recorded /author/{id}/papers answers (real S2 payloads), as the
    records ``scholar export NAME`` builds from cached papers."""
    raws = []
    for rec in s2_recordings(fixtures_dir):
        if "/papers?" in rec.uri and rec.status == 200 and "/author/" in rec.uri:
            raws += [p for p in json.loads(rec.body).get("data") or [] if p.get("paperId")]
    unique = {raw["paperId"]: raw for raw in raws}
    return [paper_record(parse_paper(raw), None, 2026) for raw in unique.values()]


def test_real_author_papers_read_back_in_every_format(fixtures_dir: Path) -> None:
    papers = recorded_papers(fixtures_dir)
    assert len(papers) > 500
    bib, ris_entries, items = all_formats(papers, abstracts=True)
    assert len(bib) == len(ris_entries) == len(items) == len(papers)
    assert len({e["ID"] for e in bib}) == len(papers)
    for paper, entry, ris_entry, item in zip(papers, bib, ris_entries, items, strict=True):
        title = norm(paper["title"])
        assert entry["title"] == ris_entry["title"] == item["title"] == title
        names = [norm(a["name"]) for a in paper["authors"] if a["name"].strip()]
        assert entry.get("author", []) == names
        assert ris_names(ris_entry, names) == names if names else "authors" not in ris_entry
        assert [csl_name(n) for n in item.get("author", [])] == names
        assert entry.get("doi") == ris_entry.get("doi") == item.get("DOI") == paper["doi"]
        if paper["abstract"]:
            assert entry["abstract"] == ris_entry["abstract"] == norm(paper["abstract"])
        volume = (paper["journal"] or {}).get("volume")
        if entry["ENTRYTYPE"] == "article" and volume:
            assert entry["volume"] == ris_entry["volume"] == item["volume"] == norm(volume)
    kinds = {e["ENTRYTYPE"] for e in bib}
    assert {"article", "misc"} <= kinds
    # Journals named "Proceedings of ..." (PNAS) stay articles.
    pnas = [e for e in bib if "National Academy" in e.get("journal", e.get("booktitle", ""))]
    assert pnas and all(e["ENTRYTYPE"] == "article" for e in pnas)


def test_doi_and_url_are_verbatim_in_bibtex_and_plain_elsewhere() -> None:
    doi = "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0_x~y%41"
    url = "https://example.org/a_b/~user/%7Efile?q=1&r=2#frag"
    paper = record("T", doi=doi, url=url, venue="JASIS", journal={"name": "JASIS"})
    (bib,), (ris_entry,), (item,) = all_formats([paper])
    assert bib["doi"] == ris_entry["doi"] == item["DOI"] == doi
    assert bib["url"] == url and ris_entry["urls"] == [url] and item["URL"] == url
    assert bibtex.verbatim("https://x.org/{a} b\\c") == "https://x.org/%7Ba%7D%20b%5Cc"


@pytest.mark.parametrize("count", [0, 1, 3])
def test_csljson_text_is_exactly_the_items(count: int) -> None:
    papers = [PREPRINT, ARTICLE, record(HOSTILE_TITLES[1], HOSTILE_NAMES)][:count]
    assert json.loads(csljson.dumps(papers)) == csljson.items(papers)
