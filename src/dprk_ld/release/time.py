"""Time entities (OWL-Time): every date and period of the release is one node, ``id/time/<key>``,
the same IRI wherever it occurs, so that "the same period" is "the same IRI".

* a calendar year, month or day (``id/time/2024``, ``id/time/2024-03``, ``id/time/2024-03-28``) is a
  ``time:DateTimeInterval`` with a ``time:DateTimeDescription`` (its unit, year, month and day), which
  has the hash IRI ``#description``;
* a period (``id/time/2023-08-26--2025-06``) is a ``time:ProperInterval`` started by its first date
  and finished by its last; an open end is ``open`` in the key and has neither;
* each has ``dprk:earliest`` and ``dprk:latest`` (the first and last day it can cover, none on an
  open side), for filtering every time the same way, and an English ``rdfs:label``.

A finding has ``dprk:time`` for each of its times, ``dprk:asOf`` too for a state it reports as
holding then, and ``dprk:timeBasis``; or ``dprk:undated true`` with the reason.
"""

from __future__ import annotations

import datetime as dt

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from dprk_ld.curation.dates import Date, Period, When, simplest
from dprk_ld.curation.model import Finding
from dprk_ld.release.namespaces import DPRK, ID, TIME, VOCAB

UNIT_TYPE = {"year": TIME.unitYear, "month": TIME.unitMonth, "day": TIME.unitDay}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def time_iri(when: When) -> URIRef:
    """``id/time/<key>``: ``2024-03``, ``2023-08-26--2025-06``, ``2011-12--open``."""
    return ID[f"time/{simplest(when).key}"]


def date_label(d: Date) -> str:
    """``2024``, ``March 2024``, ``28 March 2024``."""
    parts = [int(p) for p in d.lexical.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return month if len(parts) == 2 else f"{parts[2]} {month}"


def time_label(when: When) -> str:
    """A time as people read it: ``March 2024``, ``26 August 2023 to June 2025``, ``from December
    2011``, ``until 2020``."""
    when = simplest(when)
    if isinstance(when, Date):
        return date_label(when)
    if when.start and when.end:
        first = date_label(when.start)
        if when.start.year == when.end.year and "year" not in (when.start.precision, when.end.precision):
            first = first.removesuffix(f" {when.start.year}")  # January to June 2024
        return f"{first} to {date_label(when.end)}"
    if when.start:
        return f"from {date_label(when.start)}"
    assert when.end is not None  # a period has at least one end
    return f"until {date_label(when.end)}"


def _day(d: dt.date) -> Literal:
    return Literal(d.isoformat(), datatype=XSD.date)


def _add_date(g: Graph, d: Date) -> URIRef:
    node = time_iri(d)
    desc = URIRef(f"{node}#description")
    g.add((node, RDF.type, TIME.DateTimeInterval))
    g.add((node, TIME.hasDateTimeDescription, desc))
    g.add((desc, RDF.type, TIME.DateTimeDescription))
    g.add((desc, RDFS.label, Literal(f"{date_label(d)}, as a calendar {d.precision}", lang="en")))
    g.add((desc, TIME.unitType, UNIT_TYPE[d.precision]))
    parts = d.lexical.split("-")
    g.add((desc, TIME.year, Literal(parts[0], datatype=XSD.gYear)))
    if len(parts) > 1:
        g.add((desc, TIME.month, Literal(f"--{parts[1]}", datatype=XSD.gMonth)))
    if len(parts) > 2:
        g.add((desc, TIME.day, Literal(f"---{parts[2]}", datatype=XSD.gDay)))
    return node


def _add_period(g: Graph, p: Period) -> URIRef:
    node = time_iri(p)
    g.add((node, RDF.type, TIME.ProperInterval))
    if p.start:
        g.add((node, TIME.intervalStartedBy, add_time(g, p.start)))
    if p.end:
        g.add((node, TIME.intervalFinishedBy, add_time(g, p.end)))
    return node


def add_time(g: Graph, when: When) -> URIRef:
    """The time entity of a date or a period (and of a period's ends), added to ``g``; its IRI."""
    when = simplest(when)
    node = _add_date(g, when) if isinstance(when, Date) else _add_period(g, when)
    g.add((node, RDFS.label, Literal(time_label(when), lang="en")))
    if when.earliest is not None:
        g.add((node, DPRK.earliest, _day(when.earliest)))
    if when.latest is not None:
        g.add((node, DPRK.latest, _day(when.latest)))
    return node


def add_finding_time(g: Graph, node: URIRef, f: Finding) -> None:
    """A finding's times (``dprk:time``, and ``dprk:asOf`` for a state) and where they come from;
    or that it is undated, and why."""
    for when in f.times:
        g.add((node, DPRK.time, add_time(g, when)))
    if f.as_of is not None:
        g.add((node, DPRK.asOf, time_iri(f.as_of)))
    if f.undated is not None:
        g.add((node, DPRK.undated, Literal(True)))
        g.add((node, DPRK.undatedReason, Literal(f.undated, lang="en")))
    elif f.times:
        g.add((node, DPRK.timeBasis, VOCAB[f"time-bases/{f.time_basis}"]))


__all__ = ["add_finding_time", "add_time", "date_label", "time_iri", "time_label"]
