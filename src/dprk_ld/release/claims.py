"""The RDF of what makes claims comparable (docs/claims-model.md, sections 3 to 6): events and the
findings that report them, relations between findings, the disagreements the build finds,
organizations succeeded by others, and the penalty a law sets; :func:`add_claims` adds all of it
to the data graph. Times are the time entities of :mod:`dprk_ld.release.time` (``id/time/<key>``).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from dprk_ld.curation.disagreements import Disagreement, find_disagreements
from dprk_ld.curation.model import Entity, Event, Project
from dprk_ld.curation.relations import related
from dprk_ld.curation.successions import successions
from dprk_ld.release.namespaces import DPRK, ID, ORG, VOCAB
from dprk_ld.release.time import add_time, time_iri, time_label

#: relation field -> property
RELATION_PROPERTIES = {"refers_to": DPRK.refersTo, "follows": DPRK.follows,
                       "same_sentence": DPRK.sameSentenceAs}
SYMMETRIC = {"same_sentence"}


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def finding_key_iri(key: str) -> URIRef:
    return ID[f"finding/{key}"]


def event_iri(event: Event | str) -> URIRef:
    return ID[f"event/{event if isinstance(event, str) else event.id}"]


def org_iri(e: Entity) -> URIRef:
    return ID[f"org/{e.id}"]


def add_events(g: Graph, project: Project) -> None:
    """Each event, and ``dprk:reports`` from each finding that reports it."""
    for event in project.events:
        node = event_iri(event)
        g.add((node, RDF.type, DPRK.Event))
        if event.state:
            g.add((node, RDF.type, DPRK.State))
        g.add((node, RDFS.label, en(event.label)))
        g.add((node, DCTERMS.identifier, Literal(event.id)))
        if event.description:
            g.add((node, DCTERMS.description, en(event.description)))
        for key in event.findings:
            g.add((finding_key_iri(key), DPRK.reports, node))


def add_relations(g: Graph, project: Project) -> None:
    """``dprk:refersTo``, ``dprk:follows`` and ``dprk:sameSentenceAs`` (in both directions)."""
    for f in project.findings:
        node = finding_key_iri(f.key)
        for name, prop in RELATION_PROPERTIES.items():
            for key in related(f, name):
                g.add((node, prop, finding_key_iri(key)))
                if name in SYMMETRIC:
                    g.add((finding_key_iri(key), prop, node))


def add_penalties(g: Graph, project: Project) -> None:
    """``dprk:penaltyInLaw``: the penalty a law sets, as a legal qualification or a law states it."""
    for f in project.findings:
        for penalty in f.penalty:
            g.add((finding_key_iri(f.key), DPRK.penaltyInLaw, VOCAB[f"penalties/{penalty}"]))


def add_successions(g: Graph, project: Project) -> None:
    """An ``org:ChangeEvent`` for each organization succeeded by another, and ``dprk:succeededBy``."""
    for old, new in successions(project.entities):
        change = ID[f"org-change/{old.id}--{new.id}"]
        g.add((change, RDF.type, ORG.ChangeEvent))
        g.add((change, RDFS.label, en(f"{old.label} succeeded by {new.label}")))
        g.add((change, ORG.originalOrganization, org_iri(old)))
        g.add((change, ORG.resultingOrganization, org_iri(new)))
        g.add((org_iri(old), ORG.changedBy, change))
        g.add((org_iri(new), ORG.resultedFrom, change))
        g.add((org_iri(old), DPRK.succeededBy, org_iri(new)))
        if old.succession_date is not None:
            g.add((change, DPRK.time, add_time(g, old.succession_date)))


def measure_labels(root: Path) -> dict[str, str]:
    """English labels of the measures (``ontology/vocab/measures.ttl``), by measure id."""
    path = root / "ontology" / "vocab" / "measures.ttl"
    if not path.is_file():
        return {}
    vocab = Graph().parse(path, format="turtle")
    prefix = str(VOCAB["measures/"])
    return {str(s)[len(prefix):]: str(o) for s, o in vocab.subject_objects(SKOS.prefLabel)
            if str(s).startswith(prefix) and isinstance(o, Literal) and o.language == "en"}


def disagreement_label(d: Disagreement, events: dict[str, Event], measures: dict[str, str]) -> str:
    if d.differs_in == "date":
        return f"Sources differ on the date of: {events[d.about].label}"
    what = measures.get(d.about, d.about.replace("-", " "))
    when = f", {time_label(d.period)}" if d.period is not None else ""
    return f"Sources differ on the figure for: {what}{when} (unit: {d.unit})"


def add_disagreements(g: Graph, project: Project) -> None:
    """Each disagreement the build finds (see :mod:`dprk_ld.curation.disagreements`)."""
    events = {e.id: e for e in project.events}
    found = find_disagreements(project)
    measures = measure_labels(project.root) if any(d.differs_in == "value" for d in found) else {}
    for d in found:
        node = ID[f"disagreement/{d.id}"]
        g.add((node, RDF.type, DPRK.Disagreement))
        g.add((node, DCTERMS.identifier, Literal(d.id)))
        g.add((node, RDFS.label, en(disagreement_label(d, events, measures))))
        g.add((node, DPRK.differsIn, VOCAB[f"difference-kinds/{d.differs_in}"]))
        about = event_iri(d.about) if d.differs_in == "date" else VOCAB[f"measures/{d.about}"]
        g.add((node, DPRK.about, about))
        if d.period is not None:
            g.add((node, DPRK.referencePeriod, time_iri(d.period)))
        for key in d.claims:
            g.add((node, DPRK.claim, finding_key_iri(key)))


def add_claims(g: Graph, project: Project) -> None:
    """Everything of this module, added to the data graph ``g``."""
    add_events(g, project)
    add_relations(g, project)
    add_penalties(g, project)
    add_successions(g, project)
    add_disagreements(g, project)


__all__ = ["add_claims", "add_disagreements", "add_events", "add_penalties", "add_relations",
           "add_successions", "disagreement_label", "event_iri", "measure_labels"]
