"""Every page usable on a phone (390 CSS pixels wide) and on a desktop (1280), in a real headless
Chromium (Debian's ``chromium`` and ``chromium-driver``, as in test_browser.py; a missing browser
fails, never skips): no sideways scroll of the page, no element wider than the screen (wide
tables and code scroll inside themselves), the navigation and its search box fully on screen,
the page's main content on screen. Also: typing in the navigation's search box shows results,
and the findings-per-year chart shows the years without findings (with 0)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from dprk_ld.release.namespaces import PREFIXES
from dprk_ld.release.store import open_release
from dprk_ld.site.charts import bar_chart, year_bars
from dprk_ld.site.state import Site
from dprk_ld.testing import BASE, path_of, serve_in_thread, wait_for

WIDTHS = (390, 1280)
HEIGHT = 900

#: a page of each kind of resource: the member of the class with the most statements about it
#: (the longest page of its kind)
CLASSES = {
    "finding": "dprk:Finding", "source": "dprk:SourceDocument", "place": "dprk:Place",
    "organization": "org:Organization", "person": "foaf:Person", "concept": "skos:Concept",
    "event": "dprk:Event", "series": "qb:DataSet", "disagreement": "dprk:Disagreement",
}
BIGGEST = ("SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s a {cls} . {{ ?s ?p ?o }} UNION {{ ?x ?q ?s }} "
           "FILTER(STRSTARTS(STR(?s), '{base}')) }} GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")
#: the other pages, by path
PAGES = {
    "landing": "/", "disagreements": "/disagreements", "ontology": "/ontology",
    "shapes": "/shapes", "void": "/.well-known/void", "dataset": "/doc/dataset",
    "query": "/sparql", "error": "/no/such/page", "search": "/search?q=north+korea",
}
#: what must be on screen on each page (CSS selectors; each matches at least one element)
KEY_CONTENT = {
    "landing": ["h1", "#chart-source svg.chart", "#chart-year svg.chart", "table.dumps"],
    "finding": ["h1", "blockquote.in-context", "table.props"],
    "source": ["h1", "section.sections", "table.props"],
    "place": ["h1", "table.props"], "organization": ["h1", "table.props"],
    "person": ["h1", "table.props"], "concept": ["h1", "table.props"],
    "event": ["h1", "table.props"], "series": ["h1", "#series-chart svg", "table.series-points"],
    "disagreement": ["h1", "table.props"], "disagreements": ["h1", "table.claims"],
    "ontology": ["h1", "#classes article.term", "table.props"], "shapes": ["h1", "pre.code", "table.props"],
    "void": ["h1", "table.props"], "dataset": ["h1", "table.props"],
    "query": ["h1", "#query", "#run"], "error": ["#error h1", "#error-search", "#home-link"],
    "search": ["h1", "#search-q", "li.result"],
}

#: every element sticking out of the viewport that is not inside a box that scrolls (or clips)
#: sideways, as "tag#id.class left..right"
MEASURE = r"""
const width = document.documentElement.clientWidth;
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if ((r.width === 0 && r.height === 0) || (r.right <= width + 0.5 && r.left >= -0.5)) continue;
  let scrolled = false;
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') { scrolled = true; break; }
  }
  if (scrolled) continue;
  const cls = typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\s+/).join('.') : '';
  out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls + ' '
           + Math.round(r.left) + '..' + Math.round(r.right));
}
return {inner: window.innerWidth, client: width,
        scroll: document.documentElement.scrollWidth, wide: out};
"""
#: where an element is, and whether it is the one seen at its centre (not covered, not clipped)
BOX = r"""
const el = arguments[0];
el.scrollIntoView({block: 'center', inline: 'nearest'});
const r = el.getBoundingClientRect();
const x = Math.min(Math.max(r.left + r.width / 2, 0), window.innerWidth - 1);
const y = Math.min(Math.max(r.top + Math.min(r.height, 20) / 2, 0), window.innerHeight - 1);
const seen = document.elementFromPoint(x, y);
return {left: r.left, right: r.right, width: r.width, height: r.height,
        client: document.documentElement.clientWidth,
        seen: !!seen && (seen === el || el.contains(seen) || seen.contains(el))};
