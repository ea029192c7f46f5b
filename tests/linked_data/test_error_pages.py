"""Errors for browsers are pages of the site; programs keep the one JSON shape; XHTML is HTML.

A client whose Accept header prefers HTML (or XHTML) gets every error as a page with the site's
navigation, its search box and a way home, with the status and headers the JSON error has
(``Allow``, ``Retry-After``, CORS). No Accept, ``*/*``, JSON or a SPARQL results type still get
the JSON shape of ``dprk_ld.web.errors``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.exceptions import Gone

from dprk_ld import formats
from dprk_ld.site.describe import VARIANTS
from dprk_ld.site.search import MAX_QUERY_CHARS
from dprk_ld.testing import BASE, assert_error_shape, path_of
from dprk_ld.web import conneg, errors
from dprk_ld.web.discovery import VOID_OFFERS

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
XHTML = "application/xhtml+xml"
PLACE = BASE + "id/place/north-korea"
#: Accept headers of programs: each gets the JSON shape
PROGRAMS = [None, "*/*", "application/json", "application/sparql-results+json",
            "application/sparql-results+xml, */*;q=0.1", "text/turtle", "image/png"]
#: Accept headers of browsers and of clients that ask for XHTML: each gets the page
PAGES = [BROWSER, "text/html", XHTML, f"{XHTML};q=0.9, text/html;q=0.8",
         f"text/html;q=0.5, {XHTML};q=0.9, application/json;q=0.4", "application/json;q=0.5, text/html"]


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "source", "track", "wbr"}


@dataclass
class Node:
    """An element of a parsed page: its tag, attributes and content (text and elements)."""

    tag: str
    attrs: dict[str, str]
    content: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.content:
            if isinstance(child, Node):
                yield from child.iter()

    def select(self, tag: str, inside: str | None = None, **attrs: str) -> list[Node]:
        """The elements ``tag`` (``*``: any) with these attributes (``class_``: one of its
        classes), optionally only inside the element of id ``inside``."""
        root = next((n for n in self.iter() if n.attrs.get("id") == inside), None) if inside else self
        found = []
        for node in (root.iter() if root is not None else ()):
            classes = node.attrs.get("class", "").split()
            if (tag in ("*", node.tag)) and all(
                    (value in classes) if key == "class_" else node.attrs.get(key) == value
                    for key, value in attrs.items()):
                found.append(node)
        return found

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.content)


class TreeBuilder(HTMLParser):
    """Parses a page into :class:`Node` objects (Python's own HTML parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].content.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse_page(text: str) -> Node:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def headers_of(accept: str | None, **more: str) -> dict[str, str]:
    return {**({"Accept": accept} if accept is not None else {}), **more}


def read_page(resp: Any, status: int) -> Node:
    """The error page of ``resp`` (checked: HTML, the status, the site's navigation, the search
    box and a way home), parsed."""
    assert resp.status_code == status, (resp.status_code, resp.data[:300])
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert resp.headers["Cache-Control"] == "no-store"
    text = resp.get_data(as_text=True)
    assert "Traceback" not in text and "/work/" not in text and ".py" not in text
    tree = parse_page(text)
    nav = tree.select("nav", class_="site")
    assert nav, "no navigation"
    assert {a.attrs.get("href") for a in nav[0].select("a")} >= {"/", "/sparql", "/ontology"}
    forms = nav[0].select("form", role="search", action="/search")
    box = forms[0].select("input", name="q") if forms else []
    assert box and box[0].attrs.get("maxlength") == str(MAX_QUERY_CHARS)
    assert tree.select("a", inside="error", href="/"), "no way home"
    assert tree.select("input", inside="error", name="q", type="search")
    assert f"{status}" in tree.select("title")[0].text()
    return tree


@pytest.fixture()
def app_with_errors(ld_app_factory: Callable[..., Flask], mini_release: Path) -> Flask:
    """The tiny release, small limits, and routes that raise what no route of the app raises
    on demand (410, 429 and 503 with Retry-After, an unexpected exception)."""
    app = ld_app_factory(mini_release, MAX_URL_BYTES=2048, MAX_BODY_BYTES=4096)

    @app.route("/test/gone")
    def gone() -> str:
        raise Gone()

    @app.route("/test/busy")
    def busy() -> str:
        raise errors.service_unavailable("All query processes are busy.", "busy", retry_after=7)

    @app.route("/test/too-many")
    def too_many() -> str:
        raise errors.HttpError(429, "too_many_requests", "Too many queries at once.",
                               {"limit": 2}, {"Retry-After": "3"})

    @app.route("/test/echo")
    def echo() -> str:
        raise errors.bad_request(f"Unknown value {request.args.get('x')!r}.", "invalid_parameter",
                                 parameter=request.args.get("x"))

    @app.route("/test/boom")
    def boom() -> str:
        raise RuntimeError("secret detail at /work/main/src/x.py")

    return app


#: (method, path, keyword arguments of the test client's call, status, code)
ERRORS: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("GET", "/no/such/page", {}, 404, "not_found"),
    ("GET", "/id/place/no-such-place", {}, 404, "not_found"),
    ("PUT", "/sparql", {}, 405, "method_not_allowed"),
    ("POST", "/", {}, 405, "method_not_allowed"),
    ("GET", "/doc" + path_of(PLACE) + "?format=pdf", {}, 406, "not_acceptable"),
    ("GET", "/test/gone", {}, 410, "gone"),
    ("POST", "/sparql", {"data": "query=" + "x" * 5000,
                         "content_type": "application/x-www-form-urlencoded"}, 413, "payload_too_large"),
    ("GET", "/sparql?query=ASK%7B%7D&pad=" + "y" * 3000, {}, 414, "uri_too_long"),
    ("GET", "/search?q=" + "z" * (MAX_QUERY_CHARS + 1), {}, 400, "invalid_parameter"),
    ("GET", "/test/too-many", {}, 429, "too_many_requests"),
    ("GET", "/test/boom", {}, 500, "internal_error"),
    ("GET", "/test/busy", {}, 503, "busy"),
]


