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
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from dprk_ld import formats
from dprk_ld.release.canonical import Canonical
from dprk_ld.release.memory import Without
from dprk_ld.release.namespaces import GRAPH, PREFIXES
from dprk_ld.release.nogc import collector_paused
from dprk_ld.release.oxterms import ox_triples
from dprk_ld.release.turtle import turtle

DUMP = "dprk-ld"


def canonical(graph: Graph, prefix: str = "cb") -> Graph:
    """The graph with its blank nodes (OWL and SHACL lists only) labelled from their content, so
    that their labels are the same in every build (rdflib's canonical labels, after ``prefix``);
    a read-only view of ``graph``, not a copy. Data nodes never are blank. Its prefixes are ours
    and the graph's."""
    view = Canonical(graph, prefix)
    for prefix, ns in [*PREFIXES.items(), *graph.namespaces()]:
        view.bind(prefix, ns, override=True)
    return view


#: triples handed to pyoxigraph at a time (memory: the lines of a release are sorted as bytes)
CHUNK = 20_000


def _nt_lines(graph: Iterable[tuple[Node, Node, Node]], suffix: bytes = b"") -> list[bytes]:
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


def nquads(graphs: dict[str, Graph], union: Graph | None = None,
           union_lines: list[bytes] | None = None) -> bytes:
    """The N-Quads of ``graphs`` (name -> graph). A graph that is the ``union`` without some
    triples (:class:`~dprk_ld.release.rdf.Without`, the data graph of a build) is written from
    ``union_lines``, the union's N-Triples lines, rather than turned into them a second time."""
    lines: list[bytes] = []
    for name in sorted(graphs):
        suffix = f" <{GRAPH[name]}> .".encode()
        part = _part_lines(graphs[name], union, union_lines)
        if part is None:
            lines += _nt_lines(graphs[name], suffix)
        else:
            lines += [line[:-1].rstrip() + suffix for line in part]
    return _sorted(lines)


def _part_lines(graph: Graph, union: Graph | None, union_lines: list[bytes] | None
                ) -> list[bytes] | None:
    """The N-Triples lines of ``graph`` taken from ``union_lines`` when ``graph`` is ``union`` (or
    the graph a canonical view of it shows) without some triples; None when it is not."""
    base = union._base if isinstance(union, Canonical) else union
    if union_lines is None or not isinstance(graph, Without) or graph.whole is not base:
        return None
    labels = union.labels() if isinstance(union, Canonical) else {}
    removed = set(_nt_lines([(labels.get(s, s), p, labels.get(o, o)) for s, p, o in graph.removed]))
    return [line for line in union_lines if line not in removed]


def _from_ntriples(nt: bytes, syntax: ox.RdfFormat) -> bytes:
    """Sorted N-Triples rewritten in another syntax, the triples in the same order."""
    return ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=syntax, prefixes=PREFIXES)


def fast_turtle(graph: Graph) -> bytes:
    """``graph`` as Turtle: its triples sorted as in N-Triples, grouped by subject."""
    return _from_ntriples(ntriples(graph), ox.RdfFormat.TURTLE)


def jsonld(graph: Graph) -> bytes:
    """``graph`` as (expanded) JSON-LD: a node object per subject, in N-Triples order."""
    return _from_ntriples(ntriples(graph), ox.RdfFormat.JSON_LD) + b"\n"


#: what is told of each file as it is made: its name and its bytes
Made = Callable[[str, bytes], None]


def write_dumps(union: Graph, graphs: dict[str, Graph],
                progress: Callable[[str], None] | None = None, made: Made | None = None,
                lines: list[bytes] | None = None) -> dict[str, bytes]:
    """The dumps of the release by file name, one for each format of :data:`formats.DUMPS`: the
    union graph in each, but N-Quads, which keeps ``graphs`` (name -> graph) apart. Each file made
    is reported to ``progress``, and handed to ``made`` (to compress it meanwhile, say).
    ``lines``: the union's :func:`nt_lines` if already made (they are used up)."""
    with collector_paused():
        return _write_dumps(union, graphs, progress, made, lines)


def nt_lines(graph: Graph) -> list[bytes]:
    """The N-Triples lines of ``graph`` (a canonical view), unsorted, without their newlines."""
    with collector_paused():
        return _nt_lines(graph)


def _write_dumps(union: Graph, graphs: dict[str, Graph], progress: Callable[[str], None] | None,
                 made: Made | None, lines: list[bytes] | None) -> dict[str, bytes]:
    union_lines = _nt_lines(union) if lines is None else lines
    quads = nquads(graphs, union, union_lines)  # first: it reads the union's lines, nt uses them up
    nt = _sorted(union_lines)
    writers: dict[formats.Format, Callable[[], bytes]] = {
        formats.TURTLE: lambda: _from_ntriples(nt, ox.RdfFormat.TURTLE),
        formats.NTRIPLES: lambda: nt,
        formats.JSONLD: lambda: _from_ntriples(nt, ox.RdfFormat.JSON_LD) + b"\n",
        formats.NQUADS: lambda: quads,
    }
    files = {}
    ready = [f for f in formats.DUMPS if f in (formats.NTRIPLES, formats.NQUADS)]
    for f in ready + [f for f in formats.DUMPS if f not in ready]:  # the ones made already first
        name = f"{DUMP}.{f.extension}"
        files[name] = writers[f]()
        if made:
            made(name, files[name])
        if progress:
            progress(f"{name}: {len(files[name]):,} bytes")
    return files


def data_triples(nq: bytes) -> Iterator[tuple[str, str, str]]:
    """The data graph's triples of an N-Quads dump written here, each term in N-Triples syntax, as
    :func:`dprk_ld.release.diff.triples_of` gives them, but read off the lines as they are (a
    subject and a predicate hold no space; the line ends with the graph name) rather than parsed:
    a third of the time."""
    suffix = f" <{GRAPH['data']}> .\n".encode()
    cut = len(suffix)
    for line in io.BytesIO(nq):  # one line at a time (a list of them all would double the dump)
        if line.endswith(suffix):
            s, p, o = line[:-cut].split(b" ", 2)
            yield s.decode(), p.decode(), o.decode()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["DUMP", "canonical", "data_triples", "fast_turtle", "gz", "jsonld", "nquads", "nt_lines",
           "ntriples", "sha256", "turtle", "write_dumps"]
