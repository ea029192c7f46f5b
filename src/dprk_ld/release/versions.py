"""The history of the releases as data: each version a ``dcat:Dataset`` with its date and
checksum, linked to the one before (``dcat:previousVersion``, ``prov:wasRevisionOf``), and the
findings each one added, changed and retired, compared by the digests the records keep."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, XSD

from dprk_ld.release.history import Record
from dprk_ld.release.namespaces import DATASET_IRI, DPRK, ID

# DCAT 3 terms for versions (rdflib's DCAT namespace is DCAT 2's)
HAS_VERSION, HAS_CURRENT_VERSION, PREVIOUS_VERSION, VERSION = (
    URIRef(str(DCAT) + name) for name in ("hasVersion", "hasCurrentVersion", "previousVersion", "version"))


def version_iri(version: str) -> URIRef:
    """A version's IRI: a fragment of the dataset's, so it resolves to the dataset's description,
    which holds the whole history."""
    return URIRef(f"{DATASET_IRI}#version-{version}")


@dataclass(frozen=True)
class Changes:
    added: list[str]
    changed: list[str]
    retired: list[str]

    def summary(self, before: str) -> str:
        return (f"Since version {before}: {len(self.added)} findings added, {len(self.changed)} "
                f"changed, {len(self.retired)} retired.")


def changes(before: dict[str, str], after: dict[str, str]) -> Changes:
    """Findings added, changed and retired, from two maps of finding key -> digest."""
    return Changes(sorted(set(after) - set(before)),
                   sorted(k for k in set(after) & set(before) if after[k] != before[k]),
                   sorted(set(before) - set(after)))


def history_graph(records: list[Record], current: Record) -> Graph:
    """Every published version and the one being built (if it is not published yet)."""
    versions = [r for r in records if r.version != current.version] + [current]
    versions.sort(key=lambda r: r.key)
    g = Graph()
    dataset = URIRef(DATASET_IRI)
    g.add((dataset, HAS_CURRENT_VERSION, version_iri(current.version)))
    previous: Record | None = None
    for record in versions:
        node = version_iri(record.version)
        g.add((dataset, HAS_VERSION, node))
        # a dcat:Resource, not a second dcat:Dataset: the dataset's description (publisher,
        # coverage, distributions) belongs to the dataset, and a version repeats none of it
        g.add((node, RDF.type, DCAT.Resource))
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, DCTERMS.title, Literal(f"dprk-ld, version {record.version}", lang="en")))
        g.add((node, VERSION, Literal(record.version)))
        if record.issued:
            g.add((node, DCTERMS.issued, Literal(record.issued, datatype=XSD.date)))
        g.add((node, DPRK.releaseId, Literal(record.release_id)))
        if previous is None:
            g.add((node, DCTERMS.description, Literal(
                f"The first published release: {len(record.findings)} findings.", lang="en")))
        else:
            diff = changes(previous.findings, record.findings)
            g.add((node, PREVIOUS_VERSION, version_iri(previous.version)))
            g.add((node, PROV.wasRevisionOf, version_iri(previous.version)))
            g.add((node, DCTERMS.description, Literal(diff.summary(previous.version), lang="en")))
            for prop, keys in ((DPRK.findingAdded, diff.added), (DPRK.findingChanged, diff.changed),
                               (DPRK.findingRetired, diff.retired)):
                for key in keys:
                    g.add((node, prop, ID[f"finding/{key}"]))
        previous = record
    return g
