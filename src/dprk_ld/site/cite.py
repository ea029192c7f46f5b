"""Citations of the dataset, a finding and a source, and the page on reporting a correction.

A :class:`Work` is what a citation says of one thing, read from the served release: the
dataset's title, version and issued date (its VoID/DCAT description), a finding's identifier and
summary, a source's title, publisher, date, edition and address. The dataset's publisher is the
one :func:`~dprk_ld.curation.publisher.publisher_of` reads from ``dataset.yaml`` (the release
carries it in ``release.json``). Authors are organizations only, never invented people: the
dataset and its findings are by the dataset's publisher (a finding is our structured statement,
so its citation names the dataset and mentions the source it quotes), a source is by its own
publisher.

One house style in four syntaxes (:data:`dprk_ld.formats.CITATIONS`): plain text
(``text/x-bibliography``; the date of access is left to the reader), BibTeX (``@dataset`` for
the dataset and findings, ``@misc`` for sources; specials escaped so that every brace is
balanced), RIS and CSL-JSON (an array of one item: ``dataset`` or ``report``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF, RDF

from dprk_ld import formats
from dprk_ld.curation.publisher import Publisher, PublisherError, publisher_of
from dprk_ld.formats import Format
from dprk_ld.release.namespaces import BIBO, DPRK
from dprk_ld.site.describe import exists
from dprk_ld.site.render import render
from dprk_ld.site.state import Site
from dprk_ld.site.terms import labels

DCAT_VERSION = "http://www.w3.org/ns/dcat#version"
MAX_ABOUT = 500  # characters of a /corrections?about= value that are shown
DATE_RE = re.compile(r"^(\d{4})(?:-(\d\d))?(?:-(\d\d))?")
#: LaTeX's special characters, written so that every brace in a BibTeX value stays balanced
#: (BibTeX counts ``\\{`` as a brace, hence \\textbraceleft)
LATEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
         "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
         "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


@dataclass(frozen=True)
class Work:
    """What a citation says of one thing (``kind``: dataset, finding or source)."""

    kind: str
    iri: str
    key: str  # citation key, e.g. dprk-ld:finding:hrw-wr-2025:hoeryong-public-trial-sentences
    title: str
    author: str  # an organization
    issued: tuple[int, ...]  # (year,), (year, month) or (year, month, day); () when unknown
    url: str  # where the work is read: our IRI, or a source's own address
    version: str  # the dataset's version
    edition: str = ""  # a source's edition
    container: str = ""  # a finding: the dataset's title
    abstract: str = ""  # a finding's summary
    quotes: Work | None = None  # a finding: the source it quotes

    @property
    def year(self) -> str:
        return str(self.issued[0]) if self.issued else "n.d."


# --- what the release says ------------------------------------------------------------------------


def _objects(s: Site, subject: str, prop: Any) -> list[Any]:
    return [q.object for q in s.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(str(prop)),
                                                         None)]


def _text(s: Site, subject: str, prop: Any) -> str:
    """The value of ``prop`` (an English or plain literal first), or ""."""
    values = _objects(s, subject, prop)
    ranked = sorted(values, key=lambda v: (not isinstance(v, ox.Literal), getattr(v, "language", None)
                                           not in (None, "en")))
    return " ".join(ranked[0].value.split()) if ranked else ""


def _date(text: str) -> tuple[int, ...]:
    found = DATE_RE.match(text)
    return tuple(int(part) for part in found.groups() if part) if found else ()


def kind_of(s: Site, iri: str) -> str | None:
    """``dataset``, ``finding`` or ``source`` when ``iri`` can be cited, else None."""
    if iri == s.dataset_iri:
        return "dataset"
    types = {t.value for t in _objects(s, iri, RDF.type) if isinstance(t, ox.NamedNode)}
    if str(DPRK.Finding) in types:
        return "finding"
    return "source" if str(DPRK.SourceDocument) in types else None


def _publisher_name(s: Site) -> str:
    """The name the dataset's description gives its publisher (a literal, or an agent's name)."""
    for node in _objects(s, s.dataset_iri, DCTERMS.publisher):
        if isinstance(node, ox.Literal):
            return node.value
        if isinstance(node, ox.NamedNode):
            name = _text(s, node.value, FOAF.name) or labels(s).get(node.value, "")
            if name:
                return name
    return ""


def site_publisher(s: Site) -> Publisher:
    """The dataset's publisher: the block ``release.json`` carries (dataset.yaml's), else the
    name in the dataset's description, read by :func:`publisher_of`."""
    def read() -> Publisher:
        block: Any = None
        path = s.file_path("release.json")
        if path is not None:
            try:
                block = json.loads(path.read_text(encoding="utf-8")).get("publisher")
            except (OSError, ValueError, AttributeError):
                block = None
        block = block or _publisher_name(s) or None
        try:
            return publisher_of({"publisher": block})
        except PublisherError:
            return Publisher()

    return s.cached("publisher", read)


