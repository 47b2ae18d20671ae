"""``scholar cache path|info|clear|recover``: where the data lives, what it holds, repair."""

from __future__ import annotations

import dataclasses
import sys
from typing import Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import (
    command_boundary,
    load_settings,
    open_context,
    output_env,
    output_format,
)
from scholarcli.commands.options import FormatOption
from scholarcli.errors import CacheDamagedError, UsageError

app = typer.Typer(help="Inspect or clear the local cache.", no_args_is_help=True)


@app.command("path")
@command_boundary
def path() -> None:
    """Print the path of the cache database."""
    print(load_settings().db_path)


@app.command("info")
@command_boundary
def info(fmt: FormatOption = None) -> None:
    """Size, record counts, oldest/newest fetch and integrity (PRAGMA quick_check)."""
    from scholarcli.cache.store import RECOVER_HINT

    fmt_name, env = output_format(fmt)
    with open_context(offline=True) as ctx:
        problems = ctx.store.problems()
        if problems:
            raise CacheDamagedError(
                f"the cache at {ctx.store.path} is damaged: {'; '.join(problems[:3])}",
                hint=RECOVER_HINT,
            )
        facts = dataclasses.asdict(ctx.store.info())
        facts.update(_openalex_budget(ctx.store))
    facts["integrity"] = "ok"
    render.render_records(
        [facts],
        list(facts),
        fmt_name,
        sys.stdout,
        env,
        title="Cache",
        json_root="cache",
        single=True,
    )


def _openalex_budget(store: object) -> dict[str, object]:
    """The OpenAlex daily budget as the last response reported it (docs/sources.md)."""
    from scholarcli.cache import openalex

    reported = sorted(openalex.budgets(store), key=lambda b: b.observed_at)  # type: ignore[arg-type]
    last = reported[-1] if reported else None
    return {
        "openalex_pool": last.pool if last else None,
        "openalex_credits_limit": last.limit if last else None,
        "openalex_credits_remaining": last.remaining if last else None,
        "openalex_budget_resets_at": last.resets_at if last else None,
        "openalex_budget_observed_at": last.observed_at if last else None,
    }


CLEAR_PROMPT = (
    "Delete the whole cache at {path}: every cached profile and paper, the watch list "
    "of tracked people, every history and every curation rule?"
)


@app.command("clear")
@command_boundary
def clear(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every cached record, the watch list and every history (asks first)."""
    from scholarcli.cache import recovery
    from scholarcli.cache.store import RECOVER_HINT

    db_path = load_settings().db_path
    if not yes:
        if not output_env().stdin_isatty:
            raise UsageError("refusing to clear the cache without --yes")
        if not typer.confirm(CLEAR_PROMPT.format(path=db_path), default=False):
            print("nothing deleted", file=sys.stderr)
            return
    health = recovery.diagnose(db_path)
    if health.damaged:
        if not health.ours:
            raise CacheDamagedError(
                f"the cache at {db_path} is damaged ({health.problem}) and does not identify "
                "itself as a scholar cache, so it was not deleted",
                hint=RECOVER_HINT,
            )
        # Its records cannot be deleted one by one; the file goes, a fresh one replaces it.
        recovery.delete(db_path)
    with open_context(offline=True) as ctx:
        ctx.store.clear()
    print("cache cleared", file=sys.stderr)


@app.command("recover")
@command_boundary
def recover() -> None:
    """Move a damaged cache aside (kept, with a timestamp) and start a fresh one."""
    from scholarcli.cache import recovery
    from scholarcli.cache.store import Store, check_home
    from scholarcli.core import utcnow

    db_path = load_settings().db_path
    check_home(db_path.parent)
    health = recovery.diagnose(db_path)
    if health.state == "missing":
        print(f"no cache at {db_path} yet; nothing to recover", file=sys.stderr)
        return
    if health.state == "foreign":
        raise UsageError(
            f"{db_path} is {health.problem}, not a scholar cache; it was left untouched",
            hint="point SCHOLAR_HOME at another folder or move the file away",
        )
    if not health.damaged:
        print(f"the cache at {db_path} is healthy (quick_check ok); nothing moved", file=sys.stderr)
        return
    kept = recovery.move_aside(db_path, utcnow())
    Store.open(db_path).close()
    print(
        f"the damaged cache ({health.problem}) was moved to {kept}; a fresh cache was started. "
        "Cached profiles are fetched again on their next use; the watch list and histories "
        f"are in the old file (keep it, or delete it: rm {kept}*)",
        file=sys.stderr,
    )
