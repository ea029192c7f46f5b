"""The search over labels and summaries (``dprk_ld.site.search`` and ``/search``): folding,
ranking, Hangul, paging, bounds, escaping, and the JSON programs get. Typing in the navigation's
search box in Chromium is tested in test_responsive.py, with the other browser tests."""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from dprk_ld.site import search as search_mod
from dprk_ld.site.search import (
    MAX_PAGE,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    SearchInputError,
    check_page,
    check_query,
    fold,
    rank,
    search,
    search_index,
    search_json,
    search_page,
    snippet,
    terms_of,
    words_of,
)
from dprk_ld.site.state import Site
from dprk_ld.testing import BASE, assert_error_shape

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PRISON_CAMP = BASE + "vocab/institutions/kwanliso"
NORTH_KOREA = BASE + "id/place/north-korea"
HOERYONG = BASE + "id/place/hoeryong"
HOERYONG_TRIAL = BASE + "id/finding/mini/hoeryong-trial"
RESULT_KEYS = {"kind", "label", "snippet", "href", "iri", "in", "score"}


@pytest.fixture()
def site(mini_store: ox.Store) -> Site:
    """A fresh site over the tiny release (its own cache, so its own index)."""
    return Site(store=mini_store, base=BASE, release_id="mini", dist=None, queries_dir=None)


def iris(s: Site, query: str) -> list[str]:
    return [h.iri for h in search(s, query).hits]


def test_fold_drops_case_accents_and_compatibility_forms() -> None:
    assert fold("Café ÉLAN Ærø") == "cafe elan ærø"
    assert fold("ﬁnding Ｋｏｒｅａ") == "finding korea"  # a ligature, full-width letters
    assert fold("관리소") == "관리소"  # Hangul syllables stay whole
    assert fold("STRASSE") == fold("straße")
    assert terms_of("North  north, NORTH Korea!") == ["north", "korea"]
    assert len(terms_of(" ".join(f"w{i}" for i in range(50)))) == MAX_TERMS


def test_the_index_is_built_once_per_release(site: Site, mini_store: ox.Store,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Site] = []
    real = search_mod.build_index

    def counting(s: Site) -> Any:
        built.append(s)
        return real(s)

    monkeypatch.setattr(search_mod, "build_index", counting)
    first = search_index(site)
    for query in ("korea", "hoeryong", "camp"):
        search(site, query)
    assert search_index(site) is first and built == [site]
    other = Site(store=mini_store, base=BASE, release_id="another", dist=None, queries_dir=None)
    assert search_index(other) is not first and built == [site, other]
    # times, evidence records, graphs and files are not searched; every entry has a page here
    assert all(e.href.startswith("/") for e in first.entries)
    assert not [e for e in first.entries if "/id/time/" in e.href or "/id/evidence/" in e.href]


def test_case_and_accents_do_not_count(site: Site) -> None:
    plain = iris(site, "kwanliso")
    assert plain and plain[0] == PRISON_CAMP  # its romanized name (skos:altLabel @ko-latn)
    for variant in ("KWANLISO", "Kwanlisó", "kwänlíso", "ｋｗａｎｌｉｓｏ"):
        assert iris(site, variant) == plain, variant


def test_hangul_labels_are_searched_whole_and_in_part(site: Site) -> None:
    assert iris(site, "조선민주주의인민공화국")[0] == NORTH_KOREA
    assert iris(site, "관리소")[0] == PRISON_CAMP  # the Korean prefLabel
    # a part of a Korean compound, written without spaces: 정치범관리소 (skos:altLabel)
    assert PRISON_CAMP in iris(site, "정치범")
    assert PRISON_CAMP in iris(site, "관리")


def test_every_word_must_match_and_a_word_matches_the_start_of_longer_ones(site: Site) -> None:
    both = search(site, "hoeryong labor")
    assert [h.iri for h in both.hits] == [HOERYONG_TRIAL]
    assert iris(site, "hoeryong")[:2] == [HOERYONG, HOERYONG_TRIAL]
    assert iris(site, "hoery") == iris(site, "hoeryong")  # the start of a word
    assert iris(site, "oeryong") == []  # not the middle of a (non-Korean) word
    for hit in search(site, "h").hits:  # one letter matches whole words only (a notation "h")
        entry = next(e for e in search_index(site).entries if e.iri == hit.iri)
        assert any("h" in re.findall(r"\w+", text.lower()) for _, text in entry.texts), hit
    assert iris(site, "zzyzx") == [] and iris(site, "") == [] and iris(site, "?!") == []