"""




@pytest.fixture(scope="module")
def live_url(real_app: Flask) -> Iterator[str]:
    """The real release served over HTTP on a free loopback port, in a thread."""
    with serve_in_thread(real_app) as url:
        yield url


@pytest.fixture(scope="module")
def pages(real_release: Path) -> dict[str, str]:
    """Page name -> path: the fixed pages, and the longest page of each kind of resource."""
    store = open_release(real_release)
    found = dict(PAGES)
    for name, cls in CLASSES.items():
        rows = list(store.query(BIGGEST.format(cls=cls, base=BASE), prefixes=PREFIXES,
                                use_default_graph_as_union=True))
        assert rows, f"no {cls} in the release"
        found[name] = path_of(rows[0]["s"].value)
    return found


def at_width(drv: Any, width: int) -> None:
    """Size the window so that the page is ``width`` CSS pixels wide (checked)."""
    drv.set_window_size(width, HEIGHT)
    got = drv.execute_script("return window.innerWidth")
    if got != width:  # a window manager's frame: make up the difference once
        drv.set_window_size(width + (width - got), HEIGHT)
    assert drv.execute_script("return window.innerWidth") == width



def check_on_screen(drv: Any, element: Any, what: str) -> None:
    box = drv.execute_script(BOX, element)
    assert element.is_displayed(), f"{what} is not displayed"
    assert box["width"] > 0 and box["height"] > 0, f"{what} has no size: {box}"
    assert box["left"] >= -0.5 and box["right"] <= box["client"] + 0.5, \
        f"{what} is not within the screen's width: {box}"
    assert box["seen"], f"{what} is covered or clipped: {box}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", [*CLASSES, *PAGES])
def test_page_fits_the_screen(browser: Any, live_url: str, pages: dict[str, str], name: str,
                              width: int) -> None:
    from selenium.webdriver.common.by import By

    at_width(browser, width)
    browser.get(live_url + pages[name])
    found = browser.execute_script(MEASURE)
    assert found["inner"] == width
    assert found["scroll"] <= found["client"] <= found["inner"], \
        f"{pages[name]} scrolls sideways at {width}px: {found['scroll']}px wide; wider: {found['wide']}"
    assert not found["wide"], f"{pages[name]} at {width}px: elements wider than the screen: {found['wide']}"
    # the navigation, whole: each link and the search box on screen (wrapped when narrow)
    nav = browser.find_elements(By.CSS_SELECTOR, "nav.site a, nav.site input[name=q], nav.site button")
    assert len(nav) >= 8
    for element in nav:
        check_on_screen(browser, element, f"navigation item {element.text or element.tag_name!r}")
    for selector in KEY_CONTENT[name]:
        elements = browser.find_elements(By.CSS_SELECTOR, selector)
        assert elements, f"{pages[name]}: nothing matches {selector}"
        check_on_screen(browser, elements[0], f"{pages[name]} {selector} at {width}px")


@pytest.mark.parametrize("width", WIDTHS)
def test_typing_in_the_navigation_search_box_shows_results(browser: Any, live_url: str,
                                                           pages: dict[str, str], width: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    at_width(browser, width)
    browser.get(live_url + pages["place"])
    place = browser.find_element(By.TAG_NAME, "h1").text
    box = browser.find_element(By.CSS_SELECTOR, "nav.site input[name=q]")
    box.send_keys(place)
    box.send_keys(Keys.ENTER)
    results = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.result"))
    address = urlsplit(browser.current_url)
    assert address.path == "/search" and parse_qs(address.query)["q"] == [place]
    assert browser.find_element(By.CSS_SELECTOR, "nav.site input[name=q]").get_attribute("value") == place
    first = results[0].find_element(By.CSS_SELECTOR, "a.result-label")
    assert first.text == place  # the place called exactly that comes first
    assert results[0].find_element(By.CSS_SELECTOR, ".type").text == "Place"
    check_on_screen(browser, first, "the first result")
    assert browser.execute_script(MEASURE)["wide"] == []
    first.click()  # to the place's page (303 to its document)
    wait_for(browser, lambda d: urlsplit(d.current_url).path == "/doc" + pages["place"])
    assert browser.find_element(By.TAG_NAME, "h1").text == place


def test_query_results_scroll_inside_the_query_page(browser: Any, live_url: str) -> None:
    """A result wider than a phone scrolls inside its own box, not the page."""
    from selenium.webdriver.common.by import By

    at_width(browser, 390)
    browser.get(live_url + "/sparql")
    examples = browser.find_elements(By.CSS_SELECTOR, "button.example")
    assert examples
    examples[0].click()
    rows = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    assert rows
    found = browser.execute_script(MEASURE)
    assert found["scroll"] <= found["client"] and not found["wide"], found
    check_on_screen(browser, browser.find_element(By.ID, "results"), "the results")


def test_error_pages_are_pages_in_the_browser(browser: Any, live_url: str) -> None:
    from selenium.webdriver.common.by import By

    at_width(browser, 390)
    browser.get(live_url + "/id/place/no-such-place")
    assert browser.find_element(By.CSS_SELECTOR, "#error h1").text == "Not Found"
    assert browser.title.startswith("404 Not Found")
    browser.find_element(By.ID, "home-link").click()
    wait_for(browser, lambda d: urlsplit(d.current_url).path == "/")


# --- the chart of findings per year --------------------------------------------------------------


def test_the_year_chart_shows_years_without_findings(mini_store: ox.Store) -> None:
    site = Site(store=mini_store, base=BASE, release_id="mini", dist=None, queries_dir=None)
    bars = year_bars(site)
    years = [int(b.label) for b in bars]
    assert years == list(range(years[0], years[-1] + 1))  # every year of the range, in order
    # the tiny fixture has findings of 2014 and 2019 and none between: the gap is there, with 0
    counts = {int(b.label): b.count for b in bars}
    assert counts[2014] > 0 and counts[2019] > 0
    assert [counts[y] for y in range(2015, 2019)] == [0, 0, 0, 0]
    assert bars[0].count > 0 and bars[-1].count > 0
    # a year of 0 is drawn as its label and its count, with no bar
    svg = str(bar_chart("Findings per year", bars))
    rows = re.findall(r'<g class="bar">(.*?)</g>', svg)
    assert len(rows) == len(bars)
    for bar, row in zip(bars, rows, strict=True):
        assert f">{bar.label}<" in row and 'class="count"' in row and f">{bar.count}</text>" in row
        assert ("<rect" in row) == (bar.count > 0)


def test_the_landing_page_draws_the_empty_years(client: FlaskClient) -> None:
    body = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    chart = re.search(r'id="chart-year">(.*?)</figure>', body, re.S)
    assert chart
    rows = re.findall(r'<g class="bar">(.*?)</g>', chart.group(1))
    assert any(">2016<" in row and ">0</text>" in row and "<rect" not in row for row in rows)
    assert re.search(r'<svg class="chart"[^>]* viewBox="0 0 \d+ \d+"', chart.group(1))
