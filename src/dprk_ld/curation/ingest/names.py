"""Which names found in a sentence are places and which are actors (organizations or persons).

* a country named where something happens (``in China``, ``returned to North Korea``, ``across
  the border``) is a place; named as the one acting or owning (``Russia vetoed``, ``North Korea’s
  expanded military cooperation``, ``called on China``) it stands for its state, the organization
  of type ``state`` whose ``country`` it is;
* a one-word name or an acronym followed by another capitalized word is part of a longer name we
  do not know (``UN`` in ``UN Commission of Inquiry``, ``Paris`` in ``Paris Olympics``): dropped;
* the country of a state named as perpetrator is a place too (``China forcibly returned``:
  China is where it happened); see :func:`perpetrator_places`;
* of a place and a place within it (``Musan county, North Hamgyong province``) only the more
  specific is kept.
"""

from __future__ import annotations

import re

from dprk_ld.curation.ingest.lexicon import ENTITY_FAMILY, Lexicon, Match

_LOCATIVE = re.compile(
    r"\b(?:in|inside|within|across|throughout|at|near|into|to|toward|towards|via|"
    r"transit|around|with|against|reached|reach|entered|enter|entering|left|leave|leaving|fled|"
    r"flee|crossed|cross|visited|visit)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_NAME_GOES_ON = re.compile(r"\s+(?:[A-Z][a-z]|[A-Z]{2})")


def _is_modifier(text: str, m: Match) -> bool:
    return (
        len(m.term.tokens) == 1
        and bool(_NAME_GOES_ON.match(text, m.end))
        and not re.match(r"[’']s\b", text[m.end : m.end + 2])
    )


def places_and_actors(
    text: str, matches: list[Match], lex: Lexicon
) -> tuple[list[str], list[tuple[str, int]], dict[str, str]]:
    """The place ids and the actors (id and offset of each mention) named in ``text``, and
    why each country named became what it is."""
    places: list[str] = []
    actors: list[tuple[str, int]] = []
    why: dict[str, str] = {}
    entity = [m for m in matches if m.term.family == ENTITY_FAMILY]
    for m in entity:
        if _is_modifier(text, m):
            continue
        same_span = [o for o in entity if (o.start, o.end) == (m.start, m.end) and o is not m]
        locative = bool(_LOCATIVE.search(text[: m.start]))
        if m.term.kind == "place":
            state = lex.governments.get(m.term.id)
            if locative or (state is None and not same_span):
                places.append(m.term.id)
            elif state is not None and not any(o.term.kind == "org" for o in same_span):
                actors.append((state, m.start))
                why[state] = f"{m.term.name!r} named as acting, not as where: its state"
        elif m.term.kind in ("org", "person"):
            if any(o.term.kind == "place" for o in same_span) and locative:
                continue
            actors.append((m.term.id, m.start))
    places = list(dict.fromkeys(places))
    specific = [p for p in places if not any(_within(o, p, lex) for o in places if o != p)]
    return specific, sorted(set(actors), key=lambda a: a[1]), why


def _within(place: str, other: str, lex: Lexicon) -> bool:
    """Whether ``place`` lies (at any depth) within ``other``."""
    seen, cur = set(), lex.parents.get(place)
    while cur and cur not in seen:
        if cur == other:
            return True
        seen.add(cur)
        cur = lex.parents.get(cur)
    return False


def perpetrator_places(
    perpetrators: list[str], places: list[str], lex: Lexicon, dataset_state: str | None
) -> list[str]:
    """``places`` with the country of each foreign state among ``perpetrators`` added."""
    countries = {state: country for country, state in lex.governments.items()}
    added = [countries[p] for p in perpetrators if p in countries and p != dataset_state]
    return list(dict.fromkeys([*places, *added]))
