"""Serialize the release: deterministic dumps, their gzip and checksums (the description of the
release, VoID and DCAT, is :mod:`dprk_ld.release.description`).

Two builds of the same input give byte-identical dumps: data nodes are never blank and the few
blank nodes of OWL and SHACL lists are given canonical labels (call `canonical` first), N-Triples and
N-Quads lines are sorted, Turtle and JSON-LD are written by pyoxigraph from the sorted N-Triples
(Turtle with the prefixes of :data:`dprk_ld.release.namespaces.PREFIXES`, JSON-LD expanded: full
IRIs, a node object per subject in that order), every literal as it is, and gzip files carry no
name and no time stamp. pyoxigraph writes them: rdflib's writers take minutes for a release a
hundred times ours (bench/README.md). The dumps' syntaxes, extensions and media types are those of
:data:`dprk_ld.formats.DUMPS`.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Callable
from itertools import islice

import pyoxigraph as ox
from rdflib import Graph

from dprk_ld import formats
from dprk_ld.release.canonical import Canonical
from dprk_ld.release.namespaces import GRAPH, PREFIXES
from dprk_ld.release.nogc import collector_paused
from dprk_ld.release.oxterms import ox_triples
from dprk_ld.release.turtle import turtle

DUMP = "dprk-ld"


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes (OWL and SHACL lists only) labelled from their content, so
    that their labels are the same in every build (rdflib's canonical labels); a read-only view of
    ``graph``, not a copy. Data nodes never are blank. Its prefixes are ours and the graph's."""
    view = Canonical(graph)
    for prefix, ns in [*PREFIXES.items(), *graph.namespaces()]:
        view.bind(prefix, ns, override=True)
    return view


#: triples handed to pyoxigraph at a time (memory: the lines of a release are sorted as bytes)
CHUNK = 20_000


def _nt_lines(graph: Graph, suffix: bytes = b"") -> list[bytes]:
    """The N-Triples lines of ``graph`` (without their newline), unsorted; with ``suffix``, each
    ends with it instead of its ``.`` (an N-Quads graph name)."""
    lines: list[bytes] = []
    triples = ox_triples(graph)
    while chunk := list(islice(triples, CHUNK)):
        text = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
        found = [line for line in text.split(b"\n") if line.strip()]
        lines.extend([line[:-1].rstrip() + suffix for line in found] if suffix else found)
    return lines


def _sorted(lines: list[bytes]) -> bytes:
    """The lines sorted (UTF-8 bytes sort as their characters do), each once, each ended. Each is
    let go as soon as it is written, so that the lines and the result are never held twice."""
    lines.sort(reverse=True)
    out, last = io.BytesIO(), None
    while lines:
        line = lines.pop()
        if line != last:
            out.write(line + b"\n")
            last = line
    return out.getvalue() or b"\n"


def ntriples(graph: Graph) -> bytes:
    return _sorted(_nt_lines(graph))


def nquads(graphs: dict[str, Graph]) -> bytes:
    lines: list[bytes] = []
    for name in sorted(graphs):
        lines += _nt_lines(graphs[name], f" <{GRAPH[name]}> .".encode())
    return _sorted(lines)


def _from_ntriples(nt: bytes, syntax: ox.RdfFormat) -> bytes:
    """Sorted N-Triples rewritten in another syntax, the triples in the same order."""
    return ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=syntax, prefixes=PREFIXES)


def fast_turtle(graph: Graph) -> bytes:
    """``graph`` as Turtle: its triples sorted as in N-Triples, grouped by subject."""
    return _from_ntriples(ntriples(graph), ox.RdfFormat.TURTLE)


def jsonld(graph: Graph) -> bytes:
    """``graph`` as (expanded) JSON-LD: a node object per subject, in N-Triples order."""
    return _from_ntriples(ntriples(graph), ox.RdfFormat.JSON_LD) + b"\n"


def write_dumps(union: Graph, graphs: dict[str, Graph],
                progress: Callable[[str], None] | None = None) -> dict[str, bytes]:
    """The dumps of the release by file name, one for each format of :data:`formats.DUMPS`: the
    union graph in each, but N-Quads, which keeps ``graphs`` (name -> graph) apart. Each file made
    is reported to ``progress``."""
    with collector_paused():
        return _write_dumps(union, graphs, progress)


def _write_dumps(union: Graph, graphs: dict[str, Graph],
                 progress: Callable[[str], None] | None) -> dict[str, bytes]:
    nt = ntriples(union)
    writers: dict[formats.Format, Callable[[], bytes]] = {
        formats.TURTLE: lambda: _from_ntriples(nt, ox.RdfFormat.TURTLE),
        formats.NTRIPLES: lambda: nt,
        formats.JSONLD: lambda: _from_ntriples(nt, ox.RdfFormat.JSON_LD) + b"\n",
        formats.NQUADS: lambda: nquads(graphs),
    }
    files = {}
    for f in formats.DUMPS:
        name = f"{DUMP}.{f.extension}"
        files[name] = writers[f]()
        if progress:
            progress(f"{name}: {len(files[name]):,} bytes")
    return files


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["DUMP", "canonical", "fast_turtle", "gz", "jsonld", "nquads", "ntriples", "sha256", "turtle",
           "write_dumps"]
