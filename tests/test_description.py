"""The release's description (void.ttl): DCAT-AP 3.0.0 by the profile's own SHACL shapes, VoID's
figures counted again from the dumps, the SPARQL endpoint as a DataService, the distributions.

The DCAT-AP shapes sit in ``../shared/dcat-ap-3.0.0/`` beside the clone (or wherever
``DPRK_LD_DCAT_AP_DIR`` says): shapes.ttl (mandatory) with range.ttl (the classes of what the
properties point to), and shapes_recommended.ttl. A missing folder fails the tests, never skips.
"""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, VOID, XSD

from dprk_ld.curation.load import load_project
from dprk_ld.curation.publisher import publisher_of
from dprk_ld.release.build import assemble
from dprk_ld.release.description import describe
from dprk_ld.release.errors import ReleaseError
from dprk_ld.release.namespaces import DATASET_IRI, SPDX, VCARD

DCAT_AP_DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "dcat-ap-3.0.0"
REPO = Path(__file__).resolve().parents[1]
DS = URIRef(DATASET_IRI)
ENDPOINT = URIRef("https://w3id.org/dprk-ld/sparql")
DUMPS = ("dprk-ld.ttl", "dprk-ld.nt", "dprk-ld.jsonld", "dprk-ld.nq")
IANA = "https://www.iana.org/assignments/media-types/"
DCATAP_AVAILABILITY = URIRef("http://data.europa.eu/r5r/availability")
WHY_NO_AVAILABILITY = ("no planned availability (EU vocabulary) is stated anywhere for this "
                       "deployment: promising one would be inventing it")

#: the recommendations of DCAT-AP 3.0.0 the real release does not meet, each with its reason:
#: (focus node, property) -> why; the test fails on any other, and when one of these is met
RECOMMENDED_LEFT: dict[tuple[str, str], str] = {
    **{(f"https://w3id.org/dprk-ld/dumps/{name}", str(DCATAP_AVAILABILITY)): WHY_NO_AVAILABILITY
       for dump in DUMPS for name in (dump, dump + ".gz")},
    (DATASET_IRI + "#sparql", str(DCATAP_AVAILABILITY)): WHY_NO_AVAILABILITY,
    (DATASET_IRI + "#sparql", str(DCTERMS.format)):
        "a query service answers in many formats (dct:format takes one): none is the format",
    (DATASET_IRI + "#publisher", str(DCTERMS.type)):
        "dataset.yaml's publisher block says no kind of publisher (ADMS publisher type)",
    ("https://w3id.org/dprk-ld/id/place/north-korea", str(DCAT.bbox)):
        "the release holds no geometry of its places",
    ("https://w3id.org/dprk-ld/id/place/north-korea", str(DCAT.centroid)):
        "the release holds no coordinates of its places",
}


def dcat_ap_dir() -> Path:
    """Where the DCAT-AP 3.0.0 shapes are (DPRK_LD_DCAT_AP_DIR, else ../shared/...)."""
    return Path(os.environ.get("DPRK_LD_DCAT_AP_DIR", str(DCAT_AP_DEFAULT)))


def shapes(*names: str) -> Graph:
    folder = dcat_ap_dir()
    assert (folder / "shapes.ttl").is_file(), f"the DCAT-AP 3.0.0 shapes are not at {folder}"
    g = Graph()
    for name in names:
        g.parse(folder / name, format="turtle")
    return g


def results(data: Graph, shapes_graph: Graph) -> list[tuple[str, str, str, str]]:
    """(severity, focus node, path, constraint) of every result of validating ``data``."""
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes_graph)
    assert isinstance(report, Graph)
    return sorted((str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                   str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)),
                   str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1])
                  for r in report.subjects(RDF.type, SH.ValidationResult))


def mandatory(data: Graph) -> list[tuple[str, str, str, str]]:
    """The results of DCAT-AP's mandatory shapes, with the range shapes as SOURCE.md says."""
    return results(data, shapes("shapes.ttl", "range.ttl"))


def void_of(dist: Path) -> Graph:
    return Graph().parse(dist / "void.ttl", format="turtle")


def test_the_dcat_ap_shapes_are_there() -> None:
    for name in ("shapes.ttl", "shapes_recommended.ttl", "range.ttl"):
        assert (dcat_ap_dir() / name).is_file(), f"{name} not found in {dcat_ap_dir()}"


