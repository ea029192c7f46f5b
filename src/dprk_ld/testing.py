"""Helpers for testing dprk-ld and applications built on it: the one error shape, and an app
served over real HTTP on a loopback port."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from dprk_ld.web.errors import CODES

ERROR_KEYS = {"status", "code", "title", "message", "details"}


def assert_error_shape(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Check a test-client response is the one error shape (JSON) with this status, and that it
    leaks no traceback or file path; return the error record."""
    assert resp.status_code == status, (resp.status_code, resp.data[:500])
    assert resp.headers["Content-Type"].startswith("application/json"), resp.headers
    record = json.loads(resp.data)
    assert set(record) == {"error"}
    err = record["error"]
    assert set(err) == ERROR_KEYS
    assert err["status"] == status
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["details"], dict)
    assert err["code"] in CODES and CODES[err["code"]] == status
    if code is not None:
        assert err["code"] == code, err
    text = resp.data.decode("utf-8")
    assert "Traceback" not in text and "/work/" not in text and ".py" not in text
    return err


@contextmanager
def serve_in_thread(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL (no trailing /)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
