"""`dprk-ld publish --to URL` into Oxigraph's server and Virtuoso 7: the release's graphs and id
land in the store, a new release replaces the old one (graphs it no longer has dropped), a
failure before the switch leaves the published release as it was and says what failed, and (in
Oxigraph's server, whose update requests are transactions) a reader never sees two releases mixed.

Each store here is this module's own (publishing replaces the release that the session's shared
stores may hold for other tests)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from dprk_ld.cli import main
from dprk_ld.deploy import publish as publishing
from dprk_ld.deploy.publish import (
    STAGING,
    VOID,
    Published,
    PublishError,
    ReleaseGraphs,
    Target,
    derive_target,
    publish,
    release_graphs,
    switch_update,
)
from dprk_ld.release.namespaces import GRAPH
from dprk_ld.release.remote import PUBLISHED, PUBLISHED_GRAPH
from dprk_ld.testing.remote import fake_store
from dprk_ld.testing.stores import STORES, StoreServer, variant_release

EXTRA = str(GRAPH["extra"])


@pytest.fixture(scope="module", params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[StoreServer]:
    with STORES[request.param](tmp_path_factory.mktemp(f"publish-{request.param}")) as server:
        yield server


@pytest.fixture(scope="module")
def releases(mini_release: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The mini release; one with a graph more (``extra``); one with a data triple less; one with
    5,000 data triples more (for a switch that takes a while)."""
    base = tmp_path_factory.mktemp("variants")
    data = f"<{GRAPH['data']}>".encode()
    first = next(line for line in (mini_release / "dprk-ld.nq").read_bytes().splitlines(True)
                 if line.rstrip().endswith(data + b" ."))
    filler = [f'<urn:x-test:filler/{i}> <urn:x-test:p> "{i}" {data.decode()} .\n'.encode()
              for i in range(5000)]
    return {
        "mini": mini_release,
        "extra": variant_release(mini_release, base / "extra", add=[
            f'<urn:x-test:s> <urn:x-test:p> "extra" <{EXTRA}> .\n'.encode()]),
        "smaller": variant_release(mini_release, base / "smaller", drop=lambda line: line == first),
        "bigger": variant_release(mini_release, base / "bigger", add=filler),
    }


def target_of(store: StoreServer, **changes: Any) -> Target:
    e = store.endpoints
    return replace(Target(e.query_url, e.update_url, e.graph_store_url, e.user, e.password),
                   **changes)


def send(store: StoreServer, dist: Path, **changes: Any) -> Published:
    """Publish ``dist`` into ``store`` (at its addresses but for ``changes``), tolerating the
    literals the store is known to rewrite (their refusal is tested on its own)."""
    return publish(dist, target_of(store, **changes), tolerate=store.rewrites)


def held(store: StoreServer) -> tuple[list[str], dict[str, int]]:
    """The release ids the store's PUBLISHED graph names, and the triples of each graph under
    ``<base>graph/`` (staging graphs included); the graphs PUBLISHED lists are those graphs."""
    answer = store.query(f"SELECT ?id WHERE {{ GRAPH <{PUBLISHED}> {{ <{PUBLISHED}> "
                         f"<{publishing.RELEASE_ID}> ?id }} }}")
    ids = sorted(row["id"]["value"] for row in answer["results"]["bindings"])
    sizes = {g: n for g, n in store.graph_sizes().items() if g.startswith(str(GRAPH))}
    listed = store.query(f"SELECT ?g WHERE {{ GRAPH <{PUBLISHED}> {{ <{PUBLISHED}> "
                         f"<{PUBLISHED_GRAPH}> ?g }} }}")
    assert sorted(r["g"]["value"] for r in listed["results"]["bindings"]) == sorted(
        g for g in sizes if STAGING not in g)
    return ids, sizes


def expected(dist: Path) -> tuple[list[str], dict[str, int]]:
    release = release_graphs(dist)
    return [release.release_id], {g: n for g, (_, n) in release.graphs.items()}


