"""Fixtures of the external-store tests: Oxigraph's server and Virtuoso 7, each started once per
test session (under pytest-xdist, once per worker: its own folder and ports) and stopped at its
end. A missing program fails the tests that need it, naming how to install it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dprk_ld.testing.stores import OxigraphServer, VirtuosoServer


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """Oxigraph's server, empty at the start of the session. Tests share it: write graphs of
    names of your own; a module that publishes releases into it replaces the one other modules
    may rely on, so it starts a store of its own instead (as test_publish.py does)."""
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """Virtuoso 7 with a new database (its own system graphs only) at the start of the session;
    shared as ``oxigraph_server`` is."""
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
