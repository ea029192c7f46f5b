"""The release in dist/: its files, checksums, formats and description, and that it is reproducible."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from dprk_ld.cli import main
from dprk_ld.release.namespaces import DATASET_IRI, DPRK, OA, SPDX, TIME

DUMPS = ["dprk-ld.ttl", "dprk-ld.nt", "dprk-ld.jsonld", "dprk-ld.nq"]
MINI_DATA = Path(__file__).resolve().parent / "fixtures" / "mini" / "data"


def curated_findings() -> list[dict[str, object]]:
    """The findings of the tiny fixture, as curated."""
    return [f for path in sorted((MINI_DATA / "findings").glob("*.yaml"))
            for f in yaml.safe_load(path.read_text(encoding="utf-8"))["findings"]]


def test_release_files(mini_release: Path) -> None:
    names = {str(p.relative_to(mini_release)) for p in mini_release.rglob("*") if p.is_file()}
    expected = {
        *DUMPS,
        *(d + ".gz" for d in DUMPS),
        "void.ttl",
        "datacite.json",
        "release.json",
        "SHA256SUMS",
        "shapes.ttl",
        *(f"sources/{p.name}" for p in (MINI_DATA / "sources").glob("*.txt")),
    }
    assert names == expected


def test_checksums_match_the_files(mini_release: Path) -> None:
    lines = (mini_release / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == len([p for p in mini_release.rglob("*") if p.is_file()]) - 1
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((mini_release / name).read_bytes()).hexdigest() == digest, name
    info = json.loads((mini_release / "release.json").read_text())
    assert info["release_id"] == hashlib.sha256((mini_release / "dprk-ld.nq").read_bytes()).hexdigest()
    for name, meta in info["files"].items():
        assert meta["bytes"] == (mini_release / name).stat().st_size


def test_gzip_holds_the_same_bytes(mini_release: Path) -> None:
    for name in DUMPS:
        assert (
            gzip.decompress((mini_release / f"{name}.gz").read_bytes()) == (mini_release / name).read_bytes()
        )


def test_every_format_holds_the_same_graph(mini_release: Path) -> None:
    ttl = Graph().parse(mini_release / "dprk-ld.ttl", format="turtle")
    nt = Graph().parse(mini_release / "dprk-ld.nt", format="nt")
    js = Graph().parse(mini_release / "dprk-ld.jsonld", format="json-ld")
    assert len(ttl) > 500
    assert isomorphic(ttl, nt)
    assert isomorphic(ttl, js)
    store = ox.Store()
    store.load(path=str(mini_release / "dprk-ld.nq"), format=ox.RdfFormat.N_QUADS)
    graphs = {g.value for g in store.named_graphs()}
    assert graphs == {f"https://w3id.org/dprk-ld/graph/{n}" for n in ("data", "ontology", "shapes")}


def test_void_describes_the_dumps(mini_release: Path) -> None:
    void = Graph().parse(mini_release / "void.ttl")
    ds = URIRef(DATASET_IRI)
    union = Graph().parse(mini_release / "dprk-ld.nt", format="nt")
    assert void.value(ds, VOID.triples) == Literal(len(union), datatype=XSD.integer)
    assert (ds, RDF.type, VOID.Dataset) in void
    dumps = set(void.objects(ds, VOID.dataDump))
    for name in DUMPS:
        dist = URIRef(f"https://w3id.org/dprk-ld/dumps/{name}")
        assert dist in dumps
        checksum = void.value(void.value(dist, SPDX.checksum), SPDX.checksumValue)
        assert str(checksum) == hashlib.sha256((mini_release / name).read_bytes()).hexdigest()
    part = URIRef(f"{DATASET_IRI}#findings")
    assert void.value(part, VOID.entities) == Literal(len(curated_findings()), datatype=XSD.integer)


def test_evidence_offsets_point_at_the_quote(mini_release: Path) -> None:
    g = Graph().parse(mini_release / "dprk-ld.nt", format="nt")
    positions = list(g.subjects(RDF.type, OA.TextPositionSelector))
    assert len(positions) == sum(len(f["quotes"]) for f in curated_findings())  # type: ignore[arg-type]
    for pos in positions:
        target = g.value(None, OA.hasSelector, pos)
        sid = str(g.value(target, OA.hasSource)).rsplit("/", 2)[-2]
        text = (mini_release / f"sources/{sid}.txt").read_text(encoding="utf-8")
        quote = next(s for s in g.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in g)
        start, end = int(g.value(pos, OA.start)), int(g.value(pos, OA.end))
        assert text[start:end] == str(g.value(quote, OA.exact))
        assert text[:start].endswith(str(g.value(quote, OA.prefix)))
        assert text[end:].startswith(str(g.value(quote, OA.suffix)))


def test_dates_keep_their_precision_in_rdf(mini_release: Path) -> None:
    g = Graph().parse(mini_release / "dprk-ld.nt", format="nt")
    f = URIRef("https://w3id.org/dprk-ld/id/finding/mini/sd-card-sentences")
    month = URIRef("https://w3id.org/dprk-ld/id/time/2024-07")
    assert list(g.objects(f, DPRK.time)) == [month]
    assert (month, RDF.type, TIME.DateTimeInterval) in g
    assert g.value(g.value(month, TIME.hasDateTimeDescription), TIME.unitType) == TIME.unitMonth
    assert g.value(month, DPRK.earliest) == Literal("2024-07-01", datatype=XSD.date)
    assert g.value(month, DPRK.latest) == Literal("2024-07-31", datatype=XSD.date)
    assert g.value(f, DPRK.timeBasis) == URIRef("https://w3id.org/dprk-ld/vocab/time-bases/stated")
    # the time model replaced these; only sources keep dcterms:temporal (the period they cover)
    assert not list(g.subject_objects(DPRK.eventDate)) and not list(g.subject_objects(DPRK.year))
    assert not [s for s in g.subjects(DCTERMS.temporal) if "/finding/" in str(s)]
    sentence = g.value(f, DPRK.sentence)
    assert g.value(sentence, DPRK["term"]) == Literal("P7Y", datatype=XSD.duration)


def test_two_builds_are_byte_identical(mini_release: Path, tmp_path: Path) -> None:
    """A second build in another process, with another hash seed, gives the same bytes."""
    root = mini_release.parent
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    code = "import sys; from dprk_ld.cli import main; sys.exit(main(sys.argv[1:]))"
    out = tmp_path / "again"
    subprocess.run(
        [sys.executable, "-c", code, "build", "--root", str(root), "--dist", str(out), "-q"],
        env=env,
        check=True,
    )
    for name in [*DUMPS, *(d + ".gz" for d in DUMPS), "void.ttl", "release.json", "SHA256SUMS"]:
        assert (out / name).read_bytes() == (mini_release / name).read_bytes(), name


def test_validate_exit_codes(mini_release: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = mini_release.parent
    assert main(["validate", "--root", str(root)]) == 0
    assert "conforms" in capsys.readouterr().out
    # a release whose evidence lost its quote text does not conform
    broken = tmp_path / "broken"
    broken.mkdir()
    lines = (mini_release / "dprk-ld.nq").read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if "<http://www.w3.org/ns/oa#exact>" not in ln]
    assert len(kept) < len(lines)
    (broken / "dprk-ld.nq").write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert main(["validate", "--root", str(root), "--dist", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "does not conform" in out and "http://www.w3.org/ns/oa#exact" in out
    assert main(["validate", "--root", str(tmp_path / "nowhere")]) == 2


def test_query_command(mini_release: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = mini_release.parent
    q = "SELECT ?f WHERE { ?f a dprk:Incident } ORDER BY ?f"
    assert main(["query", "--root", str(root), q]) == 0
    out = capsys.readouterr().out
    assert "id:finding/mini/hoeryong-trial" in out and "(2 rows)" in out
    assert main(["query", "--root", str(root), "-f", "csv", q]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "f",
        "https://w3id.org/dprk-ld/id/finding/mini/hoeryong-trial",
        "https://w3id.org/dprk-ld/id/finding/mini/sd-card-sentences",
    ]
    assert main(["query", "--root", str(root), "ASK { ?s dprk:nothing ?o }"]) == 0
    assert capsys.readouterr().out.strip() == "false"
    assert main(["query", "--root", str(root), "SELECT WHERE {"]) == 2
    assert "bad query" in capsys.readouterr().err


def test_a_release_is_stale_when_its_input_changes(mini: Path) -> None:
    from dprk_ld.release.build import build_release, is_stale

    dist = mini / "dist"
    assert is_stale(mini, dist)
    build_release(mini)
    assert not is_stale(mini, dist)
    findings = mini / "data" / "findings" / "mini.yaml"
    later = (dist / "release.json").stat().st_mtime + 10
    os.utime(findings, (later, later))
    assert not is_stale(mini, dist)  # touched, not changed: by content, not by date
    original = findings.read_bytes()
    findings.write_bytes(original + b"\n# a comment\n")
    assert is_stale(mini, dist)
    findings.write_bytes(original)  # restored byte for byte
    assert not is_stale(mini, dist)


def test_void_describes_the_linksets(mini_release: Path) -> None:
    void = Graph().parse(mini_release / "void.ttl")
    ds = URIRef(DATASET_IRI)
    linksets = {
        str(void.value(ls, VOID.objectsTarget)): int(void.value(ls, VOID.triples))
        for ls in void.objects(ds, VOID.subset)
        if (ls, RDF.type, VOID.Linkset) in void
    }
    # the fixture's north-korea has one Wikidata and one GeoNames identifier
    assert linksets == {DATASET_IRI + "#target-wikidata": 1, DATASET_IRI + "#target-geonames": 1}
