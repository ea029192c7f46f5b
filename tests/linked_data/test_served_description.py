"""The description as served: VoID at /.well-known/void and as the dataset IRI's document is
the graph the release dumps (void.ttl), in every syntax; the gzip dumps are read by RDF clients
(sent as what they hold, gzip-coded, bytes unchanged); the landing page's schema.org record says
what the description says."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic, to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, OWL

from dprk_ld.curation.publisher import publisher_of
from dprk_ld.testing import BASE, serve_in_thread

REPO = Path(__file__).resolve().parents[2]
DS = URIRef(BASE + "dataset")
SYNTAXES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
            "application/rdf+xml": "xml"}
GZ_DUMPS = {"dprk-ld.ttl.gz": ("text/turtle", "turtle"), "dprk-ld.nt.gz": ("application/n-triples", "nt"),
            "dprk-ld.jsonld.gz": ("application/ld+json", "json-ld"),
            "dprk-ld.nq.gz": ("application/n-quads", "nquads")}
#: the schema.org terms the record may use (each checked at schema.org: Dataset, Organization,
#: ContactPoint, Place, DataDownload and their properties); nothing else
SCHEMA_TERMS = {"Dataset", "Organization", "ContactPoint", "Place", "DataDownload", "name",
                "description", "url", "license", "version", "datePublished", "dateModified",
                "publisher", "creator", "contactPoint", "email", "keywords", "isAccessibleForFree",
                "inLanguage", "temporalCoverage", "spatialCoverage", "sameAs", "distribution",
                "encodingFormat", "contentUrl", "contentSize", "sha256"}


@pytest.fixture(autouse=True)
def exact_literals(monkeypatch: pytest.MonkeyPatch) -> None:
    """rdflib reads literals as they are written: "the same graph" means the same literals."""
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)


def dumped_void(dist: Path) -> Graph:
    return Graph().parse(dist / "void.ttl", format="turtle")


def canonical_terms(g: Graph) -> set[tuple[str, str, str]]:
    return {(s.n3(), p.n3(), o.n3()) for s, p, o in to_canonical_graph(g)}


@pytest.fixture(params=["ld_app", "real_app"])
def app_and_dist(request: pytest.FixtureRequest) -> tuple[Flask, Path]:
    app: Flask = request.getfixturevalue(request.param)
    return app, app.config["DIST"]


@pytest.mark.parametrize("accept", sorted(SYNTAXES))
def test_served_void_is_the_dumped_void(app_and_dist: tuple[Flask, Path], accept: str) -> None:
    app, dist = app_and_dist
    dumped = dumped_void(dist)
    client = app.test_client()
    for path in ("/.well-known/void", "/doc/dataset"):
        resp = client.get(path, headers={"Accept": accept})
        assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(accept), path
        served = Graph().parse(data=resp.data, format=SYNTAXES[accept])
        assert isomorphic(served, dumped), (path, accept)
        assert canonical_terms(served) == canonical_terms(dumped), (path, accept)
    # the dataset IRI answers with that document
    assert client.get("/dataset", headers={"Accept": accept}).headers["Location"].endswith("/doc/dataset")


@pytest.fixture(scope="module")
def served(ld_app: Flask) -> Iterator[str]:
    with serve_in_thread(ld_app) as url:
        yield url


def sums(dist: Path) -> dict[str, str]:
    return {name: digest for digest, name in (line.split("  ", 1) for line in
                                              (dist / "SHA256SUMS").read_text().splitlines())}


def dump_graph(dist: Path, name: str, syntax: str) -> Graph | Dataset:
    g: Graph | Dataset = Dataset() if syntax == "nquads" else Graph()
    g.parse(dist / name, format=syntax)
    return g


@pytest.mark.parametrize("name", sorted(GZ_DUMPS))
def test_gzip_dumps_are_sent_as_what_they_hold(served: str, mini_release: Path, name: str) -> None:
    media, _syntax = GZ_DUMPS[name]
    request = urllib.request.Request(f"{served}/dumps/{name}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as resp:
        raw = resp.read()
        assert resp.headers["Content-Type"].split(";")[0] == media
        assert resp.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in resp.headers["Vary"]
    assert hashlib.sha256(raw).hexdigest() == sums(mini_release)[name]  # the bytes as published
    assert gzip.decompress(raw) == (mini_release / name.removesuffix(".gz")).read_bytes()


@pytest.mark.parametrize("name", sorted(GZ_DUMPS))
def test_rdflib_reads_a_gzip_dump_by_its_url(served: str, mini_release: Path, name: str) -> None:
    """rdflib asks with urllib, which accepts no coding but identity: it gets the content."""
    _media, syntax = GZ_DUMPS[name]
    g: Graph | Dataset = Dataset() if syntax == "nquads" else Graph()
    g.parse(f"{served}/dumps/{name}")  # the syntax from the response's Content-Type
    expected = dump_graph(mini_release, name.removesuffix(".gz"), syntax)
    assert len(g) == len(expected) > 500
    if syntax != "nquads":
        assert isomorphic(g, expected)


def curl(*args: str) -> bytes:
    exe = shutil.which("curl")
    assert exe, "curl is needed (installed by .ci/run)"
    return subprocess.run([exe, "-sS", "--fail", *args], capture_output=True, timeout=60,
                          check=True).stdout


def test_curl_saves_the_published_bytes(served: str, mini_release: Path, tmp_path: Path) -> None:
    """Without --compressed, curl saves the .gz as published (SHA256SUMS and the DCAT checksum
    hold); with it, curl gets the Turtle inside."""
    url = f"{served}/dumps/dprk-ld.ttl.gz"
    curl("-o", str(tmp_path / "saved.gz"), url)
    saved = (tmp_path / "saved.gz").read_bytes()
    assert hashlib.sha256(saved).hexdigest() == sums(mini_release)["dprk-ld.ttl.gz"]
    checksum = dumped_void(mini_release).value(URIRef(BASE + "dumps/dprk-ld.ttl.gz#sha256"),
                                               URIRef("http://spdx.org/rdf/terms#checksumValue"))
    assert str(checksum) == hashlib.sha256(saved).hexdigest()
    assert curl("--compressed", url) == (mini_release / "dprk-ld.ttl").read_bytes()
    head = curl("-sI", url).decode()
    assert re.search(r"(?im)^content-encoding: gzip\r?$", head)
    assert re.search(r"(?im)^content-type: text/turtle", head)


@pytest.mark.parametrize("header", ["identity", "gzip;q=0, *", "br", ""])
def test_a_client_that_refuses_gzip_gets_the_content(client: FlaskClient, mini_release: Path,
                                                     header: str) -> None:
    with client.get("/dumps/dprk-ld.nt.gz", headers={"Accept-Encoding": header}) as resp:
        assert resp.status_code == 200
        assert "Content-Encoding" not in resp.headers
        assert resp.headers["Content-Type"].split(";")[0] == "application/n-triples"
        assert resp.headers["Content-Location"] == "/dumps/dprk-ld.nt"
        assert resp.get_data() == (mini_release / "dprk-ld.nt").read_bytes()
        assert resp.headers["ETag"] == f'"{sums(mini_release)["dprk-ld.nt"]}"'
    for accepting in ("gzip", "x-gzip", "*", "br, gzip;q=0.5"):
        with client.get("/dumps/dprk-ld.nt.gz", headers={"Accept-Encoding": accepting}) as resp:
            assert resp.headers["Content-Encoding"] == "gzip", accepting


def schema_record(client: FlaskClient) -> dict[str, Any]:
    body = client.get("/").get_data(as_text=True)
    found = re.search(r'<script type="application/ld\+json" id="schema-org">(.*?)</script>', body, re.S)
    assert found
    record: dict[str, Any] = json.loads(found.group(1))
    return record


def schema_terms(value: Any) -> set[str]:
    """Every key and @type used in a JSON-LD value (but the JSON-LD keywords)."""
    if isinstance(value, list):
        return set().union(*(schema_terms(v) for v in value)) if value else set()
    if not isinstance(value, dict):
        return set()
    found = {key for key in value if not key.startswith("@")}
    if "@type" in value:
        found.add(value["@type"])
    return found.union(*(schema_terms(v) for v in value.values()))


def test_schema_org_says_what_the_description_says(real_app: Flask, real_release: Path) -> None:
    record = schema_record(real_app.test_client())
    assert record["@context"] == "https://schema.org/" and record["@type"] == "Dataset"
    assert schema_terms(record) <= SCHEMA_TERMS, schema_terms(record) - SCHEMA_TERMS
    # it is JSON-LD: read with the schema.org vocabulary (offline), it is a graph of schema: terms
    offline = {**record, "@context": {"@vocab": "https://schema.org/"}}
    g = Graph().parse(data=json.dumps(offline), format="json-ld")
    schema = rdflib.Namespace("https://schema.org/")
    assert g.value(DS, schema.temporalCoverage) is not None and len(g) > 50
    void = dumped_void(real_release)
    period = void.value(DS, DCTERMS.temporal)
    assert record["temporalCoverage"] == (f"{void.value(period, DCAT.startDate)}/"
                                          f"{void.value(period, DCAT.endDate)}")
    dataset = yaml.safe_load((REPO / "data" / "dataset.yaml").read_text(encoding="utf-8"))
    publisher = publisher_of(dataset)
    for role in ("publisher", "creator"):
        org = record[role]
        assert org["@type"] == "Organization" and org["name"] == publisher.name
        assert org["url"] == publisher.homepage
        assert org["contactPoint"]["url"] == (publisher.contact_url or publisher.homepage)
    assert record["version"] == str(dataset["version"])
    assert record["datePublished"] == str(dataset["issued"]) == record["dateModified"]
    assert record["keywords"] == sorted(dataset["keywords"])
    assert record["license"] == dataset["license"] and record["isAccessibleForFree"] is True
    assert record["inLanguage"] == dataset["language"]
    assert "includedInDataCatalog" not in record  # no catalog lists the dataset


def test_schema_org_places_and_downloads(real_app: Flask, real_release: Path) -> None:
    record = schema_record(real_app.test_client())
    [place] = record["spatialCoverage"]
    assert place["@type"] == "Place" and place["name"] == "North Korea"
    store = ox.Store()
    store.bulk_load(path=str(real_release / "dprk-ld.nt"), format=ox.RdfFormat.N_TRIPLES)
    checked = {q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(place["@id"]), ox.NamedNode(str(OWL.sameAs)), None)}
    assert place["sameAs"] and set(place["sameAs"]) == checked  # only the release's checked links
    files = json.loads((real_release / "release.json").read_text())["files"]
    downloads = {d["name"]: d for d in record["distribution"]}
    assert set(downloads) == {f"dprk-ld.{ext}{gz}" for ext in ("ttl", "nt", "jsonld", "nq")
                              for gz in ("", ".gz")}
    for name, d in downloads.items():
        assert d["@type"] == "DataDownload" and d["contentUrl"].endswith(f"/dumps/{name}")
        assert d["contentSize"] == f"{files[name]['bytes']} B" and d["sha256"] == files[name]["sha256"]
        # what the file holds, as it is sent (a .gz gzip-coded)
        holds = GZ_DUMPS[name][0] if name.endswith(".gz") else files[name]["media_type"]
        assert d["encodingFormat"] == holds, name
    assert downloads["dprk-ld.ttl.gz"]["encodingFormat"] == "text/turtle"
