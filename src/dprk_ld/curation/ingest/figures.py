"""Figures in a sentence: the number as written (``1,000`` is 1000, ``KRW1.6 million`` 1600000,
``seven`` 7), its unit from the words around it, and its qualifier from the words before it.

* qualifiers (scheme ``quantity-qualifiers``): ``about``, ``around``, ``roughly``,
  ``approximately``, ``some``, ``an estimated`` -> about; ``more than``, ``over``, ``just over``
  -> more-than; ``fewer than``, ``less than``, ``under`` -> fewer-than; ``at least`` -> at-least;
  ``up to``, ``as many as`` -> up-to; ``almost``, ``nearly`` -> almost; ``one to two``,
  ``between 5 and 10`` -> range; ``40 or 50`` -> either; else exact;
* units (scheme ``units``): ``US$``/``$``/``dollars`` -> usd, ``KRW``/``won`` -> krw,
  ``percent``/``%`` -> percent, ``kilometers`` -> kilometer, ``doses`` -> dose, ``years``,
  ``months``, ``days`` -> year, month, day (``-year-old`` -> year-of-age), a word for people
  within three words (``North Koreans``, ``refugees``, ``troops`` ...) -> person, else count;
* not figures: years and days of dates (:mod:`~.when` finds them first), numbers inside names
  (``Covid-19``, ``resolution 2397``), ``one`` unless a unit follows, and ordinals;
* a term of years of labor or prison (``15 years of forced labor``, ``a seven-year labor
  sentence``) is a penalty imposed (a ``sentences`` entry), not a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
WORDS.update(
    {
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "hundred": 100,
        "dozen": 12,
    }
)
_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUM = (
    r"(?P<cur>US\$|\$|KRW|₩)?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + "|".join(sorted(WORDS, key=len, reverse=True))
    + r")(?:\s(?P<scale>thousand|million|billion))?"
)
NUMBER = re.compile(rf"(?<![\w$₩.-]){_NUM}(?![\w]|\.\d)", re.IGNORECASE)
QUALIFIERS = [
    ("more-than", r"(?:just\s+)?(?:more than|over|in excess of|upwards of)"),
    ("fewer-than", r"(?:fewer than|less than|under)"),
    ("at-least", r"at least"),
    ("up-to", r"(?:up to|as many as)"),
    ("almost", r"(?:almost|nearly|close to)"),
    ("about", r"(?:about|around|roughly|approximately|some|an estimated|estimated|an average of)"),
]
_PEOPLE = (
    r"people|persons?|(?:North |South )?Koreans?|refugees?|citizens?|women|men|children|girls|boys|"
    r"workers?|prisoners?|detainees?|defectors?|escapees?|soldiers?|troops|officials?|individuals?|"
    r"students?|returnees?|nationals?|residents?|civilians?|victims?|asylum seekers?|abductees?|"
    r"family members|relatives|doctors|nurses|farmers|laborers|babies|infants|adults"
)
_PENALTY = re.compile(
    r"[-\s]+(?:years?|months?)(?:\s+of|\s+in)?\s+(?:forced\s+|hard\s+)?(?:labou?r|"
    r"prison|imprisonment|reform|detention)|[-\s]+(?:year|month)\s+(?:\w+\s+)?(?:sentence|term)",
    re.IGNORECASE,
)


#: after a number that names no unit, a word that starts what is said of it (a preposition, an
#: auxiliary, a verb in the past): the number counts what the figure before it counted ("over 1,000
#: North Koreans … compared to 105 between …", "only 195 did so")
_BARE = (
    r"(?:\s+(?:between|in|from|during|compared|were|was|had|have|has|are|is|did|do|does|will|would|"
    r"could|may|might|made|fled|left|went|got|took|reached|[a-z]+ed)\b|\s*[,.;]|$)"
)
ORDINALS = {
    w: i
    for i, w in enumerate(
        re.findall(
            r"\w+",
            "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
            "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth",
        ),
        2,
    )
}
_ORDINAL = re.compile(
    r"\b(?:the|its|their|a|for the)\s+(?:(?P<word>"
    + "|".join(ORDINALS)
    + r")|(?P<num>\d{1,3})(?:st|nd|rd|th))\b(?!\s+(?:centur|anniversar|session|largest|highest|"
    r"lowest|most|time\b|place\b|half|quarter))",
    re.IGNORECASE,
)
_TIMES = re.compile(
    r"\b(?:(?P<twice>twice)(?!\s+as\b)|(?:only|just|at least|more than)\s+(?P<once>once))\b",
    re.IGNORECASE,
)


@dataclass
class Figure:
    """A figure as suggested: one value, or a range, or alternatives, with unit and qualifier."""

    unit: str
    qualifier: str
    value: Decimal | None = None
    ordinal: int | None = None  # a rank ("its sixth nuclear test") instead of a value
    min: Decimal | None = None
    max: Decimal | None = None
    alternatives: list[Decimal] = field(default_factory=list)
    words: str = ""
    penalty: bool = False  # a term of labor or prison imposed: a sentences entry

    def as_yaml(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.alternatives:
            out["alternatives"] = [_plain(v) for v in self.alternatives]
        elif self.ordinal is not None:
            out["ordinal"] = self.ordinal
        elif self.min is not None:
            out.update({"min": _plain(self.min), "max": _plain(self.max or Decimal(0))})
        else:
            out["value"] = _plain(self.value or Decimal(0))
        out.update({"unit": self.unit, "qualifier": self.qualifier})
        return out


def _plain(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


def _value(m: re.Match[str]) -> Decimal:
    num = m.group("num").lower()
    value = Decimal(WORDS[num]) if num in WORDS else Decimal(num.replace(",", ""))
    return value * _SCALE.get((m.group("scale") or "").lower(), 1)


def _unit(sentence: str, m: re.Match[str]) -> str:
    cur = (m.group("cur") or "").upper()
    after = sentence[m.end() : m.end() + 40]
    if cur in ("US$", "$"):
        return "usd"
    if cur in ("KRW", "₩"):
        return "krw"
    rules = [
        (r"(?:\s?%|\s*percent|\s*per cent)", "percent"),
        (r"[-\s]+years?[-\s]old", "year-of-age"),
        (r"[-\s]+(?:years?|year-long)\b", "year"),
        (r"[-\s]+months?\b", "month"),
        (r"[-\s]+days?\b", "day"),
        (r"[-\s]+(?:kilometers?|kilometres?|km)\b", "kilometer"),
        (r"\s+(?:US )?dollars\b", "usd"),
        (r"\s+won\b", "krw"),
        (r"(?:\s+\S+){0,2}?\s+(?:vaccine\s+)?doses\b", "dose"),
        (rf"(?:\s+[\w’'-]+){{0,2}}?\s+(?:{_PEOPLE})\b", "person"),
    ]
    for pattern, unit in rules:
        if re.match(pattern, after):
            return unit
    return "count"


def _qualifier(sentence: str, start: int) -> str:
    before = sentence[max(0, start - 30) : start].rstrip().lower()
    for name, pattern in QUALIFIERS:
        if re.search(rf"\b{pattern}$", before):
            return name
    return "exact"


def _numbers(sentence: str, taken: list[tuple[int, int]]) -> list[re.Match[str]]:
    return [
        m
        for m in NUMBER.finditer(sentence)
        if not any(a < m.end() and m.start() < b for a, b in taken)
        and not re.search(r"(?:[Rr]esolution|[Aa]rticle|[Nn]o\.)\s*$|/$", sentence[: m.start()])
        and sentence[m.end() : m.end() + 1] != "/"
        and not re.match(r"(?:st|nd|rd|th)\b", sentence[m.end() :])
    ]


def _list_end(sentence: str, matches: list[re.Match[str]], i: int) -> int:
    """The last number of a list that starts at ``matches[i]`` (``10, 9 and 8 years``)."""
    j = i
    while j + 1 < len(matches) and re.fullmatch(
        r"\s*(?:,|,?\s*and)\s*", sentence[matches[j].end() : matches[j + 1].start()]
    ):
        j += 1
    return j


def _pair(sentence: str, matches: list[re.Match[str]], i: int) -> Figure | None:
    """A range (``one to two``, ``between 5 and 10``) or alternatives (``40 or 50``) at ``i``."""
    if i + 1 >= len(matches):
        return None
    m, nxt = matches[i], matches[i + 1]
    between = sentence[m.end() : nxt.start()]
    words = sentence[m.start() : nxt.end()]
    if re.fullmatch(r"\s*(?:to|-|–)\s*", between) or (
        re.fullmatch(r"\s*and\s*", between) and re.search(r"\bbetween\s*$", sentence[: m.start()])
    ):
        return Figure(_unit(sentence, nxt), "range", min=_value(m), max=_value(nxt), words=words)
    if re.fullmatch(r"\s*or\s*", between):
        return Figure(_unit(sentence, nxt), "either", alternatives=[_value(m), _value(nxt)], words=words)
    return None


def ranks_and_times(sentence: str) -> list[Figure]:
    """Ordinals (``its sixth nuclear test``, ``for the fourth consecutive year``: ``ordinal``; not
    ``first``, which mostly means earliest, nor a century, anniversary or session) and ``twice``,
    ``only once`` (a count of 2 or 1)."""
    found: list[Figure] = []
    for m in _ORDINAL.finditer(sentence):
        rank = ORDINALS[m.group("word").lower()] if m.group("word") else int(m.group("num"))
        found.append(Figure("count", "exact", ordinal=rank, words=m.group(0)))
    for m in _TIMES.finditer(sentence):
        value = Decimal(2 if m.group("twice") else 1)
        found.append(
            Figure(
                "count",
                _qualifier(sentence, m.start("once") if m.group("once") else m.start()),
                value=value,
                words=m.group(0),
            )
        )
    return found


def figures_in(sentence: str, taken: list[tuple[int, int]], unit_before: str | None = None) -> list[Figure]:
    """The figures of ``sentence``, leaving out what lies in ``taken`` (the dates' words);
    ``unit_before`` is the unit of the last figure of the clause before, in the same sentence."""
    found: list[Figure] = []
    matches = _numbers(sentence, taken)
    i = 0
    while i < len(matches):
        pair = _pair(sentence, matches, i)
        if pair is not None:
            found.append(pair)
            i += 2
            continue
        last = matches[_list_end(sentence, matches, i)]
        m = matches[i]
        unit = _unit(sentence, m)
        if unit == "count" and last is not m:
            unit = _unit(sentence, last)
        i += 1
        before = found[-1].unit if found else unit_before
        if unit == "count" and before and re.match(_BARE, sentence[m.end() :]):
            unit = before  # "over 1,000 North Koreans ... compared to 105 between ..."
        num = m.group("num")
        if unit == "count" and (num.lower() == "one" or re.fullmatch(r"\d{4,}", num)):
            continue  # "one of the", and a bare number of four digits or more: a name ("1718 Committee")
        if re.fullmatch(r"(?:19|20)\d\d", num) and not m.group("cur"):
            continue  # a year ("a 2024 South Korean study"), never a count
        penalty = unit in ("year", "month") and bool(_PENALTY.match(sentence, last.end()))
        found.append(
            Figure(
                unit,
                _qualifier(sentence, m.start()),
                value=_value(m),
                words=m.group(0).strip(),
                penalty=penalty,
            )
        )
    return found + ranks_and_times(sentence)
