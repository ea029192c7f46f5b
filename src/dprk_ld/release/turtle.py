"""Turtle that says exactly the literals of the graph.

rdflib's Turtle writer gives numbers and booleans in their short form (``7``, ``true``, ``1.5``),
and to do so rewrites a literal whose lexical form is not a short form of its own: the xsd:decimal
``"800"`` (the canonical form, the one the query engine keeps) comes out as ``800.0``, which is
another literal. :func:`turtle` writes such a literal in full (``"800"^^xsd:decimal``) and every
other one as rdflib does, so that the Turtle dump and the Turtle documents say what the
N-Triples and N-Quads say and what the endpoint serves.
"""

from __future__ import annotations

from io import BytesIO

from rdflib import Graph, Literal
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node


class ExactTurtleSerializer(TurtleSerializer):
    """rdflib's Turtle serializer, but a literal is short only if that keeps its lexical form."""

    def label(self, node: Node, position: int) -> str:
        text = super().label(node, position)
        if isinstance(node, Literal) and node.datatype is not None and not text.startswith('"') \
                and text != str(node):
            # a datatype name that is not a prefixed name is written <iri>, as rdflib does
            return node._literal_n3(qname_callback=lambda iri: self.get_pname(iri, False))
        return text


def turtle(graph: Graph) -> bytes:
    """``graph`` as Turtle (UTF-8), rdflib's layout, every literal as it is."""
    out = BytesIO()
    ExactTurtleSerializer(graph).serialize(out, encoding="utf-8")
    return out.getvalue()


__all__ = ["ExactTurtleSerializer", "turtle"]