def _call(client: FlaskClient, method: str, path: str, kwargs: dict[str, Any],
          accept: str | None) -> Any:
    return client.open(path, method=method, headers=headers_of(accept), **kwargs)


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code"), ERRORS,
                         ids=[f"{e[3]}-{e[1][:30]}" for e in ERRORS])
def test_browsers_get_a_page_with_the_same_status_and_headers(
        app_with_errors: Flask, method: str, path: str, kwargs: dict[str, Any], status: int,
        code: str) -> None:
    client = app_with_errors.test_client()
    as_json = _call(client, method, path, kwargs, "application/json")
    err = assert_error_shape(as_json, status, code)
    page = _call(client, method, path, kwargs, BROWSER)
    tree = read_page(page, status)
    # the same record, for people: title, message, code and every detail
    assert tree.select("h1")[0].text().strip() == err["title"]
    assert err["message"] in tree.select("p", inside="error", class_="description")[0].text()
    facts = tree.select("dl", class_="error-facts")[0].text()
    assert code in facts and str(status) in facts
    for key in err["details"]:
        assert key.replace("_", " ") in facts
    # the same headers, but for the type and length of the body
    ignored = {"Content-Type", "Content-Length"}
    assert {k: v for k, v in page.headers.items() if k not in ignored} == \
        {k: v for k, v in as_json.headers.items() if k not in ignored}


