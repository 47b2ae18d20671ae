"""Turn people's report data into one self-contained HTML page (Jinja2 templates).

The page fetches nothing when opened: styles, the charts' SVG, the data and the small
sorting/filtering script are all inline, and a Content-Security-Policy of
``default-src 'none'`` makes the browser refuse any request the page might still try;
the one script runs by its sha256 hash, so no other inline script (one smuggled in by
a title, say) would run even if escaping ever failed.
Every number shown is taken from the same records ``scholar author -f json`` prints,
carried unformatted in ``data-value`` attributes so a reader (or a test) can check them.

It must not fetch, print, or import jinja2/matplotlib at module level (optional extra).
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scholarcli import __version__
from scholarcli.categories import short_code
from scholarcli.report.charts import Chart, person_charts
from scholarcli.report.data import PersonReport

EXTRA_HINT = 'install the report extra: pip install "scholarcli[report]"'
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# (author field, label, decimals) of the header tiles; absent or null ones are hidden.
HEADER_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("h_index", "h-index", 0),
    ("paper_count", "Papers", 0),
    ("citation_count", "Citations", 0),
    ("g_index", "g-index", 0),
    ("i10_index", "i10-index", 0),
    ("h5_index", "h5-index", 0),
    ("cites_per_year", "Cites / year", 1),
)
# Issue 9's indicators: shown only once they have been computed for the person.
PERCENTILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("novelty_percentile", "Novelty"),
    ("impact_percentile", "Impact"),
)
YEAR = -1  # "decimals" of a year: printed as it is, 2022 and not 2,022
# The rows of the side-by-side table when several people are on one page.
COMPARE_FIELDS: tuple[tuple[str, str, int], ...] = (
    *HEADER_FIELDS,
    ("m_quotient", "m-quotient", 2),
    ("first_year", "First year", YEAR),
)


def missing_extra() -> str | None:
    """The first module of the report extra that cannot be imported, else None."""
    for module in ("matplotlib", "jinja2"):
        try:
            __import__(module)
        except ImportError:
            return module
    return None


def number(value: Any, decimals: int = 0) -> str:
    """A figure for people: thousands separated, floats to ``decimals`` places."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if decimals == YEAR:
        return str(value)
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def percentile(value: Any) -> str:
    # A percentile rank is written p47, never 47%: it is a rank, not a share.
    return f"p{float(value):.0f}" if float(value).is_integer() else f"p{float(value):.1f}"


def long_date(value: str | None, year: int | None = None) -> str:
    """``2023-08-13`` -> ``Aug 13, 2023`` (fixed English months, whatever the locale)."""
    if not value:
        return str(year) if year else ""
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{_MONTHS[int(parts[1]) - 1]} {int(parts[2])}, {parts[0]}"
    return value


def web_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) address, else None: never a javascript: link."""
    if value and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return None


@dataclass
class Tile:
    field: str
    label: str
    value: Any
    shown: str
    detail: str = ""


def header_tiles(author: dict[str, Any]) -> list[Tile]:
    tiles = [
        Tile(key, label, author.get(key), number(author.get(key), decimals))
        for key, label, decimals in HEADER_FIELDS
        if author.get(key) is not None
    ]
    for key, label in PERCENTILE_FIELDS:
        value = author.get(key)
        if value is None:
            continue
        if key == "novelty_percentile" and author.get("novelty_papers") is not None:
            detail = f"median over {author['novelty_papers']} papers"
        elif key == "impact_percentile" and author.get("impact_top10_share") is not None:
            detail = f"{float(author['impact_top10_share']) * 100:.0f}% in their cohort's top 10%"
        else:
            detail = "percentile in cohort"
        tiles.append(Tile(key, label, value, percentile(value), detail))
    if author.get("self_citations") is not None:
        rate = author.get("self_citation_rate")
        co_rate = author.get("coauthor_self_citation_rate")
        tiles.append(
            Tile(
                "self_citation_rate",
                "Self-citations",
                rate,
                "" if rate is None else f"{float(rate) * 100:.1f}%",
                f"{author['self_citations']:,} of {author['self_citations_listed']:,} citing "
                "papers Semantic Scholar lists"
                + ("" if co_rate is None else f"; {float(co_rate) * 100:.1f}% with co-authors"),
            )
        )
        tiles.append(
            Tile(
                "h_index_excl_self",
                "h-index excl. self",
                author.get("h_index_excl_self"),
                number(author.get("h_index_excl_self")),
                f"co-author rule: {author.get('coauthor_h_index_excl_self')}",
            )
        )
    return tiles


@dataclass
class PersonView:
    """One person as the template reads them."""

    index: int
    report: PersonReport
    tiles: list[Tile]
    charts: list[Chart]
    paper_extras: list[tuple[str, str]]  # per-paper percentile columns, when present

    @property
    def author(self) -> dict[str, Any]:
        return self.report.author


def _view(index: int, person: PersonReport) -> PersonView:
    extras = [
        (key, label)
        for key, label in PERCENTILE_FIELDS
        if any(paper.get(key) is not None for paper in person.papers)
    ]
    return PersonView(
        index, person, header_tiles(person.author), person_charts(person, f"p{index}"), extras
    )


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("scholarcli.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        number=number,
        percentile=percentile,
        long_date=long_date,
        short_code=short_code,
        web_url=web_url,
    )
    return env


def script_text(env: Any) -> str:
    """The page's one script, exactly as it goes between ``<script>`` and ``</script>``."""
    source, _, _ = env.loader.get_source(env, "report.js")
    return str(source).strip("\n")


def script_hash(script: str) -> str:
    """The CSP source that allows exactly ``script``: ``sha256-`` + base64 of its digest."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_page(people: Sequence[PersonReport], *, generated: datetime | None = None) -> str:
    """The whole page for one person or several side by side."""
    views = [_view(index, person) for index, person in enumerate(people, start=1)]
    when = (generated or datetime.now(UTC)).replace(microsecond=0)
    compare = [
        (label, decimals, [view.author.get(key) for view in views])
        for key, label, decimals in COMPARE_FIELDS
        if any(view.author.get(key) is not None for view in views)
    ]
    from scholarcli.profile.trust import context_warnings
    from scholarcli.render.trust import provenance_footer

    warnings = context_warnings(
        [
            {
                "name": view.author.get("name"),
                "primary_category": view.author.get("primary_category"),
                "career_years": view.author.get("career_years"),
            }
            for view in views
        ]
    )
    footers = [
        f"{view.author.get('name')}: {provenance_footer(view.report.provenance)}"
        for view in views
        if view.report.provenance
    ]
    env = _environment()
    template = env.get_template("report.html.j2")
    script = script_text(env)
    return str(
        template.render(
            script=script,
            script_hash=script_hash(script),
            people=views,
            warnings=warnings,
            provenance=footers,
            compare=compare,
            generated=when.isoformat().replace("+00:00", "Z"),
            version=__version__,
        )
    )
