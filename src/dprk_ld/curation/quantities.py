"""The figures of a finding: what each measures (a concept of ontology/vocab/measures.ttl), its
reference period (its own, or the finding's one time), and its number: a value, a range, a rank
(``ordinal``) or the alternatives a source gives ("40 or 50 days"), in a unit of the measure's
kind."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dprk_ld.curation.dates import When
from dprk_ld.curation.fields import as_list, decimal_of, text_of
from dprk_ld.curation.model import Quantity
from dprk_ld.curation.suggest import did_you_mean, scheme_labels
from dprk_ld.curation.times import Bad, Missing, parse_when
from dprk_ld.curation.vocab import unit_mismatch

QUANTITY_FIELDS = {
    "measure", "period", "value", "min", "max", "ordinal", "alternatives", "unit", "qualifier",
    "counted",
}


@dataclass(frozen=True)
class Numbers:
    value: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    ordinal: int | None = None
    alternatives: tuple[Decimal, ...] = ()


def read_quantities(
    raw: Any, own: tuple[When | None, str], concepts: dict[str, set[str]], bad: Bad, missing: Missing
) -> list[Quantity]:
    """The quantities of a finding whose one time (or why it has none) is ``own``; one figure per
    measure, reference period and unit."""
    found: list[Quantity] = []
    seen: dict[tuple[str, str, str], int] = {}
    for n, q in enumerate(as_list(raw), 1):
        quantity = _quantity(n, q, own, concepts, bad, missing)
        if quantity is None:
            continue
        key = (quantity.measure, quantity.period.key if quantity.period else "", quantity.unit)
        if key in seen:
            bad(f"quantity {n}: quantity {seen[key]} already gives measure {quantity.measure!r} for "
                f"period {key[1]} in {quantity.unit}; one figure per measure, period and unit "
                "(split the finding otherwise)")
            continue
        seen[key] = n
        found.append(quantity)
    return found


def _quantity(
    n: int, q: Any, own: tuple[When | None, str], concepts: dict[str, set[str]], bad: Bad,
    missing: Missing,
) -> Quantity | None:
    if not isinstance(q, dict):
        bad(f"quantity {n} must be a mapping")
        return None
    unknown = set(q) - QUANTITY_FIELDS
    if unknown:
        bad(f"quantity {n}: unknown field(s) {sorted(unknown)}"
            + "".join(did_you_mean(k, QUANTITY_FIELDS) for k in sorted(unknown)))
        return None
    unit, qualifier = q.get("unit"), q.get("qualifier")
    if unit not in concepts.get("units", set()):
        bad(f"quantity {n}: unknown unit {unit!r}"
            f"{did_you_mean(unit, concepts.get('units', set()), scheme_labels(concepts, 'units'))}")
        return None
    if qualifier not in concepts.get("quantity-qualifiers", set()):
        bad(f"quantity {n}: unknown qualifier {qualifier!r}"
            f"{did_you_mean(qualifier, concepts.get('quantity-qualifiers', set()))}")
        return None
    measure = _measure(n, q, concepts, bad, missing)
    period = _period(n, q, own, bad, missing)
    numbers = _numbers(n, q, bad)
    if numbers is None or measure is None or period is None:
        return None
    if unit == "count" and not text_of(q.get("counted")):
        bad(f"quantity {n}: with unit count, say what was counted in 'counted'")
        return None
    return Quantity(
        unit, qualifier, numbers.value, numbers.minimum, numbers.maximum, text_of(q.get("counted")),
        measure=measure, period=period, ordinal=numbers.ordinal, alternatives=numbers.alternatives,
    )


def _measure(n: int, q: dict[str, Any], concepts: dict[str, set[str]], bad: Bad,
             missing: Missing) -> str | None:
    """The measure: named, in the scheme, and of the kind of the quantity's unit."""
    measure = q.get("measure")
    if measure in (None, ""):
        missing("measure", f"quantity {n}: no measure (a concept of ontology/vocab/measures.ttl)")
        return None
    if measure not in concepts.get("measures", set()):
        hint = did_you_mean(measure, concepts.get("measures", set()),
                            scheme_labels(concepts, "measures"))
        bad(f"quantity {n}: unknown measure {measure!r} (not in ontology/vocab/measures.ttl){hint}")
        return None
    mismatch = unit_mismatch(concepts, str(measure), str(q.get("unit")))
    if mismatch:
        bad(f"quantity {n}: {mismatch}")
        return None
    return str(measure)


def _period(n: int, q: dict[str, Any], own: tuple[When | None, str], bad: Bad,
            missing: Missing) -> When | None:
    """The reference period: the quantity's own, else the finding's one time."""
    if q.get("period") is not None:
        try:
            return parse_when(q["period"])
        except ValueError as exc:
            bad(f"quantity {n}: period: {exc}")
            return None
    when, why = own
    if when is None and why:
        missing("period", f"quantity {n}: no period, and {why} to take it from; give the "
                "figure's own period")
    return when


#: the forms a figure's number takes, by the fields that give it
FORMS = {"value": ("value",), "range": ("min", "max"), "ordinal": ("ordinal",),
         "alternatives": ("alternatives",)}


def _numbers(n: int, q: dict[str, Any], bad: Bad) -> Numbers | None:
    """Exactly one of value, min and max, ordinal, alternatives; a range with qualifier range,
    alternatives with qualifier either, and those qualifiers with nothing else."""
    forms = [form for form, keys in FORMS.items() if any(q.get(k) is not None for k in keys)]
    if len(forms) != 1:
        bad(f"quantity {n}: give one of value, ordinal, min and max, or alternatives "
            f"(not {' and '.join(forms) or 'none'})")
        return None
    form, qualifier = forms[0], q["qualifier"]
    if (form == "range") != (qualifier == "range"):
        bad(f"quantity {n}: min and max go with qualifier range, and qualifier range with them "
            f"only (a range needs min <= max and no value)")
        return None
    if (form == "alternatives") != (qualifier == "either"):
        bad(f"quantity {n}: alternatives go with qualifier either, and qualifier either with "
            f"them only")
        return None
    try:
        return _read_numbers(form, q)
    except ValueError as exc:
        bad(f"quantity {n}: {exc}")
        return None


def _read_numbers(form: str, q: dict[str, Any]) -> Numbers:
    if form == "value":
        return Numbers(value=decimal_of(q["value"]))
    if form == "range":
        if q.get("min") is None or q.get("max") is None:
            raise ValueError("a range needs both min and max")
        lo, hi = decimal_of(q["min"]), decimal_of(q["max"])
        if lo > hi:
            raise ValueError(f"a range needs min <= max, not {lo} > {hi}")
        return Numbers(minimum=lo, maximum=hi)
    if form == "ordinal":
        rank = q["ordinal"]
        if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
            raise ValueError(f"ordinal {rank!r} is no rank (1 for the first, 6 for the sixth)")
        return Numbers(ordinal=rank)
    values = tuple(decimal_of(v) for v in as_list(q["alternatives"]))
    if len(set(values)) < 2:
        raise ValueError("alternatives are two or more different values")
    return Numbers(alternatives=values)


__all__ = ["QUANTITY_FIELDS", "read_quantities"]
