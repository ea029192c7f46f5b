"""The one error shape: frozen here. Changing it breaks clients; change this test knowingly."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from dprk_ld.testing import assert_error_shape
from dprk_ld.web import errors as errors_http
from dprk_ld.web.errors import CODES, HttpError


def test_the_json_shape_is_frozen() -> None:
    err = errors_http.bad_request("Something is wrong.", "query_syntax", line=1, column=5)
    assert err.record() == {
        "error": {
            "status": 400,
            "code": "query_syntax",
            "title": "Bad Request",
            "message": "Something is wrong.",
            "details": {"line": 1, "column": 5},
        }
    }


def test_the_text_shape() -> None:
    err = errors_http.not_acceptable(["text/csv", "application/json"])
    text = errors_http.error_text(err.status, err.code, err.message, err.details)
    assert text.splitlines() == [
        "406 Not Acceptable (not_acceptable)",
        "None of the media types offered here is acceptable to the client.",
        "offered: text/csv, application/json",
    ]


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (lambda: errors_http.bad_request("x"), 400, "bad_request"),
        (lambda: errors_http.forbidden("x", "update_refused"), 403, "update_refused"),
        (lambda: errors_http.not_found(), 404, "not_found"),
        (lambda: errors_http.method_not_allowed(["GET", "POST"]), 405, "method_not_allowed"),
        (lambda: errors_http.not_acceptable(["a/b"]), 406, "not_acceptable"),
        (lambda: errors_http.payload_too_large(10), 413, "payload_too_large"),
        (lambda: errors_http.uri_too_long(10), 414, "uri_too_long"),
        (lambda: errors_http.unsupported_media_type("x", ["a/b"]), 415, "unsupported_media_type"),
        (lambda: errors_http.internal_error(), 500, "internal_error"),
        (lambda: errors_http.service_unavailable("x", "query_timeout"), 503, "query_timeout"),
    ],
)
def test_every_helper_renders_the_shape(make, status: int, code: str) -> None:
    app = Flask(__name__)
    err: HttpError = make()
    with app.test_request_context("/", headers={"Accept": "application/json"}):
        resp = errors_http.render(err, "application/json")
    resp.status_code = resp.status_code  # a real Response object
    assert_error_shape(_as_test_response(resp), status, code)
    with app.test_request_context("/"):
        text = errors_http.render(err, "text/plain").get_data(as_text=True)
    assert text.startswith(f"{status} ")
    assert f"({code})" in text.splitlines()[0]


def _as_test_response(resp):
    class R:
        status_code = resp.status_code
        headers = resp.headers
        data = resp.get_data()

    return R()


def test_every_code_has_a_real_status() -> None:
    for code, status in CODES.items():
        assert code.islower() and " " not in code
        assert 400 <= status < 600


def test_405_names_the_allowed_methods() -> None:
    err = errors_http.method_not_allowed(["POST", "GET"])
    assert err.headers["Allow"] == "GET, POST"
    assert err.details == {"allowed": ["GET", "POST"]}


def test_errors_in_the_app(client) -> None:
    """The app answers every kind of error in the shape, negotiated JSON or text."""
    assert_error_shape(client.get("/no-such-page"), 404, "not_found")
    resp = client.put("/sparql")
    err = assert_error_shape(resp, 405, "method_not_allowed")
    assert "GET" in err["details"]["allowed"]
    assert "GET" in resp.headers["Allow"]
    resp = client.get("/no-such-page", headers={"Accept": "text/plain"})
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert resp.get_data(as_text=True).startswith("404 Not Found (not_found)")
    # a client that accepts neither JSON nor text still gets the JSON shape, never a 406
    resp = client.get("/no-such-page", headers={"Accept": "image/png"})
    assert_error_shape(resp, 404, "not_found")


def test_an_unexpected_exception_is_a_bare_500(app_factory) -> None:
    app = app_factory()

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret /etc/passwd detail at /work/main/src/x.py")

    resp = app.test_client().get("/boom")
    err = assert_error_shape(resp, 500, "internal_error")
    assert "secret" not in json.dumps(err)
