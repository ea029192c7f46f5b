"""The release's metadata for a DataCite record: ``datacite.json``.

DataCite's Metadata Schema 4.5, written as the JSON ``attributes`` of its REST API (``titles``,
``creators``, ``publisher``, ``publicationYear``, ``types`` …), so that whoever registers the
dataset with DataCite starts from what the release says of itself rather than from a form filled
by hand. Everything comes from ``data/dataset.yaml`` (title, description, version, issued date,
license, keywords, homepage), its publisher (:func:`~dprk_ld.curation.publisher.publisher_of`)
and the release's own files: no DOI is invented, so the record has no ``doi`` and names the
dataset's IRI as an alternate identifier of type URL.

The creator is the publisher, an organization (``nameType`` Organizational), never a person.
Related identifiers point to the dumps (HasPart), the VoID/DCAT description (HasMetadata), the
SPARQL endpoint (IsSupplementedBy, a Service) and the sources the findings are drawn from
(IsDerivedFrom).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from dprk_ld import formats
from dprk_ld.curation.publisher import publisher_of
from dprk_ld.release.namespaces import BASE, DATASET_IRI

FILE = "datacite.json"
SCHEMA_VERSION = "http://datacite.org/schema/kernel-4"
#: licenses we can name by their SPDX identifier, by their address
SPDX_LICENSES = {
    "https://creativecommons.org/licenses/by/4.0/": ("Creative Commons Attribution 4.0 International",
                                                     "CC-BY-4.0"),
}
#: release files described as metadata, not as a part of the data
METADATA_FILES = ("void.ttl",)


def _rights(license_url: str) -> list[dict[str, str]]:
    if not license_url:
        return []
    known = SPDX_LICENSES.get(license_url)
    if known is None:
        return [{"rightsUri": license_url}]
    name, spdx = known
    return [{"rights": name, "rightsUri": license_url, "rightsIdentifier": spdx,
             "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}]


def _dumps(files: Mapping[str, bytes]) -> list[str]:
    """The data dumps of the release (and their gzip), by name."""
    names = {f"dprk-ld.{f.extension}" for f in formats.DUMPS}
    return sorted(n for n in files if n in names or n.removesuffix(".gz") in names)


def _related(files: Mapping[str, bytes], sources: Iterable[str]) -> list[dict[str, str]]:
    related = [{"relatedIdentifier": f"{BASE}dumps/{name}", "relatedIdentifierType": "URL",
                "relationType": "HasPart", "resourceTypeGeneral": "Dataset"}
               for name in _dumps(files)]
    related += [{"relatedIdentifier": f"{BASE}dumps/{name}", "relatedIdentifierType": "URL",
                 "relationType": "HasMetadata"} for name in METADATA_FILES if name in files]
    related.append({"relatedIdentifier": f"{BASE}sparql", "relatedIdentifierType": "URL",
                    "relationType": "IsSupplementedBy", "resourceTypeGeneral": "Service"})
    related += [{"relatedIdentifier": url, "relatedIdentifierType": "URL",
                 "relationType": "IsDerivedFrom"} for url in sorted(set(sources))]
    return related


def datacite_record(dataset: Mapping[str, Any], files: Mapping[str, bytes], *, triples: int,
                    findings: int, sources: Iterable[str] = ()) -> dict[str, Any]:
    """The DataCite attributes of the release: ``dataset`` is dataset.yaml as read, ``files``
    the release's files so far (name -> bytes), ``sources`` the addresses of the sources."""
    publisher = publisher_of(dataset)
    issued = str(dataset.get("issued") or "")
    title = str(dataset.get("title") or "dprk-ld")
    record: dict[str, Any] = {
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Linked data (RDF)"},
        "titles": [{"title": title, "lang": "en"}],
        "creators": [{"name": publisher.name, "nameType": "Organizational"}],
        "publisher": {"name": publisher.name},
        "publicationYear": issued[:4],
        "version": str(dataset.get("version") or ""),
        "language": "en",
        "url": str(dataset.get("homepage") or publisher.homepage),
        "alternateIdentifiers": [{"alternateIdentifier": DATASET_IRI,
                                  "alternateIdentifierType": "URL"}],
        "dates": [{"date": issued, "dateType": "Issued"}] if issued else [],
        "descriptions": ([{"description": " ".join(str(dataset["description"]).split()),
                           "descriptionType": "Abstract", "lang": "en"}]
                         if dataset.get("description") else []),
        "subjects": [{"subject": str(k), "lang": "en"} for k in dataset.get("keywords") or []],
        "rightsList": _rights(str(dataset.get("license") or "")),
        "formats": sorted({formats.media_type_of(n.removesuffix(".gz")) for n in _dumps(files)}),
        "sizes": [f"{triples} triples", f"{findings} findings",
                  *(f"{name}: {len(files[name])} bytes" for name in _dumps(files))],
        "relatedIdentifiers": _related(files, sources),
        "schemaVersion": SCHEMA_VERSION,
    }
    return {key: value for key, value in record.items() if value not in ("", [])}


def datacite_json(dataset: Mapping[str, Any], files: Mapping[str, bytes], *, triples: int,
                  findings: int, sources: Iterable[str] = ()) -> bytes:
    """:func:`datacite_record` as the bytes of ``datacite.json`` (the same for the same input)."""
    record = datacite_record(dataset, files, triples=triples, findings=findings, sources=sources)
    return (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


__all__ = ["FILE", "datacite_json", "datacite_record"]
