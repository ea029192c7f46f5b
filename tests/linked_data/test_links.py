"""Links out: every published external identifier is traceable to a source, the real release holds
at least 50 link triples, accepted review rows flow into the build, and `dprk-ld link` reconciles
against a local SPARQL server loaded with a small fixture (our own endpoint), never the internet."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, SKOS

from dprk_ld.cli import main
from dprk_ld.curation.errors import DataError
from dprk_ld.curation.links import REVIEW_FILE, read_links
from dprk_ld.curation.load import load_project
from dprk_ld.curation.reconcile import candidate_query, sparql_string
from dprk_ld.release.build import build_release
from dprk_ld.testing import serve_in_thread
from dprk_ld.testing.store_option import close_app, create_app

REPO = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/dprk-ld/"
WD = "http://www.wikidata.org/entity/"
GN = "https://sws.geonames.org/"


def reference_ids(root: Path) -> dict[tuple[str, str], str]:
    """(system, id) -> where it is documented, read straight from the reference files."""
    found: dict[tuple[str, str], str] = {}
    ref = root / "data" / "reference"
    lines = [ln for ln in (ref / "external-ids.tsv").read_text().splitlines() if ln and ln[0] != "#"]
    for row in csv.DictReader(lines, delimiter="\t"):
        for system in ("wikidata", "geonames"):
            if row.get(system):
                found[(system, row[system])] = "external-ids.tsv: " + row["entity"]
    checked = ref / "external-ids-checked.tsv"
    if checked.is_file():
        lines = [ln for ln in checked.read_text().splitlines() if ln and ln[0] != "#"]
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            assert row["source"].startswith("https://"), row
            assert row["says"], row
            found[(row["system"], row["id"])] = row["source"]
    return found


def link_triples(g: Graph) -> set[tuple[str, str, str]]:
    return {(str(s), str(p), str(o)) for p in (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)
            for s, o in g.subject_objects(p)
            if str(s).startswith(BASE) and str(o).startswith((WD, GN))}


def test_the_real_release_has_50_traceable_links(real_release: Path) -> None:
    g = Graph().parse(real_release / "dprk-ld.nt", format="nt")
    links = link_triples(g)
    assert len(links) >= 50, len(links)
    documented = reference_ids(REPO)
    for _s, _p, o in links:
        system = "wikidata" if o.startswith(WD) else "geonames"
        ident = o[len(WD):] if system == "wikidata" else o[len(GN):].strip("/")
        assert (system, ident) in documented, o


def test_checked_links_name_known_entities() -> None:
    links, problems = read_links(REPO)
    assert not problems
    project = load_project(REPO)
    assert {link.entity for link in links if link.file.endswith("checked.tsv")} <= set(project.entities)


def write_review(root: Path, rows: list[dict[str, str]]) -> Path:
    path = root / REVIEW_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = ["entity", "kind", "label", "system", "id", "candidate_label", "candidate_description",
            "candidate_classes", "relation", "score", "decision", "endpoint", "retrieved"]
    with path.open("w", encoding="utf-8") as fh:
        fh.write("\t".join(cols) + "\n")
        for r in rows:
            fh.write("\t".join(r.get(c, "") for c in cols) + "\n")
    return path


def row(entity: str, ident: str, decision: str, relation: str = "sameAs") -> dict[str, str]:
    return {"entity": entity, "system": "wikidata", "id": ident, "decision": decision, "relation": relation,
            "endpoint": "http://127.0.0.1:1/sparql", "retrieved": "2026-01-01", "candidate_label": "x"}


def test_accepted_review_rows_flow_into_the_build(mini: Path) -> None:
    write_review(mini, [row("hoeryong", "Q900001", "accept"), row("dprk-courts", "Q900002", "reject"),
                        row("ilo", "Q900003", ""),
                        row("violation-types/forced-labor", "Q900004", "accept", "closeMatch")])
    build_release(mini)
    g = Graph().parse(mini / "dist" / "dprk-ld.nt", format="nt")
    assert (URIRef(BASE + "id/place/hoeryong"), OWL.sameAs, URIRef(WD + "Q900001")) in g
    assert (URIRef(BASE + "vocab/violation-types/forced-labor"), SKOS.closeMatch, URIRef(WD + "Q900004")) in g
    assert not any(str(o).endswith(("Q900002", "Q900003")) for o in g.objects())
    # and the void linkset counts them
    app = create_app({"DIST": mini / "dist", "QUERY_WORKERS": 1})
    try:
        void = Graph().parse(data=app.test_client().get("/.well-known/void").data, format="turtle")
        counts = {str(ls): int(n) for ls, n in void.subject_objects(URIRef("http://rdfs.org/ns/void#triples"))
                  if "#links-" in str(ls)}
        assert counts[BASE + "dataset#links-wikidata-sameas"] == 2  # Q423 from the entity file, Q900001
        assert counts[BASE + "dataset#links-wikidata-closematch"] == 1
    finally:
        close_app(app)


@pytest.mark.parametrize(("bad", "message"), [
    (row("nowhere", "Q900001", "accept"), "unknown entity"),
    (row("hoeryong", "900001", "accept"), "is not a wikidata identifier"),
    (row("hoeryong", "Q900001", "maybe"), "decision"),
    (row("north-hamgyong", "Q423", "accept"), "also given to"),
    (row("violation-types/forced-labor", "Q900004", "accept"), "not sameAs"),
    (row("violation-types/nothing", "Q900004", "accept", "exactMatch"), "unknown concept"),
])
def test_bad_links_are_refused(mini: Path, bad: dict[str, str], message: str) -> None:
    write_review(mini, [bad])
    with pytest.raises(DataError) as err:
        load_project(mini)
    assert message in err.value.report()


def test_entity_files_may_use_checked_ids_only(mini: Path) -> None:
    entities = mini / "data" / "entities" / "entities.yaml"
    text = entities.read_text().replace("type: city, within: north-hamgyong}",
                                        "type: city, within: north-hamgyong, wikidata: Q900001}")
    entities.write_text(text)
    with pytest.raises(DataError) as err:
        load_project(mini)
    assert "Q900001" in err.value.report() and "external-ids-checked.tsv" in err.value.report()
    write_review(mini, [row("hoeryong", "Q900001", "accept")])
    assert load_project(mini).entities["hoeryong"].wikidata == "Q900001"


def test_names_enter_queries_only_as_escaped_literals() -> None:
    assert sparql_string('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    project_entity = load_project(REPO).entities["north-korea"]
    query = candidate_query(project_entity)
    assert '"North Korea"@en' in query and '"DPRK"@en' in query and "@ko" in query


# --- `dprk-ld link` against a local SPARQL server ------------------------------------------------

FIXTURE = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
<{WD}Q900001> rdfs:label "Hoeryong"@en ; schema:description "city in North Hamgyong (test fixture)"@en ;
    wdt:P31 <{WD}Q900100> .
<{WD}Q900100> rdfs:label "city"@en .
<{WD}Q900002> rdfs:label "Hoeryong"@en ; schema:description "a river (test fixture)"@en .
<{WD}Q900003> rdfs:label "Kim Jong-un"@en ; skos:altLabel "Kim Jong Un"@en ; wdt:P31 <{WD}Q900101> ;
    schema:description "leader (test fixture)"@en .
<{WD}Q900101> rdfs:label "human"@en .
<{WD}Q900004> rdfs:label "Something else"@en .
"""


