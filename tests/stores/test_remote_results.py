"""The store adapter's reading of answers and writing of requests, without a store: a cut answer
is never read as whole, Virtuoso's ways of answering are read as any store's, a query's own
dataset becomes protocol graphs."""

from __future__ import annotations

import json
import sys
import threading

import pyoxigraph as ox
import pytest

from dprk_ld.endpoint import evaluate, precheck
from dprk_ld.endpoint.limits import Limits
from dprk_ld.formats import JSON_RESULTS, TURTLE
from dprk_ld.release.remote import first_line_shifted, with_prologue, with_values
from dprk_ld.release.remote_http import Reply
from dprk_ld.release.remote_results import json_prefix, read_result
from dprk_ld.release.virtuoso_literals import months_duration

JSON = "application/sparql-results+json"


def _rows(n: int, text: str = "x") -> bytes:
    rows = [{"a": {"type": "literal", "value": f"{text}{i}"}} for i in range(n)]
    return json.dumps({"head": {"vars": ["a"]}, "results": {"bindings": rows}}).encode()


def test_a_whole_answer_is_read_as_it_is() -> None:
    result, cut = read_result(Reply(_rows(3), JSON), 1 << 20)
    assert cut is None
    assert [row["a"].value for row in result] == ["x0", "x1", "x2"]


def test_an_answer_cut_at_the_byte_cap_keeps_whole_rows_and_says_so() -> None:
    text = 'a "quoted} {brace\\" '
    body = _rows(50, text)
    for size in (len(body) // 3, len(body) // 2, len(body) - 5):
        result, cut = read_result(Reply(body[:size], JSON, complete=False), size)
        values = [row["a"].value for row in result]
        assert cut is not None and cut.cap == "bytes" and cut.kept == len(values)
        assert 0 < len(values) < 50
        assert values == [f"{text}{i}" for i in range(len(values))]


def test_a_cut_in_a_string_holding_braces_is_not_taken_for_a_row_end() -> None:
    body = _rows(2, "}}}")
    cut_inside = body.index(b"}}}1") + 2  # in the second row's value, after two braces
    closed, rows = json_prefix(body[:cut_inside])
    assert rows == 1
    assert [r["a"].value for r in ox.parse_query_results(closed, format=ox.QueryResultsFormat.JSON)
            ] == ["}}}0"]


def test_virtuosos_row_limit_header_marks_an_answer_cut() -> None:
    _result, cut = read_result(Reply(_rows(4), JSON, max_rows=4), 1 << 20)
    assert cut is not None and (cut.cap, cut.limit, cut.kept) == ("rows", 4, 4)
    _result, cut = read_result(Reply(_rows(3), JSON, max_rows=4), 1 << 20)
    assert cut is None


def test_triples_reaching_a_known_row_limit_are_cut() -> None:
    body = b"".join(b"<http://e/s%d> <http://e/p> \"v\" .\n" % i for i in range(5))
    result, cut = read_result(Reply(body, "application/n-triples"), 1 << 20, known_rows=5)
    assert cut is not None and cut.cap == "rows" and cut.kept == 5
    assert len(list(result)) == 5
    _result, cut = read_result(Reply(body, "application/n-triples"), 1 << 20, known_rows=6)
    assert cut is None
    result, cut = read_result(Reply(body[:-10], "application/n-triples", complete=False), 100)
    assert cut is not None and cut.cap == "bytes" and len(list(result)) == 4


def test_an_answer_may_be_dropped_on_another_thread_and_serializes_as_pyoxigraphs() -> None:
    """The front may keep an answer past its request (the collector then frees it in another
    thread): pyoxigraph's own QuerySolutions/QueryTriples fail there ("unsendable")."""
    triples = b"".join(b"<http://e/s%d> <http://e/p> \"v\" .\n" % i for i in (0, 1, 1))
    replies = [Reply(_rows(3), JSON), Reply(triples, "application/n-triples")]
    answers = [read_result(reply, 1 << 20)[0] for reply in replies]
    assert answers[0].serialize(format=ox.QueryResultsFormat.JSON) == ox.parse_query_results(
        _rows(3), format=ox.QueryResultsFormat.JSON).serialize(format=ox.QueryResultsFormat.JSON)
    assert answers[1].serialize(format=ox.RdfFormat.N_TRIPLES).count(b"\n") == 2  # distinct
    assert [v.value for v in answers[0].variables] == ["a"]
    unraisable: list[BaseException | None] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda found: unraisable.append(found.exc_value)
    try:
        dropper = threading.Thread(target=answers.clear)
        dropper.start()
        dropper.join()
    finally:
        sys.unraisablehook = previous
    assert answers == [] and unraisable == []


def test_virtuosos_answers_read_as_any_stores() -> None:
    ask = (b'{ "head": { "link": [], "vars": ["__ASK_RETVAL"] }, "results": { "distinct": false, '
           b'"bindings": [ { "__ASK_RETVAL": { "type": "typed-literal", "datatype": '
           b'"http://www.w3.org/2001/XMLSchema#integer", "value": "1" }} ] } }')
    result, _cut = read_result(Reply(ask, JSON), 1 << 20)
    assert isinstance(result, ox.QueryBoolean) and bool(result)
    empty = ask.replace(b'{ "__ASK_RETVAL": { "type": "typed-literal", "datatype": '
                        b'"http://www.w3.org/2001/XMLSchema#integer", "value": "1" }}', b"")
    result, _cut = read_result(Reply(empty, JSON), 1 << 20)
    assert isinstance(result, ox.QueryBoolean) and not bool(result)
    bnode = b'{"head":{"vars":["b"]},"results":{"bindings":[{"b":{"type":"bnode","value":"nodeID://b10"}}]}}'
    result, _cut = read_result(Reply(bnode, JSON), 1 << 20)
    assert [row["b"] for row in result] == [ox.BlankNode("b10")]


def test_a_literals_outer_spaces_survive() -> None:
    body = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"\\n  x \\n"}}]}}'
    result, _cut = read_result(Reply(body, JSON), 1 << 20)
    assert [row["a"].value for row in result] == ["\n  x \n"]


