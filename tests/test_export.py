"""``scholar export``: the seed author's nine papers in every format, read back by each
format's own parser (tests/export_readers.py), through the loopback double; the cache
path of ``scholar author``; ``-o`` written atomically; ``--papers`` through the lookup;
usage errors and exit statuses.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

import seed
from export_readers import citeproc_bibliography, read_bibtex, read_csljson, read_ris
from scholarcli.cli import app
from scholarcli.commands import export as export_command

KEYS = {
    "2308.06744": "kim2023token",
    "2302.01530": "ko2023revisiting",
    "2211.11014": "kim2022understanding",
    "2310.10054": "ko2023nash",
    "2404.00930": "han2024psydial",
    "2406.16469": "park2024evaluating",
    "2403.10225": "oh2024exegpt",
    "2406.16758": "yi2024fast",
    "2406.11813": "chang2024how",
}
BY_ARXIV = {p.arxiv_id: p for p in seed.PAPERS}


def authors_of(paper: seed.SeedPaper) -> list[str]:
    return [*paper.first_authors, "Another Author", seed.NAME]


def export(runner: CliRunner, *args: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["export", *args], **kwargs)


def test_bibtex_of_the_seed_author_reads_back_with_every_field(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = export(runner, seed.NAME)
    assert result.exit_code == 0, result.stderr
    entries = read_bibtex(result.stdout)
    assert len(entries) == 9
    for entry in entries:
        paper = BY_ARXIV[entry["eprint"]]
        assert entry["ID"] == KEYS[paper.arxiv_id]
        assert entry["ENTRYTYPE"] == "misc"  # arXiv.org is the only venue: a preprint
        assert entry["title"] == paper.title
        assert entry["author"] == authors_of(paper)
        assert (entry["archivePrefix"], entry["primaryClass"]) == ("arXiv", paper.category)
        assert entry["year"] == paper.published[:4]
        assert entry["date"] == paper.published  # arXiv v1, not S2's later date
        assert entry["url"] == f"https://arxiv.org/abs/{paper.arxiv_id}"
        assert "doi" not in entry  # arXiv's own DataCite DOI names no publication
        assert "abstract" not in entry


def test_ris_of_the_seed_author_reads_back(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = export(runner, seed.NAME, "-f", "ris", "--abstracts")
    assert result.exit_code == 0, result.stderr
    entries = read_ris(result.stdout)
    assert len(entries) == 9
    for entry in entries:
        paper = BY_ARXIV[entry["accession_number"].removeprefix("arXiv:")]
        assert entry["type_of_reference"] == "UNPB"
        assert entry["id"] == KEYS[paper.arxiv_id]
        assert entry["title"] == paper.title
        names = [f"{given} {family}" for family, given in (a.split(", ") for a in entry["authors"])]
        assert names == authors_of(paper)
        assert entry["date"] == paper.published.replace("-", "/")
        assert entry["keywords"] == [paper.category]
        assert entry["abstract"] == seed.abstract(paper)


def test_csljson_of_the_seed_author_is_valid_csl_and_formats(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = export(runner, seed.NAME, "-f", "csljson")
    assert result.exit_code == 0, result.stderr
    items = read_csljson(result.stdout)
    assert len(items) == 9
    for item in items:
        paper = BY_ARXIV[item["number"].removeprefix("arXiv:")]
        assert item["id"] == KEYS[paper.arxiv_id]
        assert (item["type"], item["publisher"]) == ("article", "arXiv")
        assert item["title"] == paper.title
        assert [f"{n['given']} {n['family']}" for n in item["author"]] == authors_of(paper)
        assert item["issued"] == {"date-parts": [[int(x) for x in paper.published.split("-")]]}
    lines = citeproc_bibliography(items)
    assert len(lines) == 9
    assert any("Token-Scaled Logit Distillation" in line for line in lines)


def test_keys_are_stable_and_a_second_export_asks_nothing(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    first = export(runner, seed.NAME)
    seeded.reset_log()
    second = export(runner, seed.NAME)
    assert second.exit_code == 0
    assert second.stdout == first.stdout
    assert seeded.count() == 0  # the author's papers and arXiv entries are cached
    offline = export(runner, seed.NAME, "--offline")
    assert offline.exit_code == 0 and offline.stdout == first.stdout


def test_the_profile_cache_of_scholar_author_answers_export(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(app, ["author", seed.NAME, "-f", "json"]).exit_code == 0
    seeded.reset_log()
    result = export(runner, seed.NAME, "-f", "ris")
    assert result.exit_code == 0
    assert seeded.count() == 0


def test_refresh_fetches_again(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    export(runner, seed.NAME)
    seeded.reset_log()
    assert export(runner, seed.NAME, "--refresh").exit_code == 0
    assert seeded.count("s2", "/author/") >= 1


def test_id_picks_the_profile(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = export(runner, "--id", seed.AUTHOR_ID, "-f", "csljson")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 9


def test_offline_with_nothing_cached_is_exit_4(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = export(runner, seed.NAME, "--offline")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")


def test_unknown_author_is_exit_3(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = export(runner, "Nobody Atall")
    assert result.exit_code == 3
    assert "error: no Semantic Scholar author matches" in result.stderr


def test_arxiv_down_still_exports_and_exits_5(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.inject("arxiv.query", "5xx", times=1000, status=503)
    result = export(runner, seed.NAME)
    assert result.exit_code == 5
    assert "warning: arXiv" in result.stderr
    entries = read_bibtex(result.stdout)
    assert len(entries) == 9
    assert all("primaryClass" not in e for e in entries)  # no category without arXiv
    assert {e["eprint"] for e in entries} == set(KEYS)


# --- -o FILE ------------------------------------------------------------------------------


def test_output_file_is_written_whole_and_replaces_the_old_one(
    runner: CliRunner,
    seeded,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "refs.bib"
    target.write_text("old contents\n", encoding="utf-8")
    target.chmod(0o640)
    result = export(runner, seed.NAME, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"note: wrote 9 bibtex entries to {target}" in result.stderr
    assert target.read_text(encoding="utf-8") == export(runner, seed.NAME).stdout
    assert target.stat().st_mode & 0o777 == 0o640  # the file's permissions are kept
    assert sorted(p.name for p in folder.iterdir()) == ["refs.bib"]  # no temporary left


def test_a_failed_export_leaves_the_old_file_alone(
    runner: CliRunner,
    seeded,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "refs.bib"
    target.write_text("old contents\n", encoding="utf-8")
    result = export(runner, seed.NAME, "--offline", "-o", str(target))
    assert result.exit_code == 4
    assert target.read_text(encoding="utf-8") == "old contents\n"
    assert sorted(p.name for p in folder.iterdir()) == ["refs.bib"]


def test_output_into_a_missing_folder_is_a_usage_error(
    runner: CliRunner,
    seeded,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    result = export(runner, seed.NAME, "-o", str(tmp_path / "nope" / "refs.bib"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# --- usage --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give a name or at least one --id"),
        (["X", "--papers", "refs.txt"], "not both"),
        (["X", "-f", "endnote"], "endnote"),
        (["X", "--refresh", "--offline"], "cannot be used together"),
        (["X", "--max-age", "soon"], "--max-age"),
    ],
)
def test_usage_errors_are_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    result = export(runner, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.startswith("error: ")


# --- --papers -----------------------------------------------------------------------------


def _record(title: str, first: str, arxiv_id: str | None = None) -> dict[str, Any]:
    return {
        "paper_id": (arxiv_id or title).ljust(40, "0")[:40],
        "title": title,
        "authors": [{"name": first, "author_id": None}],
        "year": 2024,
        "arxiv_id": arxiv_id,
        "venue": "arXiv.org" if arxiv_id else "Nature",
        "publication_types": [] if arxiv_id else ["JournalArticle"],
        "journal": None if arxiv_id else {"name": "Nature", "volume": "1", "pages": "1-2"},
        "doi": None if arxiv_id else "10.1038/x",
    }


@pytest.fixture
def fake_lookup(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Stands in for papers.lookup.lookup_papers (another branch): records of a good
    arXiv id and DOI, ``bad`` refs unresolved. Returns the refs it was asked for."""
    asked: list[list[str]] = []

    def lookup(ctx: Any, refs: list[str], *, refresh: bool, max_age: Any) -> Any:
        asked.append(list(refs))
        found = {
            "2308.06744": _record("Token-Scaled Logit", "Minsoo Kim", "2308.06744"),
            "10.1038/x": _record("A Nature Paper", "Jane Doe"),
        }
        unresolved = [
            SimpleNamespace(ref=r, reason="Semantic Scholar has no such paper")
            for r in refs
            if r not in found
        ]
        return SimpleNamespace(
            papers=[found[r] for r in refs if r in found], unresolved=unresolved, complete=True
        )

    monkeypatch.setattr(export_command, "lookup", lookup)
    return asked


