"""Claims side by side on the pages: an event's page with each source's claim and the differences
marked, a finding's links to its event and to the other accounts, and ``/disagreements``."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient


def page(client: FlaskClient, path: str) -> str:
    resp = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
    assert resp.status_code == 200, (path, resp.status_code)
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    return resp.data.decode()


def claim_rows(body: str) -> list[str]:
    return re.findall(r'<tr class="claim">(.*?)</tr>', body, re.S)


def test_an_event_page_shows_each_sources_claim_side_by_side(client: FlaskClient) -> None:
    body = page(client, "/id/event/hrc-resolution-2024")
    assert "Human Rights Council resolution on North Korea, 2024" in body
    rows = claim_rows(body)
    assert len(rows) == 2
    by_finding = {re.search(r'href="/id/finding/([^"]+)"', r).group(1): r  # type: ignore[union-attr]
                  for r in rows}
    april = by_finding["mini/hrc-resolution-2024-04"]
    march = by_finding["mini-b/hrc-resolution-march-2024"]
    assert 'href="/id/source/mini"' in april and 'href="/id/source/mini-b"' in march
    assert "April 2024" in april and "March 2024" in march
    for row in (april, march):  # the dates differ, and are marked so
        assert '<td class="differs"' in row and "differs</strong>" in row
    assert html.escape("In March 2024 the Human Rights Council adopted a resolution", quote=False) in march
    assert "the HRC adopted a resolution requesting the OHCHR" in april
    assert "Sources differ on the date of" in body and 'href="/id/disagreement/date-' in body


def test_a_finding_page_links_to_its_event_and_the_other_accounts(client: FlaskClient) -> None:
    body = page(client, "/id/finding/mini/hrc-resolution-2024-04")
    section = body.split('id="events"', 1)[1].split("</section>", 1)[0]
    assert 'href="/id/event/hrc-resolution-2024"' in section
    assert 'href="/id/finding/mini-b/hrc-resolution-march-2024"' in section
    # related findings are linked both ways
    law = page(client, "/id/finding/mini-b/leaving-without-permission-punishable-by-death")
    assert 'href="/id/finding/mini-b/ministry-applies-law-to-returnees"' in law
    assert 'href="/vocab/penalties/death"' in law


def test_the_disagreements_page_lists_each_with_its_claims(client: FlaskClient) -> None:
    body = page(client, "/disagreements")
    sections = re.findall(r'<section class="disagreement" id="([a-z]+-[0-9a-f]{12})">(.*?)</section>',
                          body, re.S)
    assert sorted(ident.split("-")[0] for ident, _ in sections) == ["date", "value"]
    value = next(text for ident, text in sections if ident.startswith("value-"))
    rows = claim_rows(value)
    assert len(rows) == 2
    assert any("more than 1000 " in r for r in rows) and any("exactly 1000 " in r for r in rows)
    assert all('class="differs"' in r for r in rows)
    assert "In 2019, 1,000 North Koreans reached South Korea." in value
    assert 'href="/vocab/measures/arrivals-in-south-korea"' in value and "2019" in value
    assert 'href="/disagreements"' in page(client, "/")  # in the site's navigation
    assert "/disagreements</loc>" in client.get("/sitemap.xml").data.decode()


def test_every_disagreement_and_event_dereferences(client: FlaskClient) -> None:
    body = page(client, "/disagreements")
    for path in sorted(set(re.findall(r'href="(/id/(?:disagreement|event)/[^"]+)"', body))):
        assert page(client, path)
