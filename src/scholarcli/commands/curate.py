"""``scholar curate list|undo``: the curation rules of a person, and taking them back.

Rules are made with ``scholar author NAME --exclude REF | --include REF | --merge
KEEP=DUPLICATE`` (``profile.curation`` says what they mean); this group shows them and
undoes them. Thin: parse options, call ``profile.curation``, render.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from scholarcli import render
from scholarcli.commands.common import command_boundary, open_context, output_format
from scholarcli.commands.options import FormatOption, IdOption, PersonArgument

RULE_FIELDS = ("rule", "action", "paper", "into", "title", "author_id", "created_at")

app = typer.Typer(
    help="Show and undo the curation rules of a person (made with scholar author "
    "--exclude, --include, --merge).",
    no_args_is_help=True,
)


def _people(ctx: Any, name: str | None, ids: list[str] | None) -> tuple[str, list[str], list[Any]]:
    """(display name, the profile's ids, its uncurated papers), from the cache when fresh."""
    from scholarcli.core import Freshness
    from scholarcli.profile import merge, sync

    resolution = sync.resolve(ctx, name, list(ids or []), Freshness())
    chosen = resolution.authors
    lists = [sync.author_papers(ctx, author, Freshness()) for author in chosen]
    return chosen[0].name, [a.author_id for a in chosen], merge.merge_author_lists(lists)


@app.command("list")
@command_boundary
def list_rules(name: PersonArgument = None, ids: IdOption = None, fmt: FormatOption = None) -> None:
    """The person's curation rules, oldest first."""
    from scholarcli.cache.curation import rules_for
    from scholarcli.profile.curation import find

    fmt_name, env = output_format(fmt)
    with open_context() as ctx:
        who, author_ids, papers = _people(ctx, name, ids)
        rules = rules_for(ctx.store, author_ids)
        if not rules:
            ctx.reporter.note(f"no curation rules for {who}")
    records = []
    for rule in rules:
        paper = find(papers, rule.ref)
        records.append(
            {
                "rule": rule.rule_id,
                "action": rule.action,
                "paper": rule.ref,
                "into": rule.target,
                "title": paper.title if paper else None,
                "author_id": rule.author_id,
                "created_at": rule.created_at,
            }
        )
    render.render_records(
        records,
        RULE_FIELDS,
        fmt_name,
        sys.stdout,
        env,
        title=f"Curation of {who}",
        json_root="rules",
    )


@app.command("undo")
@command_boundary
def undo_rules(
    name: PersonArgument = None,
    ids: IdOption = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Take back every rule of the person.")
    ] = False,
) -> None:
    """Take back the person's newest curation rule (or all of them)."""
    from scholarcli.profile.curation import undo

    with open_context() as ctx:
        who, author_ids, _ = _people(ctx, name, ids)
        undone = undo(ctx.store, author_ids, ctx.now(), everything=everything)
        if not undone:
            ctx.reporter.note(f"no curation rules for {who}; nothing to undo")
        for rule in undone:
            what = (
                f"merge of {rule.ref} into {rule.target}"
                if rule.target
                else f"exclusion of {rule.ref}"
            )
            ctx.reporter.note(f"{who}: took back the {what}")
