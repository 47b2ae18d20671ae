"""How orchestration talks to the person at the terminal: warnings, notes, progress.

Capabilities report through a ``Reporter`` and never print; the commands pass one
that writes to stderr, library use and tests pass ``QuietReporter``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol


class Reporter(Protocol):
    def warn(self, message: str) -> None: ...
    def note(self, message: str) -> None: ...
    def progress(
        self, description: str, total: int | None
    ) -> AbstractContextManager[Callable[[int], None]]: ...


class QuietReporter:
    """A reporter that drops everything (library use, tests)."""

    def warn(self, message: str) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    @contextlib.contextmanager
    def progress(self, description: str, total: int | None) -> Iterator[Callable[[int], None]]:
        yield lambda n: None
