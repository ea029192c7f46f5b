"""The service's manifest, and the preview card of an entity.

Every URL of the manifest starts with the site's configured public address (never a request's
Host): ``/reconcile`` and its paths, ``preview`` (a card of :data:`PREVIEW_WIDTH` by
:data:`PREVIEW_HEIGHT` pixels, the size the manifest states), ``view`` (which sends a browser on
to the entity's page), suggest and property proposals. The ids are the release's IRIs.
"""

from __future__ import annotations

from html import escape
from typing import Any

from dprk_ld import __version__
from dprk_ld.reconciliation.extend import PROPERTY_SETTINGS
from dprk_ld.reconciliation.index import Entry
from dprk_ld.reconciliation.kinds import DEFAULT_KINDS
from dprk_ld.reconciliation.names import shorten

NAME = "dprk-ld: human-rights findings about North Korea"
SERVICE_PATH = "reconcile"
PREVIEW_WIDTH = 400
PREVIEW_HEIGHT = 200
#: characters of a description on a card (more would not fit its height)
CARD_TEXT = 300


def service_root(public_url: str) -> str:
    """The service's address: ``http://host:port/reconcile`` (no trailing slash)."""
    return public_url.rstrip("/") + "/" + SERVICE_PATH


def manifest(public_url: str, base: str) -> dict[str, Any]:
    """The manifest (``GET /reconcile``) of a site published at ``public_url`` whose IRIs start
    with ``base``."""
    root = service_root(public_url)
    return {
        "versions": ["0.2"],
        "name": NAME,
        "identifierSpace": base,
        "schemaSpace": base + "ontology#",
        "documentation": public_url + "#reconcile",
        "serviceVersion": __version__,
        "defaultTypes": [k.as_type() for k in DEFAULT_KINDS],
        "view": {"url": root + "/view?id={{id}}"},
        "preview": {"url": root + "/preview?id={{id}}", "width": PREVIEW_WIDTH,
                    "height": PREVIEW_HEIGHT},
        "suggest": {
            "entity": {"service_url": root, "service_path": "/suggest/entity"},
            "type": {"service_url": root, "service_path": "/suggest/type"},
            "property": {"service_url": root, "service_path": "/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": root, "service_path": "/propose_properties"},
            "property_settings": PROPERTY_SETTINGS,
        },
    }


def page_of(iri: str, public_url: str, base: str) -> str:
    """Where a browser reads about ``iri`` on this site (the IRI itself when not under base)."""
    return public_url + iri[len(base):] if iri.startswith(base) else iri


STYLE = (f"body{{margin:0;font:13px/1.35 sans-serif;color:#222;background:#fff}}"
         f".card{{box-sizing:border-box;width:{PREVIEW_WIDTH}px;height:{PREVIEW_HEIGHT}px;"
         "overflow:hidden;padding:8px 10px}h1{font-size:15px;margin:0 0 4px}"
         "p{margin:0 0 4px}.meta{color:#555}a{color:#0645ad}")


def _facts(entry: Entry) -> list[str]:
    """The card's lines under the name: kinds and Korean names, then identifiers."""
    values = entry.values
    first = [", ".join(v.text for v in values.get("kind", ()))]
    first += [v.text for v in (*values.get("label_ko", ()), *values.get("romanized", ()))]
    ids = [f"Wikidata {v.text}" for v in values.get("wikidata", ())]
    ids += [f"GeoNames {v.text}" for v in values.get("geonames", ())]
    ids += [f"Source: {v.text}" for v in values.get("source", ())]
    count = len(values.get("findings", ()))
    if count:
        ids.append(f"{count} finding{'s' if count != 1 else ''} about it")
    return [" · ".join(t for t in first if t), " · ".join(ids)]


def preview_html(entry: Entry, public_url: str, base: str) -> str:
    """An HTML card of ``entry``, every text of the release escaped."""
    summary = entry.values.get("summary", ())
    text = summary[0].text if summary else entry.description
    kinds, ids = _facts(entry)
    lines = [f'<p class="meta">{escape(kinds)}</p>' if kinds else "",
             f"<p>{escape(shorten(text, CARD_TEXT))}</p>" if text else "",
             f'<p class="meta">{escape(ids)}</p>' if ids else ""]
    href = escape(page_of(entry.iri, public_url, base))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(entry.name)}</title><style>{STYLE}</style></head>\n"
        f'<body><div class="card"><h1><a href="{href}" target="_blank" rel="noopener">'
        f"{escape(entry.name)}</a></h1>{''.join(lines)}</div></body></html>\n"
    )


__all__ = ["PREVIEW_HEIGHT", "PREVIEW_WIDTH", "manifest", "page_of", "preview_html",
           "service_root"]
