"""IRIs that were published and are no longer minted keep answering: 301 to the replacement
named in data/retired.yaml, else 410 Gone saying since when and why (an HTML page for browsers,
the one error shape for programs). The list comes with the release (``release.json``)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, redirect

from dprk_ld.site.state import Site
from dprk_ld.web.errors import HttpError


def retired_of(s: Site) -> dict[str, dict[str, Any]]:
    """The retired paths under ``id/`` of the release served, with their reason, successor and
    last release that published them."""
    def read() -> dict[str, dict[str, Any]]:
        if s.dist is None or not (s.dist / "release.json").is_file():
            return {}
        info = json.loads((s.dist / "release.json").read_text(encoding="utf-8"))
        return {str(r["id"]): r for r in info.get("retired", [])}
    return s.cached("retired", read)


def answer_retired(s: Site, path: str, document: bool) -> Response | None:
    """The answer for ``path`` (``id/…``, as requested) if it names a retired IRI: a 301 to its
    successor (its IRI, or its document for a ``/doc/`` request), or a 410 raised as an error."""
    if not path.startswith("id/"):
        return None
    entry = retired_of(s).get(path[len("id/"):])
    if entry is None:
        return None
    if entry.get("replaced_by"):
        target = ("/doc/id/" if document else "/id/") + str(entry["replaced_by"])
        resp = redirect(target, 301)
        resp.headers["Cache-Control"] = f"public, max-age={s.max_age}"
        return resp
    when = (f"It was last published in release {entry['last_published']}."
            if entry.get("last_published") else "It was never part of a published release.")
    raise HttpError(410, "gone", f"{s.base}{path} was retired: {entry['reason']}. {when}",
                    {"iri": s.base + path, "reason": entry["reason"],
                     "last_published": entry.get("last_published")})
