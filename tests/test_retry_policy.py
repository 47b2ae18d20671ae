"""The retry policy's arithmetic: Retry-After dates, the backoff ceiling, attempt count."""

from __future__ import annotations

import email.utils
import time

from scholarcli.sources.http import RetryPolicy, _retry_after


def test_a_retry_after_date_in_the_future_is_read_as_seconds_from_now() -> None:
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    wait = _retry_after({"Retry-After": when})
    assert wait is not None and 110 <= wait <= 121


def test_a_retry_after_date_in_the_past_means_retry_now() -> None:
    when = email.utils.formatdate(time.time() - 120, usegmt=True)
    assert _retry_after({"Retry-After": when}) == 0.0


def test_backoff_grows_then_stops_at_its_ceiling() -> None:
    policy = RetryPolicy(backoff_base=2.0, max_backoff=30.0)
    top = [policy.backoff(attempt, lambda: 1.0) for attempt in range(1, 9)]
    assert top == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0]
    bottom = [policy.backoff(attempt, lambda: 0.0) for attempt in range(1, 4)]
    assert bottom == [1.0, 2.0, 4.0]  # equal jitter: half fixed
    assert policy.longest_wait(1, 0.0) == min(2 + 4 + 8 + 16 + 30, policy.max_retry_time)


def test_exactly_max_attempts_requests_when_time_is_no_limit() -> None:
    import pytest

    from scholarcli.errors import SourceError
    from test_http import TOO_MANY, FakeClock, as_json, client

    clock = FakeClock()
    http, script = client([TOO_MANY] * 8, clock, max_attempts=3, max_retry_time=1e9)
    with pytest.raises(SourceError) as info:
        http.request("GET", "http://s2.test/x", as_json)
    assert len(script.sent) == 3 and info.value.attempts == 3
    assert len(clock.sleeps) == 2
