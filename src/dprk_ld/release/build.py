"""`dprk-ld build`: curated data -> RDF -> SHACL -> a release in dist/, or nothing at all.

The release is written to a temporary folder beside dist/ and swapped in only when everything
succeeded, so a failed build leaves the last good release untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from dprk_ld.curation.errors import DataError, Problem, ReleaseError
from dprk_ld.curation.load import load_project, minted_paths
from dprk_ld.curation.model import Project
from dprk_ld.release.dumps import (
    DUMP,
    add_linksets,
    canonical,
    class_partitions,
    count_links,
    describe,
    gz,
    jsonld,
    media_type,
    nquads,
    ntriples,
    sha256,
    turtle,
)
from dprk_ld.release.namespaces import DPRK, ID, OA
from dprk_ld.release.rdf import data_graph, entity_iri, finding_iri, new_graph
from dprk_ld.release.validate import format_report, load_shapes, run_shacl

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2


@dataclass
class Release:
    project: Project
    data: Graph
    ontology: Graph
    shapes: Graph
    union: Graph  # what the dumps hold: data + ontology + vocabularies
    locate: dict[str, str]  # IRI -> where it was curated, for reports


class Progress:
    def __init__(self, quiet: bool, steps: int) -> None:
        self.quiet, self.steps, self.n, self.t0 = quiet, steps, 0, time.perf_counter()

    @contextmanager
    def step(self, what: str) -> Iterator[list[str]]:
        self.n += 1
        t = time.perf_counter()
        if not self.quiet:
            print(f"[{self.n}/{self.steps}] {what} ...", end="", file=sys.stderr, flush=True)
        note: list[str] = []
        try:
            yield note
        except BaseException:
            if not self.quiet:
                print(" failed", file=sys.stderr)
            raise
        if not self.quiet:
            extra = f" {note[0]}" if note else ""
            print(f" done{extra} ({time.perf_counter() - t:.1f}s)", file=sys.stderr)


def ontology_graph(root: Path) -> Graph:
    g = new_graph()
    g.parse(root / "ontology" / "dprk.ttl", format="turtle")
    for path in sorted((root / "ontology" / "vocab").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def assemble(root: Path, progress: Progress | None = None) -> Release:
    progress = progress or Progress(True, 0)
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
    files: dict[str, bytes] = {}
    union, ontology, shapes = (canonical(g) for g in (release.union, release.ontology, release.shapes))
    files[f"{DUMP}.ttl"] = turtle(union)
    files[f"{DUMP}.nt"] = ntriples(union)
    files[f"{DUMP}.jsonld"] = jsonld(union)
    files[f"{DUMP}.nq"] = nquads({"data": release.data, "ontology": ontology, "shapes": shapes})
    files["shapes.ttl"] = turtle(shapes)
    for name in [f"{DUMP}.ttl", f"{DUMP}.nt", f"{DUMP}.jsonld", f"{DUMP}.nq"]:
        files[name + ".gz"] = gz(files[name])
    for src in project.sources.values():
        files[f"sources/{src.id}.txt"] = src.text_file.read_bytes()
    counts = {"entities": len(project.entities) + len(project.findings) + len(project.sources)}
    void = describe(files, release.union, project.dataset, counts)
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
            name: {"sha256": sha256(data), "bytes": len(data), "media_type": media_type(name)}
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


def build_release(root: Path, dist: Path | None = None, quiet: bool = False) -> int:
    root = root.resolve()
    dist = dist or root / "dist"
    progress = Progress(quiet, 5)
    try:
        release = assemble(root, progress)
        _check_previous(dist, release.project)
        with progress.step("validating against the SHACL shapes") as note:
            conforms, results = run_shacl(release.union, release.shapes)
            note.append("conforms" if conforms else f"{len(results)} violations")
        if not conforms:
            print(format_report(conforms, results, release.locate), file=sys.stderr)
            print(
                f"error: the release does not conform; nothing was written, {dist} is unchanged.",
                file=sys.stderr,
            )
            return EXIT_NONCONFORMING
        with progress.step("serializing dumps") as note:
            files = render(release)
            note.append(f"{len(files)} files")
        with progress.step(f"writing {dist}"):
            write_release(files, dist)
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_ERROR
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if not quiet:
        print(
            f"release written to {dist}: {len(release.union)} triples, "
            f"{len(release.project.findings)} findings",
            file=sys.stderr,
        )
    return EXIT_OK
