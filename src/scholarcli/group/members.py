"""Who is in a group: names, the watch list, a CSV of people, or a saved group.

A member is a name to resolve as ``scholar author`` does, S2 ids to pin, or both, and
an optional label to show. It must not fetch papers or compute metrics.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scholarcli.cache import groups as saved
from scholarcli.cache import tracking
from scholarcli.core import Context
from scholarcli.errors import NotFoundError, UsageError

#: Header names a people file may use, case-insensitive (the first that is present).
NAME_COLUMNS = ("name", "person", "author")
ID_COLUMNS = ("ids", "id", "author_id", "author_ids", "s2_id")
LABEL_COLUMNS = ("label",)


@dataclass(frozen=True)
class MemberSpec:
    name: str | None
    ids: tuple[str, ...] = ()
    label: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ids": list(self.ids), "label": self.label}


def from_names(names: Sequence[str]) -> list[MemberSpec]:
    return [MemberSpec(name.strip()) for name in names if name.strip()]


def from_tracked(ctx: Context) -> list[MemberSpec]:
    people = tracking.list_people(ctx.store)
    if not people:
        raise NotFoundError("nobody is tracked", hint='add people with scholar track "NAME" first')
    return [MemberSpec(p.name, tuple(p.author_ids), p.label) for p in people]


def _column(header: Sequence[str], names: Sequence[str]) -> int | None:
    folded = [h.strip().lower() for h in header]
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


def from_csv(path: str, text: str | None = None) -> list[MemberSpec]:
    """A people file: a header with a name and/or an ids column (``;`` between ids)."""
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--input {path}: cannot read it ({exc})") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UsageError(f"--input {path}: empty; expected a header with a name or ids column")
    header, *body = rows
    name_at, ids_at = _column(header, NAME_COLUMNS), _column(header, ID_COLUMNS)
    label_at = _column(header, LABEL_COLUMNS)
    if name_at is None and ids_at is None:
        raise UsageError(
            f"--input {path}: no name or ids column in the header {header!r}",
            hint="e.g. a header 'name,ids,label' with ids separated by ';'",
        )
    specs = []
    for number, row in enumerate(body, start=2):

        def cell(at: int | None, row: list[str] = row) -> str:
            return row[at].strip() if at is not None and at < len(row) else ""

        name, ids, label = cell(name_at), cell(ids_at), cell(label_at)
        id_list = tuple(i.strip() for i in ids.replace(",", ";").split(";") if i.strip())
        if not name and not id_list:
            if any(c.strip() for c in row):
                raise UsageError(f"--input {path}, line {number}: neither a name nor an id")
            continue
        bad = [i for i in id_list if not i.isdigit()]
        if bad:
            raise UsageError(
                f"--input {path}, line {number}: {bad[0]!r} is not a Semantic Scholar "
                "author id (digits only)"
            )
        specs.append(MemberSpec(name or None, id_list, label or None))
    if not specs:
        raise UsageError(f"--input {path}: no people in it")
    return specs


def from_saved(ctx: Context, label: str) -> list[MemberSpec]:
    members = saved.load(ctx.store, label)
    if members is None:
        known = saved.labels(ctx.store)
        raise NotFoundError(
            f"no saved group {label!r}",
            hint=f"saved groups: {', '.join(known)}" if known else "save one with --save LABEL",
        )
    return [MemberSpec(m.get("name"), tuple(m.get("ids") or ()), m.get("label")) for m in members]


def save(ctx: Context, label: str, members: Sequence[MemberSpec]) -> None:
    saved.save(ctx.store, label, [m.as_dict() for m in members], ctx.now())
