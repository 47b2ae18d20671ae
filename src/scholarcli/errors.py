"""Exit statuses and the exceptions that map onto them.

Every failure a user can cause or meet is one of these exceptions; the single
error boundary in ``cli`` turns them into one ``error:`` line (plus an optional
``hint:``) and the exit status of docs/design.md (Exit statuses). Nothing here imports
the layers above.

Exit statuses (docs/configuration.md "Exit codes" says the same to users):

====  ==========================================================================
0     success
1     unexpected error, a bug (``--debug`` shows the traceback)
2     usage error: a bad option, date, id, input or SCHOLAR_HOME
3     not found: no matching author or paper
4     a source was unreachable or kept refusing and the cache could not answer
5     partial: the work finished but some items failed
6     the cache is damaged; see the hint (``scholar cache recover``)
7     busy: another ``scholar refresh`` holds the lock (``--wait`` waits for it)
8     the cache was written by a newer version of scholar; it is left untouched
9     the disk (or the folder's quota) is full; the cache keeps its last sound state
130   interrupted
====  ==========================================================================
"""

from __future__ import annotations

import enum
from typing import Any


class ExitStatus(enum.IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    NOT_FOUND = 3
    UNAVAILABLE = 4
    PARTIAL = 5
    DAMAGED = 6  # the cache file is damaged; the hint names the recovery command
    BUSY = 7  # another refresh holds the lock and --wait was not given
    CACHE_TOO_NEW = 8  # PRAGMA user_version above the migrations this version knows
    DISK_FULL = 9  # SQLITE_FULL or ENOSPC while writing; nothing half-written remains
    INTERRUPTED = 130


class ScholarError(Exception):
    """Base class: a message for the user, an optional hint and an exit status."""

    exit_status = ExitStatus.ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(ScholarError):
    exit_status = ExitStatus.USAGE


class NotFoundError(ScholarError):
    exit_status = ExitStatus.NOT_FOUND


class AmbiguousNameError(NotFoundError):
    """A bare surname that matches several profiles: which person is meant is not known.

    ``candidates`` are rows as ``scholar find`` shows them (author_id, name, ...), which
    the command boundary lists on stderr under the error.
    """

    def __init__(self, message: str, candidates: list[dict[str, Any]], hint: str) -> None:
        super().__init__(message, hint)
        self.candidates = candidates


class SourceError(ScholarError):
    """A source was unreachable, kept refusing after retries, or answered garbage.

    Carries what is needed to explain the failure (source, url without secrets,
    attempt count, last HTTP status) as arxiv.py and pyalex do.
    """

    exit_status = ExitStatus.UNAVAILABLE
    # True when the source could not be reached at all: the error boundary then suggests
    # --offline, but only if the cache holds something to answer from.
    offline_may_answer: bool = False

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        url: str = "",
        status: int | None = None,
        attempts: int = 0,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.source = source
        self.url = url
        self.status = status
        self.attempts = attempts


class CacheError(ScholarError):
    """The cache cannot be used as configured (a foreign file, a folder that cannot be
    made); nothing was written to it. A configuration problem, so a usage error."""

    exit_status = ExitStatus.USAGE


class CacheDamagedError(CacheError):
    """The cache file is damaged (SQLite reports a malformed or unreadable database).

    Its own exit status, so a script can tell it from a bug and run the recovery the
    hint names (``scholar cache recover``)."""

    exit_status = ExitStatus.DAMAGED


class CacheTooNewError(CacheError):
    """The cache was written by a newer scholar (its schema version is above ours).

    Refused before anything is written, so the newer version can still use the file."""

    exit_status = ExitStatus.CACHE_TOO_NEW


class DiskFullError(ScholarError):
    """A write failed because the disk or quota is full; the transaction rolled back."""

    exit_status = ExitStatus.DISK_FULL


class BusyError(ScholarError):
    """Another process holds a lock this command needs (a running refresh)."""

    exit_status = ExitStatus.BUSY


class PartialError(ScholarError):
    exit_status = ExitStatus.PARTIAL


def printable(text: str) -> str:
    """``text`` with control characters shown escaped (``\\x00``, ``\\x1b``, ``\\r``).

    Error messages quote what the user typed; a NUL, an escape sequence or a bare
    carriage return in it must not reach the terminal raw. Newlines and tabs are kept
    (callers fold whitespace); every error and hint line goes through this one function.
    """
    if text.isprintable():
        return text
    return "".join(
        char
        if char.isprintable() or char in "\n\t "
        else char.encode("unicode_escape").decode("ascii")
        for char in text
    )
