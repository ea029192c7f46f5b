"""The one registry of formats: every syntax dprk-ld writes, reads or negotiates.

A :class:`Format` says everything each layer needs of a syntax: its media type (and the aliases
a client may ask for it by), the short names ``format=`` accepts, the file extension of a dump or
a document variant, the name of its serializer in pyoxigraph (``engine``) and in rdflib
(``rdflib``), its name under ``http://www.w3.org/ns/formats/`` for the service description, and
whether it holds named graphs. The dumps, the endpoint's offers, the document variants, the
pages' alternates and the service description are all made from the tuples below: adding a
format means adding it here.

This module is at the bottom of the package: it imports nothing of dprk_ld, and every layer may
import it.
"""

from __future__ import annotations

from dataclasses import dataclass

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One syntax. ``kind``: ``results`` (SELECT/ASK), ``rdf`` (graphs), ``page``, ``file`` or
    ``citation``."""

    media_type: str
    label: str
    kind: str
    names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    extension: str | None = None
    #: the attribute of ``pyoxigraph.RdfFormat`` / ``QueryResultsFormat`` that writes it
    engine: str | None = None
    #: rdflib's serializer name
    rdflib: str | None = None
    #: local name under http://www.w3.org/ns/formats/ (service description)
    w3c: str | None = None
    charset: bool = False
    datasets: bool = False  # holds named graphs (N-Quads, TriG)
    #: how the syntax writes a comment: "#" (to the end of a line) or "<!--" (XML); None when
    #: it has no comments (CSV, TSV, JSON, JSON-LD)
    comments: str | None = None
    #: its code in the EU "file type" vocabulary (DCAT-AP's dct:format), when it has one:
    #: http://publications.europa.eu/resource/authority/file-type/<code>
    file_type: str | None = None

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# --- query results ------------------------------------------------------------------------------

JSON_RESULTS = Format("application/sparql-results+json", "SPARQL JSON", "results",
                      names=("json", "srj"), aliases=("application/json",), extension="srj",
                      engine="JSON", w3c="SPARQL_Results_JSON")
XML_RESULTS = Format("application/sparql-results+xml", "SPARQL XML", "results",
                     names=("xml", "srx"), aliases=("application/xml",), extension="srx",
                     engine="XML", w3c="SPARQL_Results_XML", comments="<!--")
CSV = Format("text/csv", "CSV", "results", names=("csv",), extension="csv", engine="CSV",
             w3c="SPARQL_Results_CSV", charset=True)
TSV = Format("text/tab-separated-values", "TSV", "results", names=("tsv",), extension="tsv",
             engine="TSV", w3c="SPARQL_Results_TSV", charset=True)

# --- RDF ---------------------------------------------------------------------------------------

TURTLE = Format("text/turtle", "Turtle", "rdf", names=("ttl", "turtle", "n3"),
                aliases=("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3"),
                extension="ttl", engine="TURTLE", rdflib="turtle", w3c="Turtle", charset=True,
                comments="#", file_type="RDF_TURTLE")
NTRIPLES = Format("application/n-triples", "N-Triples", "rdf",
                  names=("nt", "ntriples", "n-triples"), aliases=("text/plain",), extension="nt",
                  engine="N_TRIPLES", rdflib="nt", w3c="N-Triples", comments="#",
                  file_type="RDF_N_TRIPLES")
JSONLD = Format("application/ld+json", "JSON-LD", "rdf", names=("jsonld", "json-ld", "json"),
                aliases=("application/json", "application/x-json+ld"), extension="jsonld",
                engine="JSON_LD", rdflib="json-ld", w3c="JSON-LD", file_type="JSON_LD")
RDFXML = Format("application/rdf+xml", "RDF/XML", "rdf",
                names=("rdf", "rdfxml", "rdf+xml", "xml", "owl"),
                aliases=("application/xml", "text/xml"), extension="rdf", engine="RDF_XML",
                rdflib="xml", w3c="RDF_XML", comments="<!--", file_type="RDF_XML")
NQUADS = Format("application/n-quads", "N-Quads", "rdf", names=("nq", "nquads", "n-quads"),
                extension="nq", engine="N_QUADS", rdflib="nquads", w3c="N-Quads", datasets=True,
                comments="#", file_type="RDF_N_QUADS")
TRIG = Format("application/trig", "TriG", "rdf", names=("trig",), extension="trig",
              engine="TRIG", rdflib="trig", w3c="TriG", datasets=True, comments="#",
              file_type="RDF_TRIG")

# --- pages and plain files ---------------------------------------------------------------------

#: asked for as XHTML too (sent as text/html); an alias is matched only by a range that is not
#: ``*/*`` (web/conneg.py), so "text/html;q=0, */*" never gets HTML through it
HTML = Format("text/html", "HTML", "page", names=("html", "htm"),
              aliases=("application/xhtml+xml",), extension="html", charset=True)
JSON = Format("application/json", "JSON", "file", names=("json",), extension="json",
              file_type="JSON")
TEXT = Format("text/plain", "plain text", "file", names=("text", "txt"), extension="txt",
              file_type="TXT")
GZIP = Format("application/gzip", "gzip", "file", extension="gz")
#: JSONP: a JSON answer wrapped in the call a client names (``callback=``, web/reconciliation.py)
JAVASCRIPT = Format("application/javascript", "JavaScript (JSONP)", "file", charset=True)

# --- citations of the dataset, a finding or a source (dprk_ld.site.cite) ------------------------

BIBLIOGRAPHY = Format("text/x-bibliography", "citation (text)", "citation",
                      names=("text", "citation"), extension="citation.txt", charset=True)
BIBTEX = Format("application/x-bibtex", "BibTeX", "citation", names=("bibtex", "bib"),
                extension="bib", charset=True)
RIS = Format("application/x-research-info-systems", "RIS", "citation", names=("ris",),
             extension="ris", charset=True)
CSL_JSON = Format("application/vnd.citationstyles.csl+json", "CSL-JSON", "citation",
                  names=("csl", "csl-json", "csljson"), extension="csl.json")

# --- what each part of the service offers, server preference first ------------------------------

RESULTS: tuple[Format, ...] = (JSON_RESULTS, XML_RESULTS, CSV, TSV)
GRAPHS: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG)
#: the syntaxes of a resource's document (``/doc/…`` variants and the pages' alternates)
DOCUMENTS: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML)
#: the release's dumps of every graph (N-Quads keeps the named graphs)
DUMPS: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, NQUADS)
#: the citations a citable resource's document also offers (``/doc/…`` variants)
CITATIONS: tuple[Format, ...] = (BIBLIOGRAPHY, BIBTEX, RIS, CSL_JSON)
ALL: tuple[Format, ...] = (*RESULTS, *GRAPHS, HTML, JSON, TEXT, GZIP, *CITATIONS)


def by_extension(extension: str, among: tuple[Format, ...] = ALL) -> Format | None:
    """The format of a file extension (without its dot), among ``among``."""
    return next((f for f in among if f.extension == extension), None)


def by_engine(engine: str, among: tuple[Format, ...]) -> Format | None:
    """The format pyoxigraph writes as ``engine`` (``"JSON"``, ``"TURTLE"``), among ``among``
    (the names repeat between kinds: pass RESULTS or GRAPHS)."""
    return next((f for f in among if f.engine == engine), None)


def media_type_of(filename: str) -> str:
    """The media type of a release file by its extension (``.gz`` is gzip whatever it holds)."""
    _stem, dot, ext = filename.rpartition(".")
    found = by_extension(ext, (*DUMPS, JSON, TEXT, GZIP)) if dot else None
    return found.media_type if found else "application/octet-stream"


#: content codings (RFC 9110) of compressed release files, by extension
CODINGS = {GZIP.extension: "gzip"}


def content_of(filename: str) -> tuple[Format | None, str | None]:
    """What a release file holds and how it is compressed: ``x.ttl.gz`` -> (Turtle, "gzip"),
    ``x.ttl`` -> (Turtle, None); a compressed file of unknown content is gzip itself, and a
    file of an unknown extension is (None, None)."""
    stem, dot, ext = filename.rpartition(".")
    known = (*GRAPHS, JSON, TEXT)
    if dot and ext in CODINGS:
        inner = by_extension(stem.rpartition(".")[2], known) if "." in stem else None
        return (inner, CODINGS[ext]) if inner else (GZIP, None)
    return (by_extension(ext, known) if dot else None), None
