"""ORCID iDs: recognise, check and canonicalise them (docs/sources.md, "ORCID").

An ORCID iD is 16 characters in four groups, ``0000-0002-1825-0097``; the last is a
check character (0-9 or X) computed with ISO 7064 MOD 11-2 over the first 15 digits,
so a typo in one digit or a swap of two neighbours is caught before any request.
Pure: no I/O.
"""

from __future__ import annotations

import re

_FORM = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)
_PREFIX = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:sandbox\.)?orcid\.org/|^orcid:\s*", re.IGNORECASE
)


def check_character(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def parse_orcid(text: str) -> str:
    """The canonical ``0000-0002-1825-0097`` form of an ORCID iD, or ``ValueError``.

    Accepts the bare iD (with or without hyphens), ``orcid:…`` and the
    ``https://orcid.org/…`` URL form; a lower-case ``x`` check character is upper-cased.
    """
    raw = _PREFIX.sub("", text.strip()).strip().rstrip("/")
    match = _FORM.match(raw)
    if not match:
        raise ValueError(
            f"not an ORCID iD: {text.strip()!r} (expected 16 digits such as 0000-0002-1825-0097)"
        )
    groups = [group.upper() for group in match.groups()]
    body = "".join(groups)
    if check_character(body[:15]) != body[15]:
        raise ValueError(
            f"not a valid ORCID iD: {text.strip()!r} (its check digit should be "
            f"{check_character(body[:15])}; is there a typo?)"
        )
    return "-".join(groups)


def orcid_url(orcid: str) -> str:
    return f"https://orcid.org/{orcid}"