@pytest.mark.parametrize("which", ["mini_release", "real_release"])
def test_no_mandatory_violation(which: str, request: pytest.FixtureRequest) -> None:
    assert mandatory(void_of(request.getfixturevalue(which))) == []


def test_the_mandatory_shapes_see_what_the_description_lacked(real_release: Path) -> None:
    """The check can fail: the description as it was (no access URL, a publisher as a plain
    string, an integer byte size, a license of no class) is refused, each for its own rule."""
    g = void_of(real_release)
    dist = URIRef("https://w3id.org/dprk-ld/dumps/dprk-ld.ttl")
    g.remove((dist, DCAT.accessURL, None))
    g.set((dist, DCAT.byteSize, Literal(12, datatype=XSD.integer)))
    g.set((DS, DCTERMS.publisher, Literal("dprk-ld project")))
    g.remove((URIRef("https://creativecommons.org/licenses/by/4.0/"), RDF.type, None))
    found = {(focus, path, rule) for _sev, focus, path, rule in mandatory(g)}
    assert (str(dist), str(DCAT.accessURL), "MinCountConstraintComponent") in found
    assert (str(dist), str(DCAT.byteSize), "DatatypeConstraintComponent") in found
    assert (DATASET_IRI, str(DCTERMS.publisher), "NodeKindConstraintComponent") in found
    assert (str(dist), str(DCTERMS.license), "ClassConstraintComponent") in found


def test_recommended_left_are_exactly_the_known_ones(real_release: Path) -> None:
    found = results(void_of(real_release), shapes("shapes_recommended.ttl"))
    assert {sev for sev, *_ in found} == {"Warning"}
    assert {(focus, path) for _sev, focus, path, _rule in found} == set(RECOMMENDED_LEFT)
    assert all(reason for reason in RECOMMENDED_LEFT.values())


