"""The pages of the time model and the series: a series (``id/series/<measure>``) with its chart and
every point, a time entity, a finding showing its time, and the landing page's years counted from
the findings' own times."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

from flask.testing import FlaskClient

from dprk_ld.site.series import Point, series_chart
from dprk_ld.site.terms import Value


def page(client: FlaskClient, path: str) -> str:
    resp = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
    assert resp.status_code == 200, (path, resp.status_code)
    return resp.data.decode()


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_a_series_page_charts_and_lists_every_point(client: FlaskClient) -> None:
    body = page(client, "/id/series/arrivals-in-south-korea")
    section = re.search(r'<section class="series" id="series">(.*?)</section>', body, re.S)
    assert section, "no series section"
    chart = re.search(r"<svg class=\"chart series\".*?</svg>", section.group(1), re.S)
    assert chart and len(re.findall(r"<rect ", chart.group(0))) >= 2
    rows = re.findall(r'<tr class="point">(.*?)</tr>', section.group(1), re.S)
    text = [text_of(r) for r in rows]
    assert any(t.startswith("2019 1,000 more than people") and "Mini report" in t
               and "In 2019, more than 1,000 North Koreans fled to South Korea." in t for t in text), text
    assert any(t.startswith("January to June 2024 105 exactly people") for t in text), text
    assert 'href="/id/time/2024-01--2024-06"' in section.group(1)
    assert 'href="/id/finding/mini/arrivals-2019"' in section.group(1)


def test_a_time_entity_and_a_finding_with_its_time(client: FlaskClient) -> None:
    body = text_of(page(client, "/id/time/2024-01--2024-06"))
    assert "January to June 2024" in body and "2024-01-01" in body and "2024-06-30" in body
    finding = page(client, "/id/finding/mini/sd-card-sentences")
    assert 'href="/id/time/2024-07"' in finding and "July 2024" in finding
    undated = text_of(page(client, "/id/finding/mini/media-controlled"))
    assert "the source gives no date" in undated


def test_the_landing_page_counts_years_from_the_findings_own_times(client: FlaskClient) -> None:
    body = page(client, "/")
    years = re.search(r'<figure class="figure" id="chart-year">(.*?)</figure>', body, re.S)
    assert years
    labels = re.findall(r'<text x="[0-9.]+" y="[0-9.]+" text-anchor="end">(\d{4})</text>', years.group(1))
    assert "2014" in labels and "2019" in labels and "2024" in labels
    assert "2025" not in labels  # the report's year of publication dates nothing
    assert 'href="/id/series/arrivals-in-south-korea"' in body  # listed among the series


def test_the_chart_draws_a_bar_per_period_and_value() -> None:
    src = Value("A source", href="/s")

    def point(number: str, low: int, high: int, first: str, last: str) -> Point:
        return Point(number, Decimal(low), Decimal(high), Value(number), dt.date.fromisoformat(first),
                     dt.date.fromisoformat(last), "exactly", "people", src, Value("f", href="/f"))

    same = point("10", 10, 10, "2019-01-01", "2019-12-31")
    svg = str(series_chart("t", [same, same, point("5", 5, 5, "2020-01-01", "2020-06-30"),
                                 point("1–2", 1, 2, "2020-07-01", "2020-12-31")]))
    rects = re.findall(r'<rect x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" height="([0-9.]+)"', svg)
    assert len(rects) == 3  # the figure two sources give is one bar
    widths = [float(r[2]) for r in rects]
    assert abs(widths[0] - 2 * widths[1]) < 3  # a year is twice as wide as half a year
    heights = [float(r[3]) for r in rects]
    assert heights[2] > heights[0] == heights[1]  # a range is a band, a value a bar
    assert "×2" in svg and "10 people" in svg
