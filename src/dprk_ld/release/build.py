"""Build a release: curated data -> RDF -> SHACL -> the files of a release in dist/, or nothing.

The release is written to a temporary folder beside dist/ and swapped in only when everything
succeeded, so a failed build leaves the last good release untouched. Nothing here prints: the
build reports its steps to a callback and raises an error when it fails (``dprk-ld build`` and
``dprk-ld serve`` say what happened).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from dprk_ld.curation.errors import DataError, Problem
from dprk_ld.curation.load import load_project, minted_paths
from dprk_ld.curation.model import Project
from dprk_ld.formats import media_type_of
from dprk_ld.release.dumps import (
    DUMP,
    add_linksets,
    canonical,
    class_partitions,
    count_links,
    describe,
    gz,
    sha256,
    turtle,
    write_dumps,
)
from dprk_ld.release.errors import NonConforming, ReleaseError
from dprk_ld.release.namespaces import DPRK, ID, OA
from dprk_ld.release.rdf import data_graph, entity_iri, finding_iri, new_graph
from dprk_ld.release.validate import format_report, load_shapes, run_shacl

STEPS = 5  # of a whole build; assembling the graphs is the first two


@dataclass
class Release:
    project: Project
    data: Graph
    ontology: Graph
    shapes: Graph
    union: Graph  # what the dumps hold: data + ontology + vocabularies
    locate: dict[str, str]  # IRI -> where it was curated, for reports


@dataclass(frozen=True)
class Step:
    """A step of a build, reported when it starts (``state`` "start"), and when it is "done" (with
    a ``note`` on what it made and the ``seconds`` it took) or "failed"."""

    n: int
    steps: int
    what: str
    state: str
    note: str = ""
    seconds: float = 0.0


#: what a build reports its steps to
Progress = Callable[[Step], None]


@dataclass(frozen=True)
class Built:
    """A release written: where, and what it holds."""

    dist: Path
    triples: int
    findings: int
    files: tuple[str, ...]


class _Steps:
    """Numbers and times the steps of a build, and reports them to ``progress`` if given."""

    def __init__(self, progress: Progress | None, steps: int) -> None:
        self.progress, self.steps, self.n = progress, steps, 0

    def _report(self, what: str, state: str, note: str = "", seconds: float = 0.0) -> None:
        if self.progress is not None:
            self.progress(Step(self.n, self.steps, what, state, note, seconds))

    @contextmanager
    def step(self, what: str) -> Iterator[list[str]]:
        """A step; the caller may append one note on what it made to the list it is given."""
        self.n += 1
        t = time.perf_counter()
        self._report(what, "start")
        note: list[str] = []
        try:
            yield note
        except BaseException:
            self._report(what, "failed")
            raise
        self._report(what, "done", note[0] if note else "", time.perf_counter() - t)


def ontology_graph(root: Path) -> Graph:
    g = new_graph()
    g.parse(root / "ontology" / "dprk.ttl", format="turtle")
    for path in sorted((root / "ontology" / "vocab").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def assemble(root: Path, progress: Progress | None = None) -> Release:
    """The curated data of ``root`` loaded and made RDF, with the ontology and the shapes; raises
    DataError when the input has problems."""
    return _assemble(root, _Steps(progress, 2))


def _assemble(root: Path, progress: _Steps) -> Release:
    with progress.step("loading and checking data/") as note:
        project = load_project(root)
        note.append(
            f"{len(project.findings)} findings, {len(project.entities)} entities, "
            f"{sum(len(f.quotes) for f in project.findings)} quotes"
        )
    with progress.step("making RDF") as note:
        data = data_graph(project)
        ontology = ontology_graph(root)
        shapes = load_shapes(root)
        union = new_graph()
        for g in (data, ontology):
            for t in g:
                union.add(t)
        note.append(f"{len(union)} triples")
    locate: dict[str, str] = {}
    for f in project.findings:
        where = f"{f.file}:{f.line} finding {f.id}" if f.line else f"{f.file} finding {f.id}"
        locate[str(finding_iri(f))] = where
        for n in range(1, len(f.quotes) + 1):
            locate[str(ID[f"evidence/{f.key}/{n}"])] = where + f" quote {n}"
    for e in project.entities.values():
        locate[str(entity_iri(e))] = f"{e.file}:{e.line} {e.kind} {e.id}" if e.line else e.file
    return Release(project, data, ontology, shapes, union, locate)


def _check_previous(dist: Path, project: Project) -> None:
    """Identifiers of the previous release may not vanish unless retired (they are never reused)."""
    info = dist / "release.json"
    if not info.is_file():
        return
    try:
        previous = set(json.loads(info.read_text(encoding="utf-8")).get("minted", []))
    except (OSError, ValueError):
        return
    retired = {r.id for r in project.retired}
    gone = sorted(previous - minted_paths(project) - retired)
    if gone:
        problems = [
            Problem(
                "data/retired.yaml",
                f"{p!r} was published in the previous release and is "
                f"no longer minted: restore it, or retire it in data/retired.yaml",
                p,
            )
            for p in gone[:50]
        ]
        raise DataError(problems)


def render(release: Release) -> dict[str, bytes]:
    """Every file of the release, by relative name."""
    project = release.project
    union, ontology, shapes = (canonical(g) for g in (release.union, release.ontology, release.shapes))
    dumps = write_dumps(union, {"data": release.data, "ontology": ontology, "shapes": shapes})
    files = dict(dumps)
    files["shapes.ttl"] = turtle(shapes)
    for name, data in dumps.items():
        files[name + ".gz"] = gz(data)
    for src in project.sources.values():
        files[f"sources/{src.id}.txt"] = src.text_file.read_bytes()
    void = describe(files, release.union, project.dataset)
    class_partitions(
        void,
        release.union,
        {"findings": DPRK.Finding, "evidence": OA.Annotation, "sources": DPRK.SourceDocument},
    )
    add_linksets(void, count_links((str(s), str(p), str(o)) for s, p, o in release.union))
    files["void.ttl"] = turtle(void)
    info = {
        "version": str(project.dataset.get("version", "")),
        "issued": str(project.dataset.get("issued", "")),
        "release_id": sha256(files[f"{DUMP}.nq"]),
        "triples": len(release.union),
        "findings": len(project.findings),
        "files": {
            name: {"sha256": sha256(data), "bytes": len(data), "media_type": media_type_of(name)}
            for name, data in sorted(files.items())
        },
        "minted": sorted(minted_paths(project)),
    }
    files["release.json"] = (json.dumps(info, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    sums = "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(files.items()))
    files["SHA256SUMS"] = sums.encode("utf-8")
    return files


def write_release(files: dict[str, bytes], dist: Path) -> None:
    """Write into a temporary folder beside dist/, then swap it in."""
    dist = dist.resolve()
    dist.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dist.name}.new-", dir=dist.parent))
    try:
        for name, data in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(tmp, 0o755)
        old = None
        if dist.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dist.name}.old-", dir=dist.parent))
            os.rmdir(old)
            os.rename(dist, old)
        os.rename(tmp, dist)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ReleaseError(f"could not write the release to {dist}: {exc}") from exc


INPUTS = ("data", "ontology", "shapes")


def is_stale(root: Path, dist: Path) -> bool:
    """Whether any curated input file is newer than the release in ``dist``."""
    info = dist / "release.json"
    if not info.is_file():
        return True
    built = info.stat().st_mtime
    return any(
        path.stat().st_mtime > built
        for folder in INPUTS
        for path in (root / folder).rglob("*")
        if path.is_file()
    )


def build_release(root: Path, dist: Path | None = None, progress: Progress | None = None) -> Built:
    """Build the release of ``root`` into ``dist`` (default ``root/dist``), reporting each step to
    ``progress``. Raises DataError (the input has problems), NonConforming (the graph does not
    satisfy the shapes) or ReleaseError (it could not be written); then ``dist`` is unchanged."""
    root = root.resolve()
    dist = dist or root / "dist"
    steps = _Steps(progress, STEPS)
    release = _assemble(root, steps)
    _check_previous(dist, release.project)
    with steps.step("validating against the SHACL shapes") as note:
        conforms, results = run_shacl(release.union, release.shapes)
        note.append("conforms" if conforms else f"{len(results)} violations")
    if not conforms:
        raise NonConforming(format_report(conforms, results, release.locate), results, dist)
    with steps.step("serializing dumps") as note:
        files = render(release)
        note.append(f"{len(files)} files")
    with steps.step(f"writing {dist}"):
        write_release(files, dist)
    return Built(dist, len(release.union), len(release.project.findings), tuple(sorted(files)))
