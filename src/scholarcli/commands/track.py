"""``scholar track|untrack|tracked|refresh|history``: the watch list and its history.

Thin: parse options, call one ``watchlist`` or ``refresh`` function, render. The refresh
command also maps the run's outcome onto the exit statuses of docs/configuration.md:
0 (done), 7 (another refresh holds the lock and --wait was not given), 5 (some people
failed; one line each on stderr), 4 (everyone failed because a source was unreachable).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scholarcli import render
from scholarcli.commands.common import (
    command_boundary,
    open_context,
    output_env,
    output_format,
    parse_as_of,
    parse_max_age,
)
from scholarcli.commands.options import (
    AsOfOption,
    FormatOption,
    IdOption,
    MaxAgeOption,
    OrcidOption,
    PersonArgument,
)
from scholarcli.commands.sources import orcid_ids
from scholarcli.errors import BusyError, PartialError, SourceError, UsageError

if TYPE_CHECKING:
    from scholarcli.core import Reporter
    from scholarcli.tracking.refresh import RunSummary

TRACKED_FIELDS = (
    "key",
    "name",
    "label",
    "ids",
    "last_refresh",
    "status",
    "papers",
    "citations",
    "h_index",
    "added_at",
    "last_success",
    "failures",
    "last_error",
    "next_due",
)
RESULT_FIELDS = (
    "key",
    "name",
    "status",
    "fetched",
    "papers",
    "citations",
    "citations_change",
    "h_index",
    "reason",
)
DRY_RUN_FIELDS = ("key", "name", "ids", "action", "reason", "list_requests")
HISTORY_TABLE_FIELDS = (
    "papers",
    "citations",
    "h_index",
    "g_index",
    "i10_index",
    "m_quotient",
)  # fits 80 columns; csv and json carry every metric
CHART_POINTS = 60

NamesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Tracked people (key, name or label); default: everyone.", show_default=False
    ),
]


@command_boundary
def track(
    name: PersonArgument = None,
    ids: IdOption = None,
    label: Annotated[
        str | None,
        typer.Option(
            "--label",
            help="Key to track them under instead of the name (tells namesakes apart).",
            show_default=False,
        ),
    ] = None,
    max_age: MaxAgeOption = "7d",
    novelty: Annotated[
        bool,
        typer.Option("--novelty", help="Let every refresh keep their Novelty and Impact current."),
    ] = False,
    self_citations: Annotated[
        bool,
        typer.Option(
            "--self-citations",
            help="Let every refresh keep who cites their papers current (self-citations).",
        ),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="s2 (default) or openalex: where the person's ids and papers come from.",
            show_default=False,
        ),
    ] = None,
    orcid: OrcidOption = None,
) -> None:
    """Add a person to the watch list, pinning their Semantic Scholar (or OpenAlex) ids now.

    --orcid pins the ids its works confirm (scholar find --orcid shows them); with
    --source openalex, the OpenAlex records carrying the iD.
    """
    from scholarcli.core import Freshness
    from scholarcli.tracking import watchlist as watch

    if orcid is not None and ids:
        raise UsageError("--orcid and --id both name ids; give one of them")
    fresh = Freshness(max_age=parse_max_age(max_age))
    where = (source or "s2").strip().lower()
    if where not in {"s2", "api", "openalex"}:
        raise UsageError(f"--source must be s2 or openalex, not {source!r}")
    pinned = orcid_ids(orcid, "openalex" if where == "openalex" else "s2", max_age=max_age)
    if pinned is not None:
        name, ids = name or pinned[0], pinned[1]
    if where == "openalex" and novelty:
        raise UsageError(
            "--novelty is not available with --source openalex",
            hint="Novelty and Impact are computed from Semantic Scholar's references",
        )
    on = "openalex" if where == "openalex" else None
    with open_context() as ctx:
        try:
            result = watch.track(ctx, name, list(ids or []), label, fresh, source=on)
        except watch.NamesakeError as namesake:
            # A different person under a tracked key: ask for a label when someone can
            # answer; a script gets the refusal (exit 2) and its hint.
            if not _interactive():
                raise
            render.warn(output_env(), namesake.message)
            label = typer.prompt(
                "Label to track them under (empty: change nothing)",
                default="",
                show_default=False,
                err=True,
            ).strip()
            if not label:
                raise
            result = watch.track(ctx, name, list(ids or []), label, fresh, source=on)
        person, previous = result.person, result.previous
        if novelty:
            from scholarcli.cache import novelty as novelty_cache

            novelty_cache.watch(ctx.store, person.key, ctx.now())
            ctx.reporter.note(
                "each scholar refresh also brings their Novelty and Impact up to date"
            )
        if self_citations:
            from scholarcli.cache import selfcite as selfcite_cache

            selfcite_cache.watch(ctx.store, person.key, ctx.now())
            ctx.reporter.note("each scholar refresh also brings their self-citations up to date")
        ids_text = ", ".join(person.author_ids)
        if result.other_candidates:
            ctx.reporter.note(
                f"{result.other_candidates} other {'OpenAlex' if on else 'Semantic Scholar'} "
                f"profile(s) match {name!r}; "
                f'pinned {ids_text}. List them with: scholar find "{name}"'
            )
        if previous is None:
            ctx.reporter.note(
                f"tracking {person.display} as {person.key!r} "
                f"({'OpenAlex' if on else 'S2'} id {ids_text}); "
                "the next scholar refresh fetches their papers"
            )
        elif previous.key != person.key:
            ctx.reporter.note(f"{previous.key!r} is now {person.key!r}, history included")
        elif previous.author_ids != person.author_ids:
            ctx.reporter.note(
                f"updated {person.key!r}: S2 ids {', '.join(previous.author_ids)} -> {ids_text}"
            )
        else:
            ctx.reporter.note(f"{person.display} is already tracked as {person.key!r}")


def _interactive() -> bool:
    """Can someone answer a question (stdin and stderr are terminals)?"""
    env = output_env()
    return env.stdin_isatty and env.stderr_isatty


@command_boundary
def untrack(
    names: Annotated[list[str], typer.Argument(help="Tracked people (key, name or label).")],
) -> None:
    """Take people off the watch list (their history stays in the cache)."""
    from scholarcli.cache import novelty as novelty_cache
    from scholarcli.cache import selfcite as selfcite_cache
    from scholarcli.tracking import watchlist as watch

    with open_context(offline=True) as ctx:
        for person in watch.untrack(ctx, names):
            novelty_cache.unwatch(ctx.store, person.key)  # a later track starts without it
            selfcite_cache.unwatch(ctx.store, person.key)
            ctx.reporter.note(
                f"untracked {person.display}; their history stays: scholar history {person.key!r}"
            )


@command_boundary
def tracked(
    fmt: FormatOption = None,
    failing: Annotated[
        bool,
        typer.Option("--failing", help="Only people whose last refresh failed (cron health)."),
    ] = False,
    max_age: MaxAgeOption = "7d",
) -> None:
    """List the watch list: latest papers, citations and h-index, last successful
    refresh, failures in a row and when the paper lists are next due (--max-age as
    given to refresh)."""
    from scholarcli.tracking import watchlist as watch

    fmt_name, env = output_format(fmt)
    with open_context(offline=True) as ctx:
        records = watch.tracked(ctx, failing=failing, max_age=parse_max_age(max_age))
        if not records and not failing:
            ctx.reporter.note('nobody is tracked yet; add someone with scholar track "NAME"')
    title = "Failing refreshes" if failing else "Tracked"
    render.render_records(
        records, TRACKED_FIELDS, fmt_name, sys.stdout, env, title=title, json_root="tracked"
    )


@command_boundary
def refresh(
    names: NamesArgument = None,
    everything: Annotated[
        bool,
        typer.Option("--refetch-all", help="Fetch every paper list again, changed or not."),
    ] = False,
    old_all: Annotated[
        # --all was this option's first name; `author --all` lists every paper, so refresh's
        # has its own name now. Still obeyed, with a warning, so cron lines keep working.
        bool,
        typer.Option("--all", hidden=True),
    ] = False,
    max_age: MaxAgeOption = "7d",
    wait: Annotated[
        bool, typer.Option("--wait", help="If another refresh is running, wait for it.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Print nothing unless something failed (for cron)."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be fetched; fetch and write nothing.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="With --dry-run: ask S2 for current counts (1 request per 1,000 ids)."
        ),
    ] = False,
    fmt: FormatOption = None,
    as_of: AsOfOption = None,
    digest: Annotated[
        bool,
        typer.Option(
            "--digest",
            help="Print the digest (scholar digest) instead of the run's table: cron mails "
            "only news.",
        ),
    ] = False,
) -> None:
    """Bring tracked people up to date cheaply and store a dated snapshot of each.

    A person whose refresh failed three runs in a row is named on stderr by every run
    until it succeeds (scholar tracked --failing lists them)."""
    from scholarcli.core import QuietReporter
    from scholarcli.tracking import refresh as watch

    if check and not dry_run:
        raise UsageError("--check only goes with --dry-run")
    if digest and dry_run:
        raise UsageError("--digest does not go with --dry-run: a dry run changes nothing")
    fmt_name, env = output_format(fmt)
    if old_all:
        everything = True
        if not quiet:  # --quiet prints nothing unless something failed
            render.warn(env, "--all is deprecated for refresh; it is now --refetch-all")
    opts = watch.Options(
        as_of=parse_as_of(as_of), max_age=parse_max_age(max_age), force=everything, wait=wait
    )
    with open_context(quiet=quiet) as ctx:
        if quiet:
            ctx.reporter = QuietReporter()  # warnings go into the summary instead
        if dry_run:
            plan = watch.dry_run(ctx, names or [], opts, check=check)
            render.render_records(
                plan.rows, DRY_RUN_FIELDS, fmt_name, sys.stdout, env, json_root="plan"
            )
            ctx.reporter.note(_dry_run_note(plan.requests, check))
            return
        summary = watch.run(ctx, names or [], opts)
        if digest and summary.status != "skipped":
            _print_summary(summary, fmt_name, env, ctx.reporter, quiet, records=False)
            from scholarcli.commands.digest import print_digest
            from scholarcli.tracking import digest as news

            result = news.build(ctx, names or [], None)
            print_digest(result, fmt_name, env)
            news.remember(ctx, result)
        else:
            _print_summary(summary, fmt_name, env, ctx.reporter, quiet)
        _warn_failing(ctx, summary, env)
        log = ctx.settings.logs_dir / watch.LOG_NAME
    _exit_for(summary, env, quiet, log)


def _warn_failing(ctx: Any, summary: RunSummary, env: render.OutputEnv) -> None:
    """Name everyone failing FAILING_AFTER runs in a row, even with --quiet: one 429
    must not leave a person silently stale for good."""
    from scholarcli.tracking.digest import FAILING_AFTER
    from scholarcli.tracking.watchlist import failing_people

    failed_now = {r.key for r in summary.failed()}
    for person, error, runs in failing_people(ctx, FAILING_AFTER):
        if person.key not in failed_now:  # those get their own line from _exit_for
            render.warn(env, f"{person.key}: refresh failed {runs} runs in a row: {error}")


def _dry_run_note(requests: dict[str, int], check: bool) -> str:
    lists = requests["paper_lists"] + requests["paper_batch"]
    cost = f"{requests['count_check']} count-check request(s) and {lists} for paper lists"
    if check:
        return f"dry run: asked S2 for counts, wrote nothing; a refresh would make {cost}"
    return (
        f"dry run: made no request, wrote nothing; a refresh would make {cost} already due, "
        "plus lists of people whose counts changed (--check asks S2 which)"
    )


def _print_summary(
    summary: RunSummary,
    fmt: str,
    env: render.OutputEnv,
    reporter: Reporter,
    quiet: bool,
    *,
    records: bool = True,
) -> None:
    """The run's table (or json) on stdout and its one-line tally on stderr; with
    ``records=False`` (``--digest``) only the tally: stdout carries the digest."""
    if quiet:
        return
    if not records:
        pass
    elif fmt == "json":
        json.dump(summary.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif summary.status != "skipped":
        rows = [dict(vars(result)) for result in summary.people]
        render.render_records(rows, RESULT_FIELDS, fmt, sys.stdout, env, title="Refresh")
    if summary.status == "skipped":
        return
    counts = {status: 0 for status in ("refreshed", "unchanged", "failed")}
    for result in summary.people:
        counts[result.status] += 1
    if not summary.people:
        reporter.note('nobody is tracked yet; add someone with scholar track "NAME"')
    reporter.note(
        ", ".join(f"{n} {status}" for status, n in counts.items())
        + f"; {summary.requests['semantic_scholar']} Semantic Scholar and "
        f"{summary.requests['arxiv']} arXiv requests in {summary.duration_seconds:.1f}s",
    )


def _exit_for(summary: RunSummary, env: render.OutputEnv, quiet: bool, log: Path) -> None:
    """Per-person lines on stderr and the exit status, when the run did not go well."""
    if summary.status == "ok":
        return
    if summary.status == "skipped":
        # Its own status, so cron (or a script) can tell "did nothing" from "done".
        pid = f" (pid {summary.lock_holder})" if summary.lock_holder else ""
        raise BusyError(
            f"another scholar refresh is running{pid}; not starting a second one",
            hint="pass --wait to wait for it and then refresh, or run again later",
        )
    if quiet:  # nothing was shown while running: say now what went wrong
        for message in summary.warnings:
            render.warn(env, message)
    failed = summary.failed()
    for result in failed:
        render.warn(env, f"{result.key}: {result.reason}")
    hint = f"the next scholar refresh retries; each run is logged in {log}"
    if summary.status == "unavailable":
        raise SourceError(
            f"no tracked person could be refreshed: {failed[0].reason}", source="", hint=hint
        )
    if failed:
        raise PartialError(
            f"{len(failed)} of {len(summary.people)} tracked people could not be refreshed",
            hint=hint,
        )
    raise PartialError(
        "arXiv could not be reached; categories and dates of new papers are missing",
        hint="the next scholar refresh asks arXiv again",
    )


@command_boundary
def history(
    name: Annotated[
        str | None,
        typer.Argument(help="A tracked person (key, name or label).", show_default=False),
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper",
            metavar="REF",
            help="Show one paper's citation history instead (S2 id, arXiv id, DOI or a link).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """A person's snapshots over time: papers, citations, h-index and other metrics."""
    from scholarcli.tracking import watchlist as watch

    if (name is None) == (paper is None):
        raise UsageError("give a tracked person's name or --paper REF")
    fmt_name, env = output_format(fmt)
    fields: Sequence[str]
    with open_context(offline=True) as ctx:
        if paper is not None:
            series = watch.paper_history(ctx, paper)
            records = [{"taken_at": when, "citations": count} for when, count in series]
            title, fields = (
                f"Citations of paper {paper}",
                _history_fields(records, fmt_name, ("citations",)),
            )
        else:
            assert name is not None
            who, snapshots = watch.history(ctx, name)
            if not snapshots:
                ctx.reporter.note(f"no snapshots of {who} yet; scholar refresh takes one")
            records = [
                _history_record(s.taken_at, s.papers, s.citations, s.metrics) for s in snapshots
            ]
            for record, snapshot in zip(records, snapshots, strict=True):
                # A point is stored only when the numbers change; later runs that found
                # them unchanged are recorded here.
                record["checked_at"] = snapshot.checked_at
            title = f"History of {who}"
            fields = _history_fields(records, fmt_name, HISTORY_TABLE_FIELDS)
    render.render_records(
        records, fields, fmt_name, sys.stdout, env, title=title, json_root="history"
    )
    if fmt_name == "table" and records:
        print(_charts(records))


