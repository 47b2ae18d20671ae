"""How values read in a table or markdown cell: dates, authors, categories, numbers.

Pure string functions shared by the views; no rich, no I/O, no metrics computed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from scholarcli.categories import short_code

# Fixed English month names: strftime("%b") follows the user's locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_category(code: str | None) -> str:
    """``cs.CL`` -> ``CL``; categories without a dot (``hep-th``) stay whole (empty for None)."""
    return short_code(code) or ""


def format_date(date: str | None, year: int | None = None) -> str:
    """``2023-08-13`` -> ``Aug 13, 2023``; ``2023-08`` -> ``Aug 2023``; else the year."""
    if not date:
        return str(year) if year else ""
    parts = date.split("-")
    if len(parts) < 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        return date
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {int(parts[2])}, {parts[0]}" if len(parts) > 2 else f"{month} {parts[0]}"


def authors_short(authors: Sequence[str], limit: int = 3) -> str:
    """First ``limit`` authors, then `` et al.`` when there are more."""
    shown = ", ".join(authors[:limit])
    return f"{shown} et al." if len(authors) > limit else shown


def number(value: Any, decimals: int) -> str:
    """A header figure: thousands separated, floats to ``decimals`` places."""
    if isinstance(value, float):
        return f"{value:,.{decimals}f}" if math.isfinite(value) else ""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def cell(value: Any) -> str:
    """A value as shown in a table or markdown cell: floats to 2 places, None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}" if math.isfinite(value) else ""
    return str(value)  # ints plainly: a year is 2023, not 2,023


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def ellipsis(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last one ``…`` when anything was cut."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)].rstrip() + "…"


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) folded to single spaces."""
    return " ".join(text.split())
