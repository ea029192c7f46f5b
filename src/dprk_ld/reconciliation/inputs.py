"""What a client asks, read and bounded: a batch of reconciliation queries, a data extension
request, suggest and property-proposal parameters, a JSONP callback name.

Every refusal is a :class:`BadInput` naming the parameter and what is wrong with it (the web
layer answers it with a 400 in the project's error shape). The bounds are constants here and
stated in the README: :data:`MAX_QUERIES` queries per batch, :data:`MAX_TEXT` characters of a
query or of a property value, :data:`MAX_LIMIT` candidates per query, :data:`MAX_IDS` ids and
:data:`MAX_EXTEND_PROPERTIES` properties per extension, :data:`MAX_JSON` characters of a JSON
parameter.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from dprk_ld.reconciliation.kinds import KINDS, PROPERTIES, Kind, Prop, kind_of, prop_of

MAX_JSON = 200_000
MAX_QUERIES = 50
MAX_KEY = 100
MAX_TEXT = 500
MAX_LIMIT = 100
DEFAULT_LIMIT = 10
MAX_TYPES = len(KINDS)
MAX_CONSTRAINTS = 20
MAX_VALUES = 20
MAX_IDS = 100
MAX_EXTEND_PROPERTIES = len(PROPERTIES)
MAX_SETTING_LIMIT = 1000
MAX_CURSOR = 10_000
QUERY_FIELDS = {"query", "type", "limit", "properties", "type_strict"}
TYPE_STRICT = ("any", "should", "all")
#: a JSONP callback: a JavaScript name or dotted path, nothing that could end the call early
CALLBACK_RE = re.compile(r"[A-Za-z0-9_.$]{1,100}")
#: a whole number as a parameter gives it (ASCII digits only)
DIGITS_RE = re.compile(r"[0-9]{1,9}")


class BadInput(ValueError):
    """A request the service refuses: ``parameter`` names what is wrong, ``details`` the facts."""

    def __init__(self, parameter: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.details: dict[str, Any] = {"parameter": parameter, **details}


@dataclass(frozen=True)
class Given:
    """One value a query gives for a property: a string, or an entity's id (``{"id": ...}``)."""

    text: str
    id: str | None = None


@dataclass(frozen=True)
class Constraint:
    prop: Prop
    values: tuple[Given, ...]


@dataclass(frozen=True)
class Query:
    text: str
    kinds: tuple[Kind, ...] = ()
    every_kind: bool = False  # type_strict "all"
    limit: int = DEFAULT_LIMIT
    constraints: tuple[Constraint, ...] = ()


