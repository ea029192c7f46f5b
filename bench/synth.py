"""Make a synthetic dprk-ld project N times the size of ours, for measuring the build at scale.

    python bench/synth.py --factor 10 --out /tmp/synth-10
    dprk-ld build --root /tmp/synth-10

The project gets the repository's ``ontology/`` and ``shapes/`` as they are, and a ``data/`` of N
copies of ours. Copy 1 is our data unchanged; copy k (k >= 2) renames every source ``S`` to
``S-copy<k>`` (its YAML, its archived text, copied byte for byte so that every quote still
locates, and its findings file), so that every finding, evidence and section gets a new IRI;
relations that name a finding of another source (``<source>/<id>``) name that source's copy k;
each event of ``data/events.yaml`` gets a copy ``<event>-copy<k>`` reported by the findings of
copy k. Entities, vocabularies and reference files are shared by all copies (they are what the
findings point to, not what they are). The result passes ``dprk-ld check`` and conforms to the
shapes, as ours does. Nothing in it is a new fact: each copy says what ours says, under new
identifiers, and no identifier outside our own namespace is made up.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
RELATIONS = ("refers_to", "follows", "same_sentence")


def renamed(source: str, k: int) -> str:
    """The id of source ``source`` in copy ``k`` (copy 1 keeps ours)."""
    return source if k == 1 else f"{source}-copy{k}"


def _key(reference: str, k: int) -> str:
    """A finding named ``<source>/<id>`` (or ``<id>``, same source) as copy ``k`` names it."""
    if "/" not in reference:
        return reference
    source, fid = reference.split("/", 1)
    return f"{renamed(source, k)}/{fid}"


#: libyaml's reader and writer where PyYAML has them (a project of factor 100 is written in a
#: fraction of the time the pure-Python ones take)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _dump(data: Any, path: Path) -> None:
    path.write_text(yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=4096),
                    encoding="utf-8")


def _read(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)


def copy_source(data: Path, out: Path, source: str, k: int) -> None:
    """Source ``source`` (its YAML and text) and its findings, as copy ``k``."""
    new = renamed(source, k)
    raw = _read(data / "sources" / f"{source}.yaml")
    text = raw["text"]
    raw["id"], raw["text"] = new, f"{new}.txt"
    _dump(raw, out / "sources" / f"{new}.yaml")
    shutil.copyfile(data / "sources" / text, out / "sources" / f"{new}.txt")
    findings_file = data / "findings" / f"{source}.yaml"
    if not findings_file.is_file():
        return
    doc = _read(findings_file)
    doc["source"] = new
    for finding in doc.get("findings") or []:
        for name in RELATIONS:
            value = finding.get(name)
            if isinstance(value, list):
                finding[name] = [_key(v, k) for v in value]
            elif isinstance(value, str):
                finding[name] = _key(value, k)
    _dump(doc, out / "findings" / f"{new}.yaml")


def copy_events(data: Path, out: Path, factor: int) -> int:
    """Every event once per copy, each reported by the findings of its copy; the number written."""
    path = data / "events.yaml"
    if not path.is_file():
        return 0
    events = (_read(path) or {}).get("events") or []
    copies = []
    for k in range(1, factor + 1):
        for event in events:
            event = dict(event)
            event["id"] = event["id"] if k == 1 else f"{event['id']}-copy{k}"
            event["findings"] = [_key(key, k) for key in event["findings"]]
            copies.append(event)
    _dump({"events": copies}, out / "events.yaml")
    return len(copies)


def synthesize(factor: int, out: Path, repo: Path = REPO) -> dict[str, int]:
    """Write the project of ``factor`` copies into ``out`` (which must not exist, or be empty);
    what it holds: sources, findings files and events."""
    if factor < 1:
        raise ValueError("the factor is a whole number from 1")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    data, new = repo / "data", out / "data"
    shutil.copytree(repo / "ontology", out / "ontology", dirs_exist_ok=True)
    shutil.copytree(repo / "shapes", out / "shapes", dirs_exist_ok=True)
    if (repo / "queries").is_dir():
        shutil.copytree(repo / "queries", out / "queries", dirs_exist_ok=True)
    for part in ("entities", "reference"):
        shutil.copytree(data / part, new / part)
    for name in ("dataset.yaml", "retired.yaml"):
        if (data / name).is_file():
            shutil.copyfile(data / name, new / name)
    (new / "sources").mkdir()
    (new / "findings").mkdir()
    sources = sorted(p.stem for p in (data / "sources").glob("*.yaml"))
    for k in range(1, factor + 1):
        for source in sources:
            copy_source(data, new, source, k)
    events = copy_events(data, new, factor)
    return {"sources": len(sources) * factor, "events": events}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--factor", type=int, required=True, help="copies of our data (1: ours)")
    p.add_argument("--out", required=True, help="folder to write the project into (new or empty)")
    args = p.parse_args(argv)
    try:
        made = synthesize(args.factor, Path(args.out))
    except (ValueError, FileExistsError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out}: {made['sources']} sources, {made['events']} events "
          f"({args.factor} x ours)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
