"""Errors a new user meets first (issue 21, item 4).

A lookup where S2 knows none of the ids (the real API answers 400 "No valid paper ids
given", and the double does too) is "not found", not an outage; a host that does not
resolve fails at once, without retries, and ``--offline`` is suggested only when the
cache holds something; ``paper --citations`` with arXiv down is partial with an
``error:`` line; a refresh that finds another running exits 7.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3
from typer.testing import CliRunner

import seed
from scholarcli.cli import app
from scholarcli.errors import SourceError
from scholarcli.sources.http import HttpClient, RateLimiter, RetryPolicy, name_not_resolved

TSLD = "a" * 40
UNKNOWN = "9" * 40


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env=env)


# -- no valid paper ids ----------------------------------------------------------------------


def test_the_double_answers_400_when_it_knows_none_of_the_ids(seeded: Any) -> None:
    answer = requests.post(
        seeded.s2_url + "/paper/batch", params={"fields": "title"}, json={"ids": [UNKNOWN]}
    )
    assert answer.status_code == 400
    assert answer.json() == {"error": "No valid paper ids given"}
    mixed = requests.post(
        seeded.s2_url + "/paper/batch", params={"fields": "title"}, json={"ids": [UNKNOWN, TSLD]}
    )
    assert mixed.status_code == 200 and mixed.json()[0] is None


def test_a_batch_of_unknown_ids_is_not_found_and_the_rest_is_printed(
    runner: CliRunner, seeded: Any
) -> None:
    assert run(runner, "paper", "2308.06744", "-f", "json").exit_code == 0  # now cached
    seeded.reset_log()
    result = run(runner, "paper", "2308.06744", UNKNOWN, "-f", "json")
    assert result.exit_code == 3, result.stderr
    assert [p["paper_id"] for p in json.loads(result.stdout)["papers"]] == [TSLD]
    assert f"error: not found: '{UNKNOWN}'" in result.stderr
    assert seeded.count("s2", "/paper/batch") == 1  # asked once, not retried


def test_novelty_of_unknown_papers_only_is_not_found(runner: CliRunner, seeded: Any) -> None:
    result = run(runner, "novelty", "10.9999/none", UNKNOWN)
    assert result.exit_code == 3, result.stderr
    assert "knows none of" in result.stderr and "HTTP 400" not in result.stderr


# -- a host that does not resolve ------------------------------------------------------------


def dns_failure() -> requests.ConnectionError:
    """The exception chain requests raises when a host name does not resolve."""
    pool = urllib3.HTTPConnectionPool("no-such-host.invalid")
    conn = urllib3.connection.HTTPConnection("no-such-host.invalid")
    resolution = urllib3.exceptions.NameResolutionError(
        "no-such-host.invalid", conn, OSError("Name or service not known")
    )
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(pool, "/x", reason=resolution))


class Failing:
    """A session whose every request fails with ``error``; counts the attempts."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0
        self.headers: dict[str, str] = {}

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        raise self.error

    def close(self) -> None:
        pass


def client(session: Failing) -> HttpClient:
    slept: list[float] = []
    return HttpClient(
        "Semantic Scholar",
        timeout=5,
        limiter=RateLimiter(0, None, "s2"),
        policy=RetryPolicy(max_attempts=6, backoff_base=2.0, max_retry_time=90),
        session=session,  # type: ignore[arg-type]
        sleep=slept.append,
    )


def test_a_dns_failure_is_final_at_once() -> None:
    session = Failing(dns_failure())
    with pytest.raises(SourceError) as caught:
        client(session).request("GET", "http://no-such-host.invalid/x", lambda r: r)
    assert session.calls == 1
    assert "cannot resolve the host name no-such-host.invalid" in caught.value.message
    assert "--offline" not in (caught.value.hint or "")


def test_refused_connections_are_still_retried() -> None:
    session = Failing(requests.ConnectionError("[Errno 111] Connection refused"))
    with pytest.raises(SourceError):
        client(session).request("GET", "http://127.0.0.1:9/x", lambda r: r)
    assert session.calls == 6
    assert not name_not_resolved(requests.ConnectionError("[Errno 111] Connection refused"))
    assert name_not_resolved(dns_failure())


def test_scholar_on_an_unresolvable_host_fails_in_seconds(runner: CliRunner) -> None:
    env = {"SCHOLAR_S2_URL": "http://no-such-host.invalid/graph/v1", "SCHOLAR_BACKOFF_BASE": "2"}
    started = time.monotonic()
    result = run(runner, "author", "Jane Roe", env=env)
    elapsed = time.monotonic() - started
    assert result.exit_code == 4, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: Semantic Scholar: cannot resolve the host name")
    assert "attempts" not in lines[0] and "retrying" not in result.stderr
    assert "--offline" not in result.stderr  # the cache is empty: it could not answer
    assert elapsed < 30  # one failed lookup, not 40 s of backoff (loose: a loaded machine)


def test_offline_is_suggested_only_when_the_cache_holds_something(
    runner: CliRunner, seeded: Any, monkeypatch: pytest.MonkeyPatch, scholar_home: Path
) -> None:
    closed = {"SCHOLAR_S2_URL": "http://127.0.0.1:9/graph/v1", "SCHOLAR_MAX_ATTEMPTS": "2"}
    empty = run(runner, "author", seed.NAME, env=closed)
    assert empty.exit_code == 4 and "could not be reached" in empty.stderr
    assert "--offline" not in empty.stderr
    assert run(runner, "author", seed.NAME, "-f", "json").exit_code == 0
    full = run(runner, "author", "Someone Else", env=closed)
    assert full.exit_code == 4
    assert "answer from the cache with --offline" in full.stderr


# -- paper --citations with arXiv down -------------------------------------------------------


def test_citations_with_arxiv_down_is_partial_with_an_error_line(
    runner: CliRunner, seeded: Any
) -> None:
    seeded.inject("arxiv.query", "5xx", times=100, status=503)
    result = run(
        runner,
        "paper",
        "2308.06744",
        "--citations",
        "-f",
        "json",
        env={"SCHOLAR_MAX_ATTEMPTS": "2"},
    )
    assert result.exit_code == 5, result.stderr
    assert json.loads(result.stdout) is not None  # the citations are still printed
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors and "arXiv could not be reached" in errors[-1]


def test_a_paper_lookup_with_arxiv_down_says_what_is_missing(
    runner: CliRunner, seeded: Any
) -> None:
    seeded.inject("arxiv.query", "5xx", times=100, status=503)
    result = run(runner, "paper", "2308.06744", "-f", "json", env={"SCHOLAR_MAX_ATTEMPTS": "2"})
    assert result.exit_code == 5
    assert result.stderr.strip().splitlines()[-2].startswith("error: arXiv could not be reached")


def test_a_dataset_file_host_that_does_not_resolve_is_final_at_once(tmp_path: Path) -> None:
    from scholarcli.sources.datasets import ShardDownloader

    session = Failing(dns_failure())
    session.get = session.request  # type: ignore[attr-defined]
    with pytest.raises(SourceError) as caught:
        ShardDownloader(client(session)).fetch(
            lambda refresh: "https://no-such-host.invalid/f?X-Amz-Signature=s", tmp_path / "f"
        )
    assert session.calls == 1 and "cannot resolve the host name" in caught.value.message
    assert "Signature" not in caught.value.message
