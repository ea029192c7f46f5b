"""`dprk-ld publish`: a built release into an external SPARQL store, replacing the one it holds.

The release's graphs are the named graphs of its N-Quads dump (data, ontology, shapes) and its
VoID description (``void.ttl``) in the graph ``<base>graph/void``, blank nodes named as the
embedded store names them (:func:`dprk_ld.release.store.open_release`), each sent as it is in
the release: the store serves what the dumps hold, nothing added.

What the store holds is said in a graph of its own, :data:`~dprk_ld.release.remote.PUBLISHED`
(``urn:x-dprk-ld:published``), which no query of the front names: the release id, its version
and the release's graph names. That is how a reader of the store (`dprk-ld serve --store`) knows
which release it holds and which graphs are the release's (whatever their names), and how the
next publish knows which graphs to drop.

The steps, each checked:

1. stale staging graphs (``<graph>.staging-<id>``, left by a publish that died) are dropped;
2. each graph is sent with the SPARQL 1.1 Graph Store Protocol (an HTTP ``PUT`` of N-Triples)
   under its staging name; its triple count in the store is compared with the release's, and
   so are its distinct typed literals (neither strings nor tagged: numbers, dates, durations
   ...), by value where one value has several lexical forms (:func:`same_value`). A
   difference, or any error, drops the staging graphs and stops: the published release is left
   as it was. A datatype given in ``tolerate`` may come back rewritten: the rewrites are
   reported, not refused;
3. the switch: one SPARQL Update request of ``MOVE`` operations (staging graph to release
   graph, the VoID graph last), of ``DROP`` for each graph of the previous release that the
   new one no longer has, and last the new content of the ``PUBLISHED`` graph;
4. the store's release graphs are counted again and the release id read back from ``PUBLISHED``.

What the switch is in each store (measured with the stores of ``dprk_ld.testing.stores``):

* Oxigraph's server (0.5) runs an update request in one transaction: a request of several
  operations whose last one fails leaves none of them done, and readers querying during a
  switch of two graphs of 100,000 triples each saw the old pair or the new pair, never a mix.
* Virtuoso 7.2 does not: over HTTP, a request whose second operation fails keeps its first one
  done, and readers counting two graphs during their ``MOVE`` saw part-moved counts. Prefixed
  with ``DEFINE sql:log-enable 1`` (transactional), the request timed out (SR171) whenever a
  reader was querying, under the default isolation; with ``DefaultIsolation = 2`` (read
  committed) it went through, and readers again saw part-moved counts. There the switch is one
  request but not one step: readers may see a mix while it runs (1 to 3 s for two graphs of
  10,000 triples here), and a failure in it is found by step 4 and reported as such.

Steps 1 and 2 and their failures never touch the release graphs, in either store.

Quirks met on the way: Virtuoso's ``DROP GRAPH`` without ``SILENT`` fails for a graph no
``CREATE GRAPH`` made (so every ``DROP`` here is ``SILENT``), its ``MOVE`` from a graph that does
not exist is not an error, and its ``ASK`` answers are not SPARQL JSON booleans (none is asked
here). Oxigraph's server answers a ``PUT`` to a mistyped address such as ``/store-none?graph=G``
with 201 Created, having put the triples in the graph named by that address, not in ``G``: the
count in step 2 is what catches such a thing. The real release's graphs (literals typed and
tagged, blank nodes in ontology and shapes) count the same in both stores as in the release,
but Virtuoso 7.2 keeps an ``xsd:duration`` as a number: the sentences' ``"P10Y"^^xsd:duration``
comes back as ``"120"^^xsd:duration`` (an invalid lexical form, another value), so it is
refused unless that datatype is tolerated; and it gives ``"true"^^xsd:boolean`` back as ``"1"``,
the same value.
"""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests
from SPARQLWrapper import BASIC, DIGEST, JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from dprk_ld.release import virtuoso_literals
from dprk_ld.release.namespaces import GRAPH
from dprk_ld.release.remote import DCAT_VERSION, PUBLISHED, PUBLISHED_GRAPH
from dprk_ld.release.remote import DPRK_RELEASE_ID as RELEASE_ID
from dprk_ld.release.remote_http import TIMEOUT_STATE
from dprk_ld.release.served import ServedRelease

STAGING = ".staging-"
VOID = str(GRAPH["void"])
#: where the update and graph store addresses are, for a query address ending so
DERIVED = {
    "/query": ("/update", "/store"),  # Oxigraph's server
    "/sparql-auth": ("/sparql-auth", "/sparql-graph-crud-auth"),  # Virtuoso, authenticated
}
N_TRIPLES = "application/n-triples"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class PublishError(Exception):
    """Publishing failed; the message says at which step, and what the store holds now."""