def _history_record(
    taken_at: str, papers: int, citations: int, metrics: dict[str, Any]
) -> dict[str, Any]:
    others = {k: v for k, v in metrics.items() if k not in ("paper_count", "citation_count")}
    return {"taken_at": taken_at, "papers": papers, "citations": citations, **others}


def _history_fields(
    records: Sequence[dict[str, Any]], fmt: str, table_fields: Sequence[str]
) -> Sequence[str]:
    """Tables get a short UTC time and the main columns; data formats get every field."""
    if fmt in ("table", "markdown"):
        for record in records:
            record["when"] = record["taken_at"][:16].replace("T", " ")
        return ["when", *table_fields]
    fields = dict.fromkeys(["taken_at", *table_fields])
    for record in records:
        fields.update(dict.fromkeys(record))
    return list(fields)


def _charts(records: Sequence[dict[str, Any]]) -> str:
    """Sparklines of citations (and h-index for a person) over the last points."""
    recent = records[-CHART_POINTS:]
    lines = []
    for key, label in (("citations", "citations"), ("h_index", "h-index")):
        values = [r[key] for r in recent if isinstance(r.get(key), int)]
        if len(values) != len(recent):
            continue
        # Drawn from the lowest point up: counts that only grow would all look full.
        spark = render.sparkline([value - min(values) for value in values])
        lines.append(
            f"{label:<10} {spark}  {values[0]:,} -> {values[-1]:,}"
            f" ({values[-1] - values[0]:+,}) since {recent[0]['taken_at'][:10]}"
        )
    return "\n".join(lines)
