"""The lexer-based pre-checks: query form, SERVICE, depth, top-level LIMIT, lookup shape."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from dprk_ld.endpoint import sparql

from .test_caching import CountingPool


def analysis(text: str) -> sparql.Analysis:
    return sparql.analyse(text)


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * {}", "SELECT"),
    ("prefix ex: <http://x/> base <http://y/> ask {}", "ASK"),
    ("# comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x>", "DESCRIBE"),
    ("PREFIX ex: <http://x/> INSERT DATA { ex:a ex:b ex:c }", "INSERT"),
    ("load <http://x>", "LOAD"),
])
def test_query_form(text: str, form: str) -> None:
    assert analysis(text).form == form


def test_top_limit_and_dataset_clause() -> None:
    found = analysis("SELECT * FROM <g> WHERE { { SELECT * { ?s ?p ?o } LIMIT 5 } } LIMIT 20")
    assert found.top_limit == 20 and found.dataset_clause
    found = analysis("SELECT * WHERE { { SELECT * { ?s ?p ?o } LIMIT 5 } }")
    assert found.top_limit is None and not found.dataset_clause


def test_depth_ignores_strings_iris_comments() -> None:
    assert analysis("SELECT * { { { } } }").max_depth == 3
    assert analysis('SELECT * { BIND("{{{{" AS ?x) } # {{{{').max_depth == 2
    assert analysis("SELECT * { FILTER(?a<?b) }").max_depth == 2


@pytest.mark.parametrize(("text", "simple"), [
    ("SELECT ?p ?o WHERE { <http://x> ?p ?o } LIMIT 10", True),
    ("PREFIX ex: <http://x/> SELECT * { ex:a a ?t . }", True),
    ('SELECT ?s { ?s ?p "x"@en-GB }', True),
    ('SELECT ?s { ?s ?p "x"^^<http://dt> } OFFSET 5 LIMIT 3', True),
    ("ASK { ?s ?p ?o }", True),
    ("SELECT DISTINCT ?p { ?s ?p ?o }", False),
    ("SELECT * { ?s ?p ?o . ?o ?q ?r }", False),
    ("SELECT * { ?s <p>* ?o }", False),
    ("SELECT * { ?s ?p ?o FILTER(?o) }", False),
    ("SELECT * FROM <http://g> { ?s ?p ?o }", False),
    ("SELECT * { ?s ?p ?o } ORDER BY ?s", False),
    ("SELECT * { ?s ?p ?o } OFFSET 100000", False),
    ("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", False),
    ("SELECT * { ?s ?p ?o ; ?q ?r }", False),
    ("SELECT * { GRAPH ?g { ?s ?p ?o } }", False),
    ("SELECT * { ?s ?p ?o } VALUES ?s { <http://a> }", False),
    ("CONSTRUCT WHERE { ?s ?p ?o }", False),
    ("SELECT * { ?s ^<http://p> ?o }", False),
])
def test_single_pattern_shape(text: str, simple: bool) -> None:
    assert sparql.single_pattern(analysis(text).tokens, 10_000) is simple


def test_lookups_skip_the_worker_and_the_rest_use_it(app_factory) -> None:
    app = app_factory()
    client = app.test_client()
    counter = CountingPool(app)
    resp = client.get("/sparql?query=" + quote(
        "SELECT ?p ?o WHERE { <https://w3id.org/dprk-ld/id/finding/f1> ?p ?o }"))
    assert len(json.loads(resp.data)["results"]["bindings"]) == 4
    assert counter.calls == 0
    resp = client.get("/sparql?query=" + quote(
        "SELECT DISTINCT ?p WHERE { <https://w3id.org/dprk-ld/id/finding/f1> ?p ?o }"))
    assert len(json.loads(resp.data)["results"]["bindings"]) == 4
    assert counter.calls == 1


def test_lookups_can_be_sent_to_the_workers_too(app_factory) -> None:
    app = app_factory(INLINE_LOOKUPS="false")
    counter = CountingPool(app)
    app.test_client().get("/sparql?query=" + quote("ASK { ?s ?p ?o }"))
    assert counter.calls == 1


FAST = [
    "SELECT ?p ?o WHERE { <https://w3id.org/dprk-ld/id/x> ?p ?o } LIMIT 50 # 12",
    "select * { ?s a ?o }",
    "  SELECT ?s ?p ?o\n{\t?s ?p <http://x/é> . }\nlimit 7\n",
    "SELECT $s WHERE{<http://a> <http://b> $s}",
]
NOT_FAST = [
    "SELECT ?p ?o WHERE { <http://x> ?p ?o } LIMIT 50 # 1\nSERVICE <http://evil> {}",
    "SELECT ?p ?o WHERE { <http://x> ?p ?o } # 1\r LIMIT 5 SERVICE",
    "SELECT ?p ?o WHERE { SERVICE <http://x> { ?s ?p ?o } }",
    'SELECT ?p ?o WHERE { <http://x> ?p "a" }',
    "SELECT ?p ?o WHERE { <http://x\\u0020> ?p ?o }",
    "SELECT ?p ?o WHERE { <http://x> ?p ?o . ?o ?q ?r }",
    "SELECT DISTINCT ?p { ?s ?p ?o }",
    "SELECT * { ?s ?p ?o } OFFSET 5",
    "SELECT * { ?s ?p ?o } LIMIT 5 OFFSET 5",
    "SELECT * { ?s A ?o }",
    "SELECT * { ?s <p>* ?o }",
    "SELECT * FROM <http://g> { ?s ?p ?o }",
    "SELECT * { ?s ?p ?o FILTER(true) }",
    "PREFIX ex: <http://x/> SELECT * { ex:a ?p ?o }",
    "SELECT * { ?s ?p ?o } LIMIT 1234567890",
    "ASK { ?s ?p ?o }",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
]


@pytest.mark.parametrize("text", FAST)
def test_the_fast_road_reaches_the_lexers_decision(text: str) -> None:
    fast = sparql.fast_lookup(text)
    assert fast is not None and fast.lookup
    slow = sparql.analyse(text)
    assert sparql.single_pattern(slow.tokens, 10_000)
    assert (fast.form, fast.top_limit, fast.service, fast.dataset_clause, fast.max_depth) == (
        slow.form, slow.top_limit, slow.service, slow.dataset_clause, slow.max_depth)
    assert sparql.check_query(text, sparql.Limits()).lookup


@pytest.mark.parametrize("text", NOT_FAST)
def test_the_fast_road_leaves_everything_else_to_the_lexer(text: str) -> None:
    assert sparql.fast_lookup(text) is None


def test_percent_decoding_matches_the_standard_library() -> None:
    """The C road of percent_decode gives what urllib.parse.unquote_to_bytes gives, for text
    made of escapes, broken escapes, backslashes (which the C road must not read as its own
    escapes) and plain bytes."""
    import random
    from urllib.parse import quote, unquote_to_bytes

    rng = random.Random(7)
    pieces = [b"%", b"%4", b"%41", b"%e2%80%99", b"\\", b"\\x41", b"\\u0041", b"\\n", b"a",
              b"%zz", b"%%", b"+", b" ", b"\n", b"%0", b"%G1", b"%aF", b"%00"]
    for _ in range(20_000):
        raw = b"".join(rng.choice(pieces) for _ in range(rng.randrange(0, 10)))
        assert sparql.percent_decode(raw) == unquote_to_bytes(raw), raw
    for _ in range(2_000):
        text = "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(0, 20)))
        raw = quote(text, safe="").encode()
        assert sparql.percent_decode(raw) == unquote_to_bytes(raw) == text.encode()
