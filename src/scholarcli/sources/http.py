"""The one place for HTTP policy: sessions, timeouts, retries, rate limits.

Every request any source makes goes through ``HttpClient.request``. It applies a
per-source rate limit shared between processes (a slot file under
``SCHOLAR_HOME/locks``), a timeout on every call, a descriptive User-Agent, and
retries with exponential backoff and jitter on 429, 5xx, connection errors,
timeouts and garbled bodies, honouring ``Retry-After`` when a server sends one
(Semantic Scholar never does: docs/sources.md, Semantic Scholar's quirks). The total time
spent retrying is bounded. Clock and sleep are injected so tests never patch
``time``.

Sources that meter a daily budget (OpenAlex, docs/sources.md) send ``X-RateLimit-*``
headers: the last ones seen are kept as ``HttpClient.budget``; a 429 that means
"budget spent" is final at once (waiting hours helps nobody), while a per-second
throttle is retried and slows the client down. Redirects (OpenAlex answers a merged
id with 301) can be followed here with the query kept, so a secret query parameter
survives the hop without ever being part of a URL someone reads.

It must not know any API's paths or payloads, and must never log, store or put
into an exception the ``x-api-key`` header or a secret query parameter
(``api_key``): every URL shown goes through ``redact_url``.
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
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

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
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
# Query parameters whose values are credentials: never shown, logged or kept.
SECRET_PARAMS = frozenset({"api_key", "api-key"})
REDACTED = "***"
# A 429 asking to wait longer than this is a spent daily budget, not a throttle.
BUDGET_WAIT = 60.0
MAX_BACKOFF = 60.0
# A slot reservation further ahead than this is treated as a corrupt state file.
MAX_RESERVATION_AHEAD = 3600.0


def redact_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """``params`` with the values of credential parameters replaced by ``***``."""
    return {k: REDACTED if k.lower() in SECRET_PARAMS else v for k, v in (params or {}).items()}


def redact_url(url: str) -> str:
    """``url`` with the values of credential query parameters replaced by ``***``."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    hidden = [(k, REDACTED if k.lower() in SECRET_PARAMS else v) for k, v in pairs]
    return urlunsplit(parts._replace(query=urlencode(hidden, safe="*:,|")))


@dataclass(frozen=True)
class RateBudget:
    """A metered source's daily budget as its last ``X-RateLimit-*`` headers stated it.

    Credits, not requests: OpenAlex charges 0 for a record by id, 1 for a list page and
    10 for a search (docs/sources.md). ``reset_in`` is seconds until the pool refills
    (midnight UTC), counted from ``observed_at`` (wall-clock seconds).
    """

    limit: int | None
    remaining: int | None
    cost: int | None
    reset_in: float | None
    observed_at: float

    @property
    def used(self) -> int | None:
        if self.limit is None or self.remaining is None:
            return None
        return max(0, self.limit - self.remaining)

    @property
    def resets_at(self) -> float | None:
        return None if self.reset_in is None else self.observed_at + self.reset_in


def _header_number(headers: Mapping[str, str], name: str) -> float | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        return None
    return value if value >= 0 and value != float("inf") else None


