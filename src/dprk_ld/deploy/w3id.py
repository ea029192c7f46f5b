"""The redirect rules w3id.org needs to send the IRIs we mint to a deployment.

w3id.org serves each namespace from a folder of its repository (``dprk-ld/`` for
``https://w3id.org/dprk-ld/``) with an Apache ``.htaccess``: mod_rewrite rules whose patterns
match the path under that folder. :func:`htaccess` writes ours for a deployment's address
(``https://host[:port]/``, where `dprk-ld serve` answers), one rule per kind of IRI:

* **things** (``id/…``, ``vocab/…``, ``graph/…``, ``dataset``): ``303 See Other`` straight to
  their document at the deployment, ``doc/<path>``: the redirect the deployment itself answers
  for the thing, one hop sooner;
* **documents** (``doc/…``; ``ontology`` and ``shapes``, whose hash IRIs ``ontology#Finding``
  reach the server without their fragment; their ``.ttl`` … variants; ``dumps/…``;
  ``.well-known/void``; the landing page): ``302 Found`` to the same path;
* the **endpoint** (``sparql``) and every other path (pages, the reconciliation service,
  versioned ontology IRIs): ``307 Temporary Redirect`` to the same path, which keeps a POST a
  POST with its body.

No rule reads Accept. Content negotiation happens once, at the deployment, in its one
negotiation module (q-values, wildcards, ``format=``, 406): ``doc/…``, ``ontology``, ``shapes``
and ``.well-known/void`` choose HTML, Turtle, N-Triples, JSON-LD or RDF/XML there and say
``Vary: Accept`` and ``Content-Location``; so every redirect here is the same for every client,
needs no ``Vary`` and can be cached by anyone. Regular expressions on an Accept header would get
``text/turtle;q=0.1, text/html`` wrong. No rule is permanent (301/308): a client would keep the
deployment's address, the very thing a w3id IRI exists to hide. Following the redirects from
``https://w3id.org/dprk-ld/P`` ends where following them from the deployment's ``/P`` ends, for
every path ``P`` (``tests/deploy/test_w3id.py`` checks it with Apache).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from dprk_ld import formats
from dprk_ld.curation.publisher import Publisher
from dprk_ld.release.namespaces import BASE, DATASET_IRI, GRAPH, ID, VOCAB
from dprk_ld.site.describe import HASH_DOCUMENTS, VARIANTS
from dprk_ld.site.state import public_root

W3ID = "https://w3id.org/"
#: the deployment's paths (src/dprk_ld/web): a thing's document, the dumps, VoID, the endpoint
DOCUMENTS = "doc/"
DUMPS = "dumps/"
VOID = ".well-known/void"
ENDPOINT = "sparql"
#: the kinds of things, as the first segment of their path under the base
THING_PATHS = tuple(str(ns)[len(BASE):].rstrip("/") for ns in (ID, VOCAB, GRAPH))
DATASET_PATH = DATASET_IRI[len(BASE):]


@dataclass(frozen=True)
class Rule:
    """One redirect: requests whose path under the folder matches ``pattern`` go to the
    deployment's address followed by ``target`` (``$1``: the pattern's group)."""

    what: str
    pattern: str
    target: str
    status: int

    def matches(self, path: str) -> str | None:
        """The path at the deployment for ``path`` (under the folder), or None."""
        found = re.fullmatch(self.pattern.strip("^$"), path)
        if found is None:
            return None
        return self.target.replace("$1", found.group(1) if found.re.groups else "")


def _any(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


def rules(endpoint_path: str | None = ENDPOINT) -> tuple[Rule, ...]:
    """The rules, in the order Apache tries them (the first that matches is applied);
    ``endpoint_path``: the endpoint IRI's path under the base (None: not under it)."""
    things = _any(list(THING_PATHS))
    variants = _any([f.extension for f in VARIANTS if f.extension])
    extensions = _any([f.extension for f in (*VARIANTS, *formats.CITATIONS) if f.extension])
    hashed = _any(list(HASH_DOCUMENTS))
    found = [
        Rule("the landing page", "^$", "", 302),
        Rule("a thing's path with a document's extension is no IRI we mint: the same path",
             f"^({things}/.+\\.{extensions})$", "$1", 307),
        Rule("things (findings, sources, places, concepts, schemes, named graphs, the dataset): "
             "303 to their document, which negotiates",
             f"^({things}/.+|{re.escape(DATASET_PATH)})$", DOCUMENTS + "$1", 303),
        Rule("documents of things, and each of their variants",
             f"^({re.escape(DOCUMENTS)}.+)$", "$1", 302),
        Rule("the ontology and the shapes (hash IRIs: the fragment stays with the client), "
             "which negotiate in place, and their variants",
             f"^({hashed}(?:\\.{variants})?)$", "$1", 302),
        Rule("the files of the release", f"^({re.escape(DUMPS)}.+)$", "$1", 302),
        Rule("the dataset's VoID description", f"^({re.escape(VOID)})$", "$1", 302),
    ]
    if endpoint_path is not None:
        found.append(Rule("the SPARQL endpoint: 307 keeps a POST and its query",
                          f"^{re.escape(endpoint_path)}$", ENDPOINT, 307))
    found.append(Rule("every other path (pages, services, versioned ontology IRIs): the same "
                      "path, method kept", "^(.*)$", "$1", 307))
    return tuple(found)