def test_ranking_labels_before_other_names_before_summaries(site: Site) -> None:
    ranked = rank(search_index(site), "north korea")
    # the place called exactly that first, then what has both words in its names, then what
    # only says them in a summary, a definition or a quote (every finding among them)
    assert ranked[0][1].iri == NORTH_KOREA and ranked[0][1].kind == "Place"
    named = [all(any(w.startswith(word) for f, text in e.texts if f in ("label", "name")
                     for w in words_of(text)) for word in ("north", "korea")) for _, e in ranked]
    assert named[0] and not named[-1] and named == sorted(named, reverse=True), named
    first_finding = next(i for i, (_, e) in enumerate(ranked) if e.kind.startswith("Finding"))
    assert not named[first_finding] and sum(named) >= 3
    assert [score for score, _ in ranked] == sorted((score for score, _ in ranked), reverse=True)
    assert [h.iri for h in search(site, "north korea").hits] == [e.iri for _, e in ranked[:20]]
    # a finding is named as its page is, and its snippet shows where the words are
    trial = search(site, "public trial hoeryong").hits[0]
    assert trial.iri == HOERYONG_TRIAL and trial.label == "Finding mini/hoeryong-trial"
    assert trial.kind == "Finding · Incident" and trial.context == "Mini report (test fixture)"
    marked = [text.lower() for text, matched in trial.snippet if matched]
    assert marked == ["public", "trial", "hoeryong"]


def test_snippets_mark_the_matching_words_and_are_cut_at_words() -> None:
    text = " ".join(["word"] * 40) + " The Hoeryong trial took place. " + " ".join(["tail"] * 60)
    pieces = snippet(text, ["hoeryong"], width=120)
    joined = "".join(t for t, _ in pieces)
    assert [t for t, m in pieces if m] == ["Hoeryong"]
    assert joined.startswith("…") and joined.endswith("…") and len(joined) <= 122
    inner = joined.strip("…")  # cut between words, at both ends
    at = text.index(inner)
    assert not text[at - 1].isalnum() and not text[at + len(inner)].isalnum(), joined
    assert snippet("Short text.", ["none"]) == [("Short text.", False)]