def test_void_entities_as_void_defines_them(real_release: Path) -> None:
    """VoID: an entity has an IRI in the dataset's IRI space and is described (a subject) in
    it; counted here again by the engine from the N-Triples dump."""
    g = void_of(real_release)
    space = str(g.value(DS, VOID.uriSpace))
    store = ox.Store()
    store.bulk_load(path=str(real_release / "dprk-ld.nt"), format=ox.RdfFormat.N_TRIPLES)

    def count(query: str) -> int:
        return int(next(iter(store.query(query)))[0].value)

    in_space = f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(space)}))"
    assert int(g.value(DS, VOID.entities)) == count(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o {in_space} }}") > 1000
    assert int(g.value(DS, VOID.triples)) == count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(g.value(DS, VOID.distinctSubjects)) == count(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    assert int(g.value(DS, VOID.properties)) == count(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")
    for part in g.objects(DS, VOID.classPartition):
        cls = g.value(part, VOID["class"])
        assert int(g.value(part, VOID.entities)) == count(
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> {in_space} }}"), cls


def test_the_endpoint_is_a_data_service(real_release: Path) -> None:
    g = void_of(real_release)
    assert (ENDPOINT, RDF.type, DCAT.DataService) in g
    assert g.value(ENDPOINT, DCAT.endpointURL) == ENDPOINT
    assert g.value(ENDPOINT, DCAT.endpointDescription) == ENDPOINT  # the service description
    assert g.value(ENDPOINT, DCAT.servesDataset) == DS
    assert g.value(ENDPOINT, DCTERMS.conformsTo) == URIRef("https://www.w3.org/TR/sparql11-protocol/")
    assert g.value(ENDPOINT, DCTERMS.title) and g.value(ENDPOINT, DCTERMS.license)
    assert g.value(ENDPOINT, DCTERMS.accessRights) == URIRef(
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC")
    # linked from the dataset, and from a distribution that reaches the data through it
    assert g.value(DS, VOID.sparqlEndpoint) == ENDPOINT
    through = [d for d in g.objects(DS, DCAT.distribution) if g.value(d, DCAT.accessService) == ENDPOINT]
    assert len(through) == 1 and g.value(through[0], DCAT.accessURL) == ENDPOINT


def test_every_dump_is_a_distribution(mini_release: Path) -> None:
    g = void_of(mini_release)
    sums = dict(reversed(line.split("  ", 1)) for line in
                (mini_release / "SHA256SUMS").read_text().splitlines())
    media = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
             "nq": "application/n-quads"}
    for name in (*DUMPS, *(d + ".gz" for d in DUMPS)):
        dist = URIRef(f"https://w3id.org/dprk-ld/dumps/{name}")
        data = (mini_release / name).read_bytes()
        assert (DS, DCAT.distribution, dist) in g and (DS, VOID.dataDump, dist) in g
        assert g.value(dist, DCAT.accessURL) == g.value(dist, DCAT.downloadURL) == dist
        assert g.value(dist, DCAT.byteSize) == Literal(str(len(data)), datatype=XSD.decimal)
        assert Decimal(str(g.value(dist, DCAT.byteSize))) == len(data)
        checksum = g.value(dist, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest() == sums[name]
        ext = name.removesuffix(".gz").rsplit(".", 1)[1]
        assert g.value(dist, DCAT.mediaType) == URIRef(IANA + media[ext])  # what the file holds
        assert g.value(dist, DCTERMS.format) is not None and g.value(dist, DCTERMS.description)
        assert g.value(dist, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
        compress = g.value(dist, DCAT.compressFormat)
        assert compress == (URIRef(IANA + "application/gzip") if name.endswith(".gz") else None)
    # the archived source texts are not the dataset's distributions (their publishers' work)
    assert not [d for d in g.objects(DS, DCAT.distribution) if "/sources/" in str(d)]


def test_temporal_coverage_is_computed_from_the_findings(real_release: Path) -> None:
    g = void_of(real_release)
    period = g.value(DS, DCTERMS.temporal)
    store = ox.Store()
    store.bulk_load(path=str(real_release / "dprk-ld.nt"), format=ox.RdfFormat.N_TRIPLES)
    prefix = "PREFIX dprk: <https://w3id.org/dprk-ld/ontology#> "
    first = next(iter(store.query(prefix + "SELECT (MIN(?d) AS ?m) WHERE { ?f a dprk:Finding ; "
                                  "dprk:time ?t . ?t dprk:earliest ?d }")))[0]
    last = next(iter(store.query(prefix + "SELECT (MAX(?d) AS ?m) WHERE { ?f a dprk:Finding ; "
                                 "dprk:time ?t . ?t dprk:latest ?d }")))[0]
    assert g.value(period, DCAT.startDate) == Literal(first.value, datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal(last.value, datatype=XSD.date)
    assert first.value < last.value


def test_spatial_coverage_is_our_place(real_release: Path) -> None:
    g = void_of(real_release)
    data = yaml.safe_load((REPO / "data" / "dataset.yaml").read_text(encoding="utf-8"))
    assert {str(p) for p in g.objects(DS, DCTERMS.spatial)} == {
        f"https://w3id.org/dprk-ld/id/place/{p}" for p in data["spatial"]}


def test_publisher_and_contact_come_from_the_publisher_block(mini: Path) -> None:
    release = assemble(mini)
    dataset = dict(release.project.dataset)
    agent = URIRef(DATASET_IRI + "#publisher")
    g = describe({}, release.union, dataset)
    assert g.value(DS, DCTERMS.publisher) == agent
    assert (agent, RDF.type, FOAF.Agent) in g
    assert g.value(agent, FOAF.name) == Literal(publisher_of(dataset).name) == Literal("tests")
    contact = g.value(DS, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in g and g.value(contact, VCARD.fn) == Literal("tests")
    # no mailbox: the homepage; a mailbox: mailto
    assert g.value(contact, VCARD.hasURL) == URIRef(publisher_of(dataset).homepage)
    assert g.value(contact, VCARD.hasEmail) is None
    dataset["publisher"] = {"name": "Example Group", "email": "desk@example.org"}
    g = describe({}, release.union, dataset)
    contact = g.value(DS, DCAT.contactPoint)
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:desk@example.org")
    assert g.value(contact, VCARD.hasURL) is None
    assert g.value(agent, FOAF.name) == Literal("Example Group")


def test_dataset_yaml_names_only_known_places_and_codes(mini: Path) -> None:
    release = assemble(mini)
    assert load_project(mini).entities["north-korea"]
    ok = describe({}, release.union, {**release.project.dataset, "spatial": ["north-korea"],
                                      "language": ["en"], "themes": ["JUST"]})
    assert ok.value(DS, DCTERMS.spatial) == URIRef("https://w3id.org/dprk-ld/id/place/north-korea")
    for key, value, said in (("spatial", ["atlantis"], "'atlantis' is no place"),
                             ("language", ["xx"], "language: unknown xx"),
                             ("themes", ["NOPE"], "themes: unknown NOPE")):
        with pytest.raises(ReleaseError, match=said):
            describe({}, release.union, {**release.project.dataset, key: value})
