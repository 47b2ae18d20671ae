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


def natural_order(name: str) -> str:
    """``"Chang, Du-Seong"`` (a library catalogue's "Last, First") as ``"Du-Seong Chang"``.

    Only a name with exactly one comma and words on both sides is turned; anything else
    (``"Smith, Jr., John"``, a trailing comma) is returned as given, stripped.
    """
    parts = name.split(",")
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return f"{parts[1].strip()} {parts[0].strip()}"
    return name.strip()


def is_bare_surname(name: str) -> bool:
    """One word only (``"Chang"``): too little to choose one person among namesakes."""
    return len(fold_name(name).split()) == 1
