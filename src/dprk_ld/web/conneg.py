"""Content negotiation, in one place, for the endpoint, the documents and the pages.

A resource offers a sequence of :class:`~dprk_ld.formats.Format` objects (server preference
first). The client says what it wants with an ``Accept`` header (q-values, ``type/*`` and ``*/*``
wildcards) or with an explicit ``format=`` parameter, which wins over the header.
:func:`negotiate` picks one offer or raises :class:`NotAcceptable`, which lists what is offered.

The header is read by werkzeug's parser (``parse_accept_header``). The choice is ours, because
werkzeug's ``MIMEAccept.best_match`` matches media-type parameters too (a client's
``text/turtle; charset=utf-8`` would not match our ``text/turtle``), which RFC 9110 does not ask
for. Rules (RFC 9110 section 12.5.1):

* For each media type an offer can be sent as (its ``media_type`` and ``aliases``), the quality
  is that of the *most specific* matching range: ``text/csv`` beats ``text/*`` beats ``*/*``;
  parameters other than ``q`` are ignored for matching. An alias is matched by a range that
  names it or its type (``application/xhtml+xml``, ``application/*``), never by ``*/*``: the
  wildcard stands for the offer's own media type, so ``text/html;q=0, */*`` refuses HTML even
  though HTML may be asked for as ``application/xhtml+xml``.
* An offer's quality is the best quality of its media types; ``q=0`` means "not acceptable".
* The highest quality wins; ties go to the more specific match, then to the server's order.
* No ``Accept`` header, or one of which no range can be read, means ``*/*``. Unreadable ranges
  are skipped, never an error; only the first :data:`MAX_ACCEPT_RANGES` are read.
* ``format=`` names an offer by one of its short names (``json``, ``ttl`` ...) or by any of its
  media types (a comma-separated list names its first known item); an unknown or unoffered
  value is a :class:`NotAcceptable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from dprk_ld.formats import Format

__all__ = ["AcceptRange", "NotAcceptable", "negotiate", "negotiate_or_default", "parse_accept"]

MAX_ACCEPT_RANGES = 64  # an Accept header longer than this is read up to here
MAX_MEMO_HEADER = 512  # characters: longer headers are negotiated but not remembered
MAX_MEMO = 1024  # remembered choices (cleared when full)


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
        return 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        mtype, _, msub = media_type.partition("/")
        if self.type == "*":
            return True
        return self.type == mtype and self.subtype in ("*", msub)


class NotAcceptable(Exception):
    """No offer is acceptable; ``offered`` lists the media types that are."""

    def __init__(self, offered: Sequence[str]) -> None:
        super().__init__("not acceptable")
        self.offered = list(offered)


def parse_accept(header: str | None) -> list[AcceptRange]:
    """The readable ranges of an Accept header, in order; unreadable ones are skipped."""
    if not header:
        return []
    head = ",".join(header.split(",", MAX_ACCEPT_RANGES)[:MAX_ACCEPT_RANGES])
    ranges: list[AcceptRange] = []
    for order, (value, q) in enumerate(parse_accept_header(head, MIMEAccept)):
        mtype, sep, subtype = value.split(";", 1)[0].strip().lower().partition("/")
        if not sep or not mtype or not subtype or (mtype == "*" and subtype != "*"):
            continue
        ranges.append(AcceptRange(mtype, subtype, float(q), order))
    return ranges


def _quality(ranges: Sequence[AcceptRange], media_type: str,
             alias: bool = False) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching ``media_type``; (-1, -1) if none
    (an ``alias`` is not matched by ``*/*``)."""
    best: tuple[float, int] = (-1.0, -1)
    for rng in ranges:
        if not rng.matches(media_type) or (alias and rng.specificity == 0):
            continue
        spec = rng.specificity
        if spec > best[1] or (spec == best[1] and rng.q > best[0]):
            best = (rng.q, spec)
    return best


def offered_types(offers: Sequence[Format]) -> list[str]:
    return [o.media_type for o in offers]


def _by_format(offers: Sequence[Format], format_param: str) -> Format:
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
#: object itself, so a hit is checked by identity. Bounded in entries and in header length,
#: since clients choose the headers.
_CHOICES: dict[tuple[str | None, str | None, int], tuple[Sequence[Format], int | None]] = {}


def negotiate(accept: str | None, offers: Sequence[Format],
              format_param: str | None = None) -> Format:
    """The offer to send, or :class:`NotAcceptable` (remembered per header, format and offers)."""
    key = (accept, format_param, id(offers))
    entry = _CHOICES.get(key)
    if entry is None or entry[0] is not offers:
        try:
            chosen: int | None = list(offers).index(_negotiate(accept, offers, format_param))
        except NotAcceptable:
            chosen = None
        entry = (offers, chosen)
        if len(accept or "") + len(format_param or "") <= MAX_MEMO_HEADER:
            if len(_CHOICES) >= MAX_MEMO:
                _CHOICES.clear()
            _CHOICES[key] = entry
    if entry[1] is None:
        raise NotAcceptable(offered_types(offers))
    return offers[entry[1]]


def _negotiate(accept: str | None, offers: Sequence[Format],
               format_param: str | None = None) -> Format:
    if not offers:
        raise NotAcceptable([])
    if format_param is not None and format_param.strip():
        return _by_format(offers, format_param)
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: Format | None = None
    best_score: tuple[float, int, int] = (0.0, -1, 0)
    for index, offer in enumerate(offers):
        q, spec = max(_quality(ranges, mtype, i > 0) for i, mtype in enumerate(offer.media_types()))
        if q <= 0:
            continue
        candidate = (q, spec, -index)
        if best is None or candidate > best_score:
            best, best_score = offer, candidate
    if best is None:
        raise NotAcceptable(offered_types(offers))
    return best


def negotiate_or_default(accept: str | None, offers: Sequence[Format],
                         format_param: str | None = None) -> Format:
    """Like :func:`negotiate`, but falls back to the first offer instead of refusing."""
    try:
        return negotiate(accept, offers, format_param)
    except NotAcceptable:
        try:
            return negotiate(accept, offers, None)
        except NotAcceptable:
            return offers[0]
