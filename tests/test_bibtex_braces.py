"""BibTeX titles: words with a capital past their first letter are braced, in every part
of a hyphenated word, so sentence-case styles keep them."""

from __future__ import annotations

import pytest

from scholarcli.papers.formats import bibtex


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Self-GPT models", "{Self-GPT} models"),  # the capitals are in the second part
        ("Pre-BERT and Post-LN", "{Pre-BERT} and {Post-LN}"),
        ("GPT-4 works", "{GPT-4} works"),
        ("Hyper-Parameter search", "Hyper-Parameter search"),  # only first letters
        ("A Study of LLMs", "A Study of {LLMs}"),
    ],
)
def test_capitals_are_protected_in_every_part(title: str, expected: str) -> None:
    assert bibtex.title(title) == expected
