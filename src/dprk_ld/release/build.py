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
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from dprk_ld.curation.errors import DataError, Problem
from dprk_ld.curation.load import load_project, minted_paths
from dprk_ld.curation.model import Project
from dprk_ld.curation.publisher import publisher_of
from dprk_ld.formats import media_type_of
from dprk_ld.release.canonical import blank_prefix
from dprk_ld.release.datacite import FILE as DATACITE
from dprk_ld.release.datacite import datacite_json
from dprk_ld.release.description import describe
from dprk_ld.release.diff import digests
from dprk_ld.release.dumps import (
    DUMP,
    canonical,
    data_triples,
    gz,
    nt_lines,
    sha256,
    turtle,
    write_dumps,
)
from dprk_ld.release.errors import NonConforming, ReleaseError
from dprk_ld.release.history import RELEASES, HistoryError, Record, ever_minted, inputs_digest, read_records
from dprk_ld.release.memory import Without
from dprk_ld.release.namespaces import DATASET_IRI, DPRK, ID
from dprk_ld.release.nogc import collector_paused
from dprk_ld.release.rdf import data_graph, entity_iri, finding_iri, new_graph
from dprk_ld.release.shacl_sparql import store_of_lines
from dprk_ld.release.validate import format_report, load_shapes, run_shacl
from dprk_ld.release.versions import history_graph

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
    """A step of a build, reported when it starts (``state`` "start"), as it goes ("progress": a
    ``note`` on what it is doing, ``seconds`` since it started; long steps only), and when it is
    "done" (with a ``note`` on what it made and the ``seconds`` it took) or "failed"."""

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
        self.what, self.started = "", 0.0

    def _report(self, what: str, state: str, note: str = "", seconds: float = 0.0) -> None:
        if self.progress is not None:
            self.progress(Step(self.n, self.steps, what, state, note, seconds))

    @contextmanager
    def step(self, what: str) -> Iterator[list[str]]:
        """A step; the caller may append one note on what it made to the list it is given."""
        self.n += 1
        t = self.started = time.perf_counter()
        self.what = what
        self._report(what, "start")
        note: list[str] = []
        try:
            yield note
        except BaseException:
            self._report(what, "failed")
            raise
        self._report(what, "done", note[0] if note else "", time.perf_counter() - t)

    def during(self, line: str) -> None:
        """Report what the current step is doing (state "progress")."""
        self._report(self.what, "progress", line, time.perf_counter() - self.started)


