"""The release's DataCite metadata (datacite.json), checked with the DataCite Metadata Schema 4.5's
own JSON schema and turned into DataCite XML by the same package; the publisher block release.json
carries; and CITATION.cff at the root, against data/dataset.yaml."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from datacite import schema45

from dprk_ld.curation.publisher import publisher_of
from dprk_ld.release.datacite import FILE, datacite_record
from dprk_ld.release.namespaces import BASE, DATASET_IRI

REPO = Path(__file__).resolve().parents[1]
MINI_DATA = Path(__file__).resolve().parent / "fixtures" / "mini" / "data"
DATACITE_NS = "{http://datacite.org/schema/kernel-4}"
#: CITATION.cff: the keys CFF 1.2.0 requires
CFF_REQUIRED = {"cff-version", "message", "title", "authors"}


def read_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def record(mini_release: Path) -> dict[str, Any]:
    return json.loads((mini_release / FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_record_is_valid_datacite(record: dict[str, Any]) -> None:
    errors = [e.message for e in schema45.validator.iter_errors(record)]
    assert not errors and schema45.validate(record)
    xml = ET.fromstring(schema45.tostring(record).encode("utf-8"))
    assert xml.tag == f"{DATACITE_NS}resource"
    assert xml.findtext(f"{DATACITE_NS}titles/{DATACITE_NS}title") == record["titles"][0]["title"]
    assert xml.find(f"{DATACITE_NS}resourceType").get("resourceTypeGeneral") == "Dataset"  # type: ignore[union-attr]


def test_the_record_says_what_dataset_yaml_says(record: dict[str, Any]) -> None:
    meta = read_yaml(MINI_DATA / "dataset.yaml")
    publisher = publisher_of(meta)
    assert record["titles"] == [{"title": meta["title"], "lang": "en"}]
    assert record["creators"] == [{"name": publisher.name, "nameType": "Organizational"}]
    assert record["publisher"] == {"name": publisher.name}
    assert record["version"] == meta["version"]
    assert record["publicationYear"] == str(meta["issued"].year)
    assert record["dates"] == [{"date": meta["issued"].isoformat(), "dateType": "Issued"}]
    assert record["types"]["resourceTypeGeneral"] == "Dataset"
    assert record["descriptions"][0]["description"] == " ".join(meta["description"].split())
    assert [s["subject"] for s in record["subjects"]] == meta["keywords"]
    assert record["rightsList"][0]["rightsUri"] == meta["license"]
    assert record["rightsList"][0]["rightsIdentifier"] == "CC-BY-4.0"
    # no DOI is invented: the dataset's IRI is the identifier it has
    assert "doi" not in record and "identifiers" not in record
    assert record["alternateIdentifiers"] == [{"alternateIdentifier": DATASET_IRI,
                                               "alternateIdentifierType": "URL"}]


def test_the_record_points_to_the_files_it_sizes(record: dict[str, Any], mini_release: Path) -> None:
    info = json.loads((mini_release / "release.json").read_text(encoding="utf-8"))
    parts = {r["relatedIdentifier"].removeprefix(f"{BASE}dumps/")
             for r in record["relatedIdentifiers"] if r["relationType"] == "HasPart"}
    assert parts == {n for n in info["files"] if n.startswith("dprk-ld.")}
    assert {"dprk-ld.ttl", "dprk-ld.nq", "dprk-ld.nt.gz"} <= parts
    for name in parts:
        assert f"{name}: {(mini_release / name).stat().st_size} bytes" in record["sizes"]
    assert f"{info['triples']} triples" in record["sizes"]
    assert f"{info['findings']} findings" in record["sizes"]
    assert set(record["formats"]) == {info["files"][n]["media_type"] for n in parts if not n.endswith(".gz")}
    relations = {(r["relationType"], r["relatedIdentifier"]) for r in record["relatedIdentifiers"]}
    assert ("IsSupplementedBy", BASE + "sparql") in relations
    assert ("HasMetadata", BASE + "dumps/void.ttl") in relations
    sources = {read_yaml(p)["url"] for p in (MINI_DATA / "sources").glob("*.yaml")}
    assert {url for rel, url in relations if rel == "IsDerivedFrom"} == sources


def test_the_release_lists_and_serves_it(mini_release: Path) -> None:
    data = (mini_release / FILE).read_bytes()
    info = json.loads((mini_release / "release.json").read_text(encoding="utf-8"))
    assert info["files"][FILE] == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                                   "media_type": "application/json"}
    sums = (mini_release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert f"{hashlib.sha256(data).hexdigest()}  {FILE}" in sums
    meta = read_yaml(MINI_DATA / "dataset.yaml")
    assert info["publisher"] == publisher_of(meta).record()
    assert publisher_of({"publisher": info["publisher"]}) == publisher_of(meta)


def test_a_record_from_other_metadata() -> None:
    meta = {"title": "T", "version": "2.0", "issued": date(2030, 5, 6), "keywords": [],
            "license": "https://example.org/licence", "homepage": "https://example.org/",
            "publisher": {"name": "Example Group", "email": "x@example.org"}}
    files = {"dprk-ld.ttl": b"x" * 10, "dprk-ld.ttl.gz": b"y", "other.txt": b"z"}
    rec = datacite_record(meta, files, triples=3, findings=1)
    assert schema45.validate(rec), [e.message for e in schema45.validator.iter_errors(rec)]
    assert rec["rightsList"] == [{"rightsUri": "https://example.org/licence"}]
    assert rec["creators"][0]["name"] == "Example Group" and rec["publicationYear"] == "2030"
    assert rec["sizes"] == ["3 triples", "1 findings", "dprk-ld.ttl: 10 bytes", "dprk-ld.ttl.gz: 1 bytes"]
    assert rec["url"] == "https://example.org/" and "subjects" not in rec and "descriptions" not in rec
    assert all("other.txt" not in r["relatedIdentifier"] for r in rec["relatedIdentifiers"])
    assert "x@example.org" not in json.dumps(rec)  # a mailbox is no DataCite field


def test_citation_cff_matches_dataset_yaml() -> None:
    cff = read_yaml(REPO / "CITATION.cff")
    meta = read_yaml(REPO / "data" / "dataset.yaml")
    assert set(cff) >= CFF_REQUIRED
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert isinstance(cff["message"], str) and cff["message"].strip()
    assert cff["title"] == meta["title"]
    assert str(cff["version"]) == str(meta["version"])
    assert str(cff["date-released"]) == str(meta["issued"])
    # an entity, the project: no person is named
    assert cff["authors"] == [{"name": publisher_of(meta).name}]
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/" and cff["license"] == "CC-BY-4.0"
    assert cff["url"] == meta["homepage"]
