"""Citing a finding, a source and the dataset: the four syntaxes (each read back by a parser or
checked against the CSL schema's own lists of types and variables), content negotiation on their
IRIs, the "Cite" block and the "Report a correction" link of the pages, the /corrections page,
and the copy button in a real Chromium."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import bibtexparser
import pyoxigraph as ox
import pytest
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from flask import Flask
from flask.testing import FlaskClient

from dprk_ld import formats
from dprk_ld.curation.publisher import Publisher
from dprk_ld.site.cite import Work, as_bibtex, as_csl, as_ris, as_text, latex, site_publisher, work_of
from dprk_ld.site.state import Site
from dprk_ld.testing import BASE, assert_error_shape, path_of, serve_in_thread, wait_for

FINDING = BASE + "id/finding/mini/hoeryong-trial"
SOURCE = BASE + "id/source/mini"
DATASET = BASE + "dataset"
CITABLE = [FINDING, SOURCE, DATASET]
MINI_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "mini" / "data"
MEDIA_TYPES = {"text": "text/x-bibliography", "bibtex": "application/x-bibtex",
               "ris": "application/x-research-info-systems",
               "csl": "application/vnd.citationstyles.csl+json"}
RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - (\S.*)?$")
CSL_SCHEMA = resources.files("citeproc") / "data" / "schema" / "schemas" / "styles"


def rnc_block(name: str, start: str) -> set[str]:
    """The quoted names of one definition (``start = ...``) of a RELAX NG compact file of the CSL
    schema, up to the next definition."""
    text = (CSL_SCHEMA / name).read_text(encoding="utf-8")
    body = text.split(start, 1)[1]
    body = re.split(r"\n\s*[\w.-]+ *=", body, maxsplit=1)[0]
    return set(re.findall(r'"([^"]+)"', body))


#: what the CSL schema itself allows: item types, and the variables by kind
CSL_TYPES = rnc_block("csl-types.rnc", "item-types =")
CSL_DATES = rnc_block("csl-variables.rnc", "variables.dates =")
CSL_NAMES = rnc_block("csl-variables.rnc", "variables.names =")
CSL_NUMBERS = rnc_block("csl-variables.rnc", "variables.numbers =")
CSL_STRINGS = rnc_block("csl-variables.rnc", "variables.strings =") | rnc_block(
    "csl-variables.rnc", "variables.titles =")


@pytest.fixture()
def site(mini_store: ox.Store, mini_release: Path) -> Site:
    return Site(store=mini_store, base=BASE, release_id="test", dist=mini_release.resolve(),
                queries_dir=None)


def dataset_yaml() -> dict[str, Any]:
    return yaml.safe_load((MINI_DATA / "dataset.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def cite(client: FlaskClient, iri: str, accept: str) -> Any:
    resp = client.get(path_of(iri), headers={"Accept": accept}, follow_redirects=True)
    assert [r.status_code for r in resp.history] == [303], iri
    assert resp.status_code == 200, (iri, accept, resp.data[:300])
    return resp


# --- what a citation says ---------------------------------------------------------------------------

def test_the_works_come_from_the_release(site: Site) -> None:
    meta = dataset_yaml()
    dataset = work_of(site, DATASET)
    assert dataset is not None and dataset.kind == "dataset"
    assert (dataset.title, dataset.version, dataset.author) == (meta["title"], meta["version"],
                                                                meta["publisher"])
    assert dataset.issued == (meta["issued"].year, meta["issued"].month, meta["issued"].day)
    finding = work_of(site, FINDING)
    assert finding is not None and finding.author == dataset.author and finding.quotes is not None
    assert finding.title == "Finding mini/hoeryong-trial" and finding.container == meta["title"]
    assert finding.abstract.startswith("In August a court reportedly sentenced")
    source = yaml.safe_load((MINI_DATA / "sources" / "mini.yaml").read_text(encoding="utf-8"))
    assert finding.quotes.title == source["title"] == work_of(site, SOURCE).title  # type: ignore[union-attr]
    assert finding.quotes.author == "Test Publisher"  # the label of its publisher entity
    assert finding.quotes.url == source["url"] and finding.quotes.issued == (source["issued"],)
    assert work_of(site, BASE + "id/place/hoeryong") is None
    assert work_of(site, BASE + "id/finding/mini/no-such-finding") is None


@pytest.mark.parametrize("iri", CITABLE)
def test_text(site: Site, iri: str) -> None:
    w = work_of(site, iri)
    assert w is not None
    text = as_text(w)
    assert "\n" not in text
    assert w.title in text and w.iri in text and f"Version {w.version}" in text
    assert text.startswith(f"{w.author} ({w.issued[0]}). ")
    if w.kind == "finding":
        assert w.quotes is not None and w.quotes.title in text and w.quotes.url in text


def braces_balance(text: str) -> bool:
    depth = 0
    for c in text:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("iri", CITABLE)
def test_bibtex_parses(site: Site, iri: str) -> None:
    w = work_of(site, iri)
    assert w is not None
    text = as_bibtex(w)
    assert braces_balance(text)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.key == w.key and entry.entry_type == ("misc" if w.kind == "source" else "dataset")
    fields = {f.key: f.value for f in entry.fields}
    assert {"author", "title", "year", "url", "publisher"} <= set(fields)
    assert fields["author"] == "{" + w.author + "}"  # an organization, kept whole
    assert fields["year"] == str(w.issued[0]) and fields["url"] == w.url
    assert (fields.get("version") == w.version) is (w.kind != "source")


def test_bibtex_escapes_what_latex_reads_as_commands() -> None:
    nasty = r"50% of {all} $costs & #1_x ~ ^ \end"
    escaped = latex(nasty)
    assert braces_balance(escaped)
    for raw in ("%", "$", "&", "#", "_"):
        assert f"\\{raw}" in escaped and escaped.count(raw) == nasty.count(raw)
    assert r"\textbraceleft{}all\textbraceright{}" in escaped and r"\textbackslash{}end" in escaped
    work = Work("source", BASE + "id/source/x", "dprk-ld:source:x", nasty, "A & B {Group}", (2024, 3),
                "https://example.org/a{b}", "1.0")
    text = as_bibtex(work)
    assert braces_balance(text)
    entry = bibtexparser.parse_string(text).entries[0]
    assert entry["title"] == escaped and entry["author"] == "{" + latex("A & B {Group}") + "}"
    assert entry["url"] == "https://example.org/a%7Bb%7D" and entry["date"] == "2024-03"


@pytest.mark.parametrize("iri", CITABLE)
def test_ris(site: Site, iri: str) -> None:
    w = work_of(site, iri)
    assert w is not None
    text = as_ris(w)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(RIS_LINE.match(line) for line in lines), lines
    assert lines[0] == ("TY  - RPRT" if w.kind == "source" else "TY  - DATA")
    assert lines[-1] == "ER  - " and sum(line.startswith("TY  - ") for line in lines) == 1
    tags = {line[:2]: line[6:] for line in lines}
    assert tags["TI"] == w.title and tags["AU"] == w.author and tags["UR"] == w.url
    assert tags["PY"] == str(w.issued[0])
    assert re.fullmatch(r"\d{4}/(\d\d)?/(\d\d)?/", tags["DA"])


@pytest.mark.parametrize("iri", CITABLE)
def test_csl_json_fits_the_csl_schema(site: Site, iri: str) -> None:
    w = work_of(site, iri)
    assert w is not None
    item = as_csl(w)
    assert item["id"] == w.key and item["type"] in CSL_TYPES
    assert item["type"] == ("report" if w.kind == "source" else "dataset")
    for key, value in item.items():
        if key in ("id", "type"):
            continue
        if key in CSL_DATES:
            parts = value["date-parts"]
            assert len(parts) == 1 and all(isinstance(n, int) for n in parts[0]) and 1 <= len(parts[0]) <= 3
        elif key in CSL_NAMES:
            assert value and all(set(name) == {"literal"} for name in value)  # organizations only
        else:
            assert key in CSL_STRINGS | CSL_NUMBERS, key
            assert isinstance(value, str) and value
    assert {"title", "author", "issued", "URL", "publisher"} <= set(item)
    assert (item.get("version") == w.version) is (w.kind != "source")


def test_csl_json_is_read_by_a_citation_processor(site: Site) -> None:
    items = [as_csl(w) for w in (work_of(site, i) for i in CITABLE) if w is not None]
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == 3
    for item in items:
        assert any(item["title"] in r and item["URL"] in r for r in rendered), item["id"]


# --- content negotiation ----------------------------------------------------------------------------

@pytest.mark.parametrize("iri", CITABLE)
@pytest.mark.parametrize("name", sorted(MEDIA_TYPES))
def test_each_citation_is_negotiated(client: FlaskClient, iri: str, name: str) -> None:
    media_type = MEDIA_TYPES[name]
    fmt = next(f for f in formats.CITATIONS if f.media_type == media_type)
    resp = cite(client, iri, f"{media_type}, text/html;q=0.5")
    assert resp.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in resp.headers["Vary"]
    location = resp.headers["Content-Location"]
    assert location == f"/doc{path_of(iri)}.{fmt.extension}"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("inline" if name == "text" else "attachment")
    assert f".{fmt.extension}" in disposition and "filename=" in disposition
    # the variant's own address, and format= on the IRI (redirected with it), give the same bytes
    assert client.get(location).data == resp.data
    explicit = client.get(f"{path_of(iri)}?format={name}", headers={"Accept": "text/html"},
                          follow_redirects=True)
    assert explicit.status_code == 200 and explicit.data == resp.data
    assert explicit.headers["Content-Type"] == resp.headers["Content-Type"]
    # and the bytes are the citation of the IRI's work
    body = resp.data.decode("utf-8")
    if name == "csl":
        assert json.loads(body)[0]["URL"] in (iri, "https://example.org/mini")
    else:
        assert iri in body or (name != "text" and "https://example.org/mini" in body)


def test_the_rdf_and_html_are_still_the_default(client: FlaskClient) -> None:
    for iri in CITABLE:
        for accept, expected in ((None, "text/html"), ("*/*", "text/html"), ("text/*", "text/html"),
                                 ("text/turtle", "text/turtle"), ("text/plain", "application/n-triples")):
            headers = {"Accept": accept} if accept else {}
            resp = client.get(path_of(iri), headers=headers, follow_redirects=True)
            assert resp.headers["Content-Type"].split(";")[0] == expected, (iri, accept)
        link = client.get(f"/doc{path_of(iri)}").headers["Link"]
        assert f'<{f"/doc{path_of(iri)}"}.bib>; rel="alternate"; type="application/x-bibtex"' in link


def test_unknown_types_are_406_naming_the_citations(client: FlaskClient) -> None:
    resp = client.get(path_of(FINDING), headers={"Accept": "image/png"}, follow_redirects=True)
    err = assert_error_shape(resp, 406, "not_acceptable")
    assert set(MEDIA_TYPES.values()) <= set(err["details"]["offered"])
    assert "text/turtle" in err["details"]["offered"]
    assert_error_shape(client.get(f"/doc{path_of(FINDING)}?format=endnote"), 406, "not_acceptable")


def test_what_cannot_be_cited_offers_no_citation(client: FlaskClient) -> None:
    place = BASE + "id/place/hoeryong"
    resp = client.get(path_of(place), headers={"Accept": "application/x-bibtex"}, follow_redirects=True)
    err = assert_error_shape(resp, 406, "not_acceptable")
    assert "application/x-bibtex" not in err["details"]["offered"]
    assert_error_shape(client.get(f"/doc{path_of(place)}?format=ris"), 406, "not_acceptable")
    assert_error_shape(client.get(f"/doc{path_of(place)}.bib"), 404, "not_found")
    assert_error_shape(client.get("/doc/id/finding/mini/no-such-finding.bib"), 404, "not_found")
    # a place's document names no citation among its variants
    assert ".bib" not in client.get(f"/doc{path_of(place)}").headers["Link"]


def test_citations_are_cached_and_revalidated(client: FlaskClient) -> None:
    first = client.get(f"/doc{path_of(FINDING)}.ris")
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public")
    again = client.get(f"/doc{path_of(FINDING)}.ris", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert first.headers["ETag"] != client.get(f"/doc{path_of(FINDING)}.bib").headers["ETag"]


# --- the pages --------------------------------------------------------------------------------------

def cite_block(body: str) -> str:
    found = re.search(r'<section class="cite-block" id="cite">(.*?)</section>', body, re.S)
    assert found, "no cite block"
    return found.group(1)


@pytest.mark.parametrize("iri", CITABLE)
def test_pages_have_a_cite_block(client: FlaskClient, site: Site, iri: str) -> None:
    path = "/" if iri == DATASET else path_of(iri)
    resp = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
    assert resp.status_code == 200
    body = resp.data.decode("utf-8")
    block = cite_block(body)
    w = work_of(site, iri)
    assert w is not None
    text = re.search(r'<p class="cite-text" id="cite-text">(.*?)</p>', block, re.S)
    assert text and html.unescape(text.group(1)) == as_text(w)
    assert 'class="cite-copy"' in block and 'data-copy="cite-text"' in block
    assert '<script src="/static/cite.js" defer></script>' in body
    downloads = dict(re.findall(r'<a href="([^"]+)" download="([^"]+)"', block))
    assert len(downloads) == 3
    for href, name in downloads.items():
        got = client.get(href)
        assert got.status_code == 200, href
        assert got.headers["Content-Type"].split(";")[0] in MEDIA_TYPES.values()
        assert name in got.headers["Content-Disposition"]
    correction = re.search(r'<a href="([^"]+)" class="correction-link"', block)
    if iri == DATASET:
        assert correction is None
    else:
        assert correction and html.unescape(correction.group(1)) == \
            f"/corrections?about={quote(iri, safe='')}"


def test_the_correction_link_leads_to_how_to_report_one(client: FlaskClient) -> None:
    body = client.get(path_of(FINDING), follow_redirects=True).data.decode("utf-8")
    href = html.unescape(re.search(r'<a href="([^"]+)" class="correction-link"', body).group(1))  # type: ignore[union-attr]
    resp = client.get(href)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/html; charset=utf-8"
    page = resp.data.decode("utf-8")
    assert f'<code class="about-iri">{FINDING}</code>' in page
    assert f'<a href="{path_of(FINDING)}">Finding mini/hoeryong-trial</a>' in page
    assert "What to include" in page and "The source that shows it" in page
    assert "not an IRI of this release" not in page
    assert "has not named a corrections address" in page  # the fixture names none


@pytest.mark.parametrize("about", [
    '<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    BASE + 'id/x"><b>', "x" * 5000])
def test_the_corrections_page_escapes_about(client: FlaskClient, about: str) -> None:
    resp = client.get("/corrections", query_string={"about": about})
    assert resp.status_code == 200
    page = resp.data.decode("utf-8")
    for raw in ("<script>alert", "<img", "<b>", 'href="javascript'):
        assert raw not in page
    shown = html.escape(about[:500], quote=False)
    assert f'<code class="about-iri">{shown}</code>' in page.replace("&#34;", '"').replace("&#39;", "'")
    assert "not an IRI of this release" in page and "x" * 501 not in page


def test_the_corrections_page_without_about(client: FlaskClient) -> None:
    page = client.get("/corrections").data.decode("utf-8")
    assert "What to include" in page and "about-iri" not in page


@pytest.fixture()
def configured(mini_release: Path, tmp_path: Path,
               ld_app_factory: Callable[..., Flask]) -> Callable[[dict[str, str]], FlaskClient]:
    """A client of a copy of the mini release whose release.json names another publisher."""
    def make(block: dict[str, str]) -> FlaskClient:
        dist = tmp_path / f"dist-{len(list(tmp_path.iterdir()))}"
        shutil.copytree(mini_release, dist)
        info = json.loads((dist / "release.json").read_text(encoding="utf-8"))
        (dist / "release.json").write_text(json.dumps({**info, "publisher": block}), encoding="utf-8")
        return ld_app_factory(dist).test_client()

    return make


def test_a_configured_publisher_gets_the_corrections(configured: Callable[[dict[str, str]], FlaskClient],
                                                     mini_release: Path) -> None:
    info = json.loads((mini_release / "release.json").read_text(encoding="utf-8"))
    assert info["publisher"] == {"name": "tests", "homepage": "https://w3id.org/dprk-ld/"}
    by_mail = configured({"name": "Example Group", "email": "corrections@example.org"})
    block = cite_block(by_mail.get(path_of(SOURCE), follow_redirects=True).data.decode("utf-8"))
    expected = Publisher(name="Example Group", email="corrections@example.org").correction_link(
        SOURCE, "Mini report (test fixture)")
    assert expected.startswith("mailto:corrections@example.org?subject=")
    assert f'<a href="{html.escape(expected)}" class="correction-link"' in block
    bib = by_mail.get("/doc/dataset.bib").data
    assert bib.startswith(b"@dataset{dprk-ld:dataset,\n  author = {{Example Group}}")
    page = by_mail.get("/corrections", query_string={"about": SOURCE}).data.decode("utf-8")
    assert 'class="send-correction"' in page and "mailto:corrections@example.org" in page
    by_form = configured({"name": "Example Group", "corrections_url": "https://example.org/fix?lang=en"})
    block = cite_block(by_form.get(path_of(FINDING), follow_redirects=True).data.decode("utf-8"))
    assert f'href="https://example.org/fix?lang=en&amp;about={quote(FINDING, safe="")}"' in block
    by_page = configured({"name": "Example Group", "contact_url": "https://example.org/contact"})
    page = by_page.get("/corrections", query_string={"about": FINDING}).data.decode("utf-8")
    assert '<a href="https://example.org/contact" class="send-correction">' in page


def test_without_release_json_the_description_names_the_publisher(mini_store: ox.Store) -> None:
    bare = Site(store=mini_store, base=BASE, release_id="test", dist=None, queries_dir=None)
    assert site_publisher(bare) == Publisher(name=dataset_yaml()["publisher"])
    assert as_text(work_of(bare, DATASET)).startswith(f"{dataset_yaml()['publisher']} (")  # type: ignore[arg-type]


def test_correction_links_keep_their_api() -> None:
    iri = BASE + "id/finding/a/b"
    assert Publisher().correction_link(iri, "B") == "/corrections?about=" + quote(iri, safe="")
    assert Publisher(contact_url="https://example.org/c").correction_link(iri, "B").startswith(
        "/corrections?about=")
    assert Publisher(corrections_url="https://example.org/f").correction_link(iri, "B") == \
        "https://example.org/f?about=" + quote(iri, safe="")


# --- the copy button, in Chromium ---------------------------------------------------------------------


def test_the_copy_button_copies_the_citation(browser: Any, ld_app: Flask, site: Site) -> None:
    from selenium.webdriver.common.by import By

    with serve_in_thread(ld_app) as url:
        browser.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
        browser.get(url + path_of(FINDING))
        button = browser.find_element(By.CSS_SELECTOR, "#cite button.cite-copy")
        wait_for(browser, lambda d: button.is_displayed())  # shown by the script
        assert button.text == "Copy citation"
        button.click()
        wait_for(browser, lambda d: button.get_attribute("data-state") == "copied")
        assert button.text == "Copied"
        copied = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "navigator.clipboard.readText().then(done, e => done('error: ' + e));")
    w = work_of(site, FINDING)
    assert w is not None and copied == as_text(w)