@pytest.fixture(scope="module")
def fixture_endpoint() -> Iterator[str]:
    """Our own SPARQL endpoint over a small Wikidata-like fixture, on a loopback port."""
    store = ox.Store()
    store.load(FIXTURE.encode(), format=ox.RdfFormat.TURTLE)
    app = create_app({"STORE": store, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10})
    try:
        with serve_in_thread(app) as url:
            yield f"{url}/sparql"
    finally:
        close_app(app)


def review_rows(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_link_command_writes_candidates_for_review(mini: Path, fixture_endpoint: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["link", "--root", str(mini), "--endpoint", fixture_endpoint, "--timeout", "10"])
    assert code == 0, capsys.readouterr().err
    rows = review_rows(mini / REVIEW_FILE)
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {"Q900001", "Q900002", "Q900003"}  # nothing for names that match nothing
    assert by_id["Q900001"]["entity"] == "hoeryong" and by_id["Q900001"]["candidate_classes"] == "city"
    assert by_id["Q900003"]["entity"] == "kim-jong-un"  # matched by its alias
    assert float(by_id["Q900001"]["score"]) > float(by_id["Q900002"]["score"])  # the class fits a place
    assert all(r["decision"] == "" and r["endpoint"] == fixture_endpoint for r in rows)
    assert "north-korea" not in {r["entity"] for r in rows}  # already linked: not asked

    # a curator accepts one and rejects one; a second run keeps the decisions
    path = mini / REVIEW_FILE
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        cells = line.split("\t")
        if len(cells) > 10 and cells[4] in ("Q900001", "Q900002"):
            cells[10] = "accept" if cells[4] == "Q900001" else "reject"
            lines[i] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["link", "--root", str(mini), "--endpoint", fixture_endpoint]) == 0
    decisions = {r["id"]: r["decision"] for r in review_rows(path)}
    assert decisions == {"Q900001": "accept", "Q900002": "reject", "Q900003": ""}

    # the accepted link flows into the build
    build_release(mini)
    g = Graph().parse(mini / "dist" / "dprk-ld.nt", format="nt")
    assert (URIRef(BASE + "id/place/hoeryong"), OWL.sameAs, URIRef(WD + "Q900001")) in g
    assert not any(str(o).endswith("Q900002") for o in g.objects())


def test_link_command_reports_an_unreachable_endpoint(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["link", "--root", str(mini), "--endpoint", f"http://127.0.0.1:{port}/sparql",
                 "--only", "hoeryong", "--timeout", "2"])
    assert code == 1
    assert "hoeryong: the endpoint failed" in capsys.readouterr().err
