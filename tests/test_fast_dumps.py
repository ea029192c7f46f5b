"""The dumps written by pyoxigraph say what rdflib's writers said: the N-Triples and N-Quads dumps
of the real data are byte for byte rdflib's (sorted lines of the graph with rdflib's canonical
blank node labels; the N-Quads dump keeps each graph apart), and the Turtle and JSON-LD dumps parse
to the very graph the build made."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic, to_canonical_graph

from dprk_ld.release.build import Release, assemble
from dprk_ld.release.dumps import DUMP, canonical, ntriples, write_dumps
from dprk_ld.release.namespaces import GRAPH
from dprk_ld.release.validate import load_shapes

REPO = Path(__file__).resolve().parents[1]


def rdflib_lines(graph: Graph, suffix: str = "") -> list[str]:
    """How the dumps were written before: rdflib's N-Triples of the canonical graph, sorted."""
    text = to_canonical_graph(graph).serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = {line for line in text.splitlines() if line.strip()}
    return sorted(f"{line[:-1].rstrip()}{suffix}" if suffix else line for line in lines)


@pytest.fixture(scope="module")
def release() -> Release:
    return assemble(REPO)


def test_ntriples_and_nquads_are_rdflibs_byte_for_byte(real_release: Path, release: Release) -> None:
    nt = (real_release / f"{DUMP}.nt").read_bytes()
    assert nt == ("\n".join(rdflib_lines(release.union)) + "\n").encode("utf-8")
    graphs = {"data": release.data, "ontology": release.ontology, "shapes": release.shapes}
    lines = [line for name, g in graphs.items() for line in rdflib_lines(g, f" <{GRAPH[name]}> .")]
    # but the shapes' labels start ``_:cs``: rdflib may give a node of two graphs one label
    lines = [line.replace("_:cb", "_:cs") if line.endswith(f"<{GRAPH['shapes']}> .") else line
             for line in lines]
    assert (real_release / f"{DUMP}.nq").read_bytes() == ("\n".join(sorted(lines)) + "\n").encode("utf-8")


def test_no_blank_node_label_names_nodes_of_two_graphs(real_release: Path) -> None:
    """In N-Quads a label names one node in the whole file: the ontology's list and a shape's
    list must not become one node (rdflib labelled one of each ``cb0``)."""
    graphs_of: dict[str, set[str]] = {}
    for line in (real_release / f"{DUMP}.nq").read_text(encoding="utf-8").splitlines():
        terms = line[:-2].split(" ")
        for term in (terms[0], terms[-2]):
            if term.startswith("_:"):
                graphs_of.setdefault(term, set()).add(terms[-1])
    assert graphs_of, "the release has blank nodes (OWL and SHACL lists)"
    assert {label: graphs for label, graphs in graphs_of.items() if len(graphs) > 1} == {}


@pytest.mark.parametrize(("name", "syntax"), [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")])
def test_each_dump_parses_to_the_graph_the_build_made(real_release: Path, release: Release, name: str,
                                                     syntax: str) -> None:
    dumped = Graph().parse(real_release / f"{DUMP}.{name}", format=syntax)
    assert len(dumped) == len(release.union)
    assert isomorphic(dumped, release.union)


def test_canonical_labels_are_rdflibs_and_do_not_depend_on_the_parse() -> None:
    first, second = load_shapes(REPO), load_shapes(REPO)
    assert {t for t in first if isinstance(t[0], BNode)} != {t for t in second if isinstance(t[0], BNode)}
    made = ntriples(canonical(first))
    assert made == ntriples(canonical(second))
    assert made == ("\n".join(rdflib_lines(first)) + "\n").encode("utf-8")
    assert len(canonical(first)) == len(first)


def test_writing_the_dumps_reports_each_file(release: Release) -> None:
    said: list[str] = []
    files = write_dumps(canonical(release.ontology), {"ontology": canonical(release.ontology)}, said.append)
    assert sorted(files) == sorted(f"{DUMP}.{ext}" for ext in ("ttl", "nt", "jsonld", "nq"))
    assert [line.split(":")[0] for line in said] == list(files)