def test_the_release_lands_with_its_counts_and_id(store: StoreServer, releases: dict[str, Path]
                                                  ) -> None:
    done = send(store, releases["mini"])
    ids, counts = expected(releases["mini"])
    assert held(store) == (ids, counts)
    assert done.release_id == ids[0] and done.counts == counts
    assert sorted(counts) == sorted(str(GRAPH[n]) for n in ("data", "ontology", "shapes", "void"))
    assert all(n > 0 for n in counts.values())


def test_a_new_release_replaces_the_old_and_drops_its_missing_graphs(
        store: StoreServer, releases: dict[str, Path]) -> None:
    send(store, releases["extra"])
    assert held(store) == expected(releases["extra"]) and EXTRA in held(store)[1]
    done = send(store, releases["smaller"])
    assert done.dropped == [EXTRA]
    assert held(store) == expected(releases["smaller"])
    assert expected(releases["smaller"])[1][str(GRAPH["data"])] == (
        expected(releases["mini"])[1][str(GRAPH["data"])] - 1)


def test_refused_writes_leave_the_published_release(store: StoreServer, releases: dict[str, Path]
                                                    ) -> None:
    """Virtuoso: a wrong password; Oxigraph's server (no users): a graph store address that is
    not one (its query address). Either way the graphs are refused before the switch."""
    send(store, releases["mini"])
    before = held(store)
    if store.endpoints.user:
        bad = target_of(store, password="wrong")
        reason = "HTTP 401"
    else:
        bad = target_of(store, graph_store_url=store.endpoints.query_url)
        reason = "HTTP 404"
    with pytest.raises(PublishError) as caught:
        publish(releases["smaller"], bad, tolerate=store.rewrites)
    message = str(caught.value)
    assert "refused <" + str(GRAPH["data"]) + STAGING in message and reason in message
    assert "the published release is untouched" in message
    assert held(store) == before


def test_a_refused_switch_leaves_the_published_release(store: StoreServer,
                                                      releases: dict[str, Path]) -> None:
    """The graphs are staged, but the update address refuses the switch (it is the query
    address): the release graphs are as they were, and the error says what the store holds; the
    next publish clears the staging graphs left behind."""
    send(store, releases["mini"])
    before = held(store)
    with pytest.raises(PublishError) as caught:
        send(store, releases["smaller"], update_url=store.endpoints.query_url)
    message = str(caught.value)
    assert message.startswith("the switch failed: the store at ")
    data = expected(releases["mini"])[1][str(GRAPH["data"])]
    assert f"<{GRAPH['data']}> {data}" in message and f"release id ['{before[0][0]}']" in message
    ids, counts = held(store)
    assert ids == before[0]
    assert {g: n for g, n in counts.items() if STAGING not in g} == before[1]
    assert any(STAGING in g for g in counts)
    send(store, releases["smaller"])
    assert held(store) == expected(releases["smaller"])


