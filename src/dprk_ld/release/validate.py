"""SHACL validation of the release graph, with a report a curator can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SH

from dprk_ld.release.namespaces import BASE, ID


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    value: str | None
    shape: str | None
    component: str
    severity: str

    def where(self, locate: dict[str, str] | None = None) -> str:
        hint = ""
        if locate:
            base = self.focus.split("#", 1)[0]
            for key in (self.focus, base):
                if key in locate:
                    hint = f" ({locate[key]})"
                    break
        return f"{short(self.focus)}{hint}"


def short(iri: str | None) -> str:
    if iri is None:
        return "-"
    for prefix, ns in (("id:", str(ID)), ("dprk-ld:", BASE)):
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


def load_shapes(root: Path) -> Graph:
    g = Graph()
    for path in sorted((root / "shapes").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def run_shacl(data: Graph, shapes: Graph) -> tuple[bool, list[Violation]]:
    conforms, report, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=False,
        abort_on_first=False,
        meta_shacl=False,
    )
    assert isinstance(report, Graph)
    results: list[Violation] = []
    for r in report.subjects(RDF.type, SH.ValidationResult):

        def one(p: URIRef, r: URIRef = r) -> str | None:
            v = report.value(r, p)
            return None if v is None else str(v)

        results.append(
            Violation(
                focus=one(SH.focusNode) or "?",
                path=one(SH.resultPath),
                message=one(SH.resultMessage) or "",
                value=one(SH.value),
                shape=one(SH.sourceShape),
                component=(one(SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1],
                severity=(one(SH.resultSeverity) or "").rsplit("#", 1)[-1],
            )
        )
    results.sort(key=lambda v: (v.focus, v.path or "", v.component, v.value or ""))
    return bool(conforms), results


def format_report(
    conforms: bool, results: list[Violation], locate: dict[str, str] | None = None, limit: int = 200
) -> str:
    if conforms:
        return "conforms: the release graph satisfies every shape."
    lines = [f"does not conform: {len(results)} SHACL result(s)."]
    for v in results[:limit]:
        path = short(v.path) if v.path else "(node)"
        value = f" value={short(v.value)}" if v.value is not None else ""
        lines.append(f"  {v.severity}: {v.where(locate)} {path}: {v.message} [{v.component}]{value}")
    if len(results) > limit:
        lines.append(f"  ... and {len(results) - limit} more")
    return "\n".join(lines)


def release_graph(dist: Path) -> Graph:
    """The graphs of a built release (its N-Quads dump), merged into one."""
    data = Dataset()
    data.parse(dist / "dprk-ld.nq", format="nquads")
    union = Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    return union
