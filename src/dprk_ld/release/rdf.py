"""Turn the loaded, checked data into RDF under the dprk-ld ontology. No blank nodes: every node
has an IRI (hash IRIs for the parts of a finding), so that dumps are stable from build to build."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from dprk_ld.curation.dates import Date, Period
from dprk_ld.curation.model import FINDING_KINDS, Entity, Finding, Project, Source
from dprk_ld.release.claims import add_claims
from dprk_ld.release.cube import add_series
from dprk_ld.release.memory import Triples
from dprk_ld.release.namespaces import BIBO, DATASET_IRI, DPRK, ID, OA, ORG, PREFIXES, VOCAB, WD
from dprk_ld.release.time import add_finding_time, add_time

GEONAMES = "https://sws.geonames.org/{}/"
INSTRUMENT_CLASS = {
    "treaty": DPRK.Treaty,
    "law": DPRK.Law,
    "decree": DPRK.Decree,
    "resolution": DPRK.Resolution,
}
DATATYPE = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}
ENTITY_CLASS = {"place": DPRK.Place, "org": ORG.Organization, "person": FOAF.Person, "topic": DPRK.Topic}


def new_graph(simple: bool = False) -> Graph:
    """A graph with our prefixes; ``simple``: in rdflib's ``SimpleMemory`` store, which keeps no
    contexts (a third less time to fill and to read, and less memory, for the release's data)."""
    g = Graph(store=Triples()) if simple else Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def concept(scheme: str, cid: str) -> URIRef:
    return VOCAB[f"{scheme}/{cid}"]


def source_iri(sid: str) -> URIRef:
    return ID[f"source/{sid}"]


def finding_iri(f: Finding) -> URIRef:
    return ID[f"finding/{f.key}"]


def entity_iri(e: Entity) -> URIRef:
    return ID[f"{e.kind}/{e.id}"]


def date_literal(d: Date) -> Literal:
    return Literal(d.lexical, datatype=DATATYPE[d.precision])


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def decimal_literal(d: Decimal) -> Literal:
    """An xsd:decimal in its XSD 1.1 canonical lexical form (4, 1.5, 0), the form the query
    engine keeps: what /sparql serves is then what the dumps say."""
    text = "0" if d.is_zero() else format(d.normalize(), "f")
    return Literal(text, datatype=XSD.decimal)


def _period(g: Graph, node: URIRef, period: Period) -> None:
    g.add((node, RDF.type, DCTERMS.PeriodOfTime))
    if period.start:
        g.add((node, DCAT.startDate, date_literal(period.start)))
    if period.end:
        g.add((node, DCAT.endDate, date_literal(period.end)))


def add_source(g: Graph, src: Source, project: Project) -> None:
    s = source_iri(src.id)
    text = ID[f"source/{src.id}/text"]
    g.add((s, RDF.type, DPRK.SourceDocument))
    g.add((s, DCTERMS.identifier, Literal(src.id)))
    g.add((s, DCTERMS.title, en(src.title)))
    g.add((s, RDFS.label, en(src.title)))
    g.add((s, DCTERMS.publisher, entity_iri(project.entities[src.publisher])))
    g.add((s, BIBO.edition, Literal(src.edition)))
    g.add((s, DCTERMS.issued, date_literal(src.issued)))
    g.add((s, DCTERMS.language, Literal(src.language, datatype=XSD.language)))
    g.add((s, DPRK.canonicalAddress, URIRef(src.url)))
    covers = URIRef(f"{s}#covers")
    g.add((s, DCTERMS.temporal, covers))
    _period(g, covers, src.covers)
    if src.note:
        g.add((s, SKOS.note, en(src.note)))
    g.add((s, DPRK.archivedText, text))
    g.add((text, RDF.type, DPRK.ArchivedText))
    g.add((text, RDFS.label, en(f"Archived text of {src.title}")))
    g.add((text, DCTERMS.isFormatOf, s))
    g.add((text, DCTERMS.format, Literal("text/plain; charset=utf-8")))
    g.add((text, DPRK.sha256, Literal(src.sha256)))
    g.add((text, DPRK.characterCount, Literal(len(src.text), datatype=XSD.integer)))
    g.add((text, DPRK.bodyStart, Literal(src.body_start, datatype=XSD.integer)))
    g.add((text, DPRK.bodyEnd, Literal(src.body_end, datatype=XSD.integer)))
    if src.seed:
        g.add((text, DPRK.captureFile, Literal(src.seed)))
    for n, sec in enumerate(src.sections, 1):
        node = ID[f"source/{src.id}/section/{sec.id}"]
        title = f"{sec.title} (untitled opening)" if sec.untitled else sec.title
        g.add((node, RDF.type, DPRK.Section))
        g.add((node, DCTERMS.title, en(title)))
        g.add((node, RDFS.label, en(title)))
        g.add((node, DCTERMS.isPartOf, s))
        g.add((s, DCTERMS.hasPart, node))
        g.add((node, DPRK.sectionOrder, Literal(n, datatype=XSD.integer)))
        g.add((node, DPRK.startOffset, Literal(sec.start, datatype=XSD.integer)))
        g.add((node, DPRK.endOffset, Literal(sec.end, datatype=XSD.integer)))


def add_entity(g: Graph, e: Entity, project: Project) -> None:
    node = entity_iri(e)
    if e.kind == "instrument":
        g.add((node, RDF.type, DPRK.LegalInstrument))
        g.add((node, RDF.type, INSTRUMENT_CLASS[str(e.type)]))
    else:
        g.add((node, RDF.type, ENTITY_CLASS[e.kind]))
    g.add((node, RDFS.label, en(e.label)))
    g.add((node, SKOS.prefLabel, en(e.label)))
    g.add((node, DCTERMS.identifier, Literal(e.id)))
    if e.ko:
        g.add((node, SKOS.prefLabel, Literal(e.ko, lang="ko")))
    for alt in e.alt:
        g.add((node, SKOS.altLabel, en(alt)))
    if e.description:
        g.add((node, DCTERMS.description, en(e.description)))
    if e.kind == "place":
        g.add((node, DPRK.placeType, concept("place-types", str(e.type))))
        if e.within:
            g.add((node, DPRK.locatedIn, ID[f"place/{e.within}"]))
        names = {
            "iso3166_alpha2": DPRK.iso3166Alpha2,
            "iso3166_alpha3": DPRK.iso3166Alpha3,
            "iso3166_numeric": DPRK.iso3166Numeric,
            "cow": DPRK.cowCode,
        }
        for key, value in sorted(e.codes.items()):
            g.add((node, names[key], Literal(value)))
    elif e.kind == "org":
        g.add((node, DPRK.actorType, concept("actor-types", str(e.type))))
        if e.within:
            g.add((node, ORG.subOrganizationOf, ID[f"org/{e.within}"]))
        if e.country:
            g.add((node, DPRK.country, ID[f"place/{e.country}"]))
    elif e.kind == "person":
        g.add((node, FOAF.name, Literal(e.label)))
        for m in e.member_of:
            g.add((node, ORG.memberOf, ID[f"org/{m}"]))
    elif e.kind == "instrument" and e.jurisdiction:
        g.add((node, DPRK.jurisdiction, ID[f"place/{e.jurisdiction}"]))
    if e.wikidata:
        g.add((node, OWL.sameAs, WD[e.wikidata]))
    if e.geonames:
        g.add((node, OWL.sameAs, URIRef(GEONAMES.format(e.geonames))))


def add_finding(g: Graph, f: Finding, project: Project) -> None:
    """A finding: what it says and when, who and what it names, its figures and its evidence."""
    node = finding_iri(f)
    g.add((node, RDF.type, DPRK.Finding))
    g.add((node, RDF.type, DPRK[FINDING_KINDS[f.kind]]))
    g.add((node, DCTERMS.identifier, Literal(f.key)))
    g.add((node, DPRK.summary, en(f.summary)))
    g.add((node, DCTERMS.source, source_iri(f.source)))
    g.add((node, PROV.wasDerivedFrom, source_iri(f.source)))
    g.add((node, DPRK.section, ID[f"source/{f.source}/section/{f.section.id}"]))
    g.add((node, DPRK.certainty, concept("certainty", f.certainty)))
    add_finding_time(g, node, f)
    if f.victims:
        g.add((node, DPRK.victimDescription, en(f.victims)))
    if f.note:
        g.add((node, SKOS.editorialNote, en(f.note)))
    _finding_entities(g, node, f, project.entities)
    _finding_concepts(g, node, f)
    _quantities(g, node, f)
    _sentences(g, node, f)
    _evidence(g, node, f)


def _finding_entities(g: Graph, node: URIRef, f: Finding, ent: dict[str, Entity]) -> None:
    for prop, ids in (
        (DPRK.accordingTo, f.according_to),
        (DPRK.perpetrator, f.perpetrators),
        (DPRK.actor, f.actors),
        (DPRK.target, f.targets),
        (DPRK.addressee, f.addressees),
        (DPRK.concerns, f.concerns),
        (DPRK.qualifiedBy, f.qualified_by),
        (DCTERMS.spatial, f.places),
        (DPRK.instrument, f.instruments),
        (DPRK.topic, f.topics),
    ):
        for i in ids:
            g.add((node, prop, entity_iri(ent[i])))
    if f.organization:
        g.add((node, DPRK.membershipOf, entity_iri(ent[f.organization])))


def _finding_concepts(g: Graph, node: URIRef, f: Finding) -> None:
    for prop, scheme, ids in (
        (DPRK.affectedGroup, "affected-groups", f.affected),
        (DPRK.violationType, "violation-types", f.violations),
        (DPRK.rightConcerned, "rights", f.rights),
        (DPRK.institution, "institutions", f.institutions),
        (DPRK.legalQualification, "legal-qualifications", f.qualifications),
    ):
        for i in ids:
            g.add((node, prop, concept(scheme, i)))
    if f.response:
        g.add((node, DPRK.responseType, concept("response-types", f.response)))
    if f.status:
        g.add((node, DPRK.status, concept("statuses", f.status)))


def _quantities(g: Graph, node: URIRef, f: Finding) -> None:
    for n, q in enumerate(f.quantities, 1):
        qn = URIRef(f"{node}#quantity-{n}")
        g.add((node, DPRK.quantity, qn))
        g.add((qn, RDF.type, DPRK.Quantity))
        for prop, value in ((DPRK.value, q.value), (DPRK.minValue, q.minimum), (DPRK.maxValue, q.maximum)):
            if value is not None:
                g.add((qn, prop, decimal_literal(value)))
        for alternative in q.alternatives:
            g.add((qn, DPRK.alternativeValue, decimal_literal(alternative)))
        if q.ordinal is not None:
            g.add((qn, DPRK.ordinal, Literal(q.ordinal, datatype=XSD.integer)))
        g.add((qn, DPRK.unit, concept("units", q.unit)))
        g.add((qn, DPRK.qualifier, concept("quantity-qualifiers", q.qualifier)))
        if q.measure:
            g.add((qn, DPRK.measure, concept("measures", q.measure)))
        if q.period is not None:
            g.add((qn, DPRK.referencePeriod, add_time(g, q.period)))
        if q.counted:
            g.add((qn, DPRK.counted, en(q.counted)))


def _sentences(g: Graph, node: URIRef, f: Finding) -> None:
    for n, s in enumerate(f.sentences, 1):
        sn = URIRef(f"{node}#sentence-{n}")
        g.add((node, DPRK.sentence, sn))
        g.add((sn, RDF.type, DPRK.Sentence))
        g.add((sn, DPRK.convicted, en(s.convicted)))
        g.add((sn, DPRK.penalty, concept("penalties", s.penalty)))
        if s.duration:
            g.add((sn, DPRK["term"], Literal(s.duration, datatype=XSD.duration)))


def _evidence(g: Graph, node: URIRef, f: Finding) -> None:
    """One Web Annotation a quote: the finding is its body, the quoted text its target."""
    text = ID[f"source/{f.source}/text"]
    for n, q in enumerate(f.quotes, 1):
        ev = ID[f"evidence/{f.key}/{n}"]
        target, quote, pos = (URIRef(f"{ev}#{part}") for part in ("target", "quote", "position"))
        g.add((node, DPRK.evidence, ev))
        g.add((ev, RDF.type, DPRK.Evidence))
        g.add((ev, RDF.type, OA.Annotation))
        g.add((ev, OA.hasBody, node))
        g.add((ev, OA.hasTarget, target))
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, text))
        g.add((target, OA.hasSelector, quote))
        g.add((target, OA.hasSelector, pos))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(q.exact)))
        g.add((quote, OA.prefix, Literal(q.prefix)))
        g.add((quote, OA.suffix, Literal(q.suffix)))
        g.add((pos, RDF.type, OA.TextPositionSelector))
        # xsd:integer (the shapes say >= 0), not xsd:nonNegativeInteger, which the query engine
        # stores as xsd:integer
        g.add((pos, OA.start, Literal(q.start, datatype=XSD.integer)))
        g.add((pos, OA.end, Literal(q.end, datatype=XSD.integer)))


