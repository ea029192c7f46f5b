"""The time of a candidate: from the times its sentence names (:mod:`~.when`), or, when it names
none, from the sentence it points back to or from the period the report covers.

A sentence that names no time, the first rule that holds:

1. a recommendation, or a sentence that says what should be done (``should``, ``must``, ``ought
   to``), is ``undated``: it states no fact of a time;
2. ``Prior to that`` / ``Before that`` / ``Until then`` at its start: a period open at its start
   that ends at the time of the sentence before;
3. ``by that time`` / ``by then``: ``as_of`` the time of the sentence before;
4. a sentence that opens by pointing back (``This``, ``They``, ``The same month``, ``The
   resolution``, ``The CoI``) takes the time of what it points to: for ``The <document>``
   (report, resolution ...) or ``The <acronym>``, the last sentence of this paragraph or the one
   before that names that word and a time; otherwise the sentence before, when that one had a
   time (``inferred-from-context``);
5. what someone has said or says (``has documented``, ``have called on``, ``As highlighted by``,
   ``allege``) is ``undated``: the source does not say when it was said;
6. in a paragraph whose first sentence is dated so by a document it names (``The CoI’s report
   detailed …``), the later sentences tell what that document found: its time;
7. else the year the report covers (``inferred-from-coverage``).

In 3, 4, 6 and 7 the field follows the tense: a sentence told in the past (``maintained``, ``were``,
``fled``) reports something that happened then: ``date``; one in the present (``is``, ``has``,
``remains``, or no past form at all) states what held then: ``as_of``. When the sentence reports
what someone said (``It said that people are …``) the tense of what was said decides. A carried
period stays a period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dprk_ld.curation.ingest.when import Found

_NORMATIVE = re.compile(r"\b(?:should|ought to)\b", re.IGNORECASE)
#: what someone has said or says, with no time: "The UN Secretary-General has also documented …",
#: "As highlighted by the CoI, …", "Some … groups allege …"
_SAID_UNDATED = re.compile(
    r"\b(?:has|have)\s+(?:also\s+)?(?:documented|reported|called on|called for|found|noted|warned|"
    r"stated|urged|expressed concern)\b|^As (?:highlighted|noted|documented|reported|found) by\b|"
    r"\b(?:allege|alleges|claim|claims|contend|contends|maintain that|maintains that)\b"
)
_BEFORE_THAT = re.compile(r"^(?:Prior to|Before|Until) (?:that|this|then)\b")
_BY_THEN = re.compile(r"\bby (?:that time|then)\b", re.IGNORECASE)
_DOCUMENTS = (
    r"resolution|report|restrictions|decision|law|move|measures?|directive|meeting|visit|study|"
    r"sanctions|deployment|ban|policy|decree|order|session|survey|letter|statement|agreement|pact"
)
_ANAPHOR = re.compile(
    r"^(?:This|These|That|Those|It|Its|They|Their|He|She|His|Her|The same|Such|"
    rf"The (?:[\w’']+ ){{0,2}}(?P<noun>{_DOCUMENTS})\b|"
    r"The (?P<acronym>[A-Z][A-Za-z]*[A-Z][A-Za-z]*)\b(?![’'\s]+[A-Z]))"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\S+", text))


_POINTS_BACK = re.compile(r"^(?:This|These|That|Those|It|They|The same)\b")
_PRESENT = _words("is are am has have does do remain remains continue continues can cannot will may")
_IRREGULAR_PAST = _words(
    "was were had did held took made fled sought said found gave began left met sent kept told "
    "brought saw went came became chose led paid stood won wrote spoke shot struck drew grew knew "
    "threw built felt fought caught taught thought bought lost meant heard sold spent hurt "
    "understood forbade withdrew"
)
#: a word ending in -ed is a finite verb only after none of these (``the forced labor``, ``if
#: returned``) and before one of the words after which a verb's object or complement starts
_NOT_A_VERB_AFTER = _words(
    "a an the its their his her our those of by in for with to from on at into be been being is are "
    "was were has have had if when once unless as than , ; : – —"
)
_VERB_BEFORE = _words(
    "a an the its their his her our this these those that some many most all no any to for from "
    "at with into over about against after up out down due it them him us"
)
_ARTICLES = _words("a an the its their his her")
#: past forms of verbs that reports use mostly as verbs, whatever follows
_REPORTING_PAST = _words("reported announced adopted maintained")
_REPORTED = re.compile(
    r"\b(?:said|says|say|reported|reports|found|finds|showed|shows|concluded|concludes|noted|"
    r"notes|stated|states|announced|announces|estimated|estimates|documented) that\s|"
    r"\b(?:said|says|say) (?=(?:they|he|she|it|we|there)\b)"
)


def past_tense(sentence: str) -> bool:
    """Whether ``sentence`` is told in the past: the first verb form that shows a tense is a past
    one (``was``, ``fled``, ``maintained the``), leaving out relative clauses (``which``,
    ``who`` … to the next comma); the tense of what it reports when it reports (``said that``).
    A word ending in -ed counts only where a verb stands: not after an article, a preposition,
    an auxiliary or a comma (unless an article follows), and before an article, a preposition,
    a pronoun, an adverb or another verb form (``forced labor`` and ``unsanctioned media`` are
    no verbs)."""
    m = _REPORTED.search(sentence)
    if m:
        sentence = sentence[m.end() :]
    tokens = [t.lower() for t in re.findall(r"[\w’'-]+|[,.;:–—]", sentence)]
    skip = False
    for i, w in enumerate(tokens):
        if w in ("which", "who", "whom", "whose") or (skip and w != ","):
            skip = True  # a relative clause, to its comma: not the sentence's verb
            continue
        skip = False
        if w in _PRESENT:
            return False
        if w in _IRREGULAR_PAST or w in _REPORTING_PAST:
            return True
        before = tokens[i - 1] if i else ","
        after = tokens[i + 1] if i + 1 < len(tokens) else "."
        if (
            len(w) > 4
            and w.endswith("ed")
            and (before not in _NOT_A_VERB_AFTER or (before == "," and after in _ARTICLES))
            and not before.endswith(("’s", "'s"))
            and (after in _VERB_BEFORE or after.endswith(("ly", "ed", "ing")))
        ):
            return True
    return False


@dataclass
class Told:
    """What the sentences before dated: each one's paragraph, text and the time it named or
    carried (None when it got only the covered year)."""

    items: list[tuple[int, str, dict[str, Any] | None]] = field(default_factory=list)
    paragraph: int = 0
    places: list[str] = field(default_factory=list)  # those of the sentence before, in this paragraph

    #: the time of the document a paragraph opens by naming ("The CoI’s report detailed …"): the
    #: time of what its later sentences report, when they name none
    document_time: dict[str, Any] | None = None

    def new_paragraph(self) -> None:
        self.paragraph += 1
        self.places = []
        self.document_time = None

    def opens_paragraph(self) -> bool:
        return not self.items or self.items[-1][0] != self.paragraph

    def add(self, text: str, time: dict[str, Any] | None, places: list[str] | None = None) -> None:
        self.items.append((self.paragraph, text, time))
        self.places = list(places or [])

    def places_for(self, text: str) -> list[str]:
        """The places a sentence that names none takes: those of the sentence before, when it
        opens by pointing back to it with a pronoun (``They``, ``This directive``)."""
        return list(self.places) if _POINTS_BACK.match(text) else []

    def antecedent(self, text: str) -> tuple[dict[str, Any], str] | None:
        """The time a sentence that points back takes, and the words it was read from: for ``The
        <document>`` or ``The <acronym>``, that of the last sentence of this paragraph or the
        one before that names the word and a time; else that of the sentence before."""
        m = _ANAPHOR.match(text)
        if m is None:
            return None
        word = m.group("noun") or m.group("acronym")
        if word:
            pattern = re.compile(rf"\b{re.escape(word)}\b", 0 if m.group("acronym") else re.IGNORECASE)
            for paragraph, before, time in reversed(self.items):
                if paragraph < self.paragraph - 1:
                    break
                if time is not None and pattern.search(before):
                    return time, f"{m.group(0)!r} names what an earlier sentence dated"
            if m.group("acronym"):
                return None
        last = self.last()
        return (last, f"{m.group(0)!r} points back to the sentence before") if last else None

    def last(self) -> dict[str, Any] | None:
        """The time of the sentence before, in this paragraph."""
        if self.items and self.items[-1][0] == self.paragraph:
            return self.items[-1][2]
        return None


def _value_of(time: dict[str, Any]) -> tuple[str, Any]:
    for name in ("date", "period", "as_of"):
        if name in time:
            value = time[name]
            return name, value[0] if isinstance(value, list) else value
    raise ValueError(time)  # pragma: no cover - a dated time has one of them


def _by_tense(time: dict[str, Any], sentence: str) -> dict[str, Any]:
    name, value = _value_of(time)
    if name == "period":
        return {"period": value}
    return {"date" if past_tense(sentence) else "as_of": value}


def undated_time(
    text: str, kind: str, covered: str | None, told: Told, demanded: bool = False
) -> tuple[dict[str, Any], str, bool]:
    """The time fields of a sentence that names no time, why, and whether it was carried from
    an earlier sentence. ``demanded``: an organization or person named just before ``must``."""
    if kind == "recommendation" or demanded or _NORMATIVE.search(text):
        return {"undated": "the source gives no date"}, "it says what should be done: no time", False
    last = told.last()
    if last is not None and _BEFORE_THAT.match(text):
        _, value = _value_of(last)
        end = value.get("start") if isinstance(value, dict) else value
        if end:
            return (
                {"period": {"end": end}, "time_basis": "inferred-from-context"},
                "before the time of the sentence before",
                True,
            )
    if last is not None and _BY_THEN.search(text):
        _, value = _value_of(last)
        if isinstance(value, str):
            return {"as_of": value, "time_basis": "inferred-from-context"}, "'by that time'", True
    found = told.antecedent(text)
    if found is not None:
        time, why = found
        if told.opens_paragraph():
            told.document_time = time  # "The CoI’s report detailed …" opens a paragraph on it
        return {**_by_tense(time, text), "time_basis": "inferred-from-context"}, why, True
    if told.document_time is not None:
        return (
            {**_by_tense(told.document_time, text), "time_basis": "inferred-from-context"},
            "the paragraph opens with what a dated document found",
            True,
        )
    said = _SAID_UNDATED.search(text)
    if said:
        return (
            {"undated": "the source does not say when it was said"},
            f"{said.group(0)!r}: said at a time the source does not give",
            False,
        )
    if covered:
        field_name = "date" if past_tense(text) else "as_of"
        return (
            {field_name: covered, "time_basis": "inferred-from-coverage"},
            f"no time in the sentence: the year the report covers ({covered}), "
            + ("told in the past" if field_name == "date" else "a state"),
            False,
        )
    return {"undated": "the sentence gives no date"}, "no time in the sentence", False


def stated_time(found: list[Found], kind: str) -> tuple[dict[str, Any], str]:
    """The time fields of a sentence that names times, and why: its dates (one, or a list when
    they are not in order), or, when it names two or more dates in order and was not cut into
    clauses, the period from the first to the last (what held between them); else its period or
    ``as_of``."""
    periods = [f for f in found if f.field == "period"]
    dates = [f for f in found if f.field == "date"]
    as_of = [f for f in found if f.field == "as_of"]
    basis = next((f.basis for f in found if f.basis != "stated"), "stated")
    fields: dict[str, Any]
    if as_of and not dates:
        fields, used = {"as_of": as_of[0].value}, as_of[:1]
    elif periods and not dates:
        fields, used = {"period": periods[0].value}, periods[:1]
    else:
        values = list(dict.fromkeys(str(f.value) for f in dates))
        if len(values) > 1 and values == sorted(values):  # "stopped it in April and restarted it in
            fields = {"period": {"start": values[0], "end": values[-1]}}  # September": what lay between
        else:
            fields = {"date": values[0] if len(values) == 1 else values}
        used = dates
    if kind in ("treaty-status", "membership-status") and isinstance(fields.get("date"), str):
        fields = {"as_of": fields["date"]}
    if basis != "stated":
        fields["time_basis"] = basis
    why = "; ".join(f"{f.words!r}" + (f" ({f.basis})" if f.basis != "stated" else "") for f in used)
    return fields, why


def time_only(fields: dict[str, Any]) -> dict[str, Any] | None:
    """The dated part of a candidate's time fields (None when undated)."""
    kept = {k: v for k, v in fields.items() if k in ("date", "period", "as_of")}
    return kept or None


