"""Discovery: how programs and crawlers find the dataset and its parts, as plain functions.

* :func:`void_graph`: the release's VoID/DCAT description, its own graph in the store, loaded
  from the release's ``void.ttl`` and served as it is: the build made all of it (example and root
  resources, vocabularies, linksets …, :mod:`dprk_ld.release.description`), so that
  ``/.well-known/void`` and the dataset IRI's document are the graph the release dumps;
  :func:`link_counts` counts the links of the linksets again from the store.
* :func:`sitemap_xml` (every document of the release, :func:`document_paths`) and
  :func:`robots_txt`, with the site's public address (never a request's Host).
* :func:`release_file`: a file of the release that may be downloaded, and no other path.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import VOID

from dprk_ld.release.namespaces import GRAPH, VCARD
from dprk_ld.release.void import LINK_PREDICATES, count_links
from dprk_ld.site.graphs import new_graph, to_rdflib_triple
from dprk_ld.site.state import Site

#: pages of the site that are not documents of a thing, listed first in the sitemap
SITE_PAGES = ("/", "/sparql", "/ontology", "/shapes", "/disagreements")
MAX_SITEMAP_URLS = 50_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def link_counts(store: Any, base: str) -> Counter[tuple[str, str]]:
    """Link triples from our IRIs to each external dataset, by (target key, predicate IRI)."""
    triples = (
        (q.subject.value, pred, q.object.value)
        for pred in LINK_PREDICATES
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None)
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
    )
    return count_links(triples, base)


def void_graph(s: Site) -> Graph:
    """The release's VoID/DCAT description: its ``void`` graph, every triple as the release's
    ``void.ttl`` says it, nothing added."""
    def build() -> Graph:
        g = new_graph()
        g.bind("void", VOID)
        g.bind("vcard", VCARD)
        # in N-Triples order: the same bytes from every store (see describe._with_neighbours)
        quads = s.store.quads_for_pattern(None, None, None, ox.NamedNode(str(GRAPH["void"])))
        for q in sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object))):
            g.add(to_rdflib_triple(q))
        return g

    return s.cached("void", build)


def document_paths(s: Site) -> list[str]:
    """The path of every document of the release: one per thing it mints (not its hash parts)."""
    def build() -> list[str]:
        paths: set[str] = set()
        for q in s.store.quads_for_pattern(None, None, None):
            for term in (q.subject, q.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(s.base) and "#" not in term.value:
                    rest = term.value[len(s.base):]
                    if rest.startswith(("id/", "vocab/")) or rest == "dataset":
                        paths.add("/doc/" + rest)
        return sorted(paths)

    return s.cached("document_paths", build)


def sitemap_xml(s: Site) -> str:
    """The sitemap of the site at its public address: its pages and every document of the
    release."""
    paths = [*SITE_PAGES, *document_paths(s)][:MAX_SITEMAP_URLS]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    lines.extend(f"<url><loc>{xml_escape(s.absolute(p))}</loc></url>" for p in paths)
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(s: Site) -> str:
    """robots.txt: crawl everything but query results; the sitemap at the public address."""
    return ("User-agent: *\n"
            "Allow: /\n"
            "# query results are endless: crawl the documents, or download the dumps\n"
            "Disallow: /sparql?\n"
            f"Sitemap: {s.absolute('/sitemap.xml')}\n")


def release_file(s: Site, name: str) -> tuple[Path, dict[str, Any]] | None:
    """A path that opens the release file ``name`` and its metadata, if the release publishes
    it: only the files of ``release.json`` (and the release's record and checksums), inside the
    release folder, are ever found (read through the site's own descriptors when pinned)."""
    meta = s.release_files().get(name)
    path = s.file_path(name) if meta is not None else None
    return (path, meta) if path is not None and meta is not None else None


__all__ = ["document_paths", "link_counts", "release_file", "robots_txt", "sitemap_xml", "void_graph"]
