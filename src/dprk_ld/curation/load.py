"""Load and check the curated data in data/ (see docs/curation.md for the format).

Every problem found is collected and reported together, each naming its file, its finding or entity,
and what is wrong; nothing is built from input with any problem. The parts are read by
:mod:`~dprk_ld.curation.sources`, :mod:`~dprk_ld.curation.entities`,
:mod:`~dprk_ld.curation.links` and :mod:`~dprk_ld.curation.findings`; this module puts them
together, with the vocabularies, the dataset description and the retired identifiers.
"""

from __future__ import annotations

from pathlib import Path

from dprk_ld.curation.entities import check_entities, load_entities, load_links, load_reference
from dprk_ld.curation.errors import Collector, DataError, Problem
from dprk_ld.curation.events import load_events
from dprk_ld.curation.fields import as_list
from dprk_ld.curation.findings import load_findings
from dprk_ld.curation.links import check_links
from dprk_ld.curation.model import Finding, Project, Retired, Source
from dprk_ld.curation.publisher import PublisherError, publisher_of
from dprk_ld.curation.relations import check_relations, failed_findings
from dprk_ld.curation.sources import load_source
from dprk_ld.curation.successions import check_successions
from dprk_ld.curation.vocab import check_vocabulary, load_concepts
from dprk_ld.curation.yamlio import YamlError, line_of, read_yaml


def _load_retired(path: Path, out: Collector) -> list[Retired]:
    if not path.is_file():
        return []
    try:
        raw = read_yaml(path)
    except YamlError as exc:
        out.add(path, str(exc), line=exc.line)
        return []
    result = []
    for item in as_list((raw or {}).get("retired")):
        if not isinstance(item, dict) or not item.get("id") or not item.get("reason"):
            out.add(path, "each retired entry needs an id (path under id/) and a reason", line=line_of(item))
            continue
        result.append(Retired(str(item["id"]), str(item["reason"]), item.get("replaced_by")))
    return result


def minted_paths(project: Project) -> set[str]:
    """Paths under id/ of everything the data mints (findings, evidence, sources, entities, events)."""
    paths = {f"source/{s}" for s in project.sources}
    for f in project.findings:
        paths.add(f"finding/{f.key}")
        paths.update(f"evidence/{f.key}/{n}" for n in range(1, len(f.quotes) + 1))
    paths.update(f"{e.kind}/{e.id}" for e in project.entities.values())
    paths.update(f"event/{e.id}" for e in project.events)
    return paths


def _load_dataset(data: Path, out: Collector) -> dict[str, object]:
    try:
        dataset = read_yaml(data / "dataset.yaml") or {}
        publisher_of(dataset)
        return dataset
    except PublisherError as exc:
        out.add(data / "dataset.yaml", str(exc))
    except YamlError as exc:
        out.add(data / "dataset.yaml", str(exc), line=exc.line)
    except FileNotFoundError:
        out.add(data / "dataset.yaml", "missing")
    return {}


def _load_sources(data: Path, out: Collector) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for path in sorted((data / "sources").glob("*.yaml")):
        src = load_source(path, out)
        if src is not None:
            sources[src.id] = src
    return sources


def load_project(root: Path) -> Project:
    """Load everything under root/data and check it; raises DataError listing every problem."""
    root = root.resolve()
    out = Collector(root)
    data = root / "data"
    if not data.is_dir():
        raise DataError([Problem(str(data), "no data/ folder here")])
    concepts = load_concepts(root / "ontology" / "vocab")
    out.problems.extend(check_vocabulary(concepts))
    dataset = _load_dataset(data, out)
    sources = _load_sources(data, out)

    external, codes = load_reference(root)
    links = load_links(root, external, out)
    entities = load_entities(sorted((data / "entities").glob("*.yaml")), out)
    check_entities(entities, concepts, external, codes, out)
    out.problems.extend(check_successions(entities))
    out.problems.extend(check_links(links, entities, concepts))
    for src in sources.values():
        pub = entities.get(src.publisher)
        if pub is None or pub.kind != "org":
            out.add(
                data / "sources" / f"{src.id}.yaml",
                f"publisher: unknown organization {src.publisher!r}",
                src.id,
            )

    findings: list[Finding] = []
    for path in sorted((data / "findings").glob("*.yaml")):
        findings.extend(load_findings(path, sources, entities, concepts, out))
    failed = failed_findings(out.problems)
    out.problems.extend(check_relations(findings, failed))
    events = load_events(root, findings, out, failed)

    retired = _load_retired(data / "retired.yaml", out)
    project = Project(root, dataset, sources, findings, entities, concepts, retired, external, links,
                      events=events)
    minted = minted_paths(project)
    for r in retired:
        if r.id in minted:
            out.add(data / "retired.yaml", f"{r.id!r} is retired and may not be minted again", r.id)

    if out.problems:
        raise DataError(out.problems)
    return project