def test_an_answer_in_another_media_type_is_refused() -> None:
    from dprk_ld.release.remote_http import StoreError

    with pytest.raises(StoreError):
        read_result(Reply(b"<html/>", "text/html"), 1 << 20)


def test_the_prologue_stays_on_the_first_line_and_a_querys_own_prefix_wins() -> None:
    text = with_prologue("PREFIX dprk: <http://mine#>\nSELECT * { ?s ?p ?o }", "http://b/",
                         {"dprk": "http://release#", "skos": "http://skos#"})
    assert text.count("\n") == 1
    assert text.startswith("BASE <http://b/> PREFIX skos: <http://skos#> PREFIX dprk: <http://mine#>")


def test_substitutions_are_bound_first_in_the_where_clause() -> None:
    text = with_values("SELECT ?x ?n WHERE { ?x ?p ?n }", {ox.Variable("x"): ox.NamedNode("http://e/a")})
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("1")))
    store.add(ox.Quad(ox.NamedNode("http://e/b"), ox.NamedNode("http://e/p"), ox.Literal("2")))
    assert [row["n"].value for row in store.query(text)] == ["1"]


def _job(query: str, prefixes: dict[str, str] | None = None) -> evaluate.Job:
    analysis = precheck.check_query(query, Limits(), prefixes)
    return evaluate.job_for(query, analysis, JSON_RESULTS if analysis.kind == "results" else TURTLE,
                            [], [], "https://w3id.org/dprk-ld/", Limits(), None, prefixes)


def test_a_stores_syntax_error_is_told_at_its_place_in_the_text_as_sent() -> None:
    query = "SELECT * WHERE { ?s ?p }"
    sent = with_prologue(query, "http://b/", {"x": "http://x#"})
    with pytest.raises(SyntaxError) as raw:
        ox.Store().query(sent)
    with pytest.raises(SyntaxError) as alone:
        ox.Store().query(query)
    assert str(raw.value) != str(alone.value)
    assert first_line_shifted(str(raw.value), len(sent) - len(query)) == str(alone.value)
    assert first_line_shifted("error at 2:5: x", 40) == "error at 2:5: x"


