"""The published releases: a record of each one, committed with the data under ``releases/``.

A release is *built* into ``dist/`` as often as a curator likes; it is *published* when its
record is written (``dprk-ld record``): ``releases/<version>.json`` holds its version, date,
checksums, the paths it minted under ``id/`` and a digest of each finding's triples. A record is
never rewritten: a version names one content for good. What the build checks (no published IRI
may vanish without being retired) and what the server answers for a retired IRI (301 or 410)
come from these records, never from whatever happens to lie in the local ``dist/``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RELEASES = "releases"
VERSION = re.compile(r"^\d+\.\d+\.\d+$")


class HistoryError(ValueError):
    """A record cannot be written or read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Record:
    version: str
    issued: str
    release_id: str
    triples: int
    findings: dict[str, str]  # finding key -> digest of its triples
    minted: list[str]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, ...]:
        return version_key(self.version)


def version_key(version: str) -> tuple[int, ...]:
    if not VERSION.match(version):
        raise HistoryError(f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. 0.2.0)")
    return tuple(int(p) for p in version.split("."))


def read_records(root: Path) -> list[Record]:
    """Every published release of the project at ``root``, oldest first."""
    records = []
    for path in sorted((root / RELEASES).glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            record = Record(str(raw["version"]), str(raw["issued"]), str(raw["release_id"]),
                            int(raw["triples"]), dict(raw["findings"]), list(raw["minted"]),
                            dict(raw.get("files", {})))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise HistoryError(f"{RELEASES}/{path.name}: not a release record ({exc})") from exc
        if path.stem != record.version:
            raise HistoryError(f"{RELEASES}/{path.name}: holds version {record.version!r}; "
                               f"a record is named after its version")
        records.append(record)
    return sorted(records, key=lambda r: r.key)


def ever_minted(records: list[Record]) -> dict[str, str]:
    """Each path ever published under ``id/``, with the last version that published it."""
    last: dict[str, str] = {}
    for record in records:
        for path in record.minted:
            last[path] = record.version
    return last


def record_of(info: dict[str, Any]) -> Record:
    """The record of a built release, from its ``release.json``."""
    return Record(str(info["version"]), str(info["issued"]), str(info["release_id"]),
                  int(info["triples"]), dict(info.get("finding_digests", {})),
                  list(info["minted"]), dict(info.get("files", {})))


def write_record(root: Path, dist: Path) -> tuple[Path, bool]:
    """Record the release built in ``dist`` as published. Returns the record's path and whether
    it is new (False: the same release was recorded before). Refused: a version recorded with
    other content, or a version not above the last one published."""
    info_file = dist / "release.json"
    try:
        record = record_of(json.loads(info_file.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise HistoryError(f"{info_file}: no built release to record ({exc}); "
                           f"run `dprk-ld build` first") from exc
    version_key(record.version)
    records = read_records(root)
    path = root / RELEASES / f"{record.version}.json"
    same = [r for r in records if r.version == record.version]
    if same:
        if same[0].release_id == record.release_id:
            return path, False
        raise HistoryError(f"{RELEASES}/{path.name}: version {record.version} was published with "
                           f"other content (release {same[0].release_id[:12]}); raise `version` "
                           f"in data/dataset.yaml and build again")
    if records and record.key <= records[-1].key:
        raise HistoryError(f"version {record.version} is not above the last published, "
                           f"{records[-1].version}; raise `version` in data/dataset.yaml")
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"version": record.version, "issued": record.issued, "release_id": record.release_id,
            "triples": record.triples, "files": record.files, "minted": record.minted,
            "findings": record.findings}
    path.write_text(json.dumps(body, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path, True


def inputs_digest(root: Path, folders: tuple[str, ...] = ("data", "ontology", "shapes")) -> str:
    """A digest of every curated input file, by path and content: a release is stale when its
    digest differs from the inputs' (a file restored byte for byte changes nothing)."""
    h = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in (root / folder).rglob("*") if p.is_file()):
            h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()
