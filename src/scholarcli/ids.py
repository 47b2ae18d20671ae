"""arXiv identifiers: recognise and canonicalise them. Pure; no I/O, no third-party imports.

Kept apart from ``sources.arxiv`` so that a warm, cached profile never has to import
the HTTP stack just to read an id.
"""

from __future__ import annotations

import re

_NEW_ID = re.compile(r"^(\d{4}\.\d{4,5})(?:v(\d+))?$")
_OLD_ID = re.compile(r"^([a-z\-]+(?:\.[A-Za-z\-]+)?)/(\d{7})(?:v(\d+))?$", re.IGNORECASE)
_PREFIXES = re.compile(
    r"^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)", re.IGNORECASE
)


def normalise_id(raw: str) -> tuple[str, int | None] | None:
    """Canonical ``(id, version)`` of an arXiv identifier, or None if malformed.

    Accepts ``2308.06744``, ``2308.06744v2``, ``arXiv:…``, abs/pdf URLs and old-style
    ids (``hep-th/9901001``, ``math.CA/0611800v2``); the subject class of an old id is
    dropped and its archive lower-cased, as arXiv's own normaliser does.
    """
    text = _PREFIXES.sub("", raw.strip())
    text = re.sub(r"\.pdf$", "", text)
    match = _NEW_ID.match(text)
    if match:
        version = int(match.group(2)) if match.group(2) else None
        return match.group(1), version
    match = _OLD_ID.match(text)
    if match:
        archive = match.group(1).split(".")[0].lower()
        version = int(match.group(3)) if match.group(3) else None
        return f"{archive}/{match.group(2)}", version
    return None
