"""The external stores the tests start (dprk_ld.testing.stores): each answers SPARQL, takes a
graph through the Graph Store Protocol and an update, keeps its public endpoint as it should, and
stops leaving no process behind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

from dprk_ld.testing.stores import STORES, MissingProgram, OxigraphServer, StoreServer

GRAPH = "urn:x-test:stores:"
TRIPLES = (b'<urn:x-test:s> <urn:x-test:p> "one" .\n'
           b'<urn:x-test:s> <urn:x-test:p> "two"@en .\n'
           b'<urn:x-test:s> <urn:x-test:q> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')


@pytest.fixture(params=sorted(STORES))
def server(request: pytest.FixtureRequest) -> StoreServer:
    found: StoreServer = request.getfixturevalue(f"{request.param}_server")
    return found


def _put(server: StoreServer, graph: str, body: bytes) -> requests.Response:
    e = server.endpoints
    return requests.put(e.graph_store_url, params={"graph": graph}, data=body, auth=e.auth,
                        headers={"Content-Type": "application/n-triples"}, timeout=30)


def test_it_answers_a_query(server: StoreServer) -> None:
    answer = server.query("SELECT (1 + 2 AS ?n) WHERE {}")
    assert [row["n"]["value"] for row in answer["results"]["bindings"]] == ["3"]
    answer = server.query("SELECT ?x WHERE { VALUES ?x { 1 2 } FILTER(?x > 1) }")
    assert [row["x"]["value"] for row in answer["results"]["bindings"]] == ["2"]


def test_it_takes_a_graph_and_an_update(server: StoreServer) -> None:
    graph = GRAPH + "gsp"
    assert _put(server, graph, TRIPLES).status_code in (200, 201, 204)
    assert server.graph_sizes()[graph] == 3
    got = server.query(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <urn:x-test:s> <urn:x-test:p> ?o }} }}")
    assert sorted((b["o"]["value"], b["o"].get("xml:lang")) for b in got["results"]["bindings"]) == [
        ("one", None), ("two", "en")]
    server.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x-test:s> <urn:x-test:p> \"four\" }} }} ;"
                  f"MOVE GRAPH <{graph}> TO <{graph}-moved>")
    sizes = server.graph_sizes()
    assert sizes.get(graph, 0) == 0 and sizes[graph + "-moved"] == 4
    first = TRIPLES.split(b"\n")[0] + b"\n"
    assert _put(server, graph + "-moved", first).status_code in (200, 201, 204)  # replaces it
    assert server.graph_sizes()[graph + "-moved"] == 1
    # Virtuoso: DROP without SILENT fails for a graph that no CREATE GRAPH made
    server.update(f"DROP SILENT GRAPH <{graph}-moved>")
    assert graph + "-moved" not in server.graph_sizes()


def test_the_query_address_does_not_write(server: StoreServer) -> None:
    """Publishing needs the update address: the query address refuses an update (Virtuoso's
    public /sparql stays read-only; Oxigraph's /query takes no update at all)."""
    graph = GRAPH + "refused"
    resp = requests.post(server.endpoints.query_url, timeout=30, data={
        "update": f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x-test:s> <urn:x-test:p> 1 }} }}"})
    assert resp.status_code >= 400
    assert graph not in server.graph_sizes()


def test_writing_wants_the_credentials_when_there_are_some(server: StoreServer) -> None:
    e = server.endpoints
    if e.user is None:  # Oxigraph's server has no users: anyone on loopback writes
        assert server.name == "oxigraph"
        return
    resp = requests.put(e.graph_store_url, params={"graph": GRAPH + "anon"}, data=TRIPLES,
                        headers={"Content-Type": "application/n-triples"}, timeout=30)
    assert resp.status_code == 401
    wrong = requests.auth.HTTPDigestAuth(e.user, "not-" + (e.password or ""))
    resp = requests.post(e.update_url, auth=wrong, timeout=30, data={
        "update": f"INSERT DATA {{ GRAPH <{GRAPH}anon> {{ <urn:x-test:s> <urn:x-test:p> 1 }} }}"})
    assert resp.status_code == 401
    assert GRAPH + "anon" not in server.graph_sizes()


@pytest.mark.parametrize("name", sorted(STORES))
def test_a_store_stops_leaving_no_process(name: str, tmp_path: Path) -> None:
    with STORES[name](tmp_path) as store:
        members = store.group_members()
        assert members, "the store runs in a process group of its own"
        assert store.answers()
    assert store.proc is not None and store.proc.returncode is not None
    assert store.group_members() == []
    assert not store.answers()


def test_a_missing_program_fails_naming_how_to_install_it(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    store = OxigraphServer(tmp_path / "store")
    with pytest.raises(MissingProgram, match=r"oxigraph is not installed: pip install oxigraph"):
        store.start()
    assert store.proc is None
