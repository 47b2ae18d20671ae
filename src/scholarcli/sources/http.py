"""The one place for HTTP policy: sessions, timeouts, retries, rate limits.

Every request any source makes goes through ``HttpClient.request``. It applies a
per-source rate limit shared between processes (a slot file under
``SCHOLAR_HOME/locks``), a timeout on every call, a descriptive User-Agent, and
retries with exponential backoff and jitter on 429, 5xx, connection errors,
timeouts and garbled bodies, honouring ``Retry-After`` when a server sends one
(Semantic Scholar never does: docs/sources.md, Semantic Scholar's quirks). The total time
spent retrying is bounded. Clock and sleep are injected so tests never patch
``time``.

It must not know any API's paths or payloads, and must never log, store or put
into an exception the ``x-api-key`` header.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import requests
import urllib3
from filelock import FileLock

from scholarcli import __version__
from scholarcli.errors import SourceError
from scholarcli.sources.sending import SentAdapter, on_sent

log = logging.getLogger("scholarcli.http")

T = TypeVar("T")

USER_AGENT = (
    f"scholarcli/{__version__} (bibliometrics command-line tool; "
    "https://pypi.org/project/scholarcli/) python-requests/" + requests.__version__
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF = 60.0
# A slot reservation further ahead than this is treated as a corrupt state file.
MAX_RESERVATION_AHEAD = 3600.0


class RetryableResponse(Exception):
    """Raised by a response parser when the body is garbled or incomplete.

    ``HttpClient`` treats it like a 5xx: the request is retried.
    """


def _write_private(path: Path, text: str) -> None:
    """Write a small state file readable by the user only (0600 from creation)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)


def _nothing() -> None:
    pass


class RateLimiter:
    """Keeps request *starts* at least ``interval`` seconds apart, across processes.

    A start takes the slot lock (a file lock under SCHOLAR_HOME, so every process
    shares it), reads the earliest next start from a small state file, sleeps only
    the remainder (as arxiv.py's client does), and keeps the lock until the caller
    reports the request sent (``slot()`` yields that callback): only then is the next
    start written, the moment it was really sent plus ``interval``. So a process
    descheduled between its wait and its send delays the next start instead of
    bunching with it, and requests reach the server ``interval`` apart, not merely
    reserve slots that far apart. ``exclusive`` additionally holds an inter-process
    lock for the whole request, for sources that allow one connection at a time
    (arXiv's terms).
    """

    def __init__(
        self,
        interval: float,
        state_dir: Path | None,
        name: str,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        exclusive: bool = False,
    ) -> None:
        self.interval = interval
        self.name = name
        self.clock = clock
        self.sleep = sleep
        self._state = state_dir / f"{name}.next" if state_dir else None
        self._lock = FileLock(str(state_dir / f"{name}.lock"), mode=0o600) if state_dir else None
        self._inflight = (
            FileLock(str(state_dir / f"{name}.inflight.lock"), mode=0o600)
            if state_dir and exclusive
            else None
        )
        self._local_lock = threading.Lock()
        self._next_local = 0.0

    def _read_next(self) -> float:
        if self._state is None:
            return self._next_local
        try:
            stored = float(self._state.read_text(encoding="ascii") or 0.0)
        except (OSError, ValueError):
            return 0.0
        return 0.0 if stored > self.clock() + MAX_RESERVATION_AHEAD else stored

    def _write_next(self, when: float) -> None:
        if self._state is None:
            self._next_local = when
        else:
            _write_private(self._state, repr(when))

    def _acquire(self) -> Callable[[], None]:
        """Take the slot lock; return what releases it."""
        if self._lock is None:
            self._local_lock.acquire()
            return self._local_lock.release
        # A short poll: the next process should notice the release well within interval.
        self._lock.acquire(poll_interval=0.005)
        return self._lock.release

    def _hold(self) -> Callable[[], None]:
        """Wait for the next start while holding the slot lock; return ``started``."""
        release = self._acquire()
        try:
            now = self.clock()
            start = max(now, self._read_next())
            # The permitted start, on the wall clock every process shares: with --debug
            # it lets a test check the spacing against the server's arrival times.
            log.debug("rate %s slot %.6f", self.name, start)
            if start > now:
                self.sleep(start - now)
        except BaseException:
            release()
            raise
        done = False

        def started() -> None:
            nonlocal done
            if done:
                return
            done = True
            try:
                self._write_next(max(self.clock(), start) + self.interval)
            finally:
                release()

        return started

    @contextlib.contextmanager
    def slot(self) -> Iterator[Callable[[], None]]:
        """Wait for a start slot; yield ``started``, to call once the request is sent.

        Until ``started()`` (or the end of the block, whichever comes first) no other
        request of this source starts. The in-flight lock, if any, is held to the end.
        """
        if self.interval <= 0 and self._inflight is None:
            yield _nothing
            return
        with contextlib.ExitStack() as stack:
            if self._inflight is not None:
                stack.enter_context(self._inflight)
            if self.interval <= 0:
                yield _nothing
                return
            started = self._hold()
            try:
                yield started
            finally:
                started()


