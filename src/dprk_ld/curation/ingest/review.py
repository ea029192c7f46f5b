"""Reviewing candidates one at a time: list, check, accept (into data/findings/<source>.yaml),
reject and edit. Nothing under data/candidates/ is ever published: the loader reads findings
from data/findings/ only.

``check`` runs the loader's own checks of a finding (:func:`dprk_ld.curation.findings.load_findings`)
on each candidate, without its candidate-only fields, and says what is missing in a curator's
words; ``accept`` refuses a candidate that does not pass them.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from dprk_ld.curation.entities import load_entities
from dprk_ld.curation.errors import Collector, Problem
from dprk_ld.curation.fields import SLUG
from dprk_ld.curation.findings import load_findings
from dprk_ld.curation.ingest.candidates import CANDIDATE_ONLY
from dprk_ld.curation.sources import load_source
from dprk_ld.curation.vocab import load_concepts
from dprk_ld.curation.yamlio import YamlError, read_yaml

CANDIDATES_DIR = Path("data") / "candidates"
#: the loader's words for what a candidate lacks, and what a curator should do about it
PLAIN = {
    "missing field 'summary'": "summary missing: write one in your own words",
    "no topic: give at least one topic id in topics": "no topic: give at least one topic id in topics",
}


class ReviewError(Exception):
    """A review step that cannot be done, and why."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(
        not isinstance(x, (dict, list)) or (isinstance(x, list) and len(x) <= 2) for x in data
    ) and not any(isinstance(x, str) and len(x) > 60 for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = (
        all(not isinstance(v, (dict, list)) for v in data.values())
        and len(str(data)) < 100
        and "id" not in data
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = '"' if re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", data) else None  # dates quoted, as in data/
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_multi_representer(list, _represent_list)  # the line-keeping lists and maps of yamlio
_Dumper.add_multi_representer(dict, _represent_dict)


def dump(data: Any) -> str:
    """YAML in the style of data/: short lists and figures on one line, unicode as it is."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def candidates_file(root: Path, source: str) -> Path:
    return root / CANDIDATES_DIR / f"{source}.yaml"


def read_candidates(root: Path, source: str) -> list[dict[str, Any]]:
    """The candidates of a source, as written by ``dprk-ld ingest`` and edited since."""
    path = candidates_file(root, source)
    if not path.is_file():
        raise ReviewError(f"no candidates for {source!r} ({path.relative_to(root)} does not exist)")
    try:
        raw = read_yaml(path)
    except YamlError as exc:
        raise ReviewError(f"{path.relative_to(root)}:{exc.line or ''} {exc}") from None
    if (
        not isinstance(raw, dict)
        or raw.get("source") != source
        or not isinstance(raw.get("candidates"), list)
    ):
        raise ReviewError(f"{path.relative_to(root)} must hold 'source: {source}' and a list 'candidates'")
    return [dict(c) for c in raw["candidates"]]


def write_candidates(
    root: Path, source: str, items: list[dict[str, Any]], folder: Path | None = None
) -> Path:
    """Write the candidates file of a source (into ``folder`` instead of data/candidates/)."""
    path = folder / f"{source}.yaml" if folder is not None else candidates_file(root, source)
    path.parent.mkdir(parents=True, exist_ok=True)
    head = (
        f"# Candidate findings of {source}, written by dprk-ld ingest: none is published.\n"
        f"# Review them one at a time: dprk-ld candidates check|accept|reject|edit {source}/ID\n"
    )
    path.write_text(head + dump({"source": source, "candidates": items}), encoding="utf-8")
    return path


def as_finding(item: dict[str, Any]) -> dict[str, Any]:
    """A candidate without the fields only candidates have (its summary after its kind, as in
    the findings files)."""
    first = {k: item[k] for k in ("id", "kind", "summary") if k in item}
    return {**first, **{k: v for k, v in item.items() if k not in CANDIDATE_ONLY and k not in first}}


def _find(items: list[dict[str, Any]], cid: str) -> int:
    for i, item in enumerate(items):
        if item.get("id") == cid:
            return i
    raise ReviewError(f"no candidate {cid!r}; `dprk-ld candidates list` names them")


def _existing_ids(root: Path, source: str) -> set[str]:
    path = root / "data" / "findings" / f"{source}.yaml"
    try:
        raw = read_yaml(path) if path.is_file() else None
    except YamlError:
        return set()
    return {str(f.get("id")) for f in (raw or {}).get("findings") or [] if isinstance(f, dict)}


def problems_of(root: Path, source: str, items: list[dict[str, Any]]) -> dict[str, list[str]]:
    """For each candidate id, what keeps it from being accepted, by the loader's own checks."""
    out = Collector(root)
    src = load_source(root / "data" / "sources" / f"{source}.yaml", out)
    if src is None:
        raise ReviewError("the source does not load:\n" + "\n".join(f"  {p}" for p in out.problems))
    entities = load_entities(sorted((root / "data" / "entities").glob("*.yaml")), out)
    concepts = load_concepts(root / "ontology" / "vocab")
    found: dict[str, list[str]] = {str(item.get("id")): [] for item in items}
    existing = _existing_ids(root, source)
    for item in items:
        if item.get("id") in existing:
            found[str(item.get("id"))].append(
                f"id {item.get('id')!r} is taken in data/findings/{source}.yaml: accept it --as NEW-ID"
            )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{source}.yaml"
        path.write_text(
            dump({"source": source, "findings": [as_finding(i) for i in items]}), encoding="utf-8"
        )
        before = len(out.problems)
        load_findings(path, {source: src}, entities, concepts, out)
        for p in out.problems[before:]:
            _file_problem(p, found)
    return found


def _file_problem(p: Problem, found: dict[str, list[str]]) -> None:
    message = PLAIN.get(p.message, p.message)
    if p.item in found:
        found[p.item].append(message)
    else:
        for messages in found.values():
            messages.append(message)


def accept(root: Path, source: str, cid: str, new_id: str | None = None) -> Path:
    """Move one candidate into data/findings/<source>.yaml (created if need be), without its
    candidate-only fields; refused, with the reasons, when the loader's checks fail on it."""
    items = read_candidates(root, source)
    i = _find(items, cid)
    item = dict(items[i])
    if new_id is not None:
        if not SLUG.match(new_id):
            raise ReviewError(f"--as {new_id!r} is not an id: lowercase words joined by hyphens")
        item["id"] = new_id
    problems = problems_of(root, source, [item])[str(item["id"])]
    if problems:
        raise ReviewError(
            f"{source}/{cid} cannot be accepted yet:\n" + "\n".join(f"  - {m}" for m in problems)
        )
    path = _append_finding(root, source, as_finding(item))
    del items[i]
    write_candidates(root, source, items)
    return path


def _append_finding(root: Path, source: str, finding: dict[str, Any]) -> Path:
    path = root / "data" / "findings" / f"{source}.yaml"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"source: {source}\nfindings:\n", encoding="utf-8")
    old = path.read_text(encoding="utf-8")
    indent = m.group(1) if (m := re.search(r"^( *)- id:", old, re.MULTILINE)) else "  "
    block = "".join(f"{indent}{line}\n" if line else "\n" for line in dump([finding]).splitlines())
    new = (
        old + ("" if old.endswith("\n") else "\n") + ("\n" if re.search(r"\n\n *- id:", old) else "") + block
    )
    raw = yaml.safe_load(new)
    if not isinstance(raw, dict) or not any(f.get("id") == finding["id"] for f in raw.get("findings") or []):
        raise ReviewError(
            f"{path.relative_to(root)} does not end with its findings list; "
            f"add the finding by hand:\n{dump([finding])}"
        )
    path.write_text(new, encoding="utf-8")
    return path


def reject(root: Path, source: str, cid: str) -> None:
    """Drop one candidate."""
    items = read_candidates(root, source)
    del items[_find(items, cid)]
    write_candidates(root, source, items)


TEXT_FIELDS = {"summary", "victims", "note", "undated"}  # taken as written, never as YAML


def _set(item: dict[str, Any], assignment: str) -> None:
    field, sep, value = assignment.partition("=")
    field = field.strip()
    if not sep or not field:
        raise ReviewError(f"--set {assignment!r}: write field=value (value in YAML: topics=[a, b])")
    if not value.strip():
        item.pop(field, None)
        return
    if field in TEXT_FIELDS:
        item[field] = value.strip()
        return
    try:
        item[field] = yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise ReviewError(f"--set {assignment!r}: the value is not YAML: {exc}") from None


def edit(
    root: Path, source: str, cid: str, sets: list[str] | None = None, editor: str | None = None
) -> dict[str, Any]:
    """Change one candidate: each ``field=value`` of ``sets`` (an empty value removes the field),
    or, without them, in ``editor`` on a file holding just that candidate."""
    items = read_candidates(root, source)
    i = _find(items, cid)
    item = dict(items[i])
    if sets:
        for assignment in sets:
            _set(item, assignment)
    else:
        item = _in_editor(item, editor)
    if not isinstance(item.get("id"), str) or not SLUG.match(item["id"]):
        raise ReviewError(
            f"the candidate needs an id of lowercase words joined by hyphens, not {item.get('id')!r}"
        )
    if item["id"] != cid and any(o.get("id") == item["id"] for o in items):
        raise ReviewError(f"another candidate is called {item['id']!r}")
    items[i] = item
    write_candidates(root, source, items)
    return item


def _in_editor(item: dict[str, Any], editor: str | None) -> dict[str, Any]:
    if not editor:
        raise ReviewError("no editor: set $EDITOR, or give --set field=value")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{item.get('id', 'candidate')}.yaml"
        path.write_text(dump(item), encoding="utf-8")
        done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        if done.returncode != 0:
            raise ReviewError(f"the editor exited with {done.returncode}: nothing changed")
        try:
            edited = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ReviewError(f"the edited candidate is not YAML, nothing changed: {exc}") from None
    if not isinstance(edited, dict):
        raise ReviewError("the edited candidate must be a mapping of fields; nothing changed")
    return edited