@dataclass(frozen=True)
class Target:
    """A store's addresses: SPARQL queries, updates, the Graph Store Protocol; the user and
    password its update and graph store addresses want (``auth``: "basic" or "digest")."""

    query_url: str
    update_url: str
    graph_store_url: str
    user: str | None = None
    password: str | None = None
    auth: str = "digest"
    timeout: float = 300.0


def derive_target(query_url: str, update_url: str | None = None,
                  graph_store_url: str | None = None, **options: Any) -> Target:
    """A :class:`Target` from the query address, the other two derived by :data:`DERIVED` when
    not given (a ValueError naming the option to give when they cannot be)."""
    for ending, (update, gsp) in DERIVED.items():
        if query_url.endswith(ending):
            stem = query_url[: -len(ending)]
            update_url, graph_store_url = update_url or stem + update, graph_store_url or stem + gsp
            break
    if not update_url or not graph_store_url:
        raise ValueError(f"cannot tell the update and graph store addresses from {query_url} "
                         "(known endings: " + ", ".join(DERIVED) + "): give --update-url and "
                         "--graph-store-url")
    return Target(query_url, update_url, graph_store_url, **options)


@dataclass(frozen=True)
class ReleaseGraphs:
    """What is published: the release id, its version, and each graph as N-Triples with its
    number of triples (distinct triples, as a store counts them)."""

    release_id: str
    version: str | None
    graphs: dict[str, tuple[bytes, int]]
    #: each graph's distinct typed literals (neither strings nor tagged), as (value, datatype)
    literals: dict[str, frozenset[tuple[str, str]]]


def release_graphs(dist: Path) -> ReleaseGraphs:
    """The graphs of the release built in ``dist``, as they are in it."""
    served = ServedRelease.from_dist(dist)
    store: ox.Store = served.store
    graphs: dict[str, tuple[bytes, int]] = {}
    literals: dict[str, frozenset[tuple[str, str]]] = {}
    for graph in sorted(store.named_graphs(), key=lambda g: (g.value == VOID, g.value)):
        objects = [q.object for q in store.quads_for_pattern(None, None, None, graph)]
        graphs[graph.value] = (store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph),
                               len(objects))
        literals[graph.value] = frozenset(
            same_value(o.value, o.datatype.value) for o in objects
            if isinstance(o, ox.Literal) and not o.language and o.datatype.value != XSD_STRING)
    return ReleaseGraphs(served.release_id, served.version, graphs, literals)


def same_value(value: str, datatype: str) -> tuple[str, str]:
    """(value, datatype), a boolean in its one lexical form (Virtuoso gives ``true`` back as
    ``"1"``, the same value). Durations of months, which it gives back as another value, are
    left as given: publish reports that rewrite (``tolerate``)."""
    if datatype == virtuoso_literals.BOOLEAN:
        return virtuoso_literals.published_form(value, datatype), datatype
    return value, datatype


def staging_name(graph: str, release_id: str) -> str:
    return f"{graph}{STAGING}{release_id[:12]}"