@dataclass
class RetryPolicy:
    max_attempts: int = 6
    backoff_base: float = 2.0
    max_retry_time: float = 90.0
    max_backoff: float = MAX_BACKOFF

    def backoff(self, attempt: int, rng: Callable[[], float]) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random."""
        ceiling = min(self.max_backoff, self.backoff_base * 2.0 ** (attempt - 1))
        return ceiling / 2 + rng() * ceiling / 2

    def longest_wait(self, attempt: int, elapsed: float) -> float:
        """At most how long the retries after failed ``attempt`` will wait in all."""
        ceilings = (
            min(self.max_backoff, self.backoff_base * 2.0 ** (n - 1))
            for n in range(attempt, self.max_attempts)
        )
        return max(0.0, min(sum(ceilings), self.max_retry_time - elapsed))


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0
    by_status: dict[int, int] = field(default_factory=dict)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    # RFC 9110 says whole seconds; a fraction ("0.5") is read too, as most clients do.
    with contextlib.suppress(ValueError):
        seconds = float(value)
        return seconds if 0 <= seconds < float("inf") else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def name_not_resolved(exc: BaseException) -> bool:
    """True when ``exc`` (a requests ConnectionError) comes from a failed DNS lookup.

    requests wraps urllib3's ``NameResolutionError`` (itself around ``socket.gaierror``)
    in ``MaxRetryError`` and then ``ConnectionError``; the chain is followed through
    causes, contexts, ``reason`` and arguments.
    """
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, urllib3.exceptions.NameResolutionError | socket.gaierror):
            return True
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None))
        todo.extend(x for x in (*linked, *current.args) if isinstance(x, BaseException))
    return False


def error_message(response: requests.Response) -> str:
    """The API's own words: S2 sends {"error": ...} (4xx) or {"message": ...} (gateway)."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip().splitlines()
        return text[0][:200] if text else response.reason or ""
    if isinstance(body, dict):
        for key in ("error", "message"):
            if isinstance(body.get(key), str):
                return str(body[key])[:300]
    return response.reason or ""