def test_paging(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = [e.iri for _, e in rank(search_index(site), "korea")]
    assert len(everything) >= 5
    monkeypatch.setattr(search_mod, "PAGE_SIZE", 2)
    pages = [search(site, "korea", page) for page in range(1, len(everything) // 2 + 2)]
    assert [h.iri for p in pages for h in p.hits] == everything
    assert all(p.total == len(everything) and p.pages == (len(everything) + 1) // 2 for p in pages)
    first = search_json(site, "korea", 1)
    assert first["next"] == "/search?q=korea&page=2" and first["page_size"] == 2
    assert search_json(site, "korea", pages[-1].page)["next"] is None
    assert search(site, "korea", MAX_PAGE).hits == []


def test_input_bounds() -> None:
    assert check_query("  a b  ") == "a b" and check_query(None) == ""
    assert check_query("x" * MAX_QUERY_CHARS) == "x" * MAX_QUERY_CHARS
    with pytest.raises(SearchInputError) as info:
        check_query("x" * (MAX_QUERY_CHARS + 1))
    assert info.value.parameter == "q" and info.value.details == {"limit_chars": MAX_QUERY_CHARS}
    assert check_page(None) == 1 and check_page("3") == 3
    for bad in ("0", "-1", "abc", "1.5", str(MAX_PAGE + 1), "٣", "9" * 50):
        with pytest.raises(SearchInputError):
            check_page(bad)


def test_nothing_the_release_says_becomes_markup() -> None:
    """Labels, summaries and the query itself are text on the page."""
    store = ox.Store()
    evil = '<img src=x onerror="alert(1)"> camp <script>alert(2)</script>'
    place = ox.NamedNode(BASE + "id/place/evil")
    for p, o in [("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(BASE + "ontology#Place")),
                 ("http://www.w3.org/2000/01/rdf-schema#label", ox.Literal(evil, language="en")),
                 ("http://purl.org/dc/terms/description", ox.Literal("A camp </p><b>bold</b>"))]:
        store.add(ox.Quad(place, ox.NamedNode(p), o))
    s = Site(store=store, base=BASE, release_id="evil", dist=None, queries_dir=None)
    body = search_page(s, "camp")
    assert '<li class="result">' in body
    assert "<img" not in body and "<script>alert" not in body and "<b>bold" not in body
    assert "&lt;img src=x" in body and "&lt;/p&gt;&lt;b&gt;bold" in body
    body = search_page(s, 'camp "><script>alert(3)</script>')
    assert "<script>alert" not in body
    assert 'value="camp &#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"' in body  # the boxes keep it
    assert search_json(s, "camp")["results"][0]["label"] == evil


def test_json_for_programs(client: FlaskClient) -> None:
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/json"}):
        resp = client.get("/search?q=Hoeryong", headers=headers)
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == "application/json"
        assert "Accept" in resp.headers["Vary"]
        data = json.loads(resp.data)
        assert set(data) == {"query", "terms", "total", "page", "page_size", "pages", "next",
                             "results"}
        assert data["query"] == "Hoeryong" and data["terms"] == ["hoeryong"]
        assert data["total"] == len(data["results"]) == 2 and data["next"] is None
        for r in data["results"]:
            assert set(r) == RESULT_KEYS
            assert r["href"].startswith("/") and r["iri"].startswith(BASE)
            assert isinstance(r["score"], float) and r["label"] and r["kind"]
        assert data["results"][0]["iri"] == HOERYONG
    assert client.get("/search?q=x&format=json", headers={"Accept": BROWSER}).is_json
    assert client.get("/search?q=x", headers={"Accept": "image/png"}).status_code == 406


def test_the_page_for_browsers(client: FlaskClient) -> None:
    resp = client.get("/search?q=hoeryong+trial", headers={"Accept": BROWSER})
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/html; charset=utf-8"
    body = resp.get_data(as_text=True)
    results = re.findall(r'<li class="result">(.*?)</li>', body, re.S)
    assert len(results) == 1
    assert 'href="/id/finding/mini/hoeryong-trial"' in results[0]
    assert "<mark>Hoeryong</mark>" in results[0] and "<mark>trial</mark>" in results[0]
    assert 'id="result-count">1 result<' in body
    empty = client.get("/search?q=zzyzx", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Nothing found" in empty and '<li class="result">' not in empty
    bare = client.get("/search", headers={"Accept": BROWSER})
    assert bare.status_code == 200 and 'id="search-q"' in bare.get_data(as_text=True)


@pytest.mark.parametrize(("query", "parameter"), [
    ({"q": "x" * (MAX_QUERY_CHARS + 1)}, "q"), ({"q": "korea", "page": "0"}, "page"),
    ({"q": "korea", "page": "many"}, "page")])
def test_out_of_bounds_is_a_400_in_the_error_shape(client: FlaskClient, query: dict[str, str],
                                                   parameter: str) -> None:
    err = assert_error_shape(client.get("/search", query_string=query), 400, "invalid_parameter")
    assert err["details"]["parameter"] == parameter


@pytest.mark.parametrize("path", ["/", "/id/place/hoeryong", "/disagreements", "/ontology",
                                  "/sparql", "/search?q=korea", "/no/such/page"])
def test_every_page_has_the_search_box(client: FlaskClient, path: str) -> None:
    body = client.get(path, headers={"Accept": BROWSER}, follow_redirects=True).get_data(as_text=True)
    nav = re.search(r'<nav class="site">(.*?)</nav>', body, re.S)
    assert nav, path
    form = re.search(r'<form class="search" role="search" action="/search" method="get">(.*?)</form>',
                     nav.group(1), re.S)
    assert form, path
    assert re.search(rf'<input type="search" id="nav-search" name="q" maxlength="{MAX_QUERY_CHARS}"',
                     form.group(1))
