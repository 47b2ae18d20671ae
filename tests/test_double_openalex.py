"""The OpenAlex double against the real API: recorded bodies, errors, caps and quirks.

Where a recorded response exists (skipped when the recordings are absent) the double
must answer the same way; the rest follows docs/sources.md (from OpenAlex's server and
proxy code): OR caps, paging caps, both cursor end signals, the 100-author cut and trap,
credits per request class, 301 for merged ids.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from double import ApiDouble
from double.openalex_store import OAAuthor, OAWork

OA = "openalex"


def vcr(fixtures_dir: Path, name: str) -> list[dict[str, Any]]:
    path = fixtures_dir / OA / "openalexPro" / "vcr" / name
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["http_interactions"])


def get(double: ApiDouble, path: str, **params: Any) -> requests.Response:
    return requests.get(
        double.openalex_url + path, params=params, timeout=10, allow_redirects=False
    )


@pytest.fixture
def world(api_double: ApiDouble) -> ApiDouble:
    store = api_double.openalex
    store.add_author(OAAuthor("A1", "Jane Doe", orcid="0000-0002-1825-0097"))
    for i in range(30):
        store.add_work(OAWork(f"W{100 + i}", f"Paper {i}", 2020, [("A1", "Jane Doe")]))
    crowd = [(f"A{1000 + j}", f"Member {j}") for j in range(100)]
    store.add_work(OAWork("W900", "Consortium A", 2021, [*crowd, ("A1", "Jane Doe")]))
    store.add_work(OAWork("W901", "Consortium B", 2021, [("A1", "Jane Doe"), *crowd]))
    return api_double


def test_select_error_matches_the_recording(world: ApiDouble, fixtures_dir: Path) -> None:
    recorded = vcr(fixtures_dir, "opt_select_fields.yml")[0]["response"]
    mine = get(world, "/works/W100", select="DOESNTEXIST")
    assert mine.status_code == recorded["status"] == 400
    assert mine.json() == json.loads(recorded["body"]["string"])


def test_filter_error_has_the_recorded_shape(world: ApiDouble, fixtures_dir: Path) -> None:
    recorded = json.loads(
        vcr(fixtures_dir, "opt_filter_names.yml")[0]["response"]["body"]["string"]
    )
    mine = get(world, "/works", filter="DOESNTEXIST:1")
    assert mine.status_code == 400
    assert mine.json()["error"] == recorded["error"]
    prefix = (
        "DOESNTEXIST is not a valid field. Valid fields are underscore or hyphenated versions of: "
    )
    assert recorded["message"].startswith(prefix) and mine.json()["message"].startswith(prefix)
    assert mine.headers["X-RateLimit-Credits-Used"] == "1"  # a 400 still costs a credit


def test_401_is_the_recorded_body(world: ApiDouble, fixtures_dir: Path) -> None:
    recorded = vcr(fixtures_dir, "pro_rate_limit_status_401.yml")[0]["response"]
    mine = get(world, "/works/W100", api_key="not-a-key")
    assert mine.status_code == 401
    assert mine.content == recorded["body"]["string"].encode("utf-8")


def test_rate_limit_headers_are_the_recorded_ones(world: ApiDouble, fixtures_dir: Path) -> None:
    recorded = vcr(fixtures_dir, "api_call_200.yml")[0]["response"]["headers"]
    names = {n.lower() for n in recorded if n.lower().startswith("x-ratelimit-")}
    mine = get(world, "/works/W100")
    assert {n.lower() for n in mine.headers if n.lower().startswith("x-ratelimit-")} == names
    assert mine.headers["X-RateLimit-Credits-Used"] == "0"  # singletons are free
    assert 0 < int(mine.headers["X-RateLimit-Reset"]) <= 86_400  # seconds to midnight UTC


def test_recorded_work_is_served_verbatim(api_double: ApiDouble, fixtures_dir: Path) -> None:
    path = fixtures_dir / OA / "openalex-python" / "data" / "W2741809807.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    api_double.openalex.add_recorded_work(record)
    assert get(api_double, "/works/W2741809807").json() == record


def test_old_style_cursor_end_matches_the_recording(world: ApiDouble, fixtures_dir: Path) -> None:
    recorded = json.loads(
        (fixtures_dir / OA / "openalexPro" / "keypaper_json" / "results_page_2.json").read_text()
    )
    world.openalex.cursor_end = "empty_after"
    first = get(world, "/works", filter="author.id:A1", per_page=200, cursor="*").json()
    assert first["meta"]["next_cursor"] is not None  # a short last page still has a cursor
    end = get(
        world, "/works", filter="author.id:A1", per_page=200, cursor=first["meta"]["next_cursor"]
    )
    assert end.json()["results"] == recorded["results"] == []
    assert end.json()["meta"]["next_cursor"] is recorded["meta"]["next_cursor"] is None
    assert set(end.json()["meta"]) == set(recorded["meta"])
    assert set(end.json()) == set(recorded)


def test_new_style_cursor_end_is_null_on_the_last_page(world: ApiDouble) -> None:
    page = get(world, "/works", filter="author.id:A1", per_page=200, cursor="*").json()
    assert page["meta"]["next_cursor"] is None and page["meta"]["page"] is None
    assert len(page["results"]) == 31  # W900 is missing: the trap (next test)


def test_author_filter_misses_works_past_position_100(world: ApiDouble) -> None:
    ids = {
        r["id"]
        for r in get(world, "/works", filter="authorships.author.id:A1", per_page=100).json()[
            "results"
        ]
    }
    assert "https://openalex.org/W901" in ids and "https://openalex.org/W900" not in ids
    swept = get(
        world, "/works", filter="raw_author_name.search:Jane Doe,authors_count:>100", per_page=100
    )
    assert {r["id"] for r in swept.json()["results"]} == {
        "https://openalex.org/W900",
        "https://openalex.org/W901",
    }
    assert swept.headers["X-RateLimit-Credits-Used"] == "10"  # a .search filter is a search


def test_list_pages_cut_authorships_at_100(world: ApiDouble) -> None:
    listed = get(
        world, "/works", filter="openalex:W901", select="id,authorships,is_authors_truncated"
    ).json()
    work = listed["results"][0]
    assert len(work["authorships"]) == 100 and work["is_authors_truncated"] is True
    single = get(world, "/works/W901").json()
    assert len(single["authorships"]) == 101 and "is_authors_truncated" not in single


def test_or_filter_cap(world: ApiDouble) -> None:
    ok = get(world, "/works", filter="openalex:" + "|".join(f"W{i}" for i in range(100)))
    assert ok.status_code == 200
    over = get(world, "/works", filter="openalex:" + "|".join(f"W{i}" for i in range(101)))
    assert over.status_code == 400
    assert over.json()["message"].startswith("Maximum number of values exceeded for openalex.")


def test_basic_paging_cap_and_cursor_errors(world: ApiDouble) -> None:
    capped = get(world, "/works", page=51, per_page=200)
    assert capped.status_code == 400 and "Cursor pagination is required" in capped.json()["message"]
    assert get(world, "/works", page=50, per_page=200).status_code == 200
    assert (
        get(world, "/works", per_page=201).json()["message"]
        == "per-page parameter must be between 1 and 200."
    )
    assert get(world, "/works", cursor="null").json()["message"].startswith("Cursor is null")
    assert get(world, "/works", cursor="%%%").json()["message"] == "Invalid cursor value"
    assert (
        get(world, "/works", cursor="*", page=2).json()["message"]
        == "Cannot use page parameter with cursor."
    )
    unknown = get(world, "/works", limit=5)
    assert (
        unknown.status_code == 400 and "limit is not a valid parameter" in unknown.json()["message"]
    )


def test_merged_id_answers_301(world: ApiDouble) -> None:
    world.openalex.merge("W7", "W100")
    moved = get(world, "/works/W7")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/openalex/works/W100")


def test_paid_only_filter_is_refused(world: ApiDouble) -> None:
    refused = get(world, "/works", filter="from_updated_date:2026-01-01")
    assert refused.status_code == 403 and refused.json()["error"] == "Plan upgrade required"


def test_budget_is_metered_and_runs_out(world: ApiDouble) -> None:
    pool = world.openalex.pool(None)
    pool.used = pool.limit - 1
    assert get(world, "/works", filter="author.id:A1").status_code == 200
    spent = get(world, "/works", filter="author.id:A1")
    assert spent.status_code == 429
    assert spent.json()["message"].startswith("Insufficient budget")
    assert int(spent.headers["Retry-After"]) > 60
    assert get(world, "/works/W100").status_code == 200  # free requests still pass


def test_keys_have_their_own_budget(world: ApiDouble) -> None:
    world.openalex.keys["good"] = 10_000
    answer = get(world, "/works", filter="author.id:A1", api_key="good")
    assert answer.headers["X-RateLimit-Limit"] == "10000"
    assert get(world, "/works", filter="author.id:A1").headers["X-RateLimit-Limit"] == "1000"


def test_fault_switch(world: ApiDouble) -> None:
    world.inject("openalex.works", "429", delay=0.5)
    throttled = get(world, "/works")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "0.5"
    assert throttled.headers["X-RateLimit-Remaining"] == "0"  # as the proxy sends it
    assert "requests per second" in throttled.json()["message"]
    world.inject("openalex.works", "malformed")
    with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
        get(world, "/works").json()
    world.inject("openalex.work", "budget")
    assert get(world, "/works/W100").json()["message"].startswith("Insufficient budget")
    with pytest.raises(ValueError, match="does not apply"):
        world.inject("openalex.works", "billion_laughs")


def test_fault_switch_errors(world: ApiDouble) -> None:
    world.inject("openalex.works", "5xx", times=4)
    statuses = [get(world, "/works").status_code for _ in range(4)]
    assert statuses == [500, 502, 503, 504]
    world.inject("openalex.author", "401")
    denied = get(world, "/authors/A1")
    assert denied.status_code == 401 and denied.json()["error"] == "Invalid or missing API key"
    world.inject("openalex.works", "truncated")
    cut = requests.get(world.openalex_url + "/works", timeout=10, stream=True)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        cut.content  # noqa: B018 - reading the body is the test
