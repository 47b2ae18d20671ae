"""What data from a source may show on a terminal or in markdown: text and links.

Titles, names, affiliations, venues and abstracts come from Semantic Scholar, arXiv and
files as their authors typed them, and an author can type anything. Printed raw, an
escape sequence clears the screen (CSI), retitles the window (OSC 0), plants a link to
another site (OSC 8), and a right-to-left override makes text read differently from
what it is. Every table, panel, chart and markdown view therefore shows data through
:func:`clean_text` (or :func:`clean_data` for whole records), and links only through
:func:`code_link` / :func:`web_link`. JSON, JSONL and CSV keep the data as the source
gave it: they are for programs, which get it byte for byte (docs/output.md).

Pure: no I/O, no rich.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar
from urllib.parse import urlsplit

from scholarcli.ids import CODE_HOSTS

# Line and paragraph breaks of any kind: shown as a space (a cell is one line of text).
_BREAKS = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
# Bidirectional controls (Unicode TR9 embeddings, overrides, isolates and marks): the
# "Trojan Source" characters. Dropped: they carry no text of their own.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 and C1 controls and DEL, breaks excepted: shown as U+FFFD, so that a reader sees
# that the source held something that is not text.
_CONTROLS = "".join(
    chr(code) for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(code) not in _BREAKS
)
_UNSAFE = re.compile(f"[{re.escape(_BREAKS + _BIDI + _CONTROLS)}]")
_REPLACE = {
    **{ord(char): " " for char in _BREAKS},
    **{ord(char): None for char in _BIDI},
    **{ord(char): "\ufffd" for char in _CONTROLS},
}
T = TypeVar("T")


def clean_text(text: str) -> str:
    """``text`` with no character that could steer a terminal or reorder what it shows."""
    if _UNSAFE.search(text) is None:  # the common case costs one scan
        return text
    return text.translate(_REPLACE)


def clean_data(value: T) -> T:
    """Every string inside ``value`` (mappings, lists, tuples) through :func:`clean_text`."""
    if isinstance(value, str):
        return clean_text(value)  # type: ignore[return-value]
    if isinstance(value, Mapping):
        return {key: clean_data(item) for key, item in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [clean_data(item) for item in value]  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(clean_data(item) for item in value)  # type: ignore[return-value]
    return value


def clean_optional(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


# What a URL may hold to go into an OSC 8 link or a markdown ``<...>`` link target: the
# characters RFC 3986 allows, nothing else (no space, quote, angle bracket, pipe or
# backslash that would end a markdown cell or link; raw non-ASCII would be a homograph
# trick, and real code URLs are ASCII or percent-encoded).
_URL_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


def web_link(url: object) -> str | None:
    """``url`` if it may be a link target at all: an ``https://`` URL of plain ASCII with
    a host, no user, no control character; else None (the text is then not a link)."""
    if not isinstance(url, str) or not _URL_CHARS.match(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc or port:
        return None
    return url


def code_link(url: object) -> str | None:
    """The link a ``Code`` cell may carry: ``https://`` on a known code host, or None.

    The hosts are the ones merge finds code on (``ids.CODE_HOSTS``); ``http://`` on one
    of them is upgraded to ``https://``, which they all serve. A repository path is
    required: ``https://github.com/`` alone is no code.
    """
    if not isinstance(url, str):
        return None
    if url[:7].lower() == "http://":
        url = "https://" + url[7:]
    link = web_link(url)
    if link is None:
        return None
    parts = urlsplit(link)
    host = (parts.hostname or "").removeprefix("www.")
    if host not in CODE_HOSTS or not parts.path.strip("/"):
        return None
    return link
