"""Events (``data/events.yaml``): the real-world events or states that findings report.

An event has an id, a label and a description in our words, and the findings that report it,
each named ``<source>/<id>``. The file is optional: a project without it has no events. Each
problem names the file, the event and its line.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from dprk_ld.curation.errors import Collector
from dprk_ld.curation.fields import SLUG, as_list, text_of
from dprk_ld.curation.model import Event, Finding
from dprk_ld.curation.relations import is_known
from dprk_ld.curation.suggest import did_you_mean
from dprk_ld.curation.yamlio import YamlError, line_of, read_yaml

EVENTS_FILE = Path("data/events.yaml")
EVENT_FIELDS = {"id", "label", "description", "findings", "state"}


def load_events(root: Path, findings: list[Finding], out: Collector,
                failed: Collection[str] = ()) -> list[Event]:
    """The events of ``root/data/events.yaml`` (none if there is no such file), each id once; a
    finding of ``failed`` (that could not be read) is not reported unknown."""
    path = root / EVENTS_FILE
    if not path.is_file():
        return []
    try:
        raw = read_yaml(path)
    except YamlError as exc:
        out.add(path, str(exc), line=exc.line)
        return []
    if raw is None:
        return []
    if not isinstance(raw, dict) or set(raw) != {"events"}:
        out.add(path, "the events file holds one field, 'events': a list of events", line=line_of(raw))
        return []
    known = {f.key for f in findings}
    events: list[Event] = []
    seen: dict[str, int | None] = {}
    for item in as_list(raw["events"]):
        event = _event(item, path, lambda key: is_known(key, known, failed), out)
        if event is None:
            continue
        if event.id in seen:
            out.add(path, f"duplicate event id {event.id!r} (first at line {seen[event.id]})",
                    event.id, event.line)
            continue
        seen[event.id] = event.line
        events.append(event)
    return events


def _event(item: Any, path: Path, known: Callable[[str], bool], out: Collector) -> Event | None:
    if not isinstance(item, dict):
        out.add(path, "each event must be a mapping with id, label, description and findings",
                line=line_of(item))
        return None
    line = line_of(item)
    eid = item.get("id")
    name = eid if isinstance(eid, str) else None
    before = len(out.problems)

    def bad(message: str) -> None:
        out.add(path, message, name, line)

    if not isinstance(eid, str) or not SLUG.match(eid):
        bad(f"bad or missing id {eid!r} (lowercase words joined by hyphens)")
    for key in item:
        if key not in EVENT_FIELDS:
            bad(f"unknown field {key!r} (an event has {', '.join(sorted(EVENT_FIELDS))})"
                f"{did_you_mean(key, EVENT_FIELDS)}")
    label = text_of(item.get("label"))
    if not label:
        bad("missing field 'label'")
    description = text_of(item.get("description"))
    if item.get("description") is not None and not description:
        bad("description must be text")
    state = item.get("state", False)
    if not isinstance(state, bool):
        bad("state must be true or false (true: a continuing state, whose claims hold each at "
            "its own time)")
    keys = _findings(item.get("findings"), known, bad)
    if len(out.problems) > before:
        return None
    assert isinstance(eid, str) and label is not None
    return Event(eid, label, keys, out.rel(path), line, description, state is True)


def _findings(raw: Any, known: Callable[[str], bool], bad: Callable[[str], None]) -> list[str]:
    """The findings an event names: ``<source>/<id>`` each, known, once."""
    keys: list[str] = []
    if not as_list(raw):
        bad("missing field 'findings' (the findings that report the event, as <source>/<id>)")
    for value in as_list(raw):
        if not isinstance(value, str) or "/" not in value:
            bad(f"findings: {value!r} is not <source>/<id>")
        elif not known(value):
            bad(f"findings: unknown finding {value!r}")
        elif value in keys:
            bad(f"findings: {value!r} is named twice")
        else:
            keys.append(value)
    return keys


__all__ = ["EVENTS_FILE", "load_events"]