def test_papers_from_a_file_skip_blanks_comments_and_repeats(
    runner: CliRunner,
    fake_lookup: list[list[str]],
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    refs = tmp_path / "refs.txt"
    refs.write_text("\ufeff# my list\n2308.06744\n\n  10.1038/x  \n2308.06744\n", encoding="utf-8")
    result = export(runner, "--papers", str(refs), "-f", "ris")
    assert result.exit_code == 0, result.stderr
    assert fake_lookup == [["2308.06744", "10.1038/x"]]
    entries = read_ris(result.stdout)
    assert [(e["type_of_reference"], e["id"]) for e in entries] == [
        ("UNPB", "kim2024token"),
        ("JOUR", "doe2024nature"),
    ]


def test_papers_from_stdin_with_an_unresolved_ref_exports_the_rest_and_exits_3(
    runner: CliRunner,
    fake_lookup: list[list[str]],  # type: ignore[no-untyped-def]
) -> None:
    result = export(runner, "--papers", "-", input="2308.06744\nbad-ref\n")
    assert result.exit_code == 3
    assert len(read_bibtex(result.stdout)) == 1
    assert "warning: bad-ref: Semantic Scholar has no such paper" in result.stderr
    assert "error: 1 of 2 refs name no paper" in result.stderr


def test_papers_none_resolved_prints_nothing_and_exits_3(
    runner: CliRunner,
    fake_lookup: list[list[str]],  # type: ignore[no-untyped-def]
) -> None:
    result = export(runner, "--papers", "-", input="bad-ref\n")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "error: none of the refs names a paper" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"# only a comment\n\n", "holds no refs"), (b"\xff\xfe\x00bad", "not UTF-8")],
)
def test_papers_file_without_refs_is_a_usage_error(
    runner: CliRunner,
    fake_lookup: list[list[str]],
    tmp_path: Path,
    content: bytes,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    refs = tmp_path / "refs.txt"
    refs.write_bytes(content)
    result = export(runner, "--papers", str(refs))
    assert result.exit_code == 2
    assert message in result.stderr
    assert fake_lookup == []


def test_papers_file_missing_is_a_usage_error(runner: CliRunner, fake_lookup) -> None:  # type: ignore[no-untyped-def]
    result = export(runner, "--papers", "/nonexistent/refs.txt")
    assert result.exit_code == 2
    assert "cannot read --papers" in result.stderr


def test_published_papers_become_articles_and_proceedings(runner: CliRunner, double_env) -> None:  # type: ignore[no-untyped-def]
    """The author list asks S2 for publicationTypes and journal, so the profile path
    knows a journal from a conference (S2 may call a conference paper JournalArticle)."""
    double_env.add_author("900", "Jane Q. Doe")
    me = ("900", "Jane Q. Doe")
    double_env.add_paper(
        "9" * 40,
        title="A Journal Paper",
        year=2021,
        publication_date="2021-05-03",
        venue="Nature",
        authors=[me],
        doi="10.1038/S41586-021-00001-X",
    )
    double_env.add_paper(
        "8" * 40,
        title="A Conference Paper",
        year=2022,
        venue="EMNLP",
        authors=[(None, "Ann Lee"), me],
    )
    double_env.add_paper("7" * 40, title="Notes", year=2020, authors=[me])
    result = export(runner, "Jane Q. Doe")
    assert result.exit_code == 0, result.stderr
    entries = {e["ID"]: e for e in read_bibtex(result.stdout)}
    assert set(entries) == {"doe2021journal", "lee2022conference", "doe2020notes"}
    journal = entries["doe2021journal"]
    assert (journal["ENTRYTYPE"], journal["journal"]) == ("article", "Nature")
    assert journal["doi"] == "10.1038/s41586-021-00001-x"
    assert journal["date"] == "2021-05-03"
    assert journal["url"] == "https://www.semanticscholar.org/paper/" + "9" * 40
    conference = entries["lee2022conference"]
    assert conference["ENTRYTYPE"] == "inproceedings"
    assert conference["booktitle"] == "EMNLP"
    assert conference["author"] == ["Ann Lee", "Jane Q. Doe"]
    assert entries["doe2020notes"]["ENTRYTYPE"] == "misc"  # no venue, not on arXiv
    papers = next(r for r in double_env.requests if "/papers" in r.path)
    assert {"publicationTypes", "journal"} <= set(papers.query["fields"][0].split(","))


@pytest.mark.parametrize(
    ("name", "reader"),
    [("refs.ris", read_ris), ("refs.json", read_csljson), ("refs.BIB", read_bibtex)],
)
def test_the_output_extension_picks_the_format_when_f_is_not_given(
    runner: CliRunner,
    seeded,
    tmp_path: Path,
    name: str,
    reader: Any,  # type: ignore[no-untyped-def]
) -> None:
    target = tmp_path / name
    result = export(runner, seed.NAME, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert len(reader(target.read_text(encoding="utf-8"))) == 9


def test_f_wins_over_the_extension_and_o_dash_is_stdout(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = export(runner, seed.NAME, "-f", "ris", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert len(read_ris(result.stdout)) == 9


def test_stdout_is_utf8_whatever_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from scholarcli.papers.export import write_stdout

    raw = io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(raw, encoding="ascii"))
    write_stdout("Ärger 한국어\n")
    assert raw.getvalue().decode("utf-8") == "Ärger 한국어\n"


def test_papers_from_a_terminal_is_refused() -> None:
    import io

    from scholarcli.errors import UsageError
    from scholarcli.papers.export import read_refs

    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    with pytest.raises(UsageError, match="terminal"):
        read_refs("-", Terminal(b"2308.06744\n"))


@pytest.mark.slow
def test_a_real_process_in_an_ascii_locale_writes_utf8(double_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    title = "대규모 언어 모델: Ärger with $x^2$ & 100% {braces}"
    double_env.add_author("901", "김민수")
    double_env.add_paper(
        "6" * 40, title=title, year=2024, venue="Nature", authors=[("901", "김민수")]
    )
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONIOENCODING="ascii", PYTHONUTF8="0")
    for fmt, reader in (("bibtex", read_bibtex), ("ris", read_ris), ("csljson", read_csljson)):
        done = subprocess.run(
            [sys.executable, "-m", "scholarcli", "export", "--id", "901", "-f", fmt],
            env=env,
            capture_output=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        (entry,) = reader(done.stdout.decode("utf-8"))
        assert entry["title"] == title
