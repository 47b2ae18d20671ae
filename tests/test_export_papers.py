"""``scholar export --papers``: refs looked up by ``scholar paper``'s lookup
(``papers.lookup.lookup_papers``) against the loopback double, then exported; the
same papers give the same entries as ``scholar export NAME``.
"""

from __future__ import annotations

from typer.testing import CliRunner

import seed
from export_readers import read_bibtex, read_ris
from scholarcli.cli import app

REFS = ["2308.06744", "arXiv:2302.01530v2", "https://arxiv.org/abs/2211.11014", "d" * 40]


def test_refs_in_every_form_export_the_seed_papers(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["export", "--papers", "-"], input="\n".join(REFS) + "\n")
    assert result.exit_code == 0, result.stderr
    entries = read_bibtex(result.stdout)
    assert [e["ID"] for e in entries] == [
        "kim2023token",
        "ko2023revisiting",
        "kim2022understanding",
        "ko2023nash",
    ]
    by_arxiv = {p.arxiv_id: p for p in seed.PAPERS}
    for entry in entries:
        paper = by_arxiv[entry["eprint"]]
        assert entry["ENTRYTYPE"] == "misc"
        assert entry["title"] == paper.title
        assert entry["author"] == [*paper.first_authors, "Another Author", seed.NAME]
        assert entry["primaryClass"] == paper.category
        assert entry["date"] == paper.published


def test_a_ref_that_names_no_paper_is_named_and_exit_3(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    unknown = "e" * 39 + "f"
    result = runner.invoke(
        app, ["export", "--papers", "-", "-f", "ris"], input=f"2308.06744\n{unknown}\n"
    )
    assert result.exit_code == 3
    assert [e["id"] for e in read_ris(result.stdout)] == ["kim2023token"]
    assert f"warning: {unknown}:" in result.stderr


def test_papers_and_author_exports_agree(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    by_author = runner.invoke(app, ["export", seed.NAME, "-f", "ris"])
    refs = "\n".join(p.arxiv_id for p in seed.PAPERS) + "\n"
    by_refs = runner.invoke(app, ["export", "--papers", "-", "-f", "ris"], input=refs)
    assert by_author.exit_code == by_refs.exit_code == 0

    def key(entry: dict[str, object]) -> str:
        return str(entry["id"])

    assert sorted(read_ris(by_refs.stdout), key=key) == sorted(read_ris(by_author.stdout), key=key)


def test_a_second_export_of_the_same_refs_asks_nothing(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    first = runner.invoke(app, ["export", "--papers", "-"], input="\n".join(REFS))
    seeded.reset_log()
    again = runner.invoke(app, ["export", "--papers", "-", "--offline"], input="\n".join(REFS))
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.stdout
    assert seeded.count() == 0
