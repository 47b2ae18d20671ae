"""The output package: every record, profile, paper and chart a command prints.

One module per job: ``env`` (the terminal, decided once per command by the command
boundary and passed down), ``safe`` (what source text and links may reach a terminal or
markdown), ``writers`` (csv, json, jsonl, markdown tables), ``console`` (rich consoles,
warnings, progress), ``records``, ``profile``, ``papers`` and ``comparison`` (the views),
``charts`` (terminal charts). Data goes to the ``out`` stream the caller hands in
(stdout); warnings and progress go to stderr only, so pipes carry data alone.

The package must not touch the network, sqlite or typer, and must not compute metrics.
It is the only one that imports rich, and only inside the functions that draw, so
``scholar --help`` and csv/json runs never load it. The names below are the public ones
(``render.render_profile``, ``render.OutputEnv``...); callers import them from here.
"""

from __future__ import annotations

from scholarcli.render.charts import column_chart, per_year_chart, sparkline, year_charts
from scholarcli.render.comparison import render_comparison
from scholarcli.render.console import make_console, progress, stderr_console, warn
from scholarcli.render.digest import digest_text
from scholarcli.render.env import FORMATS, OutputEnv, resolve_format
from scholarcli.render.papers import render_paper_list, render_paper_panels
from scholarcli.render.profile import Display, render_profile
from scholarcli.render.records import (
    ID_FIELDS,
    fit_fields,
    render_record_sections,
    render_records,
)
from scholarcli.render.safe import clean_data, clean_text, code_link, web_link
from scholarcli.render.text import authors_short, format_date, short_category
from scholarcli.render.writers import neutralise_cell

__all__ = [
    "FORMATS",
    "ID_FIELDS",
    "Display",
    "OutputEnv",
    "authors_short",
    "clean_data",
    "clean_text",
    "code_link",
    "column_chart",
    "digest_text",
    "fit_fields",
    "format_date",
    "make_console",
    "neutralise_cell",
    "per_year_chart",
    "progress",
    "render_comparison",
    "render_paper_list",
    "render_paper_panels",
    "render_profile",
    "render_record_sections",
    "render_records",
    "resolve_format",
    "short_category",
    "sparkline",
    "stderr_console",
    "warn",
    "web_link",
    "year_charts",
]
