"""rich consoles for stdout and stderr, warnings and the progress bar.

The only module of the package that creates a rich ``Console``. rich is imported inside
the functions that draw (about 30 ms, a sixth of a warm ``scholar author``): csv, json
and the other pipe formats never pay for it, nor does ``scholar --help``. Nothing here
is imported from rich at module level, and nothing here decides whether a stream is a
terminal: that is ``OutputEnv``'s, decided once per command.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from scholarcli.errors import printable
from scholarcli.render.env import OutputEnv

if TYPE_CHECKING:
    from rich.console import Console


@functools.cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class PipeConsole(Console):
        """rich's Console, but a reader that goes away (``| head``) is not a failure.

        rich answers a broken pipe with ``SystemExit(1)`` and no message; we hand it to
        the command boundary as ``BrokenPipeError``, which exits 0 as csv and json do.
        """

        def on_broken_pipe(self) -> None:
            self.quiet = True
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self.file.fileno())  # nothing more reaches the pipe
            raise BrokenPipeError

    return PipeConsole


def make_console(file: TextIO, env: OutputEnv, terminal: bool | None = None) -> Console:
    """A console on ``file``; by default styled only when it is stdout on a terminal."""
    if terminal is None:
        terminal = env.stdout_isatty and env.color
    # markup off: a title such as "[RE] ..." is data, not a style tag.
    return _console_class()(
        file=file,
        width=env.width,
        force_terminal=terminal,
        no_color=not env.color,
        highlight=False,
        soft_wrap=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )


def links_shown(env: OutputEnv) -> bool:
    """Whether stdout gets hyperlinks (what ``make_console`` styles by default)."""
    return env.stdout_isatty and env.color


def table_style() -> dict[str, Any]:
    """A rule under the header, no frame: the box's blank divider plus right padding puts
    two spaces between columns, leaving text columns as wide as possible at 80 columns."""
    from rich import box

    return {"box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False, "padding": (0, 1, 0, 0)}


def stderr_console(env: OutputEnv, file: TextIO | None = None) -> Console:
    """A console for warnings and notes on stderr; plain unless colour is allowed there."""
    return make_console(sys.stderr if file is None else file, env, env.stderr_isatty and env.color)


def warn(env: OutputEnv, message: str, file: TextIO | None = None) -> None:
    """Print ``warning: message`` as one line on stderr."""
    from rich.text import Text

    line = Text.assemble(("warning:", "bold yellow"), " ", printable(message))
    stderr_console(env, file).print(line, soft_wrap=True)


@contextlib.contextmanager
def progress(
    env: OutputEnv, description: str, total: int | None
) -> Iterator[Callable[[int], None]]:
    """A transient progress bar on stderr when it is a terminal, else a no-op.

    Yields ``advance(n)``. stdout is not redirected, so data printed meanwhile stays in
    the pipe; stderr writes (warnings) appear above the bar.
    """
    if not env.stderr_isatty:
        yield lambda steps: None
        return
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from scholarcli.render.safe import clean_text

    columns: list[ProgressColumn] = [TextColumn("{task.description}"), BarColumn()]
    if total is not None:
        columns.append(MofNCompleteColumn())
    columns.append(TimeElapsedColumn())
    console = make_console(sys.stderr, env, terminal=True)  # a bar needs cursor control
    with Progress(*columns, console=console, transient=True, redirect_stdout=False) as bar:
        # The description may name a person: shown as text, never as markup.
        task = bar.add_task(escape(clean_text(description)), total=total)

        def advance(steps: int = 1) -> None:
            bar.advance(task, steps)

        yield advance