def _key(s: Site, iri: str) -> str:
    path = iri[len(s.base):] if iri.startswith(s.base) else iri.rsplit("/", 1)[-1]
    return "dprk-ld:" + path.removeprefix("id/").replace("/", ":")


def dataset_work(s: Site) -> Work:
    iri = s.dataset_iri
    return Work("dataset", iri, _key(s, iri), _text(s, iri, DCTERMS.title) or "dprk-ld",
                site_publisher(s).name, _date(_text(s, iri, DCTERMS.issued)), iri,
                _text(s, iri, DCAT_VERSION))


def _source_work(s: Site, iri: str, dataset: Work) -> Work:
    publishers = [labels(s).get(p.value, p.value) if isinstance(p, ox.NamedNode) else p.value
                  for p in _objects(s, iri, DCTERMS.publisher)]
    title = _text(s, iri, DCTERMS.title) or iri
    edition = _text(s, iri, BIBO.edition)
    return Work("source", iri, _key(s, iri), title, ", ".join(sorted(publishers)),
                _date(_text(s, iri, DCTERMS.issued)), _text(s, iri, DPRK.canonicalAddress) or iri,
                dataset.version, edition="" if edition and edition in title else edition)


def work_of(s: Site, iri: str) -> Work | None:
    """The :class:`Work` of a citable ``iri`` (see :func:`kind_of`), else None."""
    def make() -> Work | None:
        kind = kind_of(s, iri)
        dataset = dataset_work(s)
        if kind == "dataset":
            return dataset
        if kind == "source":
            return _source_work(s, iri, dataset)
        if kind != "finding":
            return None
        ident = _text(s, iri, DCTERMS.identifier) or iri.rsplit("/", 1)[-1]
        source = next((o.value for o in _objects(s, iri, DCTERMS.source)
                       if isinstance(o, ox.NamedNode)), None)
        return Work("finding", iri, _key(s, iri), f"Finding {ident}", dataset.author,
                    dataset.issued, iri, dataset.version, container=dataset.title,
                    abstract=_text(s, iri, DPRK.summary),
                    quotes=_source_work(s, source, dataset) if source else None)

    return s.cached("cite:" + iri, make)


# --- the four syntaxes --------------------------------------------------------------------------


def _quoted(w: Work) -> str:
    """The source a finding quotes, in one phrase."""
    src = w.quotes
    return f"{src.author} ({src.year}), {src.title}, {src.url}" if src else ""


def _note(w: Work) -> str:
    if w.kind == "finding" and w.quotes:
        return f"Quotes: {_quoted(w)}"
    if w.kind == "source":
        return f"Archived and described in dprk-ld (Version {w.version}): {w.iri}"
    return ""


def as_text(w: Work) -> str:
    """The citation in the house style, one line of plain text."""
    head = f"{w.author} ({w.year}). "
    if w.kind == "dataset":
        return f"{head}{w.title} (Version {w.version}) [Data set]. {w.url}"
    if w.kind == "finding":
        quoted = f" Quoting {_quoted(w)}." if w.quotes else ""
        return f"{head}{w.title} [Data set]. In {w.container} (Version {w.version}). {w.url}.{quoted}"
    edition = f" ({w.edition})" if w.edition else ""
    return f"{head}{w.title}{edition}. {w.url}. {_note(w)}."


def latex(text: str) -> str:
    """``text`` as a BibTeX value: specials escaped, every brace balanced, one line."""
    return "".join(LATEX.get(c, c) for c in " ".join(text.split()))


def _url(url: str) -> str:
    """A URL inside a BibTeX value: braces, backslashes and spaces percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def as_bibtex(w: Work) -> str:
    """A BibTeX entry (biblatex's ``@dataset`` for the dataset and findings, else ``@misc``)."""
    fields = [("author", "{" + latex(w.author) + "}"), ("title", latex(w.title)), ("year", w.year),
              ("date", "-".join(f"{n:02d}" if i else str(n) for i, n in enumerate(w.issued))),
              ("version", latex(w.version) if w.kind != "source" else ""),
              ("edition", latex(w.edition)), ("publisher", latex(w.author)), ("url", _url(w.url)),
              ("howpublished", r"\url{" + _url(w.url) + "}"), ("abstract", latex(w.abstract)),
              ("note", latex(f"In: {w.container}. {_note(w)}" if w.container else _note(w))),
              ("langid", "english")]
    kind = "misc" if w.kind == "source" else "dataset"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{w.key},\n{body}\n}}\n"


