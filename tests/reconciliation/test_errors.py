"""Bad requests to the reconciliation service get a 400 (or 404) in the project's one error shape,
naming the parameter that is wrong; good ones in odd spellings still work."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from dprk_ld.reconciliation.inputs import MAX_IDS, MAX_LIMIT, MAX_QUERIES, MAX_TEXT
from dprk_ld.testing import BASE, assert_error_shape
from dprk_ld.web.reconciliation import name_index


def queries(n: int = 1, **fields: object) -> str:
    return json.dumps({f"q{i}": {"query": "Hoeryong", **fields} for i in range(n)})


@pytest.mark.parametrize(("form", "parameter"), [
    ({"queries": "{not json"}, "queries"),
    ({"queries": "[1, 2]"}, "queries"),
    ({"queries": queries(MAX_QUERIES + 1)}, "queries"),
    ({"queries": json.dumps({"q0": {"query": "x" * (MAX_TEXT + 1)}})}, "queries"),
    ({"queries": queries(type="https://example.org/Unknown")}, "type"),
    ({"queries": queries(limit=MAX_LIMIT + 1)}, "limit"),
    ({"queries": queries(properties=[{"pid": "no-such-property", "v": "x"}])}, "properties"),
    ({"extend": "{]"}, "extend"),
    ({"extend": json.dumps({"ids": ["x"] * (MAX_IDS + 1), "properties": []})}, "extend"),
    ({"extend": json.dumps({"ids": ["x"], "properties": [{"id": "no-such-property"}]})}, "extend"),
    ({"extend": json.dumps({"ids": ["x"], "properties": [{"id": "findings",
                                                          "settings": {"limit": -1}}]})}, "extend"),
    ({"queries": queries(), "extend": json.dumps({"ids": [], "properties": []})}, "extend"),
])
def test_bad_batches_get_400(mini_client: FlaskClient, form: dict[str, str], parameter: str) -> None:
    for resp in (mini_client.post("/reconcile", data=form),
                 mini_client.get("/reconcile", query_string=form)):
        err = assert_error_shape(resp, 400)
        assert err["details"]["parameter"] == parameter, err


def test_a_parameter_given_twice_is_refused(mini_client: FlaskClient) -> None:
    resp = mini_client.post("/reconcile?queries=" + queries(), data={"queries": queries()})
    err = assert_error_shape(resp, 400, "repeated_parameter")
    assert err["details"]["parameter"] == "queries"
    resp = mini_client.get("/reconcile/suggest/entity?prefix=a&prefix=b")
    assert_error_shape(resp, 400, "repeated_parameter")


@pytest.mark.parametrize(("path", "parameter"), [
    ("/reconcile?callback=alert(document.cookie)", "callback"),
    ("/reconcile?callback=", "callback"),
    ("/reconcile/suggest/entity", "prefix"),
    ("/reconcile/suggest/entity?prefix=a&cursor=-1", "cursor"),
    ("/reconcile/suggest/entity?prefix=a&limit=0", "limit"),
    ("/reconcile/suggest/entity?prefix=a&type=nothing", "type"),
    ("/reconcile/suggest/type?prefix=" + "a" * (MAX_TEXT + 1), "prefix"),
    ("/reconcile/propose_properties?type=nothing", "type"),
    ("/reconcile/propose_properties?limit=x", "limit"),
    ("/reconcile/preview", "id"),
    ("/reconcile/view?id=", "id"),
])
def test_bad_parameters_get_400(mini_client: FlaskClient, path: str, parameter: str) -> None:
    err = assert_error_shape(mini_client.get(path), 400)
    assert err["details"]["parameter"] == parameter, err


def test_unknown_ids_get_404(mini_client: FlaskClient) -> None:
    for path in ("/reconcile/preview", "/reconcile/view"):
        assert_error_shape(mini_client.get(path, query_string={"id": BASE + "id/place/nowhere"}),
                           404, "not_found")


def test_errors_are_json_even_with_a_callback(mini_client: FlaskClient) -> None:
    resp = mini_client.get("/reconcile", query_string={"queries": "{", "callback": "cb"})
    assert_error_shape(resp, 400)


def test_only_get_head_and_post(mini_client: FlaskClient) -> None:
    assert_error_shape(mini_client.put("/reconcile"), 405, "method_not_allowed")
    assert_error_shape(mini_client.post("/reconcile/preview"), 405, "method_not_allowed")
    assert mini_client.head("/reconcile").status_code == 200


def test_cors_as_everywhere_else(mini_client: FlaskClient) -> None:
    resp = mini_client.options("/reconcile", headers={"Origin": "https://example.org",
                                                      "Access-Control-Request-Method": "POST"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    assert mini_client.get("/reconcile").headers["Access-Control-Allow-Origin"] == "*"


def test_a_post_answers_json_whatever_the_callback(mini_client: FlaskClient) -> None:
    resp = mini_client.post("/reconcile", data={"queries": queries(), "callback": "cb"})
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/json"
    assert json.loads(resp.data)["q0"]["result"][0]["id"] == BASE + "id/place/hoeryong"


def test_the_index_is_built_once_per_release(mini_client: FlaskClient) -> None:
    app = mini_client.application
    with app.test_request_context("/reconcile"):
        first = name_index()
    mini_client.post("/reconcile", data={"queries": queries()})
    with app.test_request_context("/reconcile"):
        assert name_index() is first and first.get(BASE + "id/place/hoeryong") is not None
