"""``scholar refresh`` against the loopback double: what it asks, and how it fails.

Request counts come from the double's request log. The subprocess tests (a kill mid-run,
two runs at once) are marked ``slow``; each takes a few seconds at most.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import refresh_helpers as helpers
import seed
from scholarcli.cli import app

AS_OF = "2026-11-27"


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


@pytest.fixture
def people(double_env) -> list[str]:  # type: ignore[no-untyped-def]
    """Five synthetic people (5-9 papers each), tracked by id, not yet refreshed."""
    ids = helpers.add_people(double_env, 5)
    helpers.track_directly(ids)
    return ids


def refresh_json(runner: CliRunner, *args: str) -> dict:  # type: ignore[type-arg]
    result = run(runner, "refresh", "-f", "json", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def first_paper(double, author_id: str) -> str:  # type: ignore[no-untyped-def]
    return double.store.author_papers(author_id)[0].paper_id


def test_first_refresh_then_an_immediate_second_one(runner: CliRunner, double_env, people) -> None:  # type: ignore[no-untyped-def]
    first = refresh_json(runner)
    assert first["refreshed"] == [f"person {i:04d}" for i in range(5)]
    # One count check, then each list once (5-9 papers: one page each).
    assert helpers.requests_by_route(double_env)[0] == "POST /author/batch"
    assert sorted(helpers.list_requests(double_env)) == people
    assert double_env.count("s2") == 1 + len(people)
    arxiv_ids = {
        p.arxiv_id for i in people for p in double_env.store.author_papers(i) if p.arxiv_id
    }
    assert set(helpers.arxiv_ids_asked(double_env)) == arxiv_ids
    assert double_env.count("arxiv") == math.ceil(len(arxiv_ids) / 100)

    double_env.reset_log()
    second = refresh_json(runner)
    assert second["unchanged"] == first["refreshed"] and second["refreshed"] == []
    assert double_env.count("s2") <= math.ceil(len(people) / 1000)
    assert helpers.requests_by_route(double_env) == ["POST /author/batch"]
    assert double_env.count("arxiv") == 0
    assert second["requests"] == {"semantic_scholar": 1, "arxiv": 0}


def test_only_the_person_whose_citations_changed_is_fetched(
    runner: CliRunner, double_env, people
) -> None:  # type: ignore[no-untyped-def]
    refresh_json(runner)
    double_env.set_citations(first_paper(double_env, people[2]), 5000)
    double_env.reset_log()
    summary = refresh_json(runner)
    assert summary["refreshed"] == ["person 0002"]
    assert helpers.requests_by_route(double_env) == [
        "POST /author/batch",
        f"GET /author/{people[2]}/papers",
    ]
    assert double_env.count("arxiv") == 0
    changed = next(p for p in summary["people"] if p["key"] == "person 0002")
    assert changed["fetched"] == "list" and changed["citations_change"] > 0


def test_a_search_that_rewrote_the_author_row_does_not_hide_a_change(
    runner: CliRunner, double_env, people
) -> None:  # type: ignore[no-untyped-def]
    refresh_json(runner)
    double_env.set_citations(first_paper(double_env, people[1]), 6000)
    # `scholar find` stores S2's new counts in the author row without reading the list.
    assert run(runner, "find", "Person 0001", "-f", "json").exit_code == 0
    double_env.reset_log()
    summary = refresh_json(runner)
    assert summary["refreshed"] == ["person 0001"]
    assert helpers.list_requests(double_env) == [people[1]]


def test_several_people_gaining_citations_share_one_paper_batch(
    runner: CliRunner, double_env, people
) -> None:  # type: ignore[no-untyped-def]
    refresh_json(runner)
    for author_id in people[:3]:
        double_env.set_citations(first_paper(double_env, author_id), 4321)
    double_env.reset_log()
    summary = refresh_json(runner)
    # Three lists would cost 3 requests; their ~20 known papers fit one /paper/batch.
    assert helpers.requests_by_route(double_env) == ["POST /author/batch", "POST /paper/batch"]
    asked = helpers.batch_ids(double_env, "/paper/batch")[0]
    assert len(asked) == sum(len(double_env.store.author_papers(i)) for i in people[:3])
    assert summary["refreshed"] == ["person 0000", "person 0001", "person 0002"]
    # The numbers are those `scholar author` computes from the same cache.
    for index, author_id in enumerate(people[:3]):
        profile = run(runner, "author", "--id", author_id, "-f", "json", "--as-of", AS_OF)
        author = json.loads(profile.stdout)["author"]
        result = next(p for p in summary["people"] if p["key"] == f"person {index:04d}")
        assert (result["papers"], result["citations"], result["h_index"]) == (
            author["paper_count"],
            author["citation_count"],
            author["h_index"],
        )
    double_env.reset_log()
    assert refresh_json(runner)["refreshed"] == []  # the batch made the cache current
    assert double_env.count("s2") == 1


def test_a_new_paper_is_added_and_only_its_arxiv_id_is_asked(
    runner: CliRunner, double_env, people, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    refresh_json(runner)
    author_id = people[1]
    double_env.add_paper(
        "9" * 40,
        title="A brand new preprint",
        year=2026,
        authors=[(author_id, "Person 0001")],
        citation_count=2,
        arxiv_id="2611.00042",
    )
    double_env.add_arxiv(
        "2611.00042",
        title="A brand new preprint",
        abstract="Code: https://github.com/x/new",
        authors=["Person 0001"],
        published="2026-11-20",
        primary_category="cs.CL",
    )
    before = helpers.latest_numbers(scholar_home)["person 0001"]
    double_env.reset_log()
    summary = refresh_json(runner)
    assert helpers.list_requests(double_env) == [author_id]
    assert helpers.arxiv_ids_asked(double_env) == ["2611.00042"]
    result = next(p for p in summary["people"] if p["key"] == "person 0001")
    assert (result["papers"], result["citations_change"]) == (before[0] + 1, 2)


def test_max_age_and_all_fetch_every_list_again(runner: CliRunner, double_env, people) -> None:  # type: ignore[no-untyped-def]
    refresh_json(runner)
    double_env.reset_log()
    assert len(refresh_json(runner, "--all")["refreshed"]) == len(people)
    assert sorted(helpers.list_requests(double_env)) == people
    double_env.reset_log()
    assert len(refresh_json(runner, "--max-age", "0")["refreshed"]) == len(people)
    assert double_env.count("arxiv") == 0  # arXiv answered every id the first time


def test_a_429_storm_is_ridden_out(runner: CliRunner, double_env, people) -> None:  # type: ignore[no-untyped-def]
    double_env.inject("s2.author_papers", "429", times=4)
    summary = refresh_json(runner)
    assert len(summary["refreshed"]) == len(people)
    assert double_env.count("s2", "/author/" + people[0]) == 5  # 4 refusals, then the list


def test_a_429_storm_past_the_retries_fails_that_person_cleanly(
    runner: CliRunner, double_env, people, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    refresh_json(runner)
    for author_id in people:  # a new paper each: every list is fetched again
        double_env.add_paper(
            f"{author_id:0>40}",
            title="New",
            year=2026,
            authors=[(author_id, "X")],
            citation_count=1,
        )
    before = helpers.latest_numbers(scholar_home)
    double_env.inject("s2.author_papers", "429", times=2)
    result = run(
        runner, "refresh", "-f", "json", "--as-of", AS_OF, env={"SCHOLAR_MAX_ATTEMPTS": "2"}
    )
    assert result.exit_code == 5, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "partial"
    assert [f["person"] for f in summary["failed"]] == ["person 0000"]
    assert "HTTP 429" in summary["failed"][0]["reason"]
    lines = result.stderr.strip().splitlines()
    assert lines[-2].startswith("error: 1 of 5 tracked people could not be refreshed")
    assert lines[-1].startswith("hint: ")
    assert any(
        line.startswith("warning: person 0000: Semantic Scholar: HTTP 429") for line in lines
    )
    assert helpers.consistency_problems(scholar_home) == []
    after = helpers.latest_numbers(scholar_home)
    assert after["person 0000"] == before["person 0000"]  # untouched, not half-updated
    assert all(after[k][1] != before[k][1] for k in after if k != "person 0000")
    tracked = json.loads(run(runner, "tracked", "-f", "json").stdout)["tracked"]
    assert tracked[0]["status"].startswith("failed: Semantic Scholar: HTTP 429")
    double_env.reset_log()
    again = refresh_json(runner)  # the next run picks up what failed
    assert again["refreshed"] == ["person 0000"] and again["status"] == "ok"


def test_s2_failing_for_everyone_stops_early_and_exits_4(
    runner: CliRunner, double_env, people
) -> None:  # type: ignore[no-untyped-def]
    double_env.inject("s2.author_papers", "5xx", times=100, status=503)
    result = run(runner, "refresh", "-f", "json", env={"SCHOLAR_MAX_ATTEMPTS": "1"})
    assert result.exit_code == 4, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "unavailable" and len(summary["failed"]) == len(people)
    assert sum("not attempted" in f["reason"] for f in summary["failed"]) == len(people) - 3
    assert double_env.count("s2", "/author/7") == 3  # gave up after three people in a row
    assert (
        result.stderr.strip()
        .splitlines()[-2]
        .startswith("error: no tracked person could be refreshed: Semantic Scholar: HTTP 503")
    )


def test_s2_unreachable_exits_4_with_one_error_line(runner: CliRunner, double_env, people) -> None:  # type: ignore[no-untyped-def]
    double_env.inject("*", "5xx", times=100)
    result = run(runner, "refresh", "--quiet", env={"SCHOLAR_MAX_ATTEMPTS": "2"})
    assert result.exit_code == 4
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert double_env.count("arxiv") == 0


def test_a_vanished_author_is_reported_and_the_run_goes_on(
    runner: CliRunner, double_env, people, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    refresh_json(runner)
    double_env.remove_author(people[3])
    double_env.set_citations(first_paper(double_env, people[4]), 777)
    result = run(runner, "refresh", "-f", "json")
    assert result.exit_code == 5, result.stderr
    summary = json.loads(result.stdout)
    assert summary["failed"] == [
        {
            "person": "person 0003",
            "reason": f"S2 author {people[3]} no longer exists; run scholar track "
            '"Person 0003" again or untrack',
        }
    ]
    assert summary["refreshed"] == ["person 0004"]
    assert f"warning: person 0003: S2 author {people[3]} no longer exists" in result.stderr
    assert helpers.consistency_problems(scholar_home) == []


def test_arxiv_down_is_partial_and_the_next_run_asks_again(
    runner: CliRunner, double_env, people
) -> None:  # type: ignore[no-untyped-def]
    double_env.inject("arxiv.query", "5xx", times=100)
    result = run(runner, "refresh", "-f", "json", env={"SCHOLAR_MAX_ATTEMPTS": "1"})
    assert result.exit_code == 5, result.stderr
    assert "error: arXiv could not be reached" in result.stderr
    summary = json.loads(result.stdout)
    assert len(summary["refreshed"]) == len(people)  # S2's numbers are in
    assert double_env.count("arxiv") == 1  # one failure, then no more asking this run
    double_env.clear_faults()
    double_env.reset_log()
    again = refresh_json(runner)
    assert again["refreshed"] == [] and double_env.count("arxiv") >= 1


def test_history_across_two_refreshes_with_a_citation_change(
    runner: CliRunner, double_env, people
) -> None:  # type: ignore[no-untyped-def]
    day1 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    helpers.refresh_at(day1)
    changed = first_paper(double_env, people[0])
    old = double_env.store.papers[changed].citation_count
    double_env.set_citations(changed, old + 50)
    assert helpers.refresh_at(day1 + timedelta(days=1)).status == "ok"
    rows = json.loads(run(runner, "history", "Person 0000", "-f", "json").stdout)["history"]
    assert [r["taken_at"][:10] for r in rows] == ["2026-11-26", "2026-11-27"]
    assert rows[1]["citations"] - rows[0]["citations"] == 50
    assert {"h_index", "g_index", "i10_index", "m_quotient", "as_of"} <= set(rows[0])
    # An unchanged person keeps one point; the run that found it unchanged is recorded.
    unchanged = json.loads(run(runner, "history", "Person 0001", "-f", "json").stdout)
    assert [r["checked_at"] for r in unchanged["history"]] == ["2026-11-27T03:00:00+00:00"]
    # Paper snapshots: first seen, then only on change.
    paper = json.loads(run(runner, "history", "--paper", changed, "-f", "json").stdout)["history"]
    assert [p["citations"] for p in paper] == [old, old + 50]
    other = double_env.store.author_papers(people[0])[1].paper_id
    assert (
        len(json.loads(run(runner, "history", "--paper", other, "-f", "json").stdout)["history"])
        == 1
    )
    table = run(runner, "history", "Person 0000", "-f", "table", env={"COLUMNS": "120"})
    assert "citations" in table.stdout and "h-index" in table.stdout
    assert "(+50) since 2026-11-26" in table.stdout
    assert any(ch in table.stdout for ch in "▁▂▃▄▅▆▇█")


def test_snapshot_metrics_agree_with_scholar_author(runner: CliRunner, double_env) -> None:  # type: ignore[no-untyped-def]
    seed.load(double_env)
    assert run(runner, "track", "Du-Seong Chang").exit_code == 0
    refresh_json(runner)
    rows = json.loads(run(runner, "history", "Du-Seong Chang", "-f", "json").stdout)["history"]
    author = json.loads(
        run(runner, "author", "Du-Seong Chang", "-f", "json", "--as-of", AS_OF).stdout
    )["author"]
    assert (rows[-1]["papers"], rows[-1]["citations"], rows[-1]["h_index"]) == (9, 753, 5)
    for key, value in author.items():
        if key in rows[-1] and key not in ("as_of",):
            assert rows[-1][key] == value, key


def test_an_id_shared_by_two_tracked_people_is_fetched_once(runner: CliRunner, double_env) -> None:  # type: ignore[no-untyped-def]
    ids = helpers.add_people(double_env, 2)
    assert run(runner, "track", "--id", ids[0], "--label", "A").exit_code == 0
    assert run(runner, "track", "--id", ids[0], "--id", ids[1], "--label", "AB").exit_code == 0
    double_env.reset_log()
    summary = refresh_json(runner)
    assert summary["refreshed"] == ["a", "ab"]
    assert helpers.list_requests(double_env) == ids


# -- subprocesses: kill, concurrency ------------------------------------------------------
def scholar(*args: str) -> list[str]:
    return [sys.executable, "-m", "scholarcli", *args]


def committed_lists(home: Path) -> int:
    conn = helpers.db(home)
    try:
        return int(conn.execute("SELECT count(*) FROM author_fetches").fetchone()[0])
    finally:
        conn.close()


def lock_holder(home: Path) -> int | None:
    """The pid a running refresh wrote next to its lock, if any."""
    try:
        return int((home / "locks" / "refresh.pid").read_text())
    except (OSError, ValueError):
        return None


@pytest.mark.slow
def test_a_refresh_killed_mid_run_leaves_a_sound_cache_and_the_rerun_finishes(
    runner: CliRunner,
    double_env,
    people,
    scholar_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    # The first two lists come back at once; the third hangs until the kill.
    double_env.inject("s2.author_papers", "slow", times=2, delay=0)
    double_env.inject("s2.author_papers", "slow", delay=20)
    proc = subprocess.Popen(
        scholar("refresh", "--quiet", "--as-of", AS_OF),
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # The double logs a request once answered, so watch the cache instead: two lists
        # committed means the third request is under way, and it hangs.
        helpers.wait_until(lambda: committed_lists(scholar_home) == 2, "two committed lists")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert helpers.consistency_problems(scholar_home) == []
    conn = helpers.db(scholar_home)
    assert conn.execute("SELECT status FROM refresh_runs").fetchall() == [("running",)]
    assert conn.execute("SELECT count(*) FROM person_snapshots").fetchone() == (0,)
    conn.close()

    double_env.reset_log()
    rerun = subprocess.run(
        scholar("refresh", "-f", "json", "--as-of", AS_OF),
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    # The two lists committed before the kill are not fetched again.
    assert summary["unchanged"] == ["person 0000", "person 0001"]
    assert sorted(helpers.list_requests(double_env)) == people[2:]
    assert helpers.consistency_problems(scholar_home) == []

    # Same result as a run that was never interrupted, in a fresh SCHOLAR_HOME.
    clean_home = tmp_path / "uninterrupted"
    monkeypatch.setenv("SCHOLAR_HOME", str(clean_home))
    helpers.track_directly(people)
    clean = run(runner, "refresh", "-f", "json", "--as-of", AS_OF)
    assert clean.exit_code == 0, clean.stderr
    assert helpers.latest_numbers(scholar_home) == helpers.latest_numbers(clean_home)


@pytest.mark.slow
def test_a_second_refresh_exits_at_once_while_one_runs(
    double_env, people, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    # Slow enough that the second run starts while the first waits, on a loaded machine too.
    double_env.inject("s2.author_batch", "slow", delay=12)
    env = dict(os.environ, SCHOLAR_TIMEOUT="30")
    first = subprocess.Popen(
        scholar("refresh", "-f", "json"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        helpers.wait_until(lambda: lock_holder(scholar_home) == first.pid, "the first refresh")
        second = subprocess.run(
            scholar("refresh", "-f", "json"), env=env, capture_output=True, text=True, timeout=30
        )
        assert first.poll() is None  # the second one did not wait for the first
    finally:
        out, err = first.communicate(timeout=60)
    # Its own exit status (7, busy), so cron can tell "did nothing" from "done".
    assert second.returncode == 7, second.stderr
    assert second.stderr.startswith(f"error: another scholar refresh is running (pid {first.pid})")
    assert "hint: pass --wait" in second.stderr
    assert json.loads(second.stdout)["status"] == "skipped"
    assert first.returncode == 0, err
    assert len(json.loads(out)["refreshed"]) == len(people)
    assert double_env.count("s2", "/author/batch") == 1  # only the first one asked
    log = (scholar_home / "logs" / "refresh.log").read_text().splitlines()
    assert [json.loads(line)["status"] for line in log] == ["skipped", "ok"]


@pytest.mark.slow
def test_with_wait_the_second_refresh_runs_after_the_first(
    double_env, people, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    double_env.inject("s2.author_batch", "slow", delay=1.5)
    env = dict(os.environ)
    first = subprocess.Popen(
        scholar("refresh", "-f", "json"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        helpers.wait_until(lambda: lock_holder(scholar_home) == first.pid, "the first refresh")
        second = subprocess.run(
            scholar("refresh", "--wait", "-f", "json"),
            env=env,
            capture_output=True,
            text=True,
            timeout=20,
        )
    finally:
        out, err = first.communicate(timeout=20)
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr
    assert len(json.loads(out)["refreshed"]) == len(people)
    waited = json.loads(second.stdout)
    # It ran after the first had finished, so everything was already current.
    assert waited["status"] == "ok" and len(waited["unchanged"]) == len(people)
    assert waited["requests"] == {"semantic_scholar": 1, "arxiv": 0}
    log = [json.loads(line) for line in (scholar_home / "logs" / "refresh.log").open()]
    assert [len(entry["refreshed"]) for entry in log] == [len(people), 0]