def _set_time(item: dict[str, Any], fields: dict[str, Any], why: str) -> None:
    for name in ("date", "period", "as_of", "undated", "time_basis"):
        item.pop(name, None)
    item.update(fields)
    item["why"]["time"] = why


def link_times(link: str, before: dict[str, Any], item: dict[str, Any], dated: bool) -> bool:
    """The times of two clauses of one sentence tied by ``link`` (see :mod:`~.clauses`):
    ``since``: the clause before ("Since the reopening … on 26 August 2023,") is the event, dated
    by its time, and this one, when it names no time, is a period starting then; ``before``:
    this one, when it names no time, is a period that ends at the date of the one before.
    Whether this clause is now dated by a named or carried time."""
    if link == "since" and isinstance(before.get("period"), dict) and set(before["period"]) == {"start"}:
        start = before["period"]["start"]
        _set_time(before, {"date": start}, f"the event the sentence opens with: {start}")
        if not dated:
            _set_time(
                item,
                {"period": {"start": start}, "time_basis": "inferred-from-context"},
                f"since the event of the clause before ({start})",
            )
            return True
    if link == "before" and not dated and isinstance(before.get("date"), str):
        _set_time(
            item,
            {"period": {"end": before["date"]}, "time_basis": "inferred-from-context"},
            f"before the time of the clause before ({before['date']})",
        )
        return True
    return dated