def rate_budget(headers: Mapping[str, str], now: float) -> RateBudget | None:
    """The budget a response's ``X-RateLimit-*`` headers state, or None without them."""
    limit = _header_number(headers, "X-RateLimit-Limit")
    if limit is None:
        return None
    remaining = _header_number(headers, "X-RateLimit-Remaining")
    cost = _header_number(headers, "X-RateLimit-Credits-Used")
    return RateBudget(
        limit=int(limit),
        remaining=None if remaining is None else int(remaining),
        cost=None if cost is None else int(cost),
        reset_in=_header_number(headers, "X-RateLimit-Reset"),
        observed_at=now,
    )


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


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
    # Credits a metered source charged, as its X-RateLimit-Credits-Used headers said.
    credits: int = 0


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


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_message(response: requests.Response) -> str:
    """The API's own words: S2 sends {"error": ...} (4xx) or {"message": ...} (gateway);
    OpenAlex sends both, a class and the particulars, and both are worth reading."""
    body = _body(response)
    if body is None:
        text = response.text.strip().splitlines()
        return text[0][:200] if text else response.reason or ""
    if isinstance(body, dict):
        error, message = body.get("error"), body.get("message")
        if isinstance(error, str) and isinstance(message, str) and message:
            return f"{error.rstrip('.')}: {message}"[:300]
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
        follow_redirects: bool = False,
        budget_hint: str | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.source = source
        # Redirects followed here (not by requests) keep the query, key included, and
        # are logged redacted; requests would log nothing but drop nothing either.
        self.follow_redirects = follow_redirects
        # What to suggest when a metered source says its daily budget is spent.
        self.budget_hint = budget_hint
        self.wall_clock = wall_clock
        self.budget: RateBudget | None = None
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
        shown_url = self._shown(url, params)
        started = self.clock()
        attempt = 0
        hops = 0
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
                            allow_redirects=not self.follow_redirects,
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
                budget = rate_budget(response.headers, self.wall_clock())
                spent = status == 429 and _budget_spent(response)
                # A per-second throttle says "0 remaining" whatever the budget: not kept.
                if budget is not None and (status != 429 or spent):
                    self.budget = budget
                    self.stats.credits += budget.cost or 0
                location = response.headers.get("Location")
                if self.follow_redirects and status in REDIRECT_STATUSES and location:
                    hops += 1
                    if hops > MAX_REDIRECTS:
                        raise self._final("too many redirects", shown_url, status, attempt)
                    # The query goes again as params: a Location carrying one (with
                    # or without the key) must not duplicate or leak it.
                    url = urlunsplit(urlsplit(urljoin(url, location))._replace(query=""))
                    shown_url = self._shown(url, params)
                    attempt -= 1  # a hop is not a failed attempt
                    continue
                if _plan_required(response):
                    raise self._final(
                        f"HTTP {status}: {error_message(response)}", shown_url, status, attempt
                    )
                if spent:
                    raise self._budget_error(response, shown_url, attempt)
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
                    if status == 429 and budget is not None:
                        self._slow_down()
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

    @staticmethod
    def _shown(url: str, params: Mapping[str, Any] | None) -> str:
        # Kept readable in --debug: commas, colons and ORs of filters stay as they are.
        query = urlencode(redact_params(params), doseq=True, safe="*,:|") if params else ""
        return redact_url(url) + ("?" + query if query else "")

    def _slow_down(self) -> None:
        """After a per-second throttle, space requests further apart for this run."""
        self.limiter.interval = min(5.0, max(0.25, self.limiter.interval * 2))

    def _budget_error(self, response: requests.Response, url: str, attempts: int) -> SourceError:
        budget = self.budget
        used = ""
        if budget is not None and budget.limit is not None:
            spent = budget.used if budget.used is not None else budget.limit
            used = f" ({spent:,} of {budget.limit:,} credits used today)"
        reset_in = budget.reset_in if budget is not None else None
        if reset_in is None:
            reset_in = _retry_after(response.headers)
        when = "it resets at midnight UTC"
        if reset_in is not None:
            resets = time.gmtime(self.wall_clock() + reset_in)
            when += f" ({time.strftime('%H:%M', resets)} UTC, in {_duration(reset_in)})"
        return SourceError(
            f"{self.source}: the daily budget is spent{used}; {when}",
            source=self.source,
            url=url,
            status=429,
            attempts=attempts,
            hint=self.budget_hint or "wait for the reset, or answer from the cache with --offline",
        )

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
        elif status == 401 and self.budget_hint is not None:
            hint = (
                f"{self.source} rejected the API key: check it, or unset it to use the "
                "smaller keyless budget"
            )
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


def _budget_spent(response: requests.Response) -> bool:
    """Whether a 429 says the daily budget is spent (final) rather than "slow down".

    OpenAlex words it "Insufficient budget…" and asks to wait until midnight UTC; the
    per-second throttle asks for about a second (docs/sources.md, "Limits").
    """
    body = _body(response)
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, str) and message.startswith("Insufficient budget"):
        return True
    wait = _retry_after(response.headers)
    return wait is not None and wait > BUDGET_WAIT and "X-RateLimit-Limit" in response.headers


def _plan_required(response: requests.Response) -> bool:
    """A paid-only parameter was refused: final whatever the status, retrying never helps."""
    if response.ok:
        return False
    body = _body(response)
    return isinstance(body, dict) and body.get("error") == "Plan upgrade required"