def as_ris(w: Work) -> str:
    """A RIS record (``DATA`` for the dataset and findings, ``RPRT`` for sources), CRLF lines."""
    date = "/".join(f"{n:02d}" if i else str(n) for i, n in enumerate(w.issued))
    tags = [("TY", "RPRT" if w.kind == "source" else "DATA"), ("AU", w.author), ("TI", w.title),
            ("T2", w.container), ("PY", w.year if w.issued else ""),
            ("DA", date + "/" * (4 - len(w.issued)) if w.issued else ""),
            ("ET", w.edition if w.kind == "source" else w.version), ("PB", w.author),
            ("DB", "" if w.kind == "source" else "dprk-ld"), ("UR", w.url), ("AB", w.abstract),
            ("N1", _note(w)), ("LA", "en")]
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags if value.strip()]
    return "\r\n".join([*lines, "ER  - "]) + "\r\n"


def as_csl(w: Work) -> dict[str, Any]:
    """One CSL-JSON item."""
    item: dict[str, Any] = {
        "id": w.key, "type": "report" if w.kind == "source" else "dataset", "title": w.title,
        "author": [{"literal": w.author}], "publisher": w.author, "URL": w.url, "language": "en"}
    if w.issued:
        item["issued"] = {"date-parts": [list(w.issued)]}
    extra = {"version": w.version if w.kind != "source" else "", "edition": w.edition,
             "container-title": w.container, "abstract": w.abstract, "note": _note(w)}
    item.update({k: v for k, v in extra.items() if v})
    return item


WRITERS: dict[Format, Callable[[Work], str]] = {
    formats.BIBLIOGRAPHY: lambda w: as_text(w) + "\n",
    formats.BIBTEX: as_bibtex,
    formats.RIS: as_ris,
    formats.CSL_JSON: lambda w: json.dumps([as_csl(w)], ensure_ascii=False, indent=1) + "\n",
}


def citation(w: Work, fmt: Format) -> bytes:
    """The citation of ``w`` in ``fmt`` (one of :data:`dprk_ld.formats.CITATIONS`)."""
    return WRITERS[fmt](w).encode("utf-8")


def filename(w: Work, fmt: Format) -> str:
    """The name a downloaded citation is saved as: ``dprk-ld-finding-….bib``."""
    return w.key.replace(":", "-") + "." + str(fmt.extension)


def split_citation(path: str) -> tuple[str, Format | None]:
    """``id/finding/x.bib`` -> (``id/finding/x``, BibTeX); any other path as is."""
    for fmt in formats.CITATIONS:
        suffix = f".{fmt.extension}"
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], fmt
    return path, None


# --- for people: the cite block and the corrections page ------------------------------------------


@dataclass(frozen=True)
class CiteView:
    """The "Cite" block of a page: the text, the downloads, where to report a correction."""

    text: str
    downloads: list[tuple[str, str, str]]  # (label, path, file name)
    correction: str | None = None


def cite_view(s: Site, iri: str) -> CiteView | None:
    """The cite block of the page of ``iri``, or None when it cannot be cited."""
    w = work_of(s, iri)
    local = s.local(iri)
    if w is None or local is None:
        return None
    doc = "/doc" + local
    downloads = [(f.label, f"{doc}.{f.extension}", filename(w, f))
                 for f in (formats.BIBTEX, formats.RIS, formats.CSL_JSON)]
    correction = None if w.kind == "dataset" else site_publisher(s).correction_link(iri, w.title)
    return CiteView(as_text(w), downloads, correction)


def corrections_page(s: Site, about: str | None) -> str:
    """The page on how to report a correction, about the IRI ``about`` when given (shown as text,
    and as a link with its label when the release knows it)."""
    about = " ".join((about or "").split())[:MAX_ABOUT]
    known = bool(about) and about.startswith(s.base) and exists(s.store, about)
    w = work_of(s, about) if known else None
    label = w.title if w else labels(s).get(about, "") if known else ""
    publisher = site_publisher(s)
    send_to = publisher.correction_link(about or s.dataset_iri, label or "dprk-ld")
    return render("corrections.html", about=about, known=known, label=label,
                  href=s.href(about) if known else None, publisher=publisher,
                  send_to=None if send_to.startswith(("/", "?")) else send_to)


__all__ = ["CiteView", "Work", "as_bibtex", "as_csl", "as_ris", "as_text", "citation", "cite_view",
           "corrections_page", "dataset_work", "filename", "kind_of", "latex", "site_publisher",
           "split_citation", "work_of"]
