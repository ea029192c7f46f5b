"""The fields the curated YAML may hold, and the small readers of their values.

The tables say which fields a source, a finding or an entity may (or must) have, which finding
fields name concepts or entities, and of which kinds; docs/curation.md describes the same rules
for curators.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from dprk_ld.curation.dates import Date, parse_date

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTEXT_CHARS = 32  # characters of prefix and suffix kept with each quote

#: source field -> whether it is required
SOURCE_FIELDS = {
    "id": True,
    "title": True,
    "publisher": True,
    "edition": True,
    "issued": True,
    "covers": True,
    "url": True,
    "language": True,
    "text": True,
    "sections": True,
    "seed": False,
    "note": False,
    "body": False,
}
FINDING_FIELDS = {
    "id",
    "kind",
    "summary",
    "quotes",
    "certainty",
    "according_to",
    "date",
    "period",
    "as_of",
    "undated",
    "time_basis",
    "places",
    "perpetrators",
    "actors",
    "targets",
    "addressees",
    "concerns",
    "victims",
    "affected",
    "violations",
    "rights",
    "institutions",
    "instruments",
    "topics",
    "quantities",
    "sentences",
    "response",
    "qualification",
    "qualified_by",
    "status",
    "organization",
    "note",
    "refers_to",
    "follows",
    "same_sentence",
    "penalty",
}
REQUIRED_BY_KIND = {
    "statistic": ["quantities"],
    "legal-qualification": ["qualification"],
    "international-response": ["response"],
    "treaty-status": ["status"],
    "membership-status": ["status", "organization"],
}
ONLY_FOR_KIND = {
    "response": {"international-response"},
    "qualification": {"legal-qualification"},
    "qualified_by": {"legal-qualification"},
    "status": {"treaty-status", "membership-status"},
    "organization": {"membership-status"},
}
CONCEPT_FIELDS = {  # finding field -> concept scheme
    "certainty": "certainty",
    "affected": "affected-groups",
    "violations": "violation-types",
    "rights": "rights",
    "institutions": "institutions",
    "response": "response-types",
    "qualification": "legal-qualifications",
    "status": "statuses",
    "time_basis": "time-bases",
    "penalty": "penalties",
}
ACTOR_KINDS = {"org", "person"}
ENTITY_FIELDS = {  # finding field -> allowed entity kinds
    "according_to": ACTOR_KINDS,
    "perpetrators": ACTOR_KINDS,
    "actors": ACTOR_KINDS,
    "targets": ACTOR_KINDS,
    "addressees": ACTOR_KINDS,
    "concerns": ACTOR_KINDS,
    "qualified_by": ACTOR_KINDS,
    "places": {"place"},
    "instruments": {"instrument"},
    "topics": {"topic"},
    "organization": {"org"},
}
#: finding fields holding a list of ids (a single id is accepted too), copied as they are
LIST_FIELDS = (
    "according_to", "places", "perpetrators", "actors", "targets", "addressees", "concerns",
    "affected",
    "violations", "rights", "institutions", "instruments", "topics", "qualified_by",
    "refers_to", "follows", "same_sentence", "penalty",
)
ENTITY_ATTRS = {
    "place": {
        "id",
        "label",
        "alt",
        "ko",
        "type",
        "within",
        "wikidata",
        "geonames",
        "iso3166",
        "iso3166_alpha3",
        "iso3166_numeric",
        "cow",
        "description",
    },
    "org": {"id", "label", "alt", "ko", "type", "parent", "country", "wikidata", "description",
            "succeeded_by", "succession_date"},
    "person": {"id", "label", "alt", "ko", "description", "member_of", "wikidata"},
    "instrument": {"id", "label", "alt", "type", "jurisdiction", "description"},
    "topic": {"id", "label", "description"},
}
INSTRUMENT_TYPES = {"treaty", "law", "resolution", "decree"}
CODE_FIELDS = {
    "iso3166": "iso3166_alpha2",
    "iso3166_alpha3": "iso3166_alpha3",
    "iso3166_numeric": "iso3166_numeric",
    "cow": "cow",
}


def as_list(value: Any) -> list[Any]:
    """A field that holds one item or a list of them, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text_of(value: Any) -> str | None:
    """A text field, with the line breaks of a folded YAML block joined; None if it is no text."""
    if value is None:
        return None
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" in value else value.strip()
    return None


def decimal_of(value: Any) -> Decimal:
    """A number field as a Decimal; ValueError says why it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number (write 1000, not 1,000)") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def opt_date(value: Any) -> Date | None:
    """An optional date field (ValueError if it is there and is no date)."""
    return None if value is None else parse_date(value)
