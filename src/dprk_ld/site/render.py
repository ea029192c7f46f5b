"""The site's own templates: a Jinja environment over ``dprk_ld/templates``, with no web framework.

Templates name the package's static files with the global ``static('site.css')``
(``/static/site.css``); the web layer gives the same global to the app's environment, which
renders the query page from the same ``base.html``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from rdflib import Graph

from dprk_ld import formats
from dprk_ld.site.graphs import serialize

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
#: where the web layer serves the package's static/ folder
STATIC_PATH = "/static/"


def static(filename: str) -> str:
    """The path of a file of the package's static/ folder: ``site.css`` -> ``/static/site.css``."""
    return STATIC_PATH + filename


@functools.cache
def environment() -> Environment:
    """The site's template environment (HTML and XML templates are autoescaped)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(("html", "htm", "xml", "xhtml", "svg")))
    env.globals["static"] = static
    return env


def render(template: str, **context: Any) -> str:
    """The text of ``template`` filled with ``context``."""
    return environment().get_template(template).render(**context)


def alternates(doc: str) -> list[tuple[str, str, str]]:
    """(label, media type, path) of each data variant of the document at ``doc``."""
    return [(f.label, f.media_type, f"{doc}.{f.extension}") for f in formats.DOCUMENTS]


def embedded_jsonld(g: Graph) -> Markup:
    """The graph as JSON-LD, safe inside a ``<script>`` element."""
    return script_json(serialize(g, formats.JSONLD).decode("utf-8"))


def script_json(text: str) -> Markup:
    """JSON text made safe inside a ``<script>`` element."""
    return Markup(text.replace("</", "<\\/"))


__all__ = ["alternates", "embedded_jsonld", "environment", "render", "script_json", "static"]
