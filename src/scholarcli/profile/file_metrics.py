"""Metric rows of a file of papers (``scholar metrics --input FILE [--by COLUMN]``).

One row for the whole file, or with ``--by`` one row per distinct value of that column
(in order of first appearance; an empty cell is the group ''), all computed at once by
the vectorised ``metrics.metrics_frame``. Values are rounded as ``analysis`` rounds
them, and first/last-author counts are empty (unknown) without positions.

It must not read files, fetch, print or import typer or rich; pandas is imported
inside functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from scholarcli.indicators import metrics
from scholarcli.indicators.metrics import METRIC_FIELDS, MetricValue
from scholarcli.profile.analysis import DECIMALS, PERSON_FIELDS, PersonMetrics
from scholarcli.profile.sync import Reporter

if TYPE_CHECKING:
    from scholarcli.inputs_stream import PaperTable


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


def table_metrics(table: PaperTable, as_of: date, reporter: Reporter) -> list[PersonMetrics]:
    """The rows of one input (see the module docstring), with the same notes as before."""
    import pandas as pd

    frame = table.frame
    if not table.has_positions:
        # Without the person's place in each author list these counts are unknown, not 0.
        reporter.note(f"{table.source}: no author_position column, first/last-author counts empty")
    if len(frame) and not table.has_authors:
        reporter.note(
            f"{table.source}: no authors or author count column; "
            "author-normalised metrics count every paper as single-authored"
        )
    by = table.by
    papers = frame.assign(person=frame["group"] if by is not None else 0)
    computed = metrics.metrics_frame(papers, as_of.year) if len(frame) else None
    if computed is None:
        if by is not None:
            return []
        values: dict[str, MetricValue] = dict(metrics.author_metrics([], as_of.year))
        rows = [(None, values)]
    else:
        rows = [
            (person, {field: _plain(record[field]) for field in METRIC_FIELDS})
            for person, record in zip(
                computed.index, computed.round(DECIMALS).to_dict("records"), strict=True
            )
        ]
    people: list[PersonMetrics] = []
    for person, values in rows:
        if not table.has_positions:
            values["first_author_papers"] = values["last_author_papers"] = None
        if by is None:
            people.append(PersonMetrics(table.source, [], table.source, values))
        else:
            group = "" if pd.isna(person) else str(person)
            people.append(GroupMetrics(group, [], table.source, values, by=by, group=group))
    return people
