"""The query page in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``), over
the tiny fixture release: completion of the dataset's terms, Ctrl+Enter, the history kept in the
browser, the shareable link, the results table (pages, sorting, filter, prefixed names and
labels), downloads, the chart, the edited example, a cut result, and ``/sparql?query=`` opened by
a browser. A missing browser fails these tests; it never skips."""

from __future__ import annotations

import csv
import io
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from dprk_ld.testing import BROWSER_WAIT, serve_in_thread, wait_for
from dprk_ld.testing.store_option import close_app, create_app

NUMBERS = " ".join(str(i) for i in range(1, 121))
FINDING_CLASSES = ("SELECT ?class (COUNT(?f) AS ?n) WHERE { ?f a dprk:Finding, ?class "
                   "FILTER(?class != dprk:Finding) } GROUP BY ?class ORDER BY DESC(?n) ?class")



def serve(dist: Path, **config: Any) -> Iterator[str]:
    app = create_app({"DIST": dist, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10, **config})
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        close_app(app)


@pytest.fixture(scope="module")
def url(mini_release: Path) -> Iterator[str]:
    """The tiny release served over HTTP on a free loopback port, in a thread."""
    yield from serve(mini_release)


@pytest.fixture(scope="module")
def capped_url(mini_release: Path) -> Iterator[str]:
    """The tiny release with a cap of 50 rows."""
    yield from serve(mini_release, MAX_ROWS=50)




def by_id(drv: Any, name: str) -> Any:
    from selenium.webdriver.common.by import By

    return drv.find_element(By.ID, name)