def add_dataset(g: Graph, project: Project) -> None:
    """The dataset node: what the release is, its license; VoID/DCAT add counts and dumps."""
    ds = URIRef(DATASET_IRI)
    meta = project.dataset
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, en(str(meta.get("title", "dprk-ld")))))
    g.add((ds, RDFS.label, en(str(meta.get("title", "dprk-ld")))))
    if meta.get("description"):
        g.add((ds, DCTERMS.description, en(" ".join(str(meta["description"]).split()))))
    if meta.get("license"):
        g.add((ds, DCTERMS.license, URIRef(str(meta["license"]))))
    for src in project.sources.values():
        g.add((ds, DCTERMS.source, source_iri(src.id)))


LINK_PREDICATE = {"sameAs": OWL.sameAs, "exactMatch": SKOS.exactMatch, "closeMatch": SKOS.closeMatch}


def external_iri(system: str, ident: str) -> URIRef:
    return WD[ident] if system == "wikidata" else URIRef(GEONAMES.format(ident))


def add_links(g: Graph, project: Project) -> None:
    """The links checked in data/reference/ (external-ids-checked.tsv, accepted review rows)."""
    for link in project.links:
        if "/" in link.entity:
            scheme, _, cid = link.entity.partition("/")
            node = concept(scheme, cid)
        else:
            node = entity_iri(project.entities[link.entity])
        g.add((node, LINK_PREDICATE[link.relation], external_iri(link.system, link.id)))


def data_graph(project: Project) -> Graph:
    """Sources, entities and findings: the curated content of the release."""
    g = new_graph(simple=True)
    add_dataset(g, project)
    for src in project.sources.values():
        add_source(g, src, project)
    for e in project.entities.values():
        add_entity(g, e, project)
    add_links(g, project)
    for f in project.findings:
        add_finding(g, f, project)
    add_series(g, project)
    add_claims(g, project)
    return g

