"""In a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``, installed by the
project's test set-up): the landing page renders its charts, a finding page shows its quote, the
query page runs an example and shows rows. A missing browser fails these tests; it never skips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dprk_ld.testing import serve_in_thread, wait_for
from dprk_ld.testing.store_option import close_app, create_app


@pytest.fixture(scope="module")
def live_url(real_app: Flask) -> Iterator[str]:
    """The real release served over HTTP on a free loopback port, in a thread."""
    with serve_in_thread(real_app) as url:
        yield url


@pytest.fixture(scope="module")
def capped_url(mini_release: Path) -> Iterator[str]:
    """The tiny release served with small caps: 50 rows, 4000 bytes."""
    app = create_app({"DIST": mini_release, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10,
                      "MAX_ROWS": 50, "MAX_RESULT_BYTES": 4000})
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        close_app(app)




def test_landing_page_renders_its_charts(browser: Any, live_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_url + "/")
    for key in ("source", "kind", "violation", "year"):
        chart = browser.find_element(By.CSS_SELECTOR, f"#chart-{key} svg.chart")
        assert chart.is_displayed()
        assert chart.size["width"] > 200 and chart.size["height"] > 50
        bars = chart.find_elements(By.CSS_SELECTOR, "rect")
        assert bars and all(b.size["width"] >= 1 for b in bars)
        # drawn, not just present: the browser laid the bars out inside the chart
        box = browser.execute_script("return arguments[0].getBBox().width", bars[0])
        assert box >= 1
    widths = [b.size["width"] for b in browser.find_elements(By.CSS_SELECTOR, "#chart-source rect")]
    assert len(widths) == 5 and max(widths) > min(widths) > 0


def test_finding_page_shows_its_quote(browser: Any, live_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_url + "/id/finding/hrw-wr-2025/hoeryong-public-trial-sentences")
    marks = browser.find_elements(By.CSS_SELECTOR, "blockquote.in-context mark.exact")
    assert len(marks) == 2
    assert all(m.is_displayed() for m in marks)
    assert "public trial in Hoeryong" in marks[1].text
    context = browser.find_elements(By.CSS_SELECTOR, "blockquote.in-context")[0].text
    assert len(context) > len(marks[0].text)
    assert browser.title.startswith("Finding hrw-wr-2025/hoeryong-public-trial-sentences")


def test_query_page_runs_an_example_and_shows_rows(browser: Any, live_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_url + "/sparql")
    highlighted = browser.find_elements(By.CSS_SELECTOR, "#highlight .tok-kw")
    assert highlighted and highlighted[0].text.upper() in ("PREFIX", "SELECT")
    browser.find_element(By.CSS_SELECTOR, 'button.example[data-example="01-sources"]').click()
    rows = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    assert len(rows) == 5  # the five source documents
    assert "World Report" in browser.find_element(By.ID, "results").text
    assert "# title: Source documents" in browser.find_element(By.ID, "query").get_attribute("value")
    assert browser.find_element(By.ID, "status").text == "5 rows"


def test_query_page_draws_a_chart_for_a_series(browser: Any, live_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_url + "/sparql")
    editor = browser.find_element(By.ID, "query")
    query = ("PREFIX dprk: <https://w3id.org/dprk-ld/ontology#>\n"
             "SELECT ?year (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f dprk:time/dprk:earliest ?d "
             "BIND(YEAR(?d) AS ?year) } GROUP BY ?year ORDER BY ?year")
    browser.execute_script("arguments[0].value = arguments[1];"
                           "arguments[0].dispatchEvent(new Event('input'));", editor, query)
    assert browser.find_elements(By.CSS_SELECTOR, "#highlight .tok-var")  # highlighted as typed
    browser.find_element(By.ID, "run").click()
    bars = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#chart svg rect"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert len(bars) == len(rows) > 5


def run_query(drv: Any, query: str) -> str:
    """Run ``query`` on the query page; the status line once it is done."""
    from selenium.webdriver.common.by import By

    editor = drv.find_element(By.ID, "query")
    drv.execute_script("arguments[0].value = arguments[1];"
                       "arguments[0].dispatchEvent(new Event('input'));", editor, query)
    drv.find_element(By.ID, "run").click()
    return str(wait_for(drv, lambda d: d.find_element(By.ID, "status").text.replace("Running…", "")))


def test_query_page_says_which_cap_cut_a_result(browser: Any, capped_url: str) -> None:
    from selenium.webdriver.common.by import By

    numbers = " ".join(str(i) for i in range(1, 61))
    browser.get(capped_url + "/sparql")
    notice = browser.find_element(By.ID, "cut-notice")
    assert not notice.is_displayed()
    # 60 short rows: cut at the row cap
    status = run_query(browser, f"SELECT ?n WHERE {{ VALUES ?n {{ {numbers} }} }}")
    assert status == "50 rows (cut)"
    assert notice.is_displayed() and notice.text.startswith("Cut at the row limit")
    assert "50 rows (MAX_ROWS)" in notice.text
    # 60 rows of 200 characters made by CONCAT: cut at the byte cap, well before the row cap
    status = run_query(browser, f"SELECT ?x WHERE {{ VALUES ?n {{ {numbers} }} "
                                f'BIND(CONCAT(STR(?n), " ", "{"x" * 200}") AS ?x) }}')
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert status == f"{len(rows)} rows (cut)" and 0 < len(rows) < 20
    assert notice.is_displayed() and notice.text.startswith("Cut at the size limit")
    assert "4000 bytes" in notice.text and "MAX_RESULT_BYTES" in notice.text
    link = notice.find_element(By.TAG_NAME, "a")
    assert link.get_attribute("href").endswith("/sparql#limits")
    assert browser.find_element(By.ID, "limits").is_displayed()  # the anchor is there
    # within the caps: no notice
    assert run_query(browser, "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }") == "3 rows"
    assert not notice.is_displayed()