def read_json(parameter: str, text: str) -> Any:
    """The JSON value of a parameter, or BadInput saying where it is malformed."""
    if len(text) > MAX_JSON:
        raise BadInput(parameter, f"{parameter} is longer than {MAX_JSON} characters.",
                       limit=MAX_JSON)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(parameter, f"{parameter} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                       f"column {exc.colno}.", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise BadInput(parameter, f"{parameter} is nested too deeply.") from None


def parse_batch(text: str) -> dict[str, Query]:
    """The queries of a ``queries`` parameter, by their keys."""
    batch = read_json("queries", text)
    if not isinstance(batch, dict):
        raise BadInput("queries", "queries must be a JSON object of queries by key.")
    if len(batch) > MAX_QUERIES:
        raise BadInput("queries", f"A batch holds at most {MAX_QUERIES} queries; this one holds "
                       f"{len(batch)}.", limit=MAX_QUERIES, given=len(batch))
    return {_key(k): parse_query(k, q) for k, q in batch.items()}


def _key(k: str) -> str:
    if len(k) > MAX_KEY:
        raise BadInput("queries", f"A query key is longer than {MAX_KEY} characters.", limit=MAX_KEY)
    return k


def parse_query(name: str, raw: Any) -> Query:
    """One query of a batch (``name`` is its key, for the messages)."""
    where = f"queries[{json.dumps(name[:40], ensure_ascii=False)}]"
    if not isinstance(raw, dict):
        raise BadInput("queries", f"{where} must be a JSON object.")
    unknown = sorted(set(raw) - QUERY_FIELDS)
    if unknown:
        raise BadInput("queries", f"{where} has an unknown field: {unknown[0]}.",
                       allowed=sorted(QUERY_FIELDS))
    text = raw.get("query", "")
    if not isinstance(text, str):
        raise BadInput("queries", f"{where}.query must be a string.")
    if len(text) > MAX_TEXT:
        raise BadInput("queries", f"{where}.query is longer than {MAX_TEXT} characters.",
                       limit=MAX_TEXT)
    constraints = _constraints(where, raw.get("properties", []))
    if not text.strip() and not constraints:
        raise BadInput("queries", f"{where} needs a query text or at least one property.")
    strict = raw.get("type_strict", "any")
    if strict not in TYPE_STRICT:
        raise BadInput("queries", f"{where}.type_strict must be one of {', '.join(TYPE_STRICT)}.")
    return Query(text=text.strip(), kinds=parse_types(where, raw.get("type")),
                 every_kind=strict == "all", limit=parse_limit(f"{where}.limit", raw.get("limit")),
                 constraints=constraints)


def parse_types(where: str, raw: Any) -> tuple[Kind, ...]:
    """The kinds a ``type`` names: one id or a list of them (none: every kind)."""
    if raw is None:
        return ()
    ids = [raw] if isinstance(raw, str) else raw
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise BadInput("type", f"{where}.type must be a type id or a list of them.")
    if len(ids) > MAX_TYPES:
        raise BadInput("type", f"{where}.type names more than {MAX_TYPES} types.", limit=MAX_TYPES)
    kinds = []
    for type_id in ids:
        kind = kind_of(type_id)
        if kind is None:
            raise BadInput("type", f"Unknown type {json.dumps(type_id[:100], ensure_ascii=False)} "
                           f"in {where}.", known=[k.iri for k in KINDS])
        if kind not in kinds:
            kinds.append(kind)
    return tuple(kinds)


def parse_limit(where: str, raw: Any, default: int = DEFAULT_LIMIT, top: int = MAX_LIMIT) -> int:
    """A limit: a whole number from 1 to ``top`` (a string of digits too: query parameters)."""
    if raw is None or raw == "":
        return default
    if isinstance(raw, str) and DIGITS_RE.fullmatch(raw.strip()):
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw) \
            or raw != int(raw):
        raise BadInput("limit", f"{where} must be a whole number.")
    if not 1 <= raw <= top:
        raise BadInput("limit", f"{where} must be from 1 to {top}.", limit=top)
    return int(raw)


def _constraints(where: str, raw: Any) -> tuple[Constraint, ...]:
    if not isinstance(raw, list):
        raise BadInput("properties", f"{where}.properties must be a list.")
    if len(raw) > MAX_CONSTRAINTS:
        raise BadInput("properties", f"{where}.properties holds more than {MAX_CONSTRAINTS} "
                       "properties.", limit=MAX_CONSTRAINTS)
    found = []
    for item in raw:
        if not isinstance(item, dict) or set(item) - {"pid", "v"} or "pid" not in item \
                or "v" not in item:
            raise BadInput("properties", f"Each of {where}.properties must be {{\"pid\", \"v\"}}.")
        prop = prop_of(item["pid"]) if isinstance(item["pid"], str) else None
        if prop is None:
            raise BadInput("properties", f"Unknown property {json.dumps(str(item['pid'])[:100])} "
                           f"in {where}.", known=[p.id for p in PROPERTIES])
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        if not values or len(values) > MAX_VALUES:
            raise BadInput("properties", f"A property of {where} needs from 1 to {MAX_VALUES} "
                           "values.", limit=MAX_VALUES)
        found.append(Constraint(prop, tuple(_given(where, v) for v in values)))
    return tuple(found)