class HttpClient:
    """A requests.Session for one source with the project's HTTP policy applied."""

    def __init__(
        self,
        source: str,
        *,
        timeout: float,
        limiter: RateLimiter,
        policy: RetryPolicy,
        headers: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.source = source
        # Told once per streak of failures, at its first retry, when the wait is
        # noticeable: a source that is down otherwise means up to a minute of silence.
        self.on_retry = on_retry
        self.timeout = timeout
        self.limiter = limiter
        self.policy = policy
        self.sleep = sleep
        self.clock = clock
        self.rng = rng
        self.stats = RequestStats()
        # Start of the current run of failures, across requests; None after a success.
        self._failing_since: float | None = None
        if session is None:
            session = requests.Session()
            adapter = SentAdapter()
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        url: str,
        parse: Callable[[requests.Response], T],
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        accept: Callable[[requests.Response], bool] | None = None,
    ) -> T:
        """Send one logical request, retrying per the policy; return ``parse(response)``.

        ``accept`` lets a caller treat a non-2xx status as an answer (S2's 404);
        any other non-2xx, non-retryable status is final and raises ``SourceError``.
        """
        shown_url = url + ("?" + urlencode(params, doseq=True) if params else "")
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            problem: str
            status: int | None = None
            wait: float | None = None
            try:
                with self.limiter.slot() as sent:
                    self.stats.requests += 1
                    t0 = self.clock()
                    # The slot is released the moment the request is sent (see sending).
                    with on_sent(sent):
                        response = self.session.request(
                            method,
                            url,
                            params=params,
                            json=json_body,
                            data=data,
                            timeout=self.timeout,
                        )
                    sent()
                    # Read the body inside the slot so a slow body counts as in flight.
                    _ = response.content
                status = response.status_code
                self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
                log.debug(
                    "%s %s %s -> %s in %.2fs (attempt %d)",
                    self.source,
                    method,
                    shown_url,
                    status,
                    self.clock() - t0,
                    attempt,
                )
                if response.ok or (accept is not None and accept(response)):
                    try:
                        result = parse(response)
                        self._failing_since = None
                        return result
                    except RetryableResponse as exc:
                        problem = f"unreadable response ({exc})"
                elif status in RETRY_STATUSES:
                    problem = f"HTTP {status}: {error_message(response)}"
                    wait = _retry_after(response.headers)
                else:
                    raise self._final(
                        f"HTTP {status}: {error_message(response)}", shown_url, status, attempt
                    )
            except requests.Timeout:
                problem = f"no answer within {self.timeout:g}s"
            except requests.ConnectionError as exc:
                if name_not_resolved(exc):
                    # A name that does not resolve stays unresolved for the next minute:
                    # retrying only delays the error (refused or reset connections and
                    # timeouts are retried, they may recover).
                    host = urlsplit(url).hostname or url
                    raise self._final(
                        f"cannot resolve the host name {host} (DNS)", shown_url, None, attempt
                    ) from None
                problem = f"connection failed ({type(exc).__name__})"
            except requests.RequestException as exc:
                problem = f"request failed ({type(exc).__name__})"

            # The bound covers the whole streak, not just this request: when a source
            # is down, later requests of the same run fail fast instead of each
            # retrying for minutes, so a command's total time stays bounded.
            if self._failing_since is None:
                self._failing_since = started
            elapsed = self.clock() - self._failing_since
            delay = wait if wait is not None else self.policy.backoff(attempt, self.rng)
            if attempt >= self.policy.max_attempts or elapsed + delay > self.policy.max_retry_time:
                raise self._final(problem, shown_url, status, attempt)
            self.stats.retries += 1
            log.debug("%s retry %d in %.2fs: %s", self.source, attempt, delay, problem)
            longest = self.policy.longest_wait(attempt, elapsed)
            streak_starts = attempt == 1 and self._failing_since == started
            if self.on_retry is not None and streak_starts and longest >= 1.0:
                more = self.policy.max_attempts - attempt
                self.on_retry(
                    f"{self.source}: {problem}; retrying up to {more} more "
                    f"time{'s' if more != 1 else ''} for at most {longest:.0f} s"
                )
            if delay > 0:
                self.sleep(delay)

    def _final(self, problem: str, url: str, status: int | None, attempts: int) -> SourceError:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        hint = None
        if status == 403 and self.source == "Semantic Scholar":
            hint = (
                "Semantic Scholar refused the request: check SEMANTIC_SCHOLAR_API_KEY "
                "(keys unused for about 60 days are pruned) or unset it"
            )
        elif status == 429:
            hint = f"{self.source} is rate limiting; try again later"
        elif status is None and "(DNS)" in problem:
            hint = (
                f"{self.source} could not be reached: check the network connection, and "
                "the host name if its address was set in the environment (SCHOLAR_*_URL)"
            )
        elif status is None:
            hint = f"{self.source} could not be reached: check the network connection and try again"
        error = SourceError(
            f"{self.source}: {problem}{tries}",
            source=self.source,
            url=url,
            status=status,
            attempts=attempts,
            hint=hint,
        )
        error.offline_may_answer = status is None
        return error
