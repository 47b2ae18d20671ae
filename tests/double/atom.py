"""Atom rendering for the arXiv half of the double, in the new (2025-11) service's format.

Reproduces the layout of the recorded feeds (fixtures/arxiv/api/get-arXiv/*.xml and
arxiv.py/*.json): single-quoted XML declaration, `arXiv Query: ...` title, a feed
`<link>` without `rel`, opensearch itemsPerPage/totalResults/startIndex in that order,
entries with `http://arxiv.org/abs/<id>vN` ids, https abstract/pdf/doi links,
`<arxiv:primary_category term=.../>` without scheme, and the one-entry error feed.
Also holds the deliberately broken bodies used by fault injection. No I/O here.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from urllib.parse import quote_plus

from .store import ArxivEntry

XML_DECL = "<?xml version='1.0' encoding='UTF-8'?>"
FEED_OPEN = (
    '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">'
)
CATEGORY_SCHEME = "http://arxiv.org/schemas/atom"
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: str) -> str:
    """Escape element text; characters XML 1.0 cannot carry are dropped."""
    value = _INVALID_XML_CHARS.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(value: str) -> str:
    """Escape an attribute value for double quotes."""
    return text(value).replace('"', "&quot;")


def now_stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def feed_id(query_string: str) -> str:
    """`https://arxiv.org/api/<27-char base64 SHA-1>` like the real feed ids."""
    digest = hashlib.sha1(query_string.encode("utf-8")).digest()
    return "https://arxiv.org/api/" + base64.b64encode(digest).decode("ascii").rstrip("=")


def render_entry(entry: ArxivEntry, version: int) -> list[str]:
    """The `<entry>` lines of one record at one version, in the recorded element order."""
    vid = f"{entry.arxiv_id}v{version}"
    updated = entry.published if version == 1 else entry.updated
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{text(vid)}</id>",
        f"    <title>{text(entry.title)}</title>",
        f"    <updated>{updated}</updated>",
        f'    <link href="https://arxiv.org/abs/{attr(vid)}" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{attr(vid)}" rel="related" '
        'type="application/pdf" title="pdf"/>',
        f"    <summary>{text(entry.abstract)}</summary>",
    ]
    categories = [entry.primary_category] + [
        c for c in entry.categories if c != entry.primary_category
    ]
    lines += [f'    <category term="{attr(c)}" scheme="{CATEGORY_SCHEME}"/>' for c in categories]
    lines.append(f"    <published>{entry.published}</published>")
    if entry.comment:
        lines.append(f"    <arxiv:comment>{text(entry.comment)}</arxiv:comment>")
    lines.append(f'    <arxiv:primary_category term="{attr(entry.primary_category)}"/>')
    if entry.journal_ref:
        lines.append(f"    <arxiv:journal_ref>{text(entry.journal_ref)}</arxiv:journal_ref>")
    for name in entry.authors:
        lines += ["    <author>", f"      <name>{text(name)}</name>", "    </author>"]
    if entry.doi:
        lines.append(f"    <arxiv:doi>{text(entry.doi)}</arxiv:doi>")
        lines.append(
            f'    <link rel="related" href="https://doi.org/{attr(entry.doi)}" title="doi"/>'
        )
    lines.append("  </entry>")
    return lines


def render_feed(
    *,
    search_query: str,
    id_list: str,
    start: int,
    max_results: int,
    total: int,
    entries: list[tuple[ArxivEntry, int]],
) -> str:
    """A result feed; `search_query` is the normalised query the title echoes."""
    title_query = (
        f"search_query={search_query}&id_list={id_list}&start={start}&max_results={max_results}"
    )
    link = (
        f"https://arxiv.org/api/query?search_query={quote_plus(search_query, safe=':')}"
        f"&start={start}&max_results={max_results}&id_list={quote_plus(id_list, safe=',/')}"
    )
    stamp = now_stamp()
    lines = [
        XML_DECL,
        FEED_OPEN,
        f"  <id>{feed_id(title_query)}</id>",
        f"  <title>arXiv Query: {text(title_query)}</title>",
        f"  <updated>{stamp}</updated>",
        f'  <link href="{attr(link)}" type="application/atom+xml"/>',
        f"  <opensearch:itemsPerPage>{max_results}</opensearch:itemsPerPage>",
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>",
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>",
    ]
    for entry, version in entries:
        lines += render_entry(entry, version)
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def error_slug(message: str) -> str:
    """`incorrect id format for abc` -> `incorrect_id_format_for_abc`."""
    return re.sub(r"\s+", "_", message.strip())


def render_error(message: str) -> str:
    """The one-entry error feed (fixture id_abc_s0_m100_b79c8dcf6bc3.json), sent with 400."""
    stamp = now_stamp()
    url = f"https://arxiv.org/api/errors#{error_slug(message)}"
    return (
        "\n".join(
            [
                XML_DECL,
                FEED_OPEN,
                "  <id>https://arxiv.org/</id>",
                "  <title>arXiv Search Results</title>",
                f"  <updated>{stamp}</updated>",
                "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>",
                "  <opensearch:totalResults>1</opensearch:totalResults>",
                "  <opensearch:startIndex>0</opensearch:startIndex>",
                "  <entry>",
                f"    <id>{text(url)}</id>",
                "    <title>Error</title>",
                f"    <updated>{stamp}</updated>",
                f'    <link href="{attr(url)}" rel="alternate" type="text/html"/>',
                f"    <summary>{text(message)}</summary>",
                "    <author>",
                "      <name>arXiv api core</name>",
                "    </author>",
                "  </entry>",
                "</feed>",
            ]
        )
        + "\n"
    )


def malformed_feed() -> str:
    """HTTP-200 body that is not well-formed XML (an element is never closed)."""
    return (
        f"{XML_DECL}\n{FEED_OPEN}\n  <title>arXiv Query: broken</title>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        "  <entry>\n    <id>http://arxiv.org/abs/2308.06744v1</id>\n    <title>Cut off"
    )


def billion_laughs_feed() -> str:
    """An entity-expansion bomb: ~1 kB on the wire, 10**9 `lol`s if a parser expands it."""
    entities = ['  <!ENTITY lol0 "lol">']
    for level in range(1, 10):
        entities.append(f'  <!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    return (
        "\n".join(
            [
                '<?xml version="1.0" encoding="UTF-8"?>',
                "<!DOCTYPE feed [",
                *entities,
                "]>",
                '<feed xmlns="http://www.w3.org/2005/Atom">',
                "  <title>&lol9;</title>",
                "</feed>",
            ]
        )
        + "\n"
    )
