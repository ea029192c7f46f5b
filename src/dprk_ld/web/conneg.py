"""Content negotiation, in one place, for the endpoint and the linked-data pages.

A resource offers a list of :class:`Offer` objects (server preference first). The client says
what it wants with an ``Accept`` header (q-values, ``type/*`` and ``*/*`` wildcards) or with an
explicit ``format=`` parameter, which wins over the header. :func:`negotiate` picks one offer or
raises :class:`NotAcceptable`, which lists what is offered.

Rules (RFC 9110 section 12.5.1):

* For each media type an offer can be sent as (its ``media_type`` and its ``aliases``), the
  quality is that of the *most specific* matching range: ``text/csv`` beats ``text/*`` beats
  ``*/*``; parameters other than ``q`` (``charset`` and the like) are ignored for matching.
* An offer's quality is the best quality of its media types; ``q=0`` means "not acceptable".
* The highest quality wins; ties go to the more specific match, then to the server's order.
* No ``Accept`` header, or one of which no range can be read, means ``*/*``. Unreadable ranges
  (bad syntax, bad ``q``) are skipped, never an error.
* ``format=`` names an offer by one of its short names (``json``, ``ttl`` ...) or by any of its
  media types (a comma-separated list names its first known item); an unknown or unoffered
  value is a :class:`NotAcceptable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "AcceptRange",
    "NotAcceptable",
    "Offer",
    "negotiate",
    "negotiate_or_default",
    "parse_accept",
]

MAX_ACCEPT_RANGES = 64  # an Accept header longer than this is read up to here


@dataclass(frozen=True)
class Offer:
    """One representation a resource can send."""

    media_type: str
    names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    #: an opaque value for the caller (a serializer format, say)
    key: object = field(default=None, compare=False)
    charset: bool = False

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


@dataclass(frozen=True)
class AcceptRange:
    type: str
    subtype: str
    q: float
    order: int

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 2

    def matches(self, media_type: str) -> bool:
        mtype, _, msub = media_type.partition("/")
        if self.type == "*":
            return True
        if self.type != mtype:
            return False
        return self.subtype in ("*", msub)


class NotAcceptable(Exception):
    """No offer is acceptable; ``offered`` lists the media types that are."""

    def __init__(self, offered: Sequence[str]) -> None:
        super().__init__("not acceptable")
        self.offered = list(offered)


_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~")


def _is_token(text: str) -> bool:
    return bool(text) and all(c in _TOKEN_CHARS for c in text)


def _parse_q(value: str) -> float | None:
    value = value.strip()
    if not value or len(value) > 5:
        return None
    try:
        q = float(value)
    except ValueError:
        return None
    if not 0.0 <= q <= 1.0 or value[0] not in "01":
        return None
    return q


def parse_accept(header: str | None) -> list[AcceptRange]:
    """The readable ranges of an Accept header, in order; unreadable ones are skipped."""
    if not header:
        return []
    ranges: list[AcceptRange] = []
    for order, part in enumerate(header.split(",")):
        if order >= MAX_ACCEPT_RANGES:
            break
        pieces = part.split(";")
        mtype, sep, subtype = pieces[0].strip().lower().partition("/")
        if not sep or not _is_token(mtype) or not _is_token(subtype):
            continue
        if mtype == "*" and subtype != "*":
            continue
        q: float | None = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = _parse_q(value)
                break  # anything after q is an accept-extension
        if q is None:
            continue
        ranges.append(AcceptRange(mtype, subtype, q, order))
    return ranges


def _quality(ranges: Sequence[AcceptRange], media_type: str) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching ``media_type``; (-1, -1) if none."""
    best: tuple[float, int] = (-1.0, -1)
    for rng in ranges:
        if not rng.matches(media_type):
            continue
        spec = rng.specificity
        if spec > best[1] or (spec == best[1] and rng.q > best[0]):
            best = (rng.q, spec)
    return best


def offered_types(offers: Sequence[Offer]) -> list[str]:
    return [o.media_type for o in offers]


def _by_format(offers: Sequence[Offer], format_param: str) -> Offer:
    """The offer a ``format=`` value names; a comma-separated list names its first known item."""
    for piece in format_param.split(","):
        wanted = piece.strip().lower()
        wanted_type = wanted.split(";", 1)[0].strip()
        for offer in offers:
            if wanted in offer.names or wanted_type in offer.media_types():
                return offer
    raise NotAcceptable(offered_types(offers))


#: (Accept, format=, id of the offers) -> (the offers, index of the chosen one or None for "not
#: acceptable"). The same few Accept headers come again and again; the entry holds the offers
#: object itself, so a hit is checked by identity (an id is never confused with a reused one).
#: Bounded (cleared when full), since clients choose the headers.
_CHOICES: dict[tuple[str | None, str | None, int], tuple[Sequence[Offer], int | None]] = {}
_MAX_CHOICES = 1024


def negotiate(
    accept: str | None, offers: Sequence[Offer], format_param: str | None = None
) -> Offer:
    """The offer to send, or :class:`NotAcceptable` (remembered per header, format and offers)."""
    key = (accept, format_param, id(offers))
    entry = _CHOICES.get(key)
    if entry is None or entry[0] is not offers:
        try:
            chosen: int | None = list(offers).index(_negotiate(accept, offers, format_param))
        except NotAcceptable:
            chosen = None
        if len(_CHOICES) >= _MAX_CHOICES:
            _CHOICES.clear()
        entry = _CHOICES[key] = (offers, chosen)
    if entry[1] is None:
        raise NotAcceptable(offered_types(offers))
    return offers[entry[1]]


def _negotiate(
    accept: str | None, offers: Sequence[Offer], format_param: str | None = None
) -> Offer:
    if not offers:
        raise NotAcceptable([])
    if format_param is not None and format_param.strip():
        return _by_format(offers, format_param)
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: Offer | None = None
    best_score: tuple[float, int, int] = (0.0, -1, 0)
    for index, offer in enumerate(offers):
        score: tuple[float, int] = (-1.0, -1)
        for mtype in offer.media_types():
            q = _quality(ranges, mtype)
            if q > score:
                score = q
        q, spec = score
        if q <= 0:
            continue
        candidate = (q, spec, -index)
        if best is None or candidate > best_score:
            best, best_score = offer, candidate
    if best is None:
        raise NotAcceptable(offered_types(offers))
    return best


def negotiate_or_default(
    accept: str | None, offers: Sequence[Offer], format_param: str | None = None
) -> Offer:
    """Like :func:`negotiate`, but falls back to the first offer instead of refusing."""
    try:
        return negotiate(accept, offers, format_param)
    except NotAcceptable:
        try:
            return negotiate(accept, offers, None)
        except NotAcceptable:
            return offers[0]
