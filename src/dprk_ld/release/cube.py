"""Figures as W3C Data Cube series: every measure with figures for two or more different reference
periods is a recurring measure, published as a ``qb:DataSet`` ``id/series/<measure>`` of the one
structure ``dprk:FigureStructure`` (declared in the ontology: dimensions ``dprk:referencePeriod``
and ``dprk:claim``, measure ``dprk:value``, attributes ``dprk:unit``, ``dprk:qualifier`` and
``dcterms:source``). Each figure of such a measure that has a value is also a ``qb:Observation``
of its series: the quantity node itself, which then names its finding and its source."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from dprk_ld.curation.model import Finding, Project, Quantity
from dprk_ld.release.namespaces import DPRK, ID, QB, VOCAB


@dataclass(frozen=True)
class Figure:
    """A quantity of a finding, with its node's IRI."""

    finding: Finding
    n: int  # its place among the finding's quantities, from 1
    quantity: Quantity

    @property
    def iri(self) -> URIRef:
        return ID[f"finding/{self.finding.key}#quantity-{self.n}"]


def series_iri(measure: str) -> URIRef:
    return ID[f"series/{measure}"]


def figures_by_measure(project: Project) -> dict[str, list[Figure]]:
    """Every figure of the data, by its measure."""
    found: dict[str, list[Figure]] = defaultdict(list)
    for f in project.findings:
        for n, q in enumerate(f.quantities, 1):
            if q.measure:
                found[q.measure].append(Figure(f, n, q))
    return found


def recurring_measures(project: Project) -> dict[str, list[Figure]]:
    """The measures with figures for two or more different reference periods, and their figures."""
    return {
        measure: figures
        for measure, figures in sorted(figures_by_measure(project).items())
        if len({fig.quantity.period.key for fig in figures if fig.quantity.period}) >= 2
    }


def measure_label(project: Project, measure: str) -> str:
    """The English label of a measure, from the vocabulary the project was loaded with."""
    labels: dict[str, str] = getattr(project.concepts, "labels", {})
    return labels.get(f"measures/{measure}", measure.replace("-", " "))


def add_series(g: Graph, project: Project) -> None:
    """A ``qb:DataSet`` per recurring measure, and its observations."""
    for measure, figures in recurring_measures(project).items():
        series = series_iri(measure)
        label = Literal(f"{measure_label(project, measure)}: figures by reference period", lang="en")
        g.add((series, RDF.type, QB.DataSet))
        g.add((series, QB.structure, DPRK.FigureStructure))
        g.add((series, RDFS.label, label))
        g.add((series, DCTERMS.title, label))
        g.add((series, DCTERMS.identifier, Literal(measure)))
        g.add((series, DPRK.measure, VOCAB[f"measures/{measure}"]))
        for fig in figures:
            if fig.quantity.value is None:
                continue
            g.add((fig.iri, RDF.type, QB.Observation))
            g.add((fig.iri, QB.dataSet, series))
            g.add((fig.iri, DPRK.claim, ID[f"finding/{fig.finding.key}"]))
            g.add((fig.iri, DCTERMS.source, ID[f"source/{fig.finding.source}"]))


__all__ = ["Figure", "add_series", "figures_by_measure", "measure_label", "recurring_measures",
           "series_iri"]
