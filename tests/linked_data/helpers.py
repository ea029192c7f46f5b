"""Helpers of the linked-data tests (no fixtures here: see conftest.py)."""

from __future__ import annotations

import json
from typing import Any

from dprk_ld.errors_http import CODES


def assert_error_shape(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the project's one error shape (JSON) with this status; its record."""
    assert resp.status_code == status, (resp.status_code, resp.data[:300])
    assert resp.headers["Content-Type"].startswith("application/json"), resp.headers
    record = json.loads(resp.data)
    assert set(record) == {"error"}
    err = record["error"]
    assert set(err) == {"status", "code", "title", "message", "details"}
    assert err["status"] == status and CODES[err["code"]] == status
    if code is not None:
        assert err["code"] == code, err
    assert "Traceback" not in resp.data.decode() and "/work/" not in resp.data.decode()
    return err