class Store:
    """The store at a :class:`Target`: queries and updates through SPARQLWrapper, graphs sent
    with ``requests`` (the Graph Store Protocol)."""

    def __init__(self, target: Target) -> None:
        self.target = target
        auth = requests.auth.HTTPDigestAuth if target.auth == "digest" else requests.auth.HTTPBasicAuth
        self.http_auth = auth(target.user, target.password or "") if target.user else None

    def _wrapper(self, text: str, update: bool) -> SPARQLWrapper:
        t = self.target
        sparql = SPARQLWrapper(t.query_url, updateEndpoint=t.update_url, agent="dprk-ld publish")
        sparql.setMethod(POST)
        sparql.setTimeout(int(t.timeout))
        if t.user:
            sparql.setHTTPAuth(DIGEST if t.auth == "digest" else BASIC)
            sparql.setCredentials(t.user, t.password or "")
        sparql.setQuery(text)
        if not update:
            sparql.setReturnFormat(JSON)
        return sparql

    def select(self, query: str) -> list[dict[str, Any]]:
        """The solutions of a SELECT query, as SPARQL JSON bindings."""
        try:
            answer = self._wrapper(query, update=False).query()
            # Virtuoso answers in part at its time limit ("anytime" queries), saying so only in
            # a header: a partial count must not pass for a wrong one, nor a right one
            if (answer.response.headers.get("X-SQL-State") or "").strip() == TIMEOUT_STATE:
                answer.response.close()
                raise PublishError(f"the store at {self.target.query_url} stopped a check at its "
                                   "time limit and answered only in part (X-SQL-State "
                                   f"{TIMEOUT_STATE}): raise its MaxQueryExecutionTime")
            result = answer.convert()
        except (SPARQLWrapperException, urllib.error.URLError, OSError, json.JSONDecodeError) as exc:
            raise PublishError(f"the store at {self.target.query_url} did not answer a query: "
                               f"{_reason(exc)}") from exc
        if not isinstance(result, dict) or "results" not in result:
            raise PublishError(f"the store at {self.target.query_url} did not answer a query "
                               "with SPARQL JSON results")
        return list(result["results"]["bindings"])

    def update(self, text: str) -> None:
        try:
            self._wrapper(text, update=True).query()
        except (SPARQLWrapperException, urllib.error.URLError, OSError) as exc:
            raise PublishError(f"the store at {self.target.update_url} refused an update: "
                               f"{_reason(exc)}") from exc

    def put(self, graph: str, body: bytes) -> None:
        """Replace ``graph`` by ``body`` (N-Triples) through the Graph Store Protocol."""
        url = self.target.graph_store_url
        try:
            resp = requests.put(url, params={"graph": graph}, data=body, auth=self.http_auth,
                                headers={"Content-Type": N_TRIPLES}, timeout=self.target.timeout)
        except requests.RequestException as exc:
            raise PublishError(f"cannot send <{graph}> to {url}: {exc}") from exc
        if resp.status_code not in (200, 201, 204):
            raise PublishError(f"the store at {url} refused <{graph}>: HTTP {resp.status_code} "
                               f"{resp.reason}: {resp.text.strip()[:300]}")

    def counts(self, graphs: list[str]) -> dict[str, int]:
        """Triples in each of ``graphs`` (0 for a graph the store does not have)."""
        values = " ".join(f"<{g}>" for g in graphs)
        rows = self.select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                           "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        found = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
        return {g: found.get(g, 0) for g in graphs}

    def typed_literals(self, graph: str) -> set[tuple[str, str]]:
        """The distinct typed literals of ``graph`` (neither strings nor tagged), as (value,
        datatype)."""
        rows = self.select(f"SELECT DISTINCT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER("
                           f"isLiteral(?o) && LANG(?o) = '' && DATATYPE(?o) != <{XSD_STRING}>) }} }}")
        return {same_value(row["o"]["value"], row["o"].get("datatype", XSD_STRING)) for row in rows}

    def staging_graphs(self) -> list[str]:
        """The named graphs of the store whose name says they are staging graphs."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                           f"FILTER(CONTAINS(STR(?g), {json.dumps(STAGING)})) }}")
        return sorted(row["g"]["value"] for row in rows)

    def published_graphs(self) -> list[str]:
        """The graphs of the release the store holds, as its ``PUBLISHED`` graph lists them."""
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH <{PUBLISHED}> {{ "
                           f"<{PUBLISHED}> <{PUBLISHED_GRAPH}> ?g }} }}")
        return sorted(row["g"]["value"] for row in rows)

    def release_ids(self) -> list[str]:
        rows = self.select(f"SELECT DISTINCT ?id WHERE {{ GRAPH <{PUBLISHED}> {{ "
                           f"<{PUBLISHED}> <{RELEASE_ID}> ?id }} }}")
        return sorted(row["id"]["value"] for row in rows)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:400] or type(exc).__name__


@dataclass(frozen=True)
class Published:
    """What the store holds after :func:`publish`: the release id and each graph's count."""

    release_id: str
    version: str | None
    counts: dict[str, int]
    dropped: list[str]
    rewritten: list[str] = field(default_factory=list)  # tolerated rewrites, graph by graph


def publish(dist: Path, target: Target, progress: Callable[[str], None] | None = None,
            tolerate: frozenset[str] = frozenset()) -> Published:
    """Publish the release built in ``dist`` into the store at ``target`` (see the module's
    docstring); a :class:`PublishError` saying what failed and what the store holds.
    ``tolerate``: datatypes whose literals the store may rewrite (each rewrite is reported in
    :attr:`Published.rewritten`); any other rewritten literal stops the publish."""
    say = progress or (lambda _message: None)
    release = release_graphs(dist)
    store = Store(target)
    stale = store.staging_graphs()
    if stale:
        say(f"dropping {len(stale)} stale staging graph(s)")
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in stale))
    staged = {g: staging_name(g, release.release_id) for g in release.graphs}
    try:
        rewritten = _stage(store, release, staged, say, tolerate)
    except PublishError as exc:
        _drop_staging(store, list(staged.values()), exc)
        raise
    previous = [g for g in store.published_graphs() if g not in release.graphs]
    say(f"switching {len(staged)} graph(s)" + (f", dropping {len(previous)}" if previous else ""))
    try:
        store.update(switch_update(staged, previous, release))
    except PublishError as exc:
        raise PublishError(f"the switch failed: {exc}; now in the store: "
                           f"{_state(store, [*release.graphs, *staged.values()])}") from exc
    return replace(_verify(store, release, previous), rewritten=rewritten)


