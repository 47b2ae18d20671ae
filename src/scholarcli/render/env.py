"""The terminal environment of one run, decided once (the httpie pattern).

``OutputEnv.detect()`` is the only place in the package that asks whether a stream is a
terminal or reads ``NO_COLOR``/``TERM``/``COLUMNS``. The command boundary
(``commands/common.py``) calls it once per command and every renderer takes the
result as an argument, so tests pass one in. It must not import rich.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

FORMATS = ("table", "csv", "json", "jsonl", "markdown")


@dataclass(frozen=True)
class OutputEnv:
    """Everything output needs to know about the terminal, decided once.

    ``color`` means colour is allowed at all (no ``NO_COLOR``, not ``TERM=dumb``, and at
    least one stream is a terminal); each console still colours only its own stream when
    that stream is a terminal. ``stdin_isatty`` tells a command whether a person could
    answer a question or type input.
    """

    stdout_isatty: bool
    stderr_isatty: bool
    width: int | None = None
    color: bool = True
    stdin_isatty: bool = False

    @classmethod
    def detect(cls, environ: Mapping[str, str] | None = None) -> OutputEnv:
        environ = os.environ if environ is None else environ
        stdout_isatty = _isatty(sys.stdout)
        stderr_isatty = _isatty(sys.stderr)
        # no-color.org: any non-empty value disables colour.
        allowed = not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"
        columns = environ.get("COLUMNS", "").strip()
        width = int(columns) if columns.isdigit() and int(columns) > 0 else None
        return cls(
            stdout_isatty=stdout_isatty,
            stderr_isatty=stderr_isatty,
            width=width,
            color=allowed and (stdout_isatty or stderr_isatty),
            stdin_isatty=_isatty(sys.stdin),
        )


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # closed stream
        return False


def resolve_format(requested: str | None, env: OutputEnv) -> str:
    """The format to print: the requested one, else table on a terminal and csv in a pipe."""
    if requested is None:
        return "table" if env.stdout_isatty else "csv"
    fmt = requested.strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {requested!r}; choose one of: {', '.join(FORMATS)}")
    return fmt
