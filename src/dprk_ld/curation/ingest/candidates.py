"""Candidate findings: one per sentence of the body, or per clause where :mod:`~.clauses` cuts
a sentence, with the suggestions of the rules, in the curation format (docs/curation.md) under a
``candidates:`` key, each marked ``candidate: true``.

A candidate carries two fields a finding does not: ``offsets`` (``[start, end]`` of each quote in
the archived text) and ``why`` (the words each suggestion was made from). Both are dropped when a
curator accepts it. It has no ``summary`` and usually no ``topics``: those are the curator's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dprk_ld.curation.ingest.clauses import clauses
from dprk_ld.curation.ingest.figures import figures_in
from dprk_ld.curation.ingest.lexicon import ENTITY_FAMILY, SCHEMES, Lexicon, Match
from dprk_ld.curation.ingest.names import perpetrator_places, places_and_actors
from dprk_ld.curation.ingest.rules import certainty_of, kind_of, speakers
from dprk_ld.curation.ingest.segment import Document, Span
from dprk_ld.curation.ingest.timing import Told, link_times, stated_time, time_only, undated_time
from dprk_ld.curation.ingest.when import coverage_year, times_in, years_named

#: fields a candidate has that a finding does not
CANDIDATE_ONLY = ("candidate", "offsets", "why")
COUNTRY = "north-korea"  # the country whose state's bodies are the usual perpetrators
_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the of in on at to for and or but by with from as is are was were be been has have had "
        "that this these those its it their his her which who whom whose than then also not no into "
        "over under about after before during",
    )
)
_CONCEPT_FIELDS = {
    "violation-types": "violations",
    "rights": "rights",
    "affected-groups": "affected",
    "institutions": "institutions",
}


@dataclass(frozen=True)
class Setting:
    """What the rules need to know of the report: the period it covers and its publisher."""

    covers: tuple[str | None, str | None]
    publisher: str
    lexicon: Lexicon
    state: str | None = None  # the state of the country the dataset covers: the default perpetrator
    spatial: tuple[str, ...] = ()  # the places the whole dataset covers


def slug(text: str, taken: set[str], words: int = 5) -> str:
    """A readable id from the first content words of ``text``, unique among ``taken``."""
    tokens = [t for t in re.findall(r"[a-z0-9]+", text.lower()) if t not in _STOPWORDS]
    base = "-".join(tokens[:words]) or "candidate"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    taken.add(found)
    return found


def _ids(matches: list[Match], family: str, kinds: set[str] | None = None) -> list[str]:
    return list(
        dict.fromkeys(
            m.term.id for m in matches if m.term.family == family and (kinds is None or m.term.kind in kinds)
        )
    )


_CALLED_ON = re.compile(
    r"\b(?:called on|calls on|call on|urged|urges|urge|asked)\s+(?:the\s+)?$", re.IGNORECASE
)


def _roles(
    text: str,
    kind: str,
    actors: list[tuple[str, int]],
    said_by: list[str],
    certainty: str,
    first_violation: int | None,
    countries: dict[str, str | None],
) -> dict[str, list[str]]:
    """Each actor's role: who the sentence attributes it to (``according_to``), who is asked
    (``addressees``), who did the abuse (``perpetrators``: North Korea's state bodies, and the
    actor named last before the first violation), and who acted otherwise (``actors``)."""
    roles: dict[str, list[str]] = {}
    attributing = certainty in ("attributed", "official-claim", "media-reported")
    before = [a for a, at in actors if first_violation is not None and at < first_violation]
    doer = before[-1] if before else None
    first: dict[str, int] = {}
    for oid, at in actors:
        first.setdefault(oid, at)
    for oid, at in first.items():
        if attributing and oid in said_by:
            role = "according_to"
        elif kind == "recommendation" or _CALLED_ON.search(text[:at]):
            role = (
                "addressees" if countries.get(oid) != COUNTRY or kind == "recommendation" else "perpetrators"
            )
        elif countries.get(oid) == COUNTRY:
            role = "perpetrators" if kind != "international-response" else "actors"
        elif oid == doer and kind in ("pattern", "incident", "legal-qualification"):
            role = "perpetrators"
        else:
            role = "actors"
        roles.setdefault(role, []).append(oid)
    return roles


def _why_names(matches: list[Match]) -> dict[str, str]:
    return {m.term.id: m.why for m in matches}


def _who_and_where(
    text: str,
    kind: str,
    matches: list[Match],
    found: dict[str, list[str]],
    names: tuple[Any, ...],
    certainty: str,
    setting: Setting,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, list[str]]]:
    """The places and the actors in their roles (``according_to`` first)."""
    places, actors, said_by, state_why, owners = names
    lex = setting.lexicon
    violation_at = min(
        (m.start for m in matches if m.term.family in ("violation-types", "legal-qualifications")),
        default=None,
    )
    roles = _roles(text, kind, actors, said_by, certainty, violation_at, lex.countries)
    if (
        setting.state
        and found["violation-types"]
        and kind in ("pattern", "incident", "legal-qualification")
        and not roles.get("perpetrators")
    ):
        roles["perpetrators"] = [setting.state]
        state_why[setting.state] = "no one named as doing it: the state of the country the dataset covers"
    places = perpetrator_places(roles.get("perpetrators", []), places, lex, setting.state, owners)
    fields: dict[str, Any] = {"according_to": roles.pop("according_to")} if "according_to" in roles else {}
    return fields, {"places": places} if places else {}, roles


def _figure_fields(text: str, figures: list[Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    quantities = [f.as_yaml() for f in figures if not f.penalty]
    if quantities:
        fields["quantities"] = quantities
    terms = [f for f in figures if f.penalty]
    if terms:
        fields["sentences"] = [
            {"penalty": _penalty(text), ("years" if f.unit == "year" else "months"): f.as_yaml()["value"]}
            for f in terms
        ]
    return fields


def suggest(
    span: Span,
    setting: Setting,
    context_year: str | None,
    told: Told | None = None,
    unit_before: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """A sentence's (or clause's) suggestions as a finding's fields, with ``why``, and whether its
    time was named or carried (:func:`_time_of`); ``unit_before``: see :func:`.figures_in`."""
    text, lex = span.text, setting.lexicon
    matches = lex.find(text)
    found = {family: _ids(matches, family) for family in SCHEMES}
    places, actors, state_why, owners = places_and_actors(text, matches, lex)
    found["orgs"] = orgs = list(dict.fromkeys(a for a, _ in actors))
    spans = [
        (m.start, m.end, lex.governments.get(m.term.id, m.term.id))
        for m in matches
        if m.term.family == ENTITY_FAMILY and m.term.kind in ("org", "person", "place")
    ]
    said_by = speakers(text, spans)
    certainty, hedge = certainty_of(text, said_by)
    times = times_in(text, coverage_year(setting.covers), context_year)
    figures = figures_in(text, [(f.start, f.end) for f in times], unit_before)
    dprk = {o for o in orgs if lex.countries.get(o) == COUNTRY}
    kind, kind_why = kind_of(
        text,
        found,
        dprk,
        any(not f.penalty for f in figures),
        any(f.field == "date" and len(str(f.value)) >= 7 for f in times),
    )
    time_fields, time_why, dated = _time_of(text, times, kind, spans, setting, told or Told())
    attributed, where, roles = _who_and_where(
        text, kind, matches, found, (places, actors, said_by, state_why, owners), certainty, setting
    )
    item: dict[str, Any] = {
        "kind": kind,
        "quotes": [text],
        "offsets": [[span.start, span.end]],
        "certainty": certainty,
        **attributed,
        **time_fields,
        **where,
        **roles,
    }
    item.update({field: found[family] for family, field in _CONCEPT_FIELDS.items() if found[family]})
    instruments = _ids(matches, ENTITY_FAMILY, {"instrument"})
    if instruments:
        item["instruments"] = instruments
    _kind_fields(item, kind, found, orgs, dprk, said_by, setting.publisher)
    item.update(_figure_fields(text, figures))
    why: dict[str, Any] = {
        "kind": kind_why,
        "time": time_why,
        "certainty": repr(hedge) if hedge else "no hedge: the publisher's voice",
        "names": {**_why_names(matches), **state_why},
        "figures": [f.words for f in figures],
    }
    item["why"] = {k: v for k, v in why.items() if v}
    return item, dated


def _time_of(
    text: str, times: list[Any], kind: str, spans: list[tuple[int, int, str]], setting: Setting, told: Told
) -> tuple[dict[str, Any], str, bool]:
    """The time fields of a sentence, why, and whether they were named or carried (see
    :mod:`~.timing`)."""
    if times:
        fields, why = stated_time(times, kind)
        return fields, why, True
    demanded = any(re.match(r"\s+must\b", text[end:]) for _, end, _ in spans)
    return undated_time(text, kind, coverage_year(setting.covers), told, demanded)


def _penalty(text: str) -> str:
    if re.search(r"\bdeath\b|\bexecut", text, re.IGNORECASE):
        return "death"
    return "forced-labor" if re.search(r"\blabou?r\b", text, re.IGNORECASE) else "imprisonment"


def _kind_fields(
    item: dict[str, Any],
    kind: str,
    found: dict[str, list[str]],
    orgs: list[str],
    dprk: set[str],
    said_by: list[str],
    publisher: str,
) -> None:
    """The fields a kind requires: response, qualification, status, organization."""
    others = [o for o in orgs if o not in dprk]
    if kind == "international-response":
        item["response"] = found["response-types"][0]
    elif kind == "legal-qualification":
        item["qualification"] = found["legal-qualifications"]
        item["qualified_by"] = said_by or [publisher]
    elif kind == "treaty-status":
        item["status"] = found["statuses"][0]
    elif kind == "membership-status":
        item["status"] = found["statuses"][0]
        item["organization"] = others[0]


def paragraphs(doc: Document) -> list[list[Span]]:
    """The body's sentences, grouped by paragraph (no line break between them)."""
    groups: list[list[Span]] = []
    for span in doc.body_spans("sentence"):
        if groups and "\n" not in doc.text[groups[-1][-1].end : span.start]:
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def _clause_items(span: Span, setting: Setting, year: str | None, told: Told) -> list[dict[str, Any]]:
    """The candidates of one sentence: one per clause (:mod:`~.clauses`)."""
    times = times_in(span.text, coverage_year(setting.covers), year)
    items: list[dict[str, Any]] = []
    for clause in clauses(span.text, [(f.start, f.end) for f in times]):
        text = span.text[clause.start : clause.end]
        part = Span(span.start + clause.start, span.start + clause.end, span.kind, text)
        units = [q["unit"] for i in items for q in i.get("quantities", [])]
        item, dated = suggest(part, setting, year, told, units[-1] if units else None)
        if items:
            dated = link_times(clause.link, items[-1], item, dated)
        if clause.link == "reported" and items:  # "X reported that" + this: X's certainty and source
            item["certainty"] = items[-1]["certainty"]
            item.pop("according_to", None)
            if "according_to" in items[-1]:
                item = {"according_to": items[-1]["according_to"], **item}
        named = [n for n in item["why"].get("names", {}) if setting.lexicon.entity_kinds.get(n) == "place"]
        if not set(named) - set(setting.spatial):  # it names no place (but the dataset's own)
            carried = items[-1].get("places", []) if items else told.places_for(text)
            if carried:
                item["places"] = carried
                item["why"]["places"] = "none named: those of the " + (
                    "clause before" if items else "sentence before, which it points back to"
                )
        told.add(text, time_only(item) if dated else None, item.get("places"))
        items.append(item)
    return items


def build(doc: Document, setting: Setting) -> list[dict[str, Any]]:
    """A candidate for each clause of each sentence of the body, in order."""
    taken: set[str] = set()
    out: list[dict[str, Any]] = []
    told = Told()
    for group in paragraphs(doc):
        year: str | None = None
        told.new_paragraph()
        for span in group:
            for item in _clause_items(span, setting, year, told):
                out.append({"id": slug(item["quotes"][0], taken), "candidate": True, **item})
            named = years_named(span.text)
            year = named[-1] if named else year
    return out