def test_retry_after_and_allow_are_kept(app_with_errors: Flask) -> None:
    client = app_with_errors.test_client()
    for path, header, value in [("/test/busy", "Retry-After", "7"),
                                ("/test/too-many", "Retry-After", "3")]:
        resp = client.get(path, headers={"Accept": BROWSER})
        read_page(resp, int(resp.status_code))
        assert resp.headers[header] == value
    resp = client.put("/sparql", headers={"Accept": BROWSER})
    read_page(resp, 405)
    assert set(resp.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize("accept", PROGRAMS)
def test_programs_keep_the_json_shape(client: FlaskClient, accept: str | None) -> None:
    assert_error_shape(client.get("/no/such/page", headers=headers_of(accept)), 404, "not_found")
    assert_error_shape(client.get("/no/such/page", headers=headers_of(accept, **{
        "User-Agent": "curl/8.5.0"})), 404, "not_found")


def test_plain_text_is_still_plain_text(client: FlaskClient) -> None:
    resp = client.get("/no/such/page", headers={"Accept": "text/plain"})
    assert resp.status_code == 404
    assert resp.get_data(as_text=True).startswith("404 Not Found (not_found)")


@pytest.mark.parametrize("accept", PAGES)
def test_clients_that_prefer_html_or_xhtml_get_the_page(client: FlaskClient, accept: str) -> None:
    read_page(client.get("/no/such/page", headers={"Accept": accept}), 404)


def test_sparql_clients_keep_the_protocol_errors(client: FlaskClient) -> None:
    for accept in ("application/sparql-results+json", "application/sparql-results+xml",
                   "text/csv", "text/turtle, application/sparql-results+json"):
        err = assert_error_shape(client.get("/sparql?query=SELEC", headers={"Accept": accept}),
                                 400, "query_syntax")
        assert err["details"]


def test_what_the_client_wrote_is_escaped(app_with_errors: Flask) -> None:
    """A message or detail that quotes the request is text on the page, never markup."""
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    resp = app_with_errors.test_client().get("/test/echo", query_string={"x": evil},
                                             headers={"Accept": BROWSER})
    tree = read_page(resp, 400)
    body = resp.get_data(as_text=True)
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert not tree.select("script", inside="error") and not tree.select("img", inside="error")
    assert evil in tree.select("p", inside="error", class_="description")[0].text()
    assert evil in tree.select("dl", class_="error-facts")[0].text()


def test_an_error_page_that_cannot_be_drawn_falls_back_to_json(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> str:
        raise RuntimeError("template missing")

    monkeypatch.setattr(errors, "error_page", broken)
    status, headers, body = errors.render_parts(errors.not_found(), BROWSER)
    assert status == 404 and dict(headers)["Content-Type"] == "application/json"
    assert b'"not_found"' in body


def test_errors_made_outside_flask_are_pages_too() -> None:
    """The slow-client guard answers before the app (408, 503): the same choice applies."""
    err = errors.service_unavailable("Too many bodies at once.", "busy", retry_after=1)
    status, headers, body = errors.render_parts(err, BROWSER)
    assert status == 503 and dict(headers)["Retry-After"] == "1"
    assert dict(headers)["Content-Type"] == "text/html; charset=utf-8"
    assert b'action="/search"' in body and b"Too many bodies at once." in body
    status, headers, body = errors.render_parts(err, "*/*")
    assert dict(headers)["Content-Type"] == "application/json"


# --- XHTML ----------------------------------------------------------------------------------------

#: (Accept, offers, the offer that must be chosen); None: not acceptable
XHTML_TABLE: list[tuple[str, tuple[formats.Format, ...], formats.Format | None]] = [
    (XHTML, VARIANTS, formats.HTML),
    (f"{XHTML};q=0.9, text/html;q=0.5", VARIANTS, formats.HTML),
    (f"text/html;q=0.2, {XHTML};q=0.8, text/turtle;q=0.5", VARIANTS, formats.HTML),
    (f"{XHTML};q=0.3, text/turtle;q=0.6", VARIANTS, formats.TURTLE),
    (f"{XHTML};q=0.7, application/rdf+xml;q=0.7", VARIANTS, formats.HTML),  # server order
    (f"text/html;q=0, {XHTML}", VARIANTS, formats.HTML),  # XHTML named outright
    (f"text/html;q=0, {XHTML};q=0, */*", VARIANTS, formats.TURTLE),
    ("text/html;q=0, */*", VARIANTS, formats.TURTLE),  # */* does not reach HTML through its alias
    (BROWSER, VARIANTS, formats.HTML),
    (XHTML, VOID_OFFERS, formats.HTML),
    (f"{XHTML}, text/turtle;q=0.9", VOID_OFFERS, formats.HTML),
    (XHTML, formats.DOCUMENTS, None),
    # the same rule for every alias: JSON-LD refused outright is not sent as application/json
    ("application/ld+json;q=0, */*", (formats.JSONLD, formats.TURTLE), formats.TURTLE),
    ("application/json", (formats.JSONLD, formats.TURTLE), formats.JSONLD),
]


@pytest.mark.parametrize(("accept", "offers", "expected"), XHTML_TABLE)
def test_xhtml_negotiation_table(accept: str, offers: tuple[formats.Format, ...],
                                 expected: formats.Format | None) -> None:
    if expected is None:
        with pytest.raises(conneg.NotAcceptable):
            conneg.negotiate(accept, offers)
    else:
        assert conneg.negotiate(accept, offers) is expected


@pytest.mark.parametrize("accept", [XHTML, f"{XHTML};q=0.9, text/html;q=0.8",
                                    f"text/turtle;q=0.5, {XHTML}"])
@pytest.mark.parametrize("path", [path_of(PLACE), "/ontology", "/shapes", "/.well-known/void",
                                  "/search?q=korea", "/sparql"])
def test_xhtml_clients_get_the_html_page(client: FlaskClient, path: str, accept: str) -> None:
    resp = client.get(path, headers={"Accept": accept}, follow_redirects=True)
    assert resp.status_code == 200, (path, resp.status_code)
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    tree = parse_page(resp.get_data(as_text=True))
    assert tree.select("nav", class_="site")[0].select("form", action="/search")
