"""Name folding: the one form in which people's names are compared and keyed. Pure."""

from __future__ import annotations

import re
import unicodedata


def fold_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a person's name."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = re.sub(r"[\W_]+", " ", stripped.casefold())
    return " ".join(cleaned.split())
