"""The HTTP policy: retries, backoff, Retry-After, bounded retry time, shared rate limit.

A scripted transport adapter stands in for the network, and the clock and sleep
are injected, so these tests neither wait nor patch ``time``.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest
import requests
from requests.adapters import BaseAdapter

from scholarcli.errors import SourceError
from scholarcli.sources.http import (
    USER_AGENT,
    HttpClient,
    RateLimiter,
    RetryableResponse,
    RetryPolicy,
)


class Script(BaseAdapter):
    """Answers each request with the next scripted (status, body, headers) or exception."""

    def __init__(self, steps: list[object]) -> None:
        super().__init__()
        self.steps = list(steps)
        self.sent: list[requests.PreparedRequest] = []
        self.timeouts: list[object] = []  # what each send was given: the client's timeout

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        self.sent.append(request)
        self.timeouts.append(kwargs.get("timeout"))
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        status, body, headers = step  # type: ignore[misc]
        response = requests.Response()
        response.status_code = status
        response._content = body
        response.headers.update(headers)
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(steps: list[object], clock: FakeClock, **policy: float) -> tuple[HttpClient, Script]:
    session = requests.Session()
    script = Script(steps)
    session.mount("http://", script)
    limiter = RateLimiter(0, None, "test", clock=clock, sleep=clock.sleep)
    http = HttpClient(
        "Semantic Scholar",
        timeout=2,
        limiter=limiter,
        policy=RetryPolicy(**policy),  # type: ignore[arg-type]
        session=session,
        headers={"x-api-key": "SECRET-KEY"},
        sleep=clock.sleep,
        clock=clock,
        rng=lambda: 0.5,
    )
    return http, script


def as_json(response: requests.Response) -> object:
    return response.json()


OK = (200, b'{"ok": true}', {})
TOO_MANY = (429, b'{"message": "Too Many Requests.", "code": "429"}', {})


def test_rides_out_four_failures_with_growing_backoff() -> None:
    clock = FakeClock()
    http, script = client(
        [TOO_MANY, (502, b"{}", {}), (503, b"{}", {}), requests.ConnectionError("reset"), OK], clock
    )
    assert http.request("GET", "http://s2/x", as_json) == {"ok": True}
    assert len(script.sent) == 5
    # equal jitter with rng=0.5: 3/4 of base * 2**(n-1)
    assert clock.sleeps == [1.5, 3.0, 6.0, 12.0]
    assert http.stats.requests == 5
    assert http.stats.retries == 4


def test_gives_up_after_max_attempts_with_a_clear_error() -> None:
    clock = FakeClock()
    http, script = client([TOO_MANY] * 6, clock)
    with pytest.raises(SourceError) as info:
        http.request("GET", "http://s2/x", as_json)
    assert len(script.sent) == 6
    assert info.value.status == 429
    assert info.value.attempts == 6
    assert "after 6 attempts" in info.value.message
    assert "Too Many Requests" in info.value.message
    assert info.value.hint and "rate limiting" in info.value.hint


def test_total_retry_time_is_bounded() -> None:
    clock = FakeClock()
    http, script = client([TOO_MANY] * 6, clock, backoff_base=20, max_retry_time=60)
    with pytest.raises(SourceError):
        http.request("GET", "http://s2/x", as_json)
    assert sum(clock.sleeps) <= 60
    assert len(script.sent) < 6


def test_retry_after_is_honoured() -> None:
    clock = FakeClock()
    http, _ = client([(503, b"", {"Retry-After": "7"}), OK], clock)
    http.request("GET", "http://s2/x", as_json)
    assert clock.sleeps == [7.0]


@pytest.mark.parametrize(
    ("value", "waited"), [("0.25", [0.25]), ("nan", [1.5]), ("-3", [1.5]), ("soon", [1.5])]
)
def test_a_fractional_retry_after_is_honoured_and_nonsense_ignored(
    value: str, waited: list[float]
) -> None:
    clock = FakeClock()
    http, _ = client([(503, b"", {"Retry-After": value}), OK], clock)
    http.request("GET", "http://s2/x", as_json)
    assert clock.sleeps == waited  # nonsense falls back to the backoff (1.5 s here)


def test_client_errors_are_final_and_403_hints_at_the_key() -> None:
    clock = FakeClock()
    http, script = client([(403, b'{"message":"Forbidden"}', {})], clock)
    with pytest.raises(SourceError) as info:
        http.request("GET", "http://s2/x", as_json)
    assert len(script.sent) == 1
    assert info.value.status == 403
    assert "SEMANTIC_SCHOLAR_API_KEY" in (info.value.hint or "")
    assert "SECRET-KEY" not in str(info.value) + (info.value.hint or "") + info.value.url


def test_garbled_bodies_are_retried() -> None:
    clock = FakeClock()
    http, script = client([(200, b'{"trunc', {}), OK], clock)

    def parse(response: requests.Response) -> object:
        try:
            return response.json()
        except ValueError as exc:
            raise RetryableResponse("malformed JSON") from exc

    assert http.request("GET", "http://s2/x", parse) == {"ok": True}
    assert len(script.sent) == 2


def test_every_attempt_is_sent_with_the_timeout() -> None:
    http, script = client([TOO_MANY, OK], FakeClock())
    assert http.request("GET", "http://s2.test/x", as_json) == {"ok": True}
    assert script.timeouts == [2, 2]  # no request may wait forever, retries included


def test_timeouts_are_retried_and_reported() -> None:
    clock = FakeClock()
    http, _ = client([requests.ReadTimeout("slow")] * 6, clock)
    with pytest.raises(SourceError, match="no answer within 2s"):
        http.request("GET", "http://s2/x", as_json)


def test_headers_user_agent_and_key_are_sent() -> None:
    clock = FakeClock()
    http, script = client([OK], clock)
    http.request("GET", "http://s2/x", as_json, params={"q": "a b&c"})
    sent = script.sent[0]
    assert sent.headers["User-Agent"] == USER_AGENT
    assert "scholarcli/" in USER_AGENT
    assert sent.headers["x-api-key"] == "SECRET-KEY"
    assert sent.url == "http://s2/x?q=a+b%26c"


def test_limiter_spaces_starts_within_a_process() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3.0, None, "arxiv", clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(3):
        with limiter.slot():
            starts.append(clock.now)
    assert starts == [1000.0, 1003.0, 1006.0]


def test_limiter_slots_are_shared_through_the_state_file(tmp_path: Path) -> None:
    """Two limiters (as in two processes) on one folder never start within the interval."""
    clock = FakeClock()
    one = RateLimiter(1.0, tmp_path, "s2", clock=clock, sleep=clock.sleep)
    two = RateLimiter(1.0, tmp_path, "s2", clock=clock, sleep=clock.sleep)
    starts = []
    for limiter in (one, two, one, two):
        with limiter.slot():
            starts.append(clock.now)
    assert starts == [1000.0, 1001.0, 1002.0, 1003.0]


def test_the_next_start_counts_from_when_the_request_was_sent(tmp_path: Path) -> None:
    """A request sent late (its process descheduled after its wait) pushes the next start
    back: the interval holds between sends, not merely between reserved slots."""
    clock = FakeClock()
    one = RateLimiter(1.0, tmp_path, "s2", clock=clock, sleep=clock.sleep)
    two = RateLimiter(1.0, tmp_path, "s2", clock=clock, sleep=clock.sleep)
    with one.slot() as started:
        clock.now += 0.7  # descheduled between the slot and the send
        started()
        clock.now += 5.0  # the answer takes long: the next start need not wait for it
    sent_two = []
    with two.slot() as started:
        sent_two.append(clock.now)
        started()
    assert sent_two == [1000.0 + 0.7 + 5.0]  # the interval had long passed: no wait
    clock.now = 2000.0
    with one.slot() as started:
        clock.now += 0.7
        started()
    with two.slot():
        assert clock.now == 2000.0 + 0.7 + 1.0


def test_limiter_survives_a_corrupt_state_file(tmp_path: Path) -> None:
    clock = FakeClock()
    (tmp_path / "s2.next").write_text("garbage")
    with RateLimiter(1.0, tmp_path, "s2", clock=clock, sleep=clock.sleep).slot():
        assert clock.sleeps == []
    (tmp_path / "s2.next").write_text(repr(clock.now + 10**9))
    with RateLimiter(1.0, tmp_path, "s2", clock=clock, sleep=clock.sleep).slot():
        assert clock.sleeps == []


def test_limiter_holds_concurrent_threads_apart(tmp_path: Path) -> None:
    """Starts by racing threads (each with its own limiter) never come closer."""
    import time

    starts: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        limiter = RateLimiter(0.5, tmp_path, "race")
        for _ in range(5):
            with limiter.slot() as started:
                with lock:
                    starts.append(time.time())
                started()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts.sort()
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 20
    # The next start is written after this one is recorded: no scheduling delay can
    # bring two closer than the interval (sleep may only overshoot).
    assert min(gaps) >= 0.5 - 1e-3


def test_a_failure_streak_is_bounded_across_requests() -> None:
    """When a source stays down, later requests of the run fail fast, not after minutes."""
    clock = FakeClock()
    # Waits of 12, 24, 48 s (equal jitter, rng 0.5): the first request waits 12 + 24.
    http, script = client([TOO_MANY] * 20, clock, backoff_base=16, max_retry_time=40)
    with pytest.raises(SourceError):
        http.request("GET", "http://s2/a", as_json)
    first = len(script.sent)
    spent = sum(clock.sleeps)
    assert (first, spent) == (3, 36.0)
    with pytest.raises(SourceError):
        http.request("GET", "http://s2/b", as_json)
    assert len(script.sent) - first == 1  # the streak's budget was already spent
    assert sum(clock.sleeps) == spent


def test_a_success_ends_the_streak() -> None:
    clock = FakeClock()
    http, script = client(
        [TOO_MANY] * 2 + [OK] + [TOO_MANY] * 2 + [OK], clock, backoff_base=16, max_retry_time=40
    )
    assert http.request("GET", "http://s2/a", as_json) == {"ok": True}
    # Without the reset, 36 s already spent would leave no room for the second's waits.
    assert http.request("GET", "http://s2/b", as_json) == {"ok": True}
    assert len(script.sent) == 6


def test_the_default_policy_bounds_a_dead_source_on_an_injected_clock() -> None:
    """The defaults behind test_faults' scaled wall-clock test, without its waiting."""
    from scholarcli.config import (
        DEFAULT_BACKOFF_BASE,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_MAX_RETRY_TIME,
    )

    defaults = RetryPolicy()
    assert (defaults.backoff_base, defaults.max_attempts, defaults.max_retry_time) == (
        DEFAULT_BACKOFF_BASE,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_MAX_RETRY_TIME,
    )
    clock = FakeClock()
    http, script = client([TOO_MANY] * 100, clock)
    tries = []
    for person in range(10):  # a refresh walking through people while S2 is down
        sent = len(script.sent)
        with pytest.raises(SourceError):
            http.request("GET", f"http://s2/{person}", as_json)
        tries.append(len(script.sent) - sent)
    assert sum(clock.sleeps) <= DEFAULT_MAX_RETRY_TIME
    assert tries[0] == DEFAULT_MAX_ATTEMPTS
    assert tries[-3:] == [1, 1, 1]  # the budget is spent: one try each, no waiting
