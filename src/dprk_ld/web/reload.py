"""A release built anew under a running server is picked up whole, without a restart.

Every ``RELOAD_SECONDS`` at most, a request looks at ``DIST/release.json``; when it names another
release than the one served, that request loads it (store, query workers, site, with the
release's files held open, see ``Site.pin``) while the others go on with the old one, then the
new pair replaces the old in one assignment. Each request takes the pair once, when it starts
(:func:`current`), and uses only it: pages, SPARQL, dumps, VoID and ETags of one request always
come from one release. The old pair is closed (its workers stopped, its files let go) once every
request that could hold it has ended: after the query deadline and a margin. Over an external
store (``STORE_URL``) the look is at the release id in the store's VoID graph instead.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context

log = logging.getLogger(__name__)

KEY = "dprk_ld_releases"
GRACE = 5.0  # seconds after the query deadline before a replaced release is closed


def release_id_in(dist: Path) -> str | None:
    """The id ``dist/release.json`` names, or None while there is none to read."""
    try:
        return str(json.loads((dist / "release.json").read_text(encoding="utf-8"))["release_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Releases:
    """The (endpoint, site) pair an app serves now, and the switch to a newer release."""

    def __init__(self, app: Flask, pair: tuple[Any, Any], load: Callable[[], tuple[Any, Any]],
                 dist: Path | None, every: float, grace: float,
                 probe: Callable[[], str | None] | None = None) -> None:
        self.app, self.pair, self.load, self.dist = app, pair, load, dist
        #: the id of the release to serve now (``DIST/release.json``'s, or an external store's)
        self.probe = probe if probe is not None else (
            (lambda: release_id_in(dist)) if dist is not None else None)
        self.every, self.grace = every, grace
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._install(pair)

    def _install(self, pair: tuple[Any, Any]) -> None:
        self.pair = pair
        self.app.extensions["dprk_ld"], self.app.extensions["dprk_ld_site"] = pair

    def current(self) -> tuple[Any, Any]:
        """The pair to serve a request with (a newer release first, if there is one)."""
        if self.probe is None or time.monotonic() - self._checked < self.every:
            return self.pair
        if not self._lock.acquire(blocking=False):  # another request is checking or loading
            return self.pair
        try:
            self._checked = time.monotonic()
            found = self.probe()
            if found is not None and found != self.pair[0].release.release_id:
                self._switch()
        finally:
            self._lock.release()
        return self.pair

    def _switch(self) -> None:
        old = self.pair
        try:
            new = self.load()
        except Exception:  # a release half written or broken: keep serving the old one
            log.exception("a new release in %s could not be loaded; serving the old one",
                          self.dist or "the store")
            return
        self._install(new)
        log.warning("now serving release %s", new[0].release.release_id)
        timer = threading.Timer(self.grace, close_pair, args=(old,))
        timer.daemon = True
        timer.start()

    def close(self) -> None:
        close_pair(self.pair)


def close_pair(pair: tuple[Any, Any]) -> None:
    svc, site = pair
    svc.pool.close()
    site.unpin()


def releases() -> Releases:
    return current_app.extensions[KEY]  # type: ignore[no-any-return]


def current() -> tuple[Any, Any]:
    """The pair of the request being answered, taken once when it started."""
    if has_request_context():
        pair = g.get("dprk_ld")
        if pair is None:
            pair = g.dprk_ld = releases().current()
        return pair  # type: ignore[no-any-return]
    return releases().pair
