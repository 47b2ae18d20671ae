"""``scholar track|untrack|tracked|refresh|history``: keys, output formats, quiet, log, dry run."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

import refresh_helpers as helpers
import seed
from scholarcli.cli import app


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def tracked_rows(runner: CliRunner) -> list[dict]:  # type: ignore[type-arg]
    result = run(runner, "tracked", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["tracked"]


def test_track_resolves_and_pins_ids_like_scholar_author(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "track", "du-seong CHANG")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    # Stored as S2 spells the name, not as typed; the key is the folded name.
    assert "tracking Du-Seong Chang as 'du seong chang'" in result.stderr
    assert seeded.count("s2", "/author/search") == 1
    assert seeded.count("s2", "/author/") == 1  # no paper list yet: refresh does that
    [row] = tracked_rows(runner)
    assert (row["key"], row["ids"], row["label"]) == ("du seong chang", [seed.AUTHOR_ID], None)
    assert row["last_refresh"] is None and row["papers"] is None


def test_tracking_again_is_idempotent_and_updates_ids(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    seeded.add_author("77", "D. Chang")
    assert run(runner, "track", "Du-Seong Chang").exit_code == 0
    again = run(runner, "track", "Du-Seong Chang")
    assert again.exit_code == 0
    assert "already tracked as 'du seong chang'" in again.stderr
    moved = run(runner, "track", "Du-Seong Chang", "--id", seed.AUTHOR_ID, "--id", "77")
    assert moved.exit_code == 0
    assert f"S2 ids {seed.AUTHOR_ID} -> {seed.AUTHOR_ID}, 77" in moved.stderr
    [row] = tracked_rows(runner)
    assert row["ids"] == [seed.AUTHOR_ID, "77"]


def test_id_only_uses_s2s_name_and_a_label_becomes_the_key(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", "--id", seed.AUTHOR_ID).exit_code == 0
    assert [r["key"] for r in tracked_rows(runner)] == ["du seong chang"]
    assert run(runner, "refresh", "-q").exit_code == 0
    # Labelling the same ids moves the person, history included, to the label's key.
    assert run(runner, "track", "--id", seed.AUTHOR_ID, "--label", "DSC (KT)").exit_code == 0
    [row] = tracked_rows(runner)
    assert (row["key"], row["label"], row["papers"]) == ("dsc kt", "DSC (KT)", 9)
    history = json.loads(run(runner, "history", "dsc-kt", "-f", "json").stdout)["history"]
    assert len(history) == 1


def test_namesakes_need_labels_and_lookups_take_key_name_or_label(
    runner: CliRunner, seeded
) -> None:  # type: ignore[no-untyped-def]
    seeded.add_author("999", "Du-Seong Chang")
    assert run(runner, "track", "Du-Seong Chang", "--label", "KT").exit_code == 0
    assert run(runner, "track", "Du-Seong Chang", "--id", "999", "--label", "Other").exit_code == 0
    assert [r["key"] for r in tracked_rows(runner)] == ["kt", "other"]
    seeded.reset_log()
    ambiguous = run(runner, "refresh", "Du-Seong Chang")
    assert ambiguous.exit_code == 2
    assert "matches 2 tracked people" in ambiguous.stderr and "hint:" in ambiguous.stderr
    assert seeded.count() == 0
    assert run(runner, "untrack", "other").exit_code == 0
    assert [r["key"] for r in tracked_rows(runner)] == ["kt"]
    assert run(runner, "untrack", "nobody").exit_code == 3


def test_refresh_named_people_only_asks_about_them(runner: CliRunner, double_env) -> None:  # type: ignore[no-untyped-def]
    ids = helpers.add_people(double_env, 3)
    helpers.track_directly(ids)
    result = run(runner, "refresh", "Person 0001", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["refreshed"] == ["person 0001"]
    assert helpers.batch_ids(double_env, "/author/batch") == [[ids[1]]]
    assert run(runner, "refresh", "Nobody").exit_code == 3


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "markdown", "table"])
def test_tracked_in_every_format(runner: CliRunner, seeded, fmt: str) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", "Du-Seong Chang", "--label", "DSC").exit_code == 0
    assert run(runner, "refresh", "-q").exit_code == 0
    result = run(runner, "tracked", "-f", fmt, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    if fmt == "csv":
        [row] = list(csv.DictReader(io.StringIO(out)))
        assert (row["label"], row["ids"], row["papers"], row["citations"], row["h_index"]) == (
            "DSC",
            seed.AUTHOR_ID,
            "9",
            "753",
            "5",
        )
        assert row["last_refresh"] and row["status"] == "ok"
    elif fmt == "json":
        assert json.loads(out)["tracked"][0]["citations"] == 753
    elif fmt == "jsonl":
        assert json.loads(out.splitlines()[0])["h_index"] == 5
    else:
        assert "DSC" in out and "753" in out and seed.AUTHOR_ID in out


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "markdown", "table"])
def test_history_in_every_format(runner: CliRunner, seeded, fmt: str) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", "Du-Seong Chang").exit_code == 0
    assert run(runner, "refresh", "-q").exit_code == 0
    result = run(runner, "history", "Du-Seong Chang", "-f", fmt, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    if fmt in ("csv", "json", "jsonl"):
        rows = (
            list(csv.DictReader(io.StringIO(out)))
            if fmt == "csv"
            else json.loads(out)["history"]
            if fmt == "json"
            else [json.loads(line) for line in out.splitlines()]
        )
        assert [str(rows[0][k]) for k in ("papers", "citations", "h_index", "g_index")] == [
            "9",
            "753",
            "5",
            "9",
        ]
        assert rows[0]["taken_at"] and "hc_index" in rows[0]  # every metric, not a subset
    else:
        assert "753" in out and "h_index" in out and "taken_at" not in out
        assert ("(+0) since " in out) == (fmt == "table")  # the chart is for terminals


def test_quiet_prints_nothing_when_all_went_well(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", "Du-Seong Chang").exit_code == 0
    for _ in range(2):
        result = run(runner, "refresh", "--quiet")
        assert result.exit_code == 0
        assert (result.stdout, result.stderr) == ("", "")


def test_quiet_still_explains_a_failure(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", "Du-Seong Chang").exit_code == 0
    seeded.remove_author(seed.AUTHOR_ID)
    result = run(runner, "refresh", "--quiet")
    assert result.exit_code == 5  # vanished, not unreachable: partial
    assert result.stdout == ""
    assert f"warning: du seong chang: S2 author {seed.AUTHOR_ID} no longer exists" in result.stderr


def test_json_summary_fields(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", "Du-Seong Chang").exit_code == 0
    result = run(runner, "refresh", "-f", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {
        "status",
        "refreshed",
        "unchanged",
        "failed",
        "requests",
        "duration_seconds",
        "started_at",
        "finished_at",
        "people",
    } <= set(summary)
    assert summary["status"] == "ok"
    assert summary["refreshed"] == ["du seong chang"] and summary["failed"] == []
    assert summary["requests"] == {"semantic_scholar": 2, "arxiv": 1}
    assert summary["finished_at"] >= summary["started_at"]
    assert isinstance(summary["duration_seconds"], float)
    [person] = summary["people"]
    assert (person["papers"], person["citations"], person["h_index"]) == (9, 753, 5)
    # The human view goes to stderr, the data to stdout.
    assert "1 refreshed, 0 unchanged, 0 failed" in result.stderr


def test_every_run_appends_one_private_log_line_without_the_key(
    runner: CliRunner, seeded, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    key = "sk-TEST-do-not-log-me"
    env = {"SEMANTIC_SCHOLAR_API_KEY": key}
    assert run(runner, "track", "Du-Seong Chang", env=env).exit_code == 0
    for _ in range(2):
        assert run(runner, "--debug", "refresh", "-q", env=env).exit_code == 0
    log = scholar_home / "logs" / "refresh.log"
    lines = log.read_text().splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["ok", "ok"]
    assert json.loads(lines[1])["unchanged"] == ["du seong chang"]
    assert "people" not in json.loads(lines[1])  # the snapshots hold per-person numbers
    assert key not in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    lock = scholar_home / "locks" / "refresh.lock"
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    assert all(r.headers.get("x-api-key") == key for r in seeded.requests if r.source == "s2")


def test_dry_run_asks_nothing_and_writes_nothing(
    runner: CliRunner, seeded, scholar_home: Path
) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", "Du-Seong Chang").exit_code == 0
    seeded.reset_log()
    result = run(runner, "refresh", "--dry-run", "-f", "json")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["plan"]
    assert (row["action"], row["list_requests"]) == ("fetch list", 1)
    assert "never fetched" in row["reason"]
    assert "made no request, wrote nothing" in result.stderr
    assert seeded.count() == 0
    assert not (scholar_home / "logs").exists()
    assert run(runner, "refresh", "-q").exit_code == 0
    seeded.set_citations(seed.PAPERS[0].paper_id, 1000)
    seeded.reset_log()
    unknown = json.loads(run(runner, "refresh", "--dry-run", "-f", "json").stdout)["plan"]
    assert unknown[0]["action"] == "check counts"
    checked = json.loads(run(runner, "refresh", "--dry-run", "--check", "-f", "json").stdout)[
        "plan"
    ]
    assert checked[0]["action"] == "fetch list"
    assert "citations 753 -> 1713" in checked[0]["reason"]
    assert helpers.requests_by_route(seeded) == ["POST /author/batch"]
    conn = helpers.db(scholar_home)
    assert conn.execute("SELECT count(*) FROM person_snapshots").fetchone() == (1,)
    conn.close()


def test_history_of_an_untracked_person_stays_readable(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "track", "Du-Seong Chang").exit_code == 0
    assert run(runner, "refresh", "-q").exit_code == 0
    untracked = run(runner, "untrack", "Du-Seong Chang")
    assert "history stays" in untracked.stderr
    rows = list(csv.DictReader(io.StringIO(run(runner, "history", "Du-Seong Chang").stdout)))
    assert [(r["papers"], r["citations"], r["h_index"]) for r in rows] == [("9", "753", "5")]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["history"], 2, "give a tracked person's name or --paper"),
        (["history", "X", "--paper", "p"], 2, "give a tracked person's name or --paper"),
        (["history", "Nobody"], 3, "'Nobody' is not tracked"),
        (["history", "--paper", "nope"], 2, "--paper 'nope' is not a paper id"),
        (["refresh", "--check"], 2, "--check only goes with --dry-run"),
        (["refresh", "--max-age", "soon"], 2, "--max-age"),
        (["track", "X", "--label", "!!"], 2, "label is empty"),
        (["track"], 2, "give a name or at least one --id"),
    ],
)
def test_bad_input(runner: CliRunner, seeded, args: list[str], status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, *args)
    assert result.exit_code == status, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_refresh_with_nobody_tracked_asks_nothing(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "refresh", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["tracked"] == 0
    assert "nobody is tracked yet" in result.stderr
    assert seeded.count() == 0