VIRTUOSO = "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu  "
XSD = "http://www.w3.org/2001/XMLSchema#"


def _typed(value: str, datatype: str) -> dict[str, str]:
    """A SPARQL JSON term as Virtuoso writes it (its key order)."""
    return {"type": "typed-literal", "datatype": XSD + datatype, "value": value}


def _kept_by_the_engine(text: str) -> str:
    """The form pyoxigraph keeps an xsd:duration in (the form a release holds)."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://s"), ox.NamedNode("http://p"),
                      ox.Literal(text, datatype=ox.NamedNode(XSD + "duration"))))
    return next(iter(store)).object.value


def test_virtuosos_months_are_the_engines_canonical_durations() -> None:
    for months in range(-30, 400):
        text = f"-P{-months}M" if months < 0 else f"P{months}M"
        assert months_duration(months) == _kept_by_the_engine(text), months
    assert months_duration(11999999988) == "P999999999Y"


def test_virtuosos_rewritten_literals_come_back_as_published() -> None:
    """Virtuoso answers "P10Y"^^xsd:duration as "120", "true"^^xsd:boolean as "1" (in SPARQL
    JSON); the front gives back the published forms, in rows, triples and their serializations."""
    terms = {"a": _typed("120", "duration"), "b": _typed("1", "boolean"),
             "c": _typed("0", "boolean"), "d": _typed("-18", "duration"),
             "e": _typed("259200.0", "duration"),  # seconds: not exact, left as given
             "f": {"type": "literal", "value": json.dumps(_typed("1", "boolean"))},
             "g": _typed("1", "integer")}
    body = json.dumps({"head": {"vars": list(terms)}, "results": {"bindings": [terms]}}).encode()
    result, _cut = read_result(Reply(body, JSON, server=VIRTUOSO), 1 << 20)
    row = next(iter(result))
    assert [row[v].value for v in terms] == [
        "P10Y", "true", "false", "-P1Y6M", "259200.0", terms["f"]["value"], "1"]
    assert row["a"].datatype == ox.NamedNode(XSD + "duration")
    written = json.loads(result.serialize(format=ox.QueryResultsFormat.JSON))
    assert written["results"]["bindings"][0]["a"]["value"] == "P10Y"
    nt = (f'<http://e/s> <http://e/p> "120"^^<{XSD}duration> .\n'
          f'<http://e/s> <http://e/p> "1"^^<{XSD}boolean> .\n'
          f'<http://e/s> <http://e/q> "a \\"120"^^<{XSD}duration> .\n'
          f'<http://e/s> <http://e/r> "7"^^<{XSD}integer> .\n').encode()
    triples, _cut = read_result(Reply(nt, "application/n-triples", server=VIRTUOSO), 1 << 20)
    assert sorted(str(t.object) for t in triples) == sorted([
        f'"P10Y"^^<{XSD}duration>', f'"true"^^<{XSD}boolean>', f'"a \\"120"^^<{XSD}duration>',
        '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'])
    assert b'"P10Y"^^' in triples.serialize(format=ox.RdfFormat.N_TRIPLES)


def test_another_stores_literals_are_left_as_it_gives_them() -> None:
    terms = {"a": _typed("120", "duration"), "b": _typed("1", "boolean")}
    body = json.dumps({"head": {"vars": list(terms)}, "results": {"bindings": [terms]}}).encode()
    for server in ("", "Oxigraph/0.5.3"):
        result, _cut = read_result(Reply(body, JSON, server=server), 1 << 20)
        assert [next(iter(result))[v].value for v in terms] == ["120", "1"]
    nt = f'<http://e/s> <http://e/p> "1"^^<{XSD}boolean> .\n'.encode()
    triples, _cut = read_result(Reply(nt, "application/n-triples", server="Oxigraph"), 1 << 20)
    assert [t.object.value for t in triples] == ["1"]
