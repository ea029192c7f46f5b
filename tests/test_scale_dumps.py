"""The release the build writes at scale is the release it wrote before: the digests of the
findings are read off the N-Quads lines as pyoxigraph's parser reads them, and the data graph
of a build is the union without the ontology's own triples, held once."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from dprk_ld.release.build import assemble
from dprk_ld.release.diff import digests, triples_of
from dprk_ld.release.dumps import DUMP, data_triples
from dprk_ld.release.memory import Without

REPO = Path(__file__).resolve().parents[1]


def test_the_lines_give_the_triples_the_parser_gives(real_release: Path) -> None:
    nq = (real_release / f"{DUMP}.nq").read_bytes()
    parsed = list(triples_of(nq))
    assert len(parsed) > 10_000
    assert list(data_triples(nq)) == parsed
    assert digests(data_triples(nq)) == digests(iter(parsed))


def test_a_literal_with_spaces_and_escapes_is_read_whole() -> None:
    nq = ('<https://w3id.org/dprk-ld/id/finding/a/b> <https://example.org/p> "a \\"b\\" <c> .\\n d"@en '
          '<https://w3id.org/dprk-ld/graph/data> .\n'
          '<https://example.org/s> <https://example.org/p> "x" <https://w3id.org/dprk-ld/graph/ontology> .\n')
    assert list(data_triples(nq.encode())) == list(triples_of(nq.encode()))
    assert len(list(data_triples(nq.encode()))) == 1


def test_the_data_graph_is_the_union_without_the_ontology(mini: Path) -> None:
    release = assemble(mini)
    assert isinstance(release.data, Without)
    assert release.data.whole is release.union
    ontology_only = {t for t in release.ontology if t not in release.data}
    assert set(release.union) == set(release.data) | set(release.ontology)
    assert len(release.data) == len(release.union) - len(ontology_only)
    assert isinstance(release.union, Graph) and not release.union.store.context_aware
