"""``scholar sources NAME``: where Semantic Scholar and OpenAlex disagree about a person.

Also the shared ``--orcid`` option and the side-by-side path of ``scholar author
--source s2,openalex`` (docs/sources.md, "Side by side").
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from scholarcli.commands.common import (
    check_exclusive,
    command_boundary,
    open_context,
    output_format,
    parse_as_of,
    parse_max_age,
)
from scholarcli.commands.options import (
    AsOfOption,
    FormatOption,
    IdOption,
    MaxAgeOption,
    OfflineOption,
    OrcidOption,
    PersonArgument,
    RefreshOption,
)
from scholarcli.errors import ExitStatus, UsageError

SidesOption = Annotated[
    str,
    typer.Option(
        "--source",
        metavar="SOURCES",
        help="The sources to compare, comma-separated; the first is the headline.",
    ),
]
GapOption = Annotated[
    str,
    typer.Option(
        "--gap",
        metavar="PCT[,MIN]",
        help="List citation counts that differ by more than PCT % of the larger and by at "
        "least MIN citations.",
    ),
]


def parse_orcid_option(value: str | None) -> str | None:
    """The canonical ORCID iD of ``--orcid``, or a usage error (exit 2)."""
    from scholarcli.commands.options import orcid

    return orcid(value)


def orcid_ids(
    orcid: str | None,
    source: str = "s2",
    *,
    max_age: str = "7d",
    refresh: bool = False,
    offline: bool = False,
) -> tuple[str, list[str]] | None:
    """The name and ``source`` ids of the person with ``--orcid`` (None without one):
    on OpenAlex the records carrying the iD, on S2 the ids its works confirm."""
    from datetime import date

    from scholarcli.core import Freshness
    from scholarcli.crosswalk import people

    orcid_id = parse_orcid_option(orcid)
    if orcid_id is None:
        return None
    fresh = Freshness(max_age=parse_max_age(max_age), refresh=refresh)
    with open_context(offline=offline) as ctx:
        if source == "openalex":
            found = people.orcid_openalex(ctx, orcid_id, date.today(), fresh)
            return found.profile.name, list(found.profile.ids)
        person = people.orcid_person(ctx, orcid_id, date.today(), fresh)
        ids = people.s2_ids_or_raise(person)
        ctx.reporter.note(person.note())
    return person.name, ids


def parse_gap(value: str) -> object:
    from scholarcli.crosswalk.sides import CitationGap

    ratio_text, _, minimum_text = value.partition(",")
    try:
        ratio = float(ratio_text.strip().rstrip("%")) / 100
        minimum = int(minimum_text) if minimum_text.strip() else CitationGap.minimum
    except ValueError:
        raise UsageError(f"--gap must look like 25 or 25,5, not {value!r}") from None
    if not 0 <= ratio <= 1 or minimum < 0:
        raise UsageError(f"--gap {value!r}: the share is 0 to 100 and the minimum 0 or more")
    return CitationGap(ratio=ratio, minimum=minimum)


@command_boundary
def sources(
    name: PersonArgument = None,
    ids: IdOption = None,
    orcid: OrcidOption = None,
    source: SidesOption = "s2,openalex",
    gap: GapOption = "25,5",
    fmt: FormatOption = None,
    as_of: AsOfOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
) -> None:
    """Only where the sources disagree about a person, biggest first, for a librarian.

    Lists papers one source attributes and the other does not (with the reason when
    known: not indexed there, or attributed to another profile), citation counts
    apart by more than --gap, different years and different DOIs. Pin the person on
    both sources with --orcid (or --id, S2 digits and OpenAlex A… ids).
    """
    from scholarcli.core import Freshness
    from scholarcli.crosswalk import people, present
    from scholarcli.crosswalk.sides import CitationGap

    check_exclusive(refresh=refresh, offline=offline)
    names = people.parse_sources(source)
    if len(names) < 2:
        raise UsageError("scholar sources compares two sources, e.g. --source s2,openalex")
    citation_gap = parse_gap(gap)
    assert isinstance(citation_gap, CitationGap)
    person = people.Person(name, list(ids or []), parse_orcid_option(orcid))
    if not (name or ids or person.orcid):
        raise UsageError("give a name, --id or --orcid")
    fmt_name, env = output_format(fmt)
    fresh = Freshness(max_age=parse_max_age(max_age), refresh=refresh)
    with open_context(offline=offline) as ctx:
        view, complete = people.side_by_side(
            ctx, names, person, parse_as_of(as_of), fresh, citation_gap
        )
    present.render_disagreements(view, fmt_name, sys.stdout, env)
    if not complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))