def css(drv: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(drv.find_elements(By.CSS_SELECTOR, selector))


def set_query(drv: Any, query: str) -> Any:
    editor = by_id(drv, "query")
    drv.execute_script("arguments[0].value = arguments[1];"
                       "arguments[0].dispatchEvent(new Event('input'));", editor, query)
    return editor


def finished(drv: Any) -> str:
    """The status line once the run is over."""
    return str(wait_for(drv, lambda d: (lambda t: t if t and t != "Running…" else False)(
        by_id(d, "status").text)))


def run(drv: Any, query: str) -> str:
    set_query(drv, query)
    drv.execute_script("document.getElementById('status').textContent = '';")
    by_id(drv, "run").click()
    return finished(drv)


def first_column(drv: Any) -> list[str]:
    return [td.text for td in css(drv, "#results tbody tr td:first-child")]


def test_completion_offers_the_dataset_properties(browser: Any, url: str) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(url + "/sparql")
    editor = set_query(browser, "")
    editor.send_keys("SELECT * WHERE { ?f dprk:su")
    wait_for(browser, lambda d: by_id(d, "completions").is_displayed())
    offered = [li.find_element("css selector", "code").text for li in css(browser, "#completions li")]
    assert offered and offered[0] == "dprk:summary"  # the one dprk: property starting so
    assert all(name.startswith("dprk:su") for name in offered)
    editor.send_keys(Keys.ENTER)
    assert editor.get_attribute("value") == "SELECT * WHERE { ?f dprk:summary"
    assert not by_id(browser, "completions").is_displayed()
    # the classes and properties of the namespace, most used first, after the bare prefix
    editor.send_keys(" ; a dprk:")
    wait_for(browser, lambda d: by_id(d, "completions").is_displayed())
    offered = [li.text for li in css(browser, "#completions li")]
    assert any(text.startswith("dprk:Finding") and "class" in text for text in offered), offered
    editor.send_keys(Keys.ESCAPE)
    assert not by_id(browser, "completions").is_displayed()
    # two letters that start a prefix and no keyword: the prefixes, then that namespace's terms
    editor.send_keys(" . ?f sk")
    wait_for(browser, lambda d: by_id(d, "completions").is_displayed())
    assert [li.find_element("css selector", "code").text for li in css(browser, "#completions li")] \
        == ["skos:"]
    editor.send_keys(Keys.TAB)
    assert editor.get_attribute("value").endswith("?f skos:")
    wait_for(browser, lambda d: by_id(d, "completions").is_displayed())
    assert all(li.text.startswith("skos:") for li in css(browser, "#completions li"))


def test_ctrl_enter_runs_the_query(browser: Any, url: str) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(url + "/sparql")
    editor = set_query(browser, "SELECT ?f WHERE { ?f a dprk:Finding }")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    assert finished(browser) == "15 rows"
    assert len(css(browser, "#results tbody tr")) == 15
    assert "\n" not in editor.get_attribute("value")  # the keys ran it, added no line


def test_history_keeps_a_query_after_reload(browser: Any, url: str) -> None:
    browser.get(url + "/sparql")
    browser.execute_script("localStorage.clear()")
    query = "# title: sources, for the history\nSELECT ?s WHERE { ?s a dprk:SourceDocument }"
    assert run(browser, query) == "2 rows"
    browser.get(url + "/sparql")
    history = by_id(browser, "history")
    assert history.is_displayed()
    past = css(browser, "#history-list button.past")
    assert [b.text for b in past] == ["sources, for the history"]
    assert "2 rows" in by_id(browser, "history-list").text
    set_query(browser, "ASK {}")
    past[0].click()
    assert by_id(browser, "query").get_attribute("value") == query


def test_the_share_link_restores_and_runs_a_query(browser: Any, url: str) -> None:
    browser.get(url + "/sparql")
    query = "SELECT ?s ?title WHERE { ?s a dprk:SourceDocument ; dcterms:title ?title }\nORDER BY ?s"
    set_query(browser, query)
    link = by_id(browser, "share-link").get_attribute("href")
    assert link.startswith(url + "/sparql?query=")
    browser.get(url + "/")
    browser.get(link)
    assert by_id(browser, "query").get_attribute("value") == query
    assert finished(browser) == "2 rows"
    wait_for(browser, lambda d: css(d, "#results-filter"))  # the script's table, not the server's
    assert len(css(browser, "#results tbody tr")) == 2
    # a run puts the query in the address too
    run(browser, "SELECT ?n WHERE { VALUES ?n { 7 } }")
    assert browser.current_url == url + "/sparql?query=" + quote(
        "SELECT ?n WHERE { VALUES ?n { 7 } }", safe="~()*!.'")


def test_paging_sorting_and_filtering_change_the_table(browser: Any, url: str) -> None:
    browser.get(url + "/sparql")
    assert run(browser, f"SELECT ?n WHERE {{ VALUES ?n {{ {NUMBERS} }} }}") == "120 rows"
    assert first_column(browser) == [str(i) for i in range(1, 51)]
    assert by_id(browser, "page-info").text.startswith("Rows 1–50 of 120")
    by_id(browser, "page-next").click()
    assert first_column(browser) == [str(i) for i in range(51, 101)]
    by_id(browser, "page-next").click()
    assert first_column(browser) == [str(i) for i in range(101, 121)]
    assert not by_id(browser, "page-next").is_enabled()
    sort = css(browser, "#results th button.sort")[0]
    sort.click()  # ascending, by number: 1 2 3 ... not 1 10 100
    assert first_column(browser)[:3] == ["1", "2", "3"]
    sort.click()  # descending
    assert first_column(browser)[:3] == ["120", "119", "118"]
    assert css(browser, "#results th")[0].get_attribute("aria-sort") == "descending"
    box = by_id(browser, "results-filter")
    box.send_keys("11")
    assert first_column(browser) == ["119", "118", "117", "116", "115", "114", "113", "112",
                                     "111", "110", "11"]
    assert "(filtered from 120)" in by_id(browser, "page-info").text
    from selenium.webdriver.support.ui import Select

    box.clear()
    box.send_keys("x")  # no row has it
    assert first_column(browser) == []
    box.clear()
    box.send_keys("1")
    Select(by_id(browser, "page-size")).select_by_value("10")
    assert len(first_column(browser)) == 10


def test_iris_are_shown_as_prefixed_names_with_labels(browser: Any, url: str) -> None:
    browser.get(url + "/sparql")
    assert run(browser, FINDING_CLASSES).endswith("rows")
    names = [c.text for c in css(browser, "#results tbody tr td:first-child a code")]
    assert "dprk:Incident" in names and "dprk:Statistic" in names
    link = css(browser, "#results tbody tr td:first-child a")[names.index("dprk:Incident")]
    assert link.get_attribute("href") == url + "/ontology#Incident"  # our page of the class
    assert link.get_attribute("title") == "https://w3id.org/dprk-ld/ontology#Incident"

    def label_of_incident(drv: Any) -> str | bool:
        for cell in css(drv, "#results tbody tr td:first-child"):
            code = cell.find_elements("css selector", "a code")
            labels = cell.find_elements("css selector", ".label")
            if code and code[0].text == "dprk:Incident" and labels:
                return str(labels[0].text)
        return False

    # its label (rdfs:label in the ontology), from the vocabulary or asked of the endpoint once
    assert wait_for(browser, label_of_incident) == "incident"


def test_a_download_link_gives_the_rows_as_csv(browser: Any, url: str) -> None:
    browser.get(url + "/sparql")
    query = "SELECT ?f ?summary WHERE { ?f a dprk:Finding ; dprk:summary ?summary } ORDER BY ?f"
    assert run(browser, query) == "15 rows"
    link = css(browser, '#downloads a[data-format="csv"]')[0]
    assert link.is_displayed() and link.get_attribute("download") == "query-results.csv"
    with urllib.request.urlopen(link.get_attribute("href"), timeout=BROWSER_WAIT) as resp:
        assert resp.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(resp.read().decode("utf-8"))))
    assert rows[0] == ["f", "summary"]
    titles = [td.get_attribute("title") for td in
              css(browser, "#results tbody tr td:first-child a")]
    assert [r[0] for r in rows[1:]] == titles and len(titles) == 15
    formats = [a.get_attribute("data-format") for a in css(browser, "#downloads a")]
    assert formats == ["csv", "tsv", "json", "xml"]
    run(browser, "CONSTRUCT WHERE { ?f a dprk:Incident }")
    formats = [a.get_attribute("data-format") for a in css(browser, "#downloads a")]
    assert formats == ["ttl", "nt", "jsonld", "rdfxml"]