def _state(store: Store, graphs: list[str]) -> str:
    """The triple counts of ``graphs`` and the release id in the store, for an error message."""
    try:
        counts = store.counts(graphs)
        ids = store.release_ids()
    except PublishError as exc:
        return f"unknown ({exc})"
    return ", ".join(f"<{g}> {n}" for g, n in counts.items()) + f"; release id {ids or 'none'}"


def _stage(store: Store, release: ReleaseGraphs, staged: dict[str, str],
           say: Callable[[str], None], tolerate: frozenset[str]) -> list[str]:
    """Send and check the staged graphs; the rewrites of tolerated datatypes found."""
    for graph, (body, count) in release.graphs.items():
        say(f"sending <{graph}> ({count} triples)")
        store.put(staged[graph], body)
    found = store.counts(list(staged.values()))
    wrong = [f"<{g}>: {count} triples in the release, {found[staged[g]]} in the store"
             for g, (_, count) in release.graphs.items() if found[staged[g]] != count]
    if wrong:
        raise PublishError("the staged graphs do not hold the release: " + "; ".join(wrong))
    rewritten: list[str] = []
    for graph, literals in release.literals.items():
        there = store.typed_literals(staged[graph])
        lost, new = sorted(literals - there), sorted(there - literals)
        if not lost and not new:
            continue
        change = (f"<{graph}>: the store does not give back {_terms(lost)}"
                  + (f" and gives {_terms(new)} instead" if new else ""))
        if {dt for _, dt in [*lost, *new]} <= tolerate:
            rewritten.append(change)
            say(f"tolerated: {change}")
        else:
            raise PublishError("the store rewrote literals of the release (publish refused; "
                               "--tolerate-datatype accepts it for a datatype): " + change)
    return rewritten


def _terms(literals: list[tuple[str, str]]) -> str:
    shown = ", ".join(f'"{value}"^^<{dt}>' for value, dt in literals[:5])
    return shown + (f" (and {len(literals) - 5} more)" if len(literals) > 5 else "")


def _drop_staging(store: Store, staging: list[str], cause: PublishError) -> None:
    try:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in staging))
    except PublishError as exc:
        raise PublishError(f"{cause}; and the staging graphs could not be dropped ({exc}); the "
                           "published release is untouched") from cause
    cause.args = (f"{cause}; the staging graphs were dropped and the published release is "
                  "untouched",)


def switch_update(staged: dict[str, str], previous: list[str], release: ReleaseGraphs) -> str:
    """The one update request that puts the staged graphs in place (the VoID graph last), drops
    the previous release's graphs that the new one does not have, and says in ``PUBLISHED``
    which release and graphs the store now holds."""
    moves = [f"MOVE GRAPH <{s}> TO <{g}>" for g, s in
             sorted(staged.items(), key=lambda item: (item[0] == VOID, item[0]))]
    said = [f"<{PUBLISHED}> <{RELEASE_ID}> {ox.Literal(release.release_id)}"]
    if release.version:
        said.append(f"<{PUBLISHED}> <{DCAT_VERSION}> {ox.Literal(release.version)}")
    said += [f"<{PUBLISHED}> <{PUBLISHED_GRAPH}> <{g}>" for g in sorted(staged)]
    marker = f"INSERT DATA {{ GRAPH <{PUBLISHED}> {{ {' . '.join(said)} }} }}"
    return " ;\n".join([*[f"DROP SILENT GRAPH <{g}>" for g in previous], *moves,
                        f"DROP SILENT GRAPH <{PUBLISHED}>", marker])


def _verify(store: Store, release: ReleaseGraphs, dropped: list[str]) -> Published:
    expected = {g: count for g, (_, count) in release.graphs.items()}
    found = store.counts([*expected, *dropped])
    problems = [f"<{g}>: {n} triples in the release, {found[g]} in the store"
                for g, n in expected.items() if found[g] != n]
    problems += [f"<{g}>: not in the release, still {found[g]} triples in the store"
                 for g in dropped if found[g]]
    ids = store.release_ids()
    if ids != [release.release_id]:
        problems.append(f"release id in <{PUBLISHED}>: {ids or 'none'} (expected "
                        f"{release.release_id})")
    if problems:
        raise PublishError("after the switch the store does not hold the release (the store may "
                           "mix two releases; publish again): " + "; ".join(problems))
    return Published(release.release_id, release.version, {g: found[g] for g in expected}, dropped)