def ontology_graph(root: Path) -> Graph:
    g = new_graph()
    g.parse(root / "ontology" / "dprk.ttl", format="turtle")
    for path in sorted((root / "ontology" / "vocab").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def assemble(root: Path, progress: Progress | None = None) -> Release:
    """The curated data of ``root`` loaded and made RDF, with the ontology and the shapes; raises
    DataError when the input has problems."""
    with collector_paused():
        return _assemble(root, _Steps(progress, 2))


def _assemble(root: Path, progress: _Steps) -> Release:
    with progress.step("loading and checking data/") as note:
        project = load_project(root)
        note.append(
            f"{len(project.findings)} findings, {len(project.entities)} entities, "
            f"{sum(len(f.quotes) for f in project.findings)} quotes"
        )
    with progress.step("making RDF") as note:
        union = data_graph(project)  # becomes the union: the data is held once
        ontology = ontology_graph(root)
        shapes = load_shapes(root)
        ontology_only = {t for t in ontology if t not in union}
        for t in ontology_only:
            union.add(t)
        data = Without(union, ontology_only)
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


def _check_previous(project: Project) -> None:
    """Identifiers ever published (in the records of releases/, not the local dist/) may not
    vanish unless retired: they are never reused. A draft built locally and never recorded may
    be renamed or deleted freely."""
    try:
        published = ever_minted(read_records(project.root))
    except HistoryError as exc:
        raise DataError([Problem(RELEASES, str(exc))]) from exc
    retired = {r.id for r in project.retired}
    gone = sorted(set(published) - minted_paths(project) - retired)
    if gone:
        problems = [
            Problem(
                "data/retired.yaml",
                f"{p!r} was published in release {published[p]} (releases/{published[p]}.json) "
                f"and is no longer minted: restore it, or retire it in data/retired.yaml",
                p,
            )
            for p in gone[:50]
        ]
        raise DataError(problems)


def render(release: Release, progress: Callable[[str], None] | None = None,
           lines: list[bytes] | None = None) -> dict[str, bytes]:
    """Every file of the release, by relative name (each dump written is told to ``progress``).
    The dumps are compressed and hashed in threads as they are made (zlib and hashlib let go of
    the interpreter meanwhile), while the rest of the release is made. ``lines``: the N-Triples
    lines of the union if made already (:func:`~dprk_ld.release.dumps.nt_lines`; used up)."""
    project = release.project
    union, ontology = canonical(release.union), canonical(release.ontology)
    shapes = canonical(release.shapes, blank_prefix("shapes"))  # see canonical.SHAPES_BLANK_PREFIX
    with ThreadPoolExecutor(max_workers=2) as pool:
        later: dict[str, Future[bytes]] = {}
        hashes: dict[str, Future[str]] = {}

        def made(name: str, data: bytes) -> None:
            later[name + ".gz"] = pool.submit(gz, data)
            hashes[name] = pool.submit(sha256, data)

        dumps = write_dumps(union, {"data": release.data, "ontology": ontology, "shapes": shapes},
                            progress, made, lines)
        files = dict(dumps)
        files["shapes.ttl"] = turtle(shapes)
        for src in project.sources.values():
            files[f"sources/{src.id}.txt"] = src.text_file.read_bytes()
        finding_digests = digests(data_triples(files[f"{DUMP}.nq"]))
        files.update((name, future.result()) for name, future in later.items())
        sums = {name: future.result() for name, future in hashes.items()}
    return _described(release, files, sums, finding_digests)


def _described(release: Release, files: dict[str, bytes], sums: dict[str, str],
               finding_digests: dict[str, str]) -> dict[str, bytes]:
    """``files`` with the release's description, record and checksums (``sums``: those known)."""
    project = release.project
    triples = len(release.union)
    release_id = sums.get(f"{DUMP}.nq") or sha256(files[f"{DUMP}.nq"])
    void = describe(files, release.union, project.dataset)
    # which release this description is of: what a front over an external store reads to name its
    # ETags and to see that a new release was published there (release/remote.py)
    void.add((URIRef(DATASET_IRI), DPRK.releaseId, Literal(release_id)))
    void += history_graph(read_records(project.root), Record(
        str(project.dataset.get("version", "")), str(project.dataset.get("issued", "")),
        release_id, triples, finding_digests, []))
    files["void.ttl"] = turtle(void)
    files[DATACITE] = datacite_json(project.dataset, files, triples=triples,
                                    findings=len(project.findings),
                                    sources=[src.url for src in project.sources.values()])
    for name, data in files.items():
        if name not in sums:
            sums[name] = sha256(data)
    info = {
        "version": str(project.dataset.get("version", "")),
        "issued": str(project.dataset.get("issued", "")),
        "release_id": release_id,
        "triples": triples,
        "findings": len(project.findings),
        "publisher": publisher_of(project.dataset).record(),
        "files": {
            name: {"sha256": sums[name], "bytes": len(data), "media_type": media_type_of(name)}
            for name, data in sorted(files.items())
        },
        "minted": sorted(minted_paths(project)),
        "inputs": inputs_digest(project.root),
        "finding_digests": finding_digests,
        "retired": retired_info(project),
    }
    files["release.json"] = (json.dumps(info, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    sums["release.json"] = sha256(files["release.json"])
    files["SHA256SUMS"] = "".join(f"{sums[name]}  {name}\n" for name in sorted(files)).encode("utf-8")
    return files


def _in_query_engine(release: Release, progress: Callable[[str], None]
                     ) -> tuple[list[bytes], ox.Store, dict[Node, Node]]:
    """The union's N-Triples lines (made once: the dumps are written from them), a pyoxigraph
    store of them for SHACL's SPARQL-based constraints, and the graph's name of each of the
    store's blank nodes (which have their canonical labels)."""
    view = canonical(release.union)
    lines = nt_lines(view)
    back: dict[Node, Node] = {label: node for node, label in view.labels().items()}
    return lines, store_of_lines(lines, progress), back


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


def retired_info(project: Project) -> list[dict[str, str | None]]:
    """What the server says of each retired IRI: why, its successor, and the last release that
    published it (None for one never published)."""
    published = ever_minted(read_records(project.root))
    return [{"id": r.id, "reason": r.reason, "replaced_by": r.replaced_by,
             "last_published": published.get(r.id)} for r in project.retired]


def is_stale(root: Path, dist: Path) -> bool:
    """Whether the curated inputs differ, by content, from those the release in ``dist`` was
    built from (a file touched or restored byte for byte is not a change)."""
    try:
        built = json.loads((dist / "release.json").read_text(encoding="utf-8")).get("inputs")
    except (OSError, ValueError):
        return True
    return built != inputs_digest(root)


def build_release(root: Path, dist: Path | None = None, progress: Progress | None = None) -> Built:
    """Build the release of ``root`` into ``dist`` (default ``root/dist``), reporting each step to
    ``progress``. Raises DataError (the input has problems), NonConforming (the graph does not
    satisfy the shapes) or ReleaseError (it could not be written); then ``dist`` is unchanged.
    Python's cyclic garbage collector waits until the build is done (:mod:`.nogc`)."""
    with collector_paused():
        return _build(root.resolve(), dist or root.resolve() / "dist", _Steps(progress, STEPS))


def _build(root: Path, dist: Path, steps: _Steps) -> Built:
    release = _assemble(root, steps)
    _check_previous(release.project)
    with steps.step("validating against the SHACL shapes") as note:
        lines, store, back = _in_query_engine(release, steps.during)
        conforms, results = run_shacl(release.union, release.shapes, steps.during, store, back)
        del store
        note.append("conforms" if conforms else f"{len(results)} violations")
    if not conforms:
        raise NonConforming(format_report(conforms, results, release.locate), results, dist)
    with steps.step("serializing dumps") as note:
        files = render(release, steps.during, lines)
        note.append(f"{len(files)} files")
    with steps.step(f"writing {dist}"):
        write_release(files, dist)
    return Built(dist, len(release.union), len(release.project.findings), tuple(sorted(files)))
