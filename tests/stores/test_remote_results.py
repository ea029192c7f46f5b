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
from dprk_ld.endpoint.remote_pool import dataset_of
from dprk_ld.formats import JSON_RESULTS, TURTLE
from dprk_ld.release.remote import first_line_shifted, with_prologue, with_values
from dprk_ld.release.remote_http import Reply
from dprk_ld.release.remote_results import json_prefix, read_result

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


def test_a_querys_own_dataset_becomes_protocol_graphs() -> None:
    g = "https://w3id.org/dprk-ld/graph/"
    job = dataset_of(_job("PREFIX gr: <https://w3id.org/dprk-ld/graph/>\n"
                          "SELECT * FROM gr:data FROM NAMED <graph/shapes> FROM <http://elsewhere/g> "
                          "WHERE { ?s ?p \"FROM <http://not/this>\" }"))
    assert job.default_graphs == (g + "data", "http://elsewhere/g")
    assert job.named_graphs == (g + "shapes",)
    assert not job.union
    declared = dataset_of(_job("SELECT * FROM NAMED x:a { ?s ?p ?o }", {"x": "http://x/"}))
    assert (declared.default_graphs, declared.named_graphs) == ((), ("http://x/a",))
    union = _job("SELECT * { ?s ?p ?o }")
    assert dataset_of(union) is union and union.union


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