def test_a_chart_appears_for_a_count_by_label(browser: Any, url: str) -> None:
    browser.get(url + "/sparql")
    run(browser, FINDING_CLASSES)
    bars = wait_for(browser, lambda d: css(d, "#chart svg rect"))
    rows = css(browser, "#results tbody tr")
    assert len(bars) == len(rows) >= 3
    assert browser.execute_script("return arguments[0].getBBox().width", bars[0]) >= 1
    run(browser, "SELECT ?f WHERE { ?f a dprk:Finding }")  # no numbers: no chart
    assert not css(browser, "#chart svg")


def test_an_edited_example_loses_its_description(browser: Any, url: str) -> None:
    browser.get(url + "/sparql")
    button = css(browser, "button.example")[0]
    button.click()
    described = by_id(browser, "example-description")
    wait_for(browser, lambda d: described.text)
    original = described.text
    assert "edited" not in (described.get_attribute("class") or "")
    assert "active" in button.get_attribute("class")
    by_id(browser, "query").send_keys(" # mine")
    assert described.text.startswith("Edited") and button.text in described.text
    assert described.text != original and "edited" in described.get_attribute("class")
    assert "active" not in button.get_attribute("class")


def test_a_cut_result_is_marked(browser: Any, capped_url: str) -> None:
    browser.get(capped_url + "/sparql")
    assert run(browser, f"SELECT ?n WHERE {{ VALUES ?n {{ {NUMBERS} }} }}") == "50 rows (cut)"
    assert by_id(browser, "cut-notice").is_displayed()
    assert "50 rows (MAX_ROWS)" in by_id(browser, "cut-notice").text
    assert "cut at a limit" in by_id(browser, "page-info").text
    assert "cut" in by_id(browser, "pager").get_attribute("class")


def test_sparql_query_opened_in_a_browser_shows_the_results(browser: Any, url: str) -> None:
    query = "SELECT ?f WHERE { ?f a dprk:Incident } ORDER BY ?f"
    browser.get(url + "/sparql?query=" + quote(query))
    assert by_id(browser, "query").get_attribute("value") == query
    assert finished(browser) == "2 rows"
    wait_for(browser, lambda d: css(d, "#results-filter"))
    shown = [c.text for c in css(browser, "#results tbody td a code")]
    assert len(shown) == 2 and all(name.startswith("id:finding/") for name in shown)
    # a query that is no SPARQL: the page, with the message and where it is
    browser.get(url + "/sparql?query=" + quote("SELECT * WHERE { ?s foo:p ?o }"))
    status = finished(browser)
    assert "unknown prefix `foo:`" in status and "error at 1:21" in status