def redirect_for(path: str, endpoint: str | None = ENDPOINT) -> tuple[int, str]:
    """The status and the deployment's path that :func:`rules` send ``path`` (under the
    folder) to: the first rule that matches, as Apache applies them."""
    for rule in rules(endpoint):
        target = rule.matches(path)
        if target is not None:
            return rule.status, target
    raise AssertionError(f"no rule for {path!r}")  # pragma: no cover - the last matches all


def w3id_folder(base: str) -> str:
    """The folder of w3id.org's repository that serves ``base`` (``dprk-ld``); ValueError when
    ``base`` is no w3id.org namespace ending in a slash."""
    parts = urlsplit(base)
    folder = parts.path.strip("/")
    if not base.startswith(W3ID) or not base.endswith("/") or not folder or parts.query \
            or parts.fragment or not re.fullmatch(r"[A-Za-z0-9._~/-]+", folder):
        raise ValueError(f"{base!r} is not a w3id.org namespace (https://w3id.org/<name>/)")
    return folder


def endpoint_path(base: str, endpoint_iri: str | None) -> str | None:
    """The endpoint IRI's path under ``base`` (``sparql`` by default), None when it lies
    elsewhere (then w3id.org has nothing to send there)."""
    iri = endpoint_iri or base + ENDPOINT
    return iri[len(base):] if iri.startswith(base) and len(iri) > len(base) else None


def _header(site: str, base: str, publisher: Publisher | None) -> list[str]:
    lines = [
        f"# {base}: the IRIs of dprk-ld, sent to its deployment at {site}",
        f"# Written by `dprk-ld w3id --target {site}` (src/dprk_ld/deploy/w3id.py): regenerate it",
        "# rather than edit it. Things answer 303 to their document; documents 302; the endpoint",
        "# and the rest 307. No rule reads Accept: the deployment negotiates and says Vary: Accept.",
    ]
    if publisher is not None:
        lines.append(f"# Maintainer: {publisher.name} <{publisher.contact}>")
    return lines


def htaccess(target: str, base: str = BASE, endpoint_iri: str | None = None,
             publisher: Publisher | None = None) -> str:
    """The ``.htaccess`` of ``base``'s folder on w3id.org, sending its IRIs to the deployment
    at ``target`` (``https://host[:port]/``); ValueError naming what is wrong."""
    site = public_root(target)
    w3id_folder(base)
    lines = [*_header(site, base, publisher), "", "RewriteEngine on", ""]
    for rule in rules(endpoint_path(base, endpoint_iri)):
        lines += [f"# {rule.what}",
                  f"RewriteRule {rule.pattern} {site}{rule.target} [R={rule.status},L]", ""]
    return "\n".join(lines)


def folder_readme(target: str, base: str = BASE, publisher: Publisher | None = None) -> str:
    """The ``README.md`` of ``base``'s folder on w3id.org: what the namespace is, where it
    goes, and who to contact (w3id.org asks every folder for one)."""
    site = public_root(target)
    folder = w3id_folder(base)
    who = publisher or Publisher()
    return "\n".join([
        f"# {folder}",
        "",
        "Human-rights findings about North Korea (DPRK), as linked data: each finding with its",
        "source, the verbatim quotes it rests on, and what it is about.",
        "",
        f"`.htaccess` sends `{base}…` to the deployment at <{site}>:",
        "",
        "| IRIs under the namespace | answer |",
        "|---|---|",
        f"| things: `{'/…`, `'.join(THING_PATHS)}/…`, `{DATASET_PATH}` | 303 See Other to their "
        "document, which the deployment negotiates (HTML, Turtle, N-Triples, JSON-LD, "
        "RDF/XML) |",
        f"| documents: `{'`, `'.join(HASH_DOCUMENTS)}` (hash IRIs), `{DOCUMENTS}…`, `{DUMPS}…`, "
        f"`{VOID}`, the namespace itself | 302 Found |",
        f"| the SPARQL endpoint `{ENDPOINT}`, and every other path | 307 Temporary Redirect |",
        "",
        "For example:",
        "",
        f"* {base}dataset",
        f"* {base}ontology",
        f"* {base}sparql",
        "",
        "Both files are written by `dprk-ld w3id` in the dprk-ld repository (`--readme` for this",
        "one); regenerate them rather than edit them.",
        "",
        f"Maintainer: {who.name}, <{who.contact}>",
        "",
    ])


__all__ = ["Rule", "endpoint_path", "folder_readme", "htaccess", "redirect_for", "rules",
           "w3id_folder"]
