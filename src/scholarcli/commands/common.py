"""What every command shares: option aliases, the error boundary, the run context.

Commands stay thin: parse options with these aliases, call one ``sync`` function
inside ``command_boundary``, render the result. The boundary is the only place
that turns exceptions into the one-line ``error:``/``hint:`` output and exit
statuses of docs/design.md; tracebacks appear only with ``--debug``/``SCHOLAR_DEBUG=1``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ParamSpec, TypeVar

import typer

from scholarcli import render
from scholarcli.errors import (
    AmbiguousNameError,
    ExitStatus,
    ScholarError,
    SourceError,
    UsageError,
    printable,
)

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class RunState:
    debug: bool = False


STATE = RunState()
# The terminal environment of the running command: detected once by command_boundary
# and read by everything below it through output_env(), never detected again.
_ENV: contextvars.ContextVar[render.OutputEnv] = contextvars.ContextVar("scholar_output_env")


def output_env() -> render.OutputEnv:
    """The environment the boundary detected for this command (outside one: detected now)."""
    env = _ENV.get(None)
    return render.OutputEnv.detect() if env is None else env


def command_boundary(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a command, mapping every failure to one stderr line and an exit status."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        env = render.OutputEnv.detect()  # the one detection of this command's run
        token = _ENV.set(env)
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except ScholarError as exc:
            if STATE.debug:
                traceback.print_exc(file=sys.stderr)
            _error(env, exc.message, _with_offline(exc))
            if isinstance(exc, AmbiguousNameError):  # the namesakes, as scholar find shows them
                render.render_records(
                    exc.candidates,
                    list(exc.candidates[0]),
                    "table",
                    sys.stderr,
                    env,
                    title="Semantic Scholar profiles",
                )
            raise typer.Exit(int(exc.exit_status)) from None
        except KeyboardInterrupt:
            _error(env, "interrupted", None)
            raise typer.Exit(int(ExitStatus.INTERRUPTED)) from None
        except BrokenPipeError:
            # The reader went away (``| head``): not our failure, and nothing to say.
            with contextlib.suppress(Exception):
                sys.stdout = open(  # noqa: SIM115 - swallow the final flush
                    "/dev/null", "w", encoding="utf-8"
                )
            raise typer.Exit(0) from None
        except Exception as exc:  # the one place that catches everything
            if STATE.debug:
                traceback.print_exc(file=sys.stderr)
            from scholarcli.cache.store import corruption

            known = corruption(exc) or _disk_full(exc)
            if known is not None:  # found mid-run, past the checks made on opening
                _error(env, known.message, known.hint)
                raise typer.Exit(int(known.exit_status)) from None
            _error(
                env,
                f"unexpected {type(exc).__name__}: {exc}",
                None if STATE.debug else "run again with --debug for the traceback",
            )
            raise typer.Exit(int(ExitStatus.ERROR)) from None
        finally:
            _ENV.reset(token)

    return wrapper


def _with_offline(exc: ScholarError) -> str | None:
    """The hint, plus ``--offline`` when a source was unreachable and the cache holds
    something to answer from (on an empty cache it would only lead to another error)."""
    if not (isinstance(exc, SourceError) and exc.offline_may_answer):
        return exc.hint
    from scholarcli.cache.store import holds_records

    try:
        cached = holds_records(load_settings().db_path)
    except ScholarError:
        cached = False
    if not cached:
        return exc.hint
    return f"{exc.hint or 'try again later'}, or answer from the cache with --offline"


def _disk_full(exc: BaseException) -> ScholarError | None:
    """A full disk met outside a cache transaction (a lock file, a download, VACUUM)."""
    from pathlib import Path

    from scholarcli.cache.store import disk_full

    where = getattr(exc, "filename", None)
    if not where:
        try:
            where = load_settings().db_path
        except Exception:
            where = "SCHOLAR_HOME"
    return disk_full(exc, Path(where))


def _error(env: render.OutputEnv, message: str, hint: str | None) -> None:
    line = " ".join(printable(message).split())
    print(f"error: {line}", file=sys.stderr)
    if hint:
        print(f"hint: {' '.join(printable(hint).split())}", file=sys.stderr)


def setup_logging(debug: bool) -> None:
    """Request logging to the current stderr with ``--debug``; silence otherwise."""
    STATE.debug = debug
    logger = logging.getLogger("scholarcli")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.propagate = False
    if debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("debug: %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    else:
        logger.setLevel(logging.WARNING)


class StderrReporter:
    """``sync.Reporter`` that writes warnings, notes and progress to stderr."""

    def __init__(self, env: render.OutputEnv, *, quiet: bool = False) -> None:
        self.env = env
        self.quiet = quiet

    def warn(self, message: str) -> None:
        render.warn(self.env, message)

    def note(self, message: str) -> None:
        if not self.quiet:
            # Plain text, one line: a note has no style, so it needs no rich console.
            print(f"note: {printable(message)}", file=sys.stderr, flush=True)

    @contextlib.contextmanager
    def progress(self, description: str, total: int | None) -> Iterator[Callable[[int], None]]:
        if self.quiet:
            yield lambda n: None
            return
        with render.progress(self.env, description, total) as advance:
            yield advance


def load_settings() -> Any:
    from scholarcli.config import load_settings as load

    return load(debug=STATE.debug)


@contextlib.contextmanager
def open_context(*, offline: bool = False, quiet: bool = False) -> Iterator[Any]:
    """Settings + cache + reporter for one run; closed (and clients too) at the end."""
    from scholarcli.core import Context

    env = output_env()
    ctx = Context.open(load_settings(), StderrReporter(env, quiet=quiet), offline=offline)
    try:
        yield ctx
    finally:
        ctx.close()


@contextlib.contextmanager
def open_profile_source(spec: str | None, *, offline: bool = False) -> Iterator[Any]:
    """The ``--source`` a profile is built from, with a run context when it needs one.

    ``datasets:DIR`` opens no cache; the APIs (S2, OpenAlex) open the context as
    ``open_context``.
    """
    from scholarcli.profile.builder import needs_context, profile_source

    if needs_context(spec):
        with open_context(offline=offline) as ctx:
            yield profile_source(spec, ctx)
        return
    source = profile_source(spec, None)
    try:
        yield source
    finally:
        source.close()


def output_format(requested: str | None) -> tuple[str, render.OutputEnv]:
    env = output_env()
    try:
        return render.resolve_format(requested, env), env
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def parse_as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        when = date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--as-of must be a date like 2025-12-31, not {value!r}") from None
    # Metrics divide by years since the first paper: a date before any bibliometric
    # record or after today only produces nonsense (or a negative career).
    if not AS_OF_EARLIEST <= when <= date.today():
        raise UsageError(
            f"--as-of {when.isoformat()} is outside {AS_OF_EARLIEST.year} to today",
            hint="give a date from 1900-01-01 to today, or leave --as-of out for today",
        )
    return when


AS_OF_EARLIEST = date(1900, 1, 1)


def report_error(message: str, hint: str | None = None) -> None:
    """One ``error:`` line (and ``hint:``) on stderr, exactly as the boundary prints them."""
    _error(output_env(), message, hint)


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks", "": "days"}


def parse_max_age(value: str) -> timedelta:
    match = _AGE.match(value)
    if not match:
        raise UsageError(f"--max-age must look like 7d, 12h, 30m or 0, not {value!r}")
    amount = float(match.group(1))
    unit = _UNITS[match.group(2).lower()]
    try:
        return timedelta(**{unit: amount})
    except OverflowError:
        raise UsageError(f"--max-age {value!r} is too large") from None


def check_exclusive(**flags: bool) -> None:
    on = [name for name, value in flags.items() if value]
    if len(on) > 1:
        raise UsageError(f"{' and '.join('--' + n for n in on)} cannot be used together")