def _given(where: str, raw: Any) -> Given:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        given = Given(str(raw.get("name") or ""), raw["id"])
    elif isinstance(raw, str | int | float) and not isinstance(raw, bool):
        given = Given(str(raw))
    elif isinstance(raw, bool):
        given = Given("true" if raw else "false")
    else:
        raise BadInput("properties", f"A property value of {where} must be a string, a number, "
                       "a boolean or {\"id\": ...}.")
    if len(given.text) > MAX_TEXT or len(given.id or "") > MAX_TEXT:
        raise BadInput("properties", f"A property value of {where} is longer than {MAX_TEXT} "
                       "characters.", limit=MAX_TEXT)
    return given


@dataclass(frozen=True)
class Extension:
    ids: tuple[str, ...]
    props: tuple[tuple[Prop, int], ...]  # each with its limit of values (0: all)


def parse_extension(text: str) -> Extension:
    """The ids and properties of an ``extend`` parameter."""
    raw = read_json("extend", text)
    if not isinstance(raw, dict) or not isinstance(raw.get("ids"), list) \
            or not isinstance(raw.get("properties"), list):
        raise BadInput("extend", "extend must be a JSON object with a list of ids and a list of "
                       "properties.")
    ids, props = raw["ids"], raw["properties"]
    if not all(isinstance(i, str) and len(i) <= MAX_TEXT for i in ids):
        raise BadInput("extend", f"Each id of extend must be a string of at most {MAX_TEXT} characters.")
    if len(ids) > MAX_IDS:
        raise BadInput("extend", f"extend asks for more than {MAX_IDS} ids.", limit=MAX_IDS)
    if len(props) > MAX_EXTEND_PROPERTIES:
        raise BadInput("extend", f"extend asks for more than {MAX_EXTEND_PROPERTIES} properties.",
                       limit=MAX_EXTEND_PROPERTIES)
    return Extension(tuple(ids), tuple(_extension_prop(p) for p in props))


def _extension_prop(raw: Any) -> tuple[Prop, int]:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise BadInput("extend", "Each property of extend must be {\"id\": ..., \"settings\": {...}}.")
    prop = prop_of(raw["id"])
    if prop is None:
        raise BadInput("extend", f"Unknown property {json.dumps(raw['id'][:100])} in extend.",
                       known=[p.id for p in PROPERTIES])
    settings = raw.get("settings") or {}
    if not isinstance(settings, dict):
        raise BadInput("extend", "The settings of a property of extend must be an object.")
    limit = settings.get("limit", 0)
    if isinstance(limit, str) and DIGITS_RE.fullmatch(limit.strip()):
        limit = int(limit.strip())
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_SETTING_LIMIT:
        raise BadInput("extend", f"The limit setting of {prop.id} must be a whole number from 0 "
                       f"to {MAX_SETTING_LIMIT}.", limit=MAX_SETTING_LIMIT)
    return prop, limit


def parse_cursor(raw: str | None) -> int:
    """A suggest ``cursor``: how many results to skip."""
    if raw is None or raw == "":
        return 0
    if not DIGITS_RE.fullmatch(raw.strip()) or int(raw) > MAX_CURSOR:
        raise BadInput("cursor", f"cursor must be a whole number from 0 to {MAX_CURSOR}.",
                       limit=MAX_CURSOR)
    return int(raw)


def parse_prefix(raw: str | None) -> str:
    """A suggest ``prefix`` (required; may be empty)."""
    if raw is None:
        raise BadInput("prefix", "The prefix parameter is missing.")
    if len(raw) > MAX_TEXT:
        raise BadInput("prefix", f"prefix is longer than {MAX_TEXT} characters.", limit=MAX_TEXT)
    return raw


def check_callback(raw: str) -> str:
    """A JSONP callback name: letters, digits, ``_``, ``.`` and ``$`` only."""
    if not CALLBACK_RE.fullmatch(raw):
        raise BadInput("callback", "callback may hold only letters, digits, _, . and $ (at most "
                       "100 of them).")
    return raw


__all__ = ["DEFAULT_LIMIT", "MAX_IDS", "MAX_LIMIT", "MAX_QUERIES", "MAX_TEXT", "BadInput",
           "Constraint", "Extension", "Given", "Query", "check_callback", "parse_batch",
           "parse_cursor", "parse_extension", "parse_limit", "parse_prefix", "parse_query",
           "parse_types"]