def test_a_wrong_count_stops_before_the_switch(store: StoreServer, releases: dict[str, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The store is made to report one triple less for the staged data graph: the publish stops,
    names the graph with both counts, and drops what it staged."""
    send(store, releases["mini"])
    before = held(store)
    true_counts = publishing.Store.counts

    def one_less(self: publishing.Store, graphs: list[str]) -> dict[str, int]:
        found = true_counts(self, graphs)
        return {g: n - (STAGING in g and g.startswith(str(GRAPH["data"]))) for g, n in found.items()}

    monkeypatch.setattr(publishing.Store, "counts", one_less)
    with pytest.raises(PublishError) as caught:
        send(store, releases["smaller"])
    n = expected(releases["smaller"])[1][str(GRAPH["data"])]
    assert f"<{GRAPH['data']}>: {n} triples in the release, {n - 1} in the store" in str(caught.value)
    assert "staging graphs were dropped" in str(caught.value)
    assert held(store) == before


def test_stale_staging_graphs_are_dropped(store: StoreServer, releases: dict[str, Path]) -> None:
    stale = str(GRAPH["data"]) + STAGING + "0123456789ab"
    store.update(f"INSERT DATA {{ GRAPH <{stale}> {{ <urn:x-test:s> <urn:x-test:p> 1 }} }}")
    send(store, releases["mini"])
    assert held(store) == expected(releases["mini"])


def test_the_command_takes_the_password_from_the_environment(
        store: StoreServer, releases: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Oxigraph's addresses are derived from its query address; Virtuoso's public /sparql is
    not where one writes, so the other two are given."""
    e = store.endpoints
    args = ["publish", "--to", e.query_url, "--dist", str(releases["extra"]), "-q"]
    for datatype in sorted(store.rewrites):
        args += ["--tolerate-datatype", datatype]
    if e.user:
        args += ["--update-url", e.update_url, "--graph-store-url", e.graph_store_url,
                 "--user", e.user, "--password-env", "TEST_STORE_SECRET"]
        monkeypatch.delenv("TEST_STORE_SECRET", raising=False)
        assert main(args) == 2
        assert "set the environment variable TEST_STORE_SECRET" in capsys.readouterr().err
        monkeypatch.setenv("TEST_STORE_SECRET", e.password or "")
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    ids, counts = expected(releases["extra"])
    assert f"published release {ids[0]}" in out and f"extra {counts[EXTRA]}" in out
    assert held(store) == (ids, counts)
    assert ("warning: tolerated" in err) == bool(store.rewrites), err


def test_a_reader_never_sees_two_releases_mixed(releases: dict[str, Path], tmp_path: Path) -> None:
    """One query reads the release id and the data graph's size together, again and again, while
    two releases of different sizes replace each other. Oxigraph's server only: Virtuoso's
    update requests are not isolated (see dprk_ld.deploy.publish), and its readers were seen
    counting part-moved graphs, so there is no such promise to test there."""
    with STORES["oxigraph"](tmp_path) as store:
        _read_while_publishing(store, releases)


def _read_while_publishing(store: StoreServer, releases: dict[str, Path]) -> None:
    pairs = {expected(releases[k])[0][0]: expected(releases[k])[1][str(GRAPH["data"])]
             for k in ("mini", "bigger")}
    query = (f"SELECT ?id (COUNT(*) AS ?n) WHERE {{ GRAPH <{PUBLISHED}> {{ <{PUBLISHED}> "
             f"<{publishing.RELEASE_ID}> ?id }} GRAPH <{GRAPH['data']}> {{ ?s ?p ?o }} }} GROUP BY ?id")
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            rows = store.query(query)["results"]["bindings"]
            seen.append(tuple(sorted((r["id"]["value"], int(r["n"]["value"])) for r in rows)))

    send(store, releases["mini"])
    reader = threading.Thread(target=read)
    reader.start()
    try:
        for name in ("bigger", "mini", "bigger"):
            send(store, releases[name])
    finally:
        stop.set()
        reader.join(timeout=60)
    assert len(seen) > 10
    assert set(seen) <= {((rid, n),) for rid, n in pairs.items()}, set(seen)
    assert len(set(seen)) == 2  # it did see both


def test_addresses_are_derived_or_asked_for() -> None:
    oxigraph = derive_target("http://127.0.0.1:7878/query")
    assert (oxigraph.update_url, oxigraph.graph_store_url) == (
        "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store")
    virtuoso = derive_target("http://h:8890/sparql-auth", user="dba", password="x")
    assert (virtuoso.update_url, virtuoso.graph_store_url) == (
        "http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth")
    for url in ("http://h/ds/sparql/x", "http://h:8890/sparql"):  # Virtuoso's: read-only
        with pytest.raises(ValueError, match="give --update-url and --graph-store-url"):
            derive_target(url)
    given = derive_target("http://h/ds/q", "http://h/ds/u", "http://h/ds/data")
    assert (given.update_url, given.graph_store_url) == ("http://h/ds/u", "http://h/ds/data")


def test_the_switch_is_one_request_void_last_then_what_is_published() -> None:
    staged = {str(GRAPH[n]): str(GRAPH[n]) + STAGING + "x" for n in ("void", "data", "shapes")}
    release = ReleaseGraphs('an "id"', None, {g: (b"", 0) for g in staged}, {})
    text = switch_update(staged, [EXTRA], release)
    lines = text.split(" ;\n")
    assert lines[0] == f"DROP SILENT GRAPH <{EXTRA}>"
    assert [line.split()[2] for line in lines[1:4]] == [
        f"<{GRAPH['data']}{STAGING}x>", f"<{GRAPH['shapes']}{STAGING}x>", f"<{VOID}{STAGING}x>"]
    assert all(line.startswith("MOVE GRAPH") for line in lines[1:4])
    assert lines[4] == f"DROP SILENT GRAPH <{PUBLISHED}>"
    marker = ox.Store()
    marker.update(lines[5])
    said = {(q.predicate.value, q.object.value) for q in marker}
    assert said == {(publishing.RELEASE_ID, 'an "id"'),
                    *((PUBLISHED_GRAPH, g) for g in staged)}


def test_the_real_release_counts_the_same_in_the_store(store: StoreServer, real_release: Path
                                                       ) -> None:
    """Every graph of the real release (typed and tagged literals, blank nodes in the ontology's
    lists and the shapes) has as many triples in the store as in the release: the store merges
    no two terms of ours into one, and splits none."""
    done = send(store, real_release)
    assert held(store) == expected(real_release)
    assert done.counts[str(GRAPH["data"])] > 10_000


def test_a_store_that_rewrites_a_literal_is_refused(store: StoreServer, releases: dict[str, Path]
                                                    ) -> None:
    """Virtuoso 7.2 gives back the sentences' ``"P10Y"^^xsd:duration`` as ``"120"``: same counts,
    other values. The publish is refused, naming them, and the published release stays; with
    the datatype tolerated it goes through and lists the rewrites. Oxigraph's server gives every
    literal back as sent."""
    send(store, releases["extra"])
    before = held(store)
    duration = "http://www.w3.org/2001/XMLSchema#duration"
    if not store.rewrites:
        assert publish(releases["mini"], target_of(store)).rewritten == []
        assert held(store) == expected(releases["mini"])
        return
    assert store.rewrites == {duration}
    with pytest.raises(PublishError) as caught:
        publish(releases["mini"], target_of(store))
    message = str(caught.value)
    assert message.startswith("the store rewrote literals of the release")
    assert f'"P10Y"^^<{duration}>' in message and f'"120"^^<{duration}>' in message
    assert f"<{GRAPH['data']}>" in message and "published release is untouched" in message
    assert held(store) == before
    done = publish(releases["mini"], target_of(store), tolerate=frozenset({duration}))
    assert len(done.rewritten) == 1 and done.rewritten[0].startswith(f"<{GRAPH['data']}>")
    assert held(store) == expected(releases["mini"])


def test_an_answer_cut_at_the_stores_time_limit_stops_publish() -> None:
    """Virtuoso answers an aggregate in part at its time limit and says so only in a header
    (``X-SQL-State: S1TAT``): publish must stop there, not compare a partial count."""
    import http.server

    class PartialCounts(http.server.BaseHTTPRequestHandler):
        def answer(self) -> None:
            body = (b'{"head": {"vars": ["g", "n"]}, "results": {"bindings": [{"g": {"type": '
                    b'"uri", "value": "urn:g"}, "n": {"type": "literal", "value": "7"}}]}}')
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("X-SQL-State", "S1TAT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = answer

        def log_message(self, *args: Any) -> None:
            pass

    with fake_store(PartialCounts) as base:
        url = base + "/sparql"
        store = publishing.Store(publishing.derive_target(url, url, url))
        with pytest.raises(PublishError) as caught:
            store.counts(["urn:g"])
        assert "S1TAT" in str(caught.value) and "time limit" in str(caught.value)
