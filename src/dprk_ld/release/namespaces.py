"""The namespaces dprk-ld mints and reuses, in one place."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

BASE = "https://w3id.org/dprk-ld/"
DPRK = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")
GRAPH = Namespace(BASE + "graph/")
SHAPES = Namespace(BASE + "shapes#")

OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
VANN = Namespace("http://purl.org/vocab/vann/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
QB = Namespace("http://purl.org/linked-data/cube#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

DATASET_IRI = BASE + "dataset"

PREFIXES: dict[str, str] = {
    "dprk": str(DPRK),
    "id": str(ID),
    "vocab": str(VOCAB),
    "oa": str(OA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "org": str(ORG),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "time": str(TIME),
    "void": str(VOID),
    "dcat": str(DCAT),
    "spdx": str(SPDX),
    "schema": str(SCHEMA),
    "wd": str(WD),
    "vann": str(VANN),
    "bibo": str(BIBO),
    "qb": str(QB),
    "vcard": str(VCARD),
}

__all__ = [
    "BASE",
    "BIBO",
    "DCAT",
    "DCTERMS",
    "DPRK",
    "FOAF",
    "GRAPH",
    "ID",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SHAPES",
    "SKOS",
    "SPDX",
    "TIME",
    "VANN",
    "VCARD",
    "VOCAB",
    "VOID",
    "WD",
    "XSD",
]
