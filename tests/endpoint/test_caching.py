"""Caching: ETag from the release, 304 on If-None-Match, Cache-Control, the result cache."""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox

from dprk_ld.endpoint.cache import ResultCache, key_bytes
from dprk_ld.testing import CountingPool
from dprk_ld.testing.store_option import close_app, create_app

QUERY = "SELECT ?s WHERE { ?s a <https://w3id.org/dprk-ld/ontology#Finding> } ORDER BY ?s"


def q(text: str) -> str:
    return "/sparql?query=" + quote(text)


def test_etag_and_304_without_running_the_query(app_factory) -> None:
    app = app_factory()
    client = app.test_client()
    counter = CountingPool(app)
    first = client.get(q(QUERY))
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and len(etag) > 10
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert counter.calls == 1
    again = client.get(q(QUERY), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Vary"] == "Accept"
    assert client.get(q(QUERY), headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(q(QUERY), headers={"If-None-Match": '"other"'}).status_code == 200
    assert counter.calls == 1  # the 304s and the repeat ran nothing: cache and ETag


def test_etag_depends_on_representation_query_and_release(app_factory) -> None:
    app = app_factory()
    client = app.test_client()
    json_tag = client.get(q(QUERY)).headers["ETag"]
    csv_tag = client.get(q(QUERY), headers={"Accept": "text/csv"}).headers["ETag"]
    other_tag = client.get(q(QUERY + " LIMIT 2")).headers["ETag"]
    assert len({json_tag, csv_tag, other_tag}) == 3
    assert client.get(q(QUERY), headers={"If-None-Match": csv_tag}).status_code == 200
    store = ox.Store()
    store.bulk_load(path=str(app.config["DIST"] / "dprk-ld.nq"), format=ox.RdfFormat.N_QUADS)
    other = create_app({"STORE": store, "RELEASE_ID": "another-release", "QUERY_WORKERS": 1})
    try:
        assert other.test_client().get(q(QUERY)).headers["ETag"] != json_tag
    finally:
        close_app(other)


def test_post_answers_use_the_result_cache_but_are_not_publicly_cacheable(app_factory) -> None:
    app = app_factory()
    client = app.test_client()
    counter = CountingPool(app)
    first = client.post("/sparql", data=QUERY.encode(), content_type="application/sparql-query")
    second = client.post("/sparql", data="query=" + quote(QUERY),
                         content_type="application/x-www-form-urlencoded")
    assert first.data == second.data
    assert counter.calls == 1
    assert first.headers["Cache-Control"] == "no-cache"
    cache = app.extensions["dprk_ld"].cache
    assert cache.hits >= 1


def test_syntax_errors_are_cached_too(app_factory) -> None:
    app = app_factory()
    client = app.test_client()
    counter = CountingPool(app)
    for _ in range(3):  # valid SPARQL 1.1 grammar that only the engine refuses (a bad language tag)
        assert client.get(q('SELECT * WHERE { ?s ?p "a"@en-a }')).status_code == 400
    assert counter.calls == 1
    for _ in range(3):  # refused by the grammar before any worker sees it
        assert client.get(q("SELECT * WHERE { ?s ?p }")).status_code == 400
    assert counter.calls == 1


def test_service_description_has_an_etag(client) -> None:
    resp = client.get("/sparql")
    assert resp.headers["ETag"]
    assert client.get("/sparql", headers={"If-None-Match": resp.headers["ETag"]}).status_code == 304
    html = client.get("/sparql", headers={"Accept": "text/html"})
    assert html.headers["ETag"] != resp.headers["ETag"]


def test_result_cache_is_bounded() -> None:
    cache = ResultCache(max_bytes=10_000, max_entry_bytes=3_000)
    for i in range(100):
        cache.put(("q", i), b"x" * 1000, 1000)
    assert cache.size <= 10_000
    assert len(cache) < 10
    assert cache.get(("q", 99)) is not None  # the newest stay
    assert cache.get(("q", 0)) is None  # the oldest went
    assert not cache.put(("big", 0), b"x" * 5000, 5000)
    assert cache.get(("big", 0)) is None  # too big for one entry
    # least recently *used* goes first
    cache.get(("q", 95))
    for i in range(100, 104):
        cache.put(("q", i), b"x" * 1000, 1000)
    assert cache.get(("q", 95)) is not None


def test_result_cache_counts_its_keys() -> None:
    """Clients choose the keys (query text, Accept header): a huge key costs what it holds."""
    cache = ResultCache(max_bytes=100_000, max_entry_bytes=60_000)
    accept = "text/csv;q=0.1, " * 3_000  # 48 KB of header, a tiny answer
    assert key_bytes(("raw", "query=x", accept)) > len(accept)
    for i in range(10):
        cache.put(("raw", f"query={i}", accept), b"ok", 2)
    assert cache.size <= 100_000
    assert len(cache) <= 2
    assert not cache.put(("raw", "q", accept * 2), b"ok", 2)  # one key larger than an entry
