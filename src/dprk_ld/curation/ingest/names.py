"""Which names found in a sentence are places and which are actors (organizations or persons).

* a country named where something happens (``in China``, ``returned to North Korea``, ``across
  the border``, and the next in ``transferred between the DPRK and Russia``) is a place; named as the one
  acting or owning (``Russia vetoed``, ``North Korea’s expanded military cooperation``, ``called
  on China``) it stands for its state, the organization of type ``state`` whose ``country`` it
  is;
* a one-word name or an acronym followed by another capitalized word is part of a longer name we
  do not know (``UN`` in ``UN Commission of Inquiry``, ``Paris`` in ``Paris Olympics``): dropped;
* the country of a state named as perpetrator is a place too (``China forcibly returned``:
  China is where it happened), unless it is named only as an owner (``Russia’s aggression``);
  see :func:`perpetrator_places`;
* a place that describes another (``the northern border city of Sinuiju``) is left out: the
  place is the other;
* of a place and a place within it (``Musan county, North Hamgyong province``) only the more
  specific is kept.
"""

from __future__ import annotations

import re

from dprk_ld.curation.ingest.lexicon import ENTITY_FAMILY, Lexicon, Match

_LOCATIVE = re.compile(
    r"(?:\w+ed\s+between|\b(?:in|inside|within|across|throughout|at|near|into|to|toward|towards|via|"
    r"transit|around|with|against|reached|reach|entered|enter|entering|left|leave|leaving|fled|"
    r"flee|crossed|cross|visited|visit))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_NAME_GOES_ON = re.compile(r"\s+(?:[A-Z][a-z]|[A-Z]{2})")
#: between two places named as where ("in China and South Korea", "between the DPRK and Russia")
_AND = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s+(?:the\s+)?")
#: a place in what caused the finding, not where it happened: "stopped it after a Covid-19
#: outbreak in Dandong", "because of checks on roads in China"
_CAUSE = re.compile(r"\b(?:after|following|because of|due to)\s+(?:an?\s+|the\s+)?[\w\s’'-]{0,40}?\s+in\s+$")
#: a place named to describe another: "the northern border city of Sinuiju", "the port city of Nampo"
_DESCRIBES = re.compile(r"\s+(?:\w+\s+)?(?:city|town|county|province|region|area|village|port)\s+of\b")


def _is_modifier(text: str, m: Match) -> bool:
    return (
        len(m.term.tokens) == 1
        and bool(_NAME_GOES_ON.match(text, m.end))
        and not re.match(r"[’']s\b", text[m.end : m.end + 2])
    )


def places_and_actors(
    text: str, matches: list[Match], lex: Lexicon
) -> tuple[list[str], list[tuple[str, int]], dict[str, str], set[str]]:
    """The place ids and the actors (id and offset of each mention) named in ``text``, why
    each country named became what it is, and the states named by their country only as owners
    (``Russia’s aggression``)."""
    places: list[str] = []
    actors: list[tuple[str, int]] = []
    why: dict[str, str] = {}
    owned: set[str] = set()  # states named by their country as owners ("Russia’s war")
    acting: set[str] = set()  # ... and otherwise
    entity = [m for m in matches if m.term.family == ENTITY_FAMILY]
    last_place_end = -1  # where the last place named as where ended
    for m in entity:
        if _is_modifier(text, m):
            continue
        same_span = [o for o in entity if (o.start, o.end) == (m.start, m.end) and o is not m]
        locative = bool(_LOCATIVE.search(text[: m.start])) or (
            last_place_end >= 0 and bool(_AND.fullmatch(text, last_place_end, m.start))
        )
        possessive = bool(re.search(r"[’']s$", text[m.start : m.end]))
        locative = locative and not possessive  # "in Russia’s aggression": Russia owns, is not where
        if m.term.kind == "place":
            state = lex.governments.get(m.term.id)
            if state is not None:
                (owned if possessive else acting).add(state)
            if _DESCRIBES.match(text, m.end) or _CAUSE.search(text[: m.start]):
                continue
            if locative or (state is None and not same_span):
                places.append(m.term.id)
                last_place_end = m.end
            elif state is not None and not any(o.term.kind == "org" for o in same_span):
                actors.append((state, m.start))
                why[state] = f"{m.term.name!r} named as acting, not as where: its state"
        elif m.term.kind in ("org", "person"):
            if any(o.term.kind == "place" for o in same_span) and locative:
                continue
            actors.append((m.term.id, m.start))
    places = list(dict.fromkeys(places))
    specific = [p for p in places if not any(_within(o, p, lex) for o in places if o != p)]
    owners = owned - acting
    return specific, sorted(set(actors), key=lambda a: a[1]), why, owners


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
    perpetrators: list[str],
    places: list[str],
    lex: Lexicon,
    dataset_state: str | None,
    owners: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """``places`` with the country of each foreign state among ``perpetrators`` added, unless
    the sentence names that country only as an owner (``Russia’s aggression against Ukraine``:
    Russia is not where it happened)."""
    countries = {state: country for country, state in lex.governments.items()}
    added = [countries[p] for p in perpetrators if p in countries and p != dataset_state and p not in owners]
    return list(dict.fromkeys([*places, *added]))
