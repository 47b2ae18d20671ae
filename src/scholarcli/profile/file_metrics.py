"""Metric rows of a file of papers (``scholar metrics --input FILE [--by COLUMN]``).

One row for the whole file, or with ``--by`` one row per distinct value of that column
(in order of first appearance; an empty cell is the group ''). A big input (a table
with a frame) is computed all at once by the vectorised ``metrics.metrics_frame``; a
small one (the reference parser's list, no frame) by ``metrics.author_metrics`` per
group, so pandas is never imported for it. Both give the same output: values rounded
as pandas' ``round`` rounds (``_round``), whole-number metrics as integers.
First/last-author counts are empty (unknown) without positions.

It must not read files, fetch, print or import typer or rich; pandas is imported
inside functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from scholarcli.core.reporter import Reporter
from scholarcli.indicators import metrics
from scholarcli.indicators.metrics import METRIC_FIELDS, MetricValue
from scholarcli.profile.analysis import DECIMALS, PERSON_FIELDS, PersonMetrics

if TYPE_CHECKING:
    from scholarcli.indicators.metrics import PaperStats
    from scholarcli.inputs.table import PaperTable

# The metrics metrics_frame returns as integer columns (the rest are floats): the
# list path casts these so both paths print 12, never 12.0.
_WHOLE_FIELDS = frozenset(
    {
        "papers",
        "citations",
        "first_year",
        "last_year",
        "career_years",
        "h_index",
        "g_index",
        "i10_index",
        "hi_norm",
        "hc_index",
        "h5_index",
        "i10_5y",
        "first_author_papers",
        "last_author_papers",
        *(f"acc{t}" for t in metrics.ACC_THRESHOLDS),
    }
)


@dataclass
class GroupMetrics(PersonMetrics):
    """A person's row plus the --by column's value, printed first."""

    by: str = ""
    group: str = ""

    def record(self) -> dict[str, Any]:
        return {self.by: self.group, **super().record()}


def group_fields(by: str) -> tuple[str, ...]:
    """Output columns with --by: the group column, then those of ``scholar metrics``."""
    return (by, *(f for f in PERSON_FIELDS if f != by))


def _plain(value: Any) -> MetricValue:
    """A value of ``to_dict("records")`` as int, float or None (NA and NaN: None)."""
    if isinstance(value, int | float) and value == value:
        return value
    return None


def _round(value: MetricValue, field: str) -> MetricValue:
    """A value of ``author_metrics`` as the frame path prints it.

    pandas' ``round(4)`` is numpy's: multiply by 10**4, round half to even, divide,
    which is not always Python's correctly rounded ``round(x, 4)``; so it is done the
    same way here.
    """
    if value is None:
        return None
    if field in _WHOLE_FIELDS:
        return int(value)
    scale = 10.0**DECIMALS
    return round(float(value) * scale) / scale


def _list_rows(
    papers: list[PaperStats], groups: list[str] | None, as_of_year: int
) -> list[tuple[str | None, dict[str, MetricValue]]]:
    """(group, values) per group in order of first appearance (one row without --by)."""
    if groups is None:
        chosen: dict[str | None, list[PaperStats]] = {None: papers}
    else:
        chosen = {}
        for group, paper in zip(groups, papers, strict=True):
            chosen.setdefault(group, []).append(paper)
    return [
        (group, {k: _round(v, k) for k, v in metrics.author_metrics(rows, as_of_year).items()})
        for group, rows in chosen.items()
    ]


def table_metrics(table: PaperTable, as_of: date, reporter: Reporter) -> list[PersonMetrics]:
    """The rows of one input (see the module docstring), with the same notes as before."""
    frame = table.frame
    size = len(frame) if frame is not None else len(table.papers.papers if table.papers else [])
    if not table.has_positions:
        # Without the person's place in each author list these counts are unknown, not 0.
        reporter.note(f"{table.source}: no author_position column, first/last-author counts empty")
    if size and not table.has_authors:
        reporter.note(
            f"{table.source}: no authors or author count column; "
            "author-normalised metrics count every paper as single-authored"
        )
    by = table.by
    rows: list[tuple[Any, dict[str, MetricValue]]]
    if not size:
        if by is not None:
            return []
        rows = [(None, dict(metrics.author_metrics([], as_of.year)))]
    elif frame is None:
        assert table.papers is not None  # a table has a frame or a list
        rows = list(_list_rows(table.papers.papers, table.papers.groups, as_of.year))
    else:
        rows = _frame_rows(frame, by, as_of.year)
    people: list[PersonMetrics] = []
    for person, values in rows:
        if not table.has_positions:
            values["first_author_papers"] = values["last_author_papers"] = None
        if by is None:
            people.append(PersonMetrics(table.source, [], table.source, values))
        else:
            group = person if isinstance(person, str) else ""
            people.append(GroupMetrics(group, [], table.source, values, by=by, group=group))
    return people


def _frame_rows(
    frame: Any, by: str | None, as_of_year: int
) -> list[tuple[Any, dict[str, MetricValue]]]:
    papers = frame.assign(person=frame["group"] if by is not None else 0)
    computed = metrics.metrics_frame(papers, as_of_year)
    return [
        (person, {field: _plain(record[field]) for field in METRIC_FIELDS})
        for person, record in zip(
            computed.index, computed.round(DECIMALS).to_dict("records"), strict=True
        )
    ]
