"""The OpenAlex client: parsing real records, paging, caps, the 100-author trap, faults.

Parsing runs on recorded responses (skipped when they are absent); the rest
runs against the loopback double, whose fidelity tests/test_double_openalex.py checks.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from double import ApiDouble
from double.openalex_store import OAAuthor, OAWork
from scholarcli.errors import ExitStatus, SourceError
from scholarcli.sources import openalex
from scholarcli.sources.http import HttpClient, RateLimiter, RetryPolicy
from scholarcli.sources.openalex import OpenAlex

KEY = "s3cr3t-KEY-value"


def client(double: ApiDouble, key: str | None = None, attempts: int = 4) -> OpenAlex:
    http = HttpClient(
        "OpenAlex",
        timeout=5,
        limiter=RateLimiter(0, None, "openalex"),
        policy=RetryPolicy(max_attempts=attempts, backoff_base=0),
        follow_redirects=True,
        budget_hint=openalex.BUDGET_HINT_KEYED if key else openalex.BUDGET_HINT_KEYLESS,
    )
    return OpenAlex(http, double.openalex_url, key)


def data(fixtures_dir: Path, name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((fixtures_dir / "openalex" / "openalex-python" / "data" / name).read_text())


# ------------------------------------------------------------------ parsing
def test_parse_recorded_work(fixtures_dir: Path) -> None:
    paper = openalex.parse_work(data(fixtures_dir, "W2741809807.json"))
    assert paper.paper_id == paper.openalex_id == "W2741809807"
    assert paper.doi == "10.7717/peerj.4375"
    assert paper.venue == "PeerJ" and paper.year == 2018
    assert paper.fwci == pytest.approx(76.282)
    assert paper.citation_normalized_percentile == pytest.approx(0.999768)
    assert paper.is_retracted is False
    assert paper.influential_citations is None  # OpenAlex has no such count: null, not 0
    assert paper.authors[0].name == "Heather Piwowar"
    assert paper.authors[0].author_id == "A5048491430"
    assert paper.abstract is not None and paper.abstract.split()[0] == "Despite"
    assert paper.counts_by_year and max(paper.counts_by_year) == 2025


def test_parse_recorded_author_and_tombstone(fixtures_dir: Path) -> None:
    author = openalex.parse_author(data(fixtures_dir, "A5023888391.json"))
    assert author.author_id == "A5023888391" and author.name == "Jason Priem"
    assert author.orcid is not None and not author.orcid.startswith("http")
    assert author.h_index == 17 and author.i10_index == 20
    assert len(author.institutions) == 8
    assert all(list(i.years) == sorted(i.years, reverse=True) for i in author.institutions)
    assert openalex.is_tombstone(data(fixtures_dir, "A5317838346.json"))


def test_arxiv_id_only_in_locations(fixtures_dir: Path) -> None:
    import yaml

    path = fixtures_dir / "openalex" / "openalexPro" / "vcr" / "oa_snowball.yml"
    found = {}
    for interaction in yaml.safe_load(path.read_text())["http_interactions"]:
        body = json.loads(interaction["response"]["body"]["string"])
        for record in body.get("results") or []:
            paper = openalex.parse_work(record)
            found[paper.paper_id] = paper
    # W2807650837 is arXiv 1806.03537 typed "article"; its DOI is the arXiv DOI.
    assert found["W2807650837"].arxiv_id == "1806.03537"
    assert found["W2807650837"].doi is None
    # A journal version: the journal DOI stays, the arXiv id comes from a location.
    journal = [p for p in found.values() if p.doi and p.arxiv_id]
    assert journal


def test_check_params_refuses_paid_only() -> None:
    for params in (
        {"filter": "from_updated_date:2026-01-01"},
        {"filter": "author.id:A1,to_created_date:2026-01-01"},
        {"sort": "updated_date:desc"},
    ):
        with pytest.raises(ValueError, match="paid plan"):
            openalex.check_params(params)
    openalex.check_params({"filter": "from_publication_date:2020-01-01", "sort": "cited_by_count"})


# ------------------------------------------------------------- against the double
@pytest.fixture
def person(api_double: ApiDouble) -> ApiDouble:
    store = api_double.openalex
    store.add_author(OAAuthor("A1", "Jane Doe", affiliations=[("MIT", None, "US", [2019, 2021])]))
    for i in range(250):
        store.add_work(
            OAWork(f"W{1000 + i}", f"Paper {i}", 2020, [("A1", "Jane Doe")], cited_by_count=i)
        )
    crowd = [(f"A{5000 + j}", f"Member {j}") for j in range(120)]
    store.add_work(
        OAWork("W1", "Consortium past 100", 2021, [*crowd, ("A1", "Jane Doe")], cited_by_count=900)
    )
    store.add_work(
        OAWork("W2", "Consortium first", 2021, [("A1", "Jane Doe"), *crowd], cited_by_count=800)
    )
    store.keys[KEY] = 10_000
    return api_double


@pytest.mark.parametrize("end", ["null_on_last", "empty_after"])
def test_author_works_complete_with_either_cursor_end(person: ApiDouble, end: str) -> None:
    person.openalex.cursor_end = end
    oa = client(person, KEY)
    works = oa.author_works(oa.author("A1"))
    ids = {w.paper_id for w in works.works}
    assert len(ids) == 252 and {"W1", "W2"} <= ids
    assert works.recovered == ["W1"] and works.swept  # found only by the name sweep
    full = next(w for w in works.works if w.paper_id == "W2")
    assert len(full.authors) == 121  # re-read by id: the list page cut it at 100
    pages = [r for r in person.requests if r.path == "/openalex/works" and "cursor" in r.query]
    assert all(int(r.query["per_page"][0]) <= openalex.PER_PAGE for r in pages)
    assert all(r.query["cursor"][0] not in {"null", "None"} for r in pages)
    # 251 listed works at 100 a page: 3 pages whichever end signal the server uses.
    assert sum(1 for r in pages if "authorships.author.id" in r.query["filter"][0]) == 3


def test_no_sweep_when_the_list_is_complete(api_double: ApiDouble) -> None:
    api_double.openalex.add_author(OAAuthor("A1", "Jane Doe"))
    api_double.openalex.add_work(OAWork("W1", "Solo", 2020, [("A1", "Jane Doe")]))
    oa = client(api_double)
    works = oa.author_works(oa.author("A1"))
    assert not works.swept and [w.paper_id for w in works.works] == ["W1"]
    assert all("raw_author_name" not in str(r.query) for r in api_double.requests)


def test_paging_past_10000(api_double: ApiDouble) -> None:
    store = api_double.openalex
    for i in range(10_050):
        store.add_work(OAWork(f"W{i + 1}", None, 2020, [("A9", "Big")]))
    oa = client(api_double)
    seen = [
        r["id"]
        for results, _ in oa.pages("/works", {"filter": "author.id:A9", "select": "id"})
        for r in results
    ]
    assert len(seen) == len(set(seen)) == 10_050


def test_works_by_ids_or_filters_of_100(person: ApiDouble) -> None:
    oa = client(person, KEY)
    ids = [f"W{1000 + i}" for i in range(250)]
    found = oa.works_by_ids(ids)
    assert set(found) == set(ids)
    assert found["W1249"].citations == 249
    calls = [r for r in person.requests if "openalex:" in str(r.query.get("filter"))]
    assert len(calls) == 3
    assert max(len(r.query["filter"][0].split("|")) for r in calls) == 100
    assert all(r.query["select"] == [openalex.COUNT_SELECT] for r in calls)


def test_merged_id_is_followed_with_the_key(person: ApiDouble) -> None:
    person.openalex.merge("W77", "W1001")
    paper = client(person, KEY).work("W77")
    assert paper is not None and paper.paper_id == "W1001"
    hops = [r for r in person.requests if r.path.startswith("/openalex/works/")]
    assert [r.status for r in hops] == [301, 200]
    assert all(r.query["api_key"] == [KEY] for r in hops)  # the key survives the hop


def test_key_never_shown(person: ApiDouble, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="scholarcli")
    person.inject("openalex.works", "5xx", times=10)
    oa = client(person, KEY, attempts=2)
    with pytest.raises(SourceError) as raised:
        oa.author_works(oa.author("A1"))
    error = raised.value
    assert KEY not in error.message and KEY not in error.url and KEY not in (error.hint or "")
    assert "api_key=%2A%2A%2A" in error.url or "api_key=***" in error.url
    assert caplog.records and KEY not in caplog.text
    assert "api_key=***" in caplog.text


def test_invalid_key_is_final(person: ApiDouble) -> None:
    oa = client(person, "wrong-key")
    with pytest.raises(SourceError) as raised:
        oa.author("A1")
    assert raised.value.status == 401 and raised.value.exit_status == ExitStatus.UNAVAILABLE
    assert "wrong-key" not in raised.value.message + raised.value.url
    assert person.count("openalex") == 1  # not retried


def test_throttle_is_retried_and_slows_down(person: ApiDouble) -> None:
    person.inject("openalex.works", "429", times=3, delay=0.01)
    oa = client(person, KEY)
    works = oa.works_by_ids(["W1000", "W1001"])
    assert set(works) == {"W1000", "W1001"}
    assert oa.http.stats.retries == 3
    assert oa.http.limiter.interval > 0  # spaced out for the rest of the run
    assert oa.http.budget is not None and oa.http.budget.remaining and oa.http.budget.remaining > 0


def test_spent_budget_is_final_and_says_when_it_resets(person: ApiDouble) -> None:
    pool = person.openalex.pool(None)
    pool.used = pool.limit
    oa = client(person)
    with pytest.raises(SourceError) as raised:
        oa.works_by_ids(["W1000"])
    message = raised.value.message
    assert "1,000 of 1,000 credits used today" in message
    assert "resets at midnight UTC" in message and " in " in message
    assert "OPENALEX_API_KEY" in (raised.value.hint or "")
    assert person.count("openalex") == 1  # no retry: waiting hours helps nobody


@pytest.mark.parametrize("fault", ["5xx", "malformed", "truncated", "reset", "empty_page"])
def test_faults_are_ridden_out(person: ApiDouble, fault: str) -> None:
    person.inject("openalex.works", fault, times=2)
    oa = client(person, KEY)
    works = oa.author_works(oa.author("A1"))
    assert len(works.works) == 252


def test_credits_are_counted(person: ApiDouble) -> None:
    oa = client(person, KEY)
    oa.author("A1")
    assert oa.http.stats.credits == 0
    oa.works_by_ids(["W1000"])
    assert oa.http.stats.credits == 1
    oa.search_authors("Jane Doe")
    assert oa.http.stats.credits == 11
    assert oa.http.budget is not None and oa.http.budget.remaining == 10_000 - 11


def test_works_by_dois(person: ApiDouble) -> None:
    person.openalex.add_work(
        OAWork("W7", "Preprint", 2024, [("A1", "Jane Doe")], arxiv_id="2401.00001")
    )
    person.openalex.add_work(OAWork("W8", "Article", 2024, [("A1", "Jane Doe")], doi="10.1/abc"))
    found = client(person, KEY).works_by_dois(
        ["10.1/ABC", "https://doi.org/10.48550/arXiv.2401.00001", "10.9/none"]
    )
    assert {k: v.paper_id for k, v in found.items()} == {
        "10.1/abc": "W8",
        "10.48550/arxiv.2401.00001": "W7",
    }
    assert found["10.48550/arxiv.2401.00001"].arxiv_id == "2401.00001"


def test_paid_only_parameter_is_never_sent(person: ApiDouble) -> None:
    oa = client(person, KEY)
    with pytest.raises(ValueError, match="paid plan"):
        oa.works_by_filter("from_updated_date:2026-11-01")
    assert person.count("openalex") == 0


def test_settings_and_the_shared_limiter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from scholarcli.config import load_settings
    from scholarcli.errors import UsageError
    from scholarcli.profile.sync import Context

    env = {"SCHOLAR_HOME": str(tmp_path), "OPENALEX_API_KEY": " k1 "}
    settings = load_settings(env)
    assert settings.openalex_url == "https://api.openalex.org"
    assert settings.openalex_interval == 0.1 and settings.openalex_key == "k1"
    assert "k1" not in repr(settings)
    with pytest.raises(UsageError, match="SCHOLAR_OPENALEX_INTERVAL"):
        load_settings({**env, "SCHOLAR_OPENALEX_INTERVAL": "fast"})
    with pytest.raises(UsageError, match="SCHOLAR_OPENALEX_URL"):
        load_settings({**env, "SCHOLAR_OPENALEX_URL": "ftp://x"})
    ctx = Context.open(load_settings({**env, "SCHOLAR_OPENALEX_INTERVAL": "0.25"}))
    try:
        limiter = ctx.openalex.http.limiter
        assert limiter.interval == 0.25 and limiter.name == "openalex"
        # The slot file lives under SCHOLAR_HOME/locks: every process shares the pace.
        with limiter.slot() as started:
            started()
        assert (tmp_path / "locks" / "openalex.next").exists()
        assert "k1" not in repr(ctx.openalex)
    finally:
        ctx.close()
